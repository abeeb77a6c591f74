"""What a draft would do before it is published: a sample of the editor's supervised population graded by the
pure engine under the draft and under the model's current version, side by side. Reads only: nothing is stored,
audited or sent (a preview is a question, not a change)."""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass

from django.utils import timezone

from subjects.identifiers import mask_person_name
from subjects.models import CreditSubject

from . import rules
from .choices import VersionState
from .models import ModelVersion
from .selectors import model_set, subject_facts, supervised_subjects_q

#: How many subjects a preview grades: enough for a distribution, few enough for a page (a few hundred ms).
PREVIEW_SAMPLE = 2000
OUT = ""  # out of the model's scope (or no current version)


@dataclass(frozen=True)
class GradeRow:
    grade: str
    label: str
    current: int
    draft: int

    @property
    def difference(self) -> int:
        return self.draft - self.current


@dataclass(frozen=True)
class ChangedSubject:
    subject: CreditSubject
    current: rules.Evaluation | None
    draft: rules.Evaluation | None

    @property
    def name(self) -> str:
        """A natural person's name masked, as everywhere a person is listed beside others."""
        return mask_person_name(self.subject.name) if self.subject.is_natural_person else self.subject.name


@dataclass(frozen=True)
class Preview:
    version: ModelVersion
    current_version: ModelVersion | None
    as_of: datetime.date
    sample: int  # subjects graded
    limit: int
    rows: tuple[GradeRow, ...]  # A, B, C, D, then "out of scope"
    changed: int  # subjects whose grade differs
    better: int
    worse: int
    examples: tuple[ChangedSubject, ...]


def _sample(department, size: int) -> list[int]:
    """The first ``size`` subjects (by id: the same sample each time) of the department's supervised population;
    of every subject for the credit centre."""
    subjects = CreditSubject.objects.all()
    if department is not None:
        subjects = subjects.filter(supervised_subjects_q(department, prefix=""))
    return list(subjects.order_by("pk").values_list("pk", flat=True)[:size])


def _rank(evaluation: rules.Evaluation | None) -> int:
    return rules.GRADES.index(evaluation.grade) if evaluation is not None else len(rules.GRADES)


def draft_preview(
    version: ModelVersion, department, *, as_of: datetime.date | None = None, size: int = PREVIEW_SAMPLE, examples=20
) -> Preview:
    """Grade a sample of ``department``'s supervised population under ``version`` (a draft) and under its model's
    current version, on ``as_of``: the grade distribution of both, and the subjects whose grade would change.
    May raise ``rules.DefinitionError`` (a definition the engine cannot order or run)."""
    as_of = as_of or timezone.localdate()
    code = version.model.code
    current_version = version.model.versions.filter(state=VersionState.PUBLISHED).first()
    ids = _sample(department, size)
    now_set, draft_set = model_set(), model_set(draft=version)
    now_facts, draft_facts = subject_facts(ids, now_set), subject_facts(ids, draft_set)
    now_counts, draft_counts = Counter(), Counter()
    changed, better, worse = [], 0, 0
    for pk in ids:
        if pk not in now_facts:
            continue
        now = now_set.evaluator.evaluate(now_facts[pk], as_of).get(code) if current_version else None
        new = draft_set.evaluator.evaluate(draft_facts[pk], as_of).get(code)
        now_counts[now.grade if now else OUT] += 1
        draft_counts[new.grade if new else OUT] += 1
        if _rank(now) != _rank(new):
            changed.append((pk, now, new))
            better += _rank(new) < _rank(now)
            worse += _rank(new) > _rank(now)
    labels = version.definition.get("labels", {})
    rows = [GradeRow(g, labels.get(g, g), now_counts[g], draft_counts[g]) for g in rules.GRADES]
    rows.append(GradeRow(OUT, "不在适用范围", now_counts[OUT], draft_counts[OUT]))
    shown = changed[:examples]
    subjects = CreditSubject.objects.in_bulk([pk for pk, _, _ in shown])
    return Preview(
        version=version,
        current_version=current_version,
        as_of=as_of,
        sample=sum(now_counts.values()),
        limit=size,
        rows=tuple(rows),
        changed=len(changed),
        better=better,
        worse=worse,
        examples=tuple(ChangedSubject(subjects[pk], now, new) for pk, now, new in shown if pk in subjects),
    )
