"""Fixtures of the red-team tests of issue 14 (subject accounts, graded query rights, special queries)."""

import pytest

from tests.queries.conftest import arrears, grant, owner, qsxx, reader, staff  # noqa: F401  (fixtures)
from tests.rights.conftest import record_of_a  # noqa: F401  (a fixture)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path
