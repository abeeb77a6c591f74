"""Reads of subjects and divisions that pages, the API and other apps reuse."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.db import connection
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import Length

from . import identifiers as ids
from .choices import LegacyScheme
from .models import CreditSubject, Division, StaffRole, SubjectIdentifier
from .search import NameBigrams


class SearchQueryError(ValueError):
    """The query cannot be searched; the message says why, in Chinese, for the person who typed it."""


@dataclass(frozen=True)
class SubjectSearch:
    """A ranked, capped name search: ``subjects`` is ordered; ``capped`` says more matched than were ranked."""

    query: str
    subjects: QuerySet[CreditSubject]
    by_code: bool
    capped: bool


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


def _name_matches(query: str) -> QuerySet[CreditSubject]:
    subjects = CreditSubject.objects.filter(name__contains=query)
    if connection.vendor == "postgresql" and len(query) == 2:
        # Two characters are below pg_trgm's reach: go through the bigram index (see subjects.search).
        subjects = subjects.alias(bigrams=NameBigrams("name")).filter(bigrams__contains=NameBigrams(Value(query)))
    return subjects


def subject_search(raw_query: str) -> SubjectSearch:
    """Find subjects by code (exact) or by a name fragment of at least two characters.

    Name matches rank exact name first, then names starting with the query, then the rest, shorter names
    first. A broad fragment (such as 有限公司) can match most of the province; ranking every match would make
    one query cost a table scan, so only the first ``SEARCH_RESULT_CAP`` matches the index yields are ranked,
    plus any exact-name match, and ``capped`` tells the page to ask for a more specific query.
    """
    query = " ".join(raw_query.split())
    if looks_like_code(query):
        try:
            subject = subject_get_by_code(query)
        except ids.IdentifierError as error:
            raise SearchQueryError(str(error)) from error
        except CreditSubject.DoesNotExist:
            return SubjectSearch(query=query, subjects=CreditSubject.objects.none(), by_code=True, capped=False)
        return SubjectSearch(
            query=query, subjects=CreditSubject.objects.filter(pk=subject.pk), by_code=True, capped=False
        )
    if len(query) < settings.SEARCH_MIN_LENGTH:
        raise SearchQueryError(f"请输入至少{settings.SEARCH_MIN_LENGTH}个字的名称，或完整的统一社会信用代码。")
    if len(query) > 100:
        raise SearchQueryError("查询内容过长，请输入不超过100个字的名称或代码。")

    cap = settings.SEARCH_RESULT_CAP
    candidate_ids = list(_name_matches(query).order_by().values_list("pk", flat=True)[: cap + 1])
    capped = len(candidate_ids) > cap
    candidates = Q(pk__in=candidate_ids[:cap])
    if capped:
        candidates |= Q(name=query)
    ranked = (
        CreditSubject.objects.filter(candidates)
        .annotate(
            rank=Case(
                When(name=query, then=Value(0)),
                When(name__startswith=query, then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            ),
            name_length=Length("name"),
        )
        .order_by("rank", "name_length", "name", "pk")
    )
    return SubjectSearch(query=query, subjects=ranked, by_code=False, capped=capped)


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


def staff_roles_of(user) -> list[StaffRole]:
    """The roles a user holds, with their departments, in a stable order."""
    return list(StaffRole.objects.filter(user=user).select_related("department").order_by("role", "department__code"))
