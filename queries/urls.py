"""Workbench pages of department queries (mounted under /workbench/)."""

from django.urls import path

from . import views

app_name = "queries"

urlpatterns = [
    path("queries/", views.query, name="query"),
    path("special-queries/", views.special_list, name="special-list"),
    path("special-queries/new/", views.special_new, name="special-new"),
    path("special-queries/dashboard/", views.special_dashboard, name="special-dashboard"),
    path("special-queries/<int:pk>/", views.special_detail, name="special-detail"),
    path("special-queries/<int:pk>/files/<int:file_pk>/", views.special_file, name="special-file"),
    path("special-queries/<int:pk>/result/", views.special_result, name="special-result"),
    path("special-queries/<int:pk>/result.pdf", views.special_result_pdf, name="special-result-pdf"),
]
