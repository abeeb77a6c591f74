from django.urls import path

from . import views

app_name = "subjects"

urlpatterns = [
    path("workbench/", views.workbench, name="workbench"),
]
