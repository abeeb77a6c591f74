from django.urls import path

from . import views

app_name = "disclosure"

urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search, name="search"),
    path("subjects/<str:code>/", views.subject_detail, name="subject-detail"),
]
