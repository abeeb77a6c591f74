"""What the evaluation app does when a lower app reports a change (outbox topics ``records.changed``,
``subjects.lists_changed``, ``subjects.facts_changed``) and with its own ``evaluation.run`` items."""

from audit.services import Actor
from core.chunks import in_chunks_then_one_by_one

from .runs import NOT_SUBJECT_FAULTS, grades_refresh

CHUNK = 1000


class SubjectsNotGraded(RuntimeError):
    """Some subjects of the item could not be evaluated (their ids in the message, no personal data): the item
    stays pending and is delivered again, while every other subject has been evaluated."""


def on_subjects_changed(payload: dict) -> None:
    """A subject's records, lists or registration facts changed: it is evaluated again under every current model,
    here in the worker, after the change committed (for ``records.changed``, after the sanctions app's handler
    of the same item has updated the lists, since the apps register in layer order; the lists' own
    ``subjects.lists_changed`` item follows and finds nothing more to write).

    1,000 subjects per transaction; a chunk that fails is evaluated again subject by subject, so one subject
    the engine cannot evaluate holds back only itself, and the item raises to be delivered again."""
    subject_ids = sorted(set(payload.get("subject_ids") or []))
    actor = Actor.system("信用评价（自动）")
    failed = in_chunks_then_one_by_one(
        subject_ids,
        lambda chunk: grades_refresh(chunk, actor=actor),
        size=CHUNK,
        faults=NOT_SUBJECT_FAULTS,
        what="graded",
    )
    if failed:
        raise SubjectsNotGraded(f"{len(failed)} subjects not graded: {failed[:20]}")


def on_lists_changed(payload: dict) -> None:
    """Lists changed by themselves (a listing expired overnight, a recompute): the subjects are evaluated again.
    After a change of records (``after_records``) there is nothing to do: this app's handler of that
    ``records.changed`` item ran after the lists were evaluated (handlers run in layer order) and saw them."""
    if payload.get("after_records"):
        return
    on_subjects_changed(payload)


def on_run(payload: dict) -> None:
    """A committed run (a model's publication) gets its task; a broker that refuses it raises, so the item waits.
    A second task for one run finds its chunks done."""
    from .tasks import evaluation_run_task

    evaluation_run_task.delay(payload["run_id"])
