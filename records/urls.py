from django.urls import path

from . import views

app_name = "records"

urlpatterns = [
    path("records/", views.record_list, name="record-list"),
    path("records/new/", views.record_entry_start, name="record-entry-start"),
    path("records/new/<slug:type_code>/", views.record_entry, name="record-entry"),
    path("records/<int:pk>/", views.record_detail, name="record-detail"),
    path("records/<int:pk>/edit/", views.record_edit, name="record-edit"),
    path("subjects/lookup/", views.subject_lookup, name="subject-lookup"),
    path("records/<int:pk>/review/", views.record_review, name="record-review"),
    path("records/<int:pk>/revoke/", views.record_revoke_view, name="record-revoke"),
    path("review/", views.review_queue, name="review-queue"),
    path("review/bulk/", views.bulk_review_create, name="bulk-review-create"),
    path("review/bulk/<int:pk>/", views.bulk_review_detail, name="bulk-review-detail"),
    path("review/bulk/<int:pk>/progress/", views.bulk_review_progress, name="bulk-review-progress"),
    path("templates/<slug:type_code>.xlsx", views.template_download, name="template"),
    path("uploads/", views.upload_list, name="uploads"),
    path("uploads/<int:pk>/", views.upload_detail, name="upload-detail"),
    path("uploads/<int:pk>/progress/", views.upload_progress, name="upload-progress"),
    path("uploads/<int:pk>/errors.xlsx", views.upload_errors, name="upload-errors"),
    path("uploads/<int:pk>/import/", views.upload_import, name="upload-import"),
    path("uploads/<int:pk>/review/", views.upload_review, name="upload-review"),
    path("quality/", views.quality, name="quality"),
    path("quality/recompute/", views.quality_recompute, name="quality-recompute"),
    path("tokens/", views.token_list, name="tokens"),
    path("tokens/<int:pk>/revoke/", views.token_revoke, name="token-revoke"),
    path("tokens/<int:pk>/approve/", views.token_decide, {"decision": "approve"}, name="token-approve"),
    path("tokens/<int:pk>/refuse/", views.token_decide, {"decision": "refuse"}, name="token-refuse"),
    path("unmatched/", views.unmatched_queue, name="unmatched"),
    path("unmatched/<int:pk>/match/", views.unmatched_match, name="unmatched-match"),
]
