"""Outbox topics of the evaluation app.

``evaluation.run`` (``run_id``) hands a committed run (after a model's publication) to its task.
``subjects.grades_changed`` (``subject_ids``) is written in the transaction of an evaluation that changed a
grade or score shown to the public: the public site drops the subjects' cached pages (it registers the handler;
this app never imports it). ``after_change`` says the grading followed an item of a change of these subjects
(``records.changed``, ``subjects.lists_changed``, ``subjects.facts_changed``), whose handlers registered after
this app's already see the new grades.
"""

EVALUATION_RUN = "evaluation.run"
SUBJECTS_GRADES_CHANGED = "subjects.grades_changed"
