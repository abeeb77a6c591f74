import csv
import re

from django import forms

from subjects.selectors import looks_like_code

from .choices import Scenario
from .selectors import CHECK_LIST_HEADERS
from .services import MAX_CHECK_SUBJECTS

# Entries of a pasted list: one a line, or separated by commas, semicolons, 、 or tabs (full-width too). Spaces
# separate codes only: a name may contain one.
ENTRY_SEPARATORS = re.compile(r"[\t,，;；、]+")
QUOTES = "\"'“”‘’\ufeff "


def _cell(text: str) -> str:
    return " ".join(text.strip(QUOTES).split())


def _is_header(cell: str) -> bool:
    return cell.lower() in CHECK_LIST_HEADERS


def pasted_entries(text: str) -> list[str]:
    """The codes and names of a pasted list, without its header row (``统一社会信用代码``, ``名称``...)."""
    entries = []
    for number, line in enumerate(line for line in text.splitlines() if line.strip()):
        cells = [_cell(cell) for cell in ENTRY_SEPARATORS.split(line)]
        cells = [cell for cell in cells if cell]
        if number == 0 and cells and _is_header(cells[0]):
            continue
        for cell in cells:
            parts = cell.split()
            entries.extend(parts if len(parts) > 1 and all(looks_like_code(part) for part in parts) else [cell])
    return entries


def file_entries(text: str) -> list[str]:
    """The first column of an uploaded TXT or CSV list (quoted cells read as CSV), without its header row."""
    rows = [row for row in csv.reader(line for line in text.splitlines() if line.strip()) if row]
    cells = [_cell(row[0]) for row in rows]
    if cells and _is_header(cells[0]):
        cells = cells[1:]
    return [cell for cell in cells if cell]


class CheckForm(forms.Form):
    scenario = forms.ChoiceField(label="业务场景", choices=[("", "请选择"), *Scenario.choices])
    reference = forms.CharField(label="业务编号", max_length=100, help_text="如政府采购项目编号、审批事项编号")
    codes = forms.CharField(
        label="主体代码或名称",
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=(
            f"统一社会信用代码、身份证号或企业（组织）登记名称，每行一个或以逗号分隔，最多{MAX_CHECK_SUBJECTS}个；"
            "按名称核查的，核查前请确认对应的主体"
        ),
    )
    file = forms.FileField(
        label="或上传名单",
        required=False,
        help_text="TXT 或 CSV，每行一个代码或名称（取第一列，首行为表头的自动跳过）",
    )

    def clean(self):
        cleaned = super().clean()
        entries = pasted_entries(cleaned.get("codes", ""))
        upload = cleaned.get("file")
        if upload:
            raw = upload.read()
            for encoding in ("utf-8-sig", "gb18030"):
                try:
                    entries += file_entries(raw.decode(encoding))
                    break
                except UnicodeDecodeError:
                    continue
        if not entries:
            raise forms.ValidationError("请填写或上传至少一个主体代码或名称。")
        if len(entries) > MAX_CHECK_SUBJECTS:
            raise forms.ValidationError(f"每次最多核查{MAX_CHECK_SUBJECTS}个主体，本次{len(entries)}个。")
        cleaned["subject_codes"] = entries
        return cleaned
