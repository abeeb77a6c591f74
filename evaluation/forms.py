"""Forms of the model workbench: a new professional model, and a draft's definition (JSON, checked by the
services like the admin's)."""

from __future__ import annotations

import json

from django import forms

from core.forms import SafeTextForm
from core.text import UNSAFE_CHARACTERS

from .choices import ModelPurpose
from .versions import RISK_LABELS


class ModelCreateForm(SafeTextForm):
    code = forms.SlugField(
        label="模型编码", max_length=32, help_text="英文字母、数字、下划线或连字符，如 drug_risk；创建后不能修改"
    )
    name = forms.CharField(label="模型名称", max_length=100)
    purpose = forms.ChoiceField(label="用途", choices=ModelPurpose.choices, initial=ModelPurpose.RISK)
    basis = forms.CharField(label="依据", widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
    label_a = forms.CharField(label="A 级名称", max_length=20, initial=RISK_LABELS["A"])
    label_b = forms.CharField(label="B 级名称", max_length=20, initial=RISK_LABELS["B"])
    label_c = forms.CharField(label="C 级名称", max_length=20, initial=RISK_LABELS["C"])
    label_d = forms.CharField(label="D 级名称", max_length=20, initial=RISK_LABELS["D"])
    publish_grades = forms.BooleanField(
        label="向社会公示评价结果",
        required=False,
        initial=False,
        help_text="不勾选：评价结果仅供监管使用，不在公示网站和信用报告中显示",
    )

    def labels(self) -> dict[str, str]:
        return {grade: self.cleaned_data[f"label_{grade.lower()}"] for grade in "ABCD"}


class DraftEditForm(SafeTextForm):
    definition = forms.CharField(
        label="模型定义（JSON）",
        widget=forms.Textarea(attrs={"rows": 30, "cols": 100, "spellcheck": "false", "class": "code"}),
        help_text="保存时检查：指标、名单、记录类型和等级设置有误的，不予保存并指出出错的维度、指标或规则。",
    )
    note = forms.CharField(label="修订说明", max_length=300, required=False)

    def clean_definition(self):
        text = self.cleaned_data["definition"]
        if UNSAFE_CHARACTERS.search(text):  # SafeTextForm sees the parsed object, not this text
            raise forms.ValidationError("包含不允许的控制字符或不可见的方向控制字符，请删除后重新提交。")
        try:
            return json.loads(text)
        except json.JSONDecodeError as error:
            raise forms.ValidationError(
                f"第{error.lineno}行第{error.colno}列附近：不是有效的 JSON（请检查引号、逗号和括号）。"
            ) from None
