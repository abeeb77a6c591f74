import factory
import pytest
from django.db import connection

from subjects import identifiers as ids
from subjects.choices import LegacyScheme
from subjects.models import CreditSubject, SubjectIdentifier
from subjects.selectors import (
    SearchQueryError,
    division_path,
    subject_get_by_code,
    subject_search,
    subjects_name_matching,
)
from tests.factories import CreditSubjectFactory, uscc_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def companies():
    names = [
        "宏达",
        "宏达食品有限公司",
        "长春宏达食品有限公司",
        "吉林省恒泰建筑工程有限公司",
        "宏伟商贸有限公司",
    ]
    return {name: CreditSubjectFactory(name=name) for name in names}


def names(result) -> list[str]:
    return [subject.name for subject in result.subjects()]


def test_name_search_ranks_exact_then_prefix_then_substring(companies):
    assert names(subject_search("宏达")) == ["宏达", "宏达食品有限公司", "长春宏达食品有限公司"]


def test_longer_fragment_matches_inside_names(companies):
    assert names(subject_search("恒泰建筑")) == ["吉林省恒泰建筑工程有限公司"]


def test_whitespace_is_folded_and_no_match_is_empty(companies):
    assert names(subject_search("  恒泰建筑 ")) == ["吉林省恒泰建筑工程有限公司"]
    assert names(subject_search("不存在的名称")) == []


@pytest.mark.parametrize("query", ["宏", " ", "a"], ids=["one-han", "blank", "one-latin"])
def test_one_character_query_is_refused_with_a_clear_message(query):
    with pytest.raises(SearchQueryError, match="至少2个字"):
        subject_search(query)


def test_search_by_uscc_finds_exactly_that_subject(companies):
    target = companies["宏伟商贸有限公司"]
    result = subject_search(target.uscc.lower())
    assert result.by_code
    assert names(result) == ["宏伟商贸有限公司"]


def test_search_by_invalid_code_says_what_is_wrong():
    bad = uscc_for(5)[:-1] + ("0" if uscc_for(5)[-1] != "0" else "1")
    with pytest.raises(SearchQueryError, match="第18位"):
        subject_search(bad)


def test_search_by_legacy_registration_number(companies):
    reg_no = "22010400001234" + ids.registration_number_check_digit("22010400001234")
    SubjectIdentifier.objects.create(subject=companies["宏达"], scheme=LegacyScheme.REGISTRATION_NUMBER, value=reg_no)
    assert names(subject_search(reg_no)) == ["宏达"]
    assert subject_get_by_code(reg_no) == companies["宏达"]


def test_get_by_code_distinguishes_unknown_from_invalid():
    with pytest.raises(CreditSubject.DoesNotExist):
        subject_get_by_code(uscc_for(99))
    with pytest.raises(ids.IdentifierError):
        subject_get_by_code("91220104ABCDEFGHIJ")


def test_broad_query_is_capped_but_keeps_the_exact_match(settings):
    settings.SEARCH_RESULT_CAP = 5
    CreditSubjectFactory.create_batch(8, name=factory.Sequence(lambda n: f"吉林通达{n}物流有限公司"))
    exact = CreditSubjectFactory(name="通达")
    result = subject_search("通达")
    assert result.capped
    ranked = result.subjects()
    assert ranked[0] == exact
    assert len(ranked) == 6
    assert subject_search("通达").ranked_ids == result.ranked_ids


def test_search_runs_three_queries(companies, django_assert_num_queries):
    # The precomputed frequent fragments (not this one), the candidates, the former names, the legal
    # representatives (issue 16), the ranked subjects.
    with django_assert_num_queries(5):
        assert len(names(subject_search("宏达"))) == 3


def test_division_path_names_county_and_falls_back_to_parents():
    assert division_path("220104") == "吉林省 长春市 朝阳区"
    assert division_path("220199") == "吉林省 长春市"
    assert division_path("110105") == "北京市"
    assert division_path("") == ""


@pytest.mark.postgres
def test_database_locale_lets_pg_trgm_see_chinese():
    with connection.cursor() as cursor:
        cursor.execute("SELECT show_trgm('宏达食品')")
        assert cursor.fetchone()[0], "pg_trgm sees no Chinese characters: create the database with C.UTF-8"


@pytest.mark.postgres
@pytest.mark.parametrize(
    ("query", "index"), [("宏达", "subject_name_bigram_gin"), ("恒泰建筑", "subject_name_trgm_gin")]
)
def test_name_search_can_use_its_index(companies, query, index):
    # With five rows the planner rightly prefers a table scan; forbidding it shows the index matches the query.
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
    plan = subjects_name_matching(query).order_by().values_list("pk", flat=True).explain()
    assert index in plan
    assert "Seq Scan on subjects_creditsubject" not in plan


@pytest.mark.postgres
def test_bigram_function_returns_distinct_pairs():
    with connection.cursor() as cursor:
        cursor.execute("SELECT subject_name_bigrams('宏达宏达'), subject_name_bigrams('宏')")
        pairs, single = cursor.fetchone()
    assert sorted(pairs) == sorted(["宏达", "达宏"])
    assert single == []
