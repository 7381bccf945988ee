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
from eventwire.model import ActorMention, ActorRef, Event, Place

DATA = ev.default_data_dir()
needs_data = pytest.mark.skipif(DATA is None, reason="../shared/data (the public gold data sets) is absent")


def parties(codes: str | Iterable[str] | None) -> list[ActorRef]:
    """Actors named by their code: a country (ISO3), or a stateless IGO/NGO/HRI/REB as its sector."""
    codes = [codes] if isinstance(codes, str) else list(codes or ())
    return [ActorRef(name=c, text=c, sector=c) if c in ("IGO", "NGO", "HRI", "REB") else
            ActorRef(name=c, text=c, country=c) for c in codes if c]


def event(event_type: str, cameo: str | None = None, actor: str | Iterable[str] | None = None,
          recipient: str | Iterable[str] | None = None, confidence: float = 0.5) -> Event:
    """A predicted event with only the fields the scorers read."""
    return Event(id="e", event_type=event_type, quad_class=ev.QUAD_OF_TYPE[ev.plover_type(event_type)], text="",
                 span=(0, 0), document={}, cameo=cameo, confidence=confidence,
                 actor=parties(actor), recipient=parties(recipient))


CALIBRATION = ("events_above_0.8", "correct_above_0.8", "correct_all")


def without_calibration(metrics: dict) -> dict:
    return {k: v for k, v in metrics.items() if k not in CALIBRATION}


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


@pytest.mark.parametrize("name", [n for n in ev.DATASETS if n not in ev.BUNDLED])
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
    predictions = [[event(r.event_type, actor=r.actor_countries, recipient=r.recipient_countries, confidence=0.9)]
                   for r in GSR]
    score = ev.score_plover_gsr(GSR, predictions)
    assert score.metrics.pop("events_above_0.8") == 4
    assert all(v == 1.0 for v in score.metrics.values()), score.metrics
    assert score.errors == []


def test_plover_scorer_empty_predictions_score_zero():
    score = ev.score_plover_gsr(GSR, [[] for _ in GSR])
    m = score.metrics
    assert m["events_above_0.8"] == 0 and m["correct_above_0.8"] is None and m["correct_all"] is None
    assert all(v == 0.0 for v in without_calibration(m).values()), m
    assert [(e["id"], e["kind"]) for e in score.errors] == [
        ("a", "event type"), ("a", "actor/recipient"), ("b", "event type"), ("b", "actor/recipient"),
        ("c", "event type"), ("c", "actor/recipient"), ("d", "event type"), ("d", "actor/recipient")]


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
    assert m["event_actor_country_match"] == 1.0  # a: SYR (on the ASSAULT event), b: JOR, d: FRA
    assert m["event_recipient_country_match"] == 0.0  # a: IRQ≠TUR, c: nothing
    assert score.n == 4
    assert any(n.split()[:3] == ["ASSAULT", "1", "1.000"] for n in score.notes)


def test_plover_actor_recipient_f1_counts_countries_and_igo_ngo_by_side():
    un = ev.GoldActor("target", "UN", "IGO", None)
    amnesty = ev.GoldActor("target", "Amnesty", "NGO", None)
    qaeda = ev.GoldActor("source", "al-Qaeda", "IMG", None)  # IMG is not a party of the F1
    records = [
        ev.PloverRecord("r1", "T1", "AGREE", "AGREE", 1, ("HUN", "ROU"), (), actors=(un,)),
        ev.PloverRecord("r2", "T2", "ACCUSE", "DISAPPROVE", 3, ("SYR",), (), actors=(qaeda, amnesty)),
        ev.PloverRecord("r3", "T3", "ASSAULT", "FIGHT", 4, ("FRA",), ("TUR",)),
        ev.PloverRecord("r4", "T4", "PROTEST", "PROTEST", 4, (), ()),
    ]
    predictions = [
        [event("AGREE", actor="HUN", recipient="IGO", confidence=0.9)],  # ROU missed
        # the event of the gold type is judged, not the more confident one; HRI with no country reads as NGO
        [event("COERCE", actor="IRQ", confidence=0.95), event("ACCUSE", actor="SYR", recipient="HRI", confidence=0.85)],
        [],  # nothing found: its two gold pairs count for recall only
        [Event(id="e", event_type="PROTEST", quad_class=4, text="", span=(0, 0), document={}, confidence=0.8,
               actor=parties("USA"),  # an NGO with a country is that country, not NGO
               recipient=[ActorRef(name="Oxfam UK", text="Oxfam", country="GBR", sector="NGO")])],
    ]
    score = ev.score_plover_gsr(records, predictions)
    m = score.metrics
    assert m["actor_recipient_precision"] == pytest.approx(4 / 6)  # HUN, IGO, SYR, NGO of 6 predicted
    assert m["actor_recipient_recall"] == pytest.approx(4 / 7)
    assert m["actor_recipient_f1"] == pytest.approx(8 / 13)
    assert any("7 gold pairs, 6 predicted, 4 shared" in n for n in score.notes)
    # calibration: 0.9 right, 0.95 wrong, 0.85 right; 0.8 is not above 0.8
    assert m["events_above_0.8"] == 3 and m["correct_above_0.8"] == pytest.approx(2 / 3)
    assert m["correct_all"] == pytest.approx(3 / 4)
    misses = [(e["id"], e["kind"]) for e in score.errors]
    assert misses == [("r1", "actor/recipient"), ("r3", "event type"), ("r3", "actor/recipient"),
                      ("r4", "actor/recipient")]
    r1 = score.errors[0]
    assert r1["gold"] == "AGREE: actor HUN, ROU; recipient IGO" and r1["text"] == "T1" and r1["index"] == 0
    assert r1["ours"] == "actor HUN; recipient IGO on AGREE --- 0.90: HUN (HUN) → IGO (IGO)"
    assert score.errors[1]["gold"] == "ASSAULT (FIGHT in the file)" and score.errors[1]["ours"] == "no event"
    assert score.errors[2]["ours"] == "actor -; recipient - (no event)"
    assert score.errors[3]["gold"] == "PROTEST: actor -; recipient -"
    assert score.errors[3]["ours"].startswith("actor USA; recipient GBR on PROTEST")


def test_plover_type_misses_name_gold_and_every_predicted_event():
    score = ev.score_plover_gsr(GSR[:1], [[event("COERCE", "170", actor="SYR", recipient="TUR", confidence=0.9),
                                           event("PROTEST", "141", actor="REB")]])
    (miss,) = [e for e in score.errors if e["kind"] == "event type"]
    assert miss == {"id": "a", "index": 0, "kind": "event type", "gold": "ASSAULT (FIGHT in the file)", "text": "A",
                    "ours": "COERCE 170 0.90: SYR (SYR) → TUR (TUR); PROTEST 141 0.50: REB (REB) → ?"}
    # the actor/recipient pairs agree (judged on the first event: no ASSAULT was predicted)
    assert not any(e["kind"] == "actor/recipient" for e in score.errors)


def test_plover_type_maps_legacy_names():
    assert [ev.plover_type(t) for t in ("demand", "DISAPPROVE", "FIGHT", "INVESTIGATE", "AID")] == [
        "REQUEST", "ACCUSE", "ASSAULT", "ACCUSE", "AID"]


# ------------------------------------------------------------------------------------------- PLOVER actor resolution


def gold_actor(text: str, words: str, code: str, sector: str | None = None, side: str = "source") -> ev.GoldActor:
    """A gold actor located where `words` first occur in `text` (a name of three capitals is a country)."""
    start = text.index(words)
    country = code if len(code) == 3 and code not in ev.NON_STATE_EQUIVALENTS and code != "ISM" else None
    return ev.GoldActor(side, words, code, sector, country, ((start, start + len(words)),))


def mention(text: str, words: str, actor_id: str | None = None, country: str | None = None,
            sector: str | None = None, type: str | None = None, reason: str | None = None) -> ActorMention:
    """A predicted mention of the first occurrence of `words` in `text`."""
    start = text.index(words)
    ref = ActorRef(name=actor_id or words, text=words, id=actor_id, country=country, sector=sector, type=type,
                   reason=reason)
    return ActorMention(start, start + len(words), ref)


def _gsr(id_: str, text: str, *actors: ev.GoldActor) -> ev.PloverRecord:
    return ev.PloverRecord(id_, text, "ACCUSE", "ACCUSE", 3, (), (), actors=actors)


T1 = "Senior Hungarian officials met UN envoys."
T2 = "Ethnic Albanians in south Serbia demanded autonomy."
T3 = "Muslim hackers defaced Danish Web sites."
T4 = "Recent attacks killed al-Qaeda leaders, said West Germany."
ACTOR_GSR = [
    _gsr("a", T1, gold_actor(T1, "Hungarian", "HUN", "GOV"), gold_actor(T1, "UN envoys", "IGO", side="target")),
    _gsr("b", T2, gold_actor(T2, "Ethnic Albanians", "SRB", "CVLalb")),
    _gsr("c", T3, gold_actor(T3, "Muslim hackers", "ISM", "CRMMOS"),  # ISM: no known meaning, sector only
         gold_actor(T3, "Danish Web sites", "DNK", "JRN", side="target")),  # CAMEO journalist → MED
    _gsr("d", T4, gold_actor(T4, "al-Qaeda leaders", "IMG", "GOV", side="target"),
         ev.GoldActor("source", "West German", "DEU", "***", "DEU", (), ev.NOT_LOCATABLE)),  # not scored
]


def oracle_mentions(record: ev.PloverRecord) -> list[ActorMention]:
    """Mentions that agree with every located gold actor: one carrying its code, one its sector."""
    out: list[ActorMention] = []
    for a in record.actors:
        if not a.spans:
            continue
        start, end = a.spans[0]
        code_sector = None if a.country else {"IMG": "REB"}.get(a.code, a.code)
        out.append(ActorMention(start, end, ActorRef(name=a.text, text=a.text, country=a.country,
                                                     sector=code_sector)))
        out.append(ActorMention(start, end, ActorRef(name=a.text, text=a.text, sector=ev.plover_sector(a.sector))))
    return out


@pytest.mark.parametrize("gold, ours", [
    ("GOV", "GOV"), ("CVLalb", "CVL"), ("ELIyor", "ELI"), ("REBkur", "REB"), ("REFKUR", "REF"),
    ("CIVsrp", "CVL"), ("CIV", "CVL"), ("JRNCHR", "MED"), ("MOS", "REL"), ("RELCHR", "REL"),
    ("GOVMOS", "GOV"), ("CRMMOS", "CRM"), ("REBMOS", "REB"), ("***", None), ("", None), (None, None),
])
def test_plover_sector_reads_cameo_spellings(gold: str | None, ours: str | None):
    assert ev.plover_sector(gold) == ours


def test_locate_actor_exact_case_parts_fuzzy_and_not_locatable():
    text = "The rebels said U.S. and Russian negotiators refused admittance to Ghanaians."
    assert ev.locate_actor(text, "Russian negotiators") == (((25, 44),), "exact")
    assert ev.locate_actor(text, "the rebels") == (((0, 10),), "case-insensitive")
    spans, how = ev.locate_actor(text, "U.S. ... negotiators")
    assert how == "in parts" and [text[a:b] for a, b in spans] == ["U.S.", "negotiators"]
    spans, how = ev.locate_actor(text, " Ghanians ")  # a misspelling, padded as some records are
    assert how == "fuzzy" and [text[a:b] for a, b in spans] == ["Ghanaians"]
    spans, how = ev.locate_actor(text, "U.S. negotiators")  # words skipped without an ellipsis
    assert how == "fuzzy" and [text[a:b] for a, b in spans] == ["U.S", "negotiators"]
    assert ev.locate_actor(text, "Greek-Cypriot") == ((), ev.NOT_LOCATABLE)
    assert ev.locate_actor(text, "") == ((), ev.NOT_LOCATABLE)


def test_plover_actor_scorer_perfect_predictions_score_one():
    score = ev.score_plover_actors(ACTOR_GSR, [oracle_mentions(r) for r in ACTOR_GSR])
    assert score.metrics == {"actor_resolution_country": 1.0, "actor_resolution_sector": 1.0,
                             "actor_mention_found": 1.0}
    assert not any("disagreements" in n for n in score.notes)


def test_plover_actor_scorer_empty_predictions_score_zero():
    score = ev.score_plover_actors(ACTOR_GSR, [[] for _ in ACTOR_GSR])
    assert all(v == 0.0 for v in score.metrics.values()), score.metrics
    assert any(n.startswith("6 gold actors have no overlapping mention") for n in score.notes)


def test_plover_actor_scorer_mixed_case():
    predictions = [
        [mention(T1, "Hungarian officials", "HUNGOV", "HUN", "GOV")],  # both right; "UN envoys" missed
        [mention(T2, "Albanians", "ALB", "ALB", "CVL")],  # sector right, country wrong (gold SRB)
        [mention(T3, "Muslim hackers", "NEW_MUSLIM_HACKERS", type="provisional"),  # no sector (gold CRM)
         mention(T3, "Danish Web sites", "DNKMED", "DNK", "MED")],  # both right
        [mention(T4, "al-Qaeda", "AQ", None, "REB", "jihadist group"),  # IMG right, so its leaders' GOV too
         mention(T4, "West Germany", "DEU", "DEU")],  # the unlocatable gold actor is not scored
    ]
    score = ev.score_plover_actors(ACTOR_GSR, predictions)
    m = score.metrics
    assert m["actor_mention_found"] == pytest.approx(5 / 6)
    assert m["actor_resolution_country"] == pytest.approx(3 / 5)  # HUN, DNK, IMG right; SRB wrong; IGO missed
    assert m["actor_resolution_sector"] == pytest.approx(4 / 5)  # GOV, CVL, MED, IMG's GOV right; CRM wrong
    notes = "\n".join(score.notes)
    assert "6 gold actors (source and target) whose words were located" in notes and "1 not locatable" in notes
    assert "country 2/3" in notes and "IGO 0/1" in notes and "IMG 1/1" in notes and "ISM ×1" in notes
    assert '"Ethnic Albanians" SRB/CVLalb → ALB (ALB/CVL)' in notes
    assert "al-Qaeda leaders" not in notes.split("most common disagreements")[1]
    assert '"Muslim hackers" ISM/CRMMOS → NEW_MUSLIM_HACKERS (-/-)' in notes
    assert "Hungarian" not in notes.split("most common disagreements")[1]
    assert '1 gold actors have no overlapping mention, e.g. "UN envoys"' in notes


def test_plover_actor_scorer_non_state_codes_agree_by_sector_or_type():
    text = "UN envoys met Amnesty, and al-Qaeda fighters attacked. The Security Council met NATO troops."
    records = [_gsr("x", text, gold_actor(text, "UN envoys", "IGO"), gold_actor(text, "Amnesty", "NGO"),
                    gold_actor(text, "al-Qaeda fighters", "IMG"), gold_actor(text, "Security Council", "IGO", "GOV"),
                    gold_actor(text, "NATO troops", "IGO", "MIL"))]
    predicted = [mention(text, "UN", "UN", type="IGO"), mention(text, "Amnesty", "AMNESTY", sector="HRI"),
                 mention(text, "al-Qaeda", "AQAP", "YEM", "REB"),  # a country's branch is not the transnational group
                 mention(text, "Security Council", "UNSC", sector="IGO"),  # CAMEO's IGO/GOV: the council itself
                 mention(text, "NATO", "NATO", sector="IGO")]  # MIL is not the organisation's leadership
    m = ev.score_plover_actors(records, [predicted]).metrics
    assert m["actor_resolution_country"] == pytest.approx(4 / 5)
    assert m["actor_resolution_sector"] == 0.5


@needs_data
def test_plover_gsr_loader_locates_gold_actors():
    gold = ev.load_plover_gsr(DATA)
    actors = [a for r in gold.records for a in r.actors]
    assert len(actors) == 650
    first = gold.records[0]
    assert [(a.side, a.text, a.code, a.sector, a.country) for a in first.actors] == [
        ("source", "Hungarian", "HUN", "GOV", "HUN"), ("source", "Romanian", "ROU", "GOV", "ROU")]
    assert [first.text[s:e] for a in first.actors for s, e in a.spans] == ["Hungarian", "Romanian"]
    apec = gold.records[1].actors
    assert apec[0].code == "IGO" and apec[0].country is None and apec[1].code == "JPN" and apec[1].side == "target"
    how = {m: sum(a.located == m for a in actors) for m in ev.LOCATE_METHODS}
    assert how == {"exact": 635, "case-insensitive": 0, "in parts": 6, "fuzzy": 7, "not locatable": 2}
    for r in gold.records:
        for a in r.actors:
            assert all(0 <= s < e <= len(r.text) for s, e in a.spans)
    ghanians = next(a for a in actors if a.text == "Ghanians")
    assert ghanians.located == "fuzzy"
    assert {a.text for a in actors if not a.spans} == {"Greek-Cypriot", "West German"}
    assert any("not locatable (not scored for actor resolution)" in n for n in gold.notes)
    # the sector spellings of the file all read as eventwire sectors
    known = {"GOV", "MIL", "COP", "SPY", "LEG", "JUD", "REB", "INS", "OPP", "PTY", "UAF", "CVL", "REF", "MED",
             "HLH", "EDU", "LAB", "BUS", "AGR", "REL", "CRM", "ELI", "HRI", "NGO", "IGO"}
    assert {ev.plover_sector(a.sector) for a in actors} - {None} - known == {"SOC"}  # the one unknown code


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
    assert score.n == 4 and score.errors == []
    assert score.metrics.pop("events_above_0.8") == 0 and score.metrics.pop("correct_above_0.8") is None
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
    assert [e["id"] for e in score.errors] == ["s2", "s3", "s4"]  # unscored s5 and s6 are never misses
    s2 = score.errors[0]
    assert s2["kind"] == "root code" and s2["gold"] == "190, 1721" and s2["index"] == 1
    assert s2["ours"] == "PROTEST 141 0.50: ? → ?; ASSAULT --- 0.50: ? → ?"
    assert score.errors[2]["gold"] == "no event"


# ------------------------------------------------------------------------------------------- UniversalPetrarch


def coding(code: str, source: str, target: str) -> ev.ExpectedCoding:
    """An expected coding whose codes starting with a capital three-letter country are that country."""
    country = {"USA", "CHN", "ISR", "PSE"}
    return ev.ExpectedCoding(code, source, target, source[:3] if source[:3] in country else None,
                             target[:3] if target[:3] in country else None)


VALIDATION = [
    ev.ValidationSentence("v1", "AFP", "The US leader met China.", None,
                          (coding("042", "USAGOV", "CHN"), coding("043", "USA", "---LEG"))),  # 2nd: no triple
    ev.ValidationSentence("v2", "TEST", "Israel shelled Gaza.", None,
                          (coding("190", "ISR", "PSECVL"), coding("190", "ISR", "PSEGZACVL"))),  # one triple
    ev.ValidationSentence("v3", "VERB", "The tanks might want to head back.", None, ()),  # noevents="True"
    ev.ValidationSentence("v4", "OTHER", "Not for evaluation.", None, (coding("010", "USA", "CHN"),),
                          evaluate=False),
    ev.ValidationSentence("v5", "GOLD", "US protesters marched on China's embassy.", None,
                          (coding("140", "USA", "CHN"),)),
]


def test_validation_sentence_roots_triples_and_summary():
    v1, v2, v3, v4, _ = VALIDATION
    assert v1.roots == {"04"} and v1.triples == {("04", "USA", "CHN")}
    assert v2.triples == {("19", "ISR", "PSE")}
    assert v1.gold_summary == "042 USAGOV→CHN; 043 USA→---LEG" and v3.gold_summary == "no event"
    assert v3.scorable and not v3.roots and not v4.scorable


def test_universalpetrarch_scorer_roots_triples_calibration_and_misses():
    predictions = [
        [event("CONSULT", "042", actor="USA", recipient="CHN", confidence=0.9)],  # root and triple right
        [event("ASSAULT", "193", actor="ISR", confidence=0.7)],  # root right, no recipient: triple missed
        [event("ACCUSE", "111", actor="USA", confidence=0.95)],  # no event expected
        [event("AID", "070")],  # not scored
        [],  # root missed, and with it its triple (listed once, as a root miss)
    ]
    score = ev.score_universalpetrarch(VALIDATION, predictions)
    m = score.metrics
    assert score.n == 4
    assert m["root_code_agreement"] == 0.5 and m["no_event_correct"] == 0.0
    assert m["root_source_target_match"] == pytest.approx(1 / 3)
    assert list(m).index("root_source_target_match") == list(m).index("precision_root") + 1
    assert m["events_above_0.8"] == 2 and m["correct_above_0.8"] == 0.5 and m["correct_all"] == pytest.approx(2 / 3)
    assert [(e["id"], e["kind"]) for e in score.errors] == [
        ("v2", "source/target country"), ("v3", "root code"), ("v5", "root code")]
    v2, v3, v5 = score.errors
    assert v2["gold"] == "root 19 ISR→PSE" and v2["ours"] == "ASSAULT 193 0.70: ISR (ISR) → ?"
    assert v2["text"] == "Israel shelled Gaza." and v2["index"] == 1
    assert v3["gold"] == "no event" and v5["gold"] == "140 USA→CHN" and v5["ours"] == "no event"
    assert any(n.startswith("root_source_target_match: of the 3 expected") for n in score.notes)


def test_petrarch_unit_and_universalpetrarch_share_one_root_scorer():
    predictions = [[event("CONSULT", "042")], [], [], [], [event("PROTEST", "141")]]
    roots = ev.score_cameo_roots(VALIDATION, predictions)
    assert roots.metrics["root_code_agreement"] == 0.75  # v1, v3 (nothing predicted), v5
    assert ev.score_universalpetrarch(VALIDATION, predictions).metrics["root_code_agreement"] == 0.75


VALIDATION_FILE = """<?xml version='1.0' encoding='utf-8'?>
<Validation>
##########
#   A header comment that mentions <EventCoding eventcode="999" />
##########
<Environment>
    <Verbfile>CAMEO.2.0.txt</Verbfile>
</Environment>
<Sentences>
<Sentence category="AFP" date="20080804" id="A_1" evaluate="true"/>
<EventCoding eventcode="042" sourcecode="USAGOV" targetcode="CHN" />
<Text>
The US leader went
to Beijing &amp; Shanghai.
</Text>
<Parse>
1	The	the	DET	DT	_	2	det	_	_
</Parse></Sentence>

<Sentence category="TEST" date="20150609" id="B_2" evaluate="true">
<!-- a remark inside a record -->
<EventCoding noevents="True" />
<Text>
Nothing happened.
</Text>
<Parse>
1	Nothing	nothing	PRON	NN	_	2	nsubj	_	_
</Parse>
<!---
<Parse>
1	Nothing	nothing	PRON	NN	_	2	nsubj	_	_
</Parse>-->
</Sentence>
stray words
<Sentence category="OTHER" date="20150101" id="C_3" evaluate="true"/>
<EventCoding eventcode="190" sourcecode="NGAREB" targetcode="IGOUNO" />
<Text>
</Text>
<Parse>
1	Boko	Boko	PROPN	NNP	_	2	name	_	_
2	Haram	Haram	PROPN	NNP	_	3	nsubj	_	SpaceAfter=No
3	's	's	PART	POS	_	4	case	_	_
4	attack	attack	NOUN	NN	_	0	root	_	_
5	.	.	PUNCT	.	_	4	punct	_	_
</Parse></Sentence>
<Sentence category="OTHER" date="2015" id="D_4" evaluate="true"/>
<EventCoding eventcode="010" sourcecode="USA" targetcode="CHN" />
</Sentences>
</Validation>
"""


def write_country_info(folder: Path) -> None:
    (folder / "geonames").mkdir(parents=True)
    rows = [("US", "USA", "6252001"), ("CN", "CHN", "1814991"), ("NG", "NGA", "2328926")]
    (folder / "geonames" / "countryInfo.txt").write_text(
        "#ISO\tISO3\n" + "".join("\t".join([iso2, iso3] + ["x"] * 14 + [gid, ""]) + "\n" for iso2, iso3, gid in rows),
        encoding="utf-8")


def test_validation_reader_repairs_the_file_and_counts_what_it_did(tmp_path: Path):
    records, counts, unread = ev.read_validation_records(VALIDATION_FILE)
    assert [r["attrs"]["id"] for r in records] == ["A_1", "B_2", "C_3", "D_4"]
    assert counts["'#' comment lines"] == 3 and counts["XML comments"] == 2 and counts["commented-out parses"] == 1
    assert counts["self-closed <Sentence/> read with the siblings that follow"] == 3
    assert counts["well-formed <Sentence> elements"] == 1
    assert counts["</Sentence> closing a self-closed <Sentence/>, read as the record's end"] == 2
    assert [len(r["parses"]) for r in records] == [1, 1, 1, 0]  # the commented-out parse is not read
    assert unread == ["line 34: 'stray words'"]

    (tmp_path / "universalpetrarch").mkdir()
    (tmp_path / "universalpetrarch" / "PETR2_GSR_validation.xml").write_text(VALIDATION_FILE, encoding="utf-8")
    write_country_info(tmp_path)
    gold = ev.load_universalpetrarch(tmp_path)
    a, b, c = gold.records
    assert a.text == "The US leader went to Beijing & Shanghai." and a.published == "2008-08-04"
    assert a.codings == (ev.ExpectedCoding("042", "USAGOV", "CHN", "USA", "CHN"),) and a.category == "AFP"
    assert b.codings == () and b.scorable
    assert c.text == "Boko Haram's attack." and c.codings[0].target_country is None and not c.triples
    notes = "\n".join(gold.notes)
    assert "3 records, not the 78 the data set's README gives" in notes
    assert "empty <Text> rebuilt from the record's parse: C_3" in notes
    assert "skipped records: D_4 (0 <Text> elements)" in notes
    assert "unread fragments: line 34: 'stray words'" in notes
    assert "1 records expecting no event (1 say noevents=\"True\")" in notes


@needs_data
def test_universalpetrarch_loader_reads_78_records():
    gold = ev.load_universalpetrarch(DATA)
    records = gold.records
    assert len(records) == 78 and all(r.scorable for r in records)
    assert sum(len(r.codings) for r in records) == 80
    assert sum(1 for r in records if not r.codings) == 12
    first = records[0]
    assert (first.id, first.category, first.published) == ("AFP0808020625_4", "AFP", "2008-08-04")
    assert first.text.startswith("The stopover came as the US leader") and "\n" not in first.text
    assert first.codings == (ev.ExpectedCoding("042", "USA", "CHN", "USA", "CHN"),)
    by_id = {r.id: r for r in records}
    assert by_id["TEST_4"].triples == {("19", "ISR", "PSE")}  # PSECVL and PSEGZACVL: one triple
    assert by_id["abc12_3"].text.startswith("Boko Haram has launched many similar attacks")  # empty <Text>
    assert sum(len(r.triples) for r in records) == 63
    notes = "\n".join(gold.notes)
    assert "78 records, as the data set's README says" in notes
    assert "self-closed <Sentence/> read with the siblings that follow 70" in notes and "no record skipped" in notes


def test_cli_eval_universalpetrarch_lists_misses():
    if DATA is None:
        pytest.skip("../shared/data (the public gold data sets) is absent")
    import json
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[1]

    def eval_(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "eventwire.cli", "eval", "universalpetrarch", "--limit", "5",
                               "--data", str(DATA), *args], capture_output=True, text=True, cwd=root, timeout=600)

    table = eval_("--errors")
    assert table.returncode == 0, table.stderr
    assert table.stdout.startswith("universalpetrarch: n=5")
    assert "root_source_target_match" in table.stdout and "misses of universalpetrarch" in table.stdout
    listed = eval_("--errors", "--json")
    assert listed.returncode == 0, listed.stderr
    result = json.loads(listed.stdout)
    assert result["n"] == 5 and isinstance(result["errors"], list)
    blocks = table.stdout.split("misses of universalpetrarch")[1]
    assert all(e["id"] in blocks and e["text"] in blocks for e in result["errors"])


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


# ------------------------------------------------------------------------------------------- re3d


def entity(text: str, words: str, kind: str = "Organisation", nth: int = 0) -> ev.Re3dEntity:
    """The `nth` occurrence of `words` in `text` as a gold entity."""
    start = -1
    for _ in range(nth + 1):
        start = text.index(words, start + 1)
    return ev.Re3dEntity(start, start + len(words), kind, words, 1.0)


def nth_mention(text: str, words: str, actor_id: str, nth: int = 0, provisional: bool = False,
                sector: str | None = "REB") -> ActorMention:
    start = -1
    for _ in range(nth + 1):
        start = text.index(words, start + 1)
    ref = ActorRef(name=actor_id.title(), text=words, id=actor_id, sector=None if provisional else sector,
                   type="provisional" if provisional else "rebel group", reason="alias")
    return ActorMention(start, start + len(words), ref)


D1 = "ISIL attacked Kobani. The Peshmerga repelled ISIL, and Daesh retreated. President Obama thanked the Coalition."
D2 = "The YPG and the Peshmerga met. YPG officials left. Jaish al-Izza fired. Salih Muslim spoke."
RE3D_DOCS = [
    ev.Re3dDocument("d1", "CENTCOM", "one", D1, (
        entity(D1, "ISIL"), entity(D1, "The Peshmerga"), entity(D1, "ISIL", nth=1), entity(D1, "Daesh"),
        entity(D1, "President Obama", "Person"), entity(D1, "the Coalition"))),
    ev.Re3dDocument("d2", "CENTCOM", "two", D2, (
        entity(D2, "The YPG"), entity(D2, "the Peshmerga"), entity(D2, "YPG", nth=1), entity(D2, "Jaish al-Izza"),
        entity(D2, "Salih Muslim", "Person"))),
]


def test_normalise_value_drops_case_articles_plurals_and_punctuation():
    assert ev.normalise_value("the U.S. forces") == "us force"
    assert ev.normalise_value("Peshmerga’s") == ev.normalise_value("the Peshmerga") == "peshmerga"
    assert ev.normalise_value("The Kurdish YPG") == ev.normalise_value("Kurdish YPG")
    assert ev.normalise_value("Congress") == "congress"  # a double s is no plural
    assert ev.normalise_value("ISIL") != ev.normalise_value("Daesh")


def test_re3d_scorer_perfect_predictions_score_one():
    predictions = [[ActorMention(e.start, e.end, ActorRef(name=e.value, text=e.value, id=ev.normalise_value(e.value),
                                                          type="IGO")) for e in d.entities] for d in RE3D_DOCS]
    score = ev.score_re3d(RE3D_DOCS, predictions)
    assert score.n == 2
    assert score.metrics == {"organisation_recall": 1.0, "organisation_registry_share": 1.0,
                             "organisation_provisional_share": 0.0, "organisation_generic_share": 0.0,
                             "person_recall": 1.0, "resolution_consistency": 1.0, "ids_shared": 0}


def test_re3d_scorer_empty_predictions():
    score = ev.score_re3d(RE3D_DOCS, [[], []])
    assert score.metrics == {"organisation_recall": 0.0, "organisation_registry_share": 0.0,
                             "organisation_provisional_share": 0.0, "organisation_generic_share": 0.0,
                             "person_recall": 0.0, "resolution_consistency": None, "ids_shared": 0}  # no group to judge
    assert not any(n.startswith("spot check") for n in score.notes)


def test_re3d_scorer_mixed_case():
    predictions = [
        [nth_mention(D1, "ISIL", "ISIL"), nth_mention(D1, "Peshmerga", "KRG_MIL", sector="MIL"),
         nth_mention(D1, "ISIL", "NEW_ISIL", nth=1, provisional=True),  # same value, another id: inconsistent
         nth_mention(D1, "Daesh", "ISIL")],  # "Daesh" and "ISIL" under one id: shared (an alias a reader confirms)
        # President Obama and the Coalition are missed
        [nth_mention(D2, "YPG", "YPG"), nth_mention(D2, "Peshmerga", "KRG_MIL", sector="MIL"),
         nth_mention(D2, "YPG", "YPG", nth=1),  # consistent with "The YPG"
         nth_mention(D2, "Jaish al-Izza", "NEW_JAISH_AL_IZZA", provisional=True),
         nth_mention(D2, "Salih Muslim", "SALIH_MUSLIM"),
         nth_mention(D2, "fired", "NOISE")],  # a mention over no gold entity changes nothing
    ]
    score = ev.score_re3d(RE3D_DOCS, predictions)
    m = score.metrics
    assert m["organisation_recall"] == pytest.approx(8 / 9)
    assert m["organisation_registry_share"] == pytest.approx(6 / 9)  # ISIL #2 and Jaish al-Izza are provisional
    assert m["person_recall"] == 0.5
    assert m["resolution_consistency"] == 0.5  # (d1, isil) split over ISIL/NEW_ISIL; (d2, ypg) one id
    assert m["ids_shared"] == 1
    notes = "\n".join(score.notes)
    assert 'CENTCOM/d1 "isil": ISIL ×1, NEW_ISIL ×1' in notes
    assert '  ISIL (Isil): "ISIL" ×1, "Daesh" ×1' in notes
    spot = score.notes[score.notes.index(next(n for n in score.notes if n.startswith("spot check"))) + 1:]
    assert len(spot) == 6  # all six organisations resolved from the registry, in text order
    assert spot[0] == "  ISIL | ISIL -> ISIL (Isil, -/REB) [alias]"
    assert spot[1] == "  The Peshmerga | Peshmerga -> KRG_MIL (Krg_Mil, -/MIL) [alias]"


def test_re3d_spot_check_is_a_fixed_sample():
    text = " ".join(f"Group{i} met." for i in range(80))
    doc = ev.Re3dDocument("d", "CENTCOM", "t", text, tuple(entity(text, f"Group{i} ") for i in range(80)))
    predicted = [[nth_mention(text, f"Group{i} ", f"G{i}") for i in range(80)]]
    first = ev.score_re3d([doc], predicted).notes
    assert first == ev.score_re3d([doc], predicted).notes
    spot = [n for n in first if n.startswith("  Group")]
    assert len(spot) == ev.SPOT_CHECK_SIZE and spot != sorted(spot)[:ev.SPOT_CHECK_SIZE]  # sampled, not the first 50


def _write_lines(path: Path, rows: list[dict[str, object]]) -> None:
    import json

    path.write_text("\ufeff" + "\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")


def test_re3d_loader_repairs_offsets_and_filters(tmp_path: Path):
    folder = tmp_path / "re3d" / "CENTCOM"
    folder.mkdir(parents=True)
    text = "Col. John “J.D.” Dorrian said the Jordan Armed Forces – Arab Army and ISIL fought hope."
    _write_lines(folder / "documents.json", [{"_id": "D", "title": "t", "text": text}])

    def row(begin: int, end: int, value: str, kind: str = "Organisation", confidence: float = 1) -> dict:
        return {"_id": f"{begin}-{kind}", "documentId": "D", "begin": begin, "end": end, "type": kind,
                "value": value, "confidence": confidence}

    full = text.index("the Jordan")
    _write_lines(folder / "entities.json", [
        row(0, 24, "Col. John 'J.D.' Dorrian", "Person"),  # quotes differ: the text's span is kept
        row(full, full + 35, "the Jordan Armed Forces – Arab Army"),
        row(full + 26, full + 35, "Arab Army"),  # nested in the longer one: deduplicated
        row(text.index("ISIL") + 3, text.index("ISIL") + 7, "ISIL"),  # offsets three characters off
        row(0, 4, "Daesh"),  # its value is nowhere in the text: dropped
        row(text.index("hope"), text.index("hope") + 4, "hope", "Person", 0),  # rejected by the crowd
        row(0, 4, "Col.", "Location"),  # not an actor type
    ])
    gold = ev.load_re3d(tmp_path)
    (doc,) = gold.records
    assert [(e.type, e.value) for e in doc.entities] == [
        ("Person", "Col. John “J.D.” Dorrian"), ("Organisation", "the Jordan Armed Forces – Arab Army"),
        ("Organisation", "ISIL")]
    notes = "\n".join(gold.notes)
    assert "CENTCOM: 1 documents, 2 Organisation and 1 Person entities" in notes
    assert "1 below confidence 0.5, 1 nested in or duplicating" in notes and "1 whose value is not in the text" in notes
    assert "offsets do not index `text` everywhere (CENTCOM (1 moved, 1 dropped))" in notes
    assert "licence files missing: CENTCOM/LICENSE, CENTCOM/ATTRIBUTION" in notes


def test_re3d_loader_names_a_damaged_file(tmp_path: Path):
    folder = tmp_path / "re3d" / "CENTCOM"
    folder.mkdir(parents=True)
    (folder / "documents.json").write_text('{"_id": "D", "text": "x"}\n{"_id": \n', encoding="utf-8")
    (folder / "entities.json").write_text("", encoding="utf-8")
    with pytest.raises(ValueError, match=r"documents.json:2: not valid JSON"):
        ev.load_re3d(tmp_path)


@needs_data
def test_re3d_loader_reads_all_subsets_with_offsets_into_the_text():
    gold = ev.load_re3d(DATA)
    docs = gold.records
    assert len(docs) == 90
    per_subset = {s: sum(1 for d in docs if d.subset == s) for s in {d.subset for d in docs}}
    assert per_subset == {"Australian_Department_of_Foreign_Affairs": 4, "CENTCOM": 23,
                          "Delegation_of_the_European_Union_to_Syria": 2, "UK_Government": 26,
                          "US_State_Department": 22, "Wikipedia": 13}
    entities = [e for d in docs for e in d.entities]
    assert sum(e.type == "Organisation" for e in entities) == 1146
    assert sum(e.type == "Person" for e in entities) == 340
    for d in docs:
        for e in d.entities:
            assert d.text[e.start:e.end] == e.value and e.confidence >= ev.RE3D_MIN_CONFIDENCE
        for i, a in enumerate(d.entities):  # no two entities of one type overlap after deduplication
            assert not any(b.type == a.type and ev._overlaps((a.start, a.end), (b.start, b.end))
                           for b in d.entities[i + 1:])
    ypg = next(d for d in docs if d.id == "001C9C3F3DFE16B4921B1E906F66E161")
    assert ev.Re3dEntity(83, 98, "Organisation", "the Kurdish YPG", 1.0) in ypg.entities
    assert any(e.value == "Col. John “J.D.” Dorrian" for e in entities)  # the file's value has plain quotes
    notes = "\n".join(gold.notes)
    assert "offsets index `text` in every subset" in notes and "3 differ only in quotes or line breaks" in notes
    assert "every subset has its LICENSE and ATTRIBUTION" in notes
    assert notes.count("documents, ") == 7  # the total and one line per subset


# ------------------------------------------------------------------------------------------- run() and table


class OraclePipeline:
    """Answers from the gold records, to check that run() wires loaders, pipeline calls and scorers.

    Answers are queued per text in file order, because a few texts occur twice with different gold answers.
    """

    def __init__(self, data_dir: Path):
        self.answers: dict[object, deque[object]] = defaultdict(deque)
        for r in ev.load_plover_gsr(data_dir).records:
            gold = ev._gold_parties(r)
            self.answers[r.text].append([event(r.event_type, actor=[c for side, c in gold if side == "actor"],
                                               recipient=[c for side, c in gold if side == "recipient"])])
        for s in ev.load_petrarch_unit(data_dir).records:
            if s.scorable:
                self.answers[s.text].append([event("AID", cameo=c) for c in s.codes])
        for v in ev.load_universalpetrarch(data_dir).records:
            self.answers[v.text].append([event("AID", cameo=c.code, actor=c.source_country,
                                               recipient=c.target_country) for c in v.codings])
        for loc in ev.load_event_location(data_dir).records:
            self.answers[(loc.text, loc.verb_span)].append(
                place(*loc.location_spans[0]) if loc.location_spans else None)
        for a in ev.load_lgl(data_dir).records:
            self.answers[a.text].append(perfect_places(a))
        for r in ev.load_plover_gsr(data_dir).records:
            self.answers[("mentions", r.text)].append(oracle_mentions(r))
        for d in ev.load_re3d(data_dir).records:
            self.answers[("mentions", d.text)].append(
                [ActorMention(e.start, e.end, ActorRef(name=e.value, text=e.value, id=ev.normalise_value(e.value)))
                 for e in d.entities])
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

    def actor_mentions(self, items: Iterable[tuple]) -> Iterator[list[ActorMention]]:
        self.calls.append("actor_mentions")
        for text, *_rest in items:
            yield self.answers[("mentions", text)].popleft()  # type: ignore[misc]


@needs_data
def test_run_with_an_oracle_scores_one_and_honours_limits():
    oracle = OraclePipeline(DATA)
    gsr = ev.run("plover-gsr", DATA, oracle)
    assert gsr["dataset"] == "plover-gsr" and gsr["n"] == 322
    assert gsr["metrics"]["events_above_0.8"] == 0 and gsr["metrics"]["correct_all"] == 1.0
    assert all(v == 1.0 for v in without_calibration(gsr["metrics"]).values()), gsr["metrics"]
    assert gsr["errors"] == []
    assert any("per-type recall" in n for n in gsr["notes"]) and gsr["seconds"] >= 0
    assert {"actor_resolution_country", "actor_resolution_sector", "actor_mention_found",
            "event_actor_country_match"} <= set(gsr["metrics"])

    unit = ev.run("petrarch-unit", DATA, oracle)
    assert unit["n"] == 223 and unit["metrics"]["root_code_agreement"] == 1.0 and unit["errors"] == []

    validation = ev.run("universalpetrarch", DATA, oracle)
    assert validation["n"] == 78 and validation["errors"] == []
    assert all(v == 1.0 for v in without_calibration(validation["metrics"]).values()), validation["metrics"]

    located = ev.run("event-location", DATA, oracle)  # default limit: the first 2,000 records
    assert located["n"] == 2000 and located["metrics"]["f1"] == 1.0
    assert any("first 2000 of 9684" in n for n in located["notes"])
    assert ev.run("event-location", DATA, OraclePipeline(DATA), limit=25)["n"] == 25  # a fresh answer queue

    lgl = ev.run("lgl", DATA, oracle, limit=10)
    assert lgl["n"] == 10 and lgl["metrics"]["toponym_recall"] == 1.0 and lgl["metrics"]["acc_161km"] == 1.0
    assert any("Mordecai 3" in n for n in lgl["notes"])
    assert oracle.calls == ["extract_texts", "actor_mentions", "extract_texts", "extract_texts",
                            "find_places"]  # batched calls

    re3d = ev.run("re3d", DATA, oracle)
    assert re3d["n"] == 90 and re3d["metrics"]["ids_shared"] == 0
    assert all(v == 1.0 for k, v in re3d["metrics"].items() if k != "ids_shared" and not k.endswith(
        ("provisional_share", "generic_share"))), re3d["metrics"]
    assert any(n.startswith("spot check: 50 of the 1146") for n in re3d["notes"])
    assert oracle.calls[-1] == "actor_mentions"


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


def test_format_errors_prints_a_block_per_miss_and_the_table_none():
    miss = {"id": "GOLD_4", "index": 22, "kind": "root code", "gold": "057 UKR→IGOEUREEC", "ours": "no event",
            "text": "Ukraine ratified a sweeping agreement with the European Union on Tuesday."}
    result = {"dataset": "universalpetrarch", "n": 78, "seconds": 1.0, "metrics": {"root_code_agreement": 0.3},
              "notes": [], "errors": [miss, {**miss, "id": "GOLD_5", "index": 23}]}
    assert "GOLD_4" not in ev.format_table(result)
    text = ev.format_errors(result)
    assert text.splitlines()[:6] == [
        "misses of universalpetrarch (2):", "", "GOLD_4 (#22) root code", "  gold: 057 UKR→IGOEUREEC",
        "  ours: no event", "      Ukraine ratified a sweeping agreement with the European Union on Tuesday."]
    assert text.count("(#") == 2
    assert ev.format_errors({**result, "errors": []}) == "misses of universalpetrarch: none"
    assert ev.format_errors({"dataset": "lgl"}).startswith("misses: not listed for lgl")


def test_date_test_set_ships_with_the_package_and_scores_ranges():
    from eventwire.evaluate import DateCase, load_dates, score_dates
    from eventwire.model import TimeSpan

    gold = load_dates()
    assert len(gold.records) >= 50 and any(c.anchor is None for c in gold.records)
    cases = [DateCase("2015-05-14", "on Tuesday", "2015-05-12", "2015-05-12", "day", ""),
             DateCase("2015-05-14", "last week", "2015-05-04", "2015-05-10", "week", ""),
             DateCase("2015-05-14", "for three years", None, None, None, "")]
    got = [TimeSpan(date="2015-05-12", date_end="2015-05-12", precision="day", text="on Tuesday"),
           TimeSpan(date="2015-05-01", date_end="2015-05-07", precision="week", text="last week"),
           None]
    score = score_dates(cases, got)
    assert score.metrics["exact_range"] == pytest.approx(2 / 3)
    assert score.metrics["overlapping_range"] == pytest.approx(1.0)
    assert score.metrics["precision_agreement"] == pytest.approx(1.0)
    assert [e["id"] for e in score.errors] == ["2015-05-14 last week"]


def test_eval_dates_runs_without_the_shared_data(tmp_path):
    import subprocess
    import sys

    p = subprocess.run([sys.executable, "-m", "eventwire.cli", "eval", "dates", "--data", str(tmp_path / "none")],
                       capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    assert "exact_range" in p.stdout
