"""CSV files people open in a spreadsheet (open data, departments' evaluation files): UTF-8 with a BOM so Excel
and WPS read the Chinese, and no cell a spreadsheet would run as a formula."""

from __future__ import annotations

import contextlib
import csv
import hashlib
import os
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

# Excel, LibreOffice and WPS evaluate a cell typed in as "=...", and DDE payloads start with + - @ too;
# tab and CR lead some importers to drop the quote.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_text(value) -> str:
    """Text as a spreadsheet will show it: a leading formula character is neutralised with an apostrophe."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


class _Echo:
    def write(self, value):
        return value


def csv_lines(header: list[str], rows: Iterable[Iterable]) -> Iterator[str]:
    """The file's lines, one at a time (for streaming or writing): the header after a BOM, then each row."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(header)
    for row in rows:
        yield writer.writerow([spreadsheet_text(value) for value in row])


@dataclass(frozen=True)
class Written:
    rows: int  # data rows, the header not counted
    bytes: int
    sha256: str


def csv_file_write(target: Path, lines: Iterable[str], *, mode: int | None = None) -> Written:
    """Write ``lines`` (from ``csv_lines``) to ``target``: streamed into a temporary file beside it while the
    SHA-256 is computed, synced, then moved into place with ``os.replace`` (atomic on one file system: a
    download never sees half a file). ``mode``: the file's permissions when others must read it (a web server
    serving open data); otherwise the temporary file's owner-only ones stay."""
    target.parent.mkdir(parents=True, exist_ok=True)
    digest, size, count = hashlib.sha256(), 0, 0
    fd, temp_name = tempfile.mkstemp(dir=target.parent, prefix=".tmp-", suffix=".csv")
    try:
        with os.fdopen(fd, "wb") as out:
            for line in lines:
                data = line.encode("utf-8")
                out.write(data)
                digest.update(data)
                size, count = size + len(data), count + 1
            out.flush()
            os.fsync(out.fileno())
        if mode is not None:
            os.chmod(temp_name, mode)
        os.replace(temp_name, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp_name)
        raise
    return Written(rows=count - 1, bytes=size, sha256=digest.hexdigest())
