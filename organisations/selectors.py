"""Reads of staff roles: who a logged-in user acts for."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model

from .choices import DEPARTMENT_ROLES, StaffRoleName
from .models import Department, StaffRole


def staff_roles_of(user) -> list[StaffRole]:
    """The roles a user holds, with their departments, in a stable order."""
    return list(StaffRole.objects.filter(user=user).select_related("department").order_by("role", "department__code"))


@dataclass(frozen=True)
class StaffContext:
    """What a logged-in staff member may do: roles, and the one department they act for (None = province)."""

    roles: frozenset[str]
    department: Department | None

    @property
    def is_credit_admin(self) -> bool:
        return StaffRoleName.CREDIT_ADMIN in self.roles

    def has(self, *roles: str) -> bool:
        return bool(self.roles & set(roles))


def staff_context(user) -> StaffContext:
    """Department staff act for their department; a credit-centre admin acts for the whole province.

    A user with roles in more than one department is refused any department (an account per department
    keeps the audit trail unambiguous), as is anyone without a role.
    """
    if not user.is_authenticated:
        return StaffContext(roles=frozenset(), department=None)
    roles = staff_roles_of(user)
    names = frozenset(role.role for role in roles)
    departments = {role.department_id: role.department for role in roles if role.department_id}
    if StaffRoleName.CREDIT_ADMIN in names:
        # The centre acts for the province; department roles held beside it are not used.
        return StaffContext(roles=names - set(DEPARTMENT_ROLES), department=None)
    if len(departments) != 1 or not next(iter(departments.values())).is_active:
        return StaffContext(roles=frozenset(), department=None)
    return StaffContext(roles=names, department=next(iter(departments.values())))


def staff_emails(*, roles: tuple[str, ...], department_id: int | None = None) -> list[str]:
    """The addresses of the active staff holding one of ``roles`` (in ``department_id`` when given), as set by
    ``create_staff --email`` or in the admin. Staff without an address are skipped."""
    condition = {"staff_roles__role__in": roles}
    if department_id is not None:
        condition["staff_roles__department_id"] = department_id  # in the same filter: the same role row
    users = get_user_model().objects.filter(is_active=True, **condition).exclude(email="")
    return sorted(set(users.values_list("email", flat=True)))
