"""Open-data files (issue 12): generated in the background, served from disk with their checksum."""

import datetime
import hashlib
import io

import pytest
import time_machine
from django.conf import settings
from django.core.management import CommandError, call_command

from disclosure import opendata
from disclosure.models import OpenDataFile, OpenDataScope
from records.models import CreditRecord
from subjects import identifiers as ids

from .conftest import CITIZEN_ID, NOW

pytestmark = pytest.mark.django_db
JUNE = datetime.date(2026, 6, 1)


@pytest.fixture(autouse=True)
def opendata_root(tmp_path, settings):
    settings.OPENDATA_ROOT = str(tmp_path / "opendata")
    return tmp_path / "opendata"


def generate(kind="xzcf", scope=OpenDataScope.FULL, start=JUNE, end=datetime.date(2026, 6, 30)):
    with time_machine.travel(NOW, tick=False):
        return opendata.opendata_generate(kind=kind, period_start=start, period_end=end, scope=scope)


def download(client, row):
    response = client.get(f"/opendata/files/{row.pk}/")
    assert response.status_code == 200
    return response, b"".join(response.streaming_content)


def test_generation_writes_the_public_rows_with_their_checksum(published, opendata_root):
    row = generate()
    body = (opendata_root / row.path).read_bytes()
    text = body.decode("utf-8-sig")
    assert row.sha256 == hashlib.sha256(body).hexdigest()
    assert row.bytes == len(body)
    assert "长市监罚〔2026〕1号" in text
    assert "警1号" not in text  # a warning is not published
    assert "欧阳**" in text
    assert "欧阳娜娜" not in text
    assert CITIZEN_ID not in text
    assert ids.mask_citizen_id(CITIZEN_ID) in text
    public = CreditRecord.objects.filter(record_type__code="xzcf").exclude(source_id__contains="警").count()
    assert row.rows == public == len(text.strip().splitlines()) - 1
    # The served bytes are the listed bytes: the listing's SHA-256 verifies the download.
    response, served = download(published, row)
    assert hashlib.sha256(served).hexdigest() == row.sha256
    assert response["ETag"] == f'"{row.sha256}"'
    assert response["Content-Length"] == str(len(served))
    listing = published.get("/opendata/").content.decode()
    assert row.sha256 in listing
    assert "2026-06" in listing
    assert f"/opendata/files/{row.pk}/" in listing


def test_a_record_that_stops_being_public_leaves_the_next_file(published, opendata_root):
    first = generate()
    record = CreditRecord.objects.get(source_id="长市监罚〔2026〕1号")
    CreditRecord.objects.filter(pk=record.pk).update(status="revoked")
    second = generate()
    text = (opendata_root / second.path).read_text("utf-8-sig")
    assert "长市监罚〔2026〕1号" not in text
    assert second.pk == first.pk
    assert second.rows == first.rows - 1
    assert second.sha256 != first.sha256


def test_regeneration_is_idempotent(published, opendata_root):
    first = generate()
    second = generate()
    assert OpenDataFile.objects.count() == 1
    assert (first.pk, first.sha256, first.path) == (second.pk, second.sha256, second.path)
    assert sorted(p.name for p in (opendata_root / "xzcf").iterdir()) == ["xzcf-2026-06-full.csv"]  # no temp left


def test_a_day_outside_the_period_is_not_in_the_increment(published):
    row = generate(
        scope=OpenDataScope.INCREMENT, start=JUNE + datetime.timedelta(days=1), end=JUNE + datetime.timedelta(days=1)
    )
    assert row.rows == 0


def test_download_reads_one_row_and_never_the_records(published, django_assert_num_queries):
    row = generate()
    with django_assert_num_queries(1) as captured:
        download(published, row)
    assert all("record" not in q["sql"].lower() for q in captured.captured_queries)
    not_modified = published.get(f"/opendata/files/{row.pk}/", HTTP_IF_NONE_MATCH=f'"{row.sha256}"')
    assert not_modified.status_code == 304
    assert "public" in not_modified["Cache-Control"]
    assert "max-age" in not_modified["Cache-Control"]
    assert published.get("/opendata/files/999999/").status_code == 404


def test_list_snapshot_and_command(published, opendata_root):
    with time_machine.travel(NOW, tick=False):
        call_command("opendata_generate", "--day", "2026-06-01")
        call_command("opendata_generate", "--month", "2026-06", "--kind", "xzcf")
    kinds = set(OpenDataFile.objects.values_list("kind", "scope"))
    assert {("xzcf", "increment"), ("xzxk", "increment"), ("xzcf", "full"), ("yzsx_scjg", "snapshot")} <= kinds
    snapshot = OpenDataFile.objects.get(kind="yzsx_scjg")
    with time_machine.travel(NOW, tick=False):
        response = published.get("/opendata/lists/yzsx_scjg.csv")
    assert response.status_code == 302
    assert response["Location"] == f"/opendata/files/{snapshot.pk}/"


def test_the_date_range_endpoint_is_bounded_to_31_days(published):
    ok = published.get("/opendata/shuanggongshi/xzcf.csv", {"from": "2026-06-01", "to": "2026-07-01"})
    assert ok.status_code == 200
    refused = published.get("/opendata/shuanggongshi/xzcf.csv", {"from": "2026-01-01", "to": "2026-12-31"})
    assert refused.status_code == 400
    assert "最多31天" in refused.content.decode()
    assert "全量文件" in refused.content.decode()


def test_the_tasks_run_and_are_in_beat(published):
    from disclosure.tasks import opendata_daily_task, opendata_monthly_task

    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {"disclosure.tasks.opendata_daily_task", "disclosure.tasks.opendata_monthly_task"} <= tasks
    with time_machine.travel(datetime.datetime(2026, 7, 1, 1, 15, tzinfo=NOW.tzinfo), tick=False):
        opendata_monthly_task()
        opendata_daily_task()
    assert OpenDataFile.objects.get(kind="xzcf", scope="full").period_start == JUNE
    assert OpenDataFile.objects.get(kind="xzcf", scope="increment").period_start == datetime.date(2026, 6, 30)


def test_seed_demo_fills_the_listing(client):
    call_command("seed_demo", "--subjects=50", "--no-progress", stdout=io.StringIO())
    assert OpenDataFile.objects.filter(scope=OpenDataScope.SNAPSHOT).exists()
    assert OpenDataFile.objects.filter(scope=OpenDataScope.FULL).count() == 2
    assert "暂无已生成的文件" not in client.get("/opendata/").content.decode().split("<h2>")[1]


@pytest.mark.parametrize(
    "args",
    [
        [],
        ["--day", "2026-13-01"],
        ["--month", "2026-06", "--kind", "yzsx_scjg"],
        ["--day", "2026-06-01", "--kind", "x"],
    ],
)
def test_the_command_refuses_bad_arguments_and_writes_nothing(published, args):
    with pytest.raises(CommandError):
        call_command("opendata_generate", *args)
    assert not OpenDataFile.objects.exists()


# Files already written must not keep publishing what has left the public site (red team, issue 12). Before, a
# month's full file and a day's increment were written once: a record revoked, suspended or repaired later, or
# whose disclosure period ended, stayed in the published file for good; so did a removed list entry in every
# earlier day's snapshot.
def _revoke(source_id: str, django_capture_on_commit_callbacks) -> None:
    from audit.services import Actor
    from records.services import record_revoke

    record = CreditRecord.objects.get(source_id=source_id)
    with time_machine.travel(NOW, tick=False), django_capture_on_commit_callbacks(execute=True):
        record_revoke(record=record, actor=Actor.system("测试"), reason="决定已撤销")


def _text(opendata_root, kind, scope, start) -> str:
    row = OpenDataFile.objects.get(kind=kind, scope=scope, period_start=start)
    return (opendata_root / row.path).read_text("utf-8-sig")


def test_a_revoked_record_leaves_the_files_already_written(
    published, opendata_root, django_capture_on_commit_callbacks
):
    from disclosure.tasks import opendata_stale_task

    generate()
    generate(scope=OpenDataScope.INCREMENT, start=JUNE, end=JUNE)
    other = generate(kind="xzxk")
    assert "长市监罚〔2026〕1号" in _text(opendata_root, "xzcf", "full", JUNE)
    _revoke("长市监罚〔2026〕1号", django_capture_on_commit_callbacks)
    stale = set(OpenDataFile.objects.filter(stale_since__isnull=False).values_list("kind", "scope"))
    assert stale == {("xzcf", "full"), ("xzcf", "increment")}  # the licence file holds no such record
    with time_machine.travel(NOW, tick=False):
        assert opendata_stale_task() == 2
    assert "长市监罚〔2026〕1号" not in _text(opendata_root, "xzcf", "full", JUNE)
    assert "长市监罚〔2026〕1号" not in _text(opendata_root, "xzcf", "increment", JUNE)
    assert not OpenDataFile.objects.filter(stale_since__isnull=False).exists()
    assert OpenDataFile.objects.get(pk=other.pk).sha256 == other.sha256
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "disclosure.tasks.opendata_stale_task" in tasks


def test_a_record_whose_disclosure_period_ended_leaves_the_files(published, opendata_root):
    from disclosure.tasks import opendata_daily_task

    generate()
    record = CreditRecord.objects.get(source_id="长市监罚〔2026〕1号")
    CreditRecord.objects.filter(pk=record.pk).update(disclosure_end=datetime.date(2026, 7, 1))
    with time_machine.travel(datetime.datetime(2026, 7, 2, 0, 45, tzinfo=NOW.tzinfo), tick=False):
        opendata_daily_task()
    assert "长市监罚〔2026〕1号" not in _text(opendata_root, "xzcf", "full", JUNE)


def test_only_the_latest_snapshot_of_a_list_is_kept(published, opendata_root):
    with time_machine.travel(NOW, tick=False):
        call_command("opendata_generate", "--day", "2026-06-01")
        call_command("opendata_generate", "--day", "2026-06-02")
    snapshots = OpenDataFile.objects.filter(kind="yzsx_scjg", scope=OpenDataScope.SNAPSHOT)
    assert list(snapshots.values_list("period_start", flat=True)) == [datetime.date(2026, 6, 2)]
    assert sorted(p.name for p in (opendata_root / "yzsx_scjg").iterdir()) == ["yzsx_scjg-2026-06-02-snapshot.csv"]


@pytest.mark.parametrize("change", [{"is_active": False}, {"colour": "notice"}])
def test_a_list_no_longer_published_is_not_downloadable(published, opendata_root, change):
    from sanctions.models import ListType

    with time_machine.travel(NOW, tick=False):
        call_command("opendata_generate", "--day", "2026-06-01")
    snapshot = OpenDataFile.objects.get(kind="yzsx_scjg")
    assert published.get(f"/opendata/files/{snapshot.pk}/").status_code == 200
    ListType.objects.filter(code="yzsx_scjg").update(**change)
    assert published.get(f"/opendata/files/{snapshot.pk}/").status_code == 404
    assert f"/opendata/files/{snapshot.pk}/" not in published.get("/opendata/").content.decode()


def test_a_missed_night_is_caught_up_and_a_file_written_after_the_end_is_left_alone(published, opendata_root):
    from disclosure.opendata import opendata_mark_ended

    record = CreditRecord.objects.get(source_id="长市监罚〔2026〕1号")
    CreditRecord.objects.filter(pk=record.pk).update(disclosure_end=datetime.date(2026, 6, 29))
    with time_machine.travel(datetime.datetime(2026, 6, 29, 12, tzinfo=NOW.tzinfo), tick=False):
        before = opendata.opendata_generate(  # written while the record was public
            kind="xzcf", period_start=JUNE, period_end=datetime.date(2026, 6, 30), scope=OpenDataScope.FULL
        )
    assert "长市监罚〔2026〕1号" in (opendata_root / before.path).read_text("utf-8-sig")
    other = generate(kind="xzcf", scope=OpenDataScope.INCREMENT, start=JUNE, end=JUNE)  # written 07-01: without it
    with time_machine.travel(datetime.datetime(2026, 7, 2, 0, 45, tzinfo=NOW.tzinfo), tick=False):
        assert opendata_mark_ended(datetime.date(2026, 7, 2)) == 1  # the nights of 06-30 and 07-01 were missed
    assert OpenDataFile.objects.get(pk=before.pk).stale_since is not None
    assert OpenDataFile.objects.get(pk=other.pk).stale_since is None
