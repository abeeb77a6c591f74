"""The credit centre's warning that a year's holidays are missing from the working-day calendar, shown on the
admin index (``templates/admin/index.html``) to credit-centre admins."""

from django import template

from organisations.selectors import staff_context

from ..notifications import calendar_gap_message
from ..selectors import calendar_missing_years

register = template.Library()


@register.inclusion_tag("records/_calendar_warning.html", takes_context=True)
def calendar_warning(context) -> dict:
    """The warning (with the link to the holiday table) for a credit-centre admin or a superuser; nothing for
    anyone else, and nothing while every year due is covered."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not (user.is_superuser or staff_context(user).is_credit_admin):
        return {"message": ""}
    years = calendar_missing_years()
    return {"message": calendar_gap_message(years) if years else ""}
