"""Record data reaches the public masked: document numbers whatever their type, citizen IDs in any value."""

import datetime

import pytest
import time_machine
from django.template.loader import render_to_string

from disclosure import rules
from disclosure.selectors import public_report_body
from records.models import CreditRecord
from subjects import identifiers as ids
from tests.disclosure.conftest import NOW
from tests.records.helpers import company_uscc

OLD_ID = ids.make_citizen_id(division_code="220104", birth_date=datetime.date(1981, 5, 6), sequence=77)


@pytest.mark.parametrize(
    ("data", "field", "shown"),
    [
        pytest.param({"CF_XDR_ZJHM": "E12345678"}, "CF_XDR_ZJHM", {"CF_XDR_ZJHM": "E1*****78"}, id="passport"),
        pytest.param({"XK_XDR_ZJHM": "H1234567890"}, "", {"XK_XDR_ZJHM": "H1*******90"}, id="any-zjhm-code"),
        pytest.param(
            {"CF_NR": f"当事人{OLD_ID}罚款", "CF_NR_FK": 5},
            "CF_XDR_ZJHM",
            {"CF_NR": f"当事人{ids.mask_citizen_id(OLD_ID)}罚款", "CF_NR_FK": "5"},
            id="citizen-id-in-free-text",
        ),
        pytest.param({"CF_CFLB": "罚款"}, "CF_XDR_ZJHM", {"CF_CFLB": "罚款"}, id="nothing-to-mask"),
    ],
)
def test_public_record_data(data, field, shown):
    assert rules.public_record_data(data, document_number_field=field) == shown


@pytest.mark.django_db
def test_a_record_stored_before_masking_is_shown_masked_on_every_public_path(published):
    """Pages, open data and the credit report read record data through one function: a clear ID stored by an
    older version (or typed into a field validation does not know) never reaches the public."""
    record = CreditRecord.objects.get(source_id="长市监罚〔2026〕1号")
    CreditRecord.objects.filter(pk=record.pk).update(
        data={**record.data, "CF_NR": f"罚款，当事人{OLD_ID}", "CF_WFXW": f"违法{OLD_ID}", "CF_XDR_ZJHM": "E12345678"}
    )
    masked = ids.mask_citizen_id(OLD_ID)
    with time_machine.travel(NOW, tick=False):
        page = published.get(f"/subjects/{company_uscc(1)}/", {"tab": "xzcf"}).text
        csv_response = published.get("/opendata/shuanggongshi/xzcf.csv", {"from": "2026-06-01", "to": "2026-07-01"})
        opendata = b"".join(csv_response.streaming_content).decode("utf-8-sig")
        report = render_to_string("disclosure/report.html", {"sections": public_report_body(record.subject).sections})
    for output in (page, opendata, report):
        assert OLD_ID not in output
        assert masked in output
        assert "E12345678" not in output


@pytest.mark.django_db
def test_a_natural_persons_full_name_in_free_text_is_masked_on_every_public_path(published):
    """Red team (issue 12): a penalty's content often names the person (对欧阳娜娜处以罚款). The page header, the
    lists and the files show the masked name; the record's own text must not undo it on the person's page, in
    the 双公示 CSV or in the credit report."""
    from disclosure.addresses import subject_url

    record = CreditRecord.objects.get(source_id="长市监罚〔2026〕人9号")
    assert record.subject.is_natural_person
    CreditRecord.objects.filter(pk=record.pk).update(
        data={**record.data, "CF_NR": "对欧阳娜娜处以罚款", "CF_WFXW": "欧阳娜娜 无证经营", "CF_CFLB": "罚款"}
    )
    with time_machine.travel(NOW, tick=False):
        page = published.get(subject_url(record.subject), {"tab": "xzcf"}).text
        csv_response = published.get("/opendata/shuanggongshi/xzcf.csv", {"from": "2026-06-01", "to": "2026-07-01"})
        opendata = b"".join(csv_response.streaming_content).decode("utf-8-sig")
        report = render_to_string("disclosure/report.html", {"sections": public_report_body(record.subject).sections})
    for output in (page, opendata, report):
        assert "欧阳娜娜" not in output
        assert "对欧阳**处以罚款" in output
