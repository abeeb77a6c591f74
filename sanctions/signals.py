"""Signals the sanctions app sends to higher apps (they listen; sanctions never imports them).

``subjects_changed`` is sent after the transaction commits, with ``subject_ids`` whose memberships or
status changed: the public site drops its cached pages of those subjects.
"""

from django.dispatch import Signal

subjects_changed = Signal()
