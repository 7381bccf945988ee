"""Time expressions: find them in text and resolve them against the publication date into date ranges.

A small rule layer over ``datetime``/``dateutil`` (``dateparser`` reads "We" as Wednesday and is ~100× slower).
News is written in the past tense, so a bare weekday means the most recent one on or before the publication
date. Durations ("for three years"), ages ("17-year-old") and counts are not dates and resolve to None.
"""
from __future__ import annotations

import re
from datetime import date, timedelta
from functools import lru_cache

from dateutil.relativedelta import relativedelta

from eventwire.model import TimeSpan

__all__ = ["resolve_time", "find_time_expressions", "parse_anchor"]

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
PARTS = {"early": (1, 4), "mid": (5, 8), "late": (9, 12)}

_MONTH = r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?" \
         r"|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
_WEEKDAY = r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tues?|wed|thurs?|thu|fri|sat|sun)\.?"
_DAYNUM = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_YEAR = r"(?:1[89]\d\d|20\d\d|21\d\d)"
_COUNT = r"(?:\d{1,3}|" + "|".join(sorted((re.escape(k) for k in NUMBERS), key=len, reverse=True)) + r")"
_UNIT = r"(?:day|week|month|year|hour)s?"
_PART_OF_DAY = r"(?:\s+(?:morning|afternoon|evening|night|overnight|midday|noon))?"

# --- resolution rules over a normalized (lower-case, tidied) expression -------------------------------------------
_R = {name: re.compile(pattern) for name, pattern in {
    "iso": r"(?P<y>" + _YEAR + r")-(?P<m>[01]?\d)-(?P<d>[0-3]?\d)",
    "iso_month": r"(?P<y>" + _YEAR + r")-(?P<m>[01]\d)",
    "mdy": r"(?:" + _WEEKDAY + r",?\s+)?(?P<mon>" + _MONTH + r")\s+(?P<d>" + _DAYNUM + r")(?:,?\s+(?P<y>" + _YEAR +
           r"))?",
    "dmy": r"(?:" + _WEEKDAY + r",?\s+)?(?:the\s+)?(?P<d>" + _DAYNUM + r")(?:\s+of)?\s+(?P<mon>" + _MONTH +
           r")(?:,?\s+(?P<y>" + _YEAR + r"))?",
    "month_year": r"(?P<part>early|mid|late)?-?\s*(?P<mon>" + _MONTH + r"),?\s+(?:of\s+)?(?P<y>" + _YEAR + r")",
    "month": r"(?P<rel>last|this|next|earlier this|early|mid|late)?-?\s*(?P<mon>" + _MONTH + r")",
    "year": r"(?P<part>early|mid|late)?-?\s*(?:the\s+year\s+)?(?P<y>" + _YEAR + r")",
    "season": r"(?P<rel>last|this|next|the)?\s*(?P<season>spring|summer|autumn|fall|winter)(?:\s+(?:of\s+)?"
              r"(?P<y>" + _YEAR + r"))?",
    "decade": r"(?:the\s+)?(?P<y>(?:1[89]|20)\d0)s",
    "weekday": r"(?P<rel>last|this past|past|this|next|early|late|earlier on|earlier)?\s*(?P<wd>" + _WEEKDAY +
               r")" + _PART_OF_DAY + r"(?:['’]s?)?",
    "day_word": r"(?P<word>today|tonight|this morning|this afternoon|this evening|earlier today|later today"
                r"|yesterday|last night|overnight|the day before yesterday|tomorrow)" + _PART_OF_DAY,
    "period": r"(?P<rel>last|this|next|earlier this|later this|the previous|previous|the same)\s+"
              r"(?P<unit>week|weekend|month|year)",
    "ago": r"(?P<n>" + _COUNT + r")\s+(?P<unit>" + _UNIT + r")\s+(?:ago|earlier|before)",
    "past_n": r"(?:(?:over|in|during|for|within)\s+)?(?:the\s+)?(?:past|last|previous)\s+(?:(?P<n>" + _COUNT +
              r")\s+)?(?P<unit>" + _UNIT + r")",
    "recent": r"(?:in\s+|over\s+|during\s+)?(?:the\s+)?(?:most\s+)?recent\s+(?P<unit>days|weeks|months|years)",
    "weekend": r"(?:over\s+|during\s+|at\s+)?(?P<rel>the|this|last|this past|past)\s+weekend",
}.items()}

_LEAD = re.compile(r"^(?:on|in|at|during|from|by|of|early on|late on)\s+")
_SINCE = re.compile(r"^since\s+")
# durations ("for three years", "seventeen years") and ages ("17-year-old", "aged 17") are not dates
_NOT_DATES = re.compile(r"\b(?:years?[- ]olds?|aged\s+\d|for\s+(?:about\s+|nearly\s+|almost\s+|more than\s+|over\s+)?"
                        + _COUNT + r"\s+" + _UNIT + r"|^(?:about\s+|nearly\s+|some\s+)?" + _COUNT +
                        r"\s+(?:year|month|week|day|hour)s?$)")
_TRAILING = re.compile(r"\s+(?:attack|attacks|strike|strikes|raid|raids|bombing|bombings|clash|clashes|fighting"
                       r"|assault|offensive|ambush|explosion|blast|shelling|shooting|killing|killings|massacre"
                       r"|protest|protests|vote|election|meeting|talks|statement|announcement|report|incident"
                       r"|operation|events?)$")


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


def resolve_time(expr: str, anchor: str | None) -> TimeSpan | None:
    """Resolve a date expression ("on Tuesday", "last week", "in February 2014") against the publication date
    (ISO "YYYY-MM-DD" or None) into an inclusive range with a precision; None when it is no date or unresolvable."""
    if not expr or not expr.strip():
        return None
    day, year = parse_anchor(anchor)
    return _resolve(_normalize(expr), day, year, expr.strip())


def _resolve(text: str, day: date | None, year: int | None, original: str) -> TimeSpan | None:
    if _NOT_DATES.search(text):
        return None
    since = _SINCE.match(text)
    if since:
        inner = _resolve(text[since.end():], day, year, original)
        if inner is None or day is None:
            return None
        start = date.fromisoformat(inner.date)
        return _span(start, day, "range", original) if start <= day else None
    text = _TRAILING.sub("", text)
    text = _LEAD.sub("", text)
    text = re.sub(r"^(?:the\s+)?(?:early|late)\s+hours\s+of\s+", "", text)
    try:
        return _absolute(text, year, day, original) or (_relative(text, day, original) if day else None)
    except ValueError:  # "February 30": not a date
        return None


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
        if rel == "last" or (rel in (None, "early", "mid", "late") and day is not None and date(year, month, 1) > day):
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
        offset = {"yesterday": -1, "last night": -1, "the day before yesterday": -2, "tomorrow": 1,
                  "overnight": -1}.get(word, 0)
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
        if rel in ("this", "earlier this"):  # news is past tense: the part of the period up to publication
            end = day
        elif rel == "later this":
            start = day
        return _span(start, end, unit, original)
    m = _R["ago"].fullmatch(text)
    if m:
        n = _count(m["n"])
        unit = m["unit"].rstrip("s")
        if n is None or unit == "hour":
            return _span(day, day, "day", original) if unit == "hour" else None
        if unit == "day":
            d = day - timedelta(days=n)
            return _span(d, d, "day", original)
        if unit == "week":
            return _span(*_week_of(day - timedelta(weeks=n)), "week", original)
        if unit == "month":
            past = day - relativedelta(months=n)
            return _span(*_month_span(past.year, past.month), "month", original)
        return _span(date(day.year - n, 1, 1), date(day.year - n, 12, 31), "year", original)
    m = _R["past_n"].fullmatch(text)
    if m:
        n = _count(m["n"]) if m["n"] else 1
        if n is None:
            return None
        unit = m["unit"].rstrip("s")
        if unit == "hour":  # "the past 24 hours": from the day before
            return _span(day - timedelta(days=-(-n // 24)), day, "range", original)
        delta = {"day": timedelta(days=n - 1), "week": timedelta(weeks=n) - timedelta(days=1)}.get(unit)
        start = day - delta if delta is not None else day - relativedelta(**{unit + "s": n}) + timedelta(days=1)
        return _span(start, day, "range", original)
    m = _R["recent"].fullmatch(text)
    if m:
        back = {"days": timedelta(days=6), "weeks": timedelta(days=27)}.get(m["unit"])
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
