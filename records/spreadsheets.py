"""Reading and writing the files departments exchange: CSV (UTF-8 or GBK/GB18030), XLSX and JSON Lines.

Headers may be the field code (``CF_XDR_MC``), the Chinese label (``行政相对人名称``) or both as in the
downloadable template (``*行政相对人名称（CF_XDR_MC）``, ``*`` marking required columns). A header that
names no field of the type, or a missing required column, refuses the whole file before any row is read.

Files come from outside and are read in the Celery worker, never in a web request. What is wrong with the
file as a whole (not a workbook, damaged, XML with entity declarations, over a size or row cap, no data)
raises ``FileFormatError`` with a Chinese message; what is wrong with one row (a bad byte, a NUL, a lone
surrogate, a cell over 128 KB, data in a column without a header, a line that is not JSON) becomes that
row's ``errors`` and the other rows go on. Bounds: ``BATCH_MAX_ROWS`` data rows; for XLSX the declared
uncompressed size of the package (``BATCH_XLSX_MAX_UNZIPPED_BYTES``), of its shared-strings part, which
openpyxl holds in memory (``BATCH_XLSX_MAX_SHARED_STRINGS_BYTES``; and its compression ratio,
``XLSX_SHARED_STRINGS_MAX_RATIO``), and of every other part it holds in memory (``XLSX_PART_MAX_BYTES``; only
worksheets are streamed); zipfile never inflates a part beyond its declared size, so the declared sizes are
true bounds.
"""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.conf import settings
from openpyxl import Workbook
from openpyxl.reader.excel import ExcelReader
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.xml.constants import (
    ARC_APP,
    ARC_CONTENT_TYPES,
    ARC_CORE,
    ARC_CUSTOM,
    ARC_STYLE,
    ARC_THEME,
    ARC_WORKBOOK,
    SHARED_STRINGS,
    WORKSHEET_TYPE,
)

from core.csvfile import FORMULA_STARTS
from subjects import identifiers as ids

from .choices import FieldRequirement, FieldType
from .validation import ALWAYS, ENUM, FieldSpec, TypeSpec

#: The kinds of code an identifier field holds, as the template's instructions name them.
SCHEME_LABELS = {
    ids.SCHEME_USCC: "统一社会信用代码",
    ids.SCHEME_CITIZEN_ID: "身份证号码",
    ids.SCHEME_REGISTRATION_NUMBER: "工商注册号",
    ids.SCHEME_ORGANIZATION_CODE: "组织机构代码",
}


def field_type_label(field_spec: FieldSpec) -> str:
    """The field's type in Chinese (``identifier`` → 代码（统一社会信用代码）; several values → 可多选, ；分隔)."""
    label = dict(FieldType.choices).get(field_spec.type, field_spec.type)
    if field_spec.identifier_scheme in SCHEME_LABELS:
        label = f"{label}（{SCHEME_LABELS[field_spec.identifier_scheme]}）"
    if field_spec.multiple:
        label = f"{label}（可多选，以分号分隔）"
    return label


FORMATS = ("csv", "xlsx", "jsonl")
HEADER_CODE = re.compile(r"[（(]\s*([A-Za-z0-9_]+)\s*[)）]\s*$")
# A cell longer than this is a row error: the csv module's own default limit, which today stops the whole
# reader; no 双公示 field comes near it (Excel itself stops at 32,767 characters per cell).
MAX_CELL_CHARS = 131_072
# Excel's last row: a worksheet claiming rows beyond it is damaged or crafted (openpyxl would otherwise
# yield an empty row for every missing row number up to the one claimed).
EXCEL_MAX_ROW = 1_048_576
# What PostgreSQL text and XML cannot hold: NUL and the other C0 controls (tab, LF and CR are fine), lone
# surrogates (JSON ``\ud800``, or the bytes that did not decode, kept by ``surrogateescape``) and the two
# non-characters.
UNSAVABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
NOT_XLSX = (
    "文件不是有效的 XLSX 工作簿（可能是改了扩展名的 CSV、XLS 或其他文件）。"
    "请在 Excel 中另存为 .xlsx 或 CSV 后重新上传。"
)
XLSX_DAMAGED = "无法读取 XLSX 文件：文件不完整或已损坏。请在 Excel 中打开确认后另存为 .xlsx 重新上传。"
# Every part openpyxl holds in memory other than the shared strings: a real workbook's styles, theme and
# properties are well under 1 MB; 8 MB of styles take about 100 MB once parsed.
XLSX_PART_MAX_BYTES = 8 * 1024 * 1024
# Excel writes each distinct text once in the shared strings, so the part holds no repetition to speak of and
# compresses about 3–10 times. Thousands of identical entries compress 400 times: 80 KB under the 32 MB cap
# kept a worker busy 72 s and took 110 MB (measured in the red team of issue 10). Refused above this ratio,
# once the part is large enough for the time to matter.
XLSX_SHARED_STRINGS_MAX_RATIO = 100
XLSX_SHARED_STRINGS_RATIO_FROM_BYTES = 1024 * 1024
XLSX_PART_TOO_LARGE = (
    "XLSX 文件中除工作表数据外的部分（样式、主题、图表等）过大，无法处理。请在 Excel 中另存为新文件或 CSV 后重新上传。"
)
XLSX_UNSAFE = (
    "XLSX 文件含有不允许的 XML 实体或文档类型声明（DTD），出于安全原因不予处理。请在 Excel 中另存为新文件后重新上传。"
)


class FileFormatError(ValueError):
    """The file cannot be read as records of this type; the message says why, in Chinese."""


@dataclass(frozen=True)
class Row:
    number: int  # as people see it: the spreadsheet row (header = 1) or the JSON Lines line
    record_type: str
    data: dict
    severity: str = ""
    errors: dict[str, list[str]] = field(default_factory=dict)  # the row cannot be taken as it is


def file_format(name: str) -> str:
    suffix = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if suffix in ("jsonl", "ndjson"):
        return "jsonl"
    if suffix in ("csv", "xlsx"):
        return suffix
    raise FileFormatError(f"不支持的文件类型“.{printable(suffix, 20)}”，请上传 CSV、XLSX 或 JSON Lines（.jsonl）文件。")


def printable(text: str, limit: int = 500) -> str:
    """``text`` as it can be stored and shown: unsavable characters become U+FFFD, and it is cut to ``limit``."""
    text = UNSAVABLE.sub("\ufffd", str(text))
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _decode(raw: bytes) -> str:
    """UTF-8 (with or without BOM), else GB18030 (a superset of the GBK government files often use).

    A file that is overwhelmingly UTF-8 stays UTF-8 with its few bad bytes kept as lone surrogates, which
    make their rows' errors: read as GB18030, it would decode without a complaint into nonsense.
    """
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8", "surrogateescape")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    text = raw.decode("utf-8", "surrogateescape")
    bad = sum(1 for _ in re.finditer(r"[\udc80-\udcff]", text))
    good = sum(1 for _ in re.finditer(r"[^\x00-\x7f\udc80-\udcff]", text))
    if good >= 10 * bad:
        return text
    return raw.decode("gb18030", "surrogateescape")


def header_map(headers: list[str], spec: TypeSpec) -> list[str | None]:
    """Map each header cell to a field code; raises ``FileFormatError`` naming every unknown column."""
    if any(UNSAVABLE.search(header) for header in headers):
        raise FileFormatError(
            "表头含有无法识别的字符，文件编码可能有误。请另存为 UTF-8 或 GBK 编码的 CSV，或 XLSX 文件。"
        )
    by_label = {field.label: field.code for field in spec.fields}
    codes = {field.code for field in spec.fields}
    mapped: list[str | None] = []
    unknown = []
    seen: dict[str, int] = {}
    duplicated = []
    for position, header in enumerate(headers, start=1):
        text = (header or "").strip().lstrip("*＊").strip()
        if not text:
            mapped.append(None)
            continue
        match = HEADER_CODE.search(text)
        code = match.group(1).upper() if match else text.upper() if text.upper() in codes else by_label.get(text)
        if code not in codes:
            unknown.append(f"第{position}列“{printable(header, 40)}”")
        elif code in seen:
            duplicated.append(f"第{seen[code]}列与第{position}列（{code}）")
        else:
            seen[code] = position
        mapped.append(code)
    if unknown:
        raise FileFormatError(
            printable(f"表头无法识别：{'、'.join(unknown)}。请使用下载的模板，表头为字段名称或字段代码。", 480)
        )
    if duplicated:
        raise FileFormatError(printable(f"表头重复：{'、'.join(duplicated)}。", 480))
    missing = [f.label for f in spec.fields if f.requirement == ALWAYS and f.code not in mapped]
    if missing:
        raise FileFormatError(f"缺少必填列：{'、'.join(missing)}。")
    return mapped


def _blank(cell) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def _strings(value) -> Iterator[str]:
    """Every string in a JSON value, keys included (iteratively: the value may be nested deep)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            yield item
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def _cell_problems(data: dict, where: dict[str, str] | None = None) -> dict[str, list[str]]:
    """The values that cannot be stored as they are, by field code (``where`` names their column)."""
    if not any(isinstance(value, dict | list) for value in data.values()):  # a table row: one search per row
        texts = [text for text in (*data.keys(), *data.values()) if isinstance(text, str)]
        if max(map(len, texts), default=0) <= MAX_CELL_CHARS and not UNSAVABLE.search("\n".join(texts)):
            return {}
    problems: dict[str, list[str]] = {}
    for code, value in data.items():
        key = code if isinstance(code, str) and not UNSAVABLE.search(code) and len(code) <= 64 else "row"
        label = (where or {}).get(code, "")
        for text in _strings(value if key != "row" else [code, value]):
            if len(text) > MAX_CELL_CHARS:
                problems.setdefault(key, []).append(f"{label}内容超过{MAX_CELL_CHARS}个字符。")
                break
            if UNSAVABLE.search(text):
                problems.setdefault(key, []).append(
                    f"{label}含有无法保存的字符（空字符、控制字符或无效编码的字节），请检查文件编码或删除这些字符。"
                )
                break
    return problems


def _rows_from_table(table: Iterator[list], spec: TypeSpec) -> Iterator[Row]:
    numbered = enumerate(table, start=1)
    for _, headers in numbered:  # the header is the first row that is not blank
        if not all(_blank(cell) for cell in headers):
            break
    else:
        raise FileFormatError("文件为空（没有表头）。")
    codes = header_map([str(h) if h is not None else "" for h in headers], spec)
    columns = {code: f"第{position}列" for position, code in enumerate(codes, start=1) if code}
    width = len(codes)
    for number, cells in numbered:
        if number > EXCEL_MAX_ROW + 1:
            raise FileFormatError(f"文件超过{EXCEL_MAX_ROW}行，无法处理。")
        data = {}
        stray = []
        for index, cell in enumerate(cells):
            if cell is None or cell == "" or (isinstance(cell, str) and cell.isspace()):
                continue
            code = codes[index] if index < width else None
            if code:
                data[code] = cell
            else:
                stray.append(str(index + 1))
        if not data and not stray:
            continue
        errors = _cell_problems(data, columns)
        if stray:
            shown = "、".join(stray[:5]) + ("等" if len(stray) > 5 else "")
            errors.setdefault("row", []).append(
                f"第{shown}列有数据，但该列没有表头（表头共{len(codes)}列）：可能多了分隔符或数据错位。"
            )
        yield Row(number=number, record_type=spec.code, data=data, errors=errors)


def _capped(rows: Iterable[Row]) -> Iterator[Row]:
    limit = settings.BATCH_MAX_ROWS
    for count, row in enumerate(rows, start=1):
        if count > limit:
            raise FileFormatError(f"文件超过单个文件{limit}行的上限，请拆分后上传。")
        yield row


def read_rows(content: bytes, fmt: str, spec: TypeSpec | None) -> Iterator[Row]:
    """The records in a file, lazily. ``spec`` is required for CSV and XLSX (one type per file).

    Raises ``FileFormatError`` for a file that cannot be read, at the point it is found: callers that must
    not act on half a file read it through once first (``rows_count``).
    """
    if fmt == "jsonl":
        yield from _capped(_jsonl_rows(content))
        return
    if spec is None:
        raise FileFormatError("CSV/XLSX 文件须指定记录类型。")
    if fmt == "csv":
        yield from _capped(_rows_from_table(_csv_table(content), spec))
    elif fmt == "xlsx":
        yield from _capped(_rows_from_table(_xlsx_table(content), spec))
    else:
        raise FileFormatError(f"不支持的文件格式“{printable(fmt, 20)}”。")


def rows_count(content: bytes, fmt: str, spec: TypeSpec | None) -> int:
    """Read the whole file once (header, every row, every cap) and count its data rows; rows are not validated."""
    return sum(1 for _ in read_rows(content, fmt, spec))


def _csv_table(content: bytes) -> Iterator[list]:
    # The csv module's field limit is process-wide and stops the whole reader; a long cell is a row error
    # we report ourselves (``MAX_CELL_CHARS``), and no field can outgrow the file (``BATCH_MAX_BYTES``).
    if csv.field_size_limit() < settings.BATCH_MAX_BYTES:
        csv.field_size_limit(settings.BATCH_MAX_BYTES)
    reader = csv.reader(io.StringIO(_decode(content), newline=""))
    try:
        yield from reader
    except csv.Error as error:
        raise FileFormatError(f"CSV 文件第{reader.line_num}行无法解析（{printable(error, 100)}）。") from error


def _xlsx_open(content: bytes) -> ExcelReader:
    """Open the package and check its declared sizes before openpyxl inflates anything.

    openpyxl's read-only mode streams the worksheets but holds in memory the shared strings (capped by
    ``BATCH_XLSX_MAX_SHARED_STRINGS_BYTES``) and every other part it reads — the manifest, the workbook,
    styles, theme, properties, chart sheets — each capped at ``XLSX_PART_MAX_BYTES``. A part is streamed
    only if the manifest declares it a worksheet and nothing else, and openpyxl never reads it as
    something else (the fixed paths, relationship files, the shared strings).
    """
    try:
        reader = ExcelReader(io.BytesIO(content), read_only=True, data_only=True, keep_links=False)
    except (zipfile.BadZipFile, EOFError, ValueError, OSError) as error:
        raise FileFormatError(NOT_XLSX) from error
    sizes = {info.filename: info.file_size for info in reader.archive.infolist()}
    packed = {info.filename: info.compress_size for info in reader.archive.infolist()}
    if sum(sizes.values()) > settings.BATCH_XLSX_MAX_UNZIPPED_BYTES:
        raise FileFormatError(
            f"XLSX 文件解压后超过 {settings.BATCH_XLSX_MAX_UNZIPPED_BYTES // 1_048_576} MB 的上限，"
            "请拆分文件或另存为 CSV 后上传。"
        )
    if sizes.get(ARC_CONTENT_TYPES, 0) > XLSX_PART_MAX_BYTES:
        raise FileFormatError(XLSX_PART_TOO_LARGE)
    try:
        reader.read_manifest()
    except KeyError as error:  # no [Content_Types].xml: a zip, not a workbook
        raise FileFormatError(NOT_XLSX) from error
    except Exception as error:  # openpyxl raises many types for a damaged or crafted package
        raise _xlsx_error(error, NOT_XLSX) from error
    part = reader.package.find(SHARED_STRINGS)
    shared = part.PartName.lstrip("/") if part is not None else ""
    if shared and sizes.get(shared, 0) > settings.BATCH_XLSX_MAX_SHARED_STRINGS_BYTES:
        raise FileFormatError(
            "XLSX 文件的文本内容（共享字符串）超过 "
            f"{settings.BATCH_XLSX_MAX_SHARED_STRINGS_BYTES // 1_048_576} MB 的上限，"
            "请拆分文件或另存为 CSV 后上传。"
        )
    if (
        shared
        and sizes.get(shared, 0) > XLSX_SHARED_STRINGS_RATIO_FROM_BYTES
        and sizes[shared] > XLSX_SHARED_STRINGS_MAX_RATIO * max(packed[shared], 1)
    ):
        raise FileFormatError(
            "XLSX 文件的文本内容（共享字符串）由大量重复内容构成，不是 Excel 保存的正常文件。"
            "请在 Excel 中另存为新文件或 CSV 后重新上传。"
        )
    declared: dict[str, set[str]] = {}
    for override in reader.package.Override:
        declared.setdefault(override.PartName.lstrip("/"), set()).add(override.ContentType)
    streamed = {name for name, types in declared.items() if types == {WORKSHEET_TYPE}} - {
        ARC_CONTENT_TYPES,
        ARC_WORKBOOK,
        ARC_STYLE,
        ARC_THEME,
        ARC_CORE,
        ARC_CUSTOM,
        ARC_APP,
        shared,
    }
    for name, size in sizes.items():
        if size > XLSX_PART_MAX_BYTES and name != shared and (name not in streamed or name.endswith(".rels")):
            raise FileFormatError(XLSX_PART_TOO_LARGE)
    return reader


def _xlsx_error(error: Exception, default: str) -> FileFormatError:
    # defusedxml's refusals (DTDForbidden, EntitiesForbidden...) all derive from DefusedXmlException.
    for cause in (error, error.__cause__, error.__context__):
        if cause is not None and type(cause).__module__.startswith("defusedxml"):
            return FileFormatError(XLSX_UNSAFE)
    return FileFormatError(default)


def _xlsx_table(content: bytes) -> Iterator[list]:
    reader = _xlsx_open(content)
    try:
        try:
            reader.read()
            sheet = reader.wb.worksheets[0]
            # Read-only mode trusts the <dimension> element and stops at the row it names: forget it, and
            # read every row there is.
            sheet.reset_dimensions()
            rows = sheet.iter_rows(values_only=True)
        except Exception as error:  # openpyxl raises many types for a damaged or crafted package
            raise _xlsx_error(error, XLSX_DAMAGED) from error
        while True:
            try:
                cells = next(rows, None)
            except Exception as error:  # a truncated part or bad XML is found only when the parser gets there
                raise _xlsx_error(error, XLSX_DAMAGED) from error
            if cells is None:
                return
            yield list(cells)
    finally:
        reader.archive.close()


def _jsonl_rows(content: bytes) -> Iterator[Row]:
    if content.startswith(b"\xef\xbb\xbf"):
        content = content[3:]
    for number, raw in enumerate(io.BytesIO(content), start=1):  # lines split at b"\n" only, one at a time
        if not raw.strip():
            continue
        try:
            line = raw.decode("utf-8")
            item = json.loads(line, parse_constant=_no_constant)
        except UnicodeDecodeError:
            yield Row(number=number, record_type="", data={}, errors={"row": ["本行含有无效的 UTF-8 字节。"]})
            continue
        except RecursionError:
            yield Row(number=number, record_type="", data={}, errors={"row": ["本行 JSON 嵌套层级过深。"]})
            continue
        except ValueError:  # JSONDecodeError, a number of over 4,300 digits, NaN or Infinity
            yield Row(number=number, record_type="", data={}, errors={"row": ["本行不是有效的 JSON。"]})
            continue
        if not isinstance(item, dict):
            yield Row(number=number, record_type="", data={}, errors={"row": ["本行应为 JSON 对象。"]})
            continue
        data = item.get("data")
        record_type, severity = item.get("record_type", ""), item.get("severity") or ""
        if not isinstance(data, dict):
            yield Row(number=number, record_type="", data={}, errors={"row": ["缺少 data 对象。"]})
            continue
        errors = _cell_problems(data)
        if not isinstance(record_type, str) or not isinstance(severity, str):
            errors.setdefault("row", []).append("record_type 和 severity 应为字符串。")
        elif _cell_problems({"record_type": record_type, "severity": severity}):
            errors.setdefault("row", []).append("record_type 或 severity 含有无法保存的字符。")
        yield Row(
            number=number,
            record_type=printable(record_type, 64) if isinstance(record_type, str) else "",
            data=data,
            severity=printable(severity, 16) if isinstance(severity, str) else "",
            errors=errors,
        )


def _no_constant(name: str):
    raise ValueError(f"{name} is not JSON")


def template_workbook(spec: TypeSpec, type_name: str, field_help: dict[str, str] | None = None) -> bytes:
    """The XLSX template of a type: one header per field (``*`` marks required), enum drop-downs, a help sheet."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = type_name[:31]
    bold = Font(bold=True)
    required_fill = PatternFill("solid", fgColor="FDE2E2")
    for column, field_spec in enumerate(spec.fields, start=1):
        cell = sheet.cell(row=1, column=column)
        _write(cell, f"{'*' if field_spec.requirement == ALWAYS else ''}{field_spec.label}（{field_spec.code}）")
        cell.font = bold
        if field_spec.requirement == ALWAYS:
            cell.fill = required_fill
        sheet.column_dimensions[cell.column_letter].width = max(14, len(field_spec.label) * 2 + 12)
        values = ",".join(field_spec.enum_values)
        if field_spec.type == ENUM and not field_spec.multiple and len(values) < 250 and '"' not in values:
            validation = DataValidation(type="list", formula1=f'"{values}"', allow_blank=True)
            validation.add(f"{cell.column_letter}2:{cell.column_letter}{settings.BATCH_MAX_ROWS + 1}")
            sheet.add_data_validation(validation)
    sheet.freeze_panes = "A2"
    notes = workbook.create_sheet("填写说明")
    _append(notes, ["字段代码", "字段名称", "类型", "是否必填", "可选值", "说明"])
    for field_spec in spec.fields:
        _append(
            notes,
            [
                field_spec.code,
                field_spec.label,
                field_type_label(field_spec),
                dict(FieldRequirement.choices).get(field_spec.requirement, field_spec.requirement),
                "；".join(field_spec.enum_values),
                (field_help or {}).get(field_spec.code, ""),
            ],
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


#: What people read for the error keys of a row that are not field codes (the API keeps the keys).
ROW_ERROR_LABELS = {"record_type": "记录类型", "severity": "失信程度", "data": "记录", "row": "本行"}


def error_label(code: str, labels: dict[str, str]) -> str:
    """A row error's key as people read it: the field's name (``labels``: code → label), else its own label."""
    return labels.get(code) or ROW_ERROR_LABELS.get(code, code)


def error_report_workbook(spec: TypeSpec, rows: list[tuple[int, dict, dict]]) -> bytes:
    """The rejected rows as uploaded, with an error column naming each field's problem.

    Every value is written as text: a department's cell ``=HYPERLINK(...)`` must come back as the text it
    sent, never as a live formula in the clerk's Excel.
    """
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "错误明细"
    labels = {field_spec.code: field_spec.label for field_spec in spec.fields}
    _append(sheet, ["行号", "错误说明", *[f"{f.label}（{f.code}）" for f in spec.fields]])
    for number, data, errors in rows:
        message = "；".join(
            f"{error_label(code, labels)}：{'，'.join(str(m) for m in messages)}" for code, messages in errors.items()
        )
        _append(sheet, [number, message, *[_cell(data.get(field_spec.code)) for field_spec in spec.fields]])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _append(sheet, values: list) -> None:
    sheet.append([_text(value) for value in values])
    for cell in sheet[sheet.max_row]:
        _inert(cell)


def _write(cell, value) -> None:
    cell.value = _text(value)
    _inert(cell)


def _text(value):
    # A control character or a lone surrogate would make the whole workbook fail to save (XML cannot hold it).
    return UNSAVABLE.sub("\ufffd", value) if isinstance(value, str) else value


def _inert(cell) -> None:
    """Text that looks like a formula stays text."""
    if isinstance(cell.value, str) and cell.value.startswith(FORMULA_STARTS):
        cell.data_type = "s"  # openpyxl made it a formula ("f") on assignment; as text it is written inline
        cell.quotePrefix = True  # and Excel keeps it text when the clerk edits the cell


def _cell(value):
    return "" if value is None else str(value)
