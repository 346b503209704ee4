"""Kazakhstan working days: weekends, public holidays and transferred days off (`holidays`)."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import holidays


@lru_cache(maxsize=8)
def _kz(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("KZ", years=[year - 1, year, year + 1])


def is_working_day(day: dt.date) -> bool:
    kz = _kz(day.year)
    if day in kz.weekend_workdays:  # a Saturday or Sunday made a working day by a transfer
        return True
    return day.weekday() < 5 and day not in kz


def add_working_days(start: dt.date, days: int) -> dt.date:
    """The date `days` working days after `start` (results are due within three, §27)."""
    day = start
    remaining = days
    while remaining > 0:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            remaining -= 1
    return day


def previous_working_day(day: dt.date) -> dt.date:
    """`day` itself when it is a working day, else the nearest working day before it."""
    while not is_working_day(day):
        day -= dt.timedelta(days=1)
    return day


def working_days(first: dt.date, last: dt.date) -> list[dt.date]:
    """Every working day from `first` to `last`, both included (a campaign's test days)."""
    days = []
    day = first
    while day <= last:
        if is_working_day(day):
            days.append(day)
        day += dt.timedelta(days=1)
    return days
