from django.apps import AppConfig

from core.vocabulary import ROLE_CREDIT_ADMIN


class EvaluationConfig(AppConfig):
    name = "evaluation"
    verbose_name = "信用评价"
    # The admin permissions this app gives each global staff role: the credit centre edits and publishes the
    # models, and reads runs, results and files.
    admin_grants = {
        ROLE_CREDIT_ADMIN: {
            "evaluationmodel": "view add change",
            "modelversion": "view add change",
            "evaluationrun": "view",
            "evaluationresult": "view",
            "evaluationfile": "view",
        }
    }

    def ready(self) -> None:
        import outbox
        from records.signals import RECORDS_CHANGED
        from sanctions.services import check_answer_part_register
        from sanctions.signals import SUBJECTS_LISTS_CHANGED
        from subjects.signals import SUBJECTS_FACTS_CHANGED

        from .receivers import on_lists_changed, on_run, on_subjects_changed
        from .selectors import check_grades
        from .signals import EVALUATION_RUN

        # After the sanctions app's handler of the same item (apps register in layer order): the lists are current.
        outbox.register(RECORDS_CHANGED, on_subjects_changed)
        outbox.register(SUBJECTS_LISTS_CHANGED, on_lists_changed)
        outbox.register(SUBJECTS_FACTS_CHANGED, on_subjects_changed)
        outbox.register(EVALUATION_RUN, on_run)
        # 联合奖惩核查: the answer carries the subject's published grades.
        check_answer_part_register("grades", check_grades)
