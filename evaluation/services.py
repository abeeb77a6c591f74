"""Grading subjects: the engine's results written as history (``rules.evaluate_subject``), one transaction per
chunk of subjects. The changes of models and versions are in ``versions``."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

import orjson
from django.db import transaction
from django.utils import timezone

from audit.services import Actor, audit_event_record
from core.memory import cycle_collection_paused
from outbox.services import outbox_add

from . import rules, selectors, writes
from .models import EvaluationResult, EvaluationRun
from .signals import SUBJECTS_GRADES_CHANGED

# --- Grading ------------------------------------------------------------------------------------------------

OUT_OF_SCOPE = "out-of-scope"


def _facts_json(
    facts: rules.SubjectFacts, evaluations: dict[str, rules.Evaluation], as_of: datetime.date
) -> writes.JsonText:
    """What the evaluation rested on: the subject's own facts and the records and memberships behind an
    indicator or an override (the others counted nothing)."""
    used = evaluations.values()
    record_ids = set().union(*(e.record_ids() for e in used)) if facts.records else set()
    membership_ids = set().union(*(e.membership_ids() for e in used)) if facts.memberships else set()
    document = {
        "as_of": as_of.isoformat(),
        "kind": facts.kind,
        "registration_status": facts.registration_status,
        "established_on": facts.established_on.isoformat() if facts.established_on else None,
        "records": [
            {
                "id": r.id,
                "type": r.record_type,
                "severity": r.severity,
                "decided_on": r.decided_on.isoformat(),
                "end": r.end.isoformat() if r.end else None,
                **r.fields,
            }
            for r in facts.records
            if r.id in record_ids
        ],
        "memberships": [
            {"id": m.id, "list": m.list_code, "colour": m.colour} for m in facts.memberships if m.id in membership_ids
        ],
    }
    return writes.JsonText(orjson.dumps(document).decode())


@dataclass
class GradeOutcome:
    evaluated: int = 0
    written: int = 0
    grades_changed: int = 0


RESULT_COLUMNS = (
    "subject_id",
    "model_id",
    "version_id",
    "score",
    "grade",
    "score_grade",
    "previous_grade",
    "grade_since",
    "digest",
    "explanation",
    "facts",
    "evaluated_on",
    "run_id",
    "created_at",
)
OUT_OF_SCOPE_EXPLANATION = writes.JsonText(
    orjson.dumps({"engine": rules.ENGINE_VERSION, "out_of_scope": True}).decode()
)


@dataclass
class _GradeWrites:
    """What one grading changes: the new result rows (a COPY; nothing is updated), and the subjects whose public
    grade or score changed (their pages)."""

    actor: Actor
    as_of: datetime.date
    run: EvaluationRun | None
    now: datetime.datetime
    after_change: bool = False
    results: list[tuple] = field(default_factory=list)
    pages: set[int] = field(default_factory=set)
    grade_changes: int = 0
    # The same on every row: formatted once, not a thousand times.
    now_text: writes.CopyText = field(init=False)
    as_of_text: writes.CopyText = field(init=False)
    run_id: int | None = field(init=False)

    def __post_init__(self):
        self.now_text, self.as_of_text = writes.CopyText.of(self.now), writes.CopyText.of(self.as_of)
        self.run_id = self.run.pk if self.run else None

    def stage(
        self,
        subject_id: int,
        version,
        evaluation: rules.Evaluation | None,
        stored: selectors.StoredGrade | None,
        facts_json,
        public: bool,
    ) -> None:
        if evaluation is None:
            if stored is None or stored.grade == "":
                return
            digest, score, grade, score_grade, explanation = OUT_OF_SCOPE, None, "", "", OUT_OF_SCOPE_EXPLANATION
        else:
            digest = evaluation.digest
            if stored is not None and stored.digest == digest:
                return
            score, grade, score_grade = evaluation.score, evaluation.grade, evaluation.score_grade
            explanation = writes.JsonText(evaluation.explanation_text)
        changed_grade = stored is None or stored.grade != grade
        self.grade_changes += changed_grade
        self.results.append(
            (
                subject_id,
                version.model_id,
                version.pk,
                score,
                grade,
                score_grade,
                stored.grade if stored else "",
                self.now_text if changed_grade else stored.since,  # the grade held: its start stays
                digest,
                explanation,
                facts_json(),
                self.as_of_text,
                self.run_id,
                self.now_text,
            )
        )
        if public and (changed_grade or stored.score != score):
            self.pages.add(subject_id)

    def write(self, subject_ids: list[int]) -> None:
        writes.rows_insert(EvaluationResult, RESULT_COLUMNS, self.results)
        if self.results:
            audit_event_record(
                actor=self.actor,
                action="evaluation.evaluate",
                object_type="subjects.creditsubject",
                object_id=str(subject_ids[0]) if len(subject_ids) == 1 else f"{len(subject_ids)} subjects",
                after={
                    "results": len(self.results),
                    "grade_changes": self.grade_changes,
                    "run": self.run.pk if self.run else None,
                    "as_of": self.as_of.isoformat(),
                },
            )
        if self.pages:
            payload = {"subject_ids": sorted(self.pages), **({"after_change": True} if self.after_change else {})}
            outbox_add(topic=SUBJECTS_GRADES_CHANGED, payload=payload)


def _lazy_facts(facts, evaluations, as_of):
    """The facts JSON of a subject, built once and only when a result of it is written."""
    built = []

    def text():
        if not built:
            built.append(_facts_json(facts, evaluations, as_of))
        return built[0]

    return text


@transaction.atomic
def subjects_grade(
    *,
    subject_ids: list[int],
    actor: Actor,
    as_of: datetime.date | None = None,
    run: EvaluationRun | None = None,
    models: selectors.ModelSet | None = None,
    after_change: bool = False,
) -> GradeOutcome:
    """Evaluate subjects under every current model version and store what changed: a new result (history, the
    subject's current result from then on) for each subject and model whose score, grade, explanation or version
    differ from the current one; a subject that left a model's scope gets a result saying so. Nothing is
    written on unchanged facts, so running twice is harmless.

    The subjects are locked first (``selectors.subject_facts``), so an evaluation after a change and a full run
    over the same subject wait for each other, and the later reads the facts the earlier committed.

    ``after_change``: graded while an outbox item of a change of these subjects is delivered (their records,
    lists or facts): the ``subjects.grades_changed`` item says so, for the handlers of that item registered
    after this app's (the public site's page refresh) see the new grades already."""
    as_of = as_of or timezone.localdate()
    subject_ids = sorted(set(subject_ids))
    models = models or selectors.model_set()
    outcome = GradeOutcome()
    if not subject_ids or not models.ordered:
        return outcome
    with cycle_collection_paused():
        facts = selectors.subject_facts(subject_ids, models, lock=True)
        stored = selectors.stored_grades(subject_ids, [v.model_id for v in models.versions.values()])
        staged = _GradeWrites(actor=actor, as_of=as_of, run=run, now=timezone.now(), after_change=after_change)
        for subject_id in subject_ids:
            subject_facts = facts.get(subject_id)
            if subject_facts is None:
                continue
            evaluations = models.evaluator.evaluate(subject_facts, as_of)
            facts_text = _lazy_facts(subject_facts, evaluations, as_of)
            for definition in models.ordered:
                version = models.versions[definition.model]
                staged.stage(
                    subject_id,
                    version,
                    evaluations.get(definition.model),
                    stored.get((subject_id, version.model_id)),
                    facts_text,
                    definition.model in models.public,
                )
            outcome.evaluated += 1
        staged.write(subject_ids)
    outcome.written, outcome.grades_changed = len(staged.results), staged.grade_changes
    return outcome
