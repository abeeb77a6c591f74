"""Signals by which higher apps learn of record changes (they listen; records never imports them).

``records_changed`` is sent after the transaction that changed the records has committed, with
``record_ids``: the sanctions app re-evaluates the subjects concerned.
"""

from django.dispatch import Signal

records_changed = Signal()
