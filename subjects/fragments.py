"""Precomputed results of frequent name fragments (issue 12).

A fragment such as 长春, 有限 or 餐饮 matches tens of thousands of subjects. ``subject_search`` ranks only the
``SEARCH_RESULT_CAP`` matches with the lowest ids (plus exact-name matches), but finding those costs a read of
the fragment's whole posting list or a walk of the primary key: 100-600 ms at a million subjects, too much for
a public page that crawlers read. So every fragment of 2 to ``SEARCH_FRAGMENT_MAX_LENGTH`` characters that
matches more than the cap keeps its ranked list in ``SearchFragment``, read in one primary-key lookup.

How the store stays equal to what the ordinary search would return:

- ``search_fragments_refresh`` rebuilds it from the whole table: nightly (Celery beat) and after ``seed_demo``;
- a rename writes the former name into its ``subjects.facts_changed`` outbox item, and
  ``search_fragments_rename`` updates the stored fragments of the old and new name that the subject was in
  or now belongs in (the refresh and these updates exclude each other by an advisory lock);
- a new subject has the highest id, so it never belongs in a stored list of lowest ids (an exact-name match
  is looked up on every search); a fragment that becomes frequent after the refresh is searched the
  ordinary way until the next one, and one that drops to the cap or below is removed when a rename touches it;
- until a rename's item is delivered, ``SubjectSearch.subjects`` drops shown rows whose name lacks the query.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from django.conf import settings
from django.db import connection, transaction

from .models import CreditSubject, SearchFragment
from .selectors import name_searchable_subjects, search_rank_key, subjects_name_matching

# pg_advisory_xact_lock key: the refresh holds it exclusively, rename updates share it.
_LOCK_KEY = 0x53454152  # "SEAR"
_CHUNK = 20_000


def _searchable_names(*, ordered: bool) -> Iterator[tuple[int, str]]:
    """(id, name) of every subject found by name (natural persons never are), streamed."""
    rows = name_searchable_subjects().values_list("pk", "name")
    return (rows.order_by("pk") if ordered else rows.order_by()).iterator(chunk_size=_CHUNK)


def _runs(name: str, bigrams: set[str]) -> list[str]:
    """The longest pieces of ``name`` whose every 2-character window is in ``bigrams``, 3+ characters long.

    A frequent fragment of three or more characters lies inside such a piece: each of its windows is frequent.
    """
    pieces, start = [], None
    for i in range(len(name) - 1):
        if name[i : i + 2] in bigrams:
            if start is None:
                start = i
        elif start is not None:
            if i - start >= 2:
                pieces.append(name[start : i + 1])
            start = None
    if start is not None and len(name) - start >= 3:
        pieces.append(name[start:])
    return pieces


def _windows(pieces: list[str], shortest: int, longest: int) -> set[str]:
    return {
        piece[i : i + n]
        for piece in pieces
        for n in range(shortest, min(longest, len(piece)) + 1)
        for i in range(len(piece) - n + 1)
    }


def frequent_fragments(*, cap: int, longest: int) -> dict[str, int]:
    """Fragments of 2 to ``longest`` characters that more than ``cap`` searchable subjects contain, with counts.

    Two passes over the names: one counting 2-character windows, one counting the longer windows made only of
    frequent 2-character ones."""
    counts: Counter[str] = Counter()
    for _, name in _searchable_names(ordered=False):
        counts.update({name[i : i + 2] for i in range(len(name) - 1)})
    bigrams = {fragment for fragment, count in counts.items() if count > cap}
    frequent = {fragment: counts[fragment] for fragment in bigrams}
    if longest > 2 and bigrams:
        counts = Counter()
        for _, name in _searchable_names(ordered=False):
            if pieces := _runs(name, bigrams):
                counts.update(_windows(pieces, 3, longest))
        frequent |= {fragment: count for fragment, count in counts.items() if count > cap}
    return frequent


def _lowest_matches(fragments: set[str], *, cap: int, longest: int) -> tuple[dict[str, list[int]], dict[int, str]]:
    """The ids of the ``cap + 1`` lowest-id matches of each fragment (fewer if it has fewer), in one pass by id,
    and the names of those subjects."""
    bigrams = {fragment for fragment in fragments if len(fragment) == 2}
    members: dict[str, list[int]] = {fragment: [] for fragment in fragments}
    names: dict[int, str] = {}
    open_ = set(fragments)
    for pk, name in _searchable_names(ordered=True):
        hits = {name[i : i + 2] for i in range(len(name) - 1)} & open_
        if longest > 2 and (pieces := _runs(name, bigrams)):
            hits |= _windows(pieces, 3, longest) & open_
        if hits:
            names[pk] = name
        for fragment in hits:
            ids = members[fragment]
            ids.append(pk)
            if len(ids) > cap:
                open_.discard(fragment)
        if not open_:
            break
    return members, names


def _ranked_ids(fragment: str, rows: list[tuple[int, str]]) -> list[int]:
    return [pk for pk, _ in sorted(rows, key=search_rank_key(fragment))]


def _lock(*, shared: bool) -> None:
    """Refresh and rename updates exclude each other: a rename committed while the refresh reads the names
    may be missed by it, so its update waits (and is retried by the outbox after 2 s) until the refresh is in."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        if shared:
            cursor.execute("SET LOCAL lock_timeout = '2s'")
            cursor.execute("SELECT pg_advisory_xact_lock_shared(%s)", [_LOCK_KEY])
            cursor.execute("SET LOCAL lock_timeout TO DEFAULT")
        else:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_KEY])


def search_fragments_refresh() -> int:
    """Rebuild the store from every searchable name; returns the number of frequent fragments stored.

    Three passes over the table (1.5–3 minutes and under 300 MB at a million subjects on a loaded machine, see
    docs/benchmarks.md; the names kept are bounded by fragments x (cap + 1), not by the table); searches read
    the previous store until this one commits."""
    cap, longest = settings.SEARCH_RESULT_CAP, settings.SEARCH_FRAGMENT_MAX_LENGTH
    with transaction.atomic():
        _lock(shared=False)
        counts = frequent_fragments(cap=cap, longest=longest)
        members, names = _lowest_matches(set(counts), cap=cap, longest=longest)
        stored = [
            SearchFragment(
                fragment=fragment,
                matches=counts[fragment],
                ranked_ids=_ranked_ids(fragment, [(pk, names[pk]) for pk in ids[:cap]]),
            )
            for fragment, ids in sorted(members.items())
            if len(ids) > cap
        ]
        SearchFragment.objects.all().delete()
        SearchFragment.objects.bulk_create(stored, batch_size=200)
    return len(stored)


def search_fragments_rename(former_names: dict[int, str]) -> int:
    """After renames (subject id -> name before): update each stored fragment of an old or new name that one
    of these subjects is listed under or now belongs in. Returns how many changed; safe to repeat."""
    if not former_names:
        return 0
    cap, longest = settings.SEARCH_RESULT_CAP, settings.SEARCH_FRAGMENT_MAX_LENGTH
    lengths = range(2, longest + 1)
    current = dict(name_searchable_subjects().filter(pk__in=list(former_names)).values_list("pk", "name"))
    windows = set()
    for name in [*current.values(), *former_names.values()]:
        windows |= {name[i : i + n] for n in lengths for i in range(len(name) - n + 1)}
    updated = 0
    with transaction.atomic():
        _lock(shared=True)
        # Rows locked in fragment order: two updates touching the same fragments wait for each other.
        for stored in SearchFragment.objects.select_for_update().filter(fragment__in=windows).order_by("fragment"):
            if _fragment_update(stored, current, cap):
                updated += 1
    return updated


def _fragment_update(stored: SearchFragment, current: dict[int, str], cap: int) -> bool:
    """Bring one stored list up to date with the current names of renamed subjects; whether it changed.

    The list holds every match up to its highest id (``last``), so after the renames the matches up to
    ``last`` are the listed ones that still match plus the renamed ones that now do. Only when fewer than
    the cap remain are the next matches read, walking the primary key from ``last`` (a few rows for a dense
    fragment); when there are not enough, the fragment no longer exceeds the cap and leaves the store.
    """
    listed, last = set(stored.ranked_ids), max(stored.ranked_ids)
    leaving = {pk for pk, name in current.items() if pk in listed and stored.fragment not in name}
    staying = {pk for pk, name in current.items() if stored.fragment in name and pk <= last}
    if not leaving and not staying:
        return False
    ids = sorted((listed - leaving) | staying)
    if len(ids) <= cap:
        beyond = subjects_name_matching(stored.fragment).filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)
        ids += list(beyond[: cap + 1 - len(ids)])
        if len(ids) <= cap:
            stored.delete()
            return True
    names = CreditSubject.objects.filter(pk__in=ids[:cap]).values_list("pk", "name")
    stored.ranked_ids = _ranked_ids(stored.fragment, list(names))
    stored.save(update_fields=["ranked_ids", "refreshed_at"])
    return True


def fragments_on_facts_changed(payload: dict) -> None:
    """Outbox handler of ``subjects.facts_changed``: renames (with ``former_names``) update the store."""
    former = payload.get("former_names") or {}
    search_fragments_rename({int(pk): name for pk, name in former.items()})
