"""Template helpers of the public site."""

from django import template

from subjects.identifiers import mask_person_name

from ..addresses import subject_url

register = template.Library()


@register.filter
def public_name(subject) -> str:
    """A subject's name as the public sees it (natural persons masked)."""
    return mask_person_name(subject.name) if subject.is_natural_person else subject.name


@register.filter
def public_url(subject) -> str:
    return subject_url(subject)


STATUS_TAGS = {"black": "失信惩戒对象", "watch": "重点关注对象", "red": "守信激励对象"}


@register.filter
def status_tag(status: str) -> str:
    return STATUS_TAGS.get(status, "")
