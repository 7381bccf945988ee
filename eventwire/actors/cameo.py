"""Import of CAMEO actor dictionaries (the TABARI / PETRARCH / Phoenix ``.actors`` format) into registry rows.

A dictionary is a series of entries::

    SECRETARY-GENERAL_BAN_KI-MOON            # the entry line: a phrase, words joined by "_" or " "
    +BAN_KI-MOON                             # synonyms
        [IGOUNO >20070101]                   # codes, on tab-indented lines or after the phrase,
        [KORGOVBUS 20040117-20061201]        # each with an optional date restriction
    KOFI_ANNAN_  [IGOUNO 970101-061231] [ELI]

Every entry becomes one registry actor (`read_dictionary`, `dictionary_rows`, `import_dictionary`): one row per
code, the dated codes as periods, the synonyms as aliases.  How the format is read:

* Comments: ``#`` to the end of the line (``;`` too, the older TABARI marker), ``<!-- ... -->`` on one or more
  lines, and any line that starts with ``<!``.  Blank lines separate nothing: a synonym or code after a blank
  line still belongs to the entry above it, as PETRARCH reads it (each such synonym is listed in the report).
* Entry lines without a code that follow each other directly are names of one actor that shares the codes
  below them (PETRARCH gives them one code list: "LEONID_BREZHNEV_" / "SECRETARY_BREZHNEV" / ``[RUSGOV ...]``).
  A blank line ends such a group, and so does a ``[...]`` that could not be read; an entry that gets no code
  at all is reported and writes no row.
* Dates are YYMMDD (00-30 read as 20YY, otherwise 19YY, as KEDS/TABARI/PETRARCH do) or YYYYMMDD.
  ``<D`` applies up to D, ``>D`` from D, ``D1-D2`` between; the limits include the day itself.  A lone date
  with no operator (two cases in Phoenix.Countries, both a start) is read as ``>D``.  A date of any other
  length, or a range that ends before it starts, is not guessed at: the code is reported as not interpreted.
* A code without a date is the entry's default: PETRARCH uses it when no dated code applies.  It becomes an
  open row; dated codes become rows with ``valid_from`` (inclusive) and ``valid_to`` (exclusive, so the
  dictionary's last day + 1).  The open rows are written first, so that the registry, which picks the covering
  row that starts last, prefers a dated code over the default just as PETRARCH does.  The null code ``---``
  ("recognise, but do not code") writes no row.
* A line indented with spaces that holds only a comment is an entry line whose name was lost (the Phoenix
  generators wrote their per-entry tag, "# CountryInfo.txt", there).  What follows it up to the next entry
  is reported, not attached to the entry above.
* A line such as "Source: MNC.MLH.actors" (a capitalised word and a colon: prose, since phrases are written in
  capitals) is a note, not an entry.  Two synonyms written on one line ("+TAIOAN_ +TAWIAN_") are split.

Ids are the entry phrase in capitals with every other character run turned into ``_`` (``ABU_MUSAB_AL-ZARQAWI_``
→ ``ABU_MUSAB_AL_ZARQAWI``).  An id that the package registry already uses for an actor, or that it reads as a
country, a people or a composed institution (``SYR``, ``SYRMIL``, ``KURDS_REB``), gets the suffix ``_CAMEO``,
so an import never replaces package rows.  Entries of one file with the same id and the same codes are one
actor (the dictionaries repeat some entries); with different codes the later ones are numbered (``_2``).
``avoid`` keeps clear of further ids, such as those of other imported files loaded in the same folder.

Country: the code's first three letters when they are an ISO 3166 alpha-3 code of the country table; the few
CAMEO spellings that differ are mapped (`CAMEO_COUNTRY_CODES`); ``null`` (transnational) for the non-state
prefixes (IGO, NGO, IMG, MNC, ...) and the CAMEO regions; empty, and counted in the report, for states without
an ISO3 code today (USSR, East Germany, ...) and for prefixes the importer does not know.  Sector: the first
three-letter part of the code that `sectors.tsv` lists (``IRQREBTAL`` → REB; ``IGOUNO`` → IGO).  Type:
``person`` for the entries the Phoenix generators tagged "# CountryInfo.txt" / "# IGOrulers.txt" (lists of
office holders), ``IGO``/``NGO``/``company`` from the IGO/NGO/MNC prefixes, else empty.  Names keep the
dictionary's capitals: CAMEO writes everything in capitals and does not mark acronyms, so recasing would
turn "IRA" into "Ira".

Aliases are the name and the synonyms, with three exceptions that keep the registry's own reading intact
(`_row_aliases`): words the registry already knows as a country, people, capital or lexicon word are left out
(the Countries file lists "AFGHAN" under AFGHANISTAN; as an alias it would turn "Afghan army" into that entry
instead of AFGMIL); synonyms without a letter ("380") are left out; a one-word synonym is written as two
case-sensitive forms (as written and capitalised), so "MALE" (Maldives) does not match "male".
"""
from __future__ import annotations

import os
import re
import time
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Iterator

from eventwire.actors.registry import ACTOR_COLUMNS, ActorRegistry, RegistryError, _tokens

NULL_CODE = "---"
# CAMEO country codes that are not the ISO 3166 alpha-3 code of the same state, where that state has one.
CAMEO_COUNTRY_CODES = {
    "KSV": "XKX",  # Kosovo ("using World Bank code - No ISO", Phoenix.Countries)
    "TMP": "TLS",  # East Timor / Timor-Leste
    "FRY": "SCG",  # Federal Republic of Yugoslavia, renamed Serbia and Montenegro in 2003
    "ROM": "ROU",  # Romania, the pre-2002 ISO code that older CAMEO/TABARI files use
    "ANG": "AGO",  # Angola (UNITA in Phoenix.MilNonState)
}
# States of the past that have no ISO3 code in the country table: country left empty, counted in the report.
FORMER_STATES = {"USR": "Soviet Union", "SUN": "Soviet Union", "DDR": "East Germany", "CSK": "Czechoslovakia",
                 "YUG": "Yugoslavia (SFRY)"}
# Non-state prefixes: intergovernmental and non-governmental organisations, international militarised groups,
# multinational companies, non-governmental movements, unidentified state actors, "international".
NONSTATE_PREFIXES = {"IGO": "IGO", "NGO": "NGO", "MNC": "company", "IMG": "", "NGM": "", "UIS": "", "INT": ""}
# CAMEO regions: an actor of a region is not one state's, so its country is null (transnational).
CAMEO_REGIONS = {
    "AFR": "Africa", "ASA": "Asia", "BLK": "Balkans", "CAS": "Central Asia", "CAU": "Caucasus",
    "CEU": "Central Europe", "CFR": "Central Africa", "CRB": "Caribbean", "EAF": "East Africa",
    "EEU": "Eastern Europe", "EIN": "East Indies", "EUR": "Europe", "LAM": "Latin America", "MDT": "Mediterranean",
    "MEA": "Middle East", "NAF": "North Africa", "NMR": "North America", "PGS": "Persian Gulf",
    "SAF": "Southern Africa", "SAM": "South America", "SAS": "South Asia", "SCN": "Scandinavia",
    "SEA": "Southeast Asia", "WAF": "West Africa", "WEU": "Western Europe", "WST": "the West",
}
# Religion codes that some entries use in the country slot: they say nothing about a state (country empty).
RELIGION_PREFIXES = {"BAH", "BUD", "CHR", "HIN", "JEW", "MOS", "MUS"}
# Comment tags of the Phoenix generators that mark lists of office holders: these entries are persons.
PERSON_TAGS = ("countryinfo.txt", "igorulers.txt")
ID_SUFFIX = "_CAMEO"

_CODE_DATE = re.compile(r"(?:(?P<op>[<>])\s*(?P<d>\d+)|(?P<a>\d+)\s*-\s*(?P<b>\d+)|(?P<lone>\d+))")
_BRACKETS = re.compile(r"\[([^\[\]]*)\]")
_HEADER = re.compile(r"[A-Z][a-z]+:\s")  # "Source: MNC.MLH.actors": a note, not a phrase (phrases are capitals)
# a "+" that is not inside a word starts another synonym written on the same line ("TAIOAN_ +TAWIAN_");
# "B+H_OCEAN_CARRIERS_" keeps its "+"
_JOINED = re.compile(r"(?<![A-Za-z0-9])\+|\+(?![A-Za-z0-9])")
_DAMAGED = re.compile(r"[\ufffd\x00-\x08\x0b-\x1f\x7f]")
_NON_ID = re.compile(r"[^A-Z0-9]+")


class DictionaryError(RegistryError):
    """The file is not a CAMEO actor dictionary; the message names the file and the line."""


# --------------------------------------------------------------------------------------------- data classes
@dataclass(frozen=True)
class CameoCode:
    """One code of an entry with its date restriction; ``start``/``end`` include the day, as CAMEO writes them."""

    code: str
    start: date | None = None
    end: date | None = None
    line: int = 0

    @property
    def dated(self) -> bool:
        return self.start is not None or self.end is not None

    @property
    def null(self) -> bool:
        """The null code "---": the phrase is recognised but not coded."""
        return self.code == NULL_CODE

    @property
    def valid_from(self) -> str:
        """Registry ``valid_from`` (inclusive ISO date, or "" for open)."""
        return self.start.isoformat() if self.start else ""

    @property
    def valid_to(self) -> str:
        """Registry ``valid_to``: exclusive, so the day after the dictionary's last day ("" for open)."""
        return (self.end + timedelta(days=1)).isoformat() if self.end else ""


@dataclass
class CameoEntry:
    """One dictionary entry: the phrase of its entry line, its synonyms and its codes, as written."""

    name: str  # the phrase as written: "ABU_MUSAB_AL-ZARQAWI_"
    line: int
    synonyms: list[str] = field(default_factory=list)  # "+" phrases and further entry lines of the same actor
    codes: list[CameoCode] = field(default_factory=list)
    comment: str = ""  # the comments on the entry line and its code lines ("CountryInfo.txt")

    @property
    def readable_name(self) -> str:
        return readable(self.name)

    @property
    def aliases(self) -> list[str]:
        """The name and the synonyms in readable form, each once (compared without case)."""
        out: dict[str, str] = {}
        for phrase in (self.name, *self.synonyms):
            text = readable(phrase)
            if text and text.lower() not in out:
                out[text.lower()] = text
        return list(out.values())

    @property
    def is_person(self) -> bool:
        """True when a Phoenix generator tagged the entry as taken from a list of office holders."""
        low = self.comment.lower()
        return any(tag in low for tag in PERSON_TAGS)


@dataclass
class ImportReport:
    """What reading (and converting) one dictionary found."""

    source: str
    lines: int = 0
    entries: int = 0  # actors read (entry lines of one group count once)
    entry_lines: int = 0  # lines read as an entry's phrase
    names_grouped: int = 0  # entry lines without a code taken as another name of the entry that follows
    synonyms: int = 0
    codes: int = 0
    dated_codes: int = 0
    null_codes: int = 0
    skipped: Counter = field(default_factory=Counter)  # lines that carry nothing, by category
    uninterpreted: list[tuple[int, str, str]] = field(default_factory=list)  # (line, reason, text)
    warnings: list[tuple[int, str]] = field(default_factory=list)  # read, but with a repair worth a look
    entries_without_code: list[tuple[int, str]] = field(default_factory=list)
    # filled by the conversion to rows, counted per row written
    unknown_country_codes: Counter = field(default_factory=Counter)  # code prefix -> rows
    former_state_codes: Counter = field(default_factory=Counter)  # USR, DDR, ... -> rows
    mapped_country_codes: Counter = field(default_factory=Counter)  # "KSV->XKX" -> rows
    region_codes: Counter = field(default_factory=Counter)  # CAMEO region prefix (country null) -> rows
    rows: int = 0
    actors: int = 0
    renamed_ids: list[tuple[str, str, str]] = field(default_factory=list)  # (wanted, written, why)
    merged_duplicates: list[tuple[int, str]] = field(default_factory=list)  # (line, id) of repeated entries
    duplicate_codes: int = 0  # identical codes repeated within one entry, written once
    # synonyms not written, by reason: the registry's own words ("AFGHAN", "KABUL", "SENATE"), no letter ("380")
    dropped_aliases: Counter = field(default_factory=Counter)
    case_sensitive_aliases: int = 0  # one-word synonyms written as "=NATO|=Nato" (CAMEO phrases carry no case)
    seconds: float = 0.0

    def summary(self) -> str:
        """One paragraph for the command line."""
        name = Path(self.source).name
        parts = [f"{name}: {self.entries:,} entries ({self.synonyms:,} synonyms; {self.codes:,} codes, "
                 f"{self.dated_codes:,} of them dated) became {self.rows:,} registry rows for "
                 f"{self.actors:,} actors in {self.seconds:.1f} s."]
        skipped = ", ".join(f"{n:,} {what}" for what, n in self.skipped.most_common())
        if skipped:
            parts.append(f"Lines without content: {skipped}.")
        if self.uninterpreted:
            shown = "; ".join(f"line {n}: {why}" for n, why, _ in self.uninterpreted[:5])
            more = f" and {len(self.uninterpreted) - 5} more" if len(self.uninterpreted) > 5 else ""
            parts.append(f"{_n(len(self.uninterpreted), 'line')} could not be interpreted ({shown}{more}).")
        else:
            parts.append("Every line was interpreted.")
        if self.entries_without_code:
            parts.append(f"{_n(len(self.entries_without_code), 'entry', 'entries')} without a code wrote no row "
                         f"(e.g. line {self.entries_without_code[0][0]}).")
        if self.null_codes:
            parts.append(f"{_n(self.null_codes, 'null code')} (---) wrote no row.")
        if self.unknown_country_codes:
            parts.append("Codes with an unknown country prefix (country left empty): "
                         + _counts(self.unknown_country_codes) + ".")
        if self.former_state_codes:
            parts.append("Codes of former states without an ISO3 code (country left empty): "
                         + _counts(self.former_state_codes) + ".")
        if self.mapped_country_codes:
            parts.append("CAMEO country codes mapped to ISO3: " + _counts(self.mapped_country_codes) + ".")
        if self.renamed_ids:
            shown = ", ".join(f"{a}->{b}" for a, b, _ in self.renamed_ids[:4])
            parts.append(f"{_n(len(self.renamed_ids), 'id')} renamed to avoid a collision ({shown}"
                         f"{', ...' if len(self.renamed_ids) > 4 else ''}).")
        if self.dropped_aliases:
            parts.append("Synonyms not written: " + _counts(self.dropped_aliases) + " (the registry's own words "
                         "stay its own, so 'Afghan army' is still AFGMIL).")
        if self.merged_duplicates:
            parts.append(f"{_n(len(self.merged_duplicates), 'repeated entry', 'repeated entries')} merged "
                         f"into the first.")
        if self.warnings:
            parts.append(f"{_n(len(self.warnings), 'line')} read with a repair or worth a look (report.warnings).")
        return " ".join(parts)


def _n(count: int, one: str, many: str | None = None) -> str:
    return f"{count:,} {one if count == 1 else (many or one + 's')}"


def _counts(counter: Counter) -> str:
    return ", ".join(f"{k} ({v})" for k, v in counter.most_common())


# --------------------------------------------------------------------------------------------- reading
def readable(phrase: str) -> str:
    """A dictionary phrase as text: "_" as spaces, damaged characters dropped ("ABU_MUSAB_AL-ZARQAWI_" ->
    "ABU MUSAB AL-ZARQAWI")."""
    text = _DAMAGED.sub("", phrase).replace("_", " ").replace("|", "/").replace("\t", " ")
    return " ".join(text.split()).lstrip("=").strip()


def phrase_id(phrase: str) -> str:
    """The registry id a phrase gives: ASCII capitals and digits, other runs as "_" ("" if nothing is left)."""
    text = unicodedata.normalize("NFKD", _DAMAGED.sub("", phrase))
    text = "".join(c for c in text if not unicodedata.combining(c)).upper()
    return _NON_ID.sub("_", text).strip("_")


def parse_date(digits: str) -> date:
    """A CAMEO date: YYMMDD (00-30 -> 20YY, else 19YY) or YYYYMMDD; anything else raises ValueError."""
    if len(digits) == 6:
        yy = int(digits[:2])
        year = 2000 + yy if yy <= 30 else 1900 + yy
        month, day = int(digits[2:4]), int(digits[4:6])
    elif len(digits) == 8:
        year, month, day = int(digits[:4]), int(digits[4:6]), int(digits[6:8])
    else:
        raise ValueError(f"date {digits!r} has {len(digits)} digits; expected YYMMDD or YYYYMMDD")
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueError(f"date {digits!r} is not a calendar date") from None


def parse_code(text: str, line: int = 0) -> tuple[CameoCode, str | None]:
    """The code in one pair of brackets ("IRQREBTAL 040101-060607"); also a note when a repair was made.
    Raises ValueError for a restriction that cannot be read."""
    parts = text.split(None, 1)
    if not parts:
        raise ValueError("empty brackets")
    code, rest = parts[0], (parts[1].strip() if len(parts) > 1 else "")
    if code[0] in "<>" or code[0].isdigit():
        raise ValueError(f"date restriction {text.strip()!r} has no code")
    if not rest:
        return CameoCode(code, line=line), None
    m = _CODE_DATE.fullmatch(rest)
    if not m:
        raise ValueError(f"date restriction {rest!r} is not <DATE, >DATE, DATE-DATE")
    note = None
    if m.group("op") == "<":
        start, end = None, parse_date(m.group("d"))
    elif m.group("op") == ">":
        start, end = parse_date(m.group("d")), None
    elif m.group("lone"):
        start, end = parse_date(m.group("lone")), None
        note = f"date {rest!r} without '<', '>' or '-' read as the start date"
    else:
        start, end = parse_date(m.group("a")), parse_date(m.group("b"))
        if end < start:
            raise ValueError(f"date restriction {rest!r} ends before it starts")
    return CameoCode(code, start, end, line), note


def _lines(path: Path, report: ImportReport) -> Iterator[tuple[int, str]]:
    """The file's lines, decoded (UTF-8; a line that is not is read as Latin-1 and reported); binary data
    stops with a `DictionaryError`."""
    with path.open("rb") as fh:
        for lineno, raw in enumerate(fh, 1):
            if b"\x00" in raw:
                raise DictionaryError(f"{path}:{lineno}: binary data (a NUL byte); not a CAMEO actor dictionary")
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError:
                text = raw.decode("latin-1")
                report.warnings.append((lineno, "not UTF-8; read as Latin-1"))
            yield lineno, text.rstrip("\r\n")


def _plausible_phrase(text: str) -> bool:
    """Could this be the phrase of an entry line (the first content line of a dictionary must be)?"""
    return bool(text) and (text[0].isalnum() or text[0] in "'\"(.") and not text.startswith(("{", "["))


class _Reader:
    """Line-by-line state of `read_dictionary`."""

    def __init__(self, path: Path, report: ImportReport) -> None:
        self.path = path
        self.report = report
        self.entries: list[CameoEntry] = []
        self.current: CameoEntry | None = None
        self.nameless: int | None = None  # line of an entry line whose name is missing, while its block lasts
        self.blank_after: bool = False  # a blank line since the current entry's last line
        self.bracketed = False  # the current entry has had a [...] (read or not): it takes no further names
        self.first_content = True

    # -- helpers
    def fail(self, lineno: int, text: str, why: str) -> None:
        self.report.uninterpreted.append((lineno, why, text.strip()))

    def close(self) -> None:
        entry = self.current
        if entry is not None:
            if not entry.codes:
                self.report.entries_without_code.append((entry.line, entry.name))
            self.entries.append(entry)
        self.current = None

    def add_codes(self, lineno: int, body: str) -> None:
        """Read every [...] of a line into the current entry; text left over outside brackets is reported."""
        entry = self.current
        assert entry is not None
        self.bracketed = True
        for inner in _BRACKETS.findall(body):
            try:
                code, note = parse_code(inner, lineno)
            except ValueError as exc:
                self.fail(lineno, body, f"code [{inner.strip()}] not kept: {exc}")
                continue
            if note:
                self.report.warnings.append((lineno, note))
            if code.code != code.code.upper():
                self.report.warnings.append((lineno, f"code {code.code!r} in lower case; country and sector "
                                                     f"read from its capitals"))
            entry.codes.append(code)
            self.report.codes += 1
            self.report.dated_codes += code.dated
            self.report.null_codes += code.null
        rest = _BRACKETS.sub(" ", body).strip()
        if "[" in rest:
            self.fail(lineno, body, "a '[' without its ']'")
        elif rest:
            self.report.warnings.append((lineno, f"text {rest[:40]!r} after the codes ignored"))

    # -- one line
    def feed(self, lineno: int, line: str, in_xml: bool) -> bool:
        """Read one line; returns whether an XML comment is open after it."""
        report = self.report
        if in_xml:
            report.skipped["XML comment"] += 1
            return "-->" not in line
        stripped = line.strip()
        if stripped.startswith("<!"):
            report.skipped["XML comment"] += 1
            return "<!--" in line and "-->" not in line.split("<!--", 1)[1]
        opens_xml = False
        while "<!--" in line:
            before, _, after = line.partition("<!--")
            if "-->" in after:
                line = before + " " + after.split("-->", 1)[1]
            else:
                line, opens_xml = before, True
        body, hash_, comment = line.partition("#")
        body = body.split(";", 1)[0]  # the TABARI comment marker
        content = body.strip()
        if not content:
            if not stripped:
                report.skipped["blank"] += 1
                self.blank_after = True
            elif line[:1] == " " and hash_ and not self.first_content:
                # an entry line whose phrase is missing: what follows is not the entry above's
                self.close()
                self.nameless = lineno
                self.blank_after = False
                report.skipped["entry line without a phrase"] += 1
                report.warnings.append((lineno, "entry line without a phrase (only a comment, indented by spaces)"))
            else:
                report.skipped["comment"] += 1
            return opens_xml
        if self.first_content:
            self.first_content = False
            if not _plausible_phrase(content):
                raise DictionaryError(f"{self.path}:{lineno}: expected an actor entry such as 'NAME_ [CODE]', "
                                      f"found {content[:60]!r}; not a CAMEO actor dictionary")
        if content.startswith("+"):
            self.synonym_line(lineno, content)
        elif content.startswith("["):
            self.code_line(lineno, content, comment.strip())
        elif _HEADER.match(content):
            report.skipped["note (not a phrase)"] += 1
        else:
            self.entry_line(lineno, line, content, comment.strip())
        return opens_xml

    def synonym_line(self, lineno: int, content: str) -> None:
        entry = self.current
        if entry is None:
            why = ("synonym of an entry line without a phrase (line %d)" % self.nameless if self.nameless
                   else "synonym before any entry")
            self.fail(lineno, content, why)
            return
        text = content[1:]
        codes = ""
        if "[" in text:
            text, codes = text[:text.index("[")], text[text.index("["):]
        pieces = [p.strip() for p in _JOINED.split(text)]
        pieces = [p for p in pieces if p.strip("_ ")]
        if len(pieces) > 1:
            self.report.warnings.append((lineno, f"{len(pieces)} synonyms written on one line; split at '+'"))
        if self.blank_after:
            self.report.warnings.append((lineno, f"synonym after a blank line; kept with {entry.name!r} "
                                                 f"(line {entry.line}), as PETRARCH reads it"))
        for p in pieces:
            if _DAMAGED.search(p):
                self.report.warnings.append((lineno, f"damaged characters dropped from {p!r}"))
            entry.synonyms.append(p)
            self.report.synonyms += 1
        if codes:
            self.add_codes(lineno, codes)
        self.blank_after = False

    def code_line(self, lineno: int, content: str, comment: str = "") -> None:
        if self.current is None:
            why = ("code of an entry line without a phrase (line %d)" % self.nameless if self.nameless
                   else "code before any entry")
            self.fail(lineno, content, why)
            return
        self.add_codes(lineno, content)
        if comment:
            # a tag on a code line counts as the entry's ("KOFI_ANNAN_" ... "[ELI]# IGOrulers.txt")
            self.current.comment = f"{self.current.comment} {comment}".strip()
        self.blank_after = False

    def entry_line(self, lineno: int, line: str, content: str, comment: str) -> None:
        report = self.report
        phrase = content.split("[", 1)[0].strip()
        codes = content[len(content.split("[", 1)[0]):]
        report.entry_lines += 1
        if line[:1] in (" ", "\t"):
            report.warnings.append((lineno, "indented entry line read as an entry"))
        if _DAMAGED.search(phrase):
            report.warnings.append((lineno, f"damaged characters dropped from {phrase!r}"))
        entry = self.current
        if entry is not None and not self.bracketed and not self.blank_after and not self.nameless:
            # consecutive entry lines without codes name one actor (PETRARCH gives them one code list)
            entry.synonyms.append(phrase)
            report.names_grouped += 1
        else:
            self.close()
            self.current = CameoEntry(phrase, lineno, comment=comment)
            self.bracketed = False
        self.nameless = None
        if codes:
            self.add_codes(lineno, codes)
        self.blank_after = False


def read_dictionary(path: str | Path) -> tuple[list[CameoEntry], ImportReport]:
    """Read a CAMEO actor dictionary line by line: its entries, and a report of what was read and what was not.

    Raises `DictionaryError` (a `RegistryError`, so a ``ValueError``) naming the file and line when the file is
    binary, does not start like a dictionary, or has no code at all."""
    path = Path(path)
    if not path.is_file():
        raise DictionaryError(f"{path}: no such file")
    started = time.perf_counter()
    report = ImportReport(source=str(path))
    reader = _Reader(path, report)
    in_xml = False
    for lineno, line in _lines(path, report):
        report.lines = lineno
        if line.strip() == "---STOP---":
            report.skipped["after ---STOP---"] += 1
            break
        in_xml = reader.feed(lineno, line, in_xml)
    reader.close()
    report.entries = len(reader.entries)
    if report.codes == 0:
        where = reader.entries[0].line if reader.entries else max(report.lines, 1)
        raise DictionaryError(f"{path}:{where}: no [CODE] in the whole file; not a CAMEO actor dictionary")
    report.seconds = time.perf_counter() - started
    return reader.entries, report


# --------------------------------------------------------------------------------------------- converting
@lru_cache(maxsize=1)
def _package_registry() -> ActorRegistry:
    """The package data alone (not the user's files): the ids an import must not take, the country table."""
    return ActorRegistry.load()


@lru_cache(maxsize=4)
def _package_ids(pkg: ActorRegistry) -> frozenset[str]:
    return frozenset(pkg.ids())


def _reserved(aid: str, pkg: ActorRegistry) -> bool:
    """Would this id replace a package actor or shadow a country, people or composed institution?"""
    if aid in _package_ids(pkg) or aid in pkg.countries or aid in pkg.peoples:
        return True
    if len(aid) == 6 and aid[:3] in pkg.countries and aid[3:] in pkg.sectors:
        return True
    prefix, _, sector = aid.rpartition("_")
    return prefix in pkg.peoples and sector in pkg.sectors


_WORD_KINDS = {"country": "country names", "adj": "country adjectives", "people": "country peoples",
               "eadj": "people adjectives", "epeople": "peoples", "capital": "capitals", "lex": "lexicon words"}


@lru_cache(maxsize=4)
def _word_keys(pkg: ActorRegistry) -> dict[str, str]:
    """Every key of the registry's own words, lower-cased, with its kind (case-sensitive words too: an alias
    the registry stores without case, such as "THE US" -> "us", would shadow "US"); actor aliases as "actor"."""
    pkg._build()
    out: dict[str, str] = {}
    for table in (pkg._ci, pkg._cs):
        for key, senses in table.items():
            kind = next((_WORD_KINDS[s[0]] for s in senses if s[0] in _WORD_KINDS), None)
            if kind is None and any(s[0] == "actor" for s in senses):
                kind = "actor"
            if kind is not None and out.get(key.lower(), "actor") == "actor":
                out[key.lower()] = kind
    return out


def _registry_word(form: str, pkg: ActorRegistry, toks: list | None = None) -> str | None:
    """If the registry reads ``form`` as a word of its own (a country's name, adjective or people, a people, a
    capital, a lexicon noun), what kind of word; an actor alias of that form would override it ("AFGHAN" as an
    alias of an imported AFGHANISTAN actor turns "Afghan army" into that actor instead of AFGMIL).  ``toks``:
    the registry's tokens of ``form``, when the caller has them."""
    toks = _tokens(form) if toks is None else toks
    if not toks:
        return None
    keys = _word_keys(pkg)
    low = [t.low for t in toks]
    kind = keys.get(" ".join(low))
    if kind in (None, "actor") and len(low) > 1 and low[0] == "the":
        kind = keys.get(" ".join(low[1:])) or kind  # the registry drops a leading "the"
    return kind


def _capitalised(word: str) -> str:
    return "-".join(p[:1].upper() + p[1:].lower() for p in word.split("-"))


def _row_aliases(entry_aliases: list[str], name: str, pkg: ActorRegistry, report: ImportReport) -> list[str]:
    """The alias cell of an actor's rows.

    * A synonym the registry reads as a word of its own is left out; a multi-word name that is one is listed
      as its capitals-only form, since the registry would otherwise match the name itself ("UNITED STATES").
    * A synonym without a letter ("380") would match numbers in text: left out.
    * CAMEO phrases carry no case, but the registry matches aliases of several words and of four letters or
      more without case.  A one-word synonym is therefore written as two case-sensitive forms, as written
      (acronyms: "=NATO") and capitalised (names: "=Kabul"), so "MALE" or "BUFFALO" does not match the word.
      Not when a package actor has that alias: the registry looks up case-sensitive forms first, so the
      import would take the name from the package's actor ("Hamas", "Karzai"); written as it is, the package
      actor stays the first listed, which the registry prefers when no date decides.
      "THE UN" loses its "THE" (the registry drops it anyway) and stays a case-sensitive acronym.
    """
    out: list[str] = []
    for alias in entry_aliases:
        if not any(c.isalpha() for c in alias):
            report.dropped_aliases["without a letter"] += 1
            continue
        toks = _tokens(alias)
        kind = _registry_word(alias, pkg, toks)
        if kind is not None and kind != "actor":
            report.dropped_aliases[kind] += 1
            if alias == name and len(name.split()) > 1:
                out.append("=" + name.upper())
            continue
        words = alias.split()
        if len(words) == 2 and words[0].upper() == "THE" and words[1].isupper() and len(words[1]) <= 3:
            alias = words[1]
            toks = toks[1:]
        word = toks[0].cased if len(toks) == 1 else ""
        if kind is None and word.isalpha() and len(word) > 3 and alias.isupper() and " " not in alias:
            out += ["=" + alias, "=" + _capitalised(alias)]
            report.case_sensitive_aliases += 1
        else:
            out.append(alias)
    return list(dict.fromkeys(out))


def code_country(code: str, report: ImportReport | None = None,
                 registry: ActorRegistry | None = None) -> str:
    """The registry country of a CAMEO code: ISO3, "null" (transnational) or "" (none or unknown)."""
    reg = registry or _package_registry()
    prefix = code[:3].upper()
    if prefix in reg.countries:
        return prefix
    if prefix in CAMEO_COUNTRY_CODES:
        if report is not None:
            report.mapped_country_codes[f"{prefix}->{CAMEO_COUNTRY_CODES[prefix]}"] += 1
        return CAMEO_COUNTRY_CODES[prefix]
    if prefix in NONSTATE_PREFIXES:
        return "null"
    if prefix in CAMEO_REGIONS:
        if report is not None:
            report.region_codes[prefix] += 1
        return "null"
    if prefix in reg.sectors or prefix in RELIGION_PREFIXES:
        return ""  # a code without a country part ("ELI", "MED", "HINRAD")
    if report is not None:
        if prefix in FORMER_STATES:
            report.former_state_codes[prefix] += 1
        else:
            report.unknown_country_codes[prefix] += 1
    return ""


def code_sector(code: str, registry: ActorRegistry | None = None) -> str:
    """The first three-letter part of a CAMEO code that sectors.tsv lists ("IRQREBTAL" -> "REB"), or ""."""
    reg = registry or _package_registry()
    chunks = [code[i:i + 3].upper() for i in range(0, len(code), 3)]
    if chunks and chunks[0] in reg.sectors:
        return chunks[0]  # IGO, NGO, or a code with no country part
    return next((c for c in chunks[1:] if c in reg.sectors), "")


def code_type(code: str, person: bool) -> str:
    if person:
        return "person"
    return NONSTATE_PREFIXES.get(code[:3].upper(), "")


def dictionary_rows(entries: Iterable[CameoEntry], report: ImportReport, *,
                    avoid: Iterable[str] = ()) -> list[list[str]]:
    """Registry rows (cells in `ACTOR_COLUMNS` order) for the entries; fills the row counts of ``report``.

    ``avoid``: further ids to keep clear of (say, those of other imported files loaded next to this one)."""
    pkg = _package_registry()
    avoid = set(avoid)
    signatures: dict[str, tuple] = {}  # id -> codes of the entry that has it
    actors: dict[str, tuple[CameoEntry, list[CameoCode], list[str]]] = {}  # id -> entry, codes, aliases

    def free(aid: str) -> bool:
        return aid not in signatures and aid not in avoid and not _reserved(aid, pkg)

    for entry in entries:
        kept = [c for c in entry.codes if not c.null]
        if not kept:
            continue
        signature = tuple((c.code, c.start, c.end) for c in entry.codes)
        wanted = phrase_id(entry.name) or f"CAMEO_LINE_{entry.line}"
        aid, why = wanted, ""
        if _reserved(wanted, pkg) or wanted in avoid:
            aid = wanted + ID_SUFFIX
            why = "a package actor, country or composed id" if _reserved(wanted, pkg) else "an id to avoid"
        if signatures.get(aid) == signature:
            # the same entry again (the dictionaries repeat some): one actor with the aliases of both
            aliases = actors[aid][2]
            low = {a.lower() for a in aliases}
            aliases += [a for a in entry.aliases if a.lower() not in low]
            report.merged_duplicates.append((entry.line, aid))
            continue
        if not free(aid):
            why = why or f"another entry of the file has this id (line {entry.line})"
            n = 2
            while not free(f"{aid}_{n}"):
                n += 1
            aid = f"{aid}_{n}"
        if aid != wanted:
            report.renamed_ids.append((wanted, aid, why))
        signatures[aid] = signature
        actors[aid] = (entry, kept, list(entry.aliases))
    rows: list[list[str]] = []
    for aid, (entry, kept, alias_list) in actors.items():
        name = entry.readable_name or aid.replace("_", " ")
        aliases = "|".join(_row_aliases(alias_list, name, pkg, report))
        seen: set[tuple[str, str, str]] = set()
        person = entry.is_person
        # Open (default) rows first: of the rows covering a date the registry takes the one that starts last, so a
        # dated code wins over the default, as in PETRARCH.  Several defaults: PETRARCH uses the first, so it is
        # written last of them (also the row the registry takes for an undated lookup of an actor without dates).
        ordered = [c for c in kept if not c.dated][::-1] + [c for c in kept if c.dated]
        for code in ordered:
            key = (code.code, code.valid_from, code.valid_to)
            if key in seen:
                report.duplicate_codes += 1
                continue
            seen.add(key)
            cells = {"id": aid, "name": name, "country": code_country(code.code, report, pkg),
                     "sector": code_sector(code.code, pkg), "type": code_type(code.code, person),
                     "valid_from": code.valid_from, "valid_to": code.valid_to, "aliases": aliases,
                     "cameo": code.code}
            rows.append([cells.get(col, "") for col in ACTOR_COLUMNS])
    report.rows = len(rows)
    report.actors = len(actors)
    return rows


def import_dictionary(src: str | Path, out: str | Path, *, avoid: Iterable[str] = ()) -> ImportReport:
    """Convert the CAMEO actor dictionary ``src`` into the registry file ``out`` (TSV, written atomically) and
    return the report; ``report.summary()`` is a paragraph for the command line."""
    started = time.perf_counter()
    src, out = Path(src), Path(out)
    entries, report = read_dictionary(src)
    rows = dictionary_rows(entries, report, avoid=avoid)
    stamp = datetime.now(timezone.utc).replace(microsecond=0).isoformat()
    head = [
        f"# Imported by eventwire from the CAMEO actor dictionary {src.resolve()} on {stamp}.",
        f"# {report.entries} entries -> {report.rows} rows for {report.actors} actors; "
        f"{len(report.uninterpreted)} lines not interpreted.",
        "# One row per code: valid_from is the code's first day, valid_to the day after its last (CAMEO limits",
        "# include the day); rows without dates are the entry's default code. cameo is the code as written.",
        "\t".join(ACTOR_COLUMNS),
    ]
    out.parent.mkdir(parents=True, exist_ok=True)
    # written next to the target, then renamed: a folder of registry files never holds half a file
    tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    try:
        with tmp.open("w", encoding="utf-8", newline="\n") as fh:
            fh.write("\n".join(head) + "\n")
            for cells in rows:
                fh.write("\t".join(cells) + "\n")
        os.replace(tmp, out)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    report.seconds = time.perf_counter() - started
    return report
