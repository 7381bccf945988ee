"""Tests of time expression finding and resolution against a publication date."""
from __future__ import annotations

import time

import pytest

from eventwire.model import TimeSpan
from eventwire.time import find_time_expressions, resolve_time

ANCHOR = "2019-01-24"  # a Thursday


def span(expr: str, anchor: str | None = ANCHOR) -> tuple[str, str, str] | None:
    result = resolve_time(expr, anchor)
    return (result.date, result.date_end, result.precision) if result else None


def test_weekday_is_the_most_recent_on_or_before_publication() -> None:
    assert span("on Monday") == ("2019-01-21", "2019-01-21", "day")
    assert span("Monday's attack") == ("2019-01-21", "2019-01-21", "day")
    assert span("Tuesday night") == ("2019-01-22", "2019-01-22", "day")
    assert span("Thursday") == ("2019-01-24", "2019-01-24", "day")
    assert span("last Thursday") == ("2019-01-17", "2019-01-17", "day")


def test_last_week_is_the_previous_monday_to_sunday() -> None:
    assert span("last week") == ("2019-01-14", "2019-01-20", "week")


def test_month_year_is_a_month_range() -> None:
    assert span("in August 2018") == ("2018-08-01", "2018-08-31", "month")
    assert span("February 2014") == ("2014-02-01", "2014-02-28", "month")
    assert span("in February 2014", None) == ("2014-02-01", "2014-02-28", "month")


def test_durations_and_ages_are_not_dates() -> None:
    for expr in ("seventeen years", "for three years", "three years", "17-year-old", "aged 17", "300", "2,000", "We"):
        assert resolve_time(expr, ANCHOR) is None, expr


@pytest.mark.parametrize("expr,expected", [
    ("yesterday", ("2019-01-23", "2019-01-23", "day")),
    ("today", ("2019-01-24", "2019-01-24", "day")),
    ("last night", ("2019-01-23", "2019-01-23", "day")),
    ("earlier this month", ("2019-01-01", "2019-01-24", "month")),
    ("last month", ("2018-12-01", "2018-12-31", "month")),
    ("this year", ("2019-01-01", "2019-01-24", "year")),
    ("last year", ("2018-01-01", "2018-12-31", "year")),
    ("May 12", ("2018-05-12", "2018-05-12", "day")),  # a date after publication is last year's
    ("12 May 2015", ("2015-05-12", "2015-05-12", "day")),
    ("May 12, 2015", ("2015-05-12", "2015-05-12", "day")),
    ("2013", ("2013-01-01", "2013-12-31", "year")),
    ("the past two days", ("2019-01-23", "2019-01-24", "range")),
    ("over the weekend", ("2019-01-19", "2019-01-20", "range")),
    ("two weeks ago", ("2019-01-07", "2019-01-13", "week")),
    ("three days ago", ("2019-01-21", "2019-01-21", "day")),
    ("recent days", ("2019-01-18", "2019-01-24", "range")),
    ("in recent weeks", ("2018-12-28", "2019-01-24", "range")),
    ("since March 2011", ("2011-03-01", "2019-01-24", "range")),
    ("late 2014", ("2014-09-01", "2014-12-31", "range")),
    ("2015-05-12", ("2015-05-12", "2015-05-12", "day")),
    ("the 5th of May, 2015", ("2015-05-05", "2015-05-05", "day")),
])
def test_expressions_resolve_against_the_anchor(expr: str, expected: tuple[str, str, str]) -> None:
    assert span(expr) == expected


def test_without_anchor_only_absolute_dates_resolve() -> None:
    assert resolve_time("on Monday", None) is None
    assert resolve_time("last week", None) is None
    assert resolve_time("May 12", None) is None
    assert span("12 May 2015", None) == ("2015-05-12", "2015-05-12", "day")
    assert span("2013", None) == ("2013-01-01", "2013-12-31", "year")


def test_result_is_a_timespan_keeping_the_words() -> None:
    result = resolve_time("on Tuesday", "2015-05-12")
    assert result == TimeSpan(date="2015-05-12", date_end="2015-05-12", precision="day", text="on Tuesday")


def test_bad_anchor_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="'24/01/2019' is not a publication date"):
        resolve_time("on Monday", "24/01/2019")


def test_finder_marks_expressions_ner_misses() -> None:
    text = ("On Monday, troops attacked the town. Last week, rebels said they took it on January 12. Earlier this "
            "month the UN warned; in recent days clashes over the weekend killed five. The group, formed in 2013, "
            "may march in May. A 17-year-old died two weeks ago. Tuesday's raid followed the past three days of "
            "shelling in February 2014 style.")
    found = [words for _, _, words in find_time_expressions(text)]
    assert found == ["On Monday", "Last week", "on January 12", "Earlier this month", "in recent days",
                     "over the weekend", "in 2013", "in May", "two weeks ago", "Tuesday's", "the past three days",
                     "in February 2014"]
    for start, end, words in find_time_expressions(text):
        assert text[start:end] == words
        assert resolve_time(words, ANCHOR) is not None, words


def test_resolution_is_fast() -> None:
    exprs = ["on Monday", "last week", "in February 2014", "May 12", "12 May 2015", "yesterday", "two weeks ago",
             "earlier this month", "the past two days", "seventeen years", "over the weekend", "2013",
             "recent days", "Tuesday's", "last month"] * 1000
    started = time.perf_counter()
    for expr in exprs:
        resolve_time(expr, ANCHOR)
    rate = len(exprs) / (time.perf_counter() - started)
    print(f"resolve_time: {rate:,.0f} phrases/s")
    assert rate >= 20_000
