"""The public forms of the subject's rights and the workbench case queues (at the addresses the public site
links to and people keep: ``/records/<id>/objection/``, ``/workbench/applications/``...)."""

from django.urls import path

from . import account_views, views

app_name = "rights"

urlpatterns = [
    path("records/<int:pk>/objection/", views.objection_apply, name="objection-apply"),
    path("records/<int:pk>/repair/", views.repair_apply, name="repair-apply"),
    path("applications/status/", views.application_status, name="application-status"),
    path("tipoffs/new/", views.tipoff_apply, name="tipoff-apply"),
    path("commitments/new/", views.commitment_apply, name="commitment-apply"),
    path(
        "workbench/commitments/<int:pk>/fulfilment/",
        views.commitment_fulfilment_view,
        name="commitment-fulfilment",
    ),
    path("account/applications/", account_views.my_applications, name="my-applications"),
    path("account/subjects/<int:subject_pk>/record/", account_views.self_query, name="self-query"),
    path("account/subjects/<int:subject_pk>/report/", account_views.self_report, name="self-report"),
    path("account/subjects/<int:subject_pk>/accesses/", account_views.access_log, name="access-log"),
    path("account/subjects/<int:subject_pk>/authorisations/", account_views.authorisations, name="authorisations"),
    path(
        "account/authorisations/<int:pk>/revoke/", account_views.authorisation_revoke_view, name="authorisation-revoke"
    ),
    path("account/authorised/", account_views.authorised_list, name="authorised"),
    path("account/authorised/<int:pk>/", account_views.authorised_view, name="authorised-view"),
    path("account/complaints/", account_views.complaints, name="complaints"),
    path("workbench/complaints/", account_views.complaint_queue, name="complaint-queue"),
    path("workbench/complaints/<int:pk>/", account_views.complaint_detail, name="complaint-detail"),
    path("workbench/applications/", views.case_list, name="cases"),
    path("workbench/applications/dashboard/", views.case_dashboard, name="case-dashboard"),
    path("workbench/applications/<int:pk>/", views.case_detail, name="case-detail"),
    path(
        "workbench/applications/<int:pk>/evidence/<int:evidence_pk>/",
        views.evidence_download,
        name="evidence-download",
    ),
]
