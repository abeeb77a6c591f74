from django.conf import settings
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.pagination import CursorPagination
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from organisations.api.permissions import CanReadRecords, CanWriteRecords
from organisations.api.schema import USCC_PATTERN

from ..batches import batch_create
from ..choices import Channel
from ..filtersets import RecordFilterSet
from ..models import CreditRecord, IngestBatch, RecordType
from ..selectors import batches_visible_to, records_visible_to
from ..services import MAX_ITEMS_PER_CALL, RecordError, RecordInput, record_revoke, records_ingest
from .serializers import (
    BatchCreateSerializer,
    BatchSerializer,
    IngestResponseSerializer,
    RecordDetailSerializer,
    RecordPushSerializer,
    RecordSerializer,
    RecordTypeSerializer,
    RevokeSerializer,
)


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "payload_too_large"


class RecordCursorPagination(CursorPagination):
    ordering = "-id"
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 1000


class CatalogViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The catalog: record types and their fields, so department systems can discover the format."""

    queryset = RecordType.objects.filter(is_active=True).prefetch_related("fields").order_by("code")
    serializer_class = RecordTypeSerializer
    lookup_field = "code"
    permission_classes = [AllowAny]
    pagination_class = None


def _item(raw) -> tuple[RecordInput | None, dict]:
    """Structural checks of one pushed item; field-level checks are the service's."""
    if not isinstance(raw, dict):
        return None, {"item": ['每一项应为对象：{"record_type": ..., "data": {...}}。']}
    errors = {}
    if not isinstance(raw.get("record_type"), str) or not raw.get("record_type"):
        errors["record_type"] = ["缺少 record_type。"]
    if not isinstance(raw.get("data"), dict):
        errors["data"] = ["data 应为以字段代码为键的对象。"]
    severity = raw.get("severity") or ""
    if not isinstance(severity, str):
        errors["severity"] = ["severity 应为字符串。"]
    if errors:
        return None, errors
    return RecordInput(record_type=raw["record_type"], data=raw["data"], severity=severity), {}


class RecordViewSet(viewsets.GenericViewSet):
    """A department's records: push (create or update), list, read with versions, revoke."""

    queryset = CreditRecord.objects.none()  # for the schema; get_queryset scopes to the caller
    serializer_class = RecordSerializer
    filterset_class = RecordFilterSet
    pagination_class = RecordCursorPagination

    def get_permissions(self):
        return [CanWriteRecords()] if self.action in ("create", "revoke") else [CanReadRecords()]

    def get_queryset(self):
        records = records_visible_to(self.request.caller.department)
        if self.action == "retrieve":
            records = records.prefetch_related("versions")
        return records

    @extend_schema(
        request=RecordPushSerializer(),
        responses={
            200: IngestResponseSerializer,
            400: OpenApiResponse(description="请求体不是包含1至1000条记录的JSON数组，或不是有效的JSON"),
            413: OpenApiResponse(description="超过1000条（请改用 /api/v1/batches/），或请求体超过大小上限"),
        },
        summary="报送信用记录（1–1000条）",
    )
    def create(self, request):
        payload = request.data
        if not isinstance(payload, list) or not payload:
            raise exceptions.ValidationError({"detail": "请求体应为包含1至1000条记录的JSON数组。"})
        if len(payload) > MAX_ITEMS_PER_CALL:
            raise PayloadTooLarge(
                f"一次最多报送{MAX_ITEMS_PER_CALL}条记录，本次{len(payload)}条；大批量请使用 /api/v1/batches/。"
            )
        caller = request.caller
        parsed = [_item(raw) for raw in payload]
        inputs = [item for item, _ in parsed if item is not None]
        outcomes = iter(
            records_ingest(
                department=caller.department,
                items=inputs,
                channel=Channel.API,
                actor=caller.actor,
                token=caller.token,
            )
        )
        results = []
        for index, (item, errors) in enumerate(parsed):
            if item is None:
                results.append({"index": index, "record_id": None, "status": "rejected", "errors": errors})
                continue
            outcome = next(outcomes)
            results.append(
                {
                    "index": index,
                    "record_id": outcome.record_id,
                    "status": str(outcome.status),
                    "errors": outcome.errors,
                }
            )
        return Response({"results": results})

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "record_type", {"type": "string", "maxLength": 32}, description="记录类型编码，如 xzcf、xzxk"
            ),
            OpenApiParameter(
                "subject",
                {"type": "string", "pattern": USCC_PATTERN},
                description="主体统一社会信用代码（18位，大小写均可；无效代码查不到任何记录）",
            ),
            OpenApiParameter("source_id", {"type": "string", "maxLength": 200}, description="部门记录编号"),
        ]
    )
    def list(self, request):
        records = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(records)
        return self.get_paginated_response(RecordSerializer(page, many=True).data)

    @extend_schema(responses=RecordDetailSerializer)
    def retrieve(self, request, pk=None):
        return Response(RecordDetailSerializer(self.get_object()).data)

    @extend_schema(request=RevokeSerializer, responses=RecordSerializer, summary="撤销信用记录")
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        serializer = RevokeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        record = record_revoke(
            record=self.get_object(), actor=request.caller.actor, reason=serializer.validated_data["reason"]
        )
        return Response(RecordSerializer(record).data)


class BatchViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Large loads: upload a file, follow its progress and per-row errors."""

    queryset = IngestBatch.objects.none()  # for the schema; get_queryset scopes to the caller
    serializer_class = BatchSerializer
    parser_classes = [MultiPartParser, FormParser]

    def get_permissions(self):
        return [CanWriteRecords()] if self.action == "create" else [CanReadRecords()]

    def get_queryset(self):
        return batches_visible_to(self.request.caller.department).prefetch_related("row_errors")

    @extend_schema(
        request=BatchCreateSerializer,
        responses={
            202: BatchSerializer,
            400: OpenApiResponse(description="文件类型、记录类型不对或文件为空"),
            413: OpenApiResponse(description="文件超过 BATCH_MAX_BYTES"),
        },
        summary="上传批量记录文件",
        description="只保存文件并排队：文件内容（表头、各行）由后台任务读取；文件有误时批次以 failed 结束并附说明。",
    )
    def create(self, request):
        # Refused on its declared length before the body is read: the cap is the file's, plus the form around it.
        length = request.META.get("CONTENT_LENGTH") or ""
        if length.isdigit() and int(length) > settings.BATCH_MAX_BYTES + 64 * 1024:
            raise PayloadTooLarge(_too_large(int(length)), code="file_too_large")
        serializer = BatchCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        caller = request.caller
        try:
            batch = batch_create(
                department=caller.department,
                upload=serializer.validated_data["file"],
                record_type_code=serializer.validated_data.get("record_type", ""),
                channel=Channel.BATCH,
                actor=caller.actor,
                token=caller.token,
            )
        except RecordError as error:
            if error.code == "file_too_large":
                raise PayloadTooLarge(error.message, code=error.code) from error
            raise
        return Response(BatchSerializer(batch).data, status=status.HTTP_202_ACCEPTED)


def _too_large(size: int) -> str:
    return f"文件过大（{size // 1_048_576} MB），上限为 {settings.BATCH_MAX_BYTES // 1_048_576} MB。"
