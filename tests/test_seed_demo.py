"""``seed_demo`` shows a newcomer every feature (issue 16): every tab of the showcase subjects, lists with members,
cases in progress, news and policy, grades; idempotent; and with no worker to deliver the outbox.

A test here runs in a transaction whose commit never comes, so no outbox item is delivered after its commit —
exactly the PostgreSQL + Redis path of the README before a worker is started. What the pages show is what
``seed_demo`` delivered itself."""

import io

import pytest
from django.apps import apps
from django.core.management import call_command
from django.test import Client

from accounts.choices import GrantState
from accounts.demo import DEMO_SUBJECT_ACCOUNT, DEMO_THIRD_PARTY_ACCOUNT
from accounts.models import AccountGrant
from disclosure.models import Article
from disclosure.selectors import public_statistics
from outbox.models import OutboxItem, OutboxState
from queries.choices import SpecialQueryState
from queries.models import QueryGrant, SpecialQuery
from records.choices import ObjectionState, SubjectTab
from records.demo import HENGTAI, HONGDA
from records.models import CreditRecord
from rights.choices import ApplicationKind, ApplicationState, ComplaintState
from rights.models import Application, Authorisation, Complaint
from sanctions.models import Membership
from subjects.models import CreditSubject

pytestmark = pytest.mark.django_db

SEVERITIES = {"minor", "general", "serious", "severe"}


@pytest.fixture
def seeded(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    call_command("seed_demo", "--subjects=200", "--no-progress", stdout=io.StringIO())


def _tab(subject: CreditSubject, tab: str) -> str:
    response = Client().get(f"/subjects/{subject.uscc}/?tab={tab}")
    assert response.status_code == 200
    return response.content.decode()


def _filled(page: str, tab: str) -> bool:
    panel = page.split(f'data-testid="tab-{tab}"', 1)[1]
    return '<article class="record">' in panel and "暂无相关信息" not in panel.split("</section>", 1)[0]


def test_showcase_subjects_fill_every_tab_with_grades(seeded):
    hongda = CreditSubject.objects.get(name=HONGDA)
    hengtai = CreditSubject.objects.get(name=HENGTAI)
    # 恒泰 is black, which suspends any red listing (sanctions.rules): 宏达 shows the 守信激励 tab.
    for tab in SubjectTab.values:
        shown_by = hongda if tab == SubjectTab.RED else hengtai
        page = _tab(shown_by, tab)
        assert _filled(page, tab), f"{shown_by.name}: tab {tab} is empty"
        assert 'data-testid="grades"' in page  # the evaluation ran: the general model's grade is shown
    for tab in (SubjectTab.XZXK, SubjectTab.XZCF, SubjectTab.XYCN):
        assert _filled(_tab(hongda, tab), tab)
    assert "异议处理中" in _tab(hongda, SubjectTab.XZCF)
    assert "失信惩戒对象" in _tab(hengtai, SubjectTab.BLACK)
    assert "守信激励对象" in _tab(hongda, SubjectTab.RED)


def test_subjects_without_records_are_graded_too(seeded):
    """The full evaluation at the end of the seed: changed records grade their own subjects only."""
    quiet = CreditSubject.objects.filter(kind="legal_entity", records__isnull=True).order_by("-pk").first()
    assert 'data-testid="grades"' in _tab(quiet, SubjectTab.XZXK)


def test_penalties_of_every_severity_and_lists_of_every_colour(seeded):
    penalties = CreditRecord.objects.filter(record_type__code="xzcf", subject__name__in=[HONGDA, HENGTAI])
    assert set(penalties.values_list("severity", flat=True)) == SEVERITIES
    colours = set(Membership.objects.filter(state="active").values_list("list_type__colour", flat=True))
    assert {"red", "black", "watch"} <= colours
    for code in ("sxbzxr", "jyyc", "hmd_nsa", "zdgz_cf"):
        assert Membership.objects.filter(list_type__code=code, state="active").exists(), code
        response = Client().get(f"/lists/{code}/")
        assert response.status_code == 200
        assert HENGTAI in response.content.decode() or code == "hmd_nsa"


def test_cases_accounts_grants_and_articles(seeded):
    objection = Application.objects.get(kind=ApplicationKind.OBJECTION, subject__name=HONGDA)
    repair = Application.objects.get(kind=ApplicationKind.REPAIR, subject__name=HONGDA)
    assert objection.state == repair.state == ApplicationState.WITH_DEPARTMENT
    assert objection.record.objection == ObjectionState.PENDING
    assert Application.objects.filter(kind=ApplicationKind.COMMITMENT, state=ApplicationState.WITH_DEPARTMENT).exists()
    assert Complaint.objects.get(account__email=DEMO_SUBJECT_ACCOUNT[0]).state == ComplaintState.SUBMITTED
    authorisation = Authorisation.objects.get(grantee__email=DEMO_THIRD_PARTY_ACCOUNT[0])
    assert authorisation.subject.name == HONGDA
    assert authorisation.revoked_at is None
    assert QueryGrant.objects.filter(department__code="jl-czt", is_active=True).exists()
    for category in ("news", "policy"):
        assert Article.objects.filter(category=category, is_published=True).count() >= 3
        page = Client().get(f"/articles/{category}/").content.decode()
        assert Article.objects.filter(category=category).first().title in page


def test_the_journeys_find_their_work(seeded):
    """Issue 16's walk: 宏达's registered facts, a subject-account grant in the credit centre's verification queue,
    a special query waiting for approval, 欠税信息 (政务共享) that the demo grants open, a year of traffic."""
    assert CreditSubject.objects.get(name=HONGDA).legal_representative == "王宏达"
    pending = AccountGrant.objects.get(state=GrantState.PENDING)
    assert pending.subject.name == HENGTAI
    assert pending.proofs.exists()
    special = SpecialQuery.objects.get(state=SpecialQueryState.SUBMITTED)
    assert (special.department.code, [t.code for t in special.record_types.all()]) == ("jl-scjg", ["qsxx"])
    arrears = CreditRecord.objects.filter(record_type__code="qsxx", department__code="jl-sw")
    assert arrears.filter(subject__name=HENGTAI).exists()
    assert arrears.count() >= 2
    granted = QueryGrant.objects.filter(record_type__code="qsxx", is_active=True)
    assert set(granted.values_list("department__code", flat=True)) == {"jl-czt", "jl-scjg"}
    months = public_statistics()["per_month"]
    assert sum(1 for _, total, _ in months if total) >= 5, months  # ~10 generated records at 200 subjects


def test_a_random_inspection_is_drawn_with_some_results_public(seeded):
    """The walk found no inspectors and an empty /inspections/: the demo draws one plan by risk class, enters
    three results (records) and leaves the rest 检查中; anyone can verify the draw."""
    from supervision.models import InspectionPlan
    from supervision.services import plan_verify

    plan = InspectionPlan.objects.get(department__code="jl-scjg")
    assert plan.targets.count() > len(plan.targets.exclude(result=""))  # some still 检查中
    assert plan.targets.exclude(result="").count() == 3
    assert CreditRecord.objects.filter(record_type__code="ccjc").count() == 3
    assert plan_verify(plan).ok
    assert plan.title in Client().get("/inspections/").content.decode()


def test_nothing_is_left_for_a_worker(seeded):
    """With no worker (this test's transaction never commits, as REDIS_URL without a worker), lists and
    statuses are there because seed_demo delivered the outbox itself."""
    assert not OutboxItem.objects.filter(state=OutboxState.PENDING).exists()
    assert Membership.objects.filter(state="active").count() >= 10


def test_seed_demo_twice_changes_nothing(seeded):
    models = [model for model in apps.get_models() if model._meta.managed and not model._meta.proxy]
    counts = {model._meta.label: model.objects.count() for model in models}
    call_command("seed_demo", "--subjects=200", "--no-progress", stdout=io.StringIO())
    again = {model._meta.label: model.objects.count() for model in models}
    assert {label: (n, again[label]) for label, n in counts.items() if again[label] != n} == {}
