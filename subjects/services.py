"""State changes of subjects. Every change writes its audit event in its transaction."""

from __future__ import annotations

import datetime
import unicodedata
from dataclasses import asdict, dataclass
from enum import StrEnum

from django.db import IntegrityError, transaction
from django.utils import timezone

from audit.services import Actor, audit_event_record, audit_events_record_many
from outbox.services import outbox_add

from . import identifiers as ids
from .choices import (
    ConflictKind,
    ConflictStatus,
    LegacyScheme,
    NameSource,
    RegistrationStatus,
    SubjectKind,
)
from .claims import SubjectClaim
from .models import (
    CreditSubject,
    SubjectAccess,
    SubjectConflict,
    SubjectIdentifier,
    SubjectNameHistory,
    is_registration_authority,
)
from .privacy import citizen_id_digest
from .signals import SUBJECTS_FACTS_CHANGED


@dataclass(frozen=True)
class SubjectResolution:
    """The outcome of ``subject_resolve``: the subject, or ``None`` and the conflict an admin must settle."""

    subject: CreditSubject | None
    created: bool = False
    renamed: bool = False
    conflict: SubjectConflict | None = None
    # Set (and ``subject`` None) when the item's name does not match the registered name of its code: the
    # item is refused on its name field and nothing was written.
    name_error: str = ""


def _subject_snapshot(subject: CreditSubject, *, facts: bool = False) -> dict:
    """A subject as the audit trail keeps it: a natural person only by masked name and ID. ``facts`` adds
    the registration facts a correction may change (kept out of the bulk creation events: they are empty)."""
    person = subject.is_natural_person
    snapshot = {
        "kind": subject.kind,
        "name": ids.mask_person_name(subject.name) if person else subject.name,
        "uscc": subject.uscc,
        "division_code": subject.division_code,
        "registration_status": subject.registration_status,
        "citizen_id_masked": subject.citizen_id_masked,
        "name_source": subject.name_source,
        "name_changed_on": subject.name_changed_on.isoformat() if subject.name_changed_on else None,
    }
    if facts:
        snapshot |= {
            "legal_representative": subject.legal_representative,
            "established_on": subject.established_on.isoformat() if subject.established_on else None,
            "address": "" if person else subject.address,
        }
    return snapshot


def _normalized_claim(claim: SubjectClaim) -> SubjectClaim:
    """Normalise every identifier; an invalid one raises ``IdentifierError`` and nothing is written."""
    return SubjectClaim(
        name=" ".join(claim.name.split()),
        kind=claim.kind,
        uscc=ids.normalize_uscc(claim.uscc) if claim.uscc.strip() else "",
        citizen_id=ids.normalize_citizen_id(claim.citizen_id) if claim.citizen_id.strip() else "",
        registration_number=(
            ids.normalize_registration_number(claim.registration_number) if claim.registration_number.strip() else ""
        ),
        organization_code=(
            ids.normalize_organization_code(claim.organization_code) if claim.organization_code.strip() else ""
        ),
        rename=claim.rename,
        as_of=claim.as_of,
    )


def _legacy_codes(claim: SubjectClaim) -> list[tuple[str, str]]:
    codes = [
        (LegacyScheme.REGISTRATION_NUMBER, claim.registration_number),
        (LegacyScheme.ORGANIZATION_CODE, claim.organization_code),
    ]
    return [(scheme, value) for scheme, value in codes if value]


def _kind_from_uscc(uscc: str) -> str:
    parts = ids.parse_uscc(uscc)
    if parts.registration_authority == "9" and parts.subject_type == "2":
        return SubjectKind.INDIVIDUAL_BUSINESS
    return SubjectKind.LEGAL_ENTITY


def _conflict_open(
    *,
    kind: str,
    claim: SubjectClaim,
    detail: str,
    actor: Actor,
    source: str,
    subject: CreditSubject | None = None,
    other: CreditSubject | None = None,
) -> SubjectConflict:
    claim_data = asdict(claim)
    claim_data["as_of"] = claim.as_of.isoformat() if claim.as_of else None
    if claim_data["citizen_id"]:
        claim_data["citizen_id"] = ids.mask_citizen_id(claim_data["citizen_id"])
        claim_data["name"] = ids.mask_person_name(claim_data["name"])
    conflict = SubjectConflict.objects.create(
        kind=kind, claim=claim_data, detail=detail, source=source, subject=subject, other_subject=other
    )
    audit_event_record(actor=actor, action="subject.conflict_open", obj=conflict, reason=detail, after=claim_data)
    return conflict


def _subject_update(
    subject: CreditSubject, *, changes: dict, action: str, actor: Actor, source: str, facts: bool = False
) -> None:
    """Apply ``changes`` to the locked row, validate, save, and audit before/after; ``subject`` follows along.

    The public pages of the subject are cached: a ``subjects.facts_changed`` outbox item refreshes them. A
    renamed organisation's item carries its former name, for the search fragments it leaves (subjects.fragments);
    a natural person is never searched by name, and its name is not written there."""
    locked = CreditSubject.objects.select_for_update().get(pk=subject.pk)
    before = _subject_snapshot(locked, facts=facts)
    former_name = locked.name
    for field, value in changes.items():
        setattr(locked, field, value)
        setattr(subject, field, value)
    locked.full_clean()
    locked.save(update_fields=[*changes, "updated_at"])
    audit_event_record(
        actor=actor,
        action=action,
        obj=locked,
        reason=source,
        before=before,
        after=_subject_snapshot(locked, facts=facts),
    )
    payload: dict = {"subject_ids": [locked.pk]}
    if locked.name != former_name and not locked.is_natural_person:
        payload["former_names"] = {str(locked.pk): former_name}
    outbox_add(topic=SUBJECTS_FACTS_CHANGED, payload=payload)


# Who may name a subject ----------------------------------------------------------------------------------


class NameVerdict(StrEnum):
    """What an item's reported name does to its (existing) subject."""

    SAME = "same"  # the name agrees with the current or a former name: nothing to do
    KEEP = "keep"  # accepted, the subject keeps its name (older authority item, review entry, provisional name)
    RENAME = "rename"  # the registration authority gives a newer name
    CONFIRM = "confirm"  # the registration authority confirms a provisional name
    MISMATCH = "mismatch"  # another department's name matches no name of this code: the item is refused


def name_key(name: str) -> str:
    """A name as registries compare it: NFKC (full-width brackets and letters folded), no whitespace."""
    return "".join(unicodedata.normalize("NFKC", name).split())


def name_verdict(
    *,
    subject: CreditSubject,
    name: str,
    as_of: datetime.date | None,
    authority: bool,
    may_rename: bool,
    former_keys: frozenset[str] | set[str] = frozenset(),
) -> NameVerdict:
    """The naming rule, decided without a query (one datum, one source: seed 000 四(七); DESIGN §4).

    - Only the registration authority of the subject's kind (``Department.registers`` holds the USCC's
      first character) changes a name, and only with an item that may rename (not a clerk's entry waiting
      for review). Records arrive out of order: an authority's item renames only if its decision date is
      not older than the last name change (``name_changed_on``); an older one names the subject as it was
      then and is accepted without renaming. On the day of a credit-centre correction the correction wins.
      A name never given by an authority (provisional) is replaced by the authority's whatever the dates.
    - Every other department reports against the registered name: a name that is neither the current nor
      a former name is refused — unless the current name is provisional (the subject is not yet registered
      here), when the item is accepted and the first reported name stays until the authority speaks.
    - Natural persons have no registration authority here: the name first reported stays (only the credit
      centre corrects it), and a different name for a known citizen ID is refused like any mismatch.
    """
    same = not name or name == subject.name or name_key(name) == name_key(subject.name)
    if authority:
        if not may_rename:
            return NameVerdict.SAME if same else NameVerdict.KEEP
        if subject.name_source == NameSource.PROVISIONAL:
            return NameVerdict.CONFIRM if same else NameVerdict.RENAME
        if same:
            return NameVerdict.SAME
        last = subject.name_changed_on
        newer = (
            last is None
            or as_of is None
            or as_of > last
            or (as_of == last and subject.name_source != NameSource.CORRECTED)
        )
        return NameVerdict.RENAME if newer else NameVerdict.KEEP
    if same or name_key(name) in former_keys:
        return NameVerdict.SAME
    if subject.name_source == NameSource.PROVISIONAL:
        return NameVerdict.KEEP
    return NameVerdict.MISMATCH


def _is_authority(subject: CreditSubject, registers: str) -> bool:
    return is_registration_authority(registers, kind=subject.kind, uscc=subject.uscc or "")


def _former_keys(subject_ids) -> dict[int, set[str]]:
    """The former names of the given subjects, as ``name_key``s: one query."""
    keys: dict[int, set[str]] = {}
    if subject_ids:
        for subject_id, name in SubjectNameHistory.objects.filter(subject_id__in=list(subject_ids)).values_list(
            "subject_id", "name"
        ):
            keys.setdefault(subject_id, set()).add(name_key(name))
    return keys


def subject_name_matches(subject: CreditSubject, name: str) -> bool:
    """Whether ``name`` is the subject's current or a former name, compared as registries do (``name_key``).

    The rule a department's item is held to (``name_verdict``), for forms that speak for a registered subject
    without being a department (the public commitment form): full-width characters and spaces do not make a
    name wrong, and a subject that changed its name may still sign under the one on its papers."""
    key = name_key(name)
    if not key:
        return False
    return key == name_key(subject.name) or key in _former_keys([subject.pk]).get(subject.pk, set())


def name_mismatch_message(subject: CreditSubject, claim: SubjectClaim) -> str:
    """The refusal of a name, for the clerk: which code, and (organisations only) the registered name."""
    if subject.is_natural_person:
        return "姓名与该身份证号码已登记的姓名不一致，请核对；姓名以首次登记的为准，如有误请联系信用中心更正。"
    code = f"统一社会信用代码{subject.uscc}" if subject.uscc else "该主体代码"
    return (
        f"名称“{claim.name}”与{code}的登记名称“{subject.name}”不一致，请核对。"
        "主体名称以登记管理部门登记的为准，名称已变更的请先由登记管理部门报送。"
    )


class _NameMismatch(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _subject_name_apply(subject: CreditSubject, claim: SubjectClaim, *, registers: str, actor: Actor, source: str):
    """Apply the naming rule to an existing subject on its locked row; returns whether it was renamed.

    A mismatch raises ``_NameMismatch`` so that ``subject_resolve`` rolls back whatever it wrote for the item.
    """
    authority = _is_authority(subject, registers)
    locked = CreditSubject.objects.select_for_update().get(pk=subject.pk)
    verdict = name_verdict(
        subject=locked,
        name=claim.name,
        as_of=claim.as_of,
        authority=authority,
        may_rename=claim.rename,
        former_keys=_former_keys([locked.pk]).get(locked.pk, set()) if not authority else frozenset(),
    )
    if verdict == NameVerdict.MISMATCH:
        raise _NameMismatch(name_mismatch_message(locked, claim))
    as_of = claim.as_of or timezone.localdate()
    if verdict == NameVerdict.CONFIRM:
        changes = {"name_source": NameSource.AUTHORITY, "name_changed_on": as_of}
        _subject_update(subject, changes=changes, action="subject.name_confirm", actor=actor, source=source)
        return False
    if verdict != NameVerdict.RENAME:
        return False
    # A provisional name was never registered: it is not kept as a former name (it would then match forever).
    if locked.name_source != NameSource.PROVISIONAL:
        locked.former_names.create(name=locked.name, source=source)
    changes = {"name": claim.name, "name_source": NameSource.AUTHORITY, "name_changed_on": as_of}
    _subject_update(subject, changes=changes, action="subject.rename", actor=actor, source=source)
    return True


def subject_name_report(
    *, subject: CreditSubject, name: str, registers: str, as_of: datetime.date | None, actor: Actor, source: str
) -> bool:
    """The name of a department's entry that its reviewer has just approved, applied under the naming rule
    (``name_verdict``) as an item that may rename. Returns whether the subject was renamed.

    An entry waits for review without renaming (``SubjectClaim.rename``); once the registration authority's
    reviewer approves it, it is the authority's word like any of its pushes, so a provisional name reported
    by another department, or an older registered one, gives way to it — a department that reports only
    through the workbench is still the one source of its subjects' names. Any other department's name was
    checked when it was entered and is not applied. Runs inside the approval's transaction."""
    if not name or not _is_authority(subject, registers):
        return False
    claim = SubjectClaim(name=" ".join(name.split()), uscc=subject.uscc or "", rename=True, as_of=as_of)
    return _subject_name_apply(subject, claim, registers=registers, actor=actor, source=source)


def _first_name_fields(claim: SubjectClaim, *, kind: str, registers: str, uscc: str = "") -> dict:
    """How a new subject's name is held: the authority's is registered, another department's provisional.

    So is the authority's own entry while it waits for review (``claim.rename`` False): a reviewer may still
    send it back, and a rejected typo must not become the name every other department is held to; the
    approval confirms it (``subject_name_report``)."""
    if kind == SubjectKind.NATURAL_PERSON:
        return {"name_source": NameSource.REPORTED, "name_changed_on": claim.as_of}
    if claim.rename and is_registration_authority(registers, kind=kind, uscc=uscc):
        return {"name_source": NameSource.AUTHORITY, "name_changed_on": claim.as_of}
    return {"name_source": NameSource.PROVISIONAL, "name_changed_on": None}


def _subject_create(*, actor: Actor, source: str, **fields) -> tuple[CreditSubject, bool]:
    """Create a subject, or return the one a concurrent transaction created with the same key."""
    unique_key = {k: fields[k] for k in ("uscc", "citizen_id_hash") if fields.get(k)}
    subject = CreditSubject(**fields)
    subject.full_clean(validate_unique=False, validate_constraints=True)
    try:
        with transaction.atomic():
            subject.save()
    except IntegrityError:
        if not unique_key:
            raise
        return CreditSubject.objects.get(**unique_key), False
    audit_event_record(
        actor=actor, action="subject.create", obj=subject, reason=source, after=_subject_snapshot(subject)
    )
    return subject, True


def _legacy_identifier_attach(subject: CreditSubject, *, scheme: str, value: str, actor: Actor, source: str) -> None:
    _identifier, created = SubjectIdentifier.objects.get_or_create(
        scheme=scheme, value=value, defaults={"subject": subject}
    )
    if created:
        audit_event_record(
            actor=actor,
            action="subject.identifier_add",
            obj=subject,
            reason=source,
            after={"scheme": scheme, "value": value},
        )


def _resolve_person(claim: SubjectClaim, *, registers: str, actor: Actor, source: str) -> SubjectResolution:
    digest = citizen_id_digest(claim.citizen_id)
    subject = CreditSubject.objects.filter(citizen_id_hash=digest).first()
    if subject is not None:
        renamed = _subject_name_apply(subject, claim, registers=registers, actor=actor, source=source)
        return SubjectResolution(subject=subject, renamed=renamed)
    subject, created = _subject_create(
        actor=actor,
        source=source,
        kind=SubjectKind.NATURAL_PERSON,
        name=claim.name,
        citizen_id_hash=digest,
        citizen_id_masked=ids.mask_citizen_id(claim.citizen_id),
        division_code=claim.citizen_id[:6],
        **_first_name_fields(claim, kind=SubjectKind.NATURAL_PERSON, registers=registers),
    )
    return SubjectResolution(subject=subject, created=created)


def _resolve_by_uscc(
    claim: SubjectClaim, legacy_subjects: list[CreditSubject], *, registers: str, actor: Actor, source: str
) -> SubjectResolution:
    subject = CreditSubject.objects.filter(uscc=claim.uscc).first()
    others = [other for other in legacy_subjects if subject is None or other.pk != subject.pk]
    if subject is None and len(others) == 1 and not others[0].uscc:
        # A subject first known by its old registration number now reports its USCC: the same subject.
        subject = others.pop()
        _subject_update(subject, changes={"uscc": claim.uscc}, action="subject.assign_uscc", actor=actor, source=source)
    if others:
        conflict = _conflict_open(
            kind=ConflictKind.LEGACY_CODE_ELSEWHERE,
            claim=claim,
            actor=actor,
            source=source,
            subject=subject,
            other=others[0],
            detail=f"统一社会信用代码 {claim.uscc} 与旧代码指向不同的信用主体（{others[0]}）。",
        )
        return SubjectResolution(subject=None, conflict=conflict)
    if subject is not None:
        renamed = _subject_name_apply(subject, claim, registers=registers, actor=actor, source=source)
        return SubjectResolution(subject=subject, renamed=renamed)
    kind = _kind_from_uscc(claim.uscc)
    subject, created = _subject_create(
        actor=actor,
        source=source,
        kind=kind,
        name=claim.name,
        uscc=claim.uscc,
        division_code=claim.uscc[2:8],
        **_first_name_fields(claim, kind=kind, registers=registers, uscc=claim.uscc),
    )
    return SubjectResolution(subject=subject, created=created)


def _resolve_by_legacy(
    claim: SubjectClaim, legacy_subjects: list[CreditSubject], *, registers: str, actor: Actor, source: str
) -> SubjectResolution:
    if len(legacy_subjects) > 1:
        first, second = legacy_subjects[:2]
        conflict = _conflict_open(
            kind=ConflictKind.LEGACY_CODE_ELSEWHERE,
            claim=claim,
            actor=actor,
            source=source,
            subject=first,
            other=second,
            detail=f"报送的旧代码分别指向 {first} 和 {second}。",
        )
        return SubjectResolution(subject=None, conflict=conflict)
    if legacy_subjects:
        subject = legacy_subjects[0]
        renamed = _subject_name_apply(subject, claim, registers=registers, actor=actor, source=source)
        return SubjectResolution(subject=subject, renamed=renamed)
    organisation_kinds = (SubjectKind.LEGAL_ENTITY, SubjectKind.INDIVIDUAL_BUSINESS)
    kind = claim.kind if claim.kind in organisation_kinds else SubjectKind.LEGAL_ENTITY
    subject, created = _subject_create(
        actor=actor,
        source=source,
        kind=kind,
        name=claim.name,
        division_code=claim.registration_number[:6],
        **_first_name_fields(claim, kind=kind, registers=registers),
    )
    return SubjectResolution(subject=subject, created=created)


def subject_resolve(*, claim: SubjectClaim, registers: str, actor: Actor, source: str = "") -> SubjectResolution:
    """Return the subject a record is about, creating it when it is new. Never creates a duplicate.

    Order of trust: the USCC (the legal identifier since 2015, seed 003 item 6), then the citizen ID for
    natural persons, then legacy codes. A name alone never identifies a subject. When identifiers
    disagree — a legacy code that belongs to another subject than the USCC, or two legacy codes that point
    at two subjects — nothing is guessed: a ``SubjectConflict`` is opened and no subject is returned.
    Invalid identifiers raise ``IdentifierError`` before anything is written.

    ``registers`` is the reporting department's ``Department.registers``: whether it is the registration
    authority of the subject decides what its name does (``name_verdict``). A name that does not match
    the registered one gives ``name_error`` and no subject, and everything written for the item is rolled
    back (it runs in its own savepoint).
    """
    try:
        with transaction.atomic():
            return _subject_resolve(_normalized_claim(claim), registers=registers, actor=actor, source=source)
    except _NameMismatch as mismatch:
        return SubjectResolution(subject=None, name_error=mismatch.message)


def _subject_resolve(claim: SubjectClaim, *, registers: str, actor: Actor, source: str) -> SubjectResolution:
    if claim.citizen_id:
        return _resolve_person(claim, registers=registers, actor=actor, source=source)
    legacy = _legacy_codes(claim)
    if not claim.uscc and not legacy:
        conflict = _conflict_open(
            kind=ConflictKind.UNIDENTIFIABLE,
            claim=claim,
            actor=actor,
            source=source,
            detail="记录未提供任何有效的主体代码，无法识别主体。",
        )
        return SubjectResolution(subject=None, conflict=conflict)

    legacy_subjects: dict[int, CreditSubject] = {}
    for identifier in SubjectIdentifier.objects.select_related("subject").filter(
        value__in=[value for _, value in legacy]
    ):
        if (identifier.scheme, identifier.value) in legacy:
            legacy_subjects.setdefault(identifier.subject_id, identifier.subject)
    resolve = _resolve_by_uscc if claim.uscc else _resolve_by_legacy
    result = resolve(claim, list(legacy_subjects.values()), registers=registers, actor=actor, source=source)
    if result.subject is not None:
        for scheme, value in legacy:
            _legacy_identifier_attach(result.subject, scheme=scheme, value=value, actor=actor, source=source)
    return result


@transaction.atomic
def subject_correct(
    *,
    subject: CreditSubject,
    reason: str,
    actor: Actor,
    name: str | None = None,
    registration_status: str | None = None,
    legal_representative: str | None = None,
    established_on: datetime.date | None = None,
    address: str | None = None,
    keep_former_name: bool = True,
) -> CreditSubject:
    """The credit centre corrects a subject's name or registration facts (its remedy when a wrong name or
    fact was published), with a required reason, audited with before and after.

    The old name is kept as a former name (``keep_former_name``), unless the credit centre finds it was
    never the subject's name (an impersonation, a typo): a former name is shown publicly and accepted
    from every department. A corrected name is dated today and an authority's item decided before today
    does not undo it (``name_verdict``). The public pages drop their cache once the change commits.
    Fields left ``None`` are not changed; a correction that changes nothing writes nothing.
    """
    reason = reason.strip()
    if not reason:
        raise ValueError("更正主体信息必须填写原因。")
    locked = CreditSubject.objects.select_for_update().get(pk=subject.pk)
    changes: dict = {}
    if name is not None:
        name = " ".join(name.split())
        if not name:
            raise ValueError("名称不能为空。")
        if name != locked.name:
            changes |= {"name": name, "name_source": NameSource.CORRECTED, "name_changed_on": timezone.localdate()}
    if registration_status is not None and registration_status != locked.registration_status:
        if registration_status not in RegistrationStatus.values:
            raise ValueError(f"登记状态“{registration_status}”无效。")
        changes["registration_status"] = registration_status
    facts = {"legal_representative": legal_representative, "established_on": established_on, "address": address}
    changes |= {field: value for field, value in facts.items() if value is not None and value != getattr(locked, field)}
    if not changes:
        return locked
    if "name" in changes and keep_former_name and locked.name_source != NameSource.PROVISIONAL:
        locked.former_names.create(name=locked.name, source=f"信用中心更正：{reason}"[:200])
    _subject_update(subject, changes=changes, action="subject.correct", actor=actor, source=reason, facts=True)
    return subject


@transaction.atomic
def subject_conflict_resolve(*, conflict: SubjectConflict, resolution: str, actor: Actor) -> SubjectConflict:
    """Close an identifier conflict with the admin's finding. Closing an already closed one changes nothing."""
    conflict = SubjectConflict.objects.select_for_update().get(pk=conflict.pk)
    if conflict.status == ConflictStatus.RESOLVED:
        return conflict
    conflict.status = ConflictStatus.RESOLVED
    conflict.resolution = resolution
    conflict.resolved_at = timezone.now()
    conflict.save(update_fields=["status", "resolution", "resolved_at"])
    audit_event_record(
        actor=actor,
        action="subject.conflict_resolve",
        obj=conflict,
        reason=resolution,
        before={"status": ConflictStatus.OPEN},
        after={"status": ConflictStatus.RESOLVED},
    )
    return conflict


def _claim_verdict(subject: CreditSubject, claim: SubjectClaim, *, registers: str, former: dict) -> NameVerdict:
    """``name_verdict`` for a claim about a loaded subject, ``former`` the former-name keys by subject id."""
    return name_verdict(
        subject=subject,
        name=claim.name,
        as_of=claim.as_of,
        authority=_is_authority(subject, registers),
        may_rename=claim.rename,
        former_keys=former.get(subject.pk, frozenset()),
    )


def subjects_resolve_many(
    *, claims: list[SubjectClaim], registers: str, actor: Actor, source: str = ""
) -> list[SubjectResolution]:
    """``subject_resolve`` for a batch, in input order, with the common case done in bulk.

    A claim that carries only a USCC (no legacy code, no citizen ID) is answered from one query for all of
    them, and the new ones are inserted together; the naming rule (``name_verdict``) is decided in memory,
    with one more query for the former names only when some reported names differ from the current ones.
    A name that renames or confirms, and every other claim, go through ``subject_resolve`` one by one.
    Claims must be normalised already (records validate them).
    """
    simple = [
        i for i, c in enumerate(claims) if c.uscc and not (c.citizen_id or c.registration_number or c.organization_code)
    ]
    usccs = {claims[i].uscc for i in simple}
    existing = {
        s.uscc: s
        for s in CreditSubject.objects.filter(uscc__in=usccs).only(
            "id", "uscc", "name", "kind", "name_source", "name_changed_on", "division_code"
        )
    }
    new = {}
    for i in simple:
        claim = claims[i]
        if claim.uscc not in existing and claim.uscc not in new:
            kind = _kind_from_uscc(claim.uscc)
            new[claim.uscc] = CreditSubject(
                kind=kind,
                name=claim.name,
                uscc=claim.uscc,
                division_code=claim.uscc[2:8],
                **_first_name_fields(claim, kind=kind, registers=registers, uscc=claim.uscc),
            )
    if new:
        CreditSubject.objects.bulk_create(new.values(), batch_size=1000, ignore_conflicts=True)
        created = {s.uscc: s for s in CreditSubject.objects.filter(uscc__in=list(new))}
        audit_events_record_many(
            actor=actor,
            events=[
                {"action": "subject.create", "obj": subject, "reason": source, "after": _subject_snapshot(subject)}
                for subject in created.values()
            ],
        )
        existing |= created
    differing = {
        existing[claims[i].uscc].pk
        for i in simple
        if claims[i].name != existing[claims[i].uscc].name and not _is_authority(existing[claims[i].uscc], registers)
    }
    former = _former_keys(differing)
    results: list[SubjectResolution | None] = [None] * len(claims)
    for i in simple:
        claim, subject = claims[i], existing[claims[i].uscc]
        verdict = _claim_verdict(subject, claim, registers=registers, former=former)
        if verdict in (NameVerdict.SAME, NameVerdict.KEEP):
            results[i] = SubjectResolution(subject=subject, created=claim.uscc in new)
        elif verdict == NameVerdict.MISMATCH:
            results[i] = SubjectResolution(subject=None, name_error=name_mismatch_message(subject, claim))
    for i, claim in enumerate(claims):
        if results[i] is None:
            results[i] = subject_resolve(claim=claim, registers=registers, actor=actor, source=source)
    return results


def subjects_name_check(*, claims: list[SubjectClaim], registers: str) -> list[str]:
    """What ``subjects_resolve_many`` would refuse for its name, without writing: "" or the message, per claim.

    Read-only, for the first pass over a spreadsheet: one query for the subjects by USCC, one by citizen
    ID digest, one for the former names of those whose reported name differs. Claims known only by legacy
    codes are checked when the rows are imported. Claims must be normalised already.
    """
    by_uscc = {c.uscc for c in claims if c.uscc}
    digests = {c.citizen_id: citizen_id_digest(c.citizen_id) for c in claims if c.citizen_id}
    subjects = {}
    if by_uscc:
        subjects |= {
            s.uscc: s
            for s in CreditSubject.objects.filter(uscc__in=by_uscc).only(
                "id", "uscc", "name", "kind", "name_source", "name_changed_on"
            )
        }
    if digests:
        subjects |= {
            s.citizen_id_hash: s
            for s in CreditSubject.objects.filter(citizen_id_hash__in=set(digests.values())).only(
                "id", "citizen_id_hash", "name", "kind", "name_source", "name_changed_on"
            )
        }

    def subject_of(claim: SubjectClaim) -> CreditSubject | None:
        return subjects.get(digests[claim.citizen_id]) if claim.citizen_id else subjects.get(claim.uscc)

    former = _former_keys({s.pk for c in claims if (s := subject_of(c)) is not None and s.name != c.name})
    messages = []
    for claim in claims:
        subject = subject_of(claim)
        if subject is None:
            messages.append("")
            continue
        verdict = _claim_verdict(subject, claim, registers=registers, former=former)
        messages.append(name_mismatch_message(subject, claim) if verdict == NameVerdict.MISMATCH else "")
    return messages


# Reads of restricted information, shown to the subject -------------------------------------------------------


def subject_access_record(
    *,
    subject: CreditSubject,
    kind: str,
    accessor: str,
    purpose: str,
    actor: Actor,
    accessor_code: str = "",
    scope: list[str] | None = None,
    basis: str = "",
) -> SubjectAccess:
    """Record one read of a subject's restricted information: the entry the subject sees in its access log
    and the audit event (``subject.access``), together. Call it where the read is served, in a transaction.
    Texts longer than their columns (a 200-character account name with its role) are cut, never refused: the
    read is served, so it is logged."""

    def cut(name: str, text: str) -> str:
        return text[: SubjectAccess._meta.get_field(name).max_length]

    with transaction.atomic():
        access = SubjectAccess.objects.create(
            subject=subject,
            kind=kind,
            accessor=cut("accessor", accessor),
            accessor_code=cut("accessor_code", accessor_code),
            purpose=cut("purpose", purpose),
            scope=sorted(scope or []),
            basis=cut("basis", basis),
        )
        audit_event_record(
            actor=actor,
            action="subject.access",
            obj=subject,
            reason=purpose,
            after={"kind": kind, "accessor": accessor, "scope": access.scope, "basis": basis},
        )
    return access
