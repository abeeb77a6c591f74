"""A subject's grade follows from the model as published and from its records.

Random subjects get random records through ingestion (penalties of every severity, food and other licences, some
expired, black, watch and red listings, commitments kept and broken), random ages and registration states; the
platform grades them in a full run. Here every grade is recomputed by a separate, straightforward path — the
version's JSON definition read directly, the records and list memberships read from their tables, no code of
the evaluation app — and compared, with the records behind each indicator. Then a new version of the general
model is published and some records are revoked, and the comparison is made again.
"""

from __future__ import annotations

import copy
import datetime
import random
from decimal import ROUND_HALF_UP, Decimal

import pytest
import time_machine
from django.db import transaction

from evaluation.choices import VersionState
from evaluation.models import ModelVersion
from evaluation.runs import evaluation_run, evaluation_run_request, grades_refresh
from evaluation.selectors import current_result, latest_results
from evaluation.versions import model_version_draft, model_version_edit, model_version_publish
from records.models import CreditRecord
from records.rules import period_end
from records.services import record_revoke
from sanctions.models import Membership
from subjects.models import CreditSubject
from tests.factories import DepartmentFactory
from tests.records.helpers import AUTHORITY_USCC, company_uscc, hmd_item, xzcf_item, xzxk_item, yzsxmd_item

from .helpers import NOW, SYSTEM, TODAY, commitment_item, ingest

pytestmark = pytest.mark.django_db
CENT = Decimal("0.01")
GRADES = "ABCD"
SUBJECTS = 30


# --- The independent path -------------------------------------------------------------------------------------


def selected(records: list[CreditRecord], spec: dict, as_of: datetime.date) -> list[CreditRecord]:
    """The records a JSON record condition names, as the model documentation words it."""
    chosen = []
    for record in records:
        if record.record_type.code not in spec["types"] or record.decided_on > as_of:
            continue
        if spec.get("severities") and record.severity not in spec["severities"]:
            continue
        # "近N个月": the decision's period of N months (counting its day) still holds the date.
        if spec.get("window_months") and period_end(record.decided_on, spec["window_months"]) < as_of:
            continue
        if spec.get("in_force") and record.disclosure_end is not None and record.disclosure_end < as_of:
            continue
        matches = True
        for condition in spec.get("where", []):
            value = str(record.data.get(condition["field"]) or "")
            if condition.get("equals") and not set(condition["equals"]) & set(value.split(";")):
                matches = False
            if condition.get("contains") and not any(part in value for part in condition["contains"]):
                matches = False
        if matches:
            chosen.append(record)
    return chosen


def lists_of(memberships: list[Membership], spec: dict) -> list[Membership]:
    return [
        m
        for m in memberships
        if m.list_type.code in spec.get("lists", []) or m.list_type.colour in spec.get("colours", [])
    ]


def full_years(start: datetime.date | None, day: datetime.date) -> int:
    if start is None or start > day:
        return 0
    return day.year - start.year - ((day.month, day.day) < (start.month, start.day))


def recompute(definition: dict, subject: CreditSubject, as_of: datetime.date, scores: dict) -> dict | None:
    """Score, grade and the record ids behind each indicator, or None when the model does not evaluate the
    subject."""
    records = list(CreditRecord.objects.filter(subject=subject, status="active").select_related("record_type"))
    memberships = list(Membership.objects.filter(subject=subject, state="active").select_related("list_type"))
    scope = definition["scope"]
    if subject.kind not in scope["subject_kinds"]:
        return None
    if scope.get("records") and not selected(records, scope["records"], as_of):
        return None
    total = Decimal(definition["base_score"])
    behind = {}
    for dimension in definition["dimensions"]:
        subtotal = Decimal(0)
        for indicator in dimension["indicators"]:
            kind = indicator["kind"]
            ids: list[int] = []
            if kind == "record_count":
                chosen = selected(records, indicator["records"], as_of)
                value, ids = Decimal(len(chosen)), [r.pk for r in chosen]
            elif kind == "severity_sum":
                chosen = selected(records, indicator["records"], as_of)
                value = Decimal(sum(indicator["severity_weights"].get(r.severity, 0) for r in chosen))
                ids = [r.pk for r in chosen]
            elif kind == "list_member":
                value = Decimal(1 if lists_of(memberships, indicator) else 0)
            elif kind == "subject_age":
                value = Decimal(full_years(subject.established_on, as_of))
            elif kind == "registration_status":
                value = Decimal(1 if subject.registration_status in indicator["statuses"] else 0)
            elif kind == "model_score":
                value = scores.get(indicator["model"], Decimal(0))
            else:
                raise AssertionError(kind)
            points = value * Decimal(indicator["weight"])
            if indicator.get("cap") is not None:
                cap = Decimal(indicator["cap"])
                points = max(-cap, min(cap, points))
            subtotal += points.quantize(CENT, rounding=ROUND_HALF_UP)
            behind[indicator["code"]] = sorted(ids)
        if dimension.get("floor") is not None:
            subtotal = max(Decimal(dimension["floor"]), subtotal)
        if dimension.get("ceiling") is not None:
            subtotal = min(Decimal(dimension["ceiling"]), subtotal)
        total += subtotal
    score = max(Decimal(definition["min_score"]), min(Decimal(definition["max_score"]), total)).quantize(CENT)
    grade = "D"
    for candidate in "CBA":
        if score >= Decimal(definition["grades"][candidate]):
            grade = candidate
    for override in definition.get("overrides", []):
        if override["kind"] == "list_member":
            applies = bool(lists_of(memberships, override))
        elif override["kind"] == "record":
            applies = bool(selected(records, override["records"], as_of))
        else:
            applies = subject.registration_status in override["statuses"]
        if applies and GRADES.index(override["grade"]) > GRADES.index(grade):
            grade = override["grade"]
    return {"score": score, "grade": grade, "behind": behind}


def compare_everyone(as_of: datetime.date) -> int:
    """Recompute every subject under every published model and compare with the stored grades; returns how many
    (subject, model) grades were compared."""
    published = {
        v.model.code: v for v in ModelVersion.objects.filter(state=VersionState.PUBLISHED).select_related("model")
    }
    compared = 0
    for subject in CreditSubject.objects.order_by("pk"):
        scores: dict[str, Decimal] = {}
        for code in ("general", "food_risk"):  # the general model first: the food model reads its score
            version = published[code]
            expected = recompute(version.definition, subject, as_of, scores)
            stored = current_result(subject.pk, code)
            if expected is None:
                assert stored is None or stored.grade == "", (subject.pk, code, stored and stored.grade)
                continue
            scores[code] = expected["score"]
            assert stored is not None, (subject.pk, code)
            assert (stored.version_id, stored.score, stored.grade) == (
                version.pk,
                expected["score"],
                expected["grade"],
            ), (
                subject.pk,
                code,
            )
            counted = {i["code"]: i.get("records", []) for i in stored.explanation["indicators"]}
            for indicator, ids in expected["behind"].items():
                assert counted.get(indicator, []) == ids, (subject.pk, code, indicator)
            compared += 1
    return compared


# --- Random subjects --------------------------------------------------------------------------------------------


def window_edges(months: int) -> list[datetime.date]:
    """The first decision day of an N-month window on TODAY and the day before it, found by walking back."""
    first = TODAY
    while period_end(first - datetime.timedelta(days=1), months) >= TODAY:
        first -= datetime.timedelta(days=1)
    return [first, first - datetime.timedelta(days=1)]


EDGES = [edge for months in (12, 24, 36) for edge in window_edges(months)]


def day(rng: random.Random, back_days: int) -> datetime.date:
    """A random day in the last ``back_days``, often one of the windows' edges (where an off-by-one shows)."""
    edges = [edge for edge in EDGES if (TODAY - edge).days < back_days]
    if edges and rng.random() < 0.25:
        return rng.choice(edges)
    return TODAY - datetime.timedelta(days=rng.randrange(0, back_days))


def jyyc_item(n: int, listed_on: datetime.date) -> dict:
    return {
        "record_type": "jyyc",
        "data": {
            "YC_XDR_MC": f"长春测试{n}商贸有限公司",
            "YC_XDR_SHXYM": company_uscc(n),
            "YC_LRWH": f"长市监异〔2026〕{n}号",
            "YC_LRYY": "未按照规定的期限公示年度报告",
            "YC_LRRQ": listed_on.isoformat(),
            "YC_ZCJG": "长春市市场监督管理局",
        },
    }


def wncn_item(n: int, k: int, found_on: datetime.date) -> dict:
    return {
        "record_type": "wncn",
        "data": {
            "WN_XDR_MC": f"长春测试{n}商贸有限公司",
            "WN_XDR_SHXYM": company_uscc(n),
            "WN_CNBH": f"CN-{n}-{k}",
            "WN_WNQK": "未按承诺期限补齐材料",
            "WN_RDRQ": found_on.isoformat(),
            "WN_RDJG": "吉林省市场监督管理厅",
        },
    }


PENALTY_KINDS = ["警告", "罚款", "罚款;没收违法所得", "暂扣许可证件", "吊销许可证件"]
VIOLATIONS = ["销售不符合食品安全标准的食品", "价格欺诈", "虚假宣传", "食品经营者未按规定建立进货查验记录"]


def random_items(rng: random.Random, n: int) -> list[dict]:
    name = {"CF_XDR_MC": f"长春测试{n}商贸有限公司", "CF_XDR_SHXYM": company_uscc(n)}
    items = []
    for k in range(rng.choice([0, 0, 1, 2, 3, 5])):
        decided = day(rng, 4 * 365)
        items.append(
            xzcf_item(
                n * 100 + k,
                decided_on=decided,
                CF_CFLB=rng.choice(PENALTY_KINDS),
                CF_WFXW=rng.choice(VIOLATIONS),
                **name,
            )
        )
    for k in range(rng.choice([0, 1, 1, 2])):
        decided = day(rng, 6 * 365)
        until = decided + datetime.timedelta(days=rng.choice([365, 3 * 365, 5 * 365]))
        items.append(
            xzxk_item(
                n * 100 + 50 + k,
                XK_XDR_MC=name["CF_XDR_MC"],
                XK_XDR_SHXYM=name["CF_XDR_SHXYM"],
                XK_XKZS=rng.choice(["食品经营许可证", "食品生产许可证", "排污许可证"]),
                XK_JDRQ=decided.isoformat(),
                XK_YXQZ=decided.isoformat(),
                XK_YXQZI=until.isoformat(),
            )
        )
    roll = rng.random()
    if roll < 0.12:
        items.append(yzsxmd_item(n, decided_on=day(rng, 700).isoformat()))
    elif roll < 0.24:
        items.append(jyyc_item(n, day(rng, 700)))
    elif roll < 0.45:
        decided = day(rng, 300)
        until = (decided + datetime.timedelta(days=365)).isoformat()
        items.append(
            hmd_item(
                n,
                list_code=rng.choice(["hmd_nsa", "hmd_ry", "hmd_shtzxy"]),
                decided_on=decided.isoformat(),
                until=until,
            )
        )
    for _ in range(rng.choice([0, 0, 1, 2])):
        matter = rng.choice(["食品经营许可", "排污许可"])
        kept = rng.choice(["已履约", "履约中", "违诺"])
        items.append(commitment_item(n, matter=matter, kept=kept, signed_on=day(rng, 4 * 365).isoformat()))
    if rng.random() < 0.15:
        items.append(wncn_item(n, 1, day(rng, 4 * 365)))
    if not items:  # every subject exists through a record
        items.append(
            xzxk_item(
                n * 100 + 99, XK_XDR_MC=name["CF_XDR_MC"], XK_XDR_SHXYM=name["CF_XDR_SHXYM"], XK_XKZS="排污许可证"
            )
        )
    return items


@pytest.fixture
def population(evaluation_models):
    rng = random.Random(15)
    market = DepartmentFactory(
        code="jl-scjg", name="吉林省市场监督管理厅", sector="market_regulation", uscc=AUTHORITY_USCC
    )
    with time_machine.travel(NOW, tick=False):
        for n in range(1, SUBJECTS + 1):
            ingest(market, *random_items(rng, n))
        for subject in CreditSubject.objects.order_by("pk"):
            founded = TODAY - datetime.timedelta(days=rng.randrange(0, 12 * 365)) if rng.random() < 0.9 else None
            status = rng.choices(["active", "revoked", "cancelled"], weights=[90, 5, 5])[0]
            CreditSubject.objects.filter(pk=subject.pk).update(established_on=founded, registration_status=status)
    return rng


def run_everyone() -> None:
    with transaction.atomic():
        run = evaluation_run_request(actor=SYSTEM, kind="manual", background=False)
    assert evaluation_run(run.pk, chunk_size=7).state == "done"


@time_machine.travel(NOW, tick=False)
def test_grades_follow_from_the_published_model_and_the_records(population, evaluation_models):
    run_everyone()
    compared = compare_everyone(TODAY)
    assert compared >= SUBJECTS
    grades = set(latest_results().values_list("grade", flat=True))
    assert {"C", "D"} <= grades  # the data reaches several grades, overrides included
    assert latest_results(model__code="food_risk").exclude(grade="").exists()

    # A new version of the general model: other weights, thresholds and one more override. Everyone is re-graded.
    general = evaluation_models["general"]
    with transaction.atomic():
        draft = model_version_draft(model=general, actor=SYSTEM)
        definition = copy.deepcopy(draft.definition)
        definition["base_score"] = "75"
        definition["grades"] = {"A": "88", "B": "78", "C": "66"}
        definition["dimensions"][3]["indicators"][0]["severity_weights"] = {
            "minor": 2,
            "general": 4,
            "serious": 8,
            "severe": 12,
        }
        definition["overrides"].append(
            {"code": "watch", "name": "重点关注", "kind": "list_member", "colours": ["watch"], "grade": "C"}
        )
        model_version_edit(version=draft, definition=definition, note="调整", actor=SYSTEM)
        run = model_version_publish(version=draft, actor=SYSTEM, background=False)
    evaluation_run(run.pk, chunk_size=7)
    assert compare_everyone(TODAY) == compared
    assert not latest_results(model=general).exclude(version=draft).exists()

    # Records revoked: the subjects concerned are graded again when the change is reported.
    revoked = list(CreditRecord.objects.filter(record_type__code="xzcf", severity__in=["serious", "severe"])[:5])
    for record in revoked:
        with transaction.atomic():
            record_revoke(record=record, actor=SYSTEM, reason="复议撤销")
    from sanctions.services import subjects_evaluate

    subject_ids = sorted({r.subject_id for r in revoked})
    with transaction.atomic():
        subjects_evaluate(subject_ids=subject_ids, actor=SYSTEM, as_of=TODAY)
    grades_refresh(subject_ids, actor=SYSTEM)
    assert compare_everyone(TODAY) == compared


@pytest.mark.parametrize("later", [datetime.timedelta(days=200), datetime.timedelta(days=800)])
def test_time_alone_moves_windows_and_ages(population, later):
    with time_machine.travel(NOW, tick=False):
        run_everyone()
    with time_machine.travel(NOW + later, tick=False):
        run_everyone()
        compare_everyone(TODAY + later)
