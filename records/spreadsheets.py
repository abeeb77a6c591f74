"""Reading and writing the files departments exchange: CSV (UTF-8 or GBK/GB18030), XLSX and JSON Lines.

Headers may be the field code (``CF_XDR_MC``), the Chinese label (``行政相对人名称``) or both as in the
downloadable template (``*行政相对人名称（CF_XDR_MC）``, ``*`` marking required columns). A header that
names no field of the type, or a missing required column, refuses the whole file before any row is read.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from .validation import ALWAYS, ENUM, TypeSpec

MAX_ROWS = 200_000
FORMATS = ("csv", "xlsx", "jsonl")
HEADER_CODE = re.compile(r"[（(]\s*([A-Za-z0-9_]+)\s*[)）]\s*$")


class FileFormatError(ValueError):
    """The file cannot be read as records of this type; the message says why, in Chinese."""


@dataclass(frozen=True)
class Row:
    number: int  # as people see it: the spreadsheet row (header = 1) or the JSON Lines line
    record_type: str
    data: dict
    severity: str = ""
    error: str = ""  # the row could not be read at all (JSON Lines)


def file_format(name: str) -> str:
    suffix = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if suffix in ("jsonl", "ndjson"):
        return "jsonl"
    if suffix in ("csv", "xlsx"):
        return suffix
    raise FileFormatError(f"不支持的文件类型“.{suffix}”，请上传 CSV、XLSX 或 JSON Lines（.jsonl）文件。")


def _decode(raw: bytes) -> str:
    """UTF-8 (with or without BOM) first; government files are often GBK, which GB18030 reads as a superset."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise FileFormatError("无法识别文件编码，请另存为 UTF-8 或 GBK 编码的 CSV 文件。")


def header_map(headers: list[str], spec: TypeSpec) -> list[str | None]:
    """Map each header cell to a field code; raises ``FileFormatError`` naming every unknown column."""
    by_label = {field.label: field.code for field in spec.fields}
    codes = {field.code for field in spec.fields}
    mapped: list[str | None] = []
    unknown = []
    for position, header in enumerate(headers, start=1):
        text = (header or "").strip().lstrip("*＊").strip()
        if not text:
            mapped.append(None)
            continue
        match = HEADER_CODE.search(text)
        code = match.group(1).upper() if match else text.upper() if text.upper() in codes else by_label.get(text)
        if code not in codes:
            unknown.append(f"第{position}列“{header}”")
        mapped.append(code)
    if unknown:
        raise FileFormatError(f"表头无法识别：{'、'.join(unknown)}。请使用下载的模板，表头为字段名称或字段代码。")
    missing = [f.label for f in spec.fields if f.requirement == ALWAYS and f.code not in mapped]
    if missing:
        raise FileFormatError(f"缺少必填列：{'、'.join(missing)}。")
    return mapped


def _rows_from_table(table: Iterator[list], spec: TypeSpec) -> Iterator[Row]:
    try:
        headers = next(table)
    except StopIteration:
        raise FileFormatError("文件为空。") from None
    codes = header_map([str(h) if h is not None else "" for h in headers], spec)
    for number, cells in enumerate(table, start=2):
        if not any(cell not in (None, "") for cell in cells):
            continue
        data = {code: cell for code, cell in zip(codes, cells, strict=False) if code and cell not in (None, "")}
        yield Row(number=number, record_type=spec.code, data=data)


def read_rows(content: bytes, fmt: str, spec: TypeSpec | None) -> Iterator[Row]:
    """The records in a file, lazily. ``spec`` is required for CSV and XLSX (one type per file)."""
    if fmt == "jsonl":
        yield from _jsonl_rows(content)
        return
    if spec is None:
        raise FileFormatError("CSV/XLSX 文件须指定记录类型。")
    if fmt == "csv":
        yield from _rows_from_table(csv.reader(io.StringIO(_decode(content))), spec)
    elif fmt == "xlsx":
        try:
            workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        except Exception as error:  # openpyxl raises many types for a damaged or mislabelled file
            raise FileFormatError("无法读取 XLSX 文件，请确认文件未损坏且为 Excel 2007 及以上格式。") from error
        sheet = workbook.worksheets[0]
        yield from _rows_from_table((list(row) for row in sheet.iter_rows(values_only=True)), spec)
    else:
        raise FileFormatError(f"不支持的文件格式“{fmt}”。")


def _jsonl_rows(content: bytes) -> Iterator[Row]:
    reader = codecs.getreader("utf-8-sig")(io.BytesIO(content))
    for number, line in enumerate(reader, start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError:
            yield Row(number=number, record_type="", data={}, error="本行不是有效的 JSON。")
            continue
        if not isinstance(item, dict):
            yield Row(number=number, record_type="", data={}, error="本行应为 JSON 对象。")
            continue
        data = item.get("data")
        yield Row(
            number=number,
            record_type=str(item.get("record_type", "")),
            data=data if isinstance(data, dict) else {},
            severity=str(item.get("severity") or ""),
            error="" if isinstance(data, dict) else "缺少 data 对象。",
        )


def count_rows(content: bytes, fmt: str) -> int:
    """Data rows in the file (for the progress bar), without validating them."""
    if fmt == "jsonl":
        return sum(1 for line in content.splitlines() if line.strip())
    if fmt == "csv":
        return max(sum(1 for row in csv.reader(io.StringIO(_decode(content))) if any(row)) - 1, 0)
    workbook = load_workbook(io.BytesIO(content), read_only=True)
    return max((workbook.worksheets[0].max_row or 1) - 1, 0)


def template_workbook(spec: TypeSpec, type_name: str, field_help: dict[str, str] | None = None) -> bytes:
    """The XLSX template of a type: one header per field (``*`` marks required), enum drop-downs, a help sheet."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = type_name[:31]
    bold = Font(bold=True)
    required_fill = PatternFill("solid", fgColor="FDE2E2")
    for column, field in enumerate(spec.fields, start=1):
        cell = sheet.cell(
            row=1, column=column, value=f"{'*' if field.requirement == ALWAYS else ''}{field.label}（{field.code}）"
        )
        cell.font = bold
        if field.requirement == ALWAYS:
            cell.fill = required_fill
        sheet.column_dimensions[cell.column_letter].width = max(14, len(field.label) * 2 + 12)
        if field.type == ENUM and not field.multiple and len(",".join(field.enum_values)) < 250:
            validation = DataValidation(type="list", formula1=f'"{",".join(field.enum_values)}"', allow_blank=True)
            validation.add(f"{cell.column_letter}2:{cell.column_letter}{MAX_ROWS + 1}")
            sheet.add_data_validation(validation)
    sheet.freeze_panes = "A2"
    notes = workbook.create_sheet("填写说明")
    notes.append(["字段代码", "字段名称", "类型", "是否必填", "可选值", "说明"])
    for field in spec.fields:
        notes.append(
            [
                field.code,
                field.label,
                field.type,
                "必填" if field.requirement == ALWAYS else field.requirement,
                "；".join(field.enum_values),
                (field_help or {}).get(field.code, ""),
            ]
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def error_report_workbook(spec: TypeSpec, rows: list[tuple[int, dict, dict]]) -> bytes:
    """The rejected rows as uploaded, with an error column naming each field's problem."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "错误明细"
    labels = {field.code: field.label for field in spec.fields}
    sheet.append(["行号", "错误说明", *[f"{field.label}（{field.code}）" for field in spec.fields]])
    for number, data, errors in rows:
        message = "；".join(f"{labels.get(code, code)}：{'，'.join(messages)}" for code, messages in errors.items())
        sheet.append([number, message, *[_cell(data.get(field.code)) for field in spec.fields]])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _cell(value):
    return "" if value is None else str(value)
