"""Signals by which higher apps learn of subject changes (they listen; subjects never imports them).

``subject_changed`` is sent after the transaction that changed a subject's name or registration facts has
committed (a rename by its registration authority, a credit-centre correction), with ``subject_ids``: the
public site drops its cached pages of those subjects, so the new name shows at once.
"""

from django.dispatch import Signal

subject_changed = Signal()
