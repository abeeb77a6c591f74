"""Public addresses of subjects: organisations by USCC, natural persons by an opaque signed token.

A natural person's page is never addressed by the ID number, and the token cannot be guessed or
enumerated: it carries an HMAC signature of the internal id (``SECRET_KEY``, salt ``disclosure.person``).
"""

from django.core import signing
from django.urls import reverse

from subjects.models import CreditSubject

PERSON_SIGNER = signing.Signer(salt="disclosure.person")


def person_token(subject: CreditSubject) -> str:
    return PERSON_SIGNER.sign(str(subject.pk)).split(":", 1)[1] + f"-{subject.pk}"


def person_pk(token: str) -> int | None:
    """The subject id a token names, or None when the token was not made here."""
    signature, _, pk = token.rpartition("-")
    try:
        return int(PERSON_SIGNER.unsign(f"{pk}:{signature}"))
    except (signing.BadSignature, ValueError):
        return None


def subject_url(subject: CreditSubject) -> str:
    if subject.is_natural_person:
        return reverse("disclosure:person-detail", args=[person_token(subject)])
    return reverse("disclosure:subject-detail", args=[subject.uscc])
