"""Open data (数据开放): CSV files of the public lists and of 双公示 records for a date range.

Built from the same selectors as the pages (``public_records``, ``public_memberships``), so nothing that is
not public can reach a file; natural persons appear masked, as on the pages. UTF-8 with a BOM, which the
spreadsheet programs used in government offices open correctly.
"""

from __future__ import annotations

import csv
import datetime
from collections.abc import Iterator

from subjects.identifiers import mask_person_name

from .selectors import public_record_data

MAX_RANGE = datetime.timedelta(days=366)
XZCF_COLUMNS = [
    ("行政相对人名称", None),
    ("统一社会信用代码/证件号码", None),
    ("行政处罚决定书文号", "source"),
    ("违法行为类型", "CF_WFXW"),
    ("处罚类别", "CF_CFLB"),
    ("处罚内容", "CF_NR"),
    ("罚款金额（万元）", "CF_NR_FK"),
    ("处罚决定日期", "decided"),
    ("处罚机关", "CF_CFJG"),
    ("公示截止日期", "end"),
]
XZXK_COLUMNS = [
    ("行政相对人名称", None),
    ("统一社会信用代码/证件号码", None),
    ("行政许可决定文书号", "source"),
    ("许可类别", "XK_XKLB"),
    ("许可证书名称", "XK_XKZS"),
    ("许可编号", "XK_XKBH"),
    ("许可内容", "XK_NR"),
    ("许可决定日期", "decided"),
    ("有效期至", "XK_YXQZI"),
    ("许可机关", "XK_XKJG"),
]


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value) -> str:
    """Text as a spreadsheet will show it: a leading formula character is neutralised with an apostrophe."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


class _Echo:
    def write(self, value):
        return value


def _name(subject) -> str:
    return mask_person_name(subject.name) if subject.is_natural_person else subject.name


def record_rows(records, type_code: str) -> Iterator[str]:
    columns = XZCF_COLUMNS if type_code == "xzcf" else XZXK_COLUMNS
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow([label for label, _ in columns])
    for record in records.iterator(chunk_size=2000):
        row = []
        for index, (_, key) in enumerate(columns):
            if index == 0:
                row.append(_name(record.subject))
            elif index == 1:
                row.append(record.subject.public_code)
            elif key == "source":
                row.append(record.source_id)
            elif key == "decided":
                row.append(record.decided_on.isoformat())
            elif key == "end":
                row.append(record.disclosure_end.isoformat() if record.disclosure_end else "")
            else:
                row.append(public_record_data(record).get(key, ""))
        yield writer.writerow([_cell(value) for value in row])


def membership_rows(memberships) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(["名称", "统一社会信用代码/证件号码", "名单", "认定机关", "列入日期", "有效期至"])
    for m in memberships.iterator(chunk_size=2000):
        row = [
            _name(m.subject),
            m.subject.public_code,
            m.list_type.name,
            m.list_type.authority,
            m.started_on.isoformat(),
            m.planned_end.isoformat() if m.planned_end else "",
        ]
        yield writer.writerow([_cell(value) for value in row])
