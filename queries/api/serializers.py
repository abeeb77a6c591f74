from rest_framework import serializers

from disclosure.selectors import public_record_data
from subjects.identifiers import mask_person_name


class QueryRequestSerializer(serializers.Serializer):
    """The purpose's rules are the service's (one refusal, with its code and field, for the page and the API)."""

    subject = serializers.CharField(
        max_length=32, required=False, allow_blank=True, default="", help_text="统一社会信用代码，或自然人的身份证号码"
    )
    purpose = serializers.CharField(
        max_length=16,
        required=False,
        allow_blank=True,
        default="",
        help_text="查询事由：licensing 行政许可审查、supervision 日常监管、inspection 执法检查、bidding 招标投标、"
        "procurement 政府采购、honours 评优评先、other 其他（须填 purpose_note）",
    )
    purpose_note = serializers.CharField(max_length=150, required=False, allow_blank=True, default="")


class QueriedRecordSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    record_type = serializers.CharField(source="record_type.code")
    record_type_name = serializers.CharField(source="record_type.name")
    disclosure_level = serializers.CharField(source="record_type.disclosure_level")
    department = serializers.CharField(source="department.code")
    department_name = serializers.CharField(source="department.name")
    source_id = serializers.CharField()
    decided_on = serializers.DateField()
    severity = serializers.CharField()
    objection = serializers.CharField()
    data = serializers.SerializerMethodField(help_text="以字段代码为键；自然人姓名和证件号码已脱敏")

    def get_data(self, record) -> dict[str, str]:
        return public_record_data(record)


class QueriedSubjectSerializer(serializers.Serializer):
    code = serializers.CharField(source="public_code")
    name = serializers.SerializerMethodField()
    kind = serializers.CharField()

    def get_name(self, subject) -> str:
        return mask_person_name(subject.name) if subject.is_natural_person else subject.name


class QueryResponseSerializer(serializers.Serializer):
    subject = QueriedSubjectSerializer()
    purpose = serializers.CharField()
    purpose_label = serializers.CharField()
    purpose_note = serializers.CharField()
    record_types = serializers.SerializerMethodField(help_text="本部门查询权限覆盖的其他部门信息类型")
    records = QueriedRecordSerializer(many=True)
    truncated = serializers.BooleanField(help_text="记录超过500条时为 true，仅返回最近500条")
    access_id = serializers.IntegerField(help_text="主体查询记录编号（主体可见本次查询的部门、事由和范围）")

    def get_record_types(self, result) -> list[str]:
        return [record_type.code for record_type in result.types]
