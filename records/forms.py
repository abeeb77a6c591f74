"""Forms of the department workbench. They collect values; the services validate them, so a clerk reads
the same Chinese messages (keyed by the same field codes) as a department system does."""

import datetime

from django import forms
from django.conf import settings
from django.utils import timezone

from organisations.choices import TokenScope
from organisations.models import Department

from .choices import Channel, FieldRequirement, FieldType, Polarity, RecordStatus, Severity
from .models import RecordType


class RecordEntryForm(forms.Form):
    """A form generated from a record type's catalog fields."""

    def __init__(self, record_type: RecordType, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.record_type = record_type
        for field in record_type.fields.all():
            attrs = {"data-code": field.code}
            if field.requirement == FieldRequirement.ALWAYS:
                attrs["required"] = "required"
            label = f"{field.label}（{field.code}）"
            help_text = field.help_text or dict(FieldRequirement.choices).get(field.requirement, "")
            if field.type == FieldType.ENUM and field.multiple:
                form_field = forms.MultipleChoiceField(
                    choices=[(v, v) for v in field.enum_values], widget=forms.CheckboxSelectMultiple
                )
            elif field.type == FieldType.ENUM:
                form_field = forms.ChoiceField(choices=[("", "请选择"), *[(v, v) for v in field.enum_values]])
                form_field.widget.attrs.update(attrs)
            elif field.type == FieldType.DATE:
                form_field = forms.CharField(widget=forms.DateInput(attrs={**attrs, "type": "date"}))
            elif field.max_length and field.max_length > 200:
                form_field = forms.CharField(widget=forms.Textarea(attrs={**attrs, "rows": 3}))
            else:
                form_field = forms.CharField(widget=forms.TextInput(attrs=attrs))
            form_field.required = False
            form_field.label = label
            form_field.help_text = help_text
            self.fields[field.code] = form_field
        if record_type.polarity == Polarity.NEGATIVE:
            self.fields["severity"] = forms.ChoiceField(
                label="失信程度",
                required=False,
                choices=[("", "按目录规则自动判定"), *Severity.choices],
            )

    def record_data(self) -> tuple[dict, str]:
        data = {}
        for code, value in self.cleaned_data.items():
            if code == "severity":
                continue
            if isinstance(value, list):
                value = ";".join(value)
            if value:
                data[code] = value
        return data, self.cleaned_data.get("severity", "")


#: The code of a field naming an authority (处罚机关, 许可机关, 认定机关, 受理单位...) ends so; its USCC is in the
#: field of the same code + ``DM``. 数据来源单位 (``*_SJLY`` / ``*_SJLYDM``) is the reporting department itself.
AUTHORITY_SUFFIXES = ("JG", "SJLY")
AUTHORITY_CODE_SUFFIX = "DM"


def department_prefill(record_type: RecordType, department: Department | None) -> dict[str, str]:
    """The entry form's initial values that the clerk's department gives: the deciding authority (a field whose
    code ends in ``JG``, and its code in ``…JGDM``) and the data source (``…SJLY``, ``…SJLYDM``) are the
    department's name and USCC. The clerk may change them (a decision of a subordinate office). Fields about
    the subject (its organisation code ``…_XDR_ZZJG``) are never prefilled."""
    if department is None:
        return {}
    subject_fields = {
        record_type.subject_name_field,
        record_type.uscc_field,
        record_type.organization_code_field,
        record_type.registration_number_field,
    }
    codes = {field.code for field in record_type.fields.all()}
    initial = {}
    for code in codes - subject_fields:
        if "_XDR_" in code or not code.endswith(AUTHORITY_SUFFIXES):
            continue
        initial[code] = department.name
        if code + AUTHORITY_CODE_SUFFIX in codes:
            initial[code + AUTHORITY_CODE_SUFFIX] = department.uscc
    return initial


class ReasonForm(forms.Form):
    reason = forms.CharField(label="原因", max_length=500, widget=forms.Textarea(attrs={"rows": 3}))


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", "通过"), ("reject", "退回")], widget=forms.RadioSelect)
    note = forms.CharField(label="审核意见", max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == "reject" and not cleaned.get("note", "").strip():
            self.add_error("note", "退回时必须填写原因。")
        return cleaned


class RecordTypeNameLabel:
    """Record types offered by their names (``RecordType.__str__`` adds the code); the submitted value stays the
    field's ``to_field_name`` (a code) or the id."""

    def label_from_instance(self, obj: RecordType) -> str:
        return obj.name


class RecordTypeChoiceField(RecordTypeNameLabel, forms.ModelChoiceField):
    """A record type chosen by its name."""


class RecordTypesChoiceField(RecordTypeNameLabel, forms.ModelMultipleChoiceField):
    """Record types chosen by their names."""


class ReviewQueueFilterForm(forms.Form):
    """The filters of the review queue; the same values select the entries of a bulk review
    (``records.bulk_review.pending_entries``)."""

    record_type = RecordTypeChoiceField(
        label="记录类型",
        queryset=RecordType.objects.order_by("code"),
        to_field_name="code",
        required=False,
        empty_label="全部类型",
    )
    batch = forms.IntegerField(label="导入批次号", required=False, min_value=1)
    submitted_by = forms.TypedChoiceField(label="填报人", required=False, coerce=int, empty_value=None)

    def __init__(self, *args, clerks=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["submitted_by"].choices = [("", "全部填报人"), *clerks]

    def selection(self) -> dict:
        """The valid filters as stored on a bulk review (empty when the form is not valid)."""
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        values = {
            "record_type": data["record_type"].code if data.get("record_type") else "",
            "batch": data.get("batch") or "",
            "submitted_by": data.get("submitted_by") or "",
        }
        return {key: str(value) for key, value in values.items() if value}


class UploadForm(forms.Form):
    record_type = RecordTypeChoiceField(
        label="记录类型",
        queryset=RecordType.objects.filter(RecordType.writable_q(Channel.UPLOAD), is_active=True).order_by("code"),
        to_field_name="code",
        empty_label="请选择",
    )
    file = forms.FileField(label="文件", help_text="XLSX 或 CSV（UTF-8 或 GBK 编码），表头用模板中的字段名称或代码")


class MatchForm(forms.Form):
    """A subject picked among the candidates, or given by its code: USCC, 工商注册号, 组织机构代码, or a natural
    person's citizen ID number."""

    subject = forms.IntegerField(label="候选主体", required=False, min_value=1)
    code = forms.CharField(label="统一社会信用代码或身份证号", max_length=40, required=False)
    reason = forms.CharField(label="匹配依据", max_length=500)

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("subject") and not cleaned.get("code", "").strip():
            raise forms.ValidationError("请选择候选主体，或填写统一社会信用代码（自然人填写身份证号）。")
        return cleaned


class TokenForm(forms.Form):
    """A token request: explicit scopes (shown by their Chinese labels) and a required expiry. The bounds of
    the expiry and the approval rule are the service's (``api_token_create``); the credit-centre admin also
    picks the department."""

    department = forms.ModelChoiceField(label="部门", queryset=Department.objects.none(), required=False)
    name = forms.CharField(label="令牌名称", max_length=100, help_text="如：行政处罚业务系统")
    scopes = forms.MultipleChoiceField(
        label="权限范围",
        choices=TokenScope.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "请至少选择一项权限范围。"},
        help_text="含“报送、撤销信用记录”的令牌须经信用中心审批后才能使用。",
    )
    expires_on = forms.DateField(
        label="到期日期",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": "请填写到期日期。"},
    )

    def __init__(self, *args, for_credit_centre: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        max_days = settings.API_TOKEN_MAX_DAYS
        expires_on = self.fields["expires_on"]
        expires_on.help_text = f"必填，须晚于今天，最长{max_days}天。"
        expires_on.widget.attrs.update(
            min=(today + datetime.timedelta(days=1)).isoformat(),
            max=(today + datetime.timedelta(days=max_days)).isoformat(),
        )
        if for_credit_centre:
            departments = Department.objects.filter(is_active=True).order_by("code")
            self.fields["department"].queryset = departments
            self.fields["department"].required = True
            self.fields["department"].empty_label = "请选择部门"
            only = list(departments[:2])
            if len(only) == 1:  # one department to choose: chosen
                self.fields["department"].initial = only[0].pk
            self.fields["scopes"].help_text = "信用中心签发的令牌立即生效。"
        else:
            del self.fields["department"]


class TokenDecisionForm(forms.Form):
    reason = forms.CharField(label="审批意见", max_length=500, error_messages={"required": "请填写审批意见。"})


STATUS_CHOICES = [("", "全部状态"), *RecordStatus.choices]
