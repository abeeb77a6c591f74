"""``core.links.site_url``: the one way mail sent without a request makes a link (``SITE_URL`` and a path)."""

import pytest

from core.links import site_url


@pytest.mark.parametrize(
    ("site", "link"),
    [
        ("https://credit.example.gov.cn", "https://credit.example.gov.cn/workbench/review/"),
        ("https://credit.example.gov.cn/", "https://credit.example.gov.cn/workbench/review/"),
        ("https://www.example.gov.cn/credit/", "https://www.example.gov.cn/credit/workbench/review/"),
    ],
    ids=["host", "trailing-slash", "path-prefix"],
)
def test_a_path_is_put_at_the_site_url(settings, site, link):
    settings.SITE_URL = site
    assert site_url("/workbench/review/") == link


def test_a_relative_path_is_refused():
    with pytest.raises(ValueError, match="workbench/review/"):
        site_url("workbench/review/")
