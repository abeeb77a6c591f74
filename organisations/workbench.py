"""The to-do panel of the workbench home: what waits for the logged-in staff member.

The home page belongs to this app, but the work it lists lives in higher apps (records to review, cases due),
which this app may not import. Each of them offers a provider — a selector ``(staff, user, today) ->
list[TodoItem]`` — and the project's settings name them (``WORKBENCH_TODO_PROVIDERS``), as they name
middleware: the wiring is the project's, and no app imports a higher one.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.utils.module_loading import import_string

from .selectors import StaffContext


@dataclass(frozen=True)
class TodoItem:
    """One line of the panel: what, how many, where to act; ``overdue`` lines are shown in red."""

    label: str
    count: int
    url: str
    overdue: bool = False
    note: str = ""


TodoProvider = Callable[[StaffContext, object, datetime.date], list[TodoItem]]


@cache
def _providers() -> tuple[TodoProvider, ...]:
    return tuple(import_string(path) for path in settings.WORKBENCH_TODO_PROVIDERS)


def workbench_todo(staff: StaffContext, user, today: datetime.date) -> list[TodoItem]:
    """Every provider's lines for this staff member, in the order of the setting (empty lines left out)."""
    return [item for provider in _providers() for item in provider(staff, user, today) if item.count]


def todo_due_items(label: str, queue, *, due_field: str, url: str, today: datetime.date) -> list[TodoItem]:
    """Two lines for a queue with deadlines: those still in time (with the nearest deadline) and, in red, those
    past it (``due_field`` before ``today``). ``queue`` is a queryset; two counts and one read."""
    overdue = queue.filter(**{f"{due_field}__lt": today}).count()
    total = queue.count()
    due = queue.filter(**{f"{due_field}__gte": today}).order_by(due_field).values_list(due_field, flat=True).first()
    return [
        TodoItem(label=label, count=total - overdue, url=url, note=f"最近办理时限 {due:%Y-%m-%d}" if due else ""),
        TodoItem(label=f"{label}（已超期）", count=overdue, url=url, overdue=True),
    ]
