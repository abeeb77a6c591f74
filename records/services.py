"""State changes of records: ingestion from every channel, review, revocation, matching, and statistics.

``records_ingest`` is the one path by which records arrive (API push, API batch, web form, spreadsheet).
It validates every item on its own, resolves the subjects in bulk, and writes the accepted items with
their versions and audit events in one transaction; a rejected item changes nothing. A department's
ingestions are applied one at a time (its ``Department`` row is locked), which is what makes concurrent
pushes of the same record safe without retry loops; the unique constraint on (department, type,
source_id) stays as the last guard.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from django.db import transaction
from django.utils import timezone

from audit.services import Actor, audit_event_record
from core import bulk
from core.errors import DomainError
from organisations.models import ApiToken, Department
from outbox.services import outbox_add
from subjects import identifiers as ids
from subjects.choices import AccessKind
from subjects.models import CreditSubject
from subjects.services import subject_access_record, subject_name_report, subjects_name_check, subjects_resolve_many

from . import rules
from .choices import (
    Channel,
    DisclosureLevel,
    IngestOutcome,
    ObjectionState,
    Polarity,
    RecordStatus,
    Severity,
    SeveritySource,
)
from .models import CreditRecord, IngestStat, RecordVersion
from .selectors import CatalogEntry, catalog_entries, disclosure_regimes, records_by_source_id
from .signals import RECORDS_CHANGED
from .validation import CleanRecord, Invalid, validate_record

MAX_ITEMS_PER_CALL = 1000
RECORD_VALUE_FIELDS = [
    "subject",
    "division_code",
    "status",
    "decided_on",
    *rules.DECISION_COLUMNS,
    "data",
    "data_hash",
    "channel",
    "batch",
]


class RecordError(DomainError):
    """A rule refused a change to a record."""


@dataclass(frozen=True)
class RecordInput:
    """One item to ingest: a record type code, its data keyed by field code, optionally a severity."""

    record_type: str
    data: dict
    severity: str = ""


@dataclass
class ItemResult:
    index: int
    status: str
    record_id: int | None = None
    errors: dict[str, list[str]] = field(default_factory=dict)


@dataclass
class _Accepted:
    index: int
    entry: CatalogEntry
    clean: CleanRecord
    decision: rules.Decision

    @property
    def key(self) -> tuple[int, str]:
        """The record's identity within its department: (record type id, the department's own id)."""
        return self.entry.record_type.pk, self.clean.source_id


def data_hash(data: dict, decision: rules.Decision, subject_id: int | None) -> str:
    """What makes a re-sent item "unchanged": its data, the severity the department gave (not a derived one,
    which follows the policy) and its subject. Ingestion and corrections hash alike."""
    payload = json.dumps([data, decision.given_severity, subject_id], sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(payload.encode()).hexdigest()


def given_severity_of(record: CreditRecord, entry: CatalogEntry) -> str:
    """The severity the department set itself on a stored record ("" when the policy derived it): kept through
    corrections and policy changes. Records stored before the source was kept (``severity_source`` "") count
    as the department's own when the rules do not derive the same grade from their data."""
    if record.severity_source == SeveritySource.DEPARTMENT:
        return record.severity
    if record.severity_source or not record.severity:
        return ""
    derived, _, _ = rules.severity_decision(record.data, entry.severity_rules, default=entry.policy.default_severity)
    return "" if record.severity == derived else record.severity


def _decide(
    entry: CatalogEntry, clean: CleanRecord, given_severity: str, regimes: tuple[rules.RegimeSpec, ...]
) -> rules.Decision:
    return rules.decide(
        entry.policy,
        data=clean.data,
        decided_on=clean.decided_on,
        end_date=clean.end_date,
        given_severity=given_severity,
        severity_rules=entry.severity_rules,
        regimes=regimes,
    )


def _check_item(
    index: int,
    item: RecordInput,
    catalog: dict[str, CatalogEntry],
    regimes: tuple[rules.RegimeSpec, ...],
    today,
    channel: str,
) -> _Accepted | ItemResult:
    entry = catalog.get(item.record_type)
    if entry is None:
        known = "、".join(sorted(catalog))
        return ItemResult(
            index,
            IngestOutcome.REJECTED,
            errors={"record_type": [f"未知的记录类型“{item.record_type}”（可选：{known}）。"]},
        )
    if not entry.record_type.accepts(channel):
        return ItemResult(
            index, IngestOutcome.REJECTED, errors={"record_type": [entry.record_type.channel_refusal(channel)]}
        )
    negative = entry.record_type.polarity == Polarity.NEGATIVE
    if item.severity and (item.severity not in Severity.values or not negative):
        message = (
            f"失信程度“{item.severity}”无效（可选：{'、'.join(Severity.values)}）。"
            if negative
            else "只有失信类记录可以填写失信程度。"
        )
        return ItemResult(index, IngestOutcome.REJECTED, errors={"severity": [message]})
    checked = validate_record(entry.spec, item.data, today=today)
    if isinstance(checked, Invalid):
        return ItemResult(index, IngestOutcome.REJECTED, errors=checked.errors)
    return _Accepted(index=index, entry=entry, clean=checked, decision=_decide(entry, checked, item.severity, regimes))


#: Error keys of an item that are not field codes (see ``_check_item``): kept as they are in the statistics.
ITEM_ERROR_CODES = frozenset({"record_type", "severity", "data"})
#: The statistics key for every field code that is not in the record type's catalog entry.
UNKNOWN_FIELD_REASON = "unknown_field"


def _record_stats(department: Department, catalog: dict[str, CatalogEntry], items, results, day) -> None:
    """Add this call's outcomes to the day's ``IngestStat`` rows (under the department lock)."""
    per_type: dict[str, Counter] = {}
    reasons: dict[str, Counter] = {}
    for item, result in zip(items, results, strict=True):
        if item.record_type not in catalog:
            continue
        per_type.setdefault(item.record_type, Counter())[result.status] += 1
        known = catalog[item.record_type].spec.field_map
        for code in result.errors:
            # A field code outside the catalog is whatever the sender typed: counted under one key, so a
            # sender cannot grow the day's row without bound (or store text of its choosing in it).
            reason = code if code in known or code in ITEM_ERROR_CODES else UNKNOWN_FIELD_REASON
            reasons.setdefault(item.record_type, Counter())[reason] += 1
    for code, counts in per_type.items():
        stat, _ = IngestStat.objects.select_for_update().get_or_create(
            department=department, record_type=catalog[code].record_type, day=day
        )
        stat.received += sum(counts.values())
        stat.created += counts[IngestOutcome.CREATED]
        stat.updated += counts[IngestOutcome.UPDATED]
        stat.unchanged += counts[IngestOutcome.UNCHANGED]
        stat.rejected += counts[IngestOutcome.REJECTED]
        merged = Counter(stat.rejected_by_reason) + reasons.get(code, Counter())
        stat.rejected_by_reason = dict(merged)
        stat.save()


@dataclass
class _Changes:
    """What one ingestion call writes, gathered item by item, then written in bulk (``write``)."""

    new: dict[tuple, CreditRecord] = field(default_factory=dict)
    updated: dict[int, CreditRecord] = field(default_factory=dict)
    versions: list[dict] = field(default_factory=list)  # one per change, captured then: an item seen twice makes two
    previous_subjects: set[int] = field(default_factory=set)

    def stage(self, item: _Accepted, record: CreditRecord | None, values: dict, *, department, user, token, review):
        """Stage a new record or a new version of ``record``; returns the item's outcome."""
        if record is None:
            record = CreditRecord(
                department=department,
                record_type=item.entry.record_type,
                source_id=item.clean.source_id,
                submitted_by=user,
                submitted_by_token=token,
                version=1,
                **values,
            )
            self.new[item.key] = record
            change, outcome = "create", IngestOutcome.CREATED
        else:
            if record.subject_id is not None:
                self.previous_subjects.add(record.subject_id)  # a record moved away must re-list its old subject
            for name, value in values.items():
                setattr(record, name, value)
            record.version += 1
            if review and user is not None:
                record.submitted_by = user  # whoever changed the entry last may not approve it
            if record.pk:
                self.updated[record.pk] = record
            change = "update"
            outcome = IngestOutcome.UPDATED if record.pk else IngestOutcome.CREATED
        self.versions.append(
            {
                "record": record,
                "index": item.index,
                "change": change,
                "version": record.version,
                "status": record.status,
                "severity": record.severity,
                "data": record.data,
            }
        )
        return outcome

    def write(self, results: list[ItemResult], *, department: Department, actor: Actor, source: str, channel: str):
        """Records, versions, one audit event and one ``records.changed`` outbox item, in the caller's transaction."""
        bulk.insert(CreditRecord, list(self.new.values()))
        bulk.update(CreditRecord, self.updated.values(), [*RECORD_VALUE_FIELDS, "version", "updated_at"])
        for change in self.versions:
            results[change["index"]].record_id = change["record"].pk
        bulk.insert(
            RecordVersion,
            [
                RecordVersion(
                    record=change["record"],
                    version=change["version"],
                    change=change["change"],
                    status=change["status"],
                    severity=change["severity"],
                    data=change["data"],
                    reason=source,
                    actor_label=actor.label,
                )
                for change in self.versions
            ],
        )
        if not self.versions:
            return
        # One event per call names every record it wrote; each record's own history is its versions.
        outcome_ids: dict[str, list[int]] = {}
        for change in self.versions:
            outcome_ids.setdefault(change["change"], []).append(change["record"].pk)
        audit_event_record(
            actor=actor,
            action="records.ingest",
            object_type="organisations.department",
            object_id=str(department.pk),
            reason=f"{source}（{Channel(channel).label}）",
            after={"create": outcome_ids.get("create", []), "update": outcome_ids.get("update", [])},
        )
        records = [change["record"] for change in self.versions]
        subject_ids = self.previous_subjects | {r.subject_id for r in records if r.subject_id is not None}
        # One outbox item per call, in the records' transaction: what follows (lists, pages) cannot be lost.
        outbox_add(
            topic=RECORDS_CHANGED,
            payload={"record_ids": sorted({r.pk for r in records}), "subject_ids": sorted(subject_ids)},
        )


def _not_written(
    item: _Accepted, record: CreditRecord | None, *, name_error: str, digest: str, review: bool
) -> ItemResult | None:
    """Why a valid item writes nothing, as its result, or None when it is written: a subject name that does not
    match the registered one, a record that was revoked or repaired, an entry for review over a record in
    force (it would unpublish it while it waits), or the same facts as stored (``unchanged``)."""
    if name_error:
        return ItemResult(item.index, IngestOutcome.REJECTED, errors={item.entry.spec.subject_name_field: [name_error]})
    if record is None:
        return None
    id_field = item.entry.spec.record_id_fields[0]
    if record.status in (RecordStatus.REVOKED, RecordStatus.REPAIRED):
        message = f"该记录{record.get_status_display()}，不能再次报送。"
        return ItemResult(item.index, IngestOutcome.REJECTED, record.pk, {id_field: [message]})
    if review and record.status == RecordStatus.ACTIVE:
        message = "该编号的记录已生效。如需更正，请由部门系统报送更正，或撤销后重新填报。"
        return ItemResult(item.index, IngestOutcome.REJECTED, record.pk, {id_field: [message]})
    if record.data_hash == digest:
        return ItemResult(item.index, IngestOutcome.UNCHANGED, record.pk)
    return None


def records_ingest(
    *,
    department: Department,
    items: Sequence[RecordInput],
    channel: str,
    actor: Actor,
    user=None,
    token: ApiToken | None = None,
    review: bool = False,
    batch=None,
) -> list[ItemResult]:
    """Store the valid items, refuse the others, and say what happened to each, in input order.

    ``review`` (web forms and spreadsheet imports) makes new records wait for a reviewer of the department
    (seed 004 九(一)); API records are active at once. Re-sending an identical item writes nothing
    (``unchanged``); a changed one makes a new version (``updated``). Records already revoked or repaired
    are not reopened by a push. ``batch`` (an ``IngestBatch``) is the file the items came from: the written
    records remember it, for the reviewer's decision on the whole file. A type the catalog reserves to another
    channel (``RecordType.write_channel``: the results of random inspections, written by the supervision service
    only) is refused item by item on ``record_type``, nothing written.
    """
    if len(items) > MAX_ITEMS_PER_CALL:
        raise RecordError(f"一次最多报送{MAX_ITEMS_PER_CALL}条记录，本次{len(items)}条。", code="too_many_items")
    today = timezone.localdate()
    catalog = catalog_entries()
    regimes = disclosure_regimes()
    checked = [_check_item(index, item, catalog, regimes, today, channel) for index, item in enumerate(items)]
    results: list[ItemResult | None] = [c if isinstance(c, ItemResult) else None for c in checked]
    accepted = [c for c in checked if isinstance(c, _Accepted)]

    with transaction.atomic():
        Department.objects.select_for_update().get(pk=department.pk)
        source = f"{department.name}报送"
        # Entries waiting for review may create a subject for a new code but never rename a registered one.
        # Only the registration authority of a subject's kind renames it; the other departments' names must
        # match a registered one (subjects.services.name_verdict), whatever the channel.
        claims = [replace(a.clean.subject, rename=not review, as_of=a.clean.decided_on) for a in accepted]
        resolutions = subjects_resolve_many(claims=claims, registers=department.registers, actor=actor, source=source)
        existing = records_by_source_id(department, {a.key for a in accepted})
        changes = _Changes()
        for item, resolution in zip(accepted, resolutions, strict=True):
            subject: CreditSubject | None = resolution.subject
            record = existing.get(item.key) or changes.new.get(item.key)
            digest = data_hash(item.clean.data, item.decision, subject.pk if subject else None)
            refusal = _not_written(item, record, name_error=resolution.name_error, digest=digest, review=review)
            if refusal is not None:
                results[item.index] = refusal
                continue
            if subject is None:
                status = RecordStatus.UNMATCHED
            else:
                status = RecordStatus.PENDING_REVIEW if review else RecordStatus.ACTIVE
            values = {
                "subject": subject,
                "division_code": subject.division_code if subject is not None else "",
                "status": status,
                "decided_on": item.clean.decided_on,
                **item.decision.columns(),
                "data": item.clean.data,
                "data_hash": digest,
                "channel": channel,
                "batch": batch,
            }
            outcome = changes.stage(item, record, values, department=department, user=user, token=token, review=review)
            results[item.index] = ItemResult(item.index, outcome)
        changes.write(results, department=department, actor=actor, source=source, channel=channel)
        _record_stats(department, catalog, items, results, today)
    return results


# One record at a time: review, revocation, matching ---------------------------------------------------------


def _record_change(
    record: CreditRecord,
    *,
    actor: Actor,
    change: str,
    reason: str,
    fields: dict,
    allowed_from: set[str],
    notify: bool = True,
) -> CreditRecord:
    """Lock the record, check its status allows the change, apply ``fields``, version and audit it.

    ``notify=False``: the caller writes one ``records.changed`` for many records (bulk review)."""
    locked = CreditRecord.objects.select_for_update().select_related("record_type").get(pk=record.pk)
    previous_subject = locked.subject_id
    if locked.status not in allowed_from:
        raise RecordError(f"记录当前状态为“{locked.get_status_display()}”，不能执行此操作。", code="invalid_status")
    before = {"status": locked.status, "version": locked.version}
    # Reasons and notes are free text typed by staff (a revoke reason, a review note, an answer to an
    # objection): a citizen ID in them is masked like one in the record's data (GB/T 35273 minimisation),
    # since they are stored in the record, its version and the audit trail.
    reason = ids.mask_citizen_ids_in_text(reason)
    fields = {name: ids.mask_citizen_ids_in_text(v) if isinstance(v, str) else v for name, v in fields.items()}
    for name, value in fields.items():
        setattr(locked, name, value)
    locked.version += 1
    locked.save(update_fields=[*fields, "version", "updated_at"])
    RecordVersion.objects.create(
        record=locked,
        version=locked.version,
        change=change,
        status=locked.status,
        severity=locked.severity,
        data=locked.data,
        reason=reason,
        actor_label=actor.label,
    )
    audit_event_record(
        actor=actor,
        action=f"record.{change}",
        obj=locked,
        reason=reason,
        before=before,
        after={"status": locked.status, "version": locked.version},
    )
    if notify:
        record_ids = [locked.pk]
        subject_ids = sorted({pk for pk in (previous_subject, locked.subject_id) if pk is not None})
        outbox_add(topic=RECORDS_CHANGED, payload={"record_ids": record_ids, "subject_ids": subject_ids})
    return locked


def record_is_own_entry(record: CreditRecord, reviewer) -> bool:
    """Four eyes (seed 004 九(一)): the reviewer of an entry is never the clerk who made it (or changed it last).
    The one statement of the rule: single review refuses such an entry, bulk review skips and reports it."""
    return record.submitted_by_id is not None and record.submitted_by_id == reviewer.pk


def _refuse_own_entry(record: CreditRecord, reviewer) -> None:
    if record_is_own_entry(record, reviewer):
        raise RecordError("不能审核本人填报的记录。", code="own_entry")


@transaction.atomic
def record_approve(
    *, record: CreditRecord, reviewer, actor: Actor, note: str = "", notify: bool = True
) -> CreditRecord:
    """A reviewer of the record's department approves a clerk's entry; nobody approves their own entry.

    An entry of the subject's registration authority names its subject once approved, as the authority's
    pushes do (``subjects.services.subject_name_report``); entries not made by department staff (a public
    commitment copies the registered name) are left out."""
    _refuse_own_entry(record, reviewer)
    approved = _record_change(
        record,
        actor=actor,
        change="approve",
        reason=note or "审核通过",
        fields={
            "status": RecordStatus.ACTIVE,
            "reviewed_by": reviewer,
            "reviewed_at": timezone.now(),
            "review_note": note,
        },
        allowed_from={RecordStatus.PENDING_REVIEW},
        notify=notify,
    )
    if approved.subject_id is not None and approved.submitted_by_id is not None:
        subject_name_report(
            subject=approved.subject,
            name=approved.reported_subject_name,
            registers=approved.department.registers,
            as_of=approved.decided_on,
            actor=actor,
            source=f"{approved.department.name}报送（审核通过）",
        )
    return approved


@transaction.atomic
def record_reject(*, record: CreditRecord, reviewer, actor: Actor, note: str, notify: bool = True) -> CreditRecord:
    """A reviewer sends an entry back with the reason; the clerk corrects and submits it again."""
    if not note.strip():
        raise RecordError("退回时必须填写原因。", code="reason_required")
    _refuse_own_entry(record, reviewer)
    return _record_change(
        record,
        actor=actor,
        change="reject",
        reason=note,
        fields={
            "status": RecordStatus.REJECTED,
            "reviewed_by": reviewer,
            "reviewed_at": timezone.now(),
            "review_note": note,
        },
        allowed_from={RecordStatus.PENDING_REVIEW},
        notify=notify,
    )


@transaction.atomic
def record_revoke(*, record: CreditRecord, actor: Actor, reason: str) -> CreditRecord:
    """Withdraw a record (e.g. the decision was annulled). It stays, with its reason, and leaves the public site."""
    if not reason.strip():
        raise RecordError("撤销时必须填写原因。", code="reason_required")
    if record.record_type.write_channel:
        # A type reserved to one channel is written by that channel's service only; withdrawing one of its
        # records here would take it off the subject's page while its source (an inspection plan) still shows it.
        raise RecordError(f"“{record.record_type.name}”的记录不能在此撤销。", code="channel_reserved")
    return _record_change(
        record,
        actor=actor,
        change="revoke",
        reason=reason,
        fields={"status": RecordStatus.REVOKED, "revoked_reason": reason},
        allowed_from={RecordStatus.ACTIVE, RecordStatus.PENDING_REVIEW, RecordStatus.UNMATCHED},
    )


@transaction.atomic
def record_match(*, record: CreditRecord, subject: CreditSubject, actor: Actor, reason: str) -> CreditRecord:
    """A credit-centre admin attaches an unmatched (待匹配) record to its subject; it is then published as normal."""
    status = RecordStatus.PENDING_REVIEW if record.channel in (Channel.FORM, Channel.UPLOAD) else RecordStatus.ACTIVE
    return _record_change(
        record,
        actor=actor,
        change="match",
        reason=reason,
        fields={"subject": subject, "division_code": subject.division_code, "status": status},
        allowed_from={RecordStatus.UNMATCHED},
    )


@transaction.atomic
def record_resubmit(*, record: CreditRecord, item: RecordInput, user, actor: Actor) -> ItemResult:
    """A clerk of the department corrects an entry the reviewer sent back and submits it again: a new version
    of the same record (its history kept, ``change = "resubmit"``), checked and resolved as any entry
    (``records_ingest`` with review), waiting for review again. Whoever resubmits it becomes its submitter,
    so may not approve it. The 文书号 may be corrected too, unless another record of the department has it.

    Returns the item's result: ``updated`` with the record, or ``rejected`` with the errors by field code
    (nothing changed)."""
    if item.record_type != record.record_type.code:
        raise RecordError("不能改变记录类型。", code="record_type_changed")
    department = Department.objects.select_for_update().get(pk=record.department_id)
    locked = CreditRecord.objects.select_for_update().select_related("record_type").get(pk=record.pk)
    if locked.status != RecordStatus.REJECTED:
        raise RecordError(
            f"记录当前状态为“{locked.get_status_display()}”，只有审核未通过的记录可以修改后重新提交。",
            code="invalid_status",
        )
    today = timezone.localdate()
    checked = _check_item(0, item, catalog_entries(), disclosure_regimes(), today, Channel.FORM)
    if isinstance(checked, ItemResult):
        return checked
    id_field = checked.entry.spec.record_id_fields[0]
    if checked.clean.source_id != locked.source_id and records_by_source_id(department, {checked.key}):
        return ItemResult(0, IngestOutcome.REJECTED, errors={id_field: ["本部门已有该编号的同类记录，请核对文书号。"]})
    [resolution] = subjects_resolve_many(
        claims=[replace(checked.clean.subject, rename=False, as_of=checked.clean.decided_on)],
        registers=department.registers,
        actor=actor,
        source=f"{department.name}报送（修改后重新提交）",
    )
    if resolution.name_error:
        return ItemResult(
            0, IngestOutcome.REJECTED, errors={checked.entry.spec.subject_name_field: [resolution.name_error]}
        )
    subject = resolution.subject
    updated = _record_change(
        locked,
        actor=actor,
        change="resubmit",
        reason="修改后重新提交审核",
        fields={
            "source_id": checked.clean.source_id,
            "subject": subject,
            "division_code": subject.division_code if subject is not None else "",
            "status": RecordStatus.PENDING_REVIEW if subject is not None else RecordStatus.UNMATCHED,
            "decided_on": checked.clean.decided_on,
            **checked.decision.columns(),
            "data": checked.clean.data,
            "data_hash": data_hash(checked.clean.data, checked.decision, subject.pk if subject else None),
            "channel": Channel.FORM,
            "submitted_by": user,
            "reviewed_by": None,
            "reviewed_at": None,
            "batch": None,
        },
        allowed_from={RecordStatus.REJECTED},
    )
    return ItemResult(0, IngestOutcome.UPDATED, updated.pk)


# Checking without writing: the first pass over an uploaded spreadsheet --------------------------------------


def records_check(
    items: Sequence[RecordInput], *, department: Department | None = None, channel: str = Channel.UPLOAD
) -> list[ItemResult]:
    """What ``records_ingest`` would refuse through ``channel``, without writing anything (status ``unchanged``
    means valid).

    Besides each item's own checks, a subject name that does not match the registered name of its code is
    reported on the name field, as the import would (read-only bulk lookups; the department's
    ``registers`` decides whether it is the registration authority; without a department it is not).
    Entries of an upload wait for review, so they never rename."""
    today = timezone.localdate()
    catalog = catalog_entries()
    regimes = disclosure_regimes()
    checked = [_check_item(index, item, catalog, regimes, today, channel) for index, item in enumerate(items)]
    accepted = [c for c in checked if isinstance(c, _Accepted)]
    claims = [replace(a.clean.subject, rename=False, as_of=a.clean.decided_on) for a in accepted]
    registers = department.registers if department is not None else ""
    name_errors = dict(
        zip((a.index for a in accepted), subjects_name_check(claims=claims, registers=registers), strict=True)
    )
    results = []
    for index, outcome in enumerate(checked):
        if isinstance(outcome, ItemResult):
            results.append(outcome)
        elif name_errors[index]:
            name_field = outcome.entry.spec.subject_name_field
            results.append(ItemResult(index, IngestOutcome.REJECTED, errors={name_field: [name_errors[index]]}))
        else:
            results.append(ItemResult(index, IngestOutcome.UNCHANGED))
    return results


# Changes asked for by the subject-rights procedures (objection, repair) ------------------------------------


@transaction.atomic
def record_objection_set(*, record: CreditRecord, state: str, actor: Actor, reason: str) -> CreditRecord:
    """Mark or clear "异议处理中" on a record (seed 003 item 66). The mark is visible; ``suspended`` hides it."""
    return _record_change(
        record,
        actor=actor,
        change="objection",
        reason=reason,
        fields={"objection": state},
        allowed_from={RecordStatus.ACTIVE},
    )


@transaction.atomic
def record_correct(
    *, record: CreditRecord, data: dict, actor: Actor, reason: str, change: str = "correct"
) -> CreditRecord:
    """The source department changes a record's data outside a push (an objection's correction, a
    commitment's fulfilment): a new version, validated like any other, with the severity (unless the
    department had set its own) and the disclosure window recomputed from the corrected facts, and the
    objection mark cleared. Who the record is about cannot be corrected this way: that is a revocation and
    a new record."""
    entry = catalog_entries(active_only=False)[record.record_type.code]
    spec = entry.spec
    if spec.subject_fields & set(data):
        raise RecordError("主体信息不能通过更正修改；如主体有误，请撤销后重新报送。", code="subject_change")
    checked = validate_record(spec, {**record.data, **data}, today=timezone.localdate(), stored=True)
    if isinstance(checked, Invalid):
        problems = "；".join(f"{code}：{'，'.join(messages)}" for code, messages in checked.errors.items())
        raise RecordError(f"更正后的数据有误：{problems}", code="invalid_correction")
    if checked.source_id != record.source_id:
        raise RecordError("更正不能改变记录编号（文书号）。", code="source_id_changed")
    # The department's own grading stays; a derived severity follows the corrected facts.
    decision = _decide(entry, checked, given_severity_of(record, entry), disclosure_regimes())
    return _record_change(
        record,
        actor=actor,
        change=change,
        reason=reason,
        fields={
            "data": checked.data,
            "data_hash": data_hash(checked.data, decision, record.subject_id),
            "objection": ObjectionState.NONE,
            "decided_on": checked.decided_on,
            **decision.columns(),
        },
        allowed_from={RecordStatus.ACTIVE},
    )


@transaction.atomic
def record_repair(*, record: CreditRecord, actor: Actor, reason: str) -> CreditRecord:
    """Credit repair approved ("谁认定、谁修复"): the record stops being published and shared and lifts the
    punishments that rest on it. It stays in the database with its history."""
    return _record_change(
        record,
        actor=actor,
        change="repair",
        reason=reason,
        fields={"status": RecordStatus.REPAIRED},
        allowed_from={RecordStatus.ACTIVE},
    )


def record_read_record(*, record: CreditRecord, department, actor: Actor) -> None:
    """A staff member's read of a record's detail: when the record is restricted and not the reader's department's
    (the credit centre reads every department's), the read is in the subject's access log with its audit event,
    like a department's query (seed 002 item 77: every use of restricted information is traceable)."""
    if record.subject_id is None or record.record_type.disclosure_level == DisclosureLevel.PUBLIC:
        return
    if department is not None and record.department_id == department.pk:
        return
    subject_access_record(
        subject=record.subject,
        kind=AccessKind.CENTRE,
        accessor="信用中心" if department is None else department.name,
        accessor_code="" if department is None else department.code,
        purpose="管理查阅：查看记录详情",
        actor=actor,
        scope=[record.record_type.code],
        basis=f"记录 {record.source_id}",
    )
