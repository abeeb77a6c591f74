"""Reads of the outbox for the operator (``/readyz``)."""

from __future__ import annotations

from django.db.models import Count, Min
from django.utils import timezone

from .models import OutboxItem, OutboxState


def outbox_figures() -> dict:
    """How many items are pending and failed, and the age in seconds of the oldest pending one (or None)."""
    pending = OutboxItem.objects.filter(state=OutboxState.PENDING).aggregate(
        count=Count("pk"), oldest=Min("created_at")
    )
    failed = OutboxItem.objects.filter(state=OutboxState.FAILED).count()
    oldest = pending["oldest"]
    return {
        "pending": pending["count"],
        "failed": failed,
        "oldest_pending_seconds": int((timezone.now() - oldest).total_seconds()) if oldest else None,
    }
