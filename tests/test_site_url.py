"""Red team of SITE_URL: the production settings refuse a relative address but accept others whose links
open nowhere or carry what no e-mail should. ``core.links.site_url`` appends the path to the address with its
trailing slashes stripped, so an empty fragment or query marker (``https://host/#``, ``https://host/?``) turns
every link into the home page with a fragment or a query; a space or a newline (an edited .env) breaks every link;
a port that is not a number opens nothing; and a user name and password in the address is mailed to every
applicant, reviewer and account holder."""

import pytest

from tests.test_settings_production import ROOT, load  # noqa: F401  (the same subprocess loader)


@pytest.mark.parametrize(
    "value",
    [
        "https://credit.example.gov.cn/#",
        "https://credit.example.gov.cn/?",
        "https://credit.example.gov.cn/ ",
        "https://credit.example.gov.cn\n",
        "https://credit.example.gov.cn:port",
        "https://deploy:s3cret@credit.example.gov.cn",
    ],
    ids=["empty-fragment", "empty-query", "trailing-space", "newline", "bad-port", "credentials"],
)
def test_production_refuses_a_site_url_whose_links_break_or_leak(value):
    result = load(SITE_URL=value)
    assert result.returncode != 0, f"accepted {value!r}"
    assert "SITE_URL" in result.stderr
