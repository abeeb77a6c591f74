from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.pagination import CursorPagination

from organisations.api.permissions import ScopePermission
from organisations.choices import TokenScope

from ..files import files_root
from ..models import EvaluationFile, EvaluationResult
from ..selectors import result_changes
from .serializers import EvaluationChangeSerializer, EvaluationFileSerializer


class CanReceiveEvaluations(ScopePermission):
    """The results reach the systems that check subjects (联合奖惩核查): the same scope as the list feed."""

    scope = TokenScope.CHECKS


class EvaluationChangePagination(CursorPagination):
    ordering = "id"
    page_size = 500
    page_size_query_param = "page_size"
    max_page_size = 1000


class EvaluationChangeViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The change feed of evaluation results (a new grade, score, explanation or model version), oldest first:
    a department receives those of its supervised population (docs/api.md), the credit centre all of them."""

    queryset = EvaluationResult.objects.none()
    serializer_class = EvaluationChangeSerializer
    pagination_class = EvaluationChangePagination
    permission_classes = [CanReceiveEvaluations]

    def get_queryset(self):
        return result_changes(self.request.caller.department)


class EvaluationFilePagination(CursorPagination):
    ordering = "-id"
    page_size = 100
    max_page_size = 100


class EvaluationFileViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The dated files of the current grades of the department's supervised population, per model (newest first),
    written every night after the full evaluation; the credit centre sees every department's."""

    queryset = EvaluationFile.objects.none()
    serializer_class = EvaluationFileSerializer
    pagination_class = EvaluationFilePagination
    permission_classes = [CanReceiveEvaluations]

    def get_queryset(self):
        files = EvaluationFile.objects.select_related("department", "model")
        department = self.request.caller.department
        return files if department is None else files.filter(department=department)

    @extend_schema(responses={(200, "text/csv"): OpenApiTypes.BINARY}, summary="下载评价结果文件（CSV）")
    @action(detail=True, methods=["get"])
    def download(self, request, pk=None):
        row = self.get_queryset().filter(pk=pk).first() if str(pk).isdecimal() else None
        if row is None:
            raise NotFound("未找到该文件。")
        try:
            handle = open(files_root() / row.path, "rb")  # noqa: SIM115 (closed by FileResponse)
        except FileNotFoundError:
            raise NotFound("文件正在重新生成，请稍后再试。") from None
        response = FileResponse(
            handle, as_attachment=True, filename=row.filename, content_type="text/csv; charset=utf-8"
        )
        response["ETag"] = f'"{row.sha256}"'
        return response
