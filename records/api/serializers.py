from drf_spectacular.utils import OpenApiExample, extend_schema_serializer
from rest_framework import serializers

from subjects.identifiers import mask_person_name

from ..choices import IngestOutcome, Severity
from ..models import CreditRecord, IngestBatch, RecordField, RecordType, RecordVersion
from ..services import MAX_ITEMS_PER_CALL

# A record type's code (RecordType.code is a SlugField of 32).
RECORD_TYPE_CODE = {"max_length": 32, "regex": r"^[-a-zA-Z0-9_]+$"}

XZCF_EXAMPLE = {
    "record_type": "xzcf",
    "data": {
        "CF_XDR_MC": "长春宏达食品有限公司",
        "CF_XDR_LB": "法人及非法人组织",
        "CF_XDR_SHXYM": "91220104124356877L",
        "CF_WSH": "长市监罚〔2026〕15号",
        "CF_WFXW": "销售不符合食品安全标准的食品",
        "CF_SY": "经查，当事人销售的食品经抽检不合格。",
        "CF_YJ": "《中华人民共和国食品安全法》第一百二十四条",
        "CF_CFLB": "罚款;没收违法所得",
        "CF_NR": "罚款人民币伍万元，没收违法所得",
        "CF_NR_FK": "5",
        "CF_JDRQ": "2026-06-01",
        "CF_CFJG": "长春市市场监督管理局",
        "CF_CFJGDM": "11220100013544891A",
        "CF_SJLY": "长春市市场监督管理局",
        "CF_SJLYDM": "11220100013544891A",
    },
}


class RecordFieldSerializer(serializers.ModelSerializer):
    class Meta:
        model = RecordField
        fields = ["code", "label", "type", "requirement", "enum_values", "multiple", "max_length", "identifier_scheme"]


class RecordTypeSerializer(serializers.ModelSerializer):
    fields = RecordFieldSerializer(many=True, read_only=True)

    class Meta:
        model = RecordType
        fields = [
            "code",
            "name",
            "category",
            "polarity",
            "disclosure_level",
            "disclosure_rule",
            "disclosure_months",
            "subject_name_field",
            "uscc_field",
            "citizen_id_field",
            "record_id_fields",
            "decided_on_field",
            "end_date_field",
            "timeliness_days",
            "write_channel",
            "fields",
        ]


@extend_schema_serializer(examples=[OpenApiExample("行政处罚", value=XZCF_EXAMPLE, request_only=True)])
class RecordItemSerializer(serializers.Serializer):
    """One item of a push: the type code, the data keyed by national field code, optionally a severity."""

    record_type = serializers.RegexField(**RECORD_TYPE_CODE, help_text="记录类型编码，如 xzcf、xzxk")
    data = serializers.DictField(help_text="以字段代码为键的数据项，见 GET /api/v1/catalog/")
    severity = serializers.ChoiceField(choices=Severity.choices, required=False, help_text="失信程度（仅失信类记录）")


class RecordPushSerializer(serializers.ListSerializer):
    """The body of a push: 1 to ``MAX_ITEMS_PER_CALL`` items (more is a 413: use a batch). Declared for the
    schema (ApiAutoSchema turns the bounds into ``minItems``/``maxItems``); the view checks the bounds itself,
    and each item's structure one by one (a bad item is rejected in its own result, not as a 400 of the push)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("child", RecordItemSerializer())
        super().__init__(*args, min_length=1, max_length=MAX_ITEMS_PER_CALL, **kwargs)


class ItemResultSerializer(serializers.Serializer):
    index = serializers.IntegerField()
    record_id = serializers.IntegerField(allow_null=True)
    status = serializers.ChoiceField(choices=IngestOutcome.choices)
    errors = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))


class IngestResponseSerializer(serializers.Serializer):
    results = ItemResultSerializer(many=True)


class SubjectRefSerializer(serializers.Serializer):
    code = serializers.CharField(source="public_code")
    name = serializers.SerializerMethodField()
    kind = serializers.CharField()

    def get_name(self, subject) -> str:
        return mask_person_name(subject.name) if subject.is_natural_person else subject.name


class RecordSerializer(serializers.ModelSerializer):
    record_type = serializers.CharField(source="record_type.code")
    department = serializers.CharField(source="department.code")
    subject = SubjectRefSerializer(allow_null=True)

    class Meta:
        model = CreditRecord
        fields = [
            "id",
            "record_type",
            "department",
            "source_id",
            "status",
            "severity",
            "subject",
            "decided_on",
            "publishable",
            "disclosure_start",
            "disclosure_end",
            "repair_eligible_on",
            "regime",
            "version",
            "channel",
            "data",
            "revoked_reason",
            "received_at",
            "updated_at",
        ]


class RecordVersionSerializer(serializers.ModelSerializer):
    class Meta:
        model = RecordVersion
        fields = ["version", "change", "status", "severity", "data", "reason", "actor_label", "changed_at"]


class RecordDetailSerializer(RecordSerializer):
    versions = RecordVersionSerializer(many=True, read_only=True)

    class Meta(RecordSerializer.Meta):
        fields = [*RecordSerializer.Meta.fields, "versions"]


class RevokeSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500, help_text="撤销原因")


class BatchCreateSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="CSV（UTF-8 或 GBK）、XLSX 或 JSON Lines 文件，最多 200,000 行")
    record_type = serializers.RegexField(
        **RECORD_TYPE_CODE, required=False, help_text="CSV/XLSX 文件的记录类型编码；JSON Lines 每行自带"
    )


class BatchSerializer(serializers.ModelSerializer):
    record_type = serializers.CharField(source="record_type.code", allow_null=True)
    errors = serializers.SerializerMethodField()

    class Meta:
        model = IngestBatch
        fields = [
            "id",
            "state",
            "record_type",
            "file_name",
            "file_format",
            "total_rows",
            "processed_rows",
            "valid_rows",
            "counts",
            "message",
            "created_at",
            "updated_at",
            "errors",
        ]

    def get_errors(self, batch) -> list[dict]:
        return [{"row": e.row_number, "errors": e.errors} for e in batch.row_errors.all()[:1000]]
