"""Staff pages of the subjects app: the workbench landing page."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from .selectors import staff_context, staff_roles_of


@login_required
def workbench(request):
    """Where a staff member lands after login: who they are, for which department, in which roles."""
    request.staff = staff_context(request.user)
    return render(request, "subjects/workbench.html", {"roles": staff_roles_of(request.user)})
