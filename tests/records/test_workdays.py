import datetime

import pytest

from records.workdays import add_workdays, builtin_calendar_covers, is_workday, workdays_between

D = datetime.date


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        (D(2026, 9, 30), 7, D(2026, 10, 15)),  # across National Day, with the make-up Saturday 10-10
        (D(2026, 6, 1), 7, D(2026, 6, 10)),  # an ordinary fortnight: weekends skipped
        (D(2026, 6, 5), 0, D(2026, 6, 5)),
        (D(2026, 6, 5), 1, D(2026, 6, 8)),  # Friday + 1 = Monday
    ],
    ids=["national-day", "ordinary", "zero", "over-weekend"],
)
def test_add_workdays_follows_the_holiday_calendar(start, days, expected):
    assert add_workdays(start, days, {}) == expected
    assert workdays_between(start, expected, {}) == days


def test_make_up_saturday_is_a_workday_and_a_holiday_weekday_is_not():
    assert is_workday(D(2026, 10, 10), {})
    assert not is_workday(D(2026, 10, 5), {})


def test_year_after_the_package_uses_the_admin_table_then_weekdays():
    assert not builtin_calendar_covers(2027)
    new_year = D(2027, 1, 1)  # a Friday
    assert is_workday(new_year, {})  # unknown year: weekdays only
    overrides = {new_year: "holiday", D(2027, 1, 2): "workday"}
    assert not is_workday(new_year, overrides)
    assert is_workday(D(2027, 1, 2), overrides)
    assert add_workdays(D(2026, 12, 31), 1, overrides) == D(2027, 1, 2)
