"""Red team (issue 14): what an identity provider's vouching leaves behind."""

from __future__ import annotations

import pytest
from django.db import transaction

from accounts.oidc import vouched_subjects
from accounts.selectors import grant_acting
from accounts.services import account_from_identity
from audit.services import Actor
from tests.factories import CreditSubjectFactory

pytestmark = pytest.mark.django_db


def _sign_in(claims: dict):
    """What ``SubjectAccountOIDCBackend`` does with the provider's claims at each sign-in."""
    kind, vouched = vouched_subjects(claims)
    with transaction.atomic():
        return account_from_identity(
            issuer="https://idp.example",
            sub=claims["sub"],
            email=claims.get("email", ""),
            display_name=claims.get("name", ""),
            kind=kind,
            vouched=vouched,
            actor=Actor.public(),
        )


@pytest.mark.parametrize("later", [{}, {"uscc": "other"}], ids=["no-longer-any-company", "now-another-company"])
def test_a_grant_the_provider_no_longer_vouches_for_does_not_outlive_it(later):
    """The provider vouched that the user is company A's legal representative; A's grant is verified by the
    provider. Later the provider's claims no longer name A (the person left A, or now represents B): A's grant
    stays verified for ever, so the person keeps filing for A, reading its non-public record and authorising
    banks. A grant verified by the provider should follow what the provider says at each sign-in."""
    company_a = CreditSubjectFactory(name="长春宏达商贸有限公司")
    company_b = CreditSubjectFactory(name="长春另一商贸有限公司")
    claims = {"sub": "u-1", "name": "王总", "email": "wang@example.com", "org_role": "legal_representative"}
    account = _sign_in({**claims, "uscc": company_a.uscc})
    assert grant_acting(account, company_a) is not None
    later_claims = dict(claims)
    if later:
        later_claims["uscc"] = company_b.uscc
    account = _sign_in(later_claims)
    assert grant_acting(account, company_a) is None, "the provider no longer vouches for A, the grant still acts"
