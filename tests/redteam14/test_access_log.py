"""Red team (issue 14): is every read of a subject's restricted records in its access log?"""

from __future__ import annotations

import pytest

from subjects.models import SubjectAccess

pytestmark = pytest.mark.django_db


def test_the_credit_centres_read_of_a_restricted_record_is_in_the_subjects_access_log(arrears, staff):
    """The access log says it lists "every read of the subject's restricted information, whoever read it". A
    credit-centre admin (no department, no grant, no purpose) opens another department's 政务共享
    record at /workbench/records/<pk>/ (or lists them at /workbench/records/?subject=...): the full record is
    served and the subject never learns of it."""
    reader = staff("credit_admin")
    page = reader.get(f"/workbench/records/{arrears.pk}/")
    assert page.status_code == 200
    assert arrears.source_id in page.content.decode()
    assert SubjectAccess.objects.filter(subject=arrears.subject).exists(), "read of a restricted record not logged"


def test_a_reason_names_a_restricted_record_without_its_document_number(arrears):
    """Second read: list and status reasons reach third parties and every department's membership feed; a
    restricted record (欠税信息) is named by its type only, a public one with its document number too."""
    from records.models import CreditRecord
    from sanctions.selectors import record_facts

    penalty = CreditRecord.objects.get(subject=arrears.subject, record_type__code="xzcf")
    facts = {
        fact.id: fact
        for fact in record_facts([arrears.subject_id], (), also=[arrears.pk, penalty.pk])[arrears.subject_id]
    }
    assert facts[arrears.pk].label == arrears.record_type.name
    assert penalty.source_id.split("|")[-1] in facts[penalty.pk].label
