"""Workbench pages of the evaluation models (mounted under /workbench/)."""

from django.urls import path

from . import views

app_name = "evaluation"

urlpatterns = [
    path("models/", views.model_list, name="models"),
    path("models/new/", views.model_new, name="model-new"),
    path("models/<int:pk>/", views.model_detail, name="model-detail"),
    path("models/<int:pk>/progress/", views.model_progress, name="model-progress"),
    path("models/<int:pk>/draft/", views.draft_open, name="draft-open"),
    path("models/<int:pk>/draft/edit/", views.draft_edit, name="draft-edit"),
    path("models/<int:pk>/draft/preview/", views.draft_preview_view, name="draft-preview"),
    path("models/<int:pk>/draft/publish/", views.draft_publish, name="draft-publish"),
]
