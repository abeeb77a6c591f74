"""Dates as departments write them: the ISO fast path and the other accepted forms give the same day."""

import datetime

import pytest

from records.validation import parse_date


@pytest.mark.parametrize(
    ("text", "day"),
    [
        pytest.param("2026-06-01", datetime.date(2026, 6, 1), id="iso"),
        pytest.param("２０２６-06-01", datetime.date(2026, 6, 1), id="full-width-digits"),
        pytest.param("2026/6/1", datetime.date(2026, 6, 1), id="slashes"),
        pytest.param("20260601", datetime.date(2026, 6, 1), id="compact"),
        pytest.param("2026年6月1日", datetime.date(2026, 6, 1), id="chinese"),
        pytest.param("2026-02-30", None, id="no-such-day"),
        pytest.param("2026-W22-1", None, id="iso-week-date-is-not-a-date-here"),
        pytest.param("06/01/2026", None, id="month-first"),
    ],
)
def test_parse_date(text, day):
    assert parse_date(text) == day
