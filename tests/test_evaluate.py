"""Tests of the evaluation harness: loaders on the real gold files, scorers on hand-made predictions.

Loader tests read ../shared/data and skip when it is absent; scorer tests build their own gold records.
The real pipeline is never run here; `run()` is driven by an oracle pipeline made from the gold answers.
"""
from __future__ import annotations

from collections import defaultdict, deque
from pathlib import Path
from typing import Iterable, Iterator

import pytest

from eventwire import evaluate as ev
from eventwire.model import ActorRef, Event, Place

DATA = ev.default_data_dir()
needs_data = pytest.mark.skipif(DATA is None, reason="../shared/data (the public gold data sets) is absent")


def event(event_type: str, cameo: str | None = None, actor: str | None = None, recipient: str | None = None,
          confidence: float = 0.5) -> Event:
    """A predicted event with only the fields the scorers read."""
    return Event(id="e", event_type=event_type, quad_class=ev.QUAD_OF_TYPE[ev.plover_type(event_type)], text="",
                 span=(0, 0), document={}, cameo=cameo, confidence=confidence,
                 actor=[ActorRef(name=actor, text=actor, country=actor)] if actor else [],
                 recipient=[ActorRef(name=recipient, text=recipient, country=recipient)] if recipient else [])


def place(start: int, end: int, lat: float | None = None, lon: float | None = None, country: str | None = None,
          geonameid: int | None = None) -> Place:
    return Place(name="p", text="p", start=start, end=end, lat=lat, lon=lon, country_code=country,
                 geonameid=geonameid)


# ------------------------------------------------------------------------------------------- loaders (real files)


@needs_data
def test_plover_gsr_loader_reads_322_records_in_2021_type_names():
    gold = ev.load_plover_gsr(DATA)
    assert len(gold.records) == 322  # the file holds 323 objects; the first is a DOCUMENT header
    types = {r.event_type for r in gold.records}
    assert types <= set(ev.QUAD_OF_TYPE)
    counts = {t: sum(r.event_type == t for r in gold.records) for t in ("AGREE", "REQUEST", "ASSAULT", "ACCUSE")}
    assert counts == {"AGREE": 40, "REQUEST": 34, "ASSAULT": 15 + 17, "ACCUSE": 16 + 9}
    first = gold.records[0]
    assert first.text.startswith("Senior Hungarian and Romanian officials agreed")
    assert first.actor_countries == ("HUN", "ROU") and first.quad_class == 1
    apec = gold.records[1]  # source IGO is not a country; target "JAP" is CAMEO's spelling of JPN
    assert apec.actor_countries == () and apec.recipient_countries == ("JPN",)
    assert sum(1 for r in gold.records if r.actor_countries) == 288
    assert sum(1 for r in gold.records if r.recipient_countries) == 268


@needs_data
def test_petrarch_loader_reads_284_sentences_and_flags_unscorable_ones():
    gold = ev.load_petrarch_unit(DATA)
    assert len(gold.records) == 284
    demo = gold.records[0]
    assert demo.id == "DEMO-00" and demo.codes == ("064",) and demo.roots == {"06"}
    assert demo.published == "1995-01-01"
    assert demo.text == ("Arnor is about to restore full diplomatic ties with Gondor almost five years after "
                         "crowds trashed its embassy.")  # line breaks of the XML collapsed
    assert sum(1 for s in gold.records if s.error) == 7
    assert sum(1 for s in gold.records if s.error is None and s.synthetic_only) == 54
    scorable = [s for s in gold.records if s.scorable]
    assert len(scorable) == 223
    assert sum(1 for s in scorable if not s.roots) == 20  # 19 noevents="True" plus PATTERN-06 with no coding
    several = next(s for s in gold.records if s.id == "DEMO-02")
    assert several.roots == {"03"} and len(several.codes) == 2


@needs_data
def test_event_location_loader_repairs_token_index_spans():
    gold = ev.load_event_location(DATA)
    assert len(gold.records) == 9684  # 9,686 in the file, 2 with a second "VERB" that is a place name
    assert sum(1 for r in gold.records if r.location_spans) == 5500
    for r in gold.records:
        for start, end in (r.verb_span, *r.location_spans):
            assert 0 <= start < end <= len(r.text)
    algiers = next(r for r in gold.records if r.index == 16)  # start/end hold token indices in the file
    assert [algiers.text[a:b] for a, b in algiers.location_spans] == ["Algiers"]
    verb = algiers.text[algiers.verb_span[0]:algiers.verb_span[1]]
    assert verb.isalpha() and verb == verb.lower()


@needs_data
def test_lgl_loader_reads_588_articles_and_5088_toponyms():
    gold = ev.load_lgl(DATA)
    toponyms = [t for a in gold.records for t in a.toponyms]
    assert len(gold.records) == 588 and len(toponyms) == 5088
    assert sum(1 for t in toponyms if t.lat is not None) == 4462
    assert sum(1 for t in toponyms if t.country_code) == 4427
    first = gold.records[0]
    assert first.id == "40450848"
    alexandria = first.toponyms[0]
    assert (alexandria.start, alexandria.end, alexandria.text) == (0, 10, "Alexandria")
    assert alexandria.geonameid == 4314550 and alexandria.country_code == "US"
    for a in gold.records:
        for t in a.toponyms:
            assert a.text[t.start:t.end] == t.text


@needs_data
def test_geovirus_loader_reads_229_articles_with_shifted_offsets():
    gold = ev.load_geovirus(DATA)
    toponyms = [t for a in gold.records for t in a.toponyms]
    # README says 238/2,197: that counts the 9 commented-out templates at the end of the file.
    assert len(gold.records) == 229 and len(toponyms) == 2170
    pandi = gold.records[0].toponyms[0]
    assert (pandi.start, pandi.end, pandi.text) == (169, 174, "Pandi")  # the file says 170-175
    assert pandi.country_code == "PH"
    for a in gold.records:
        for t in a.toponyms:
            assert a.text[t.start:t.end] == t.text
    by_name = {t.text: t.country_code for t in toponyms}
    assert by_name["Africa"] is None and by_name["Kenya"] == "KE" and by_name["Baltic Sea"] is None


@needs_data
def test_country_locator_handles_missing_iso_codes_and_coasts():
    codes = ev.load_country_codes(DATA / "geonames" / "countryInfo.txt")
    locator = ev.CountryLocator.load(DATA / "natural_earth" / "ne_50m_admin_0_countries.json", codes)
    assert locator.country_at(48.86, 2.35) == "FR"  # Natural Earth gives France ISO_A2 -99
    assert locator.country_at(59.91, 10.75) == "NO"
    assert locator.country_at(-1.29, 36.82) == "KE"
    assert locator.country_at(0.0, -25.0) is None  # mid-Atlantic
    assert locator.country_at(31.5, 34.47) == "PS"


def test_default_data_dir_points_at_the_shared_data():
    if DATA is None:
        pytest.skip("../shared/data is absent")
    assert (DATA / "plover" / "PLOVER_GSR_CAMEO.json").is_file()


@pytest.mark.parametrize("name", list(ev.DATASETS))
def test_run_names_the_missing_file(tmp_path: Path, name: str):
    with pytest.raises(ev.DatasetMissing) as err:
        ev.run(name, tmp_path, pipeline=None)  # type: ignore[arg-type]  # never reached
    assert ev._FILES[name][0].split("/")[-1] in str(err.value) and name in str(err.value)


def test_run_without_a_data_dir_says_where_it_looked():
    with pytest.raises(ev.DatasetMissing, match="--data"):
        ev.run("lgl", None, pipeline=None)  # type: ignore[arg-type]


def test_a_damaged_file_is_named(tmp_path: Path):
    (tmp_path / "event_location").mkdir()
    (tmp_path / "event_location" / "labeled_text_dev.json").write_text("[{", encoding="utf-8")
    with pytest.raises(ValueError, match="labeled_text_dev.json: not valid JSON"):
        ev.load_event_location(tmp_path)


def test_run_rejects_unknown_names(tmp_path: Path):
    with pytest.raises(ValueError, match="plover-gsr"):
        ev.run("nope", tmp_path, pipeline=None)  # type: ignore[arg-type]


# ------------------------------------------------------------------------------------------- PLOVER scorer


GSR = [
    ev.PloverRecord("a", "A", "ASSAULT", "FIGHT", 4, ("SYR",), ("TUR",)),
    ev.PloverRecord("b", "B", "AGREE", "AGREE", 1, ("USA", "JOR"), ()),
    ev.PloverRecord("c", "C", "REQUEST", "DEMAND", 3, (), ("ISR",)),
    ev.PloverRecord("d", "D", "PROTEST", "PROTEST", 4, ("FRA",), ()),
]


def test_plover_scorer_perfect_predictions_score_one():
    predictions = [[event(r.event_type, actor=(r.actor_countries or (None,))[0],
                          recipient=(r.recipient_countries or (None,))[0])] for r in GSR]
    metrics = ev.score_plover_gsr(GSR, predictions).metrics
    assert all(v == 1.0 for v in metrics.values()), metrics


def test_plover_scorer_empty_predictions_score_zero():
    metrics = ev.score_plover_gsr(GSR, [[] for _ in GSR]).metrics
    assert all(v == 0.0 for v in metrics.values()), metrics


def test_plover_scorer_mixed_case():
    predictions = [
        # right type, but only as the low-confidence second event; actor right, recipient wrong
        [event("COERCE", confidence=0.9), event("ASSAULT", actor="SYR", recipient="IRQ", confidence=0.4)],
        [event("CONSULT", actor="JOR")],  # wrong type, same quad; one of the two gold actors
        [],  # nothing found
        [event("FIGHT", actor="FRA")],  # a legacy name from the coder is read as ASSAULT: wrong type, right quad
    ]
    score = ev.score_plover_gsr(GSR, predictions)
    m = score.metrics
    assert m["event_type_accuracy"] == 0.25
    assert m["event_type_accuracy_first"] == 0.0
    assert m["quad_accuracy"] == 0.75
    assert m["events_found"] == 0.75
    assert m["actor_country_match"] == 1.0  # a: SYR (on the ASSAULT event), b: JOR, d: FRA
    assert m["recipient_country_match"] == 0.0  # a: IRQ≠TUR, c: nothing
    assert score.n == 4
    assert any(n.split()[:3] == ["ASSAULT", "1", "1.000"] for n in score.notes)


def test_plover_type_maps_legacy_names():
    assert [ev.plover_type(t) for t in ("demand", "DISAPPROVE", "FIGHT", "INVESTIGATE", "AID")] == [
        "REQUEST", "ACCUSE", "ASSAULT", "ACCUSE", "AID"]


# ------------------------------------------------------------------------------------------- PETRARCH scorer


UNIT = [
    ev.PetrarchSentence("s1", "DEMO", "x", None, ("064",), None),
    ev.PetrarchSentence("s2", "DEMO", "x", None, ("190", "1721"), None),
    ev.PetrarchSentence("s3", "DEMO", "x", None, ("023",), None),
    ev.PetrarchSentence("s4", "DEMO", "x", None, (), None),  # expects no event
    ev.PetrarchSentence("s5", "SYNSET", "x", None, ("903",), None),  # made-up code: not scored
    ev.PetrarchSentence("s6", "ERROR", "x", None, (), "storydiscard"),  # error-handling test: not scored
]


def test_petrarch_scorer_perfect_predictions_score_one():
    predictions = [[event("COOPERATE", cameo="064")], [event("ASSAULT", cameo="193"), event("COERCE", cameo="172")],
                   [event("AID", cameo="023")], [], [event("AID", cameo="903")], [event("AID", cameo="071")]]
    score = ev.score_petrarch_unit(UNIT, predictions)
    assert score.n == 4
    assert all(v == 1.0 for v in score.metrics.values()), score.metrics


def test_petrarch_scorer_empty_predictions():
    m = ev.score_petrarch_unit(UNIT, [[] for _ in UNIT]).metrics
    assert m["root_code_agreement"] == 0.25  # only the no-event sentence agrees
    assert m["event_sentence_agreement"] == 0.0 and m["plover_root_agreement"] == 0.0
    assert m["no_event_correct"] == 1.0
    assert m["precision_root"] == 0.0


def test_petrarch_scorer_mixed_case():
    predictions = [
        [event("COOPERATE", cameo="0611")],  # root 06: agrees
        [event("PROTEST", cameo="141"), event("ASSAULT", cameo=None)],  # wrong root, no code: disagrees
        [event("AID", cameo="070")],  # expected 02 (appeal), predicted 07: disagrees
        [event("PROTEST", cameo="141")],  # expected none: disagrees
        [], [],
    ]
    score = ev.score_petrarch_unit(UNIT, predictions)
    m = score.metrics
    assert m["root_code_agreement"] == 0.25
    assert m["event_sentence_agreement"] == pytest.approx(1 / 3)
    assert m["plover_root_agreement"] == 0.5  # s1 and s2 expect roots PLOVER keeps; s3 (02) does not
    assert m["no_event_correct"] == 0.0
    assert m["precision_root"] == 0.2  # 1 of 5 predicted events
    assert any("1 without a CAMEO code" in n for n in score.notes)


# ------------------------------------------------------------------------------------------- event-location scorer


LOC = [
    ev.LocatedVerb(0, "Gunmen attacked a bus in Kabul.", (7, 15), ((25, 30),)),
    ev.LocatedVerb(1, "Troops shelled Homs and Hama.", (7, 14), ((15, 19), (24, 28))),
    ev.LocatedVerb(2, "He condemned the attack.", (3, 12), ()),
    ev.LocatedVerb(3, "Police arrested protesters.", (7, 15), ()),
]


def test_event_location_scorer_perfect_predictions_score_one():
    predictions = [place(25, 30), place(24, 28), None, None]
    m = ev.score_event_location(LOC, predictions).metrics
    assert m == {"precision": 1.0, "recall": 1.0, "f1": 1.0, "no_location_correct": 1.0}


def test_event_location_scorer_empty_predictions():
    m = ev.score_event_location(LOC, [None] * 4).metrics
    assert m == {"precision": 0.0, "recall": 0.0, "f1": 0.0, "no_location_correct": 1.0}


def test_event_location_scorer_mixed_case():
    predictions = [place(20, 27),  # overlaps "Kabul" partly: correct
                   place(0, 6),  # "Troops": wrong
                   place(17, 23),  # a place where gold has none: wrong
                   None]
    score = ev.score_event_location(LOC, predictions)
    m = score.metrics
    assert m["precision"] == pytest.approx(1 / 3)
    assert m["recall"] == 0.5
    assert m["f1"] == pytest.approx(0.4)
    assert m["no_location_correct"] == 0.5
    spanless = ev.score_event_location(LOC[:1], [Place(name="Kabul", text="Kabul")])
    assert spanless.metrics["precision"] == 0.0 and any("no character span" in n for n in spanless.notes)


# ------------------------------------------------------------------------------------------- geoparsing scorer


ARTICLES = [
    ev.GeoArticle("1", "Fire in Alexandria and Rapides Parish.", (
        ev.GoldToponym(8, 18, "Alexandria", 31.3113, -92.4451, 4314550, "US"),
        ev.GoldToponym(23, 37, "Rapides Parish", 31.1669, -92.4835, 4338356, "US"),
    )),
    ev.GeoArticle("2", "Talks in Paris. Rain in Springfield.", (
        ev.GoldToponym(9, 14, "Paris", 48.8534, 2.3488, 2988507, "FR"),
        ev.GoldToponym(24, 35, "Springfield"),  # no gazetteer entry: detection only
    )),
]


def perfect_places(article: ev.GeoArticle) -> list[Place]:
    return [place(t.start, t.end, t.lat, t.lon, t.country_code, t.geonameid) for t in article.toponyms]


def test_geoparsing_scorer_perfect_predictions_score_one():
    m = ev.score_geoparsing(ARTICLES, [perfect_places(a) for a in ARTICLES]).metrics
    assert m.pop("mean_error_km") == 0.0 and m.pop("median_error_km") == 0.0
    assert all(v == 1.0 for v in m.values()), m


def test_geoparsing_scorer_empty_predictions_score_zero():
    m = ev.score_geoparsing(ARTICLES, [[], []]).metrics
    assert m["toponym_recall"] == 0.0 and m["toponym_precision"] == 0.0 and m["toponym_f1"] == 0.0
    # nothing matched, so resolution is unmeasured rather than perfect or zero
    assert m["country_accuracy"] is None and m["acc_161km"] is None and m["mean_error_km"] is None


def test_geoparsing_scorer_mixed_case():
    predictions = [
        [place(8, 18, 38.8048, -77.0469, "US", 4744091),  # Alexandria, Virginia: right country, ~1,630 km off
         place(0, 4)],  # "Fire": a false toponym
        [place(9, 14, 48.8534, 2.3488, "FR", 2988507),  # Paris: exact
         place(24, 35, 39.80, -89.64, "US")],  # Springfield has no gold resolution: detection only
    ]
    score = ev.score_geoparsing(ARTICLES, predictions)
    m = score.metrics
    assert m["toponym_recall"] == 0.75  # Rapides Parish missed
    assert m["toponym_precision"] == 0.75  # "Fire" is not a toponym
    assert m["country_accuracy"] == 1.0
    assert m["acc_161km"] == 0.5
    assert m["geonameid_accuracy"] == 0.5
    far = ev.haversine_km(31.3113, -92.4451, 38.8048, -77.0469)
    assert 1600 < far < 1650
    assert m["mean_error_km"] == pytest.approx(far / 2)


def test_haversine_known_distance():
    assert ev.haversine_km(51.5074, -0.1278, 48.8566, 2.3522) == pytest.approx(343.5, abs=1.0)  # London-Paris


# ------------------------------------------------------------------------------------------- run() and table


class OraclePipeline:
    """Answers from the gold records, to check that run() wires loaders, pipeline calls and scorers.

    Answers are queued per text in file order, because a few texts occur twice with different gold answers.
    """

    def __init__(self, data_dir: Path):
        self.answers: dict[object, deque[object]] = defaultdict(deque)
        for r in ev.load_plover_gsr(data_dir).records:
            self.answers[r.text].append([event(r.event_type, actor=(r.actor_countries or (None,))[0],
                                               recipient=(r.recipient_countries or (None,))[0])])
        for s in ev.load_petrarch_unit(data_dir).records:
            if s.scorable:
                self.answers[s.text].append([event("AID", cameo=c) for c in s.codes])
        for loc in ev.load_event_location(data_dir).records:
            self.answers[(loc.text, loc.verb_span)].append(
                place(*loc.location_spans[0]) if loc.location_spans else None)
        for a in ev.load_lgl(data_dir).records:
            self.answers[a.text].append(perfect_places(a))
        self.calls: list[str] = []

    def extract_texts(self, items: Iterable[tuple[str, str | None]]) -> Iterator[list[Event]]:
        self.calls.append("extract_texts")
        for text, _published in items:
            yield self.answers[text].popleft()  # type: ignore[misc]

    def find_places(self, texts: Iterable[str]) -> Iterator[list[Place]]:
        self.calls.append("find_places")
        for text in texts:
            yield self.answers[text].popleft()  # type: ignore[misc]

    def locate(self, text: str, trigger_span: tuple[int, int]) -> Place | None:
        return self.answers[(text, trigger_span)].popleft()  # type: ignore[return-value]


@needs_data
def test_run_with_an_oracle_scores_one_and_honours_limits():
    oracle = OraclePipeline(DATA)
    gsr = ev.run("plover-gsr", DATA, oracle)
    assert gsr["dataset"] == "plover-gsr" and gsr["n"] == 322
    assert all(v == 1.0 for v in gsr["metrics"].values()), gsr["metrics"]
    assert any("per-type recall" in n for n in gsr["notes"]) and gsr["seconds"] >= 0

    unit = ev.run("petrarch-unit", DATA, oracle)
    assert unit["n"] == 223 and unit["metrics"]["root_code_agreement"] == 1.0

    located = ev.run("event-location", DATA, oracle)  # default limit: the first 2,000 records
    assert located["n"] == 2000 and located["metrics"]["f1"] == 1.0
    assert any("first 2000 of 9684" in n for n in located["notes"])
    assert ev.run("event-location", DATA, OraclePipeline(DATA), limit=25)["n"] == 25  # a fresh answer queue

    lgl = ev.run("lgl", DATA, oracle, limit=10)
    assert lgl["n"] == 10 and lgl["metrics"]["toponym_recall"] == 1.0 and lgl["metrics"]["acc_161km"] == 1.0
    assert any("Mordecai 3" in n for n in lgl["notes"])
    assert oracle.calls == ["extract_texts", "extract_texts", "find_places"]  # one batched call per set


@needs_data
def test_run_refuses_a_pipeline_that_drops_results():
    class Short(OraclePipeline):
        def find_places(self, texts: Iterable[str]) -> Iterator[list[Place]]:
            yield from list(super().find_places(texts))[:-1]

    with pytest.raises(RuntimeError, match="find_places returned 4 results for 5 inputs"):
        ev.run("lgl", DATA, Short(DATA), limit=5)


def test_format_table_aligns_metrics_and_lists_notes():
    result = {"dataset": "lgl", "n": 588, "seconds": 12.345,
              "metrics": {"toponym_recall": 0.81234, "mean_error_km": 412.06, "country_accuracy": None},
              "notes": ["gold country: GeoNames"]}
    table = ev.format_table(result)
    lines = table.splitlines()
    assert lines[0] == "lgl: n=588, 12.3 s"
    assert "0.812" in table and "412.1" in table and "n/a" in table
    rows = [line for line in lines if line.startswith(("toponym_recall", "mean_error_km", "country_accuracy"))]
    assert len(rows) == 3 and len({len(r) for r in rows}) == 1  # right-aligned values end in one column
    assert lines[-1] == "  gold country: GeoNames"
