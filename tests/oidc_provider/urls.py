"""The provider's endpoints (``/o/``: authorize, token, userinfo, JWKS, discovery) and a password sign-in."""

from django.contrib.auth import authenticate, login
from django.http import HttpResponse, HttpResponseForbidden
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt


@csrf_exempt
def sign_in(request):
    user = authenticate(request, username=request.POST.get("username"), password=request.POST.get("password"))
    if user is None:
        return HttpResponseForbidden("wrong password")
    login(request, user)
    return HttpResponse("ok")


urlpatterns = [path("login/", sign_in), path("o/", include("oauth2_provider.urls", namespace="oauth2_provider"))]
