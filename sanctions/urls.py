from django.urls import path

from . import views

app_name = "sanctions"

urlpatterns = [
    path("checks/", views.check_page, name="checks"),
    path("checks/<int:pk>/", views.check_detail, name="check-detail"),
    path("checks/<int:pk>/certificate/", views.check_certificate_download, name="check-certificate"),
    path("checks/dashboard/", views.dashboard, name="dashboard"),
]
