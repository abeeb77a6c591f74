"""Red team (issue 14): proof files (身份证, 营业执照) and their retention."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from accounts.models import GrantProof
from accounts.services import proofs_purge
from tests.accounts.helpers import pdf
from tests.factories import CreditSubjectFactory

pytestmark = pytest.mark.django_db


def test_id_cards_of_an_abandoned_registration_are_not_kept_for_ever(media):
    """Anyone may register (no sign-in) with an ID card and a licence; the files' retention starts only when
    the credit centre decides the grant. A registration never confirmed by e-mail (or never decided) keeps its
    ID-card copies for ever: ``proofs_purge`` never touches them (seed 002 item 77: keep no longer than
    needed)."""
    company = CreditSubjectFactory(name="长春宏达商贸有限公司")
    form = {
        "kind": "organisation",
        "display_name": "冒名者",
        "email": "someone@example.com",
        "mobile": "",
        "password": "Account-pass-2026",
        "password2": "Account-pass-2026",
        "code": company.uscc,
        "name": company.name,
        "role": "legal_rep",
        "licence": pdf("营业执照.pdf"),
        "legal_rep_id": pdf("法定代表人身份证.pdf"),
    }
    assert Client().post("/account/register/", form).status_code == 200
    assert GrantProof.objects.count() == 2
    two_years_later = timezone.localdate() + datetime.timedelta(days=730)
    proofs_purge(today=two_years_later)
    assert not GrantProof.objects.filter(purged_at__isnull=True).exists(), "unconfirmed registration's ID kept"
