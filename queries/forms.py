"""Forms of the department query page and of special-query applications and decisions."""

from django import forms

from records.forms import RecordTypesChoiceField
from rights.forms import MultipleFileField, SafeTextForm

from .choices import QueryPurpose
from .selectors import restricted_types

PURPOSE_CHOICES = [("", "请选择"), *QueryPurpose.choices]


class QueryForm(SafeTextForm):
    """One subject, one purpose from the fixed list (其他 with a note). The rules are the service's: the form
    passes what was typed so the page and the API refuse with the same words."""

    subject = forms.CharField(
        label="主体代码", max_length=32, help_text="统一社会信用代码，或自然人的身份证号码", required=False
    )
    purpose = forms.ChoiceField(label="查询事由", choices=PURPOSE_CHOICES, required=False)
    purpose_note = forms.CharField(
        label="事由说明", max_length=150, required=False, help_text="如审批事项编号、检查任务编号；事由为“其他”时必填"
    )


class SpecialQueryForm(SafeTextForm):
    subjects = forms.CharField(
        label="查询主体",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="统一社会信用代码或身份证号码，每行一个，最多20个",
        required=False,
    )
    record_types = RecordTypesChoiceField(
        label="信息类型",
        queryset=restricted_types(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="政务共享、授权查询类信息",
    )
    purpose = forms.ChoiceField(label="查询事由", choices=PURPOSE_CHOICES, required=False)
    purpose_note = forms.CharField(label="事由说明", max_length=150, required=False)
    legal_basis = forms.CharField(
        label="法律依据",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="法律、法规条款或司法协助文书，如《中华人民共和国民事诉讼法》第六十七条",
    )
    files = MultipleFileField(
        label="附件", required=False, help_text="公函、协助查询通知书等，PDF、JPG 或 PNG，每个不超过10MB，最多5个"
    )

    def codes(self) -> list[str]:
        text = self.cleaned_data.get("subjects", "")
        return [part for line in text.splitlines() for part in line.replace("，", ",").split(",") if part.strip()]


class ApproveForm(SafeTextForm):
    valid_days = forms.IntegerField(label="结果有效期（天）", min_value=1, initial=15)
    note = forms.CharField(label="审批意见", max_length=500)


class RefuseForm(SafeTextForm):
    reason = forms.CharField(label="不予批准理由", max_length=500)
