"""Outbox topics the sanctions app writes for higher apps (they register handlers; sanctions never imports
them).

``subjects.lists_changed`` is written in the transaction of an evaluation, with ``subject_ids`` whose
memberships or status changed: the public site drops its cached pages of those subjects. ``after_records``
says the evaluation followed a ``records.changed`` item (whose later handlers already see the new lists).
"""

SUBJECTS_LISTS_CHANGED = "subjects.lists_changed"
