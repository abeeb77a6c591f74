"""Reads of subjects and divisions that pages, the API and other apps reuse."""

from __future__ import annotations

from dataclasses import dataclass
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
    """A ranked, capped search: ``ranked_ids`` in display order; ``capped`` says more matched than were ranked."""

    query: str
    ranked_ids: list[int]
    by_code: bool
    capped: bool

    def subjects(self, ids: list[int] | None = None) -> list[CreditSubject]:
        """The subjects of ``ids`` (by default all ranked ones), in ranked order, in one query.

        A name search shows only subjects whose current name has the query: a precomputed list
        (subjects.fragments) may still name a subject renamed a moment ago."""
        ids = self.ranked_ids if ids is None else ids
        by_pk = CreditSubject.objects.in_bulk(ids)
        subjects = [by_pk[pk] for pk in ids if pk in by_pk]
        return subjects if self.by_code else [subject for subject in subjects if self.query in subject.name]


# The schemes by which anyone may look a subject up. Citizen ID numbers are deliberately absent: the public
# never finds a person by ID, and a 15-digit registration number must not be mistaken for an old ID.
_LOOKUP_SCHEMES = (
    (ids.normalize_uscc, None),
    (ids.normalize_registration_number, LegacyScheme.REGISTRATION_NUMBER),
    (ids.normalize_organization_code, LegacyScheme.ORGANIZATION_CODE),
)


def looks_like_code(query: str) -> bool:
    """True when the query is made of code characters only (letters, digits, hyphen) and 9+ long."""
    compact = "".join(query.split()).replace("-", "")
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


def subject_search(raw_query: str) -> SubjectSearch:
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
            raise SearchQueryError(str(error)) from error
        except CreditSubject.DoesNotExist:
            return SubjectSearch(query=query, ranked_ids=[], by_code=True, capped=False)
        return SubjectSearch(query=query, ranked_ids=[subject.pk], by_code=True, capped=False)
    if len(query) < settings.SEARCH_MIN_LENGTH:
        raise SearchQueryError(f"请输入至少{settings.SEARCH_MIN_LENGTH}个字的名称，或完整的统一社会信用代码。")
    if len(query) > 100:
        raise SearchQueryError("查询内容过长，请输入不超过100个字的名称或代码。")

    cap = settings.SEARCH_RESULT_CAP
    if len(query) <= settings.SEARCH_FRAGMENT_MAX_LENGTH:
        stored = SearchFragment.objects.filter(pk=query).values_list("ranked_ids", flat=True).first()
        if stored is not None:
            # A frequent fragment: its capped, ranked list is precomputed. Exact-name matches rank first (by id)
            # and may lie beyond the cap, so they are looked up each time, as below.
            exact = list(name_searchable_subjects().filter(name=query).order_by("pk").values_list("pk", flat=True))
            known = set(exact)
            return SubjectSearch(
                query=query, ranked_ids=exact + [pk for pk in stored if pk not in known], by_code=False, capped=True
            )
    matches = subjects_name_matching(query).values_list("pk", "name")
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
    return SubjectSearch(query=query, ranked_ids=[pk for pk, _ in rows], by_code=False, capped=capped)


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
    """A subject a staff member may mean, and why it was offered (``matched``: the code or former name)."""

    subject: CreditSubject
    matched: str

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
                return [SubjectCandidate(person, "身份证号")] if person else []
        try:
            subject = subject_get_by_code(query)
        except ids.IdentifierError as error:
            raise SearchQueryError(str(error)) from error
        except CreditSubject.DoesNotExist:
            return []
        return [SubjectCandidate(subject, "代码")]
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
