from rest_framework import serializers

from subjects.identifiers import mask_person_name

from ..models import EvaluationFile, EvaluationResult
from ..selectors import explanation_json


class ExplanationIndicatorSerializer(serializers.Serializer):
    dimension = serializers.CharField()
    indicator = serializers.CharField()
    value = serializers.CharField()
    points = serializers.CharField()
    records = serializers.ListField(child=serializers.IntegerField(), help_text="据以计分的信用记录ID")
    memberships = serializers.ListField(child=serializers.IntegerField(), help_text="据以计分的名单成员ID")


class ExplanationOverrideSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    grade = serializers.CharField(help_text="等级上限")
    records = serializers.ListField(child=serializers.IntegerField(), required=False)
    memberships = serializers.ListField(child=serializers.IntegerField(), required=False)


class ExplanationSerializer(serializers.Serializer):
    indicators = ExplanationIndicatorSerializer(many=True)
    overrides = ExplanationOverrideSerializer(many=True)
    score_grade = serializers.CharField(help_text="仅按得分确定的等级（调整规则适用前）")


class EvaluationChangeSerializer(serializers.ModelSerializer):
    subject = serializers.CharField(source="subject.public_code")
    subject_name = serializers.SerializerMethodField()
    model = serializers.CharField(source="model.code")
    model_name = serializers.CharField(source="model.name")
    version = serializers.IntegerField(source="version.number")
    grade = serializers.CharField(help_text="A/B/C/D；为空表示主体已不在模型适用范围内")
    previous_grade = serializers.CharField(help_text="此前的等级；为空表示首次评价")
    label = serializers.SerializerMethodField(help_text="等级名称；为空表示主体已不在模型适用范围内")
    explanation = serializers.SerializerMethodField()

    class Meta:
        model = EvaluationResult
        fields = [
            "id",
            "subject",
            "subject_name",
            "model",
            "model_name",
            "version",
            "score",
            "grade",
            "label",
            "previous_grade",
            "evaluated_on",
            "created_at",
            "explanation",
        ]

    def get_subject_name(self, result) -> str:
        subject = result.subject
        return mask_person_name(subject.name) if subject.is_natural_person else subject.name

    def get_label(self, result) -> str:
        return result.version.definition.get("labels", {}).get(result.grade, "") if result.grade else ""

    def get_explanation(self, result) -> ExplanationSerializer:
        return ExplanationSerializer(explanation_json(result)).data


class EvaluationFileSerializer(serializers.ModelSerializer):
    department = serializers.CharField(source="department.code")
    model = serializers.CharField(source="model.code")
    model_name = serializers.CharField(source="model.name")
    filename = serializers.CharField()
    download = serializers.SerializerMethodField()

    class Meta:
        model = EvaluationFile
        fields = ["id", "department", "model", "model_name", "as_of", "rows", "bytes", "sha256", "filename", "download"]

    def get_download(self, row) -> str:
        request = self.context.get("request")
        path = f"/api/v1/evaluations/files/{row.pk}/download/"
        return request.build_absolute_uri(path) if request else path
