"""What a record says about its subject. Pure data, shared by record validation and subject resolution."""

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
