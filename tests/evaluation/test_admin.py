"""The credit centre edits and publishes models in the admin: a draft is checked when saved (a bad one refused
with the reason, nothing saved), a published version is read only, publishing starts a run, and the date of the
last full run is shown."""

import copy
import json

import pytest
from django.db import transaction

from audit.models import AuditEvent
from audit.services import Actor
from evaluation.choices import VersionState
from evaluation.models import EvaluationRun, ModelVersion
from evaluation.runs import evaluation_run, evaluation_run_request
from organisations.services import staff_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, evaluation_models):
    with transaction.atomic():
        staff_create(username="centre", password="Centre-Pass-2026", role="credit_admin", actor=Actor.system())
    client.login(username="centre", password="Centre-Pass-2026")
    return client


def test_the_pages_open_and_show_the_last_full_run(admin_client):
    for page in (
        "evaluationmodel",
        "modelversion",
        "evaluationrun",
        "evaluationresult",
        "evaluationfile",
    ):
        assert admin_client.get(f"/admin/evaluation/{page}/").status_code == 200, page
    assert "尚未完成全量评价" in admin_client.get("/admin/evaluation/evaluationmodel/").text
    with transaction.atomic():
        run = evaluation_run_request(actor=Actor.system(), kind="manual", background=False)
    run = evaluation_run(run.pk)
    assert f"最近一次全量评价：{run.as_of:%Y-%m-%d}" in admin_client.get("/admin/evaluation/evaluationmodel/").text
    published = ModelVersion.objects.get(model__code="general", state=VersionState.PUBLISHED)
    page = admin_client.get(f"/admin/evaluation/modelversion/{published.pk}/change/").text
    assert "列入失信惩戒名单的，评价等级为差" in page  # the readable rendering of the definition
    assert 'name="definition"' not in page  # frozen


def test_a_draft_is_edited_checked_and_published(admin_client, evaluation_models, django_capture_on_commit_callbacks):
    general = evaluation_models["general"]
    response = admin_client.post(
        "/admin/evaluation/evaluationmodel/", {"action": "new_draft", "_selected_action": [general.pk]}
    )
    assert response.status_code == 302
    draft = ModelVersion.objects.get(model=general, state=VersionState.DRAFT)
    url = f"/admin/evaluation/modelversion/{draft.pk}/change/"
    bad = copy.deepcopy(draft.definition)
    bad["grades"] = {"A": "60", "B": "70", "C": "80"}
    response = admin_client.post(url, {"definition": json.dumps(bad), "note": "错误"})
    assert response.status_code == 200
    assert "等级分数线须依次降低" in response.text
    draft.refresh_from_db()
    assert draft.definition["grades"] == {"A": "90", "B": "75", "C": "60"}
    good = copy.deepcopy(draft.definition)
    good["base_score"] = "72"
    assert admin_client.post(url, {"definition": json.dumps(good), "note": "基础分72"}).status_code == 302
    draft.refresh_from_db()
    assert (draft.definition["base_score"], draft.note) == ("72", "基础分72")
    assert AuditEvent.objects.filter(action="evaluation.version_edit", actor_label="centre").exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            "/admin/evaluation/modelversion/", {"action": "publish", "_selected_action": [draft.pk]}
        )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.state == VersionState.PUBLISHED
    run = EvaluationRun.objects.get(version=draft)
    assert run.state == "done"
    assert AuditEvent.objects.get(action="evaluation.version_publish").actor_label == "centre"
