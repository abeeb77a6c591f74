"""Reads of subjects and divisions that pages, the API and other apps reuse."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from django.conf import settings
from django.db import connection
from django.db.models import QuerySet, Value

from . import identifiers as ids
from .choices import LegacyScheme, SubjectKind
from .models import CreditSubject, Division, SearchFragment, SubjectAccess, SubjectIdentifier, SubjectNameHistory
from .privacy import citizen_id_digest
from .search import NameBigrams


class SearchQueryError(ValueError):
    """The query cannot be searched; the message says why, in Chinese, for the person who typed it."""


@dataclass(frozen=True)
class SubjectSearch:
    """A ranked, capped search: ``ranked_ids`` in display order; ``capped`` says more matched than were ranked.
    ``matched_by``: the subjects found by a former name or their legal representative rather than by their
    current name, with what matched ("曾用名：…", "法定代表人：…"), shown under the result."""

    query: str
    ranked_ids: list[int]
    by_code: bool
    capped: bool
    matched_by: dict[int, str] = field(default_factory=dict)

    @property
    def name_ids(self) -> list[int]:
        """The ranked subjects found by their current name (``ranked_ids`` without the other matches)."""
        return [pk for pk in self.ranked_ids if pk not in self.matched_by]

    def subjects(self, ids: list[int] | None = None) -> list[CreditSubject]:
        """The subjects of ``ids`` (by default all ranked ones), in ranked order, in one query.

        A name search shows only subjects whose current name has the query: a precomputed list
        (subjects.fragments) may still name a subject renamed a moment ago."""
        ids = self.ranked_ids if ids is None else ids
        by_pk = CreditSubject.objects.in_bulk(ids)
        subjects = [by_pk[pk] for pk in ids if pk in by_pk]
        if self.by_code:
            return subjects
        return [subject for subject in subjects if self.query in subject.name or subject.pk in self.matched_by]


# The schemes by which anyone may look a subject up. Citizen ID numbers are deliberately absent: the public
# never finds a person by ID, and a 15-digit registration number must not be mistaken for an old ID.
_LOOKUP_SCHEMES = (
    (ids.normalize_uscc, None),
    (ids.normalize_registration_number, LegacyScheme.REGISTRATION_NUMBER),
    (ids.normalize_organization_code, LegacyScheme.ORGANIZATION_CODE),
)


def looks_like_code(query: str) -> bool:
    """True when the query is made of code characters only (letters, digits, hyphen) and 9+ long; full-width
    characters (ＵＳＣＣ typed with a Chinese input method) count as their ASCII forms, as on subject pages."""
    compact = unicodedata.normalize("NFKC", "".join(query.split())).replace("-", "")
    return len(compact) >= 9 and compact.isascii() and compact.isalnum()


def subject_get_by_code(code: str) -> CreditSubject:
    """The subject with this USCC, or with this legacy registration number or organisation code.

    Raises ``IdentifierError`` (the USCC message, as that is what people usually type) when the code is
    valid under no scheme, and ``CreditSubject.DoesNotExist`` when nobody has it.
    """
    uscc_error: ids.IdentifierError | None = None
    for normalize, scheme in _LOOKUP_SCHEMES:
        try:
            value = normalize(code)
        except ids.IdentifierError as error:
            uscc_error = uscc_error or error
            continue
        if scheme is None:
            return CreditSubject.objects.get(uscc=value)
        identifier = SubjectIdentifier.objects.select_related("subject").filter(scheme=scheme, value=value).first()
        if identifier is None:
            raise CreditSubject.DoesNotExist
        return identifier.subject
    raise uscc_error


def subjects_name_containing(query: str, subjects: QuerySet[CreditSubject] | None = None) -> QuerySet[CreditSubject]:
    """The ``subjects`` (default: every one; natural persons included, for staff searches) whose name contains
    ``query``, on a name index (trigram, or bigram for two characters)."""
    subjects = (CreditSubject.objects.all() if subjects is None else subjects).filter(name__contains=query)
    if connection.vendor == "postgresql" and len(query) == 2:
        # Two characters are below pg_trgm's reach: go through the bigram index (see subjects.search).
        subjects = subjects.alias(bigrams=NameBigrams("name")).filter(bigrams__contains=NameBigrams(Value(query)))
    return subjects


def name_searchable_subjects() -> QuerySet[CreditSubject]:
    """Natural persons are never found by name: a name search would tell who has a record (seed 002 item 77)."""
    return CreditSubject.objects.exclude(kind=SubjectKind.NATURAL_PERSON)


def subjects_name_matching(query: str) -> QuerySet[CreditSubject]:
    return subjects_name_containing(query, name_searchable_subjects())


def subjects_by_former_names(names: Iterable[str]) -> dict[str, list[CreditSubject]]:
    """The subjects (never natural persons) that once bore each of ``names`` exactly, as a former name (曾用名),
    ordered by subject; one query. Whoever offers them says which former name matched."""
    found: dict[str, list[CreditSubject]] = {}
    former = (
        SubjectNameHistory.objects.filter(name__in=set(names))
        .exclude(subject__kind=SubjectKind.NATURAL_PERSON)
        .select_related("subject")
        .order_by("name", "subject_id", "-replaced_at")
    )
    for history in former:
        subjects = found.setdefault(history.name, [])
        if history.subject not in subjects:
            subjects.append(history.subject)
    return found


# How many subjects a staff name search considers (``subject_ids_for_staff_search``): a common fragment such
# as 有限 matches most of the register, and listing what refers to all of them would read every row.
STAFF_SEARCH_SUBJECT_CAP = 1000


def subject_id_for_uscc(value: str) -> int | None:
    """The id of the subject with this USCC (on its unique index), or None for an unknown or invalid code."""
    try:
        uscc = ids.normalize_uscc(value)
    except ids.IdentifierError:
        return None
    return CreditSubject.objects.filter(uscc=uscc).values_list("pk", flat=True).first()


def subject_ids_for_staff_search(term: str) -> list[int]:
    """The subjects an admin search term names, for the changelists of tables that refer to subjects: the
    subject with that USCC (unique index), or up to ``STAFF_SEARCH_SUBJECT_CAP`` subjects (lowest ids) whose
    name contains the term (name indexes). Replaces the admin's OR of a joined code and a joined
    ``UPPER(name) LIKE``, which no index serves."""
    term = " ".join(term.split())
    try:
        uscc = ids.normalize_uscc(term)
    except ids.IdentifierError:
        pass
    else:
        return list(CreditSubject.objects.filter(uscc=uscc).values_list("pk", flat=True))
    if len(term) < 2:
        return []
    matches = subjects_name_containing(term).order_by("pk").values_list("pk", flat=True)
    return list(matches[:STAFF_SEARCH_SUBJECT_CAP])


def search_rank_key(query: str):
    """The sort key of (id, name) rows: exact name, then names starting with the query, then shorter names."""

    def key(row: tuple[int, str]) -> tuple[int, int, str, int]:
        pk, name = row
        rank = 0 if name == query else 1 if name.startswith(query) else 2
        return rank, len(name), name, pk

    return key


CITIZEN_ID_MESSAGE = (
    "您输入的是身份证号码。为保护个人信息，公众查询不提供按身份证号查询自然人的信用信息；"
    "本人可登录个人用户后在“本主体查询”中查看自己的信用记录。查询企业等组织请输入名称或18位统一社会信用代码。"
)
CITIZEN_ID_CHECK_MESSAGE = (
    "您输入的号码像是18位身份证号码，但最后一位校验码不正确，请核对。为保护个人信息，公众查询不提供按身份证号"
    "查询自然人的信用信息；查询企业等组织请输入名称或18位统一社会信用代码。"
)
#: The same for staff matching a record to a person by ID (they may: ``subject_candidates(persons_by_id=True)``).
CITIZEN_ID_CHECK_MESSAGE_STAFF = "您输入的号码像是18位身份证号码，但最后一位校验码不正确，请核对号码。"
_CITIZEN_ID_SHAPE = re.compile(r"[0-9]{17}[0-9X]|[0-9]{15}")


def looks_like_citizen_id(query: str) -> bool:
    """A valid citizen ID number (full-width folded): what a visitor typing a person's ID enters. Asked only
    once the code is no valid USCC or legacy code, so a mistyped USCC still gets the USCC's own message."""
    compact = unicodedata.normalize("NFKC", "".join(query.split())).upper()
    if _CITIZEN_ID_SHAPE.fullmatch(compact) is None:
        return False
    try:
        ids.normalize_citizen_id(compact)
    except ids.IdentifierError:
        return False
    return True


@dataclass(frozen=True)
class SearchFilters:
    """The public search's filters: subject kind and region (a GB/T 2260 code or its prefix: 22, 2201, 220104)."""

    kind: str = ""
    region: str = ""

    def __bool__(self) -> bool:
        return bool(self.kind or self.region)

    def apply(self, subjects: QuerySet[CreditSubject]) -> QuerySet[CreditSubject]:
        if self.kind:
            subjects = subjects.filter(kind=self.kind)
        if self.region:
            subjects = subjects.filter(division_code__startswith=self.region)
        return subjects


# How many subjects a former name or a legal representative adds to a search, at most.
SEARCH_OTHER_MATCHES_CAP = 200


def _other_matches(query: str, filters: SearchFilters, known: set[int]) -> dict[int, str]:
    """Subjects found by a former name containing ``query`` (trigram/bigram indexes of subjects 0011) or whose
    legal representative is exactly ``query`` (a person's name is typed whole; ``subject_legal_rep_idx``), that
    the current names did not already find. Natural persons never (their names are not searchable)."""
    found: dict[int, str] = {}
    former = SubjectNameHistory.objects.filter(name__contains=query)
    if connection.vendor == "postgresql" and len(query) == 2:
        former = former.alias(bigrams=NameBigrams("name")).filter(bigrams__contains=NameBigrams(Value(query)))
    searchable = filters.apply(name_searchable_subjects())
    former = former.filter(subject__in=searchable.values("pk")).order_by("subject_id", "-replaced_at")
    for subject_id, name in former.values_list("subject_id", "name")[:SEARCH_OTHER_MATCHES_CAP]:
        if subject_id not in known:
            found.setdefault(subject_id, f"曾用名：{name}")
    representatives = searchable.filter(legal_representative=query).order_by("pk").values_list("pk", flat=True)
    for pk in representatives[:SEARCH_OTHER_MATCHES_CAP]:
        if pk not in known:
            found.setdefault(pk, f"法定代表人：{query}")
    return found


def subject_search(raw_query: str, filters: SearchFilters | None = None) -> SubjectSearch:
    """Find subjects by code (exact) or by a name fragment of at least two characters.

    Name matches rank exact name first, then names starting with the query, then the rest, shorter names
    first. A broad fragment (such as 有限公司) can match most of the province; ranking every match would make
    one query cost a table scan, so only the ``SEARCH_RESULT_CAP`` matches with the lowest ids are ranked,
    plus any exact-name match, and ``capped`` tells the page to ask for a more specific query. Taking the
    lowest ids (not whatever the scan meets first) keeps page 2 consistent with page 1: PostgreSQL's
    synchronised sequential scans start each broad scan where the previous one stopped. The first, unordered
    query is what keeps a rare fragment on the name index (see the comment below and docs/benchmarks.md).
    A frequent fragment (more matches than the cap) reads that same capped, ranked list precomputed
    (subjects.fragments), instead of finding the lowest ids among tens of thousands of matches.
    """
    query = " ".join(raw_query.split())
    if looks_like_code(query):
        try:
            subject = subject_get_by_code(query)
        except ids.IdentifierError as error:
            if looks_like_citizen_id(query):
                raise SearchQueryError(CITIZEN_ID_MESSAGE) from error
            if ids.citizen_id_check_char_wrong(query):
                raise SearchQueryError(CITIZEN_ID_CHECK_MESSAGE) from error
            raise SearchQueryError(str(error)) from error
        except CreditSubject.DoesNotExist:
            return SubjectSearch(query=query, ranked_ids=[], by_code=True, capped=False)
        return SubjectSearch(query=query, ranked_ids=[subject.pk], by_code=True, capped=False)
    if len(query) < settings.SEARCH_MIN_LENGTH:
        raise SearchQueryError(f"请输入至少{settings.SEARCH_MIN_LENGTH}个字的名称，或完整的统一社会信用代码。")
    if len(query) > 100:
        raise SearchQueryError("查询内容过长，请输入不超过100个字的名称或代码。")

    filters = filters or SearchFilters()
    cap = settings.SEARCH_RESULT_CAP
    # The precomputed lists of frequent fragments are unfiltered: a filtered search ranks its own matches.
    if len(query) <= settings.SEARCH_FRAGMENT_MAX_LENGTH and not filters:
        stored = SearchFragment.objects.filter(pk=query).values_list("ranked_ids", flat=True).first()
        if stored is not None:
            # A frequent fragment: its capped, ranked list is precomputed. Exact-name matches rank first (by id)
            # and may lie beyond the cap, so they are looked up each time, as below.
            exact = list(name_searchable_subjects().filter(name=query).order_by("pk").values_list("pk", flat=True))
            ranked = exact + [pk for pk in stored if pk not in set(exact)]
            others = _other_matches(query, filters, set(ranked))
            return SubjectSearch(
                query=query, ranked_ids=ranked + list(others), by_code=False, capped=True, matched_by=others
            )
    matches = filters.apply(subjects_name_matching(query)).values_list("pk", "name")
    # First without an order, so the planner uses the name index: when it finds all the matches, their order
    # does not matter. Only a broad query runs again ordered by id (a walk of the primary key that stops
    # early, since matches are dense): PostgreSQL would otherwise walk the whole key for a rare fragment it
    # overestimates, and an unordered capped set would change from call to call.
    rows = list(matches.order_by()[: cap + 1])
    capped = len(rows) > cap
    if capped:
        rows = list(matches.order_by("pk")[:cap])
        known = {pk for pk, _ in rows}
        rows += [row for row in matches.filter(name=query) if row[0] not in known]
    rows.sort(key=search_rank_key(query))
    ranked = [pk for pk, _ in rows]
    others = _other_matches(query, filters, set(ranked))
    return SubjectSearch(query=query, ranked_ids=ranked + list(others), by_code=False, capped=capped, matched_by=others)


@lru_cache(maxsize=1)
def _division_table() -> dict[str, tuple[str, str | None]]:
    return {code: (name, parent) for code, name, parent in Division.objects.values_list("code", "name", "parent")}


def division_path(code: str) -> str:
    """'吉林省 长春市 朝阳区' for a division code; codes outside the loaded table fall back to their parents."""
    table = _division_table()
    for candidate in (code, code[:4] + "00", code[:2] + "0000"):
        if candidate in table:
            names = []
            current: str | None = candidate
            while current:
                name, current = table[current]
                names.append(name)
            return " ".join(reversed(names))
    return ""


def region_choices(province: str | None = None) -> list[tuple[str, str]]:
    """The divisions of the platform's province (``PLATFORM_DIVISION_CODE``) as (code, label) for a region
    select: the province, then each prefecture followed by its counties (labelled "市 · 区"), by code."""
    province = province or settings.PLATFORM_DIVISION_CODE
    table = _division_table()
    choices = []
    for code in sorted(c for c in table if c[:2] == province[:2]):
        name, parent = table[code]
        label = f"{table[parent][0]} · {name}" if parent and parent in table and parent != province else name
        choices.append((code, label))
    return choices


def division_table_clear() -> None:
    """Forget the cached division table (after loading divisions)."""
    _division_table.cache_clear()


def subjects_by_codes(codes: list[str]) -> tuple[dict[str, CreditSubject], dict[str, str]]:
    """Subjects by the codes given (USCC or citizen ID), and a message for each code that is not valid."""
    usccs, digests, errors = {}, {}, {}
    for code in codes:
        try:
            usccs[code] = ids.normalize_uscc(code)
            continue
        except ids.IdentifierError as error:
            uscc_error = str(error)
        try:
            digests[code] = citizen_id_digest(ids.normalize_citizen_id(code))
        except ids.IdentifierError:
            errors[code] = uscc_error
    fields = ("id", "name", "uscc", "kind", "citizen_id_masked", "citizen_id_hash")
    by_uscc = {s.uscc: s for s in CreditSubject.objects.filter(uscc__in=set(usccs.values())).only(*fields)}
    by_hash = {
        s.citizen_id_hash: s
        for s in CreditSubject.objects.filter(citizen_id_hash__in=set(digests.values())).only(*fields)
    }
    found = {code: by_uscc[u] for code, u in usccs.items() if u in by_uscc}
    found |= {code: by_hash[d] for code, d in digests.items() if d in by_hash}
    return found, errors


def subject_accesses(subject: CreditSubject) -> QuerySet[SubjectAccess]:
    """Who read the subject's restricted information, newest first (its access log)."""
    return SubjectAccess.objects.filter(subject=subject).order_by("-occurred_at", "-id")


@dataclass(frozen=True)
class SubjectCandidate:
    """A subject a staff member may mean, and why it was offered (``matched``: the code or former name).
    ``exact``: found by a code or a citizen ID number, not by a name (the only kind a typed code may match)."""

    subject: CreditSubject
    matched: str
    exact: bool = False

    @property
    def code(self) -> str:
        return self.subject.uscc or self.subject.citizen_id_masked or ""


#: How many candidates a lookup offers.
CANDIDATE_LIMIT = 10


def subject_candidates(raw_query: str, *, persons_by_id: bool = False) -> list[SubjectCandidate]:
    """The subjects staff may mean by a name or a code, for a lookup to pick from: by USCC, 工商注册号 or
    组织机构代码 (exact); by current name (containing the query, ranked as the public search) and by former
    names (曾用名); a natural person only by the full citizen ID number and only when ``persons_by_id`` (the
    credit centre matching a record): persons are never found by name (seed 002 item 77).

    Raises ``SearchQueryError`` with a Chinese message for a query that cannot be looked up."""
    query = " ".join(raw_query.split())
    if looks_like_code(query):
        if persons_by_id:
            try:
                digest = citizen_id_digest(ids.normalize_citizen_id(query))
            except ids.IdentifierError:
                pass
            else:
                person = CreditSubject.objects.filter(citizen_id_hash=digest).first()
                return [SubjectCandidate(person, "身份证号", exact=True)] if person else []
        try:
            subject = subject_get_by_code(query)
        except ids.IdentifierError as error:
            if ids.citizen_id_check_char_wrong(query):
                raise SearchQueryError(
                    CITIZEN_ID_CHECK_MESSAGE_STAFF if persons_by_id else CITIZEN_ID_CHECK_MESSAGE
                ) from error
            raise SearchQueryError(str(error)) from error
        except CreditSubject.DoesNotExist:
            return []
        return [SubjectCandidate(subject, "代码", exact=True)]
    if len(query) < 2:
        raise SearchQueryError("请输入至少2个字的名称，或完整的统一社会信用代码。")
    if len(query) > 100:
        raise SearchQueryError("查询内容过长，请输入不超过100个字的名称或代码。")
    # As the public search: unordered first, so the planner stays on the name index; ranked in memory.
    rows = list(subjects_name_matching(query).order_by()[: CANDIDATE_LIMIT * 5].values_list("pk", "name"))
    ranked = [pk for pk, _ in sorted(rows, key=search_rank_key(query))][:CANDIDATE_LIMIT]
    by_pk = CreditSubject.objects.in_bulk(ranked)
    found = [SubjectCandidate(by_pk[pk], "名称") for pk in ranked]
    known = {c.subject.pk for c in found}
    former = (
        SubjectNameHistory.objects.filter(name__contains=query)
        .exclude(subject__kind=SubjectKind.NATURAL_PERSON)
        .exclude(subject_id__in=known)
        .select_related("subject")
        .order_by("subject_id", "-replaced_at")[:CANDIDATE_LIMIT]
    )
    for history in former:
        if history.subject_id not in known and len(found) < CANDIDATE_LIMIT:
            known.add(history.subject_id)
            found.append(SubjectCandidate(history.subject, f"曾用名：{history.name}"))
    return found
