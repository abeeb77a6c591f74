from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response

from organisations.api.permissions import ScopePermission
from organisations.choices import TokenScope

from ..models import Check, MembershipChange
from ..services import check_feedback, check_perform
from .serializers import CheckCreateSerializer, CheckSerializer, FeedbackRequestSerializer, MembershipChangeSerializer


class CanCheck(ScopePermission):
    scope = TokenScope.CHECKS


class CheckViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """联合奖惩核查: ask what applies to subjects at a business moment; report back what was done."""

    queryset = Check.objects.none()
    serializer_class = CheckSerializer
    permission_classes = [CanCheck]

    def get_queryset(self):
        department = self.request.caller.department
        checks = Check.objects.select_related("department")
        return checks if department is None else checks.filter(department=department)

    @extend_schema(request=CheckCreateSerializer, responses={201: CheckSerializer}, summary="联合奖惩核查")
    def create(self, request):
        caller = request.caller
        if caller.department is None:
            raise PermissionDenied("核查须以部门身份发起。")
        serializer = CheckCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        check = check_perform(
            department=caller.department,
            scenario=serializer.validated_data["scenario"],
            reference=serializer.validated_data["reference"],
            codes=serializer.validated_data["subjects"],
            actor=caller.actor,
            token=caller.token,
        )
        return Response(CheckSerializer(check).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=FeedbackRequestSerializer, responses={200: None}, summary="核查结果反馈")
    @action(detail=True, methods=["post"])
    def feedback(self, request, pk=None):
        caller = request.caller
        # A non-numeric id (``/checks/AAA/feedback/``) is an unknown check, not a server error.
        check = self.get_queryset().filter(pk=pk).first() if str(pk).isdecimal() else None
        if check is None or caller.department is None or check.department_id != caller.department.pk:
            raise NotFound("未找到该核查。")
        serializer = FeedbackRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        saved = check_feedback(
            check=check, department=caller.department, items=serializer.validated_data["items"], actor=caller.actor
        )
        return Response({"saved": len(saved)})


class MembershipChangePagination(CursorPagination):
    ordering = "id"
    page_size = 500
    page_size_query_param = "page_size"
    max_page_size = 1000


class MembershipChangeViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The change feed of list memberships (opened, changed, suspended, resumed, ended), oldest first."""

    queryset = MembershipChange.objects.select_related("membership__subject", "membership__list_type")
    serializer_class = MembershipChangeSerializer
    pagination_class = MembershipChangePagination
    permission_classes = [CanCheck]
