"""Bulk review (issue 16): a reviewer decides a whole upload or a filtered selection of the review queue, in
the background, each entry audited on its own, never the reviewer's own entries nor another department's."""

import pytest
from django.db import transaction

from audit.models import AuditEvent
from audit.services import Actor
from organisations.models import StaffRole
from organisations.services import staff_create
from records import bulk_review
from records.bulk_review import bulk_review_request, bulk_review_run
from records.models import BulkReview, CreditRecord, IngestBatch
from records.services import RecordError
from tests.records.helpers import xzcf_item
from tests.records.test_batches import csv_bytes, upload

pytestmark = pytest.mark.django_db
PASSWORD = "Pass-12345-x"


@pytest.fixture
def staff(department, other_department):
    with transaction.atomic():
        for username, role, dept in [
            ("clerk", "clerk", department.code),
            ("reviewer", "reviewer", department.code),
            ("both", "clerk", department.code),
            ("otherclerk", "clerk", other_department.code),
            ("otherreviewer", "reviewer", other_department.code),
        ]:
            staff_create(username=username, password=PASSWORD, role=role, department_code=dept, actor=Actor.system())
        both = StaffRole.objects.get(user__username="both").user
        StaffRole.objects.create(user=both, role="reviewer", department=department)


def login(client, username):
    client.logout()
    assert client.login(username=username, password=PASSWORD)
    return client


def import_upload(client, capture, username, numbers, *, bad=0):
    """``username`` uploads a CSV of penalties ``numbers`` (plus ``bad`` invalid rows) and imports it."""
    login(client, username)
    items = [xzcf_item(n) for n in numbers]
    items += [xzcf_item(900 + n, CF_XDR_SHXYM="91220104MA0000000X") for n in range(bad)]
    with capture(execute=True):
        response = client.post(
            "/workbench/uploads/",
            {"record_type": "xzcf", "file": upload("处罚.csv", csv_bytes(items, encoding="utf-8"))},
        )
    batch = IngestBatch.objects.get(pk=response["Location"].rstrip("/").split("/")[-1])
    with capture(execute=True):
        client.post(f"/workbench/uploads/{batch.pk}/import/")
    batch.refresh_from_db()
    assert batch.state == "done", batch.message
    return batch


def test_a_whole_upload_is_approved_in_the_background_each_record_audited(
    client, staff, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(bulk_review, "CHUNK_SIZE", 4)  # several chunks, each its own transaction
    batch = import_upload(client, django_capture_on_commit_callbacks, "clerk", range(1, 11), bad=2)
    login(client, "reviewer")
    page = client.get(f"/workbench/uploads/{batch.pk}/").text
    assert "仍待审核 <strong>10</strong> 条" in page
    assert "有误 2 行" in page
    assert '统一社会信用代码（<span class="code">CF_XDR_SHXYM</span>）2 行' in page  # errors by field
    assert "抽样（前 10 条）" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/workbench/uploads/{batch.pk}/review/", {"decision": "approve", "note": ""})
    bulk = BulkReview.objects.get()
    assert response["Location"] == f"/workbench/review/bulk/{bulk.pk}/"
    progress = client.get(f"/workbench/review/bulk/{bulk.pk}/progress/").json()
    assert progress == {
        "state": "done",
        "state_label": "已完成",
        "total": 10,
        "processed": 10,
        "decided": 10,
        "skipped_own": 0,
    }
    records = CreditRecord.objects.filter(batch=batch)
    assert set(records.values_list("status", "reviewed_by__username", "version")) == {("active", "reviewer", 2)}
    approvals = AuditEvent.objects.filter(action="record.approve")
    assert sorted(int(pk) for pk in approvals.values_list("object_id", flat=True)) == sorted(
        records.values_list("pk", flat=True)
    )
    assert set(approvals.values_list("actor_label", flat=True)) == {"reviewer"}
    assert AuditEvent.objects.filter(action="records.bulk_review_done", object_id=str(bulk.pk)).exists()
    assert "已通过" in client.get(f"/workbench/review/bulk/{bulk.pk}/").text


def test_the_reviewers_own_entries_are_skipped_and_reported(client, staff, django_capture_on_commit_callbacks):
    own_batch = import_upload(client, django_capture_on_commit_callbacks, "both", [1, 2, 3])
    import_upload(client, django_capture_on_commit_callbacks, "clerk", [4, 5, 6, 7])
    login(client, "both")
    queue = client.get("/workbench/review/").text
    assert "待审核记录共 <strong>7</strong> 条，其中本人填报 3 条" in queue
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/workbench/review/bulk/", {"decision": "approve", "note": "核实无误"})
    bulk = BulkReview.objects.get()
    assert (bulk.state, bulk.total, bulk.decided, bulk.skipped_own) == ("done", 7, 4, 3)
    own = sorted(CreditRecord.objects.filter(batch=own_batch).values_list("pk", flat=True))
    assert sorted(bulk.skipped_ids) == own
    assert set(CreditRecord.objects.filter(pk__in=own).values_list("status", flat=True)) == {"pending_review"}
    assert not AuditEvent.objects.filter(action="record.approve", object_id__in=[str(pk) for pk in own]).exists()
    page = client.get(f"/workbench/review/bulk/{bulk.pk}/").text
    assert "本人填报，已跳过" in page
    assert all(f"/workbench/records/{pk}/" in page for pk in own)


def test_another_departments_entries_are_never_touched(client, staff, django_capture_on_commit_callbacks):
    theirs = import_upload(client, django_capture_on_commit_callbacks, "otherclerk", [1, 2])
    ours = import_upload(client, django_capture_on_commit_callbacks, "clerk", [3, 4])
    login(client, "reviewer")
    assert client.post(f"/workbench/uploads/{theirs.pk}/review/", {"decision": "approve"}).status_code == 404
    # A filter naming their batch selects nothing of ours, and never theirs.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/workbench/review/bulk/", {"decision": "approve", "batch": theirs.pk})
    assert response["Location"] == "/workbench/review/"
    assert not BulkReview.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/workbench/review/bulk/", {"decision": "approve"})
    assert set(CreditRecord.objects.filter(batch=theirs).values_list("status", flat=True)) == {"pending_review"}
    assert set(CreditRecord.objects.filter(batch=ours).values_list("status", flat=True)) == {"active"}
    with pytest.raises(RecordError):
        bulk_review_request(
            department=ours.department,
            reviewer=StaffRole.objects.get(user__username="reviewer").user,
            actor=Actor.system(),
            decision="approve",
            batch=theirs,
        )
    # A bulk review is seen only in its department.
    login(client, "otherreviewer")
    assert client.get(f"/workbench/review/bulk/{BulkReview.objects.get().pk}/").status_code == 404


def test_a_filtered_selection_is_rejected_with_a_reason_and_the_rest_waits(
    client, staff, django_capture_on_commit_callbacks
):
    first = import_upload(client, django_capture_on_commit_callbacks, "clerk", [1, 2])
    second = import_upload(client, django_capture_on_commit_callbacks, "clerk", [3, 4, 5])
    login(client, "reviewer")
    queue = client.get("/workbench/review/", {"batch": second.pk}).text
    assert "符合筛选条件的待审核记录共 <strong>3</strong> 条" in queue
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/workbench/review/bulk/", {"decision": "reject", "note": "", "batch": second.pk})
    assert not BulkReview.objects.exists()  # a rejection needs its reason
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/workbench/review/bulk/", {"decision": "reject", "note": "处罚依据缺条款", "batch": second.pk})
    assert set(CreditRecord.objects.filter(batch=second).values_list("status", "review_note")) == {
        ("rejected", "处罚依据缺条款")
    }
    assert set(CreditRecord.objects.filter(batch=first).values_list("status", flat=True)) == {"pending_review"}
    assert AuditEvent.objects.filter(action="record.reject").count() == 3


def test_the_selection_is_fixed_when_asked_and_a_second_run_changes_nothing(
    client, staff, django_capture_on_commit_callbacks
):
    import_upload(client, django_capture_on_commit_callbacks, "clerk", [1, 2])
    reviewer = StaffRole.objects.get(user__username="reviewer").user
    with transaction.atomic():  # asked for, but its task not yet run (no commit callbacks executed)
        bulk = bulk_review_request(
            department=reviewer.staff_roles.get().department,
            reviewer=reviewer,
            actor=Actor.system(),
            decision="approve",
        )
    later = import_upload(client, django_capture_on_commit_callbacks, "clerk", [3])
    done = bulk_review_run(bulk.pk)
    assert (done.state, done.decided) == ("done", 2)
    assert CreditRecord.objects.get(batch=later).status == "pending_review"
    events = AuditEvent.objects.count()
    assert bulk_review_run(bulk.pk).decided == 2
    assert AuditEvent.objects.count() == events


def test_a_bulk_review_whose_task_was_lost_is_queued_again_by_the_watchdog(
    client, staff, django_capture_on_commit_callbacks
):
    import datetime

    import time_machine
    from django.utils import timezone

    from records.bulk_review import bulk_reviews_watch

    import_upload(client, django_capture_on_commit_callbacks, "clerk", [1, 2])
    reviewer = StaffRole.objects.get(user__username="reviewer").user
    with transaction.atomic():  # its outbox message never delivered (no commit callbacks run)
        bulk = bulk_review_request(
            department=reviewer.staff_roles.get().department,
            reviewer=reviewer,
            actor=Actor.system(),
            decision="approve",
        )
    with django_capture_on_commit_callbacks(execute=True):
        assert bulk_reviews_watch(actor=Actor.system()) == 0  # not stalled yet
    later = timezone.now() + datetime.timedelta(minutes=30)
    with time_machine.travel(later, tick=False), django_capture_on_commit_callbacks(execute=True):
        assert bulk_reviews_watch(actor=Actor.system()) == 1
    bulk.refresh_from_db()
    assert (bulk.state, bulk.decided) == ("done", 2)
    assert AuditEvent.objects.filter(action="records.bulk_review_redrive", object_id=str(bulk.pk)).exists()


def test_the_selects_and_the_scope_speak_names_not_codes_or_ids(client, staff, django_capture_on_commit_callbacks):
    """Issue 16's walk: "行政处罚（xzcf）" in the selects, "填报人ID：3" as a bulk review's scope."""
    import_upload(client, django_capture_on_commit_callbacks, "clerk", [1])
    clerk = StaffRole.objects.get(user__username="clerk", role="clerk").user
    login(client, "reviewer")
    queue = client.get("/workbench/review/").text
    assert '<option value="xzcf">行政处罚</option>' in queue
    assert "（xzcf）" not in queue
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/workbench/review/bulk/", {"decision": "approve", "submitted_by": clerk.pk})
    assert BulkReview.objects.get().description == "待审核记录（填报人：clerk）"
    login(client, "clerk")
    uploads = client.get("/workbench/uploads/").text
    assert '<option value="xzcf">行政处罚</option>' in uploads
    assert "（xzcf）" not in uploads


def test_the_upload_page_names_the_fields_of_its_row_errors(client, staff, django_capture_on_commit_callbacks):
    batch = import_upload(client, django_capture_on_commit_callbacks, "clerk", [1], bad=1)
    page = client.get(f"/workbench/uploads/{batch.pk}/").text
    assert '<span title="CF_XDR_SHXYM">统一社会信用代码</span>：' in page
    assert "CF_XDR_SHXYM</span>：" not in page
