from django.urls import path

from . import views

app_name = "supervision"

urlpatterns = [
    # the department workbench (the public 一公开 pages are disclosure's: disclosure/inspection_views.py)
    path("workbench/inspections/", views.plan_list, name="plans"),
    path("workbench/inspections/new/", views.plan_new, name="plan-new"),
    path("workbench/inspections/<int:pk>/", views.plan_detail, name="plan-detail"),
    path("workbench/inspections/<int:pk>/draw/", views.plan_draw_view, name="plan-draw"),
    path("workbench/inspections/targets/<int:pk>/result/", views.result_entry, name="result-entry"),
    path("workbench/inspectors/", views.inspector_list, name="inspectors"),
    path("workbench/inspectors/<int:pk>/active/", views.inspector_active, name="inspector-active"),
]
