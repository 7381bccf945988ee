"""Article metadata read from text and markup: publication dates, URLs, outlet names, the article's language.

Everything here is rule-based and cheap (no dateparser): a publication date is only ever read from a
dateline, a meta field or a URL path, and each comes back with the words it was read from.
"""
from __future__ import annotations

import datetime as dt
import html as html_lib
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

# --- dates -----------------------------------------------------------------------------------------------

_MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4,
    "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9,
    "sept": 9, "sep": 9, "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
}
_MONTH = r"(?P<month>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_WEEKDAY = r"(?:(?:mon|tues?|wed(?:nes)?|thu(?:rs?)?|fri|sat(?:ur)?|sun)(?:day)?\.?,?\s+)"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:19|20)\d\d)"

# Ordered: the most specific pattern first, so "12 May 2015" is never read as "May 2015".
_DATE_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(rf"\b{_WEEKDAY}?{_MONTH}\s+{_DAY},?\s+{_YEAR}\b", re.I), "day"),
    (re.compile(rf"\b{_WEEKDAY}?{_DAY}(?:\s+of)?\s+{_MONTH},?\s+{_YEAR}\b", re.I), "day"),
    (re.compile(r"\b(?P<year>(?:19|20)\d\d)-(?P<mnum>[01]\d)-(?P<day>[0-3]\d)(?:[T ][\d:.]+(?:Z|[+-]\d\d:?\d\d)?)?",
                re.I), "day"),
    (re.compile(r"\b(?P<year>(?:19|20)\d\d)/(?P<mnum>[01]?\d)/(?P<day>[0-3]?\d)\b"), "day"),
    (re.compile(r"\b(?P<a>[0-3]?\d)[/.](?P<b>[01]?\d)[/.](?P<year>(?:19|20)\d\d)\b"), "day"),
    (re.compile(rf"\b{_MONTH},?\s+{_YEAR}\b", re.I), "month"),
]
_YEAR_ONLY = re.compile(r"^\s*(?P<year>(?:19|20)\d\d)\s*$")

# What may surround a date on a line that is nothing but a date: weekday, clock time, zone, separators.
_TIME = r"(?:(?:at\s+)?\d{1,2}[:.]\d\d(?:[:.]\d\d)?\s*(?:[ap]\.?m\.?)?|\d{1,2}\s*[ap]\.?m\.?)"
_ZONE = r"(?:gmt|utc|bst|cet|cest|eet|eest|est|edt|cst|cdt|pst|pdt|et|pt|ct|ast|ist|msk|trt|z|[+-]\d\d:?\d\d)"
_DATE_LINE_REST = re.compile(
    rf"^(?:[\s,|·•/()\-–—:]|{_TIME}|{_ZONE}\b|{_WEEKDAY}|"
    r"(?:updated|published|posted|last|modified|first|on|at)\b)*$", re.I)
_DATE_KEYWORD = re.compile(
    r"^\s*(?P<kw>first published|published|posted|date published|publication date|released|"
    r"last updated|last modified|updated|modified|date)\b(?:\s+(?:on|at))?\s*:?\s*", re.I)
_RELATIVE_TIME = re.compile(
    r"^(?:(?:updated|published|posted|last updated)\s*:?\s*)?(?:just now|today|yesterday|"
    r"(?:\d+|an?|one|two|three|few|several)\s+(?:seconds?|secs?|minutes?|mins?|hours?|hrs?|days?|weeks?|months?)"
    r"\s+ago)\.?$", re.I)

# 05/06/2015 could be May or June: a date line, but not one to read.
_AMBIGUOUS_NUMERIC = re.compile(r"^(?:[0-1]?\d)[/.](?:[0-1]?\d)[/.](?:19|20)\d\d(?:\s+\d{1,2}[:.]\d\d)?$")


@dataclass
class DateFound:
    """A date read from text: ISO value ("YYYY-MM-DD", "YYYY-MM" or "YYYY"), precision, and the words."""

    iso: str
    precision: str  # "day" | "month" | "year"
    evidence: str
    start: int = 0
    end: int = 0


def _valid(year: int, month: int, day: int | None) -> bool:
    try:
        dt.date(year, month, day or 1)
    except ValueError:
        return False
    return True


def find_date(text: str) -> DateFound | None:
    """The first explicit calendar date in ``text`` ("January 24, 2019", "12 May 2015", "2015-05-12")."""
    best: DateFound | None = None
    for pattern, precision in _DATE_PATTERNS:
        for m in pattern.finditer(text):
            g = m.groupdict()
            year = int(g["year"])
            if g.get("month"):
                month = _MONTHS[g["month"].lower().rstrip(".")]
            elif g.get("mnum"):
                month = int(g["mnum"])
            else:
                # dd/mm/yyyy vs mm/dd/yyyy: only read it when one reading is impossible.
                a, b = int(g["a"]), int(g["b"])
                if a > 12 >= b:
                    g["day"], month = str(a), b
                elif b > 12 >= a:
                    g["day"], month = str(b), a
                else:
                    continue
            day = int(g["day"]) if precision == "day" else None
            if not _valid(year, month, day):
                continue
            iso = f"{year:04d}-{month:02d}" + (f"-{day:02d}" if day else "")
            found = DateFound(iso, precision, m.group(0).strip(" ,"), m.start(), m.end())
            if best is None or found.start < best.start:
                best = found
            break
        if best is not None and precision == "day":
            # A day-precise date wins over a coarser one later in the list.
            return best
    return best


def date_line(line: str) -> tuple[str, DateFound | None] | None:
    """If ``line`` is nothing but a date or timestamp, return (kind, date); kind is "published",
    "updated" or "date". "Updated 3 hours ago" is a date line whose date cannot be resolved (None)."""
    s = line.strip()
    if not s or len(s) > 90:
        return None
    if _RELATIVE_TIME.match(s) or _AMBIGUOUS_NUMERIC.match(s):
        return ("updated" if s.lower().startswith("updated") else "date", None)
    kind = "date"
    m = _DATE_KEYWORD.match(s)
    if m and m.end() >= len(s):  # "Published" alone, its date on the next line
        kw = m.group("kw").lower()
        return ("updated" if ("updated" in kw or "modified" in kw) else "published", None)
    body = s
    if m:
        kw = m.group("kw").lower()
        kind = "updated" if ("updated" in kw or "modified" in kw) else "published"
        body = s[m.end():]
    found = find_date(body)
    if found is None:
        y = _YEAR_ONLY.match(body)
        if y and m:  # a bare year only counts after an explicit "Published:"
            return (kind, DateFound(y.group("year"), "year", y.group("year").strip()))
        return None
    rest = body[:found.start] + " " + body[found.end:]
    if not _DATE_LINE_REST.match(rest):
        return None
    return (kind, found)


def iso_date(value: str) -> DateFound | None:
    """Read a date given as a field value ("2015-05-12T14:32:00Z", "May 12, 2015", "2015-05", "2015")."""
    v = value.strip()
    m = re.match(r"^((?:19|20)\d\d)-([01]\d)$", v)
    if m and _valid(int(m.group(1)), int(m.group(2)), None):
        return DateFound(v, "month", v)
    m = _YEAR_ONLY.match(v)
    if m:
        return DateFound(m.group("year"), "year", v)
    found = find_date(v)
    if found is not None:
        found.evidence = v
    return found


_URL_DATE = [
    (re.compile(r"/((?:19|20)\d\d)[/-]([01]?\d)[/-]([0-3]?\d)(?=[/\-_.]|$)"), "day"),
    (re.compile(r"/((?:19|20)\d\d)([01]\d)([0-3]\d)(?=/)"), "day"),
    (re.compile(r"/((?:19|20)\d\d)/([01]?\d)(?=/)"), "month"),
]


def date_from_url(url: str) -> DateFound | None:
    """A publication date from a URL path such as /2015/05/12/ (day) or /2015/05/ (month)."""
    path = urlsplit(url).path
    for pattern, precision in _URL_DATE:
        m = pattern.search(path)
        if not m:
            continue
        year, month = int(m.group(1)), int(m.group(2))
        day = int(m.group(3)) if precision == "day" else None
        if not _valid(year, month, day):
            continue
        iso = f"{year:04d}-{month:02d}" + (f"-{day:02d}" if day else "")
        return DateFound(iso, precision, f"url path {m.group(0)}")
    return None


# --- URLs and outlets --------------------------------------------------------------------------------------

_URL_LINE = re.compile(r"^<?(?:https?://|www\.)[^\s<>]+>?$", re.I)


def url_of_line(line: str) -> str | None:
    """The URL when ``line`` is nothing but a URL, else None."""
    s = line.strip()
    if _URL_LINE.match(s):
        return s.strip("<>")
    return None


# Hosts whose name is not its domain. Kept small on purpose: anything else falls back to the domain.
KNOWN_OUTLETS: dict[str, str] = {
    "wikinews.org": "Wikinews", "bbc.co.uk": "BBC News", "bbc.com": "BBC News", "reuters.com": "Reuters",
    "aljazeera.com": "Al Jazeera", "aljazeera.net": "Al Jazeera", "middleeasteye.net": "Middle East Eye",
    "theguardian.com": "The Guardian", "guardian.co.uk": "The Guardian", "nytimes.com": "The New York Times",
    "washingtonpost.com": "The Washington Post", "apnews.com": "Associated Press", "ap.org": "Associated Press",
    "afp.com": "AFP", "france24.com": "France 24", "dw.com": "Deutsche Welle", "cnn.com": "CNN",
    "independent.co.uk": "The Independent", "telegraph.co.uk": "The Telegraph", "wsj.com": "The Wall Street Journal",
    "ft.com": "Financial Times", "economist.com": "The Economist", "bloomberg.com": "Bloomberg",
    "npr.org": "NPR", "voanews.com": "Voice of America", "rferl.org": "Radio Free Europe/Radio Liberty",
    "dailystar.com.lb": "The Daily Star", "naharnet.com": "Naharnet", "aawsat.com": "Asharq Al-Awsat",
    "alarabiya.net": "Al Arabiya", "thenational.ae": "The National", "arabnews.com": "Arab News",
    "alaraby.co.uk": "The New Arab", "english.alaraby.co.uk": "The New Arab", "rudaw.net": "Rudaw",
    "kurdistan24.net": "Kurdistan 24", "sana.sy": "SANA", "syriahr.com": "Syrian Observatory for Human Rights",
    "enabbaladi.net": "Enab Baladi", "syriadirect.org": "Syria Direct", "aa.com.tr": "Anadolu Agency",
    "dailysabah.com": "Daily Sabah", "hurriyetdailynews.com": "Hurriyet Daily News", "trtworld.com": "TRT World",
    "presstv.ir": "Press TV", "presstv.com": "Press TV", "tasnimnews.com": "Tasnim News Agency",
    "farsnews.ir": "Fars News Agency", "irna.ir": "IRNA", "rt.com": "RT", "tass.com": "TASS",
    "sputniknews.com": "Sputnik", "almanar.com.lb": "Al-Manar", "timesofisrael.com": "The Times of Israel",
    "haaretz.com": "Haaretz", "jpost.com": "The Jerusalem Post", "longwarjournal.org": "Long War Journal",
    "foxnews.com": "Fox News", "nbcnews.com": "NBC News", "cbsnews.com": "CBS News", "abcnews.go.com": "ABC News",
    "militarytimes.com": "Military Times", "businessinsider.com": "Business Insider", "yahoo.com": "Yahoo News",
}
_SECOND_LEVEL = {"co", "com", "org", "net", "gov", "ac", "edu", "go", "gob", "or", "ne", "mil"}


def registered_domain(host: str) -> str:
    """The registrable part of a host name: news.bbc.co.uk → bbc.co.uk, en.wikinews.org → wikinews.org."""
    parts = [p for p in host.lower().strip(".").split(".") if p]
    if len(parts) >= 3 and parts[-2] in _SECOND_LEVEL and len(parts[-1]) == 2:
        return ".".join(parts[-3:])
    return ".".join(parts[-2:])


def outlet_from_url(url: str) -> tuple[str | None, bool]:
    """The outlet's name for a URL and whether it came from the table of known outlets (else the domain)."""
    try:
        host = urlsplit(url if "//" in url else "//" + url).hostname or ""
    except ValueError:
        return None, False
    if not host or "." not in host:
        return None, False
    host = host.lower()
    domain = registered_domain(host)
    for key in (host, host.removeprefix("www."), domain):
        if key in KNOWN_OUTLETS:
            return KNOWN_OUTLETS[key], True
    return domain, False


def known_outlet_name(name: str) -> bool:
    """True when ``name`` is the name of an outlet of the table (used to split "Headline - BBC News")."""
    return name.strip().lower() in _KNOWN_NAMES


_KNOWN_NAMES = {v.lower() for v in KNOWN_OUTLETS.values()}


# --- HTML meta fields ----------------------------------------------------------------------------------------

# A tag stops at the next "<" too, and an attribute name is tried from its first letter only: otherwise a page
# of unclosed "<meta" tags, or one attribute name 50,000 letters long, takes time quadratic in its length.
_META_TAG = re.compile(r"<meta\b[^<>]*>", re.I)
_ATTR = re.compile(r"""(?<![\w:.-])([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""")
# Publication-date fields, most trusted first; their name is the evidence ("meta/article:published_time").
_META_DATE_KEYS = ("article:published_time", "og:article:published_time", "datepublished", "article.published",
                   "publish-date", "publish_date", "publishdate", "pubdate", "publication_date", "dc.date.issued",
                   "dcterms.issued", "dcterms.created", "dc.date", "sailthru.date", "parsely-pub-date",
                   "original-publish-date", "date")
_JSONLD_DATE = re.compile(r'"datePublished"\s*:\s*"([^"]+)"')
_TIME_TAG = re.compile(r"<time\b[^<>]*>", re.I)
_DATETIME = re.compile(r"\bdatetime\s*=\s*[\"']([^\"']+)[\"']", re.I)


def html_meta(markup: str) -> dict[str, str]:
    """The <meta> fields of a page (name/property/itemprop → content), keys lower-cased."""
    head = markup[:200_000]
    fields: dict[str, str] = {}
    for tag in _META_TAG.findall(head):
        attrs = {m.group(1).lower(): html_lib.unescape(m.group(2) or m.group(3) or m.group(4) or "")
                 for m in _ATTR.finditer(tag)}
        key = attrs.get("property") or attrs.get("name") or attrs.get("itemprop")
        if key and attrs.get("content") and key.lower() not in fields:
            fields[key.lower()] = attrs["content"].strip()
    return fields


def html_published(markup: str, meta: dict[str, str] | None = None) -> DateFound | None:
    """The publication date declared in a page's markup, with the field it came from as evidence."""
    meta = html_meta(markup) if meta is None else meta
    for key in _META_DATE_KEYS:
        if key in meta:
            found = iso_date(meta[key])
            if found is not None:
                found.evidence = f"meta/{key}: {meta[key]}"
                return found
    m = _JSONLD_DATE.search(markup)
    if m and (found := iso_date(m.group(1))) is not None:
        found.evidence = f"json-ld/datePublished: {m.group(1)}"
        return found
    # The first <time> with a datetime; tags first, then the attribute in the tag, keeps this linear in the page.
    for tag in _TIME_TAG.finditer(markup):
        m = _DATETIME.search(tag.group())
        if m:
            found = iso_date(m.group(1))
            if found is not None:
                found.evidence = f"time/datetime: {m.group(1)}"
            return found
    return None


# --- language -----------------------------------------------------------------------------------------------

# Frequent function words, chosen so that no word is shared by two lists (a tie says nothing).
_FUNCTION_WORDS: dict[str, frozenset[str]] = {
    "English": frozenset("the of and to in is was that for on with as by at from it he she they his her their "
                         "said were has have had be been which who after an are this not but will would its "
                         "also than into over about against when".split()),
    "French": frozenset("le la les des du et est une dans pour que qui sur au aux avec par pas ont été il elle "
                        "ils sont ce cette selon mais leur lors était".split()),
    "Spanish": frozenset("el los las del y es una en por con para según fue han su sus está este esta pero "
                         "como más".split()),
    "Portuguese": frozenset("o os da do dos e é um uma em com não foi são pelo pela seu sua".split()),
    "German": frozenset("der die das und ist nicht ein eine mit von zu den dem sich auf für im wurde wurden "
                        "sind nach bei auch".split()),
    "Italian": frozenset("gli della delle di che è per non sono nel nella sul anche dopo".split()),
    "Dutch": frozenset("het een van niet op dat met zijn voor werd worden door ook bij naar".split()),
    "Turkish": frozenset("ve bir bu de için ile olarak çok daha gibi sonra ancak olan".split()),
    "Indonesian": frozenset("yang dan ini itu dengan untuk tidak dari dalam akan pada juga oleh".split()),
}
_WORD = re.compile(r"[^\W\d_]+")


def _script_of(ch: str) -> str:
    o = ord(ch)
    if o < 0x250 or 0x1E00 <= o <= 0x1EFF:
        return "Latin"
    if 0x600 <= o <= 0x6FF or 0x750 <= o <= 0x77F or 0xFB50 <= o <= 0xFDFF or 0xFE70 <= o <= 0xFEFF:
        return "Arabic"
    if 0x400 <= o <= 0x52F:
        return "Cyrillic"
    if 0x590 <= o <= 0x5FF:
        return "Hebrew"
    if 0x370 <= o <= 0x3FF:
        return "Greek"
    if 0x900 <= o <= 0x97F:
        return "Devanagari"
    if 0xAC00 <= o <= 0xD7AF:
        return "Hangul"
    if 0x3040 <= o <= 0x30FF:
        return "Kana"
    if 0x4E00 <= o <= 0x9FFF:
        return "Han"
    return "Other"


# Plain code-point ranges: a character class of ranges is far cheaper than Unicode categories, and this
# runs on every line of every article.
_LATIN_LETTER = re.compile(r"[A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f\u1e00-\u1eff]")
_FOREIGN_LETTER = re.compile(r"[\u0370-\u03ff\u0400-\u052f\u0531-\u058f\u0590-\u05ff\u0600-\u06ff\u0750-\u077f"
                             r"\u0900-\u097f\u0e00-\u0e7f\u10a0-\u10ff\u3040-\u30ff\u4e00-\u9fff\uac00-\ud7af"
                             r"\ufb50-\ufdff\ufe70-\ufeff]")


def script_counts(text: str) -> dict[str, int]:
    """How many letters of ``text`` are in each script (Latin, Arabic, Cyrillic, …)."""
    counts: dict[str, int] = {}
    latin = len(_LATIN_LETTER.findall(text))
    if latin:
        counts["Latin"] = latin
    if text.isascii():
        return counts
    for ch in _FOREIGN_LETTER.findall(text):
        if ch.isalpha():  # skip Arabic digits and marks
            s = _script_of(ch)
            counts[s] = counts.get(s, 0) + 1
    return counts


def _script_language(script: str, text: str) -> str:
    if script == "Arabic":
        # Letters Persian and Urdu have and Arabic lacks.
        return "Persian" if sum(text.count(c) for c in "پچژگ") >= 3 else "Arabic"
    if script == "Cyrillic":
        return "Ukrainian" if sum(text.count(c) for c in "іїєґ") >= 3 else "Russian"
    return {"Han": "Chinese", "Kana": "Japanese", "Hangul": "Korean", "Devanagari": "Hindi"}.get(script, script)


def non_english_reason(text: str) -> str | None:
    """None when ``text`` reads as English, else a reason such as "not English (looks like French)".

    Cheap: share of Latin letters, then share of English function words against other languages' lists."""
    sample = text[:20_000]
    counts = script_counts(sample)
    letters = sum(counts.values())
    if letters < 20:
        return None
    latin = counts.get("Latin", 0)
    if latin / letters < 0.5:
        top = max(counts, key=lambda s: counts[s])
        return f"not English (looks like {_script_language(top, sample)}: {100 * latin // letters}% Latin letters)"
    words = [w.lower() for w in _WORD.findall(sample)]
    if len(words) < 12:
        return None
    shares = {lang: sum(w in fw for w in words) / len(words) for lang, fw in _FUNCTION_WORDS.items()}
    english = shares.pop("English")
    other, other_share = max(shares.items(), key=lambda kv: kv[1])
    # English news prose runs at 25-35% on this list and other languages' at 0-1%. A text that is mostly
    # names and numbers (a casualty list) scores low on every list, so it is refused only when long.
    if other_share >= 0.08 and other_share > english:
        return f"not English (looks like {other}: {round(100 * english)}% English function words)"
    if english < 0.05 and len(words) >= 40:
        return f"not English (only {round(100 * english)}% English function words)"
    return None
