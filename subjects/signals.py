"""Outbox topics by which higher apps learn of subject changes (they register handlers; subjects never
imports them).

``subjects.facts_changed`` is written in the transaction that changed a subject's name or registration facts
(a rename by its registration authority, a credit-centre correction), with ``subject_ids``: the public site
drops its cached pages of those subjects, so the new name shows at once. After a rename of an organisation it
also carries ``former_names`` (``{"<subject id>": "<name before>"}``): the search recomputes the frequent
fragments of both names (subjects.fragments).
"""

SUBJECTS_FACTS_CHANGED = "subjects.facts_changed"
