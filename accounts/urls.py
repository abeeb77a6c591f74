"""Subject accounts (``/account/...``) and the credit centre's verification pages (``/workbench/accounts/...``)."""

from django.urls import path

from . import oidc, views

app_name = "accounts"

urlpatterns = [
    path("account/register/", views.register, name="register"),  # rate-limited in credit_portal/urls.py
    path("account/confirm/<str:token>/", views.confirm, name="confirm"),
    path("account/login/", views.LoginView.as_view(), name="login"),
    path(
        "account/password-reset/", views.password_reset, name="password-reset"
    ),  # rate-limited in credit_portal/urls.py
    path(
        "account/password-reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password-reset-confirm",
    ),
    path("account/oidc/login/", oidc.oidc_login, name="oidc-login"),
    path("account/oidc/callback/", oidc.oidc_callback, name="oidc-callback"),
    path("account/", views.home, name="home"),
    path("account/subjects/new/", views.grant_add, name="grant-add"),
    path("workbench/accounts/", views.account_list, name="accounts"),
    path("workbench/accounts/<int:pk>/", views.account_detail, name="account-detail"),
    path("workbench/account-grants/", views.grant_list, name="grants"),
    path("workbench/account-grants/<int:pk>/", views.grant_detail, name="grant-detail"),
    path("workbench/account-grants/<int:pk>/proofs/<int:proof_pk>/", views.proof_download, name="proof-download"),
]
