"""The graded query of department systems (``POST /api/v1/queries/``, token scope ``records:query``)."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from organisations.api.permissions import ScopePermission
from organisations.choices import TokenScope

from ..services import QueryError, department_query
from .serializers import QueryRequestSerializer, QueryResponseSerializer


class CanQueryRecords(ScopePermission):
    scope = TokenScope.RECORDS_QUERY


class DepartmentQueryViewSet(viewsets.GenericViewSet):
    """查询其他部门政务共享、授权查询类信用信息：须说明事由，限于信用中心授予本部门的查询权限；每次查询记入主体的查询记录。"""

    permission_classes = [CanQueryRecords]
    serializer_class = QueryRequestSerializer

    @extend_schema(
        request=QueryRequestSerializer,
        responses={
            200: QueryResponseSerializer,
            400: OpenApiResponse(
                description="缺少或无效的查询事由（code: purpose_required、purpose_note_required），"
                "主体代码无效或未找到（invalid_subject、unknown_subject）"
            ),
            403: OpenApiResponse(description="令牌无 records:query 权限，或本部门没有有效的查询权限（code: no_grant）"),
        },
        summary="按权限查询主体的政务共享、授权查询类信息",
    )
    def create(self, request):
        serializer = QueryRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        caller = request.caller
        if caller.department is None:
            raise PermissionDenied("查询须以部门身份发起。")
        try:
            result = department_query(
                department=caller.department,
                code=serializer.validated_data["subject"],
                purpose=serializer.validated_data["purpose"],
                purpose_note=serializer.validated_data["purpose_note"],
                actor=caller.actor,
            )
        except QueryError as error:
            if error.code == "no_grant":
                raise PermissionDenied({"detail": error.message, "code": error.code}) from None
            raise
        return Response(QueryResponseSerializer(result).data)
