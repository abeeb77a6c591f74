from django.urls import path

from . import views

app_name = "organisations"

urlpatterns = [
    path("workbench/", views.workbench, name="workbench"),
    path("accounts/two-factor/", views.two_factor_verify_view, name="two-factor-verify"),
    path("accounts/two-factor/setup/", views.two_factor_setup_view, name="two-factor-setup"),
]
