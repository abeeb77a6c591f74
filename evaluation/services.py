"""State changes of the evaluation app: editing and publishing model versions, the public-display setting, and
grading subjects (the write of ``rules.evaluate_subject``'s results)."""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from audit.services import Actor, audit_event_record
from outbox.services import outbox_add
from records.models import RecordType
from records.selectors import catalog_display_changed
from sanctions.models import ListType
from subjects.choices import SubjectKind

from . import rules, selectors, writes
from .access import editor_of, model_create_refusal, model_edit_require
from .choices import ModelKind, ModelPurpose, VersionState
from .definitions import definition_parse
from .errors import EvaluationError
from .models import EvaluationModel, EvaluationResult, EvaluationRun, ModelVersion
from .signals import SUBJECTS_GRADES_CHANGED

__all__ = ["EvaluationError"]  # raised by every service below; defined in .errors so that .access raises it too


# --- Models and versions ------------------------------------------------------------------------------------


def definition_check(definition, *, model: EvaluationModel) -> rules.ModelDefinition:
    """The engine's reading of ``definition`` (``definitions.definition_parse``) plus what only the database knows: the
    record types, lists, subject kinds and models it names exist. Raises ``EvaluationError`` in Chinese."""
    try:
        parsed = definition_parse(definition, model=model.code, version=0)
    except rules.DefinitionError as error:
        raise EvaluationError(error.message, code=error.code, field="definition") from None
    types = {code for f in parsed.record_filters() for code in f.types}
    unknown = sorted(types - set(RecordType.objects.filter(code__in=sorted(types)).values_list("code", flat=True)))
    if unknown:
        raise EvaluationError(
            f"记录类型“{'、'.join(unknown)}”不在信用信息目录中。", code="unknown_type", field="definition"
        )
    lists = {code for _, i in parsed.indicators() if i.lists for code in i.lists.lists}
    lists |= {code for o in parsed.overrides if o.lists for code in o.lists.lists}
    unknown = sorted(lists - set(ListType.objects.filter(code__in=sorted(lists)).values_list("code", flat=True)))
    if unknown:
        raise EvaluationError(f"名单“{'、'.join(unknown)}”不存在。", code="unknown_list", field="definition")
    unknown = sorted(parsed.scope.subject_kinds - set(SubjectKind.values))
    if unknown:
        raise EvaluationError(
            f"主体类型“{'、'.join(unknown)}”无效（可选：{'、'.join(SubjectKind.values)}）。",
            code="unknown_kind",
            field="definition",
        )
    if parsed.depends_on() and model.kind == ModelKind.GENERAL:
        # "通用+专业": a professional model combines the general score; a general one reads no model, so models
        # never read each other in a circle (which would stop every grading).
        raise EvaluationError("通用模型不能引用其他模型的得分。", code="general_reads_model", field="definition")
    for code in sorted(parsed.depends_on()):
        base = EvaluationModel.objects.filter(code=code).first()
        if base is None or base.kind != ModelKind.GENERAL:
            raise EvaluationError(f"引用的模型“{code}”不存在或不是通用模型。", code="unknown_model", field="definition")
    return parsed


def _version_json(version: ModelVersion) -> dict:
    return {"model": version.model.code, "number": version.number, "state": version.state, "note": version.note}


@transaction.atomic
def model_version_draft(*, model: EvaluationModel, actor: Actor) -> ModelVersion:
    """The model's draft to edit: the existing one, or a new one copied from the latest version. Only an editor
    of the model (``access.model_edit_refusal``) may open it."""
    model_edit_require(model, actor)
    EvaluationModel.objects.select_for_update().get(pk=model.pk)
    draft = model.versions.filter(state=VersionState.DRAFT).first()
    if draft is not None:
        return draft
    latest = model.versions.order_by("-number").first()
    draft = ModelVersion.objects.create(
        model=model,
        number=(latest.number + 1) if latest else 1,
        state=VersionState.DRAFT,
        definition=latest.definition if latest else {},
        created_by=actor.label,
    )
    audit_event_record(actor=actor, action="evaluation.version_draft", obj=draft, after=_version_json(draft))
    return draft


@transaction.atomic
def model_version_edit(*, version: ModelVersion, definition: dict, note: str, actor: Actor) -> ModelVersion:
    """Change a draft's definition (checked: a draft that cannot be published is refused now, not then), by an
    editor of its model."""
    version = ModelVersion.objects.select_for_update().select_related("model").get(pk=version.pk)
    model_edit_require(version.model, actor)
    if version.state != VersionState.DRAFT:
        raise EvaluationError("已发布的版本不能修改：请新建草稿。", code="version_frozen")
    definition_check(definition, model=version.model)
    before = {"definition": version.definition, "note": version.note}
    version.definition, version.note = definition, note.strip()[:300]
    version.save(update_fields=["definition", "note"])
    audit_event_record(
        actor=actor,
        action="evaluation.version_edit",
        obj=version,
        before=before,
        after={"definition": version.definition, "note": version.note},
    )
    return version


@transaction.atomic
def model_version_publish(*, version: ModelVersion, actor: Actor, background: bool = True) -> EvaluationRun:
    """Publish a draft: it becomes the model's current version (the one before is superseded, kept, and still
    cited by the results made with it), and every subject is evaluated again under it in the background (the
    returned run; with ``background=False`` the caller runs ``runs.evaluation_run``)."""
    from .runs import evaluation_run_request

    EvaluationModel.objects.select_for_update().get(pk=version.model_id)
    version = ModelVersion.objects.select_for_update().select_related("model").get(pk=version.pk)
    model_edit_require(version.model, actor)
    if version.state != VersionState.DRAFT:
        raise EvaluationError("只能发布草稿版本。", code="not_a_draft")
    definition_check(version.definition, model=version.model)
    now = timezone.now()
    previous = version.model.versions.filter(state=VersionState.PUBLISHED).first()
    if previous is not None:
        previous.state = VersionState.SUPERSEDED
        previous.save(update_fields=["state"])
    version.state, version.published_at, version.published_by = VersionState.PUBLISHED, now, actor.label
    version.save(update_fields=["state", "published_at", "published_by"])
    audit_event_record(
        actor=actor,
        action="evaluation.version_publish",
        obj=version,
        reason=version.note,
        before={"current_version": previous.number if previous else None},
        after={**_version_json(version), "definition": version.definition},
    )
    return evaluation_run_request(actor=actor, model=version.model, version=version, background=background)


@transaction.atomic
def model_display_set(*, model: EvaluationModel, publish_grades: bool, actor: Actor) -> EvaluationModel:
    """Show the model's grades to the public (subject pages, credit reports, checks) or keep them for
    supervision; by an editor of the model. The cached public pages follow at the commit: they are keyed by the
    display version, renewed here as after a change of what the catalog shows (a grade kept for supervision
    leaves them at once)."""
    model = EvaluationModel.objects.select_for_update().get(pk=model.pk)
    model_edit_require(model, actor)
    if model.publish_grades == publish_grades:
        return model
    before = model.publish_grades
    model.publish_grades = publish_grades
    model.save(update_fields=["publish_grades", "updated_at"])
    audit_event_record(
        actor=actor,
        action="evaluation.model_display",
        obj=model,
        before={"publish_grades": before},
        after={"publish_grades": publish_grades},
    )
    transaction.on_commit(catalog_display_changed)
    return model


RISK_LABELS = {"A": "低风险", "B": "一般风险", "C": "较高风险", "D": "高风险"}
EVALUATION_LABELS = {"A": "优", "B": "良", "C": "中", "D": "差"}


def starter_definition(labels: dict[str, str]) -> dict:
    """The first draft of a new professional model ("通用+专业", seed 002 item 51): the general score as its base
    information, a black list → the worst grade; the department then adds its own indicators."""
    return {
        "base_score": "0",
        "min_score": "0",
        "max_score": "100",
        "grades": {"A": "85", "B": "70", "C": "55"},
        "labels": dict(labels),
        "scope": {"subject_kinds": ["legal_entity", "individual_business"]},
        "dimensions": [
            {
                "code": "general",
                "name": "基础信息（通用评价）",
                "indicators": [
                    {
                        "code": "general_score",
                        "name": "公共信用综合评价得分",
                        "kind": rules.MODEL_SCORE,
                        "model": "general",
                        "weight": "1",
                    }
                ],
            }
        ],
        "overrides": [
            {
                "code": "black",
                "name": f"列入失信惩戒名单的，为{labels['D']}",
                "kind": rules.LIST_MEMBER,
                "colours": ["black"],
                "grade": "D",
            }
        ],
    }


@transaction.atomic
def professional_model_create(
    *,
    department,
    code: str,
    name: str,
    basis: str,
    actor: Actor,
    purpose: str = ModelPurpose.RISK,
    labels: dict[str, str] | None = None,
    publish_grades: bool = False,
) -> EvaluationModel:
    """A department's new professional model for its sector, naming the department (which alone edits it then),
    with a first draft (``starter_definition``) to edit and publish. By the department's administrator or the
    credit centre (``access.model_create_refusal``); grades are kept for supervision unless said otherwise."""
    refusal = model_create_refusal(department, editor_of(actor))
    if refusal:
        raise EvaluationError(refusal, code="not_model_editor")
    labels = {grade: (labels or {}).get(grade, "").strip() for grade in rules.GRADES}
    if not all(labels.values()):
        default = RISK_LABELS if purpose == ModelPurpose.RISK else EVALUATION_LABELS
        labels = {grade: labels[grade] or default[grade] for grade in rules.GRADES}
    code = code.strip()
    if EvaluationModel.objects.filter(code=code).exists():
        raise EvaluationError(f"模型编码“{code}”已被使用。", code="code_taken", field="code")
    model = EvaluationModel(
        code=code,
        name=name.strip(),
        kind=ModelKind.PROFESSIONAL,
        purpose=purpose,
        sector=department.sector,
        department=department,
        basis=basis.strip(),
        publish_grades=publish_grades,
    )
    try:
        model.full_clean()
    except ValidationError as error:
        field_name, messages = next(iter(error.message_dict.items()))
        raise EvaluationError(messages[0], code="invalid", field=field_name) from None
    model.save()
    draft = ModelVersion.objects.create(
        model=model, number=1, state=VersionState.DRAFT, definition=starter_definition(labels), created_by=actor.label
    )
    definition_check(draft.definition, model=model)
    audit_event_record(
        actor=actor,
        action="evaluation.model_create",
        obj=model,
        after={
            "code": model.code,
            "name": model.name,
            "purpose": model.purpose,
            "sector": model.sector,
            "department": department.code,
            "publish_grades": publish_grades,
            "draft": draft.number,
        },
    )
    return model


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
    return writes.JsonText(json.dumps(document, ensure_ascii=False, separators=(",", ":")))


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
    json.dumps({"engine": rules.ENGINE_VERSION, "out_of_scope": True}, separators=(",", ":"))
)


@dataclass
class _GradeWrites:
    """What one grading changes: the new result rows (a COPY; nothing is updated), and the subjects whose public
    grade or score changed (their pages)."""

    actor: Actor
    as_of: datetime.date
    run: EvaluationRun | None
    now: datetime.datetime
    results: list[tuple] = field(default_factory=list)
    pages: set[int] = field(default_factory=set)
    grade_changes: int = 0

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
                self.now if changed_grade else stored.since,  # the grade held: its start stays
                digest,
                explanation,
                facts_json(),
                self.as_of,
                self.run.pk if self.run else None,
                self.now,
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
            outbox_add(topic=SUBJECTS_GRADES_CHANGED, payload={"subject_ids": sorted(self.pages)})


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
) -> GradeOutcome:
    """Evaluate subjects under every current model version and store what changed: a new result (history, the
    subject's current result from then on) for each subject and model whose score, grade, explanation or version
    differ from the current one; a subject that left a model's scope gets a result saying so. Nothing is
    written on unchanged facts, so running twice is harmless.

    The subjects are locked first (``selectors.subject_facts``), so an evaluation after a change and a full run
    over the same subject wait for each other, and the later reads the facts the earlier committed."""
    as_of = as_of or timezone.localdate()
    subject_ids = sorted(set(subject_ids))
    models = models or selectors.model_set()
    outcome = GradeOutcome()
    if not subject_ids or not models.ordered:
        return outcome
    facts = selectors.subject_facts(subject_ids, models, lock=True)
    stored = selectors.stored_grades(subject_ids)
    staged = _GradeWrites(actor=actor, as_of=as_of, run=run, now=timezone.now())
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
