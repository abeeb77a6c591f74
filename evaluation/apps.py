from django.apps import AppConfig


class EvaluationConfig(AppConfig):
    name = "evaluation"
    verbose_name = "信用评价"

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
        _admin_permissions_grant()


def _admin_permissions_grant() -> None:
    """The credit centre's admin rights on the models of this app, added to its role's table (which lives below
    this app and names none of it)."""
    from subjects.choices import StaffRoleName
    from subjects.services import ROLE_ADMIN_PERMISSIONS

    wanted = [
        "evaluation.view_evaluationmodel",
        "evaluation.add_evaluationmodel",
        "evaluation.change_evaluationmodel",
        "evaluation.view_modelversion",
        "evaluation.add_modelversion",
        "evaluation.change_modelversion",
        "evaluation.view_evaluationrun",
        "evaluation.view_evaluationresult",
        "evaluation.view_evaluationfile",
    ]
    granted = ROLE_ADMIN_PERMISSIONS[StaffRoleName.CREDIT_ADMIN]
    granted.extend(p for p in wanted if p not in granted)
