"""The project's URLs plus one undecided endpoint, for the access matrix's guard test."""

from django.http import HttpResponse
from django.urls import include, path

from credit_portal.urls import urlpatterns as project_urlpatterns

extra = ([path("new-endpoint/", lambda request: HttpResponse("ok"), name="new-endpoint")], "extra")
urlpatterns = [*project_urlpatterns, path("api/v1/extra/", include(extra))]
