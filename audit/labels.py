"""What each audit action code means, in Chinese, for the people who read the trail (issue 16).

Every app that writes audit events declares the labels of its action codes in its own ``audit_actions``
module (``ACTION_LABELS = {code: label}``); the registry collects them from every installed app, as the admin
collects ``admin`` modules, so this lowest app names none of them. The admin's own edits
(``<model>.create`` / ``.change`` / ``.delete``, written by ``audit.admin_mixins``) are labelled from the
model's name. ``tests/audit/test_action_labels.py`` finds every action code in the code base and checks it
has a label.
"""

from __future__ import annotations

from functools import cache
from importlib import import_module
from importlib.util import find_spec

from django.apps import apps

#: The admin's edits (audit.admin_mixins), by verb.
ADMIN_VERBS = {"create": "新增", "change": "修改", "delete": "删除"}

#: The audit app's own actions.
ACTION_LABELS = {"database.grant": "数据库角色授权"}


@cache
def action_labels() -> dict[str, str]:
    """Every declared action code and its label."""
    labels: dict[str, str] = {}
    for config in apps.get_app_configs():
        name = f"{config.name}.audit_actions"
        if config.name == "audit":
            labels |= ACTION_LABELS
        elif find_spec(name):
            labels |= getattr(import_module(name), "ACTION_LABELS", {})
    return labels


@cache
def value_labels() -> dict[str, str]:
    """Codes inside events' before/after (``VALUE_LABELS`` of each app's ``audit_actions``: token scopes...)."""
    labels: dict[str, str] = {}
    for config in apps.get_app_configs():
        name = f"{config.name}.audit_actions"
        if config.name != "audit" and find_spec(name):
            labels |= getattr(import_module(name), "VALUE_LABELS", {})
    return labels


def values_labelled(value):
    """``value`` (an event's before/after) with every known code shown as "label（code）"."""
    if isinstance(value, dict):
        return {key: values_labelled(item) for key, item in value.items()}
    if isinstance(value, list):
        return [values_labelled(item) for item in value]
    if isinstance(value, str) and value in value_labels():
        return f"{value_labels()[value]}（{value}）"
    return value


@cache
def _model_names() -> dict[str, str]:
    return {model._meta.model_name: str(model._meta.verbose_name) for model in apps.get_models()}


def action_label(code: str) -> str:
    """The label of an action code; the code itself when it has none (never an error on the trail's page)."""
    labels = action_labels()
    if code in labels:
        return labels[code]
    model, _, verb = code.rpartition(".")
    if verb in ADMIN_VERBS and model in _model_names():
        return f"管理后台{ADMIN_VERBS[verb]}{_model_names()[model]}"
    return code


def has_label(code: str) -> bool:
    return action_label(code) != code


#: Object types written by hand, not a model's ``label_lower``.
OBJECT_TYPE_LABELS = {"database.role": "数据库角色"}


@cache
def _model_labels() -> dict[str, str]:
    return {model._meta.label_lower: str(model._meta.verbose_name) for model in apps.get_models()}


def object_type_label(object_type: str) -> str:
    """The Chinese name of an event's object type (``rights.application`` → the model's verbose name); the code
    itself when it names no model (an old event of a removed model stays readable, never an error)."""
    return OBJECT_TYPE_LABELS.get(object_type) or _model_labels().get(object_type) or object_type
