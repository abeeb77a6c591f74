import uuid

from django import forms

from .models import ObjectionGround


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


class ApplicationForm(forms.Form):
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


class StatusForm(forms.Form):
    receipt_number = forms.CharField(label="受理编号", max_length=24)
    code = forms.CharField(label="查询码", max_length=16)


class AnswerForm(forms.Form):
    outcome = forms.ChoiceField(label="处理结果", choices=[])
    note = forms.CharField(label="处理说明", max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    corrected = forms.CharField(
        label="更正后的数据项（仅“更正”时填写）",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="每行一项：字段代码=新值，如 CF_NR_FK=3",
    )

    def __init__(self, *args, outcomes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["outcome"].choices = [(o.value, o.label) for o in outcomes]

    def corrected_data(self) -> dict:
        data = {}
        for line in self.cleaned_data.get("corrected", "").splitlines():
            if "=" in line:
                code, value = line.split("=", 1)
                data[code.strip()] = value.strip()
        return data
