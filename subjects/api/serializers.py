from rest_framework import serializers

from ..identifiers import mask_person_name
from ..models import CreditSubject
from ..selectors import division_path


class SubjectIdentifierSerializer(serializers.Serializer):
    scheme = serializers.CharField()
    value = serializers.CharField()


class SubjectSerializer(serializers.ModelSerializer):
    """A subject as department systems see it; natural persons only ever in masked form."""

    code = serializers.CharField(source="public_code", help_text="统一社会信用代码；自然人为脱敏身份证号")
    division = serializers.SerializerMethodField(help_text="所属行政区划")
    identifiers = serializers.SerializerMethodField(help_text="历史代码（工商注册号、组织机构代码）")
    former_names = serializers.SerializerMethodField(help_text="曾用名")

    class Meta:
        model = CreditSubject
        fields = ["code", "kind", "name", "registration_status", "division", "identifiers", "former_names"]

    def get_division(self, subject) -> dict:
        return {"code": subject.division_code, "name": division_path(subject.division_code)}

    def get_identifiers(self, subject) -> list[dict]:
        return [{"scheme": i.scheme, "value": i.value} for i in subject.legacy_identifiers.all()]

    def get_former_names(self, subject) -> list[str]:
        return [former.name for former in subject.former_names.all()]

    def to_representation(self, subject):
        data = super().to_representation(subject)
        if subject.is_natural_person:
            data["name"] = mask_person_name(subject.name)
        return data
