"""The admin permissions of the global staff roles: each app declares what it grants on its own models
(``AppConfig.admin_grants``) and the role setup collects the declarations, so no app names another's models."""

import pytest
from django.apps import apps
from django.contrib.auth.models import Permission
from django.db import transaction

from audit.services import Actor
from organisations.choices import GLOBAL_ROLES, StaffRoleName
from organisations.services import role_admin_permissions, staff_create
from tests.test_project import LAYERS


def grants(app: str, **models: str) -> set[str]:
    return {f"{app}.{action}_{model}" for model, actions in models.items() for action in actions.split()}


# The policy: what the credit centre and the auditor may do in the admin.
CREDIT_ADMIN = (
    grants(
        "subjects",
        creditsubject="view change",
        subjectnamehistory="view",
        subjectidentifier="view",
        subjectconflict="view change",
        division="view",
    )
    | grants("organisations", department="view add change", staffrole="view")
    | grants("auth", user="view")
    | grants(
        "records",
        recordtype="view add change",
        recordfield="view add change",
        severityrule="view add change delete",
        disclosureregime="view add change",
        regimeperiod="view add change",
        calendarday="view add change delete",
        creditrecord="view",
        recordversion="view",
        ingestbatch="view",
        qualityreport="view",
        redecision="view",
    )
    | grants(
        "sanctions",
        listtype="view add change",
        listsource="view add change delete",
        measure="view add change",
        membership="view",
        membershipchange="view",
        creditstatus="view",
        check="view",
        feedback="view",
    )
    | grants("disclosure", article="view add change")
    | grants("queries", querygrant="view add change", specialquery="view", specialqueryevent="view")
    | grants(
        "evaluation",
        evaluationmodel="view add change",
        modelversion="view add change",
        evaluationrun="view",
        evaluationresult="view",
        evaluationfile="view",
    )
    | grants("supervision", inspector="view add change", inspectionplan="view", inspectiontarget="view")
)
AUDITOR = grants("audit", auditevent="view")


def test_each_app_grants_only_its_own_models_and_only_to_global_roles():
    declaring = [config for config in apps.get_app_configs() if getattr(config, "admin_grants", None)]
    assert {config.label for config in declaring} >= {"audit", "subjects", "organisations", "records", "sanctions"}
    for config in declaring:
        for role, models in config.admin_grants.items():
            assert role in GLOBAL_ROLES, (config.label, role)
            for model in models:
                app_label, _, name = model.rpartition(".")
                # A dotted name is one of Django's own models (auth.user), never another app of the project.
                assert app_label not in LAYERS, (config.label, model)
                (apps.get_app_config(app_label) if app_label else config).get_model(name)


@pytest.mark.django_db
def test_the_global_roles_groups_carry_what_the_apps_grant():
    assert {role: set(labels) for role, labels in role_admin_permissions().items()} == {
        StaffRoleName.CREDIT_ADMIN: CREDIT_ADMIN,
        StaffRoleName.AUDITOR: AUDITOR,
    }
    with transaction.atomic():
        centre = staff_create(username="centre", password="Pass-12345-x", role="credit_admin", actor=Actor.system())
        auditor = staff_create(username="audit1", password="Pass-12345-x", role="auditor", actor=Actor.system())
    for user, expected in ((centre, CREDIT_ADMIN), (auditor, AUDITOR)):
        granted = Permission.objects.filter(group__user=user).values_list("content_type__app_label", "codename")
        assert {f"{app}.{codename}" for app, codename in granted} == expected
        assert all(user.has_perm(label) for label in expected)
