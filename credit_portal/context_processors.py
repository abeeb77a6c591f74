"""Template context shared by every page."""

from django.conf import settings


def platform(request):
    return {"PLATFORM_NAME": settings.PLATFORM_NAME, "PLATFORM_OWNER": settings.PLATFORM_OWNER}
