"""The dated files of the results (定期推送至各地区各部门, seed 002 item 50): per department and model, the current
grades of the department's supervised population, a CSV written in the background after the nightly run and
served from disk to that department (``/api/v1/evaluations/files/``).

Written like the open-data files (disclosure/opendata.py, which this app cannot import): streamed through a
server-side cursor into a temporary file in the target folder while the SHA-256 is computed, then moved into
place (``os.replace``: a download never sees half a file). UTF-8 with a BOM; natural persons masked.
"""

from __future__ import annotations

import datetime
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from audit.services import Actor, audit_event_record
from core.csvfile import csv_file_write, csv_lines
from subjects.identifiers import mask_person_name

from . import selectors
from .models import EvaluationFile, EvaluationModel

COLUMNS = [
    "统一社会信用代码/证件号码",
    "主体名称",
    "模型",
    "模型版本",
    "得分",
    "等级",
    "等级名称",
    "等级起始日期",
    "评价日期",
]


def files_root() -> Path:
    return Path(settings.MEDIA_ROOT) / "evaluation"


def _rows(department, model: EvaluationModel):
    labels: dict[int, dict] = {}
    for grade in selectors.population_grades(department, model).iterator(chunk_size=2000):
        subject = grade.subject
        version_labels = labels.setdefault(grade.version_id, grade.version.definition.get("labels", {}))
        row = [
            subject.public_code,
            mask_person_name(subject.name) if subject.is_natural_person else subject.name,
            model.name,
            grade.version.number,
            grade.score,
            grade.grade,
            version_labels.get(grade.grade, grade.grade),
            grade.grade_since.astimezone(timezone.get_current_timezone()).date().isoformat(),
            grade.evaluated_on.isoformat(),
        ]
        yield row


def evaluation_file_generate(*, department, model: EvaluationModel, as_of: datetime.date) -> EvaluationFile:
    """Write the file of ``department`` and ``model`` for ``as_of`` and record it (again: the day's row and file
    are replaced). Returns the row."""
    relative = Path(department.code) / f"{model.code}-{as_of:%Y-%m-%d}.csv"
    written = csv_file_write(files_root() / relative, csv_lines(COLUMNS, _rows(department, model)))
    with transaction.atomic():
        row, _ = EvaluationFile.objects.update_or_create(
            department=department,
            model=model,
            as_of=as_of,
            defaults={
                "rows": written.rows,
                "bytes": written.bytes,
                "sha256": written.sha256,
                "path": str(relative),
                "generated_at": timezone.now(),
            },
        )
        audit_event_record(
            actor=Actor.system("评价结果推送"),
            action="evaluation.file_generate",
            obj=row,
            reason=f"{department.code} {model.code} {as_of} rows={row.rows} sha256={row.sha256}",
        )
    return row


def evaluation_files_generate(as_of: datetime.date) -> list[EvaluationFile]:
    """The day's files: every active department, every model whose results it receives."""
    from organisations.models import Department

    files = []
    for department in Department.objects.filter(is_active=True).select_related("division").order_by("code"):
        for model in selectors.visible_models(department).order_by("code"):
            files.append(evaluation_file_generate(department=department, model=model, as_of=as_of))
    return files
