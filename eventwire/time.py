"""Time expressions: find them in text and resolve them against the publication date into date ranges.

A small rule layer over ``datetime``/``dateutil`` (``dateparser`` reads "We" as Wednesday and is ~100× slower).
News is written in the past tense, so a bare weekday means the most recent one on or before the publication
date. Durations ("for three years"), ages ("17-year-old") and counts are not dates and resolve to None.
An article without a publication date may still date itself ("On May 12, 2015, …"): `infer_anchor` reads that
date so relative expressions can be resolved against it, and the result says so (``TimeSpan.anchor``).
"""
from __future__ import annotations

import re
from datetime import date, timedelta
from functools import lru_cache

from dateutil.relativedelta import relativedelta

from eventwire.model import TimeSpan

__all__ = ["find_time_expressions", "infer_anchor", "parse_anchor", "resolve_time"]

MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4, "may": 5,
    "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9, "sep": 9, "sept": 9,
    "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
}
WEEKDAYS = {"monday": 0, "mon": 0, "tuesday": 1, "tue": 1, "tues": 1, "wednesday": 2, "wed": 2,
            "thursday": 3, "thu": 3, "thur": 3, "thurs": 3, "friday": 4, "fri": 4, "saturday": 5, "sat": 5,
            "sunday": 6, "sun": 6}
NUMBERS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
           "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
           "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
           "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "a couple of": 2, "a couple": 2, "couple of": 2,
           "a few": 3, "few": 3, "several": 5, "a dozen": 12, "dozen": 12}
SEASONS = {"spring": (3, 5), "summer": (6, 8), "autumn": (9, 11), "fall": (9, 11), "winter": (12, 2)}
PARTS = {"early": (1, 4), "mid": (5, 8), "late": (9, 12)}  # months of a year
WEEK_PARTS = {"early": (0, 2), "mid": (1, 3), "late": (3, 6)}  # weekdays of a week (Monday is 0)
HALVES = {"first": (1, 6), "second": (7, 12), "last": (7, 12)}
QUARTERS = {"first": (1, 3), "second": (4, 6), "third": (7, 9), "fourth": (10, 12), "last": (10, 12)}
# nouns of events a date may name or qualify: "Tuesday's attack", "the 2006 war", "the 2003 US-led invasion"
EVENT_NOUNS = ("attack", "attacks", "strike", "strikes", "airstrike", "airstrikes", "raid", "raids", "bombing",
               "bombings", "clash", "clashes", "fighting", "assault", "offensive", "ambush", "explosion", "blast",
               "shelling", "shooting", "killing", "killings", "massacre", "protest", "protests", "vote", "election",
               "elections", "meeting", "talks", "statement", "announcement", "report", "incident", "operation",
               "event", "events", "war", "wars", "uprising", "revolution", "revolt", "rebellion", "insurgency",
               "invasion", "occupation", "intervention", "campaign", "coup", "crisis", "conflict", "ceasefire",
               "truce", "agreement", "accord", "deal", "referendum", "siege", "withdrawal", "summit", "crackdown")

_MONTH = r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?" \
         r"|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
_WEEKDAY = r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tues?|wed|thurs?|thu|fri|sat|sun)\.?"
_DAYNUM = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_YEAR = r"(?:1[89]\d\d|20\d\d|21\d\d)"
_COUNT = r"(?:\d{1,3}|" + "|".join(sorted((re.escape(k) for k in NUMBERS), key=len, reverse=True)) + r")"
_UNIT = r"(?:day|week|month|year|decade|hour)s?"
_PART_OF_DAY = r"(?:\s+(?:morning|afternoon|evening|night|overnight|midday|noon))?"

# --- resolution rules over a normalized (lower-case, tidied) expression -------------------------------------------
_R = {name: re.compile(pattern) for name, pattern in {
    "iso": r"(?P<y>" + _YEAR + r")-(?P<m>[01]?\d)-(?P<d>[0-3]?\d)",
    "iso_month": r"(?P<y>" + _YEAR + r")-(?P<m>[01]\d)",
    "mdy": r"(?:the\s+)?(?:" + _WEEKDAY + r",?\s+)?(?P<mon>" + _MONTH + r")\s+(?P<d>" + _DAYNUM + r")(?:,?\s+(?P<y>"
           + _YEAR + r"))?",
    "dmy": r"(?:" + _WEEKDAY + r",?\s+)?(?:the\s+)?(?P<d>" + _DAYNUM + r")(?:\s+of)?\s+(?P<mon>" + _MONTH +
           r")(?:,?\s+(?P<y>" + _YEAR + r"))?",
    "month_year": r"(?P<part>early|mid|late)?-?\s*(?P<mon>" + _MONTH + r"),?\s+(?:of\s+)?(?P<y>" + _YEAR + r")",
    "month": r"(?P<rel>last|this|next|earlier this|early|mid|late)?-?\s*(?P<mon>" + _MONTH + r")"
             r"(?:\s+(?P<yrel>last|this|next)\s+year)?",  # "August last year"
    "year": r"(?P<part>early|mid|late)?-?\s*(?:the\s+(?:year\s+)?)?(?P<y>" + _YEAR + r")",
    "season": r"(?P<rel>last|this|next|the)?\s*(?P<season>spring|summer|autumn|fall|winter)(?:\s+(?:of\s+)?"
              r"(?P<y>" + _YEAR + r")(?:[-/](?:\d\d|" + _YEAR + r"))?)?",  # "the winter of 2013-14" begins in 2013
    "decade": r"(?:the\s+)?(?P<y>(?:1[89]|20)\d0)s",
    "weekday": r"(?P<rel>last|this past|past|this|next|early|late|earlier on|earlier|overnight)?\s*(?P<wd>" + _WEEKDAY +
               r")" + _PART_OF_DAY + r"(?:['’]s?)?",
    "day_word": r"(?P<word>today|tonight|this morning|this afternoon|this evening|earlier today|later today"
                r"|yesterday|last night|overnight|the day before yesterday|tomorrow|the previous day|the day before"
                r"|the following day|the next day|the day after)" + _PART_OF_DAY,
    "period": r"(?:(?P<part>early|mid|late)-?\s*)?"
              r"(?P<rel>last|this|next|earlier this|later this|the previous|previous|the same)\s+"
              r"(?P<unit>week|weekend|month|year)(?:['’]s)?",
    "ago": r"(?:(?P<n>" + _COUNT + r")\s+)?(?P<unit>" + _UNIT + r")\s+(?P<dir>ago|earlier|before|later|after)",
    "past_n": r"(?:(?:over|in|during|for|within)\s+)?(?:the\s+)?(?:past|last|previous)\s+(?:(?P<n>" + _COUNT +
              r")\s+)?(?P<unit>" + _UNIT + r")",
    "recent": r"(?:in\s+|over\s+|during\s+)?(?:the\s+)?(?:most\s+)?recent\s+(?P<unit>days|weeks|months|years)",
    "weekend": r"(?:over\s+|during\s+|at\s+)?(?P<rel>the|this|last|this past|past)\s+weekend",
    # compositions: each side is an expression resolved by the rules above
    "range": r"(?:between|from)\s+(?P<a>.+?)\s+(?:and|to|until|till|through)\s+(?P<b>.+)",
    "pair": r"(?P<a>.+?)\s+and\s+(?P<b>.+)",  # "on Tuesday and Wednesday", "in 2014 and 2015": both, and between
    # "May 3-4", "the night of May 3-4", "3-4 May 2015": two days of one month
    "days_md": r"(?P<a>.*?" + _MONTH + r"\s+" + _DAYNUM + r")\s*[-–]\s*(?P<b>" + _DAYNUM + r")(?P<y>,?\s+" + _YEAR
               + r")?",
    "days_dm": r"(?P<lead>.*?)(?P<a>" + _DAYNUM + r")\s*[-–]\s*(?P<b>" + _DAYNUM + r")(?P<rest>\s+" + _MONTH
               + r"(?:,?\s+" + _YEAR + r")?)",
    "edge": r"(?:the\s+)?(?P<edge>start|beginning|end)\s+of\s+(?P<rest>.+)",
    "share": r"(?:the\s+)?(?P<ord>first|second|third|fourth|last)\s+(?P<unit>half|quarter)\s+of\s+(?P<rest>.+)",
}.items()}

_LEAD = re.compile(r"^(?:on|in|at|during|from|by|of|early on|late on)\s+")
_SINCE = re.compile(r"^since\s+")
# durations ("for three years", "seventeen years") and ages ("17-year-old", "aged 17") are not dates
_NOT_DATES = re.compile(r"\b(?:years?[- ]olds?|aged\s+\d|for\s+(?:about\s+|nearly\s+|almost\s+|more than\s+|over\s+)?"
                        + _COUNT + r"\s+" + _UNIT + r"|^(?:about\s+|nearly\s+|some\s+)?" + _COUNT +
                        r"\s+(?:year|month|week|day|hour)s?$)")
_EVENT_NOUN = r"(?:" + "|".join(EVENT_NOUNS) + r")"
_EVENT_NOUN_SET = frozenset(EVENT_NOUNS)
_TRAILING = re.compile(r"\s+" + _EVENT_NOUN + r"$")
# after a year or a possessive a few words may qualify the event: "the 2003 US-led invasion", "Tuesday's air strike"
_TRAILING_QUALIFIED = re.compile(r"(?:(?<=\d)|(?<='s)|(?<=s'))(?:\s+(?!(?:of|and|to|years?|months?|weeks?|days?"
                                 r"|hours?)\b)[a-z'-]+){0,3}\s+" + _EVENT_NOUN + r"$")
# "the war of 2006", "the protests of March 2011": the date the event is named by
_EVENT_OF = re.compile(r"^(?:the\s+)?(?:[a-z'-]+\s+){0,2}?" + _EVENT_NOUN + r"\s+of\s+")
_TIME_OF = re.compile(r"^(?:the\s+)?(?:(?:early|late|small)\s+hours|night|evening|morning|afternoon)\s+of\s+")
_WRITTEN_YEAR = re.compile(r"(?<!\d)" + _YEAR + r"(?:s|\b|-)")
# a full date written out (day, month and year): what an article without a publication date may be dated by
_FULL_DATE = re.compile(r"\b(?:" + _MONTH + r"\s+" + _DAYNUM + r",?\s+" + _YEAR + r"|" + _DAYNUM + r"(?:\s+of)?\s+"
                        + _MONTH + r",?\s+" + _YEAR + r"|" + _YEAR + r"-[01]\d-[0-3]\d)\b", re.IGNORECASE)


def parse_anchor(anchor: str | None) -> tuple[date | None, int | None]:
    """The publication date as (day or None, year or None) from "YYYY-MM-DD", "YYYY-MM" or "YYYY"."""
    if anchor is None or not str(anchor).strip():
        return None, None
    return _parse_anchor(str(anchor).strip())


@lru_cache(maxsize=4096)
def _parse_anchor(anchor: str) -> tuple[date | None, int | None]:
    try:
        if len(anchor) >= 10:
            day = date.fromisoformat(anchor[:10])
            return day, day.year
        if re.fullmatch(r"\d{4}-\d{2}", anchor):
            return None, int(anchor[:4])
        if re.fullmatch(r"\d{4}", anchor):
            return None, int(anchor)
    except ValueError:
        pass
    raise ValueError(f"anchor {anchor!r} is not a publication date: expected ISO 'YYYY-MM-DD' (or 'YYYY-MM', 'YYYY')")


def _span(start: date, end: date, precision: str, text: str) -> TimeSpan:
    return TimeSpan(date=start.isoformat(), date_end=end.isoformat(), precision=precision, text=text)


def _month_span(year: int, month: int) -> tuple[date, date]:
    first = date(year, month, 1)
    return first, first + relativedelta(months=1) - timedelta(days=1)


def _count(text: str | None) -> int | None:
    if text is None:
        return None
    text = text.strip()
    if text.isdigit():
        return int(text)
    return NUMBERS.get(text)


def _normalize(expr: str) -> str:
    text = expr.strip().lower().replace("’", "'")
    text = re.sub(r"\s+", " ", text)
    text = text.strip(" ,.;:()\"")
    return text


def resolve_time(expr: str, anchor: str | None, anchored_by: str = "published") -> TimeSpan | None:
    """Resolve a date expression ("on Tuesday", "last week", "in February 2014") against an anchor date
    (ISO "YYYY-MM-DD" or None) into an inclusive range with a precision; None when it is no date or unresolvable.
    ``anchored_by`` names where the anchor came from ("published" or "inferred") and is kept on the span when
    the anchor was needed; an absolute date ("in February 2014") has ``anchor=None``."""
    if not expr or not expr.strip():
        return None
    day, year = parse_anchor(anchor)
    text, original = _normalize(expr), expr.strip()
    # An expression its own words date is absolute whatever the anchor: no rule reads the anchor when the year is
    # written, so resolving without one first tells the two kinds apart. Only a written year ("2014", "1990s",
    # "2014-02") can make an expression absolute, so the pass is skipped for the many that have none.
    absolute = _resolve(text, None, None, original) if _WRITTEN_YEAR.search(text) else None
    if absolute is not None or (day is None and year is None):
        return absolute
    span = _resolve(text, day, year, original)
    if span is not None:
        span.anchor = anchored_by  # a span made just now for this call (dataclasses.replace costs a tenth of a call)
    return span


def infer_anchor(text: str) -> str | None:
    """The latest full date (day, month and year) written in a text, "On May 12, 2015", "12 May 2015",
    "2015-05-12" or a dateline's, as ISO "YYYY-MM-DD"; None when the text writes none."""
    latest: date | None = None
    for m in _FULL_DATE.finditer(text):
        span = _resolve(_normalize(m.group()), None, None, m.group())
        if span is not None and span.precision == "day":
            day = date.fromisoformat(span.date)
            latest = day if latest is None or day > latest else latest
    return latest.isoformat() if latest else None


def _resolve(text: str, day: date | None, year: int | None, original: str) -> TimeSpan | None:
    try:
        return _resolve_rules(text, day, year, original)
    except ValueError:  # "February 30", "from June 3 to 31": not a date
        return None


def _resolve_rules(text: str, day: date | None, year: int | None, original: str) -> TimeSpan | None:
    if _NOT_DATES.search(text):
        return None
    since = _SINCE.match(text)
    if since:
        inner = _resolve(text[since.end():], day, year, original)
        if inner is None or day is None:
            return None
        start = date.fromisoformat(inner.date)
        return _span(start, day, "range", original) if start <= day else None
    if " and " in text or text.startswith(("between ", "from ")):
        m = _R["range"].fullmatch(text) or _R["pair"].fullmatch(text)
        span = _range(m["a"], m["b"], day, year, original) if m else None
        if span is not None:
            return span
    if "-" in text or "–" in text:
        m = _R["days_md"].fullmatch(text)
        if m:  # the year, when written, belongs to both days
            return _range(m["a"] + (m["y"] or ""), m["b"], day, year, original)
        m = _R["days_dm"].fullmatch(text)
        if m:
            return _range(m["lead"] + m["a"] + m["rest"], m["b"] + m["rest"], day, year, original)
    if text.rpartition(" ")[2] in _EVENT_NOUN_SET:  # the noun of an event after its date: "Tuesday's attack"
        text = _TRAILING.sub("", _TRAILING_QUALIFIED.sub("", text))
    if " of " in text:
        text = _EVENT_OF.sub("", text)
    text = _LEAD.sub("", text)
    text = _TIME_OF.sub("", text)  # "the night of June 3": the date the night begins on
    m = (_R["edge"].fullmatch(text) or _R["share"].fullmatch(text)) if " of " in text else None
    if m:
        return _part_of(m, day, year, original)
    return _absolute(text, year, day, original) or (_relative(text, day, original) if day else None)


def _range(first: str, last: str, day: date | None, year: int | None, original: str) -> TimeSpan | None:
    """"between March and May 2015", "from 2011 to 2013": from the start of one to the end of the other. A part
    left short ("March") is read against the end of the other, so the year written once serves both."""
    short = re.fullmatch(r"(?P<d>" + _DAYNUM + r")(?P<y>,?\s+" + _YEAR + r")?", last)
    if short:  # "from June 3 to 5", "between May 5 and 7, 2015": the second day in the first one's month
        start = _resolve(first + (short["y"] or ""), day, year, original)
        if start is None or start.precision != "day":
            return None
        first_day = date.fromisoformat(start.date)
        end_day = first_day.replace(day=int(re.match(r"\d+", short["d"]).group()))
        return _span(first_day, end_day, "range", original) if first_day < end_day else None
    # the whole expression goes down as the words: "to May" is the month, never the verb a lone "may" may be
    end = _resolve(last, day, year, original)
    if end is None:
        return None
    last_day = date.fromisoformat(end.date_end)
    bare = re.fullmatch(r"(?:the\s+)?(?P<d>" + _DAYNUM + r")", first)
    if bare and end.precision == "day":  # "between the 5th and the 7th of May": the first day in the second's month
        first_day = last_day.replace(day=int(re.match(r"\d+", bare["d"]).group()))
        return _span(first_day, last_day, "range", original) if first_day < last_day else None
    start = _resolve(first, None, None, original) or _resolve(first, last_day, last_day.year, original)
    if start is None or start.date > end.date_end:
        return None
    return _span(date.fromisoformat(start.date), last_day, "range", original)


def _part_of(m: re.Match, day: date | None, year: int | None, original: str) -> TimeSpan | None:
    """"the start of the year", "the end of May", "the first half of 2015", "the last quarter of last year"."""
    rest = re.sub(r"^the (week|month|year)$", r"this \1", m["rest"])
    whole = _resolve(rest, day, year, original)  # "the end of May": the month, not the verb
    if whole is None:
        return None
    start = date.fromisoformat(whole.date)
    if "edge" in m.groupdict():
        if whole.precision == "year":  # the start or end of a year: its first or last month
            return _span(*_month_span(start.year, 1 if m["edge"] != "end" else 12), "month", original)
        if whole.precision == "month":  # of a month: its first or last ten days, as "early" and "late"
            first, last = _month_span(start.year, start.month)
            days = (1, 10) if m["edge"] != "end" else (21, last.day)
            return _span(first.replace(day=days[0]), first.replace(day=days[1]), "range", original)
        return None
    if whole.precision != "year":
        return None
    months = (HALVES if m["unit"] == "half" else QUARTERS).get(m["ord"])
    if months is None:
        return None
    return _span(date(start.year, months[0], 1), _month_span(start.year, months[1])[1], "range", original)


def _absolute(text: str, year: int | None, day: date | None, original: str) -> TimeSpan | None:
    m = _R["iso"].fullmatch(text)
    if m:
        d = date(int(m["y"]), int(m["m"]), int(m["d"]))
        return _span(d, d, "day", original)
    m = _R["iso_month"].fullmatch(text)
    if m:
        return _span(*_month_span(int(m["y"]), int(m["m"])), "month", original)
    for rule in ("mdy", "dmy"):
        m = _R[rule].fullmatch(text)
        if m:
            month = MONTHS[m["mon"].rstrip(".")]
            dom = int(re.match(r"\d+", m["d"]).group())
            if m["y"]:
                d = date(int(m["y"]), month, dom)
            elif year is None:
                return None
            else:
                d = date(year, month, dom)
                if day is not None and d > day + timedelta(days=7):
                    d = date(year - 1, month, dom)  # "December 30" in a January article
            return _span(d, d, "day", original)
    m = _R["month_year"].fullmatch(text)
    if m:
        month = MONTHS[m["mon"].rstrip(".")]
        start, end = _month_span(int(m["y"]), month)
        if m["part"]:  # "early May 2015": the month's first, middle or last ten days
            third = {"early": (1, 10), "mid": (11, 20), "late": (21, end.day)}[m["part"]]
            return _span(start.replace(day=third[0]), start.replace(day=third[1]), "range", original)
        return _span(start, end, "month", original)
    m = _R["year"].fullmatch(text)
    if m:
        y = int(m["y"])
        if m["part"]:
            first, last = PARTS[m["part"]]
            return _span(date(y, first, 1), _month_span(y, last)[1], "range", original)
        return _span(date(y, 1, 1), date(y, 12, 31), "year", original)
    m = _R["decade"].fullmatch(text)
    if m:
        y = int(m["y"])
        return _span(date(y, 1, 1), date(y + 9, 12, 31), "range", original)
    m = _R["season"].fullmatch(text)
    if m and (m["y"] or day is not None):
        first, last = SEASONS[m["season"]]
        base = int(m["y"]) if m["y"] else None
        if base is None:
            base = day.year + {"last": -1, "next": 1}.get(m["rel"] or "", 0)
            if m["rel"] in (None, "the") and date(base, first, 1) > day:
                base -= 1  # "in spring" in a January article: the spring before
        if first > last:  # winter runs into the next year
            return _span(date(base, first, 1), _month_span(base + 1, last)[1], "range", original)
        return _span(date(base, first, 1), _month_span(base, last)[1], "range", original)
    m = _R["month"].fullmatch(text)
    if m and year is not None:
        if text == "may" and original.strip()[:1] == "m":
            return None  # the verb
        month = MONTHS[m["mon"].rstrip(".")]
        rel = m["rel"]
        y = year
        if m["yrel"]:  # "August last year", "in March this year"
            y = year + {"last": -1, "this": 0, "next": 1}[m["yrel"]]
        elif rel == "last" or (rel in (None, "early", "mid", "late") and day is not None and date(year, month, 1) > day):
            y = year - 1  # "in November" in a February article: the November before
        elif rel == "next":
            y = year + 1 if day is None or date(year, month, 1) <= day else year
        start, end = _month_span(y, month)
        if rel in ("early", "mid", "late"):
            third = {"early": (1, 10), "mid": (11, 20), "late": (21, end.day)}[rel]
            return _span(start.replace(day=third[0]), start.replace(day=third[1]), "range", original)
        return _span(start, end, "month", original)
    return _fallback_absolute(text, original)


def _fallback_absolute(text: str, original: str) -> TimeSpan | None:
    """Other spellings of a full date ("5th of May, 2015", "May the 12th 2015"): only when day, month and year
    are all written, so dateutil never fills a part in."""
    if not (re.search(_YEAR, text) and re.search(r"\b" + _MONTH + r"\b", text)
            and re.search(r"\b\d{1,2}(?:st|nd|rd|th)?\b", text)):
        return None
    from dateutil import parser
    try:
        parsed = parser.parse(text, fuzzy=True, dayfirst=True)
    except (ValueError, OverflowError):
        return None
    return _span(parsed.date(), parsed.date(), "day", original)


def _week_of(d: date) -> tuple[date, date]:
    monday = d - timedelta(days=d.weekday())
    return monday, monday + timedelta(days=6)


def _relative(text: str, day: date, original: str) -> TimeSpan | None:
    m = _R["day_word"].fullmatch(text)
    if m:
        word = m["word"]
        # "the previous day", "the day after": read against the anchor, the only reference day the resolver has
        offset = {"yesterday": -1, "last night": -1, "the day before yesterday": -2, "tomorrow": 1,
                  "overnight": -1, "the previous day": -1, "the day before": -1, "the following day": 1,
                  "the next day": 1, "the day after": 1}.get(word, 0)
        d = day + timedelta(days=offset)
        return _span(d, d, "day", original)
    m = _R["weekday"].fullmatch(text)
    if m:
        target = WEEKDAYS[m["wd"].rstrip(".")]
        back = (day.weekday() - target) % 7
        rel = m["rel"]
        if rel in ("last", "this past", "past") and back == 0:
            back = 7
        if rel == "next":
            ahead = (target - day.weekday()) % 7 or 7
            d = day + timedelta(days=ahead)
        else:
            d = day - timedelta(days=back)
        return _span(d, d, "day", original)
    m = _R["weekend"].fullmatch(text)
    if m:  # the most recent Saturday–Sunday on or before the publication date
        weekday = day.weekday()
        saturday = day - timedelta(days=weekday - 5) if weekday >= 5 else day - timedelta(days=weekday + 2)
        if m["rel"] in ("last", "past", "this past") and weekday >= 5:
            saturday -= timedelta(days=7)
        return _span(saturday, min(saturday + timedelta(days=1), day), "range", original)
    m = _R["period"].fullmatch(text)
    if m:
        rel, unit = m["rel"], m["unit"]
        if unit == "weekend":
            return _relative("the weekend", day, original)
        step = {"last": -1, "the previous": -1, "previous": -1, "next": 1}.get(rel, 0)
        if unit == "week":
            start, end = _week_of(day + timedelta(weeks=step))
        elif unit == "month":
            start, end = _month_span(*((day + relativedelta(months=step)).timetuple()[:2]))
        else:
            start, end = date(day.year + step, 1, 1), date(day.year + step, 12, 31)
        part = m["part"]
        if part and unit == "year":  # "early this year", "late last year": January-April, September-December
            first, last = PARTS[part]
            return _span(start.replace(month=first), _month_span(start.year, last)[1], "range", original)
        if part and unit == "month":  # its first, middle or last ten days, as "early May"
            third = {"early": (1, 10), "mid": (11, 20), "late": (21, end.day)}[part]
            return _span(start.replace(day=third[0]), start.replace(day=third[1]), "range", original)
        if part and unit == "week":
            first, last = WEEK_PARTS[part]
            return _span(start + timedelta(days=first), start + timedelta(days=last), "range", original)
        if rel in ("this", "earlier this"):  # news is past tense: the part of the period up to publication
            end = day
        elif rel == "later this":
            start = day
        return _span(start, end, unit, original)
    m = _R["ago"].fullmatch(text)
    if m:
        unit = m["unit"].rstrip("s")
        if unit == "hour":  # "hours after", "three hours ago": within hours of the anchor, its day
            return _span(day, day, "day", original)
        n = _count(m["n"]) if m["n"] else None
        if n is None:  # "days later": how many is not said
            return None
        if m["dir"] in ("later", "after"):
            return None  # "ten months after the militants seized it": after another event, not the article's day
        if unit == "day":
            d = day - timedelta(days=n)
            return _span(d, d, "day", original)
        if unit == "week":
            return _span(*_week_of(day - timedelta(weeks=n)), "week", original)
        if unit == "decade":  # "a decade ago": a round figure for about ten years back, the year that many back
            return _span(date(day.year - 10 * n, 1, 1), date(day.year - 10 * n, 12, 31), "year", original)
        # "a year ago" is a round figure for "about twelve months back": said in May 2015 it means about May 2014.
        # The calendar year 2014 would take in January 2014 (sixteen months back) as readily as May, so it
        # resolves, as "two months ago" does, to the month that many years before, at month precision.
        past = day - relativedelta(months=n) if unit == "month" else day - relativedelta(years=n)
        return _span(*_month_span(past.year, past.month), "month", original)
    m = _R["past_n"].fullmatch(text)
    if m:
        n = _count(m["n"]) if m["n"] else 1
        if n is None:
            return None
        unit = m["unit"].rstrip("s")
        if unit == "hour":  # "the past 24 hours": from the day before
            return _span(day - timedelta(days=-(-n // 24)), day, "range", original)
        # "the past two days" are calendar days, yesterday and today; "the past two weeks" (months, years) run from
        # the day "two weeks ago" names, the same weekday (date) that many units back
        if unit == "decade":
            unit, n = "year", 10 * n
        start = day - timedelta(days=n - 1) if unit == "day" else day - relativedelta(**{unit + "s": n})
        return _span(start, day, "range", original)
    m = _R["recent"].fullmatch(text)
    if m:  # "recent days": the past week of calendar days; "recent weeks": the past four weeks
        back = {"days": timedelta(days=6), "weeks": timedelta(weeks=4)}.get(m["unit"])
        start = day - back if back is not None else day - relativedelta(months=3 if m["unit"] == "months" else 24)
        return _span(start, day, "range", original)
    return None


# --- finding expressions in running text ---------------------------------------------------------------------------
_CAP_MONTH = r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sept?(?:ember)?" \
             r"|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
_CAP_MONTH_DOT = _CAP_MONTH + r"\.?"
_CAP_WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_COUNT_TEXT = r"(?:\d{1,3}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty" \
              r"|a few|a couple of|several|a|an)"

_FINDER = re.compile("|".join(f"(?:{p})" for p in [
    # full dates first (longest)
    r"\b(?:(?i:on)\s+)?(?:" + _CAP_WEEKDAY + r",?\s+)?" + _CAP_MONTH_DOT + r"\s+" + _DAYNUM + r"(?:,?\s+" + _YEAR +
    r")?\b",
    r"\b(?:(?i:on)\s+)?(?:" + _CAP_WEEKDAY + r",?\s+)?(?:the\s+)?" + _DAYNUM + r"(?:\s+of)?\s+" + _CAP_MONTH_DOT +
    r"(?:,?\s+" + _YEAR + r")?\b",
    r"\b" + _YEAR + r"-[01]\d-[0-3]\d\b",
    r"\b(?:(?i:in|since|during)\s+)?(?:(?i:early|mid|late)-?\s*)?" + _CAP_MONTH_DOT + r",?\s+(?:of\s+)?" + _YEAR +
    r"\b",
    r"\b(?:(?i:in|since|during|by)\s+)?(?:(?i:early|mid|late)-?\s*)?" + _CAP_MONTH_DOT + r"\s+(?:last|this|next)\s+year\b",
    # weekdays, with what may come before and after
    r"\b(?:(?i:on|last|this past|next|early|late|earlier on|earlier|this)\s+)?" + _CAP_WEEKDAY +
    r"(?:\s+(?:morning|afternoon|evening|night))?(?:['’]s)?",
    # relative days, weeks, months, years
    r"\b(?:[Tt]he day before yesterday|[Yy]esterday(?:\s+(?:morning|afternoon|evening))?|[Ll]ast night"
    r"|(?:[Ee]arlier|[Ll]ater) today|[Tt]his (?:morning|afternoon|evening)|[Tt]oday|[Tt]onight)\b",
    r"\b(?:[Ee]arlier|[Ll]ater) this (?:week|month|year)\b",
    r"\b(?:[Ll]ast|[Tt]his|[Nn]ext|[Tt]he previous|[Tt]he same) (?:week|month|year)\b",
    r"\b(?:(?i:over|during|at)\s+)?(?i:the|this|last|this past) weekend\b",
    r"\b(?:[Ii]n|[Oo]ver|[Dd]uring|[Ww]ithin)?\s*(?:the\s+)?(?:past|last|previous)\s+(?:" + _COUNT_TEXT +
    r"\s+)?(?:days|weeks|months|years|hours|24 hours|48 hours)\b",
    r"\b" + _COUNT_TEXT + r"\s+(?:days?|weeks?|months?|years?)\s+ago\b",
    r"\b(?:(?i:in|over)\s+)?(?:the\s+)?(?i:recent)\s+(?:days|weeks|months)\b",
    # months and years standing alone need a preposition (else "may", "March" the verb, "2,013 people")
    r"\b(?i:in|since|during|last|early|mid|late|of)\s+(?:(?:early|mid|late)-?\s*)?(?:" + _CAP_MONTH_DOT +
    r"|the\s+(?:19|20)\d0s)(?!\s+\d)\b",
    r"\b(?:[Ii]n|[Ss]ince|[Dd]uring|[Ee]arly|[Ll]ate|[Mm]id-?)\s*(?:(?:early|mid|late)-?\s*)?" + _YEAR +
    r"\b(?![-\d])",
    r"\b(?:(?i:in|during|last|this|next)\s+(?:the\s+)?)(?:spring|summer|autumn|fall|winter)(?:\s+(?:of\s+)?" +
    _YEAR + r")?\b",
]))


def find_time_expressions(text: str) -> list[tuple[int, int, str]]:
    """Date expressions spaCy's NER often misses (weekdays, "last week", "earlier this month", month-year…),
    as (start, end, text) character spans, left to right and not overlapping."""
    found = []
    for m in _FINDER.finditer(text):
        start, end = m.span()
        words = m.group().strip()
        if not words:
            continue
        start += len(m.group()) - len(m.group().lstrip())
        found.append((start, end, text[start:end]))
    return found
