from django.urls import path

from . import inspection_views, views

app_name = "disclosure"

urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search, name="search"),
    path("subjects/<str:code>/", views.subject_detail, name="subject-detail"),
    path("subjects/<str:code>/report/", views.subject_report, name="subject-report"),
    path("persons/<str:token>/", views.person_detail, name="person-detail"),
    path("reports/verify/", views.report_verify, name="report-verify"),
    path("reports/download/", views.report_download, name="report-download"),
    path("shuanggongshi/<slug:type_code>/", views.shuanggongshi, name="shuanggongshi"),
    path("commitments/", views.commitments, name="commitments"),
    path("measures/", views.measures, name="measures"),
    path("statistics/", views.statistics, name="statistics"),
    path("lists/", views.list_index, name="lists"),
    path("lists/<slug:code>/", views.list_detail, name="list-detail"),
    path("opendata/", views.opendata, name="opendata"),
    path("opendata/files/<int:pk>/", views.opendata_file, name="opendata-file"),
    path("opendata/lists/<slug:code>.csv", views.opendata_list, name="opendata-list"),
    path("opendata/shuanggongshi/<slug:type_code>.csv", views.opendata_shuanggongshi, name="opendata-sgs"),
    # 双随机、一公开: every drawn plan, from its draw
    path("inspections/", inspection_views.inspection_list, name="inspections"),
    path("inspections/<int:pk>/", inspection_views.inspection_detail, name="inspection"),
    path("inspections/<int:pk>/verify/", inspection_views.inspection_verify, name="inspection-verify"),
    path("articles/<slug:category>/", views.article_list, name="articles"),
    path("article/<int:pk>/", views.article_detail, name="article-detail"),
]
