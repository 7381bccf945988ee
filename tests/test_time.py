"""Tests of time expression finding and resolution against a publication date."""
from __future__ import annotations


import duckdb
import pytest

from eventwire.model import Document, TimeSpan, content_id
from eventwire.store import EventFilter, Store
from eventwire.time import find_time_expressions, infer_anchor, resolve_time

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
    ("in recent weeks", ("2018-12-27", "2019-01-24", "range")),  # the past four weeks, from the same weekday
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
    assert result == TimeSpan(date="2015-05-12", date_end="2015-05-12", precision="day", text="on Tuesday",
                              anchor="published")


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


# --- ranges news about wars writes, resolved against a Thursday ------------------------------------------------------
THURSDAY = "2015-05-14"


@pytest.mark.parametrize("expr,expected", [
    # "a year ago" is about that month a year back, not the whole calendar year
    ("a year ago", ("2014-05-01", "2014-05-31", "month")),
    ("two years ago", ("2013-05-01", "2013-05-31", "month")),
    ("a decade ago", ("2005-01-01", "2005-12-31", "year")),
    ("a week ago", ("2015-05-04", "2015-05-10", "week")),
    # parts of a year, a month, a week
    ("early this year", ("2015-01-01", "2015-04-30", "range")),
    ("late last year", ("2014-09-01", "2014-12-31", "range")),
    ("mid-2014", ("2014-05-01", "2014-08-31", "range")),
    ("late last month", ("2015-04-21", "2015-04-30", "range")),
    ("early last week", ("2015-05-04", "2015-05-06", "range")),
    ("at the end of last year", ("2014-12-01", "2014-12-31", "month")),
    ("the end of May", ("2015-05-21", "2015-05-31", "range")),
    ("in the first half of 2015", ("2015-01-01", "2015-06-30", "range")),
    ("in the second half of last year", ("2014-07-01", "2014-12-31", "range")),
    ("the last quarter of 2014", ("2014-10-01", "2014-12-31", "range")),
    ("since the start of the year", ("2015-01-01", THURSDAY, "range")),
    ("since the beginning of 2014", ("2014-01-01", THURSDAY, "range")),
    # a year naming an event dates it
    ("the 2011 uprising", ("2011-01-01", "2011-12-31", "year")),
    ("during the 2006 war", ("2006-01-01", "2006-12-31", "year")),
    ("the 2003 US-led invasion", ("2003-01-01", "2003-12-31", "year")),
    ("the war of 2006", ("2006-01-01", "2006-12-31", "year")),
    ("Tuesday's Israeli air strike", ("2015-05-12", "2015-05-12", "day")),
    ("this week's talks", ("2015-05-11", "2015-05-14", "week")),
    # from one date to another
    ("from 2011 to 2013", ("2011-01-01", "2013-12-31", "range")),
    ("between March and May 2015", ("2015-03-01", "2015-05-31", "range")),
    ("from March to May", ("2015-03-01", "2015-05-31", "range")),
    ("on Tuesday and Wednesday", ("2015-05-12", "2015-05-13", "range")),
    ("between May 5 and 7, 2015", ("2015-05-05", "2015-05-07", "range")),
    ("on 3-4 May", ("2015-05-03", "2015-05-04", "range")),
    ("the night of May 3-4", ("2015-05-03", "2015-05-04", "range")),
    ("on the night of May 3", ("2015-05-03", "2015-05-03", "day")),
    ("the winter of 2013-14", ("2013-12-01", "2014-02-28", "range")),
    # the past N weeks (months, years) start on the date N units back; the past N days are calendar days
    ("in the past two weeks", ("2015-04-30", THURSDAY, "range")),
    ("in the past year", ("2014-05-14", THURSDAY, "range")),
    ("in the past two days", ("2015-05-13", THURSDAY, "range")),
    ("in recent weeks", ("2015-04-16", THURSDAY, "range")),
    # anaphoric expressions read against the anchor, the only reference day given
    ("the previous day", ("2015-05-13", "2015-05-13", "day")),
    ("two days earlier", ("2015-05-12", "2015-05-12", "day")),
    ("three days later", None),  # after another event: read against the anchor it would be a future day
    ("hours after", (THURSDAY, THURSDAY, "day")),
    ("this past weekend", ("2015-05-09", "2015-05-10", "range")),
    ("overnight Tuesday", ("2015-05-12", "2015-05-12", "day")),
])
def test_war_news_ranges(expr: str, expected: tuple[str, str, str]) -> None:
    assert span(expr, THURSDAY) == expected


@pytest.mark.parametrize("expr", ["since the start of the war", "days later", "between the army and the rebels",
                                  "from 2013 to 2011", "from June 3 to 31", "the end of the war", "2000 years of war",
                                  "for three decades"])
def test_what_names_no_date_stays_none(expr: str) -> None:
    assert resolve_time(expr, THURSDAY) is None, expr


def test_span_says_how_it_was_anchored() -> None:
    assert resolve_time("on Tuesday", THURSDAY).anchor == "published"
    assert resolve_time("on Tuesday", THURSDAY, "inferred").anchor == "inferred"
    assert resolve_time("since 2013", THURSDAY).anchor == "published"  # runs until the anchor
    assert resolve_time("in March", THURSDAY).anchor == "published"  # the year comes from the anchor
    for absolute in ("in February 2014", "May 12, 2015", "the 2011 uprising", "between March and May 2015"):
        assert resolve_time(absolute, THURSDAY).anchor is None, absolute
        assert resolve_time(absolute, None).anchor is None, absolute


def test_infer_anchor_is_the_latest_full_date_of_the_text() -> None:
    text = ("BEIRUT, May 14, 2015 - Rebels said on 12 May 2015 they took the town, which the army had held since "
            "February 2014; a report dated 2015-05-13 agreed. Talks resume on May 20.")
    assert infer_anchor(text) == "2015-05-14"  # neither the month-year nor the yearless "May 20" counts
    assert infer_anchor("A statement issued 2015-05-12 and another on the 5th of May, 2015.") == "2015-05-12"
    assert infer_anchor("On Tuesday, rebels attacked the town, as they did in February 2014 and on May 12.") is None
    assert infer_anchor("Dated February 30, 2015, the letter is a forgery.") is None  # no such day
    assert infer_anchor("") is None


def test_an_inferred_anchor_dates_relative_expressions() -> None:
    anchor = infer_anchor("On May 14, 2015, the army said rebels had attacked on Tuesday.")
    assert resolve_time("on Tuesday", anchor, "inferred") == TimeSpan(
        date="2015-05-12", date_end="2015-05-12", precision="day", text="on Tuesday", anchor="inferred")


# --- the whole pipeline on an article without a publication date -----------------------------------------------------
DATED_BY_ITSELF = ("On May 12, 2015, Hezbollah fighters attacked Nusra Front positions near Arsal. Syrian army "
                   "helicopters bombed rebel positions near Yabroud on Tuesday, the group said.")
UNDATED = ("Hezbollah fighters attacked Nusra Front positions near Arsal. Syrian army helicopters bombed rebel "
           "positions near Yabroud on Tuesday, the group said.")


def _tuesday_event(events: list[dict]) -> dict:
    found = [e for e in events if "Tuesday" in e["text"]]
    assert found, [e["text"] for e in events]
    return found[0]


def test_without_publication_date_the_texts_own_date_anchors(pipeline) -> None:
    (events,) = list(pipeline.extract_texts([(DATED_BY_ITSELF, None)]))
    records = [e.to_dict() for e in events]
    ev = _tuesday_event(records)
    assert (ev["date"], ev["date_end"], ev["date_precision"]) == ("2015-05-12", "2015-05-12", "day")
    assert "Tuesday" in ev["date_text"] and ev["date_anchor"] == "inferred"
    written = [e for e in records if e["date_text"] == "May 12, 2015"]
    assert written and written[0]["date_anchor"] is None  # an absolute date needs no anchor


def test_without_any_date_a_weekday_gives_no_date(pipeline) -> None:
    (events,) = list(pipeline.extract_texts([(UNDATED, None)]))
    ev = _tuesday_event([e.to_dict() for e in events])
    assert ev["date"] is None and ev["date_anchor"] is None


def test_store_keeps_the_anchor_and_reads_files_written_before_it(pipeline, tmp_path) -> None:
    db = tmp_path / "ew.duckdb"
    Store(db).close()
    con = duckdb.connect(str(db))  # a file written before the column existed
    con.execute("ALTER TABLE events DROP COLUMN date_anchor")
    con.close()
    (events,) = list(pipeline.extract_texts([(DATED_BY_ITSELF, None)]))
    with Store(db) as store:
        assert store.add(Document(id=content_id(DATED_BY_ITSELF), text=DATED_BY_ITSELF), events)
    with Store(db, read_only=True) as store:
        records = list(store.events(EventFilter()))
        columns = store.con.execute("SELECT text, date, date_anchor FROM events").fetchall()
    assert _tuesday_event(records)["date_anchor"] == "inferred"
    assert [(date, anchor) for text, date, anchor in columns if "Tuesday" in text] == [("2015-05-12", "inferred")]
