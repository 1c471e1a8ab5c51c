"""Working days for a council's deadlines (R9): weekends and the bank holidays of the council's
nation are not working days. The bank holidays come from the `holidays` library (England and
Wales share theirs, substitute days included), never from a hand-typed list.

The day something arrives is day 0; the due date is the Nth working day after it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache

import holidays

SUBDIVISIONS = {"england": "ENG", "wales": "WLS"}


@lru_cache(maxsize=64)
def _bank_holidays(nation: str, year: int) -> dict[date, str]:
    return dict(holidays.country_holidays("GB", subdiv=SUBDIVISIONS[nation], years=[year]))


def bank_holiday(day: date, nation: str) -> str | None:
    """The bank holiday's name, or None."""
    return _bank_holidays(nation, day.year).get(day)


def is_working_day(day: date, nation: str) -> bool:
    return day.weekday() < 5 and bank_holiday(day, nation) is None


@dataclass
class Deadline:
    """A due date and how it was worked out, for the page that shows it (R9)."""

    start: date
    days: int
    nation: str
    due: date
    weekend_days: int
    holidays_skipped: list[tuple[date, str]] = field(default_factory=list)

    def explanation(self) -> list[str]:
        lines = [
            f"Received {self.start:%A %-d %B %Y}.",
            f"{self.days} working days from the next working day, not counting weekends "
            f"({self.weekend_days} days) or bank holidays in {self.nation.title()}.",
        ]
        for day, name in self.holidays_skipped:
            lines.append(f"Skipped {name}, {day:%A %-d %B %Y}.")
        lines.append(f"Due by the end of {self.due:%A %-d %B %Y}.")
        return lines


def add_working_days(start: date, days: int, nation: str) -> Deadline:
    """The Nth working day after `start`, with the weekends and bank holidays skipped on the way."""
    if days < 0:
        raise ValueError("days must not be negative")
    day, counted, weekend_days, skipped = start, 0, 0, []
    while counted < days:
        day += timedelta(days=1)
        if day.weekday() >= 5:
            weekend_days += 1
            continue
        name = bank_holiday(day, nation)
        if name:
            skipped.append((day, name))
            continue
        counted += 1
    return Deadline(start, days, nation, day, weekend_days, skipped)


def working_days_before(day: date, days: int, nation: str) -> date:
    """The working day `days` working days before `day`: when to send a reminder."""
    counted = 0
    while counted < days:
        day -= timedelta(days=1)
        counted += is_working_day(day, nation)
    return day


def working_days_between(after: date, through: date, nation: str) -> int:
    """Working days d with after < d <= through: how long a pause lasted, in working days."""
    count, day = 0, after
    while day < through:
        day += timedelta(days=1)
        count += is_working_day(day, nation)
    return count
