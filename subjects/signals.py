"""Outbox topics by which higher apps learn of subject changes (they register handlers; subjects never
imports them).

``subjects.facts_changed`` is written in the transaction that changed a subject's name or registration facts
(a rename by its registration authority, a credit-centre correction), with ``subject_ids``: the public site
drops its cached pages of those subjects, so the new name shows at once.
"""

SUBJECTS_FACTS_CHANGED = "subjects.facts_changed"
