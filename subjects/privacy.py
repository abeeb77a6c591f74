"""Keyed hashing of citizen ID numbers: the platform matches natural persons without storing the number."""

import hashlib
import hmac

from django.conf import settings


def citizen_id_digest(normalized_id: str) -> str:
    """HMAC-SHA256 of a normalised 18-character ID, keyed by ``SUBJECT_ID_HASH_KEY``.

    A plain hash would be reversible by enumerating the ~10^10 plausible ID numbers; the secret key makes
    that useless to anyone who obtains only the database.
    """
    key = settings.SUBJECT_ID_HASH_KEY.encode()
    return hmac.new(key, normalized_id.encode(), hashlib.sha256).hexdigest()
