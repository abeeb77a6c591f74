"""Every audit action code people can see has a Chinese label (issue 16): the codes are found in the source."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib import admin

from audit.labels import action_label, has_label
from tests.test_project import LAYERS

# ``action="x.y"`` (audit_event_record and the services that pass an action on) and the views' read audits
# (``_audit_read(request, obj, "x.y")``).
LITERAL = re.compile(r'(?:\baction=|_audit_read\(request, \w+, )"([a-z_]+(?:\.[a-z_]+)+)"')
FORMATTED = re.compile(r'\baction=f"([^"]+)"')
# The f-string families and where their values come from: each is expanded in the registry by its app.
FAMILIES = {
    "record.{change}",
    "application.submit.{kind}",
    "application.{step}",
    "special_query.{step}",
    # the admin's edits (audit.admin_mixins), labelled by model
    "{obj._meta.model_name}.delete",
    "{obj._meta.model_name}.{'change' if change else 'create'}",
}


def _sources():
    for app in LAYERS:
        yield from (Path(settings.BASE_DIR) / app).rglob("*.py")


def test_every_literal_action_code_has_a_label():
    codes = {code for path in _sources() for code in LITERAL.findall(path.read_text(encoding="utf-8"))}
    assert len(codes) > 60  # the scan finds them (77 when written)
    missing = sorted(code for code in codes if not has_label(code))
    assert not missing, f"action codes without a label in an app's audit_actions.py: {missing}"


def test_every_formatted_action_code_is_a_known_family():
    families = {fmt for path in _sources() for fmt in FORMATTED.findall(path.read_text(encoding="utf-8"))}
    assert families == FAMILIES, "a new f-string action family: expand it in its app's audit_actions.py"


@pytest.mark.parametrize(
    ("code", "label"),
    [
        ("record.approve", "信用记录审核通过"),
        ("record.resubmit", "信用记录修改后重新提交"),
        ("application.submit.objection", "提交异议申诉申请"),
        ("application.accept", "申请受理"),
        ("special_query.issue", "特殊查询出具结果"),
        ("records.ingest", "报送信用记录"),
        ("recordtype.change", "管理后台修改信用信息类型"),
        ("article.delete", "管理后台删除" + "新闻政策"),
    ],
)
def test_dynamic_codes_have_labels(code, label):
    if code == "article.delete":
        from disclosure.models import Article

        label = f"管理后台删除{Article._meta.verbose_name}"
    assert action_label(code) == label


def test_admin_edits_of_every_registered_model_have_a_label():
    for model in admin.site._registry:
        for verb in ("create", "change", "delete"):
            assert has_label(f"{model._meta.model_name}.{verb}"), model


@pytest.mark.django_db
def test_the_audit_trail_shows_labels(admin_client):
    from django.db import transaction

    from audit.services import Actor, audit_event_record

    with transaction.atomic():
        audit_event_record(actor=Actor.system(), action="records.ingest", object_type="x", object_id="1")
    page = admin_client.get("/admin/audit/auditevent/").text
    assert "报送信用记录（records.ingest）" in page


@pytest.mark.django_db
def test_the_audit_trail_names_object_types_in_chinese(admin_client):
    """Issue 16: the list showed "rights.application", "auth.user"; the model's name is what people read."""
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from audit.services import Actor, audit_event_record

    with transaction.atomic():
        audit_event_record(actor=Actor.system(), action="records.ingest", object_type="auth.user", object_id="1")
    page = admin_client.get("/admin/audit/auditevent/").text
    label = str(get_user_model()._meta.verbose_name)
    assert f'<td class="field-object_type_display">{label}</td>' in page
    assert "auth.user</" not in page
    assert "auth.user\n" not in page
    assert f">{label}</a>" in page  # the filter too


@pytest.mark.django_db
def test_the_admin_index_has_no_english_header(admin_client):
    page = admin_client.get("/admin/", HTTP_ACCEPT_LANGUAGE="en-US").text
    assert "Model name" not in page
    assert "Change or view list link" not in page
    assert "修改或查看列表链接" in page
