import datetime
import io

import pytest
import time_machine
from django.core.management import call_command

from records.models import CreditRecord
from sanctions.models import CreditStatus, Membership, MembershipChange
from sanctions.selectors import status_of
from sanctions.tasks import memberships_expire_task
from subjects.models import CreditSubject
from tests.records.helpers import company_uscc, hmd_item, xzcf_item, yzsxmd_item

pytestmark = pytest.mark.django_db
TZ = datetime.timezone(datetime.timedelta(hours=8))


def subject(n=1) -> CreditSubject:
    return CreditSubject.objects.get(uscc=company_uscc(n))


def status(n=1) -> str:
    return status_of([subject(n).pk])[subject(n).pk]


def memberships(n=1) -> dict[str, Membership]:
    return {m.list_type.code: m for m in Membership.objects.filter(subject=subject(n)).select_related("list_type")}


@time_machine.travel(datetime.datetime(2026, 7, 1, 10, tzinfo=TZ), tick=False)
def test_listing_decision_makes_the_subject_black_and_suspends_red(push):
    push(hmd_item(1))
    assert status() == "red"
    push(yzsxmd_item(1, until="2027-05-31"))
    assert status() == "black"
    lists = memberships()
    assert lists["yzsx_scjg"].state == "active"
    assert lists["yzsx_scjg"].planned_end == datetime.date(2027, 5, 31)
    assert lists["hmd_nsa"].state == "suspended"
    assert "暂停" in lists["hmd_nsa"].reason
    assert CreditStatus.objects.get(subject=subject()).reason.startswith("列入失信惩戒名单")


@time_machine.travel(datetime.datetime(2026, 7, 1, 10, tzinfo=TZ), tick=False)
def test_listing_without_an_end_lasts_the_list_duration(push):
    push(yzsxmd_item(1))
    assert memberships()["yzsx_scjg"].planned_end == datetime.date(2029, 5, 31)  # 36 months from 2026-06-01


@time_machine.travel(datetime.datetime(2026, 7, 1, 10, tzinfo=TZ), tick=False)
def test_red_for_a_clean_subject_and_watch_for_a_serious_penalty(push):
    push(hmd_item(1))
    assert status(1) == "red"
    push(xzcf_item(2, CF_CFLB="暂扣许可证件"))
    assert status(2) == "watch"
    push(xzcf_item(3, CF_CFLB="罚款"))
    assert status(3) == "normal"


@time_machine.travel(datetime.datetime(2026, 7, 1, 10, tzinfo=TZ), tick=False)
def test_revoking_the_source_record_ends_the_membership_with_that_reason(push, django_capture_on_commit_callbacks):
    [record_id] = push(yzsxmd_item(1, until="2027-05-31"))
    with django_capture_on_commit_callbacks(execute=True):
        response = push.client.post(
            f"/api/v1/records/{record_id}/revoke/", {"reason": "行政复议撤销"}, content_type="application/json"
        )
    assert response.status_code == 200
    membership = Membership.objects.get(subject=subject(), list_type__code="yzsx_scjg")
    assert (membership.state, membership.end_reason, membership.ended_on) == (
        "ended",
        "source_revoked",
        datetime.date(2026, 7, 1),
    )
    assert status() == "normal"
    assert [c.kind for c in membership.changes.order_by("id")] == ["opened", "ended"]


def test_time_travel_past_the_listing_end_and_nightly_task(push):
    with time_machine.travel(datetime.datetime(2026, 7, 1, 10, tzinfo=TZ), tick=False):
        push(hmd_item(1, until="2028-03-31"), yzsxmd_item(1, until="2027-05-31"))
        assert status() == "black"
    with time_machine.travel(datetime.datetime(2027, 5, 31, 23, tzinfo=TZ), tick=False):
        assert memberships_expire_task() == 1
        assert status() == "black"  # the last day of the listing
    with time_machine.travel(datetime.datetime(2027, 6, 1, 1, tzinfo=TZ), tick=False):
        memberships_expire_task()
        lists = memberships()
        assert (lists["yzsx_scjg"].state, lists["yzsx_scjg"].end_reason) == ("ended", "expired")
        assert lists["hmd_nsa"].state == "active"  # resumed
        assert status() == "red"
        changes = MembershipChange.objects.count()
        memberships_expire_task()
        assert MembershipChange.objects.count() == changes
        assert status() == "red"


@time_machine.travel(datetime.datetime(2026, 7, 1, 10, tzinfo=TZ), tick=False)
def test_recompute_on_consistent_data_changes_nothing(push):
    push(hmd_item(1), yzsxmd_item(2), xzcf_item(3, CF_CFLB="吊销许可证件"))
    before = (
        Membership.objects.count(),
        MembershipChange.objects.count(),
        list(CreditStatus.objects.values_list("subject_id", "status", "since")),
    )
    call_command("recompute_status", "--all", "--no-progress")
    after = (
        Membership.objects.count(),
        MembershipChange.objects.count(),
        list(CreditStatus.objects.values_list("subject_id", "status", "since")),
    )
    assert before == after
    assert before[0] == 3


@time_machine.travel(datetime.datetime(2026, 7, 1, 10, tzinfo=TZ), tick=False)
def test_recompute_rebuilds_what_the_signal_did_not_reach(push):
    import json

    # Records stored without their on-commit evaluation (as for data loaded before the sanctions app).
    push.client.post("/api/v1/records/", data=json.dumps([yzsxmd_item(1)]), content_type="application/json")
    assert CreditRecord.objects.count() == 1
    assert status() == "normal"
    call_command("recompute_status", "--subject", company_uscc(1), stdout=io.StringIO())
    assert status() == "black"


@time_machine.travel(datetime.datetime(2026, 7, 1, 10, tzinfo=TZ), tick=False)
def test_a_record_moved_to_another_subject_delists_the_old_one(push):
    push(yzsxmd_item(1))
    assert status(1) == "black"
    push(yzsxmd_item(1, YZ_XDR_SHXYM=company_uscc(4), YZ_XDR_MC="长春测试4商贸有限公司"))  # the code was wrong
    assert status(4) == "black"
    assert status(1) == "normal"


def _store_without_evaluation(push, *items) -> None:
    """Records stored without their on-commit evaluation (as for data loaded before the sanctions app)."""
    import json

    response = push.client.post("/api/v1/records/", data=json.dumps(list(items)), content_type="application/json")
    assert {r["status"] for r in response.json()["results"]} == {"created"}


@time_machine.travel(datetime.datetime(2026, 7, 1, 10, tzinfo=TZ), tick=False)
def test_full_recompute_evaluates_only_subjects_that_could_be_listed(push):
    from sanctions.selectors import subjects_to_evaluate
    from tests.records.helpers import xzxk_item

    _store_without_evaluation(
        push,
        hmd_item(1),
        yzsxmd_item(2),
        xzcf_item(3, CF_CFLB="暂扣许可证件"),  # serious: watch
        xzcf_item(4, CF_CFLB="警告"),  # minor: cannot list anyone
        xzxk_item(5),
        xzcf_item(6, CF_CFLB="罚款"),  # general: the 一般失信 list (its measures warn; status stays normal)
    )
    assert subjects_to_evaluate() == sorted(subject(n).pk for n in (1, 2, 3, 6))
    call_command("recompute_status", "--all", "--no-progress", stdout=io.StringIO())
    assert [status(n) for n in (1, 2, 3, 4, 5, 6)] == ["red", "black", "watch", "normal", "normal", "normal"]
    assert not CreditStatus.objects.filter(subject__in=[subject(4), subject(5)]).exists()


@time_machine.travel(datetime.datetime(2026, 7, 1, 10, tzinfo=TZ), tick=False)
def test_a_membership_whose_record_no_longer_qualifies_still_ends_and_is_recomputed(push):
    from sanctions.selectors import subjects_to_evaluate

    push(xzcf_item(3, CF_CFLB="暂扣许可证件"))
    assert status(3) == "watch"
    # The department corrects the penalty kind: the record becomes a minor one, which no list reads.
    push(xzcf_item(3, CF_CFLB="警告"))
    watch = Membership.objects.get(subject=subject(3))
    assert (watch.state, watch.end_reason) == ("ended", "rule")
    assert status(3) == "normal"
    assert subjects_to_evaluate() == [subject(3).pk]  # its status row stays, and must stay consistent
    changes = MembershipChange.objects.count()
    call_command("recompute_status", "--all", "--no-progress", stdout=io.StringIO())
    assert MembershipChange.objects.count() == changes


@time_machine.travel(datetime.datetime(2026, 7, 1, 10, tzinfo=TZ), tick=False)
def test_revoking_a_record_that_no_longer_qualifies_ends_its_membership_as_revoked(push):
    from audit.services import Actor
    from sanctions.services import subjects_evaluate

    [record_id] = push(xzcf_item(3, CF_CFLB="暂扣许可证件"))
    # Severity changed and record revoked behind the engine's back (as by a correction then a revocation
    # whose evaluations have not run yet): the membership rests on a record no list reads any more.
    CreditRecord.objects.filter(pk=record_id).update(severity="general", status="revoked")
    subjects_evaluate(subject_ids=[subject(3).pk], actor=Actor.system())
    watch = Membership.objects.get(subject=subject(3))
    assert (watch.state, watch.end_reason) == ("ended", "source_revoked")


@time_machine.travel(datetime.datetime(2026, 7, 1, 10, tzinfo=TZ), tick=False)
def test_only_subjects_a_change_can_alter_are_evaluated(push):
    from audit.services import Actor
    from sanctions.selectors import subjects_affected
    from sanctions.services import subjects_evaluate
    from tests.records.helpers import xzxk_item

    push(xzcf_item(3, CF_CFLB="暂扣许可证件"))  # subject 3: on the watch list
    _store_without_evaluation(
        push,
        xzxk_item(1),
        xzcf_item(2, CF_CFLB="警告"),
        xzcf_item(4, CF_CFLB="暂扣许可证件"),
        xzcf_item(31, CF_XDR_SHXYM=company_uscc(3), CF_XDR_MC="长春测试3商贸有限公司"),
    )
    licence, minor, serious, more = CreditRecord.objects.filter(status="active").order_by("pk")[1:]
    clean = [subject(1).pk, subject(2).pk]
    # A licence and a minor penalty (a warning) of clean subjects cannot list them: they are not evaluated.
    assert subjects_affected([licence.pk, minor.pk], clean) == []
    assert subjects_evaluate(subject_ids=clean, actor=Actor.system(), changed_records=[licence.pk, minor.pk]) == {}
    # A serious penalty can (subject 4 has no list or status yet); any change of a listed subject is evaluated.
    assert subjects_affected([serious.pk], [subject(4).pk]) == [subject(4).pk]
    assert subjects_affected([more.pk], [subject(3).pk]) == [subject(3).pk]
    # Only among the subjects asked for (the ones the caller locked): a chunk of a larger change must not
    # evaluate the other subjects of its records, unlocked (red team, issue 11).
    assert subjects_affected([serious.pk, more.pk], [subject(3).pk]) == [subject(3).pk]
    assert subjects_affected([serious.pk], [subject(3).pk, subject(1).pk]) == [subject(3).pk]
    evaluated = subjects_evaluate(
        subject_ids=[*clean, subject(3).pk, subject(4).pk],
        actor=Actor.system(),
        changed_records=[licence.pk, minor.pk, serious.pk, more.pk],
    )
    assert evaluated == {subject(3).pk: "watch", subject(4).pk: "watch"}


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_full_recompute_in_two_processes_gives_the_same_lists(reference_data, client, monkeypatch):
    """Chunks evaluated in parallel processes (``--jobs 2``) give what one process gives."""
    from types import SimpleNamespace

    from django.db import transaction

    from sanctions import services
    from tests.factories import DepartmentFactory, api_token_issue

    department = DepartmentFactory(code="jl-scjg", sector="market_regulation")
    with transaction.atomic():
        _, raw = api_token_issue(department)
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {raw}"
    monkeypatch.setattr(services, "EVALUATION_CHUNK", 1)  # three chunks over two processes
    with time_machine.travel(datetime.datetime(2026, 7, 1, 10, tzinfo=TZ), tick=False):
        _store_without_evaluation(
            SimpleNamespace(client=client),
            hmd_item(1),
            yzsxmd_item(2),
            xzcf_item(3, CF_CFLB="暂扣许可证件"),
            xzcf_item(4),  # a fine: 一般, on the list whose measures warn (status stays normal)
        )
        call_command("recompute_status", "--all", "--jobs", "2", "--no-progress", stdout=io.StringIO())
        assert [status(n) for n in (1, 2, 3, 4)] == ["red", "black", "watch", "normal"]
        assert Membership.objects.count() == MembershipChange.objects.count() == 4


@time_machine.travel(datetime.datetime(2026, 7, 1, 10, tzinfo=TZ), tick=False)
def test_a_penalty_kept_but_not_published_lists_nobody(push):
    """A penalty decided under the simplified procedure is kept but never published (records.rules.withheld_reason):
    it has no disclosure end, so as a source of the watch list (较重) or the notice list (一般) it listed its
    subject without end, and the status 重点关注 showed on the public page of a penalty the public never sees."""
    push(xzcf_item(1, CF_CFLB="暂扣许可证件", CF_SFJYCX="是"), xzcf_item(2, CF_CFLB="罚款", CF_SFJYCX="是"))
    for n in (1, 2):
        assert not CreditRecord.objects.get(subject=subject(n)).publishable
        assert status(n) == "normal"
        assert memberships(n) == {}


@time_machine.travel(datetime.datetime(2026, 7, 1, 10, tzinfo=TZ), tick=False)
def test_the_upgrade_re_evaluates_the_subjects_listed_by_a_penalty_not_published(push):
    """Sanctions 0006 queues the re-evaluation of the subjects a withheld penalty had listed before the fix."""
    import importlib

    from django.apps import apps as global_apps

    from outbox.models import OutboxItem
    from outbox.services import outbox_deliver
    from sanctions.models import ListType

    migration = importlib.import_module("sanctions.migrations.0007_unpublished_records_list_nobody")
    [withheld] = push(xzcf_item(1, CF_CFLB="暂扣许可证件", CF_SFJYCX="是"))
    push(xzcf_item(2, CF_CFLB="暂扣许可证件"))  # published: its listing stays as it is
    listed = Membership.objects.create(  # as evaluated before the fix
        subject=subject(1),
        list_type=ListType.objects.get(code="zdgz_cf"),
        state="active",
        started_on=datetime.date(2026, 6, 1),
        reason="旧规则",
        rule_version="2026.11-1",
    )
    listed.records.add(withheld)
    OutboxItem.objects.all().delete()

    migration.queue_reevaluation(global_apps, None)

    item = OutboxItem.objects.get()
    assert item.payload == {"record_ids": [withheld], "subject_ids": [subject(1).pk]}
    assert outbox_deliver(item.pk)
    listed.refresh_from_db()
    assert listed.state == "ended"
    assert memberships(2)["zdgz_cf"].state == "active"


@time_machine.travel(datetime.datetime(2026, 7, 1, 10, tzinfo=TZ), tick=False)
def test_reasons_name_records_and_lists_as_people_read_them(push):
    """Issue 16: "记录 128 符合名单“hmd_nsa”的列入条件" reached subjects and third parties; the list by its name,
    the record by its type and document number."""
    [red_id] = push(hmd_item(1))
    push(yzsxmd_item(1, until="2027-05-31"))
    lists = memberships()
    red, black = lists["hmd_nsa"], lists["yzsx_scjg"]
    assert red.reason.startswith(f"守信激励名单认定（吉税A〔2026〕1号）符合“{red.list_type.name}”的列入条件（规则 ")
    assert f"主体在失信惩戒名单“{black.list_type.name}”上，守信激励暂停" in red.reason
    assert "hmd_nsa" not in red.reason
    assert f"记录 {red_id}" not in red.reason
    assert "yzsx_scjg" not in black.reason
    status_reason = CreditStatus.objects.get(subject=subject()).reason
    assert status_reason == f"列入失信惩戒名单：“{black.list_type.name}”"


@time_machine.travel(datetime.datetime(2026, 7, 1, 10, tzinfo=TZ), tick=False)
def test_the_migration_rewrites_stored_reasons(push):
    import importlib
    from pathlib import Path

    from django.apps import apps

    import sanctions.migrations

    # Found by name, whatever number it gets at merge.
    [path] = Path(sanctions.migrations.__file__).parent.glob("*_readable_reasons.py")
    migration = importlib.import_module(f"sanctions.migrations.{path.stem}")
    [red_id] = push(hmd_item(1))
    [black_id] = push(yzsxmd_item(1, until="2027-05-31"))
    lists = memberships()
    red, black = lists["hmd_nsa"], lists["yzsx_scjg"]
    old = (
        f"记录 {red_id} 符合名单“hmd_nsa”的列入条件（规则 2026.11-2）；主体在失信惩戒名单（yzsx_scjg）上，守信激励暂停"
    )
    Membership.objects.filter(pk=red.pk).update(reason=old)
    Membership.objects.filter(pk=black.pk).update(
        reason=f"记录 {black_id}, 999999 符合名单“yzsx_scjg”的列入条件（规则 1）"
    )
    CreditStatus.objects.filter(subject=subject()).update(reason="列入失信惩戒名单：yzsx_scjg")

    migration.rewrite(apps, None)

    red.refresh_from_db()
    black.refresh_from_db()
    assert red.reason == (
        f"守信激励名单认定（吉税A〔2026〕1号）符合“{red.list_type.name}”的列入条件（规则 2026.11-2）；"
        f"主体在失信惩戒名单“{black.list_type.name}”上，守信激励暂停"
    )
    record = CreditRecord.objects.select_related("record_type").get(pk=black_id)
    assert black.reason == (
        f"{record.record_type.name}（{record.source_id}）、记录 999999符合“{black.list_type.name}”的列入条件（规则 1）"
    )
    assert CreditStatus.objects.get(subject=subject()).reason == f"列入失信惩戒名单：“{black.list_type.name}”"
    migration.rewrite(apps, None)  # twice: nothing left to rewrite
    red.refresh_from_db()
    assert "hmd_nsa" not in red.reason
