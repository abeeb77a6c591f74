"""The one router of the REST API (``/api/v1/``): every app registers its viewsets here."""

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from evaluation.api.views import EvaluationChangeViewSet, EvaluationFileViewSet
from organisations.api.views import SubjectViewSet
from queries.api.views import DepartmentQueryViewSet
from records.api.views import BatchViewSet, CatalogViewSet, RecordViewSet
from sanctions.api.views import CheckViewSet, MembershipChangeViewSet

router = DefaultRouter(trailing_slash=True)
router.register("subjects", SubjectViewSet, basename="subject")
router.register("catalog", CatalogViewSet, basename="catalog")
router.register("records", RecordViewSet, basename="record")
router.register("batches", BatchViewSet, basename="batch")
router.register("checks", CheckViewSet, basename="check")
router.register("memberships/changes", MembershipChangeViewSet, basename="membership-change")
router.register("queries", DepartmentQueryViewSet, basename="query")
router.register("evaluations/changes", EvaluationChangeViewSet, basename="evaluation-change")
router.register("evaluations/files", EvaluationFileViewSet, basename="evaluation-file")

urlpatterns = [path("", include(router.urls))]
