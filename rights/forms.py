"""Forms of the public applications and of the workbench decisions."""

import uuid

from django import forms
from django.utils import timezone

from core.forms import SafeTextForm
from organisations.models import Department
from records.choices import SubjectTab
from records.forms import RecordEntryForm
from records.models import CreditRecord
from records.selectors import catalog_entries
from records.validation import Invalid, validate_record

from .choices import ComplaintCategory, ComplaintOutcome, ObjectionGround


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []


class ApplicationForm(SafeTextForm):
    """Fields common to objections and repairs; the submission key makes a double submit count once."""

    submission_key = forms.CharField(widget=forms.HiddenInput, initial=lambda: uuid.uuid4().hex)
    explanation = forms.CharField(label="情况说明", max_length=4000, widget=forms.Textarea(attrs={"rows": 5}))
    applicant_name = forms.CharField(label="申请人（单位或个人）", max_length=100)
    applicant_phone = forms.CharField(label="联系电话", max_length=32)
    applicant_email = forms.EmailField(label="电子邮箱（用于接收办理进度）", required=False)
    files = MultipleFileField(label="证明材料", required=False, help_text="PDF、JPG 或 PNG，每个不超过10MB，最多5个")


class ObjectionForm(ApplicationForm):
    ground = forms.ChoiceField(label="异议理由", choices=[("", "请选择"), *ObjectionGround.choices])
    pledge = forms.BooleanField(label="本人承诺所提交材料真实有效，如有虚假愿承担相应法律责任（异议申诉承诺）")


class RepairForm(ApplicationForm):
    obligations_fulfilled = forms.BooleanField(label="已履行行政处罚决定规定的义务（如已缴清罚款）并纠正失信行为")
    commitment_signed = forms.BooleanField(
        label="签署信用修复承诺书：本单位承诺今后依法诚信经营，如违反承诺愿接受相应惩戒"
    )


class StatusForm(SafeTextForm):
    receipt_number = forms.CharField(label="受理编号", max_length=24)
    code = forms.CharField(label="查询码", max_length=16)


class AnswerForm(SafeTextForm):
    """The department's decision on a case: an outcome chosen on purpose (no outcome is preselected: a repair
    approved by a click on "submit" stops a record's publication) and its reason."""

    outcome = forms.ChoiceField(label="处理结果", choices=[], widget=forms.RadioSelect)
    note = forms.CharField(label="处理说明", max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, outcomes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["outcome"].choices = [(o.value, o.label) for o in outcomes]
        self.fields["outcome"].error_messages["required"] = "请选择处理结果。"
        self.fields["note"].error_messages["required"] = "请填写处理说明。"


def _multi_values(text: str) -> list[str]:
    return [part for part in text.split(";") if part]


class CorrectionForm(RecordEntryForm):
    """An objection's correction: the record's own catalog fields (the clerk's entry form), prefilled with the
    stored values. Only the fields whose value changes make the correction; who the record is about and its
    document number are not shown (a wrong subject or number is a revocation and a new record).

    The values are checked by the records app's own validation (``validate_record``, as for a push or a
    spreadsheet row) so a wrong value is reported at its field; ``record_correct`` checks them again when the
    decision is written."""

    prefix = "fix"

    def __init__(self, record: CreditRecord, *args, **kwargs):
        self.record = record
        self.spec = catalog_entries(active_only=False)[record.record_type.code].spec
        spec = self.spec
        fixed = spec.subject_fields | set(spec.record_id_fields)
        super().__init__(record.record_type, *args, **kwargs)
        self.fields.pop("severity", None)
        for code in fixed:
            self.fields.pop(code, None)
        for code, field in self.fields.items():
            stored = str(record.data.get(code, "") or "")
            field.initial = _multi_values(stored) if isinstance(field, forms.MultipleChoiceField) else stored
            field.widget.attrs.pop("required", None)  # a correction of one field keeps the others as stored

    def _typed(self, code: str) -> str:
        value = self.cleaned_data.get(code, "")
        return ";".join(value) if isinstance(value, list) else str(value or "").strip()

    def changes(self) -> dict[str, str]:
        """Field code → new value, for the fields whose value differs from the stored one."""
        changed = {}
        for code, field in self.fields.items():
            stored = str(self.record.data.get(code, "") or "")
            typed = self._typed(code)
            if isinstance(field, forms.MultipleChoiceField):
                if set(_multi_values(typed)) != set(_multi_values(stored)):
                    changed[code] = typed
            elif typed != stored.strip():
                changed[code] = typed
        return changed

    def clean(self):
        cleaned = super().clean()
        changes = self.changes()
        if changes:
            checked = validate_record(
                self.spec, {**self.record.data, **changes}, today=timezone.localdate(), stored=True
            )
            if isinstance(checked, Invalid):
                for code, problems in checked.errors.items():
                    for problem in problems:
                        self.add_error(code if code in self.fields else None, problem)
        return cleaned


class TipoffForm(ApplicationForm):
    code = forms.CharField(label="被举报主体的统一社会信用代码", max_length=20)
    department = forms.ModelChoiceField(label="主管部门", queryset=None, empty_label="请选择")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.filter(is_active=True).order_by("code")
        self.fields["explanation"].label = "举报内容（时间、地点、失信行为及线索）"
        self.fields["applicant_name"].label = "举报人姓名（仅办理人员可见，不对被举报人和社会公开）"


class CommitmentForm(SafeTextForm):
    subject = forms.ModelChoiceField(label="承诺主体", queryset=None, empty_label="请选择")
    kind = forms.ChoiceField(label="承诺类型", choices=[])
    matter = forms.CharField(label="承诺事项", max_length=200, help_text="如：食品经营许可（告知承诺）")
    department = forms.ModelChoiceField(label="受理部门", queryset=None, empty_label="请选择")
    valid_until = forms.DateField(label="有效期至", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    signer = forms.CharField(label="签署人（法定代表人或授权代表）", max_length=50)
    phone = forms.CharField(label="联系电话", max_length=32)
    sign = forms.BooleanField(label="本单位已阅读并同意上述承诺内容，自愿作出信用承诺并同意向社会公开")

    def __init__(self, *args, templates=(), subjects=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["subject"].queryset = subjects  # the organisations the account acts for
        self.fields["kind"].choices = [("", "请选择"), *[(k, k) for k in templates]]
        self.fields["department"].queryset = Department.objects.filter(is_active=True).order_by("code")


class FulfilmentForm(SafeTextForm):
    kept = forms.ChoiceField(label="履约情况", choices=[("yes", "已履约"), ("no", "违诺")], widget=forms.RadioSelect)
    note = forms.CharField(label="说明", max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class AuthorisationForm(SafeTextForm):
    grantee_email = forms.EmailField(
        label="被授权方账户的电子邮箱", help_text="被授权方（如银行、交易对手）须已在本平台注册"
    )
    categories = forms.MultipleChoiceField(
        label="授权查询的信息类别", choices=SubjectTab.choices, widget=forms.CheckboxSelectMultiple
    )
    purpose = forms.CharField(label="查询用途", max_length=200, help_text="如：贷款审批、合同签订前资信审查")
    valid_until = forms.DateField(label="有效期至", widget=forms.DateInput(attrs={"type": "date"}))


class ComplaintForm(SafeTextForm):
    category = forms.ChoiceField(label="投诉类别", choices=[("", "请选择"), *ComplaintCategory.choices])
    application = forms.ModelChoiceField(
        label="涉及的申请（可选）", queryset=None, required=False, empty_label="不涉及具体申请"
    )
    description = forms.CharField(label="投诉内容", max_length=4000, widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(self, *args, applications=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["application"].queryset = applications


class ComplaintAnswerForm(SafeTextForm):
    outcome = forms.ChoiceField(label="处理结果", choices=[("", "请选择"), *ComplaintOutcome.choices])
    answer = forms.CharField(label="答复内容", max_length=4000, widget=forms.Textarea(attrs={"rows": 4}))
