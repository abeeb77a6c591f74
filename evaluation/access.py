"""Who may edit which evaluation model: one rule, read by the workbench pages, the admin and the services.

"通用+专业" (seed 002 item 51: "按照'通用+专业'的形式，科学设定信用风险分类数据模型"; item 50: "各行业监管部门
可根据行业特点，设定评价标准，开展行业信用评价"): the credit centre edits every model, the general one included;
a department's administrator (部门管理员) edits the professional models of its industry —

- a model naming the department (``EvaluationModel.department``): that department only;
- a model naming none is the sector's (its help text: "为空表示该行业领域的主管部门"): the provincial departments
  of that sector. A city or county bureau of the sector applies the province's model; it does not rewrite what
  grades the whole province.

Clerks, reviewers, auditors, API tokens and the public edit nothing. ``model_edit_refusal`` says it in Python
(with the reason, in Chinese) and ``editable_models`` in SQL; a table of cases runs through both
(tests/evaluation/test_workbench.py). The services resolve the acting user themselves (``editor_of``), so no
caller can pass a wider right than the one recorded in the audit trail.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet

from audit.choices import ActorType
from audit.services import Actor
from organisations.choices import DepartmentLevel, StaffRoleName
from organisations.selectors import StaffContext, staff_context

from .choices import ModelKind
from .errors import EvaluationError
from .models import EvaluationModel

#: The system (a migration, a command, a task) acts for the credit centre; nobody is anyone without a role.
CENTRE = StaffContext(roles=frozenset({StaffRoleName.CREDIT_ADMIN}), department=None)
NOBODY = StaffContext(roles=frozenset(), department=None)

NOT_AN_EDITOR = "只有信用中心管理员或行业主管部门的部门管理员可以制定和修改评价模型。"
GENERAL_MODEL = "通用模型由信用中心制定和修改，部门不能修改。"
OTHER_DEPARTMENT = "该模型由其他部门负责，本部门不能修改。"
OTHER_SECTOR = "该模型属于其他行业领域，本部门不能修改。"
NOT_PROVINCIAL = "本行业的专业模型由省级行业主管部门制定和修改。"


def editor_of(actor: Actor) -> StaffContext:
    """The rights of whoever ``actor`` is: the system acts for the credit centre, a user by their staff roles (a
    superuser as the credit centre, as in the admin), a token or a visitor has none."""
    if actor.type == ActorType.SYSTEM:
        return CENTRE
    if actor.type != ActorType.USER or not actor.id:
        return NOBODY
    user = get_user_model().objects.filter(pk=actor.id, is_active=True).first()
    if user is None:
        return NOBODY
    return CENTRE if user.is_superuser else staff_context(user)


def _department_admin(editor: StaffContext):
    """The department ``editor`` administers (None: not a department administrator)."""
    if editor.department is None or not editor.has(StaffRoleName.DEPT_ADMIN):
        return None
    return editor.department


def model_edit_refusal(model: EvaluationModel, editor: StaffContext) -> str:
    """Why ``editor`` may not edit ``model`` (its versions, its display setting); "" when it may."""
    if editor.is_credit_admin:
        return ""
    department = _department_admin(editor)
    if department is None:
        return NOT_AN_EDITOR
    if model.kind != ModelKind.PROFESSIONAL:
        return GENERAL_MODEL
    if model.department_id is not None:
        return "" if model.department_id == department.pk else OTHER_DEPARTMENT
    if model.sector != department.sector:
        return OTHER_SECTOR
    if department.level != DepartmentLevel.PROVINCE:
        return NOT_PROVINCIAL
    return ""


def editable_models(editor: StaffContext) -> QuerySet[EvaluationModel]:
    """The models ``editor`` may edit: ``model_edit_refusal`` as a query."""
    if editor.is_credit_admin:
        return EvaluationModel.objects.all()
    department = _department_admin(editor)
    if department is None:
        return EvaluationModel.objects.none()
    mine = Q(department=department)
    if department.level == DepartmentLevel.PROVINCE:
        mine |= Q(department__isnull=True, sector=department.sector)
    return EvaluationModel.objects.filter(mine, kind=ModelKind.PROFESSIONAL)


def model_edit_require(model: EvaluationModel, actor: Actor) -> StaffContext:
    """Refuse (``EvaluationError``, code ``not_model_editor``) unless ``actor`` may edit ``model``."""
    editor = editor_of(actor)
    refusal = model_edit_refusal(model, editor)
    if refusal:
        raise EvaluationError(refusal, code="not_model_editor")
    return editor


def model_create_refusal(department, editor: StaffContext) -> str:
    """Why ``editor`` may not create a professional model of ``department`` (its sector, naming it); "" when it
    may: the credit centre for any department, a department administrator for its own."""
    if editor.is_credit_admin:
        return ""
    own = _department_admin(editor)
    if own is None:
        return NOT_AN_EDITOR
    return "" if department is not None and own.pk == department.pk else OTHER_DEPARTMENT
