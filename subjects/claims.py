"""What a record says about its subject. Pure data, shared by record validation and subject resolution."""

import datetime
from dataclasses import dataclass


@dataclass(frozen=True)
class SubjectClaim:
    """A name, a kind if known, and whatever identifiers the record carries (normalised; the citizen ID in
    clear only on its way to being hashed — it is never stored)."""

    name: str
    kind: str = ""
    uscc: str = ""
    citizen_id: str = ""
    registration_number: str = ""
    organization_code: str = ""
    # False for entries not yet reviewed: a name typed into a form must not rename a registered subject.
    rename: bool = True
    # The decision date of the record that carries the name: the name was the subject's name on that day.
    # Records arrive out of order, so an authority's item renames only if it is not older than the last change.
    as_of: datetime.date | None = None
