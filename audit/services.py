"""Writing the audit trail. Services of every app call ``audit_event_record`` inside their transaction."""

from __future__ import annotations

import ipaddress
import json
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction

from .choices import ActorType
from .models import AuditEvent


@dataclass(frozen=True)
class Actor:
    """Who acts: a logged-in user, a department API token, the system itself, or an anonymous visitor."""

    type: str
    id: str = ""
    label: str = ""
    client_ip: str | None = None

    @classmethod
    def system(cls, label: str = "系统") -> Actor:
        return cls(type=ActorType.SYSTEM, label=label)

    @classmethod
    def for_user(cls, user, *, client_ip: str | None = None) -> Actor:
        return cls(type=ActorType.USER, id=str(user.pk), label=user.get_username(), client_ip=client_ip)

    @classmethod
    def public(cls, *, client_ip: str | None = None) -> Actor:
        return cls(type=ActorType.PUBLIC, label="公众", client_ip=client_ip)


def _json_safe(value: Any) -> Any:
    """Round-trip through Django's encoder so dates, decimals and UUIDs are stored as JSON text."""
    if value is None:
        return None
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False))


def audit_event_record(
    *,
    actor: Actor,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    reason: str = "",
    before: dict | None = None,
    after: dict | None = None,
) -> AuditEvent:
    """Append one event. Must run inside the transaction of the change it describes."""
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        raise RuntimeError("audit_event_record must be called inside the transaction of the change it records")
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
    event = AuditEvent(
        actor_type=actor.type,
        actor_id=actor.id,
        actor_label=actor.label,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        reason=reason,
        before=_json_safe(before),
        after=_json_safe(after),
        client_ip=actor.client_ip,
    )
    event.full_clean()
    event.save()
    return event


def audit_events_record_many(*, actor: Actor, events: list[dict]) -> None:
    """Append many events of one actor in one INSERT (bulk ingestion). Same rules as ``audit_event_record``.

    Each dict has ``action`` and ``obj`` (or ``object_type``/``object_id``), and optionally ``reason``,
    ``before`` and ``after``.
    """
    if not events:
        return
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_events_record_many must be called inside the transaction of the changes it records")
    rows = []
    for event in events:
        obj = event.get("obj")
        rows.append(
            AuditEvent(
                actor_type=actor.type,
                actor_id=actor.id,
                actor_label=actor.label,
                action=event["action"],
                object_type=event.get("object_type") or (obj._meta.label_lower if obj is not None else ""),
                object_id=str(event.get("object_id") or (obj.pk if obj is not None else "")),
                reason=event.get("reason", ""),
                before=_json_safe(event.get("before")),
                after=_json_safe(event.get("after")),
                client_ip=actor.client_ip,
            )
        )
    AuditEvent.objects.bulk_create(rows, batch_size=1000)


def client_ip(request) -> str | None:
    """The client's address. Behind ``TRUSTED_PROXY_COUNT`` proxies (the TLS front end in production) it is
    the address that many hops back in ``X-Forwarded-For``; otherwise ``REMOTE_ADDR``. Used for rate limits
    and the audit trail, so it must not be taken from a header a client can set freely."""
    hops = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if hops:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= hops and _is_address(forwarded[-hops]):
            return forwarded[-hops]
    return request.META.get("REMOTE_ADDR") or None


def _is_address(text: str) -> bool:
    """Whether a forwarded hop is an IP address. Anything else (a port, garbage from a client when the proxy
    count is set higher than the real chain) would fail the audit row's address field and make each request
    a rate-limit key of its own: the direct peer is used instead."""
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True
