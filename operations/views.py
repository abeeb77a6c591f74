"""``/healthz`` and ``/readyz`` for the orchestrator: never cached, never rate-limited, no personal data."""

from django.conf import settings
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .readiness import readiness


@never_cache
@require_GET
def healthz(request):
    """The process is up and answers; touches neither the database nor Redis."""
    return JsonResponse({"status": "ok"})


@never_cache
@require_GET
def readyz(request):
    """200 when the database (and Redis, when configured) answers and the migrations are applied, else 503
    naming the failing checks; queue depth and pending work are reported either way."""
    ready, body = readiness()
    response = JsonResponse(body, status=200 if ready else 503)
    if not ready:
        response["Retry-After"] = str(settings.SERVICE_RETRY_AFTER_SECONDS)
    return response
