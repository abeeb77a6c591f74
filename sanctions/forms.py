import re

from django import forms

from .choices import Scenario
from .services import MAX_CHECK_SUBJECTS

CODE_SEPARATORS = re.compile(r"[\s,，;；、]+")


class CheckForm(forms.Form):
    scenario = forms.ChoiceField(label="业务场景", choices=[("", "请选择"), *Scenario.choices])
    reference = forms.CharField(label="业务编号", max_length=100, help_text="如政府采购项目编号、审批事项编号")
    codes = forms.CharField(
        label="主体代码",
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=f"统一社会信用代码或身份证号，每行一个或以逗号分隔，最多{MAX_CHECK_SUBJECTS}个",
    )
    file = forms.FileField(label="或上传名单", required=False, help_text="TXT 或 CSV，每行一个代码（取第一列）")

    def clean(self):
        cleaned = super().clean()
        text = cleaned.get("codes", "")
        upload = cleaned.get("file")
        if upload:
            raw = upload.read()
            for encoding in ("utf-8-sig", "gb18030"):
                try:
                    text += "\n" + "\n".join(line.split(",")[0] for line in raw.decode(encoding).splitlines())
                    break
                except UnicodeDecodeError:
                    continue
        codes = [code for code in CODE_SEPARATORS.split(text) if code]
        if not codes:
            raise forms.ValidationError("请填写或上传至少一个主体代码。")
        if len(codes) > MAX_CHECK_SUBJECTS:
            raise forms.ValidationError(f"每次最多核查{MAX_CHECK_SUBJECTS}个主体，本次{len(codes)}个。")
        cleaned["subject_codes"] = codes
        return cleaned
