"""A real OpenID Connect provider for the tests of the sign-in (django-oauth-toolkit), run as its own process
by ``tests/accounts/test_oidc.py`` on a free port: a tiny Django project, nothing of the portal in it.

Configured by environment variables the fixture sets: ``OIDC_TEST_DB`` (SQLite file), ``OIDC_TEST_KEY`` (RSA
private key, PEM), ``OIDC_TEST_USERS`` (JSON: user name → password and claims), ``OIDC_TEST_CLIENT`` (JSON:
client id, secret, redirect URI)."""
