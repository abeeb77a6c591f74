"""Outbox topics by which higher apps learn of record changes (they register handlers; records never imports
them).

``records.changed`` is written in the transaction that changed the records, with ``record_ids`` and
``subject_ids`` — the subjects the records are about now and were about before (a corrected code moves a
record to another subject): the sanctions app re-evaluates them all, the disclosure app refreshes their pages.
``batch.process`` (``batch_id``) hands a committed batch to its task; ``records.redecide``
(``redecision_id``) a committed policy change to the recomputation of stored decisions (records.redecisions);
``records.bulk_review`` (``bulk_review_id``) a reviewer's decision on many entries to its task (records.bulk_review).
"""

RECORDS_CHANGED = "records.changed"
BATCH_PROCESS = "batch.process"
REDECIDE = "records.redecide"
BULK_REVIEW = "records.bulk_review"
