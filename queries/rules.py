"""Which restricted record types a department may read: a pure decision over its grants (no Django import).

Seed 000 四(七) and seed 003 item 15: "各行业主管部门要对信用信息进行分类分级管理，确定查询权限，特殊查询需求特殊申请".
Public types are for everyone and need no grant; a government-shared (政务共享) or authorised-query (授权查询)
type of another department is readable only through a grant in force that names the type or its catalog
category. Anything beyond is a special query.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from core.vocabulary import DISCLOSURE_PUBLIC


@dataclass(frozen=True)
class GrantFacts:
    """A grant as the decision needs it: one record type, or a whole catalog category."""

    pk: int
    record_type_id: int | None
    category: str
    expires_on: datetime.date | None
    is_active: bool


@dataclass(frozen=True)
class TypeFacts:
    pk: int
    code: str
    category: str
    disclosure_level: str


def grant_in_force(grant: GrantFacts, as_of: datetime.date) -> bool:
    """Active and not past its last day (``expires_on`` is the last day it may be used)."""
    return grant.is_active and (grant.expires_on is None or as_of <= grant.expires_on)


def grant_covers(grant: GrantFacts, record_type: TypeFacts) -> bool:
    if record_type.disclosure_level == DISCLOSURE_PUBLIC:
        return False  # public data needs no grant, and a grant never widens what "public" means
    if grant.record_type_id is not None:
        return grant.record_type_id == record_type.pk
    return grant.category == record_type.category


def readable_types(
    grants: Iterable[GrantFacts], types: Iterable[TypeFacts], as_of: datetime.date
) -> dict[int, tuple[int, ...]]:
    """The restricted types the grants open on ``as_of``, each with the grants that open it (for the access log)."""
    in_force = [grant for grant in grants if grant_in_force(grant, as_of)]
    readable = {}
    for record_type in types:
        covering = tuple(sorted(grant.pk for grant in in_force if grant_covers(grant, record_type)))
        if covering:
            readable[record_type.pk] = covering
    return readable
