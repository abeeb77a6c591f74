"""The subject lookup of department systems (``GET /api/v1/subjects/{code}/``). Served here, beside the API's
access rules (the token scope ``subjects:read``), which the subjects app below cannot import; how a subject is
shown is the subjects app's serializer."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, viewsets
from rest_framework.exceptions import NotFound

from subjects.api.serializers import SubjectSerializer
from subjects.models import CreditSubject
from subjects.selectors import subject_get_by_code

from .permissions import CanReadSubjects
from .schema import SUBJECT_CODE_PATTERN


class SubjectViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Look up one credit subject by USCC (or a legacy registration number / organisation code)."""

    serializer_class = SubjectSerializer
    permission_classes = [CanReadSubjects]
    lookup_field = "code"
    lookup_value_regex = "[^/]+"
    queryset = CreditSubject.objects.none()

    def get_object(self):
        try:
            return subject_get_by_code(self.kwargs["code"])
        except CreditSubject.DoesNotExist:
            raise NotFound("未找到该代码对应的信用主体。") from None

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "code",
                {"type": "string", "pattern": SUBJECT_CODE_PATTERN, "minLength": 9, "maxLength": 18},
                OpenApiParameter.PATH,
                description=(
                    "统一社会信用代码（18位），或工商注册号（15位）、组织机构代码（9位，可写作12345678-9）；"
                    "大小写均可，校验位有误时答复400"
                ),
            )
        ],
        responses={200: SubjectSerializer},
    )
    def retrieve(self, request, *args, **kwargs):
        return super().retrieve(request, *args, **kwargs)
