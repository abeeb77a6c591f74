"""The published records the applications name: the public site's fixtures."""

from tests.disclosure.conftest import penalty  # noqa: F401  (a fixture)
