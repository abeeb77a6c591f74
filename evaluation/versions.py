"""Changes of evaluation models and their versions: checking a definition, drafting, editing and publishing a
version (which starts the re-grading of everyone), the public-display setting and a department's new
professional model. Each change is checked against ``access`` (who may edit which model) and audited."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from audit.services import Actor, audit_event_record
from records.models import RecordType
from records.selectors import catalog_display_changed
from sanctions.models import ListType
from subjects.choices import SubjectKind

from . import rules
from .access import editor_of, model_create_refusal, model_edit_require
from .choices import ModelKind, ModelPurpose, VersionState
from .definitions import definition_parse
from .errors import EvaluationError
from .models import EvaluationModel, EvaluationRun, ModelVersion
from .runs import evaluation_run_request

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
