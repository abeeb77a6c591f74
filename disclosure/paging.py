"""Pages of long public lists without a total count: ``SlicePage`` (a bounded offset) and ``SeekPage`` (keyset
pages on ``(date, id)`` with signed cursors), shared by the 双公示 and list pages and the subject page tabs."""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass

from django.core import signing
from django.db.models import Q

# ``?page=N`` (an offset) is served this deep (1,000 rows); the pages' own links carry a cursor instead
# (``SeekPage``), which costs the same at any depth.
MAX_SLICE_PAGE = 50


class PageOutOfRange(Exception):
    """A page number past what a list without a total count serves."""


@dataclass
class SlicePage:
    """A page without a total count: counting millions of public records on every page view would cost more
    than showing them, so the page knows only whether there is a next one (it reads one row more)."""

    object_list: list
    number: int
    has_next: bool

    @classmethod
    def of(cls, queryset, page: str | None, size: int) -> SlicePage:
        """Page ``page`` (1 when missing or not a number); raises ``PageOutOfRange`` past ``MAX_SLICE_PAGE``,
        where the offset would be slow to skip (or, for absurd numbers, beyond what the database can count)."""
        page = (page or "").strip()
        number = max(int(page), 1) if page.isdecimal() and len(page) <= 9 else 1
        if page.isdecimal() and (len(page) > 9 or number > MAX_SLICE_PAGE):
            raise PageOutOfRange
        rows = list(queryset[(number - 1) * size : number * size + 1])
        return cls(object_list=rows[:size], number=number, has_next=len(rows) > size)

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_other_pages(self) -> bool:
        return self.has_next or self.has_previous

    def __iter__(self):
        return iter(self.object_list)


def _scope_digest(scope: str) -> str:
    """A short digest of a list's scope (its type or subject and filters), carried in its cursors."""
    return hashlib.sha256(scope.encode()).hexdigest()[:12] if scope else ""


def filters_scope(name: str, params, ignored=("page", "cursor")) -> str:
    """The scope of a filtered list: ``name`` and its non-empty filters in a fixed order."""
    filters = sorted((key, value.strip()) for key, value in params.items() if key not in ignored and value.strip())
    return f"{name}?" + "&".join(f"{key}={value}" for key, value in filters)


class BadCursor(Exception):
    """A ``cursor`` parameter that was not made by this site (tampered, truncated or of another format)."""


CURSOR_SALT = "disclosure.seek-page"


@dataclass
class SeekPage:
    """A page of a list ordered newest first by ``(date, id)``, reached by seeking to the key of the row it
    follows (keyset pagination, issue 12): every page costs one index range read of ``size + 1`` rows, at any
    depth, where an offset would read and discard every row before it. The links carry a signed cursor (the
    key of the first or last row shown, the direction and the page number shown to the reader)."""

    object_list: list
    number: int
    has_next: bool
    has_previous: bool
    date_field: str = "decided_on"
    scope: str = ""

    @classmethod
    def of(cls, queryset, params, size: int, *, date_field: str, scope: str = "") -> SeekPage:
        """The page named by ``params``: ``cursor`` if present (``BadCursor`` when it is not ours, or was made
        for another list: ``scope`` names the list and its filters), else ``page`` as a plain offset, for the
        first ``MAX_SLICE_PAGE`` pages only (``PageOutOfRange`` past)."""
        raw = params.get("cursor", "")
        scope = _scope_digest(scope)
        if not raw:
            sliced = SlicePage.of(queryset.order_by(f"-{date_field}", "-pk"), params.get("page"), size)
            return cls(sliced.object_list, sliced.number, sliced.has_next, sliced.has_previous, date_field, scope)
        key_date, key_id, backwards, number = cls._cursor_load(raw, scope)
        # ``date <= key`` first: an index condition, so the scan starts at the key instead of the newest row;
        # the OR then settles the ties on the same date by id.
        if backwards:
            after = Q(**{f"{date_field}__gt": key_date}) | Q(**{date_field: key_date, "pk__gt": key_id})
            rows = list(
                queryset.filter(**{f"{date_field}__gte": key_date}).filter(after).order_by(date_field, "pk")[: size + 1]
            )
            if not rows:
                # Every row before the key has left the list since the link was made (revoked, its disclosure
                # period ended): the first page is what comes before.
                sliced = SlicePage.of(queryset.order_by(f"-{date_field}", "-pk"), "1", size)
                return cls(sliced.object_list, 1, sliced.has_next, False, date_field, scope)
            more = len(rows) > size
            rows = rows[:size][::-1]
            number = max(number, 2) if more else 1
            return cls(rows, number, has_next=True, has_previous=more, date_field=date_field, scope=scope)
        before = Q(**{f"{date_field}__lt": key_date}) | Q(**{date_field: key_date, "pk__lt": key_id})
        rows = list(
            queryset.filter(**{f"{date_field}__lte": key_date})
            .filter(before)
            .order_by(f"-{date_field}", "-pk")[: size + 1]
        )
        return cls(
            rows[:size], number, has_next=len(rows) > size, has_previous=True, date_field=date_field, scope=scope
        )

    @staticmethod
    def _cursor_load(raw: str, scope: str) -> tuple[datetime.date, int, bool, int]:
        try:
            value = signing.Signer(salt=CURSOR_SALT).unsign_object(raw)
            key_date = datetime.date.fromisoformat(value["d"])
            key_id, backwards, number = value["i"], value["b"], value["n"]
        except (signing.BadSignature, TypeError, ValueError, KeyError, UnicodeError) as error:
            raise BadCursor from error
        if not (isinstance(key_id, int) and isinstance(backwards, bool) and isinstance(number, int)):
            raise BadCursor
        if value.get("s", "") != scope:  # a cursor of another list, subject, tab or filter
            raise BadCursor
        return key_date, key_id, backwards, max(1, min(number, 10**9))

    def _cursor(self, row, *, backwards: bool, number: int) -> str:
        key_date = getattr(row, self.date_field)
        value = {"d": key_date.isoformat(), "i": row.pk, "b": backwards, "n": number, "s": self.scope}
        return signing.Signer(salt=CURSOR_SALT).sign_object(value)

    @property
    def next_cursor(self) -> str:
        return self._cursor(self.object_list[-1], backwards=False, number=self.number + 1) if self.has_next else ""

    @property
    def previous_cursor(self) -> str:
        if not self.has_previous or not self.object_list:
            return ""
        return self._cursor(self.object_list[0], backwards=True, number=self.number - 1)

    @property
    def has_other_pages(self) -> bool:
        return self.has_next or self.has_previous

    def __iter__(self):
        return iter(self.object_list)
