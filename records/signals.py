"""Signals by which higher apps learn of record changes (they listen; records never imports them).

``records_changed`` is sent after the transaction that changed the records has committed, with
``record_ids`` and ``subject_ids`` — the subjects the records are about now and were about before (a
corrected code moves a record to another subject): the sanctions app re-evaluates them all.
"""

from django.dispatch import Signal

records_changed = Signal()
