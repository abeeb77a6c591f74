from django.apps import AppConfig

from core.vocabulary import ROLE_CREDIT_ADMIN


class SubjectsConfig(AppConfig):
    name = "subjects"
    verbose_name = "信用主体"
    # The admin permissions this app gives each global staff role (collected from every app's when a role's
    # group is set up): the credit centre corrects subjects and settles identifier conflicts; subjects are
    # never added by hand.
    admin_grants = {
        ROLE_CREDIT_ADMIN: {
            "creditsubject": "view change",
            "subjectnamehistory": "view",
            "subjectidentifier": "view",
            "subjectconflict": "view change",
            "division": "view",
        }
    }

    def ready(self) -> None:
        import outbox

        from .fragments import fragments_on_facts_changed
        from .signals import SUBJECTS_FACTS_CHANGED

        # A rename changes which frequent name fragments list the subject.
        outbox.register(SUBJECTS_FACTS_CHANGED, fragments_on_facts_changed)
