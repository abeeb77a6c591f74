from django import forms
from django.utils import timezone

from evaluation.selectors import visible_models
from subjects.choices import SubjectKind

from .choices import INSPECTION_RESULTS
from .rules import CLASSES, class_label

RULE_HELP = "填写比例（如 3%，向上取整）或固定数量（如 5）；留空为不抽取"


def rule_field_name(grade: str) -> str:
    return f"rule_{grade or 'none'}"


class PlanForm(forms.Form):
    title = forms.CharField(label="任务名称", max_length=200)
    basis = forms.CharField(label="检查依据", widget=forms.Textarea(attrs={"rows": 3}))
    scope = forms.CharField(label="检查事项", max_length=500)
    model = forms.ModelChoiceField(label="风险分类所用模型", queryset=None, empty_label=None)
    subject_kinds = forms.MultipleChoiceField(
        label="主体类型", choices=SubjectKind.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    division_prefix = forms.CharField(
        label="区划代码（前缀）", max_length=6, required=False, help_text="如 2201；留空为不限"
    )
    industry = forms.CharField(
        label="行业（许可证书名称包含）", max_length=64, required=False, help_text="如“食品”；留空为不限"
    )
    inspectors_per_subject = forms.IntegerField(label="每户检查人员数", initial=2)

    def __init__(self, department, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["model"].queryset = visible_models(department).order_by("kind", "code")
        for grade in CLASSES:
            self.fields[rule_field_name(grade)] = forms.CharField(
                label=f"{class_label(grade)}抽取规则", max_length=16, required=False, help_text=RULE_HELP
            )

    def rule_texts(self) -> dict[str, str]:
        return {grade: self.cleaned_data.get(rule_field_name(grade), "") for grade in CLASSES}


class InspectorForm(forms.Form):
    name = forms.CharField(label="姓名", max_length=64)
    staff_number = forms.CharField(label="执法证号/工号", max_length=32)


class ResultForm(forms.Form):
    # No result is preselected: one click must not publish "合格" for a subject nobody has entered a result for.
    result = forms.ChoiceField(
        label="检查结果",
        choices=[("", "请选择检查结果"), *((r, r) for r in INSPECTION_RESULTS)],
        error_messages={"required": "请选择检查结果。"},
    )
    inspected_on = forms.DateField(label="检查日期", widget=forms.DateInput(attrs={"type": "date"}))
    findings = forms.CharField(label="发现的问题", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    handling = forms.CharField(label="处理情况", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["inspected_on"].initial = timezone.localdate()
