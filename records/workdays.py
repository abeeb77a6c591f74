"""Chinese working days: weekends, public holidays and make-up workdays (调休).

The ``chinesecalendar`` package knows the State Council's holiday arrangements up to the year it was
released for (2026 at the time of writing); the admin-editable ``CalendarDay`` table overrides it and
covers later years as soon as the arrangement is announced (each December). A year that neither knows
falls back to Monday–Friday, and ``calendar_gaps`` says so, so the credit centre can enter it: the admin
index warns the credit centre and a daily e-mail reminds it (``records.notifications.calendar_gaps_notify``).
"""

from __future__ import annotations

import datetime
from collections.abc import Collection, Iterable, Mapping

import chinese_calendar

from .choices import CalendarDayKind


def is_workday(day: datetime.date, overrides: Mapping[datetime.date, str]) -> bool:
    kind = overrides.get(day)
    if kind is not None:
        return kind == CalendarDayKind.WORKDAY
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        return day.weekday() < 5


def add_workdays(start: datetime.date, count: int, overrides: Mapping[datetime.date, str]) -> datetime.date:
    """The date ``count`` working days after ``start`` (``start`` itself is day 0, as deadlines are counted)."""
    day = start
    remaining = count
    while remaining > 0:
        day += datetime.timedelta(days=1)
        if is_workday(day, overrides):
            remaining -= 1
    return day


def workdays_between(start: datetime.date, end: datetime.date, overrides: Mapping[datetime.date, str]) -> int:
    """Working days after ``start`` up to and including ``end`` (0 when ``end`` is not after ``start``)."""
    count = 0
    day = start
    while day < end:
        day += datetime.timedelta(days=1)
        count += is_workday(day, overrides)
    return count


def builtin_calendar_covers(year: int) -> bool:
    try:
        chinese_calendar.is_workday(datetime.date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


#: From this month on the coming year is checked too: the State Council's arrangement for the next year is
#: published in October or November (2024: 12 November; 2025: 4 November), and deadlines counted in December
#: already run into January.
NEXT_YEAR_CHECKED_FROM_MONTH = 11


def calendar_years_due(today: datetime.date) -> list[int]:
    """The years whose holidays must be known by ``today``: this year, and from November the coming one."""
    return [today.year, today.year + 1] if today.month >= NEXT_YEAR_CHECKED_FROM_MONTH else [today.year]


def calendar_gaps(years: Iterable[int], entered: Collection[int]) -> list[int]:
    """The years among ``years`` that neither the built-in calendar covers nor the ``CalendarDay`` table has
    holidays for (``entered``: the years with at least one holiday entered). Deadlines in those years would be
    counted Monday–Friday only, ignoring the Spring Festival and the other holidays."""
    return [year for year in sorted(set(years)) if year not in entered and not builtin_calendar_covers(year)]
