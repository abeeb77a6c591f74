"""The earliest repair date of a black listing (disclosure.selectors.repair_facts) follows the same period rule
as publication windows (records.rules.period_after): the day after the list's shortest listing period."""

import datetime

import pytest
import time_machine

from disclosure import rules as disclosure_rules
from disclosure.selectors import repair_facts
from records.models import CreditRecord
from tests.records.helpers import company_uscc, xzcf_item, yzsxmd_item

D = datetime.date


@pytest.mark.django_db
def test_the_repair_date_of_a_listing_is_the_day_after_its_shortest_listing_period(push):
    # disclosure.selectors.repair_facts: a serious-violation listing (earliest exit after 12 months) of
    # 2024-02-29 can be repaired from 2025-03-01: its first year ends on 2025-02-28.
    with time_machine.travel(datetime.datetime(2025, 2, 28, 10, tzinfo=datetime.UTC), tick=False):
        [record_id] = push(yzsxmd_item(7, decided_on="2024-02-29", until="2027-02-28"))
        facts = repair_facts(CreditRecord.objects.get(pk=record_id))
    assert facts.repair_eligible_on == D(2025, 3, 1)
    assert not disclosure_rules.repair_eligibility(facts, D(2025, 2, 28)).eligible
    assert disclosure_rules.repair_eligibility(facts, D(2025, 3, 1)).eligible


@pytest.mark.django_db
def test_the_subject_page_offers_repair_of_a_listing_by_the_service_rule(push, client):
    """A serious-violation listing two months old may be left by repair only after its first year: the black
    tab shows the date, and the link once the date has come (the page behind it applies the same rule)."""
    from django.test import Client

    from tests.accounts.helpers import account_client, acting_account

    with time_machine.travel(datetime.datetime(2026, 8, 1, 10, tzinfo=datetime.UTC), tick=False):
        [record_id] = push(yzsxmd_item(8, decided_on="2026-06-01", until="2029-05-31"))
        uscc = CreditRecord.objects.get(pk=record_id).subject.uscc
        early = client.get(f"/subjects/{uscc}/?tab=black").content.decode()
        record = CreditRecord.objects.get(pk=record_id)
        applicant = account_client(Client(), acting_account(record.subject))  # the subject's own account
        refused = applicant.get(f"/records/{record_id}/repair/").content.decode()
    assert f"/records/{record_id}/repair/" not in early
    assert "2027-06-01 起可申请信用修复（移出名单）" in early
    assert "2027-06-01 起可申请信用修复" in refused  # the service's own answer: the same date
    with time_machine.travel(datetime.datetime(2027, 6, 1, 10, tzinfo=datetime.UTC), tick=False):
        due = client.get(f"/subjects/{uscc}/?tab=black").content.decode()
    assert f"/records/{record_id}/repair/" in due


def sxbzxr_item(n: int) -> dict:
    data = {
        "SX_XDR_MC": f"长春测试{n}商贸有限公司",
        "SX_XDR_LB": "法人及非法人组织",
        "SX_XDR_SHXYM": company_uscc(n),
        "SX_AH": f"（2026）吉01执{n}号",
        "SX_ZXFY": "长春市中级人民法院",
        "SX_SXQX": "有履行能力而拒不履行生效法律文书确定义务",
        "SX_FBRQ": "2026-06-01",
    }
    return {"record_type": "sxbzxr", "data": data}


def _pages(client, record_id: int, tab: str) -> tuple[str, str]:
    """The subject page's tab, and the repair page behind its link as the subject's own account sees it."""
    from django.test import Client

    from tests.accounts.helpers import account_client, acting_account

    subject = CreditRecord.objects.get(pk=record_id).subject
    page = client.get(f"/subjects/{subject.uscc}/?tab={tab}").content.decode()
    applicant = account_client(Client(), acting_account(subject))
    return page, applicant.get(f"/records/{record_id}/repair/").content.decode()


def _penalty_feeds(list_code: str, earliest_exit_months: int | None = None) -> None:
    """The credit centre makes severe penalties a source of a black list (sanctions admin: 列入条件)."""
    from records.models import RecordType
    from sanctions.models import ListSource, ListType

    list_type = ListType.objects.get(code=list_code)
    if earliest_exit_months is not None:
        ListType.objects.filter(pk=list_type.pk).update(earliest_exit_months=earliest_exit_months)
    ListSource.objects.create(
        list_type=list_type, record_type=RecordType.objects.get(code="xzcf"), severities=["severe"]
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("item", "feeds", "tab", "link", "hint", "answer"),
    [
        pytest.param(
            xzcf_item(11, decided_on=D(2026, 6, 1), CF_CFLB="罚款"),
            None,
            "xzcf",
            False,
            "2026-09-01 起可申请信用修复",
            "2026-09-01 起可申请信用修复",
            id="general-penalty-minimum-not-served",
        ),
        pytest.param(
            xzcf_item(12, decided_on=D(2026, 1, 15), CF_CFLB="罚款"),
            None,
            "xzcf",
            True,
            None,
            "已满足最短公示期",
            id="general-penalty-minimum-served",
        ),
        pytest.param(
            sxbzxr_item(13),
            None,
            "black",
            False,
            None,
            "须由认定机关依规移出",
            id="court-list-not-repairable",
        ),
        pytest.param(
            xzcf_item(14, decided_on=D(2025, 6, 1), CF_CFLB="吊销许可证件"),
            ("sxbzxr", None),
            "xzcf",
            False,
            None,
            "须由认定机关依规移出",
            id="penalty-keeping-its-subject-on-a-list-not-repairable",
        ),
        pytest.param(
            xzcf_item(15, decided_on=D(2025, 6, 1), CF_CFLB="吊销许可证件"),
            ("yzsx_sw", 24),
            "black",
            False,
            "2027-06-01 起可申请信用修复（移出名单）",
            "2027-06-01 起可申请信用修复",
            id="penalty-keeping-its-subject-on-a-list-of-two-years",
        ),
    ],
)
def test_the_repair_link_and_the_repair_service_agree(push, client, item, feeds, tab, link, hint, answer):
    """Whatever keeps a record from repair — its minimum publication period, a list it feeds that only its
    authority may end, or a list's shortest listing period — the page says it as the repair service does."""
    if feeds:
        _penalty_feeds(*feeds)
    with time_machine.travel(datetime.datetime(2026, 8, 1, 10, tzinfo=datetime.UTC), tick=False):
        [record_id] = push(item)
        page, repair = _pages(client, record_id, tab)
        pages = [page] + ([_pages(client, record_id, "black")[0]] if feeds and tab != "black" else [])
    for shown in pages:
        assert (f"/records/{record_id}/repair/" in shown) is link
        if hint:
            assert hint in shown
    assert answer in repair
