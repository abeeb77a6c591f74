from drf_spectacular.utils import OpenApiExample, extend_schema_serializer
from rest_framework import serializers

from organisations.api.schema import CheckCodeField
from subjects.identifiers import mask_person_name

from ..choices import Scenario
from ..models import Check, MembershipChange
from ..services import MAX_CHECK_SUBJECTS


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "政府采购核查",
            request_only=True,
            value={"scenario": "procurement", "reference": "JLCG-2026-0815", "subjects": ["91220104124356877L"]},
        )
    ]
)
class CheckCreateSerializer(serializers.Serializer):
    scenario = serializers.ChoiceField(choices=Scenario.choices, help_text="业务场景")
    reference = serializers.CharField(max_length=100, help_text="本部门业务编号（如采购项目编号）")
    subjects = serializers.ListField(
        child=CheckCodeField(max_length=40),
        min_length=1,
        max_length=MAX_CHECK_SUBJECTS,
        help_text="统一社会信用代码、身份证号或主体登记名称（名称须唯一对应一个主体），最多1000个",
    )


class CheckMembershipSerializer(serializers.Serializer):
    list = serializers.CharField()
    list_name = serializers.CharField()
    colour = serializers.CharField()
    since = serializers.DateField()
    until = serializers.DateField(allow_null=True)


class CheckMeasureSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    kind = serializers.CharField()
    basis = serializers.CharField()


class CheckGradeSerializer(serializers.Serializer):
    """A published grade of the subject (信用评价, given by the evaluation app)."""

    model = serializers.CharField(help_text="评价模型编码")
    model_name = serializers.CharField()
    version = serializers.IntegerField(help_text="模型版本号")
    grade = serializers.CharField(help_text="A/B/C/D")
    label = serializers.CharField(help_text="等级名称，如 优、良、中、差")
    score = serializers.CharField(allow_null=True)
    evaluated_on = serializers.DateField()


class CheckCandidateSerializer(serializers.Serializer):
    subject = serializers.CharField(help_text="统一社会信用代码")
    name = serializers.CharField()


class CheckResultSerializer(serializers.Serializer):
    subject = serializers.CharField(help_text="主体代码；未能确定主体的名称为所给名称")
    given = serializers.CharField(required=False, help_text="按名称核查时所给的名称")
    found = serializers.BooleanField()
    name = serializers.CharField(required=False)
    status = serializers.ChoiceField(choices=["red", "normal", "watch", "black"], required=False)
    memberships = CheckMembershipSerializer(many=True, required=False)
    measures = CheckMeasureSerializer(many=True, required=False)
    grades = CheckGradeSerializer(many=True, required=False)
    error = serializers.CharField(required=False)
    candidates = CheckCandidateSerializer(
        many=True, required=False, help_text="名称不能唯一确定主体时，名称相同或相近的主体（请改用代码核查）"
    )


class CheckSerializer(serializers.ModelSerializer):
    department = serializers.CharField(source="department.code")
    results = CheckResultSerializer(many=True)

    class Meta:
        model = Check
        fields = ["id", "department", "scenario", "reference", "created_at", "results"]


class FeedbackItemSerializer(serializers.Serializer):
    subject = CheckCodeField(max_length=40, help_text="核查结果中的主体代码")
    measure = serializers.CharField(max_length=32, help_text="措施编码")
    applied = serializers.BooleanField(help_text="是否已实施")
    note = serializers.CharField(max_length=500, required=False, allow_blank=True)


class FeedbackRequestSerializer(serializers.Serializer):
    items = FeedbackItemSerializer(many=True, min_length=1)


class MembershipChangeSerializer(serializers.ModelSerializer):
    subject = serializers.CharField(source="membership.subject.public_code")
    subject_name = serializers.SerializerMethodField()
    list = serializers.CharField(source="membership.list_type.code")
    list_name = serializers.CharField(source="membership.list_type.name")
    started_on = serializers.DateField(source="membership.started_on")
    ended_on = serializers.DateField(source="membership.ended_on", allow_null=True)
    end_reason = serializers.CharField(source="membership.end_reason")

    class Meta:
        model = MembershipChange
        fields = [
            "id",
            "subject",
            "subject_name",
            "list",
            "list_name",
            "kind",
            "state",
            "started_on",
            "planned_end",
            "ended_on",
            "end_reason",
            "reason",
            "occurred_at",
        ]

    def get_subject_name(self, change) -> str:
        subject = change.membership.subject
        return mask_person_name(subject.name) if subject.is_natural_person else subject.name
