"""One publication policy (records.rules.decide), stored on each record with its sources, and followed by stored
records when the credit centre changes it in the admin (records.redecisions): the public page, the report, open
data and the watch list move with it."""

import datetime
import importlib
import json

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from audit.models import AuditEvent
from audit.services import Actor
from disclosure import opendata
from disclosure.models import OpenDataScope
from disclosure.selectors import public_records, public_report_body
from organisations.services import staff_create
from records import rules
from records.choices import RedecideState, SeveritySource
from records.models import (
    CreditRecord,
    DisclosureRegime,
    RecordType,
    RecordVersion,
    Redecision,
    RegimePeriod,
    SeverityRule,
)
from records.services import RecordInput, record_correct, records_ingest
from sanctions.models import ListSource, ListType, Membership, MembershipState
from tests.records.helpers import form_data, xzcf_item

pytestmark = pytest.mark.django_db

JUNE = datetime.date(2026, 6, 1)
ORDER_36 = rules.RegimeSpec(
    code="ndrc-2025-36",
    effective_from=datetime.date(2026, 4, 1),
    effective_to=None,
    periods={
        "minor": rules.PeriodSpec("minor", False, 0, 3),
        "general": rules.PeriodSpec("general", True, 3, 12),
        "severe": rules.PeriodSpec("severe", True, 12, 36),
    },
    basis="国家发展改革委令2025年第36号《信用修复管理办法》",
)
PENALTY = rules.TypePolicy(name="行政处罚", negative=True, disclosure_rule="severity_regime")
SEVERITY_RULES = (
    rules.SeverityRuleSpec("CF_CFLB", "罚款", "general"),
    rules.SeverityRuleSpec("CF_CFLB", "吊销许可证件", "severe", note="吊销许可证件属严重失信"),
)


def decide(data, *, policy=PENALTY, given="", decided_on=JUNE, end_date=None):
    return rules.decide(
        policy,
        data=data,
        decided_on=decided_on,
        end_date=end_date,
        given_severity=given,
        severity_rules=SEVERITY_RULES,
        regimes=(ORDER_36,),
    )


@pytest.mark.parametrize(
    ("data", "given", "policy", "severity", "source", "basis"),
    [
        ({"CF_CFLB": "罚款"}, "severe", PENALTY, "severe", SeveritySource.DEPARTMENT, "报送部门认定"),
        ({"CF_CFLB": "罚款;吊销许可证件"}, "", PENALTY, "severe", SeveritySource.RULE, "吊销许可证件属严重失信"),
        ({"CF_CFLB": "罚款"}, "", PENALTY, "general", SeveritySource.RULE, "CF_CFLB含“罚款”"),
        (
            {"CF_CFLB": "其他"},
            "",
            rules.TypePolicy(name="x", negative=True, disclosure_rule="severity_regime", default_severity="severe"),
            "severe",
            SeveritySource.TYPE_DEFAULT,
            "默认",
        ),
        ({"CF_CFLB": "其他"}, "", PENALTY, "general", SeveritySource.FALLBACK, "按一般失信"),
        (
            {"CF_CFLB": "罚款"},
            "",
            rules.TypePolicy(name="行政许可", negative=False, disclosure_rule="fixed_period", disclosure_months=36),
            "",
            "",
            "",
        ),
    ],
)
def test_the_decision_says_where_the_severity_came_from(data, given, policy, severity, source, basis):
    decision = decide(data, given=given, policy=policy)
    assert (decision.severity, decision.severity_source) == (severity, source)
    assert basis in decision.severity_basis


@pytest.mark.parametrize(
    ("data", "decided_on", "publishable", "end", "repair", "basis"),
    [
        ({"CF_CFLB": "罚款"}, JUNE, True, "2027-05-31", "2026-09-01", "2025年第36号"),
        ({"CF_CFLB": "吊销许可证件"}, JUNE, True, "2029-05-31", "2027-06-01", "最短12个月"),
        ({"CF_CFLB": "罚款"}, datetime.date(2026, 3, 31), False, None, None, "未规定一般失信"),  # no regime covers it
        ({"CF_CFLB": "警告"}, JUNE, False, None, None, "仅给予警告"),
        ({"CF_CFLB": "罚款", "CF_SFJYCX": "是"}, JUNE, False, None, None, "第五十一条"),
    ],
)
def test_the_decision_cites_the_rule_of_its_window(data, decided_on, publishable, end, repair, basis):
    window = decide(data, decided_on=decided_on).window
    assert window.publishable is publishable
    assert (window.end and window.end.isoformat()) == end
    assert (window.repair_eligible_on and window.repair_eligible_on.isoformat()) == repair
    assert basis in window.basis


def test_fixed_and_listing_windows_cite_the_catalog_and_the_document():
    licence = rules.TypePolicy(name="行政许可", negative=False, disclosure_rule="fixed_period", disclosure_months=36)
    assert decide({}, policy=licence).window.basis == "信息目录：行政许可自决定之日起公示36个月"
    listing = rules.TypePolicy(name="失信被执行人", negative=True, disclosure_rule="listing_period")
    window = decide({}, policy=listing, end_date=datetime.date(2027, 1, 1)).window
    assert window.end == datetime.date(2027, 1, 1)
    assert window.basis == "自认定之日起公示至认定文书载明的截止日期（2027-01-01）"
    assert decide({}, policy=listing).window.basis == "自认定之日起公示至依规移出"


@pytest.mark.parametrize(
    ("started", "months", "repairable", "expected"),
    [
        (datetime.date(2026, 1, 31), 1, True, datetime.date(2026, 3, 1)),  # the period ends on 02-28 (民法典 202)
        (datetime.date(2026, 6, 1), 12, True, datetime.date(2027, 6, 1)),
        (datetime.date(2026, 6, 1), None, True, None),
        (datetime.date(2026, 6, 1), 12, False, None),
    ],
)
def test_a_listing_may_be_repaired_from_the_day_after_its_shortest_period(started, months, repairable, expected):
    assert rules.list_repair_date(started, months, repairable) == expected


# Stored decisions ------------------------------------------------------------------------------------------


def _ingest(department, n=1, severity="", **data):
    [result] = records_ingest(
        department=department,
        items=[RecordInput(**xzcf_item(n, decided_on=JUNE, **data), severity=severity)],
        channel="api",
        actor=Actor.system(),
    )
    return result


def test_ingestion_stores_the_decision_with_its_sources(department):
    record = CreditRecord.objects.get(pk=_ingest(department, CF_CFLB="罚款;吊销许可证件").record_id)
    assert (record.severity, record.severity_source) == ("severe", SeveritySource.RULE)
    assert "吊销许可证件" in record.severity_basis
    assert record.regime == "ndrc-2025-36"
    assert record.publication_basis.startswith("国家发展改革委令2025年第36号《信用修复管理办法》：严重失信行为")


def test_a_severity_rule_with_the_longest_basis_is_stored_in_full(department):
    """The basis of a derived severity cites the rule with its note (up to 200 characters, typed in the admin):
    the column holds the longest such citation, where a 150-character note failed every push on PostgreSQL."""
    record_type = RecordType.objects.get(code="xzcf")
    SeverityRule.objects.filter(record_type=record_type, value="罚款").update(
        field_code="CF_NR", value="罚" * 64, note="依" * 200
    )
    result = _ingest(department, CF_NR="罚" * 64)
    assert result.status == "created", result.errors
    record = CreditRecord.objects.get(pk=result.record_id)
    assert record.severity_basis.endswith("依" * 200 + "）")
    assert len(record.severity_basis) <= CreditRecord._meta.get_field("severity_basis").max_length


@pytest.mark.parametrize("given", ["", "serious"])
def test_a_correction_and_a_push_of_the_same_facts_agree(department, given):
    """The department's own grading survives a correction; a derived one follows the corrected data; either
    way, the corrected record's hash is the one a push of the same facts makes (the push is "unchanged")."""
    record = CreditRecord.objects.get(pk=_ingest(department, severity=given).record_id)
    corrected = record_correct(
        record=record, data={"CF_CFLB": "吊销许可证件"}, actor=Actor.system(), reason="更正处罚类别"
    )
    assert corrected.severity == (given or "severe")
    assert corrected.severity_source == (SeveritySource.DEPARTMENT if given else SeveritySource.RULE)
    assert _ingest(department, severity=given, CF_CFLB="吊销许可证件").status == "unchanged"


def test_a_record_stored_before_the_source_was_kept_keeps_a_grading_the_rules_do_not_give(department):
    own = CreditRecord.objects.get(pk=_ingest(department, 1, severity="serious").record_id)
    derived = CreditRecord.objects.get(pk=_ingest(department, 2).record_id)
    CreditRecord.objects.filter(pk__in=[own.pk, derived.pk]).update(severity_source="", publication_basis="")

    call_command("records_redecide", "--type", "xzcf")

    own.refresh_from_db()
    derived.refresh_from_db()
    assert (own.severity, own.severity_source) == ("serious", SeveritySource.DEPARTMENT)
    assert (derived.severity, derived.severity_source) == ("general", SeveritySource.RULE)
    assert derived.publication_basis
    assert own.publication_basis


def test_the_command_refuses_an_unknown_type_and_changes_nothing():
    with pytest.raises(CommandError, match="未知的记录类型：nope"):
        call_command("records_redecide", "--type", "nope")
    assert not Redecision.objects.exists()


@pytest.mark.parametrize(
    ("reason", "message"),
    [("", "请填写重算原因"), ("   ", "请填写重算原因"), ("调" * 301, "重算原因最多300个字")],
    ids=["empty", "blank", "too-long"],
)
def test_the_command_refuses_a_reason_it_cannot_record_and_changes_nothing(department, reason, message):
    """The reason goes into the recomputation, each changed record's version and the audit trail."""
    _ingest(department)
    with pytest.raises(CommandError, match=message):
        call_command("records_redecide", "--all", "--reason", reason)
    assert not Redecision.objects.exists()
    assert not RecordVersion.objects.filter(change="redecide").exists()


def test_the_command_applies_a_policy_edited_outside_the_admin(department):
    record = CreditRecord.objects.get(pk=_ingest(department).record_id)
    RegimePeriod.objects.filter(regime__code="ndrc-2025-36", severity="general").update(max_months=6)
    assert CreditRecord.objects.get(pk=record.pk).disclosure_end == datetime.date(2027, 5, 31)  # not yet

    call_command("records_redecide", "--all", "--reason", "数据迁移调整一般失信公示期")

    record.refresh_from_db()
    assert record.disclosure_end == datetime.date(2026, 11, 30)
    assert record.version == 2
    version = RecordVersion.objects.get(record=record, version=2)
    assert (version.change, version.reason) == ("redecide", "公示规则变更：数据迁移调整一般失信公示期")
    redecision = Redecision.objects.get()
    assert (redecision.state, redecision.processed, redecision.changed) == (RedecideState.DONE, 1, 1)
    call_command("records_redecide", "--all")  # nothing left to change
    record.refresh_from_db()
    assert record.version == 2


# Changed in the admin: everything that shows the record follows ---------------------------------------------


@pytest.fixture
def centre(client):
    with transaction.atomic():
        staff_create(username="centre", password="Centre-Pass-2026", role="credit_admin", actor=Actor.system())
    client.login(username="centre", password="Centre-Pass-2026")
    return client


@pytest.fixture
def pushed(api, django_capture_on_commit_callbacks):
    """A 较重 penalty (暂扣许可证件) of 2026-06-01, pushed by the API with what its commit triggers."""
    item = xzcf_item(7, decided_on=JUNE, CF_CFLB="暂扣许可证件")
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post("/api/v1/records/", data=json.dumps([item]), content_type="application/json")
    return CreditRecord.objects.get(pk=response.json()["results"][0]["record_id"])


def _watch(record):
    return Membership.objects.filter(subject=record.subject, list_type__code="zdgz_cf").order_by("pk").last()


def _set_period(centre, capture, *, severity, max_months):
    regime = DisclosureRegime.objects.get(code="ndrc-2025-36")
    url = f"/admin/records/disclosureregime/{regime.pk}/change/"
    data = form_data(centre.get(url))
    prefix = next(key.removesuffix("-TOTAL_FORMS") for key in data if key.endswith("-TOTAL_FORMS"))
    period = regime.periods.get(severity=severity)
    index = next(i for i in range(int(data[f"{prefix}-TOTAL_FORMS"])) if data[f"{prefix}-{i}-id"] == str(period.pk))
    data[f"{prefix}-{index}-max_months"] = str(max_months)
    with capture(execute=True):
        response = centre.post(url, data)
    assert response.status_code == 302, response.context and response.context["errors"]


def _public_everywhere(client, record) -> dict:
    """Whether the record is on the subject's page, in its report and in June's open-data file."""
    page = client.get(f"/subjects/{record.subject.uscc}/?tab=xzcf").content.decode()
    report = public_report_body(record.subject)
    with transaction.atomic():
        row = opendata.opendata_generate(
            kind="xzcf", period_start=JUNE, period_end=datetime.date(2026, 6, 30), scope=OpenDataScope.FULL
        )
    csv_text = (opendata.opendata_root() / row.path).read_text(encoding="utf-8-sig")
    return {
        "page": record.source_id in page,
        "report": any(r.pk == record.pk for section in report.sections for r in section.records),
        "open_data": record.source_id in csv_text,
        "query": public_records().filter(pk=record.pk).exists(),
    }


def test_a_period_changed_in_the_admin_moves_the_window_the_watch_list_and_every_public_view(
    pushed, centre, django_capture_on_commit_callbacks, settings, tmp_path
):
    settings.OPENDATA_ROOT = str(tmp_path)
    record = pushed
    assert record.disclosure_end == datetime.date(2027, 5, 31)
    assert _watch(record).planned_end == datetime.date(2027, 5, 31)
    assert set(_public_everywhere(centre, record).values()) == {True}

    _set_period(centre, django_capture_on_commit_callbacks, severity="serious", max_months=24)

    record.refresh_from_db()
    assert record.disclosure_end == datetime.date(2028, 5, 31)
    assert "最长24个月" in record.publication_basis
    membership = _watch(record)
    assert (membership.state, membership.planned_end) == (MembershipState.ACTIVE, datetime.date(2028, 5, 31))
    redecision = Redecision.objects.get()
    assert (redecision.state, redecision.changed, redecision.requested_by) == (RedecideState.DONE, 1, "centre")
    assert AuditEvent.objects.filter(action="records.redecide_request", actor_label="centre").exists()
    assert AuditEvent.objects.filter(action="records.redecide", after__record_ids=[record.pk]).exists()

    # Shortened below today (2026-11-30 or later): the publication is over and the watch listing with it.
    _set_period(centre, django_capture_on_commit_callbacks, severity="serious", max_months=4)

    record.refresh_from_db()
    assert record.disclosure_end == datetime.date(2026, 9, 30)
    assert _watch(record).state == MembershipState.ENDED
    assert set(_public_everywhere(centre, record).values()) == {False}


def test_an_unchanged_save_in_the_admin_recomputes_nothing(pushed, centre, django_capture_on_commit_callbacks):
    regime = DisclosureRegime.objects.get(code="ndrc-2025-36")
    url = f"/admin/records/disclosureregime/{regime.pk}/change/"
    with django_capture_on_commit_callbacks(execute=True):
        centre.post(url, form_data(centre.get(url)))
    assert not Redecision.objects.exists()


def test_a_list_rule_changed_in_the_admin_re_evaluates_its_subjects(pushed, centre, django_capture_on_commit_callbacks):
    """Narrowing 重点关注 (penalties) to 严重 only changes no record's decision, but ends the 较重 listing."""
    assert _watch(pushed).state == MembershipState.ACTIVE
    list_type = ListType.objects.get(code="zdgz_cf")
    url = f"/admin/sanctions/listtype/{list_type.pk}/change/"
    data = form_data(centre.get(url))
    source = ListSource.objects.get(list_type=list_type, record_type__code="xzcf")
    key = next(k for k, v in data.items() if k.endswith("-id") and v == str(source.pk)).removesuffix("-id")
    data[f"{key}-severities"] = json.dumps(["severe"])
    with django_capture_on_commit_callbacks(execute=True):
        response = centre.post(url, data)
    assert response.status_code == 302, response.context and response.context["errors"]

    redecision = Redecision.objects.get()
    assert (redecision.record_types, redecision.reevaluate_all, redecision.changed) == (["xzcf"], True, 0)
    assert _watch(pushed).state == MembershipState.ENDED


def test_the_progress_is_shown_to_the_credit_centre(pushed, centre):
    with transaction.atomic():
        from records.redecisions import redecision_request

        redecision_request(record_types=["xzcf"], reason="测试", actor=Actor.system(), background=False)
    page = centre.get("/admin/records/redecision/").content.decode()
    assert "测试" in page
    assert "排队中" in page
    assert centre.get(f"/admin/records/redecision/{Redecision.objects.get().pk}/change/").status_code == 200


def test_the_upgrade_queues_a_recomputation_for_the_records_already_stored(
    department, django_capture_on_commit_callbacks
):
    """Migration 0015 adds the decision's sources; the records stored before it get them from a recomputation
    it queues through the outbox (none on a fresh database)."""
    from django.apps import apps as global_apps

    from outbox.models import OutboxItem
    from outbox.services import outbox_deliver

    migration = importlib.import_module("records.migrations.0015_publication_decision")
    migration.queue_backfill(global_apps, None)
    assert not Redecision.objects.exists()

    record = CreditRecord.objects.get(pk=_ingest(department).record_id)
    CreditRecord.objects.filter(pk=record.pk).update(severity_source="", severity_basis="", publication_basis="")
    migration.queue_backfill(global_apps, None)
    item = OutboxItem.objects.get(topic="records.redecide")
    assert item.payload == {"redecision_id": Redecision.objects.get().pk}

    with django_capture_on_commit_callbacks(execute=True):
        assert outbox_deliver(item.pk)
    record.refresh_from_db()
    assert record.severity_source == SeveritySource.RULE
    assert record.publication_basis.startswith("国家发展改革委令2025年第36号")
    assert Redecision.objects.get().state == RedecideState.DONE


# Bad input in the admin: refused with a message, nothing stored, nothing recomputed -------------------------


def _post_regime(centre, capture, code, **changes):
    regime = DisclosureRegime.objects.get(code=code)
    url = f"/admin/records/disclosureregime/{regime.pk}/change/"
    data = form_data(centre.get(url))
    prefix = next(key.removesuffix("-TOTAL_FORMS") for key in data if key.endswith("-TOTAL_FORMS"))
    for name, value in changes.items():
        if "__" in name:  # a period: <severity>__<field>
            severity, field = name.split("__")
            period = regime.periods.get(severity=severity)
            index = next(
                i for i in range(int(data[f"{prefix}-TOTAL_FORMS"])) if data[f"{prefix}-{i}-id"] == str(period.pk)
            )
            data[f"{prefix}-{index}-{field}"] = value
        else:
            data[name] = value
    with capture(execute=True):
        return centre.post(url, data)


@pytest.mark.parametrize(
    ("code", "changes", "message"),
    [
        pytest.param(
            "ndrc-2025-36", {"effective_to": "2026-01-01"}, "废止日期不能早于施行日期", id="ends-before-it-starts"
        ),
        pytest.param(
            "ndrc-2025-36",
            {"effective_from": "2026-05-01"},
            "2026-04-01至2026-04-30作出的处罚决定没有适用的公示期规则",
            id="leaves-april-uncovered",
        ),
        pytest.param(
            "ndrc-2023-58",
            {"effective_to": "2026-02-28"},
            "2026-03-01至2026-03-31作出的处罚决定没有适用的公示期规则",
            id="ends-a-month-early",
        ),
        pytest.param(
            "ndrc-2025-36",
            {"general__min_months": "0", "general__max_months": "0"},
            "公示的失信程度最长公示期至少为1个月",
            id="published-for-no-month",
        ),
    ],
)
def test_a_regime_that_would_leave_penalties_unpublished_is_refused(
    pushed, centre, django_capture_on_commit_callbacks, code, changes, message
):
    before = {(r.code, r.effective_from, r.effective_to) for r in DisclosureRegime.objects.all()}
    periods = set(RegimePeriod.objects.values_list("pk", "min_months", "max_months"))
    response = _post_regime(centre, django_capture_on_commit_callbacks, code, **changes)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert {(r.code, r.effective_from, r.effective_to) for r in DisclosureRegime.objects.all()} == before
    assert set(RegimePeriod.objects.values_list("pk", "min_months", "max_months")) == periods
    assert not Redecision.objects.exists()


def test_moving_the_order_36_switch_moves_the_penalties_decided_in_between(
    department, centre, django_capture_on_commit_callbacks
):
    """Order 36 brought forward to 2026-03-01 (the regimes overlap in March: the later one governs): a severe
    penalty of 2026-03-15 moves from Order 58 to Order 36, one of 2026-02-28 stays, each with its basis."""
    moved, kept = (
        CreditRecord.objects.get(
            pk=records_ingest(
                department=department,
                items=[RecordInput(**xzcf_item(n, decided_on=day, CF_CFLB="吊销许可证件"))],
                channel="api",
                actor=Actor.system(),
            )[0].record_id
        )
        for n, day in ((1, datetime.date(2026, 3, 15)), (2, datetime.date(2026, 2, 28)))
    )
    assert moved.regime == kept.regime == "ndrc-2023-58"

    response = _post_regime(centre, django_capture_on_commit_callbacks, "ndrc-2025-36", effective_from="2026-03-01")
    assert response.status_code == 302

    moved.refresh_from_db()
    kept.refresh_from_db()
    assert moved.regime == "ndrc-2025-36"
    assert moved.publication_basis.startswith("国家发展改革委令2025年第36号")
    assert (moved.version, moved.versions.get(version=2).change) == (2, "redecide")
    assert (kept.regime, kept.version) == ("ndrc-2023-58", 1)


def test_a_recomputation_stopped_between_chunks_resumes_without_applying_twice(department):
    """A worker lost after a committed chunk (the database away: the task retries) goes on from ``last_id``:
    every record gets its one new version, none two."""
    from django.db import OperationalError

    from records.redecisions import redecision_request, redecision_run

    ids = [_ingest(department, n).record_id for n in (1, 2, 3)]
    RegimePeriod.objects.filter(regime__code="ndrc-2025-36", severity="general").update(max_months=6)
    with transaction.atomic():
        redecision = redecision_request(record_types=["xzcf"], reason="调整", actor=Actor.system(), background=False)

    def stop(progress):
        raise OperationalError("server closed the connection unexpectedly")

    with pytest.raises(OperationalError):
        redecision_run(redecision.pk, chunk_size=1, on_chunk=stop)
    redecision.refresh_from_db()
    assert (redecision.state, redecision.processed, redecision.last_id) == (RedecideState.RUNNING, 1, ids[0])

    done = redecision_run(redecision.pk, chunk_size=1)
    assert (done.state, done.processed, done.changed) == (RedecideState.DONE, 3, 3)
    for pk in ids:
        assert list(
            RecordVersion.objects.filter(record_id=pk).order_by("version").values_list("version", "change")
        ) == [
            (1, "create"),
            (2, "redecide"),
        ]
    assert redecision_run(redecision.pk).changed == 3  # a late second delivery finds it done


@pytest.mark.parametrize("role", ["auditor", "dept_admin", "reviewer"])
def test_only_the_credit_centre_changes_the_policy(pushed, centre, django_capture_on_commit_callbacks, role):
    """The auditor and department staff post the same changes as the credit centre: refused, nothing changed."""
    from sanctions.models import ListType
    from tests.conftest import StaffClient

    pages = [
        f"/admin/records/disclosureregime/{DisclosureRegime.objects.get(code='ndrc-2025-36').pk}/change/",
        f"/admin/records/recordtype/{RecordType.objects.get(code='xzcf').pk}/change/",
        f"/admin/sanctions/listtype/{ListType.objects.get(code='zdgz_cf').pk}/change/",
    ]
    bodies = [form_data(centre.get(url)) for url in pages]
    bodies[0]["effective_from"] = "2026-03-01"
    bodies[1]["default_severity"] = "severe"
    bodies[2]["duration_months"] = "6"
    with transaction.atomic():
        staff_create(
            username=role,
            password="Other-Pass-2026",
            role=role,
            department_code="" if role == "auditor" else pushed.department.code,
            actor=Actor.system(),
        )
    other = StaffClient()
    other.login(username=role, password="Other-Pass-2026")
    for url, body in zip(pages, bodies, strict=True):
        with django_capture_on_commit_callbacks(execute=True):
            response = other.post(url, body)
        assert response.status_code in (302, 403), url
        if response.status_code == 302:
            assert "/login/" in response["Location"], url
    assert DisclosureRegime.objects.get(code="ndrc-2025-36").effective_from == datetime.date(2026, 4, 1)
    assert RecordType.objects.get(code="xzcf").default_severity == ""
    assert ListType.objects.get(code="zdgz_cf").duration_months is None
    assert not Redecision.objects.exists()


@pytest.mark.parametrize(
    ("code", "changes", "message"),
    [
        pytest.param("yzsxmd", {"end_date_field": "YZ_RDYY"}, "截止日期字段须为该类型的日期字段", id="end-not-a-date"),
        pytest.param("yzsxmd", {"end_date_field": "YZ_NONE"}, "截止日期字段须为该类型的日期字段", id="end-unknown"),
        pytest.param("xzcf", {"decided_on_field": "CF_NR"}, "决定日期字段须为该类型的必填日期字段", id="decided-text"),
        pytest.param("xzcf", {"uscc_field": "CF_XYZ"}, "统一社会信用代码字段“CF_XYZ”不是该类型的字段", id="uscc"),
        pytest.param("xzcf", {"record_id_fields": '["CF_WSH", "CF_X"]'}, "记录标识字段“CF_X”不是该类型的字段", id="id"),
    ],
)
def test_a_field_mapping_that_names_no_field_of_its_kind_is_refused(
    department, centre, django_capture_on_commit_callbacks, code, changes, message
):
    """A decision date or an end date that is not a date of the type failed every push of the type (and the
    recomputation the change asked for); a mapping to no field silently left the value out."""
    record_type = RecordType.objects.get(code=code)
    url = f"/admin/records/recordtype/{record_type.pk}/change/"
    data = form_data(centre.get(url)) | changes
    with django_capture_on_commit_callbacks(execute=True):
        response = centre.post(url, data)
    assert response.status_code == 200
    assert message in response.content.decode()
    after = RecordType.objects.get(code=code)
    assert all(getattr(after, name) == getattr(record_type, name) for name in changes)
    assert not Redecision.objects.exists()


def test_a_recomputation_that_stopped_moving_is_queued_again_by_the_watchdog(
    department, django_capture_on_commit_callbacks
):
    """Its task lost (a worker killed, retries spent in a long outage): the watchdog queues it again and it ends;
    a run still moving and a failed one are left alone."""
    import time_machine

    from records.redecisions import redecision_request, redecisions_watch

    record = CreditRecord.objects.get(pk=_ingest(department).record_id)
    RegimePeriod.objects.filter(regime__code="ndrc-2025-36", severity="general").update(max_months=6)
    with transaction.atomic():
        lost = redecision_request(record_types=["xzcf"], reason="任务丢失", actor=Actor.system(), background=False)
        failed = redecision_request(record_types=["xzcf"], reason="已失败", actor=Actor.system(), background=False)
    Redecision.objects.filter(pk=failed.pk).update(state=RedecideState.FAILED)
    assert redecisions_watch(actor=Actor.system()) == 0  # just created: not stalled yet

    later = datetime.datetime.now(datetime.UTC) + datetime.timedelta(minutes=16)
    with time_machine.travel(later), django_capture_on_commit_callbacks(execute=True):
        assert redecisions_watch(actor=Actor.system()) == 1
    lost.refresh_from_db()
    assert (lost.state, lost.changed) == (RedecideState.DONE, 1)
    assert Redecision.objects.get(pk=failed.pk).state == RedecideState.FAILED
    assert CreditRecord.objects.get(pk=record.pk).disclosure_end == datetime.date(2026, 11, 30)
    assert AuditEvent.objects.filter(action="records.redecide_redrive", object_id=str(lost.pk)).exists()


def test_a_failed_recomputation_is_resumed_by_the_command_once_its_cause_is_fixed(department, monkeypatch):
    from records import redecisions

    ids = [_ingest(department, n).record_id for n in (1, 2)]
    RegimePeriod.objects.filter(regime__code="ndrc-2025-36", severity="general").update(max_months=6)
    real = redecisions.records_redecide

    def broken(records, **kwargs):
        if records[0].pk == ids[1]:
            raise ValueError("a bad record")
        return real(records, **kwargs)

    monkeypatch.setattr(redecisions, "records_redecide", broken)
    monkeypatch.setattr(redecisions, "CHUNK_SIZE", 1)
    with pytest.raises(CommandError, match="重算未完成：失败"):
        call_command("records_redecide", "--type", "xzcf")
    failed = Redecision.objects.get()
    assert (failed.state, failed.processed) == (RedecideState.FAILED, 1)

    monkeypatch.setattr(redecisions, "records_redecide", real)
    call_command("records_redecide", "--resume", str(failed.pk))
    failed.refresh_from_db()
    assert (failed.state, failed.processed, failed.changed) == (RedecideState.DONE, 2, 2)
    assert set(CreditRecord.objects.filter(pk__in=ids).values_list("version", flat=True)) == {2}
    with pytest.raises(CommandError, match="只有失败的重算可以继续"):
        call_command("records_redecide", "--resume", str(failed.pk))
    with pytest.raises(CommandError, match="没有编号为 999999 的公示决定重算"):
        call_command("records_redecide", "--resume", "999999")
