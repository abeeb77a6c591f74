"""Precomputed results of frequent name fragments (subjects.fragments): the same answer as the ordinary search,
kept right by renames, rebuilt by the nightly task."""

import pytest
from django.db import transaction
from django.test import Client

from subjects.fragments import search_fragments_refresh
from subjects.models import CreditSubject, SearchFragment
from subjects.selectors import subject_search
from subjects.services import subject_correct
from subjects.tasks import search_fragments_refresh_task
from tests.factories import CreditSubjectFactory

pytestmark = pytest.mark.django_db

CAP = 4
NAMES = [
    "长春宏达食品有限公司",
    "长春恒泰餐饮管理有限公司",
    "吉林省长春鑫盛商贸有限公司",
    "长春",
    "松原长春华鼎物流有限公司",
    "长春瑞丰餐饮管理有限责任公司",
    "延边金源餐饮管理有限公司",
    "四平顺通餐饮管理有限公司",
    "通化嘉禾建筑工程有限公司",
    "长春市安兴餐饮有限公司",
    "白城隆昌餐饮管理股份有限公司",
]


@pytest.fixture
def subjects(settings):
    settings.SEARCH_RESULT_CAP = CAP
    return [CreditSubjectFactory(name=name) for name in NAMES]


def plain_search(query: str):
    """The ordinary two-step search, with the store out of the way (rolled back afterwards)."""
    with transaction.atomic():
        SearchFragment.objects.all().delete()
        result = subject_search(query)
        transaction.set_rollback(True)
    return result


def rename(subject: CreditSubject, name: str, actor, callbacks) -> None:
    """A credit-centre correction, with its outbox item delivered as the worker would after the commit."""
    with callbacks(execute=True), transaction.atomic():
        subject_correct(subject=subject, name=name, reason="核对营业执照", actor=actor)


def test_refresh_stores_exactly_the_fragments_matching_more_than_the_cap(subjects):
    assert search_fragments_refresh() > 0
    stored = dict(SearchFragment.objects.values_list("fragment", "matches"))
    names = list(CreditSubject.objects.values_list("name", flat=True))
    windows = {name[i : i + n] for name in names for n in range(2, 17) for i in range(len(name) - n + 1)}
    expected = {w: sum(w in name for name in names) for w in windows}
    assert stored == {w: count for w, count in expected.items() if count > CAP}
    assert {"长春", "餐饮", "餐饮管理", "有限公司"} <= set(stored)
    assert not {"宏达", "管理有限"} & set(stored)  # 管理有限: exactly the cap


def test_every_stored_fragment_ranks_as_the_plain_search(subjects):
    # An exact-name match created after the refresh has the highest id: it is looked up each time, and first.
    search_fragments_refresh()
    late = CreditSubjectFactory(name="有限公司")
    fragments = list(SearchFragment.objects.values_list("fragment", flat=True))
    for fragment in fragments:
        stored, plain = subject_search(fragment), plain_search(fragment)
        assert stored.capped, fragment
        assert plain.capped, fragment
        assert stored.ranked_ids == plain.ranked_ids, fragment
        assert len(stored.ranked_ids) == CAP + (fragment == "有限公司")
    assert subject_search("有限公司").ranked_ids[0] == late.pk
    assert subject_search("长春").ranked_ids[0] == subjects[3].pk  # the exact name 长春, inside the cap


def test_a_stored_fragment_costs_two_queries(subjects, django_assert_num_queries):
    search_fragments_refresh()
    # The stored list, the exact-name matches, the former names and the legal representatives (issue 16).
    with django_assert_num_queries(4):
        subject_search("餐饮")


def test_a_rename_drops_the_subject_from_the_fragments_it_leaves(subjects, actor, django_capture_on_commit_callbacks):
    search_fragments_refresh()
    leaving = subjects[1]  # 长春恒泰餐饮管理有限公司, among the lowest ids of 长春 and 餐饮
    assert leaving.pk in subject_search("餐饮").ranked_ids
    rename(leaving, "吉林恒泰建筑有限公司", actor, django_capture_on_commit_callbacks)
    for fragment in ("长春", "餐饮", "餐饮管理", "管理有限"):
        result = subject_search(fragment)
        assert leaving.pk not in result.name_ids, fragment
        assert result.ranked_ids == plain_search(fragment).ranked_ids, fragment
        # Still found, by the former name it had (issue 16), after the subjects found by their current name.
        assert result.matched_by.get(leaving.pk) == "曾用名：长春恒泰餐饮管理有限公司", fragment
    # The next match by id took its place in the capped list.
    assert len(subject_search("餐饮").name_ids) == CAP


def test_a_rename_adds_the_subject_to_the_fragments_it_enters(subjects, actor, django_capture_on_commit_callbacks):
    search_fragments_refresh()
    entering = subjects[0]  # 长春宏达食品有限公司: no 餐饮, a lower id than the 4th 餐饮 match
    fourth = max(subject_search("餐饮").ranked_ids)
    assert entering.pk < fourth
    rename(entering, "长春宏达餐饮管理有限公司", actor, django_capture_on_commit_callbacks)
    result = subject_search("餐饮")
    assert entering.pk in result.ranked_ids
    assert fourth not in result.ranked_ids
    assert result.ranked_ids == plain_search("餐饮").ranked_ids
    assert subject_search("餐饮管理").ranked_ids == plain_search("餐饮管理").ranked_ids
    # A subject beyond the capped lists (a high id) entering a fragment changes none of them.
    late = subjects[8]
    rename(late, "通化嘉禾餐饮有限公司", actor, django_capture_on_commit_callbacks)
    assert late.pk not in subject_search("餐饮").ranked_ids
    assert subject_search("餐饮").ranked_ids == plain_search("餐饮").ranked_ids


def test_a_fragment_no_longer_above_the_cap_leaves_the_store(subjects, actor, django_capture_on_commit_callbacks):
    search_fragments_refresh()
    assert SearchFragment.objects.get(fragment="餐饮管理").matches == CAP + 1
    rename(subjects[1], "长春恒泰餐饮有限公司", actor, django_capture_on_commit_callbacks)
    assert not SearchFragment.objects.filter(fragment="餐饮管理").exists()
    result = subject_search("餐饮管理")
    assert not result.capped
    assert len(result.name_ids) == CAP
    assert SearchFragment.objects.filter(fragment="餐饮").exists()


def test_a_name_changed_before_its_update_is_not_shown_under_the_fragment(subjects):
    # Between a rename's commit and its outbox delivery the stored list still names the subject.
    search_fragments_refresh()
    CreditSubject.objects.filter(pk=subjects[1].pk).update(name="吉林恒泰建筑有限公司")
    result = subject_search("餐饮")
    assert subjects[1].pk in result.ranked_ids
    assert subjects[1] not in result.subjects()
    assert all("餐饮" in subject.name for subject in result.subjects())


def test_the_nightly_task_rebuilds_the_store(subjects):
    SearchFragment.objects.create(fragment="过时", matches=9, ranked_ids=[1, 2, 3, 4])
    assert search_fragments_refresh_task.delay().get() == SearchFragment.objects.count()
    assert not SearchFragment.objects.filter(fragment="过时").exists()
    assert SearchFragment.objects.filter(fragment="长春").exists()


def test_the_search_page_of_a_stored_fragment_is_cached_until_a_shown_subject_changes(
    subjects, actor, django_capture_on_commit_callbacks, django_assert_num_queries
):
    search_fragments_refresh()
    first = Client().get("/search/", {"q": "餐饮"})
    assert first.status_code == 200
    assert "长春恒泰餐饮管理有限公司" in first.text
    assert "超过" in first.text
    # The stored list, the exact-name matches, former names, legal representatives; no rows, no statuses.
    with django_assert_num_queries(4):
        assert Client().get("/search/", {"q": "餐饮"}).content == first.content
    rename(subjects[1], "吉林恒泰建筑有限公司", actor, django_capture_on_commit_callbacks)
    again = Client().get("/search/", {"q": "餐饮"}).text
    # Found now by its former name only, after the others (issue 16).
    assert "吉林恒泰建筑有限公司</a>" in again
    assert "匹配：曾用名：长春恒泰餐饮管理有限公司" in again
    assert again.index("四平顺通餐饮管理有限公司") < again.index("吉林恒泰建筑有限公司")
    assert "四平顺通餐饮管理有限公司" in again
