"""R9: due dates in working days: weekends and the nation's bank holidays do not count."""

from datetime import date

import pytest

from council.lib.working_days import add_working_days, is_working_day, working_days_between


def test_r9_ten_working_days_over_an_ordinary_fortnight():
    deadline = add_working_days(date(2026, 3, 2), 10, "england")  # a Monday
    assert deadline.due == date(2026, 3, 16)
    assert deadline.weekend_days == 4
    assert deadline.holidays_skipped == []


def test_r9_over_christmas_and_new_year():
    # Received Monday 21 December 2026. Christmas Day is a Friday; Boxing Day falls on a Saturday,
    # so its substitute is Monday 28 December; New Year's Day is a Friday.
    deadline = add_working_days(date(2026, 12, 21), 10, "england")
    assert [d for d, _ in deadline.holidays_skipped] == [
        date(2026, 12, 25),
        date(2026, 12, 28),
        date(2027, 1, 1),
    ]
    assert deadline.due == date(2027, 1, 7)


def test_r9_substitute_days_when_christmas_falls_on_a_weekend():
    # 2027: Christmas Day is a Saturday and Boxing Day a Sunday; Monday 27 and Tuesday 28
    # December are the substitute bank holidays.
    assert not is_working_day(date(2027, 12, 27), "wales")
    assert not is_working_day(date(2027, 12, 28), "england")
    deadline = add_working_days(date(2027, 12, 24), 3, "england")  # a Friday
    assert deadline.due == date(2027, 12, 31)
    assert "Christmas Day (observed)" in " ".join(deadline.explanation())


def test_r9_over_easter():
    # Good Friday 26 March 2027 and Easter Monday 29 March 2027.
    deadline = add_working_days(date(2027, 3, 25), 2, "wales")
    assert deadline.due == date(2027, 3, 31)
    assert [name for _, name in deadline.holidays_skipped] == ["Good Friday", "Easter Monday"]


def test_r9_a_clarification_pause_counts_its_working_days():
    # Paused on Thursday 24 December 2026, resumed Tuesday 5 January 2027: the working days in
    # between are 29, 30, 31 December and 4, 5 January.
    assert working_days_between(date(2026, 12, 24), date(2027, 1, 5), "england") == 5


def test_r9_the_explanation_says_how_the_date_was_worked_out():
    lines = add_working_days(date(2026, 4, 1), 10, "england").explanation()
    assert lines[0] == "Received Wednesday 1 April 2026."
    assert "Skipped Good Friday, Friday 3 April 2026." in lines
    assert "Skipped Easter Monday, Monday 6 April 2026." in lines
    assert lines[-1] == "Due by the end of Friday 17 April 2026."


def test_negative_days_are_refused():
    with pytest.raises(ValueError):
        add_working_days(date(2026, 1, 1), -1, "england")
