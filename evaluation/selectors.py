"""Reads of the evaluation app: the published models as the engine runs them, the subjects' facts (set-based:
a few queries per chunk of subjects, never per subject), current grades, a department's supervised population,
and the grades the public and the checks see."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

import orjson
from django.db import connection
from django.db.models import Max, Q, QuerySet

from core.vocabulary import MEMBERSHIP_ACTIVE, RECORD_ACTIVE, RECORD_REPAIRED
from records.models import CreditRecord, RecordType
from sanctions.models import ListType, Membership
from subjects.choices import DivisionLevel, SubjectKind
from subjects.models import CreditSubject

from . import rules
from .choices import RunKind, RunState, VersionState
from .definitions import definition_parse
from .models import EvaluationModel, EvaluationResult, EvaluationRun, ModelVersion

# --- The models ---------------------------------------------------------------------------------------------


def version_definition(version: ModelVersion) -> rules.ModelDefinition:
    """The version's definition in the engine's terms, parsed once per process for the same text: every
    grading after a change reads the models, and parsing them cost more than reading them. Keyed by the text,
    so a draft edited meanwhile is parsed again (a published version is frozen)."""
    try:
        text = orjson.dumps(version.definition)
    except orjson.JSONEncodeError:
        # An integer beyond 64 bits (JSON and jsonb hold it, orjson does not) in a key the engine may not even
        # read: the check accepted the definition, so it is parsed, only not kept.
        return definition_parse(version.definition, model=version.model.code, version=version.pk)
    return _definition_parse(version.model.code, version.pk, text)


@lru_cache(maxsize=64)
def _definition_parse(model: str, version: int | None, text: bytes) -> rules.ModelDefinition:
    return definition_parse(orjson.loads(text), model=model, version=version)


@dataclass(frozen=True)
class ModelSet:
    """The current (published) versions of the active models, read once per chunk of subjects: the
    definitions in evaluation order, and what the facts must hold for them."""

    evaluator: rules.Evaluator
    versions: dict[str, ModelVersion]  # by model code
    public: frozenset[str]  # codes of the models whose grades the public sees
    record_types: dict[int, str]  # id → code of the record types the models read
    fields: tuple[str, ...]  # the data fields their conditions read

    @property
    def ordered(self) -> tuple[rules.ModelDefinition, ...]:
        return self.evaluator.ordered


def model_set(draft: ModelVersion | None = None) -> ModelSet:
    """Two queries: the published versions with their models, and the record types. With ``draft``: that version
    in place of its model's published one (what the models would be once it is published: the preview)."""
    versions = list(
        ModelVersion.objects.filter(state=VersionState.PUBLISHED, model__is_active=True)
        .select_related("model")
        .order_by("model__code")
    )
    if draft is not None:
        versions = sorted([v for v in versions if v.model_id != draft.model_id] + [draft], key=lambda v: v.model.code)
    definitions = [version_definition(v) for v in versions]
    # A model reading a model that is not active is evaluated without it (its score counts 0), never refused.
    present = {d.model for d in definitions}
    evaluator = rules.Evaluator(d if d.depends_on() <= present else _without_missing(d, present) for d in definitions)
    filters = [f for d in evaluator.ordered for f in d.record_filters()]
    codes = {code for f in filters for code in f.types}
    fields = sorted({name for f in filters for name in f.fields()})
    types = dict(RecordType.objects.filter(code__in=sorted(codes)).values_list("pk", "code"))
    return ModelSet(
        evaluator=evaluator,
        versions={v.model.code: v for v in versions},
        public=frozenset(v.model.code for v in versions if v.model.publish_grades),
        record_types=types,
        fields=tuple(fields),
    )


def _without_missing(definition: rules.ModelDefinition, present: set[str]) -> rules.ModelDefinition:
    from dataclasses import replace

    dimensions = tuple(
        replace(
            dimension,
            indicators=tuple(
                replace(i, model="") if i.kind == rules.MODEL_SCORE and i.model not in present else i
                for i in dimension.indicators
            ),
        )
        for dimension in definition.dimensions
    )
    return replace(definition, dimensions=dimensions)


# --- Facts --------------------------------------------------------------------------------------------------


def _rows(sql: str, params: list) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _in(column: str, ids: list[int]) -> tuple[str, list]:
    """SQL matching ``column`` against these integer ids, and its parameters. On PostgreSQL one array literal
    (``= ANY``): a thousand ``IN`` parameters cost the client more to format and the server more to parse than
    the lookups themselves."""
    if connection.vendor == "postgresql":
        return f"{column} = ANY(%s::bigint[])", [_array(ids)]
    return f"{column} IN ({', '.join(['%s'] * len(ids))})", list(ids)


def _array(ids: list[int]) -> str:
    """PostgreSQL's text form of an array of integers (the parameter of ``%s::bigint[]``)."""
    return "{" + ",".join(map(str, ids)) + "}"


def _json_text(column: str, key: str) -> tuple[str, str]:
    """SQL reading one key of a JSON column as text, and its parameter."""
    if connection.vendor == "postgresql":
        return f"{column} ->> %s", key
    return f"json_extract({column}, %s)", f'$."{key}"'


def _date(value):
    return datetime.date.fromisoformat(value) if isinstance(value, str) else value


def _moment(value) -> datetime.datetime:
    """A timestamp read by plain SQL: aware on PostgreSQL; naive UTC text or value on SQLite."""
    if isinstance(value, str):
        value = datetime.datetime.fromisoformat(value)
    return value if value.tzinfo is not None else value.replace(tzinfo=datetime.UTC)


def subject_facts(subject_ids: list[int], models: ModelSet, *, lock: bool = False) -> dict[int, rules.SubjectFacts]:
    """The facts of these subjects, in three statements: the subjects (locked ``FOR NO KEY UPDATE`` in primary-key
    order with ``lock``, as the sanctions evaluation locks them: two evaluations of one subject wait for each
    other, a record inserted meanwhile does not), their active records of the types the models read with only
    the data fields their conditions read, and their list memberships in force.

    Plain SQL over the ids: the ORM's preparation of three lists of 2,000 ids cost more than the statements
    themselves (``bench/evaluation.py``)."""
    if not subject_ids:
        return {}
    lock_clause = " FOR NO KEY UPDATE" if lock and connection.vendor == "postgresql" else ""
    match, ids = _in("id", subject_ids)
    subjects = _rows(
        f"SELECT id, kind, registration_status, established_on FROM {CreditSubject._meta.db_table} "
        f"WHERE {match} ORDER BY id{lock_clause}",
        ids,
    )
    records: dict[int, list[rules.RecordFact]] = defaultdict(list)
    if models.record_types:
        picks = [_json_text("data", name) for name in models.fields]
        columns = "".join(f", {sql}" for sql, _ in picks)
        match, ids = _in("subject_id", subject_ids)
        type_match, types = _in("record_type_id", sorted(models.record_types))
        found = _rows(
            f"SELECT subject_id, id, record_type_id, severity, decided_on, disclosure_end{columns} "
            f"FROM {CreditRecord._meta.db_table} WHERE {match} AND status = %s AND {type_match} ORDER BY id",
            [*(param for _, param in picks), *ids, RECORD_ACTIVE, *types],
        )
        type_codes, names = models.record_types, models.fields
        for subject_id, pk, type_id, severity, decided_on, end, *values in found:
            records[subject_id].append(
                rules.RecordFact(
                    pk,
                    type_codes[type_id],
                    severity,
                    _date(decided_on),
                    _date(end),
                    {name: str(value) for name, value in zip(names, values, strict=True) if value is not None},
                )
            )
    memberships: dict[int, list[rules.MembershipFact]] = defaultdict(list)
    match, ids = _in("m.subject_id", subject_ids)
    listed = _rows(
        f"SELECT m.subject_id, m.id, t.code, t.colour FROM {Membership._meta.db_table} m "
        f"JOIN {ListType._meta.db_table} t ON t.id = m.list_type_id "
        f"WHERE {match} AND m.state = %s ORDER BY m.id",
        [*ids, MEMBERSHIP_ACTIVE],
    )
    for subject_id, pk, code, colour in listed:
        memberships[subject_id].append(rules.MembershipFact(pk, code, colour))
    return {
        pk: rules.SubjectFacts(
            pk, kind, status, _date(established_on), tuple(records.get(pk, ())), tuple(memberships.get(pk, ()))
        )
        for pk, kind, status, established_on in subjects
    }


@dataclass(frozen=True, slots=True)
class StoredGrade:
    """What grading compares a new evaluation with: the current result of a subject under a model."""

    grade: str
    score: Decimal | None
    digest: str
    since: datetime.datetime


def stored_grades(subject_ids: list[int], model_ids: list[int]) -> dict[tuple[int, int], StoredGrade]:
    """The current results of these subjects under these models, by (subject id, model id): one statement, the
    latest row of each subject and model from ``evaluation_result_subject_idx``. On PostgreSQL one probe of the
    index per subject and model, reading that row alone: a subject graded after every push has a long history,
    and reading all of it to keep the latest (``DISTINCT ON``) grew with it."""
    if not subject_ids or not model_ids:
        return {}
    table = EvaluationResult._meta.db_table
    if connection.vendor == "postgresql":
        sql = (
            "SELECT s.id, m.id, r.grade, r.score, r.digest, r.grade_since "
            "FROM unnest(%s::bigint[]) AS s(id) CROSS JOIN unnest(%s::bigint[]) AS m(id) "
            f"CROSS JOIN LATERAL (SELECT grade, score, digest, grade_since FROM {table} "
            "WHERE subject_id = s.id AND model_id = m.id ORDER BY id DESC LIMIT 1) AS r"
        )
        rows = _rows(sql, [_array(subject_ids), _array(model_ids)])
    else:
        match, ids = _in("subject_id", subject_ids)
        models_match, models = _in("model_id", model_ids)
        rows = _rows(
            f"SELECT subject_id, model_id, grade, score, digest, grade_since FROM {table} WHERE id IN "
            f"(SELECT max(id) FROM {table} WHERE {match} AND {models_match} GROUP BY subject_id, model_id)",
            [*ids, *models],
        )
    return {
        (subject_id, model_id): StoredGrade(
            grade, None if score is None else Decimal(str(score)), digest, _moment(since)
        )
        for subject_id, model_id, grade, score, digest, since in rows
    }


def latest_results(**filters) -> QuerySet[EvaluationResult]:
    """The current result of each subject and model among those the filters select: the latest row of each.
    A result without a grade (the subject left the model's scope) is current too; callers leave it out."""
    latest = (
        EvaluationResult.objects.filter(**filters)
        .order_by()
        .values("subject_id", "model_id")
        .annotate(latest=Max("id"))
        .values("latest")
    )
    return EvaluationResult.objects.filter(pk__in=latest)


# --- Who sees what ------------------------------------------------------------------------------------------

#: The records that make a subject part of the population of the department that reported them.
REPORTED_STATUSES = (RECORD_ACTIVE, RECORD_REPAIRED)


PREFIX_LENGTH = {DivisionLevel.PROVINCE: 2, DivisionLevel.PREFECTURE: 4}


def division_prefix(division) -> str:
    """The code prefix of a division's area: a province's 2 digits, a prefecture's 4, a county's 6."""
    return division.code[: PREFIX_LENGTH.get(division.level, 6)]


def supervised_subjects_q(department, prefix: str = "subject__") -> Q:
    """A department's supervised population (监管对象), the subjects whose results it receives:

    - every subject it has reported a record about that is in force or repaired ("谁监管、谁公示": a penalty,
      a licence, a commitment it received — the department acted on the subject);
    - and, for a registration authority (``Department.registers``), every subject it registers (the USCC's
      first character; 9 also for organisations known only by legacy codes) in its area (the subject's
      division within the department's: a province's whole province, a city's city, a county's county).

    ``prefix``: the path from the queried model to the subject ("" when querying subjects)."""
    reported = CreditRecord.objects.filter(department=department, status__in=REPORTED_STATUSES).values("subject_id")
    condition = Q(**{f"{prefix.removesuffix('__')}_id__in" if prefix else "pk__in": reported})
    if department.registers:
        registered = Q()
        for code in department.registers:
            registered |= Q(**{f"{prefix}uscc__startswith": code})
        if "9" in department.registers:
            registered |= Q(**{f"{prefix}uscc__isnull": True}) & ~Q(**{f"{prefix}kind": SubjectKind.NATURAL_PERSON})
        area = division_prefix(department.division)
        condition |= registered & Q(**{f"{prefix}division_code__startswith": area})
    return condition


def visible_models(department) -> QuerySet[EvaluationModel]:
    """The models whose results a department receives: the general ones, the professional ones of its sector that
    name no department, and those naming it (a model of one department goes to that department only); every
    model for the credit centre (no department)."""
    models = EvaluationModel.objects.filter(is_active=True)
    if department is None:
        return models
    return models.filter(
        Q(kind="general") | Q(sector=department.sector, department__isnull=True) | Q(department=department)
    )


def result_changes(department) -> QuerySet[EvaluationResult]:
    """The change feed: every new result (a grade, score, explanation or model version that changed), oldest
    first, of the models the caller receives, for its supervised population (everything for the credit centre)."""
    results = EvaluationResult.objects.select_related("subject", "model", "version").filter(
        model__in=visible_models(department)
    )
    if department is not None:
        results = results.filter(supervised_subjects_q(department))
    return results


def population_grades(department, model: EvaluationModel) -> QuerySet[EvaluationResult]:
    """The current results under ``model`` of a department's supervised population (every subject for the credit
    centre), in subject order: the rows of the department's dated file."""
    grades = latest_results(model=model).exclude(grade="").select_related("subject", "version")
    if department is not None:
        grades = grades.filter(supervised_subjects_q(department))
    return grades.order_by("subject_id")


@dataclass(frozen=True)
class GradeShown:
    """A current grade as the public site, the reports and the checks show it."""

    model: str
    model_name: str
    version: int
    grade: str
    label: str
    score: Decimal | None
    evaluated_on: datetime.date
    since: datetime.datetime

    def as_json(self) -> dict:
        return {
            "model": self.model,
            "model_name": self.model_name,
            "version": self.version,
            "grade": self.grade,
            "label": self.label,
            "score": str(self.score) if self.score is not None else None,
            "evaluated_on": self.evaluated_on.isoformat(),
        }


def published_grades(subject_ids: Iterable[int]) -> dict[int, list[GradeShown]]:
    """The current grades of the models whose grades are public, per subject: one query (grades joined with their
    model and version). What the public subject page, the credit report and the checks answer show."""
    subject_ids = list(subject_ids)
    found: dict[int, list[GradeShown]] = defaultdict(list)
    if not subject_ids:
        return found
    grades = (
        latest_results(subject_id__in=subject_ids, model__is_active=True, model__publish_grades=True)
        .exclude(grade="")
        .select_related("model", "version")
        .order_by("model__kind", "model__code")
    )
    for grade in grades:
        found[grade.subject_id].append(
            GradeShown(
                model=grade.model.code,
                model_name=grade.model.name,
                version=grade.version.number,
                grade=grade.grade,
                label=grade.version.definition.get("labels", {}).get(grade.grade, grade.grade),
                score=grade.score,
                evaluated_on=grade.evaluated_on,
                since=grade.grade_since,
            )
        )
    return found


def current_grades(model: EvaluationModel) -> QuerySet[EvaluationResult]:
    """Every subject's current result under ``model`` (the population of each class: the random inspections by
    risk class draw from it), subjects out of the model's scope left out."""
    return latest_results(model=model).exclude(grade="").order_by("subject_id")


def current_result(subject_id: int, model_code: str) -> EvaluationResult | None:
    """A subject's current result under a model (None: never evaluated by it)."""
    return latest_results(subject_id=subject_id, model__code=model_code).select_related("version").first()


# --- Explanations -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExplanationRow:
    dimension: str
    indicator: str
    value: str
    points: str
    record_ids: tuple[int, ...]
    membership_ids: tuple[int, ...]


def explanation_rows(result: EvaluationResult) -> list[ExplanationRow]:
    """Every indicator of the result's model version, with its value, points and the records and list memberships
    behind it (the stored explanation keeps only those that count; the others are zero)."""
    counted = {item["code"]: item for item in result.explanation.get("indicators", [])}
    rows = []
    for dimension in result.version.definition.get("dimensions", []):
        for indicator in dimension.get("indicators", []):
            item = counted.get(indicator["code"], {})
            rows.append(
                ExplanationRow(
                    dimension=dimension["name"],
                    indicator=indicator["name"],
                    value=item.get("value", "0"),
                    points=item.get("points", "0"),
                    record_ids=tuple(item.get("records", ())),
                    membership_ids=tuple(item.get("memberships", ())),
                )
            )
    return rows


def explanation_json(result: EvaluationResult) -> dict:
    """The explanation as departments receive it: every indicator, the dimensions' points, the overrides."""
    definition = result.version.definition
    names = {o["code"]: o["name"] for o in definition.get("overrides", [])}
    return {
        "indicators": [
            {
                "dimension": row.dimension,
                "indicator": row.indicator,
                "value": row.value,
                "points": row.points,
                "records": list(row.record_ids),
                "memberships": list(row.membership_ids),
            }
            for row in explanation_rows(result)
        ],
        "overrides": [
            {**override, "name": names.get(override["code"], override["code"])}
            for override in result.explanation.get("overrides", [])
        ],
        "score_grade": result.explanation.get("score_grade", ""),
    }


@dataclass(frozen=True)
class IndicatorShown:
    """One indicator of a subject's explanation with the records and memberships behind it, as the subject and
    the departments read it."""

    dimension: str
    indicator: str
    value: str
    points: str
    records: tuple[CreditRecord, ...]
    memberships: tuple[Membership, ...]


@dataclass(frozen=True)
class OverrideShown:
    name: str
    grade: str
    records: tuple[CreditRecord, ...]
    memberships: tuple[Membership, ...]


@dataclass(frozen=True)
class SubjectExplanation:
    result: EvaluationResult
    label: str
    indicators: tuple[IndicatorShown, ...]
    overrides: tuple[OverrideShown, ...]


def subject_explanations(subject_id: int) -> list[SubjectExplanation]:
    """Why the subject has each of its current grades, under every active model (published or kept for
    supervision): every indicator with its value, points and the records and memberships behind it, and the
    overriding rules applied (issue 15: no opaque score). At most three queries whatever the number of models."""
    results = list(
        latest_results(subject_id=subject_id, model__is_active=True)
        .exclude(grade="")
        .select_related("model", "version")
        .order_by("model__kind", "model__code")
    )
    rows = {result.pk: explanation_rows(result) for result in results}
    applied = [o for result in results for o in result.explanation.get("overrides", [])]
    record_ids = {pk for result_rows in rows.values() for row in result_rows for pk in row.record_ids}
    record_ids |= {pk for o in applied for pk in o.get("records", ())}
    membership_ids = {pk for result_rows in rows.values() for row in result_rows for pk in row.membership_ids}
    membership_ids |= {pk for o in applied for pk in o.get("memberships", ())}
    records, memberships = {}, {}
    if record_ids:  # the subject's own only, whatever a stored explanation says
        found = CreditRecord.objects.filter(pk__in=record_ids, subject_id=subject_id).select_related("record_type")
        records = {record.pk: record for record in found}
    if membership_ids:
        found = Membership.objects.filter(pk__in=membership_ids, subject_id=subject_id).select_related("list_type")
        memberships = {membership.pk: membership for membership in found}

    def _records(ids) -> tuple[CreditRecord, ...]:
        return tuple(records[pk] for pk in ids if pk in records)

    def _memberships(ids) -> tuple[Membership, ...]:
        return tuple(memberships[pk] for pk in ids if pk in memberships)

    explained = []
    for result in results:
        definition = result.version.definition
        names = {o["code"]: o["name"] for o in definition.get("overrides", [])}
        explained.append(
            SubjectExplanation(
                result=result,
                label=definition.get("labels", {}).get(result.grade, result.grade),
                indicators=tuple(
                    IndicatorShown(
                        dimension=row.dimension,
                        indicator=row.indicator,
                        value=row.value,
                        points=row.points,
                        records=_records(row.record_ids),
                        memberships=_memberships(row.membership_ids),
                    )
                    for row in rows[result.pk]
                ),
                overrides=tuple(
                    OverrideShown(
                        name=names.get(o["code"], o["code"]),
                        grade=o["grade"],
                        records=_records(o.get("records", ())),
                        memberships=_memberships(o.get("memberships", ())),
                    )
                    for o in result.explanation.get("overrides", [])
                ),
            )
        )
    return explained


# --- Runs ---------------------------------------------------------------------------------------------------


def last_full_run() -> EvaluationRun | None:
    """The latest run of every subject that finished (shown in the admin)."""
    return EvaluationRun.objects.filter(state=RunState.DONE).order_by("-finished_at", "-id").first()


def running_full_run() -> EvaluationRun | None:
    return (
        EvaluationRun.objects.filter(state__in=[RunState.QUEUED, RunState.RUNNING], kind=RunKind.SCHEDULED)
        .order_by("-id")
        .first()
    )


def check_grades(subject_ids: list[int]) -> dict[int, list[dict]]:
    """The part of a check's answer (联合奖惩核查) this app gives: each subject's published grades (the models
    whose grades are public; those kept for supervision reach their departments by the feed and the files)."""
    return {pk: [grade.as_json() for grade in grades] for pk, grades in published_grades(subject_ids).items()}
