"""Top-level URLs: the public site, the staff admin, the REST API and its schema, the health endpoints."""

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from accounts import urls as account_urls
from accounts.forms import StaffPasswordResetForm
from disclosure.throttle import is_submission, throttled

admin.site.site_header = "公共信用信息平台管理后台"
admin.site.site_title = "公共信用信息平台"
admin.site.index_title = "管理首页"


def _throttled(patterns, limits: dict):
    """``patterns`` with the views named in ``limits`` behind the public site's rate limits (an app below the
    public site cannot import them): {url name: (limit, when)}."""
    return [
        path(str(p.pattern), throttled(limits[p.name][0], when=limits[p.name][1])(p.callback), name=p.name)
        if p.name in limits
        else p
        for p in patterns
    ]


# Each registration and each reset request mails the address typed: limited per client, like the staff
# password reset below.
account_patterns = _throttled(
    account_urls.urlpatterns,
    {"register": ("apply", is_submission), "password-reset": ("password_reset", is_submission)},
)

urlpatterns = [
    path("admin/", admin.site.urls),
    # Ahead of Django's own: each submission mails the account's address, so it is limited per client
    # (unlimited, the form is a mail cannon aimed at staff mailboxes); opening the form is free.
    path(
        "accounts/password_reset/",
        throttled("password_reset", when=is_submission)(
            auth_views.PasswordResetView.as_view(
                form_class=StaffPasswordResetForm,
                # The mail is rendered without the request's context processors: the platform's name is passed.
                extra_email_context={"platform_name": settings.PLATFORM_NAME},
            )
        ),
        name="password_reset",
    ),
    path("accounts/", include("django.contrib.auth.urls")),
    path("", include("organisations.urls")),
    path("", include((account_patterns, "accounts"))),
    path("workbench/", include("records.urls")),
    path("workbench/", include("sanctions.urls")),
    path("workbench/", include("queries.urls")),
    path("workbench/", include("evaluation.urls")),  # the models a department edits (通用+专业)
    path("api/v1/", include("credit_portal.api_router")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("", include("operations.urls")),  # /healthz, /readyz for the orchestrator
    path("", include("supervision.urls")),  # random inspections: the workbench (一公开 is disclosure's)
    path("", include("rights.urls")),
    path("", include("disclosure.urls")),
]

handler400 = "disclosure.views.bad_request"
handler403 = "disclosure.views.permission_denied"
handler404 = "disclosure.views.page_not_found"
# An outage of the database or the broker raised in a middleware is a 503; anything else the site's 500 page.
handler500 = "credit_portal.unavailable.server_error"
