"""Import of CAMEO / PETRARCH / Phoenix actor dictionaries into registry files (eventwire.actors.cameo).

The shared dictionaries are read from ``../shared/data/petrarch2`` (skipped when that folder is absent); a small
hand-written dictionary covers the format's corners on any machine."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from eventwire.actors import ActorRegistry, RegistryError
from eventwire.actors.cameo import (
    DictionaryError,
    ImportReport,
    import_dictionary,
    parse_code,
    parse_date,
    read_dictionary,
)
from eventwire.evaluate import default_data_dir

FILES = ("Phoenix.Countries.actors.txt", "Phoenix.International.actors.txt", "Phoenix.MilNonState.actors.txt",
         "PETR.Validate.actors.txt")

# Lines of the shared dictionaries that cannot be turned into registry rows, each for a reason in the data itself.
# Every other line is read (or is a blank/comment line); the test fails if this list and the import disagree.
UNINTERPRETED = {
    "Phoenix.Countries.actors.txt": {
        2039: "7 digits",  # [ARMUNR 9008223-911221]: an extra digit (the line above has USRARM <900823)
        14190: "ends before it starts",  # [EGYGOV 20121207-20120802]
        18010: "9 digits",  # [GBRGOV >201005011]: an extra digit in David Cameron's start date
        22508: "10 digits",  # [IRQOCC 1920030320-20060520]: "19" + 20030320, the 2003 invasion
        22519: "10 digits",  # the same code for the next Iraqi entry
        43613: "10 digits",  # [SDNSSDAUT 1920050709-20110709]: "19" + 20050709
        # line 38439 is "  # CountryInfo.txt", an entry line whose name was lost (Portugal's president from
        # 2006); PETRARCH would give its three codes to Jorge Sampaio on the line above, the import does not
        38440: "without a phrase", 38441: "without a phrase", 38442: "without a phrase",
    },
    "Phoenix.International.actors.txt": {
        40: "7 digits",  # [KORGOVBUS 2004017-20061201]: Ban Ki-moon as foreign minister, start date one digit short
    },
    "Phoenix.MilNonState.actors.txt": {
        # line 316 is " #  kkl 21 Mar 13", an entry line without its name; its two synonyms (the Italian Red
        # Brigades) would otherwise become names of the Real IRA above it
        318: "without a phrase", 319: "without a phrase",
    },
    "PETR.Validate.actors.txt": {},
}


@pytest.fixture(scope="module")
def petrarch() -> Path:
    root = default_data_dir()
    if root is None or not (root / "petrarch2").is_dir():
        pytest.skip("shared data not found (../shared/data/petrarch2): the CAMEO dictionaries are not on this machine")
    return root / "petrarch2"


@pytest.fixture(scope="module")
def imported(petrarch: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, ImportReport]]:
    """Each shared dictionary imported once: file name -> (registry file, report)."""
    out_dir = tmp_path_factory.mktemp("cameo")
    return {name: (out_dir / (name + ".tsv"), import_dictionary(petrarch / name, out_dir / (name + ".tsv")))
            for name in FILES}


@pytest.fixture(scope="module")
def package() -> ActorRegistry:
    return ActorRegistry.load()


def count_entry_lines(path: Path) -> int:
    """Entry lines counted without the importer: non-blank lines whose first visible character does not open a
    comment ('#', '<'), a synonym ('+') or a code ('['), outside '<!-- ... -->' blocks."""
    n = 0
    in_comment = False
    for line in path.read_text(encoding="utf-8").splitlines():
        text = line.strip()
        if in_comment:
            in_comment = "-->" not in text
            continue
        if text.startswith("<!--") and "-->" not in text:
            in_comment = True
            continue
        if text and text[0] not in "#<+[":
            n += 1
    return n


def rows_of(path: Path) -> list[dict[str, str]]:
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line and not line.startswith("#")]
    header = lines[0].split("\t")
    return [dict(zip(header, line.split("\t"))) for line in lines[1:]]


# ------------------------------------------------------------------------------------------- the shared dictionaries
@pytest.mark.parametrize("name", FILES)
def test_every_entry_is_read(name: str, petrarch: Path, imported) -> None:
    out, report = imported[name]
    entries, again = read_dictionary(petrarch / name)
    # every entry line is read; the one exception is a note line in the International file ("Source: MNC.MLH...")
    assert count_entry_lines(petrarch / name) == report.entry_lines + report.skipped["note (not a phrase)"]
    assert report.skipped["note (not a phrase)"] == (1 if name == "Phoenix.International.actors.txt" else 0)
    # entry lines without a code directly followed by another entry line are names of one actor
    assert len(entries) == report.entries == report.entry_lines - report.names_grouped
    assert again.codes == report.codes and again.synonyms == report.synonyms
    # all codes read, apart from the uninterpreted lines (one code each)
    bracketed = sum(line.split("#")[0].count("[") for line in (petrarch / name).read_text(encoding="utf-8").splitlines()
                    if not line.lstrip().startswith(("#", "<!")))
    not_kept = sum(1 if why.startswith("code [") else text.count("[") for _, why, text in report.uninterpreted)
    assert report.codes == bracketed - not_kept


@pytest.mark.parametrize("name", FILES)
def test_uninterpreted_lines_are_the_known_data_errors(name: str, imported) -> None:
    _, report = imported[name]
    found = {line: why for line, why, _ in report.uninterpreted}
    assert set(found) == set(UNINTERPRETED[name]), found
    for line, reason in UNINTERPRETED[name].items():
        assert reason in found[line]


@pytest.mark.parametrize("name", FILES)
def test_imported_file_loads_next_to_the_package(name: str, imported, package: ActorRegistry) -> None:
    out, report = imported[name]
    reg = ActorRegistry.load([out], defaults=True)
    ids = set(reg.ids()) - set(package.ids())
    assert len(ids) == report.actors
    assert sum(len(reg.rows(i)) for i in ids) == report.rows
    # no package actor was replaced, and of the imported rows nothing but alias overlaps is worth a note
    assert not set(r["id"] for r in rows_of(out)) & set(package.ids())
    mine = [p for p in reg.problems if out.name in p]
    assert all(" alias " in p or "is also a lexicon word" in p for p in mine), mine
    head = out.read_text(encoding="utf-8").splitlines()[:2]
    assert head[0].startswith("# Imported by eventwire from the CAMEO actor dictionary") and name in head[0]
    assert f"{report.entries:,} entries" in report.summary()


def test_counts_of_the_shared_dictionaries(imported) -> None:
    """The figures the import reported when it was written; a change here means the reader changed."""
    got = {name: (r.entries, r.codes, r.dated_codes, r.rows) for name, (_, r) in imported.items()}
    assert got == {
        "Phoenix.Countries.actors.txt": (18355, 28380, 26102, 28372),
        "Phoenix.International.actors.txt": (7839, 7895, 451, 6717),
        "Phoenix.MilNonState.actors.txt": (1021, 1021, 1, 1020),
        "PETR.Validate.actors.txt": (128, 138, 13, 136),
    }


def test_dated_codes_are_kept_as_periods(imported) -> None:
    # Phoenix.Countries:  HAMID_KARZAI_  [AFGELI 750101-000101]  [AFGGOV >011222]  [AFGELI]
    rows = [r for r in rows_of(imported["Phoenix.Countries.actors.txt"][0]) if r["id"] == "HAMID_KARZAI"]
    assert [(r["cameo"], r["valid_from"], r["valid_to"], r["sector"]) for r in rows] == [
        ("AFGELI", "", "", "ELI"),  # the default, written first so that a dated code covering a date wins
        ("AFGELI", "1975-01-01", "2000-01-02", "ELI"),  # CAMEO's end day is included: valid_to is the day after
        ("AFGGOV", "2001-12-22", "", "GOV"),
    ]
    assert {(r["country"], r["type"]) for r in rows} == {("AFG", "person")}  # tagged "# CountryInfo.txt"
    # Phoenix.MilNonState:  SHEIKH_AHMED_YASSIN ... [PSEREBHMS 19870101-20040322]
    (row,) = [r for r in rows_of(imported["Phoenix.MilNonState.actors.txt"][0]) if r["id"] == "SHEIKH_AHMED_YASSIN"]
    assert (row["cameo"], row["country"], row["sector"], row["valid_from"], row["valid_to"]) == \
        ("PSEREBHMS", "PSE", "REB", "1987-01-01", "2004-03-23")
    assert "SAMI ABU ZUHRI" in row["aliases"].split("|")
    # PETR.Validate: "<", "-" and ">" with spaces, YYMMDD and YYYYMMDD mixed
    rows = [r for r in rows_of(imported["PETR.Validate.actors.txt"][0]) if r["id"] == "GOLLUM"]
    assert [(r["cameo"], r["valid_from"], r["valid_to"]) for r in rows] == [
        ("HOB", "", "1995-06-02"), ("HOBGOV", "1995-06-01", "1999-08-16"), ("HOBREB", "1999-08-16", "")]


def test_resolution_after_import(imported, package: ActorRegistry) -> None:
    files = [imported[n][0] for n in ("Phoenix.Countries.actors.txt", "Phoenix.International.actors.txt",
                                      "Phoenix.MilNonState.actors.txt")]
    reg = ActorRegistry.load(files)

    def code(surface: str, date: str | None = None) -> tuple | None:
        ref = reg.resolve(surface, date)
        return None if ref is None else (ref.id, ref.country, ref.sector)

    # names the package registry lacks now resolve to the imported actors, with their period's code
    assert package.resolve("Guevarista Revolutionary Army") is None
    assert code("the Guevarista Revolutionary Army") == ("GUEVARISTA_REVOLUTIONARY_ARMY_ERG", "COL", "REB")
    assert package.resolve("Giorgi Baramidze") is None
    assert code("Giorgi Baramidze", "2004-01-15") == ("GIORGI_BARAMIDZE", "GEO", "GOV")
    assert code("Giorgi Baramidze", "2004-09-01") == ("GIORGI_BARAMIDZE", "GEO", "GOV")  # GEOGOVMIL: GOV first
    assert code("Giorgi Baramidze", "2006-01-01") == ("GIORGI_BARAMIDZE", "GEO", "GOV")
    ban = package.resolve("Ban Ki-moon", "2010-01-01")
    assert code("Ban Ki-moon", "2010-01-01") == (ban.id, ban.country, ban.sector)  # the package's actor
    # the package keeps its own actors and its composition from country words: the Countries file lists
    # "AFGHAN", "SYRIAN", "US" as synonyms of its country entries, which the import leaves to the registry
    for surface in ("Hamas", "the Taliban", "Afghan army", "the Syrian regime", "US forces", "United States forces",
                    "French troops", "Kurdish fighters"):
        assert code(surface) == (lambda r: (r.id, r.country, r.sector))(package.resolve(surface)), surface
    # CAMEO phrases have no case: a one-word synonym matches as written or capitalised, not as a word
    assert code("Herat") == ("AFGHANISTAN", "AFG", None)
    assert reg.resolve("male") is None and code("Male") == ("MALDIVES", "MDV", None)
    assert reg.resolve("380 civilians") is None  # "+380_" has no letter: not an alias


def test_report_of_the_shared_dictionaries(imported, package: ActorRegistry) -> None:
    for _, report in imported.values():
        for wanted, written, why in report.renamed_ids:
            if why.startswith("a package"):  # the id of a package actor, country or composed institution
                assert written.startswith(wanted + "_CAMEO") and (wanted in package.ids() or package.get(wanted) is not None)
            else:
                assert written.startswith(wanted + "_") and "another entry" in why
    _, countries = imported["Phoenix.Countries.actors.txt"]
    assert countries.mapped_country_codes == {"TMP->TLS": 96, "KSV->XKX": 17, "FRY->SCG": 1}
    assert set(countries.former_state_codes) == {"DDR", "USR", "YUG", "SUN", "CSK"}
    assert set(countries.unknown_country_codes) == {"KNT", "SRP", "KRJ", "FRN"}  # KNT: Kinakuta, a fictional country
    assert ("CROATIA", "CROATIA_2") in [(a, b) for a, b, _ in countries.renamed_ids]  # two entries, other codes
    # David Cameron's only code has the 9-digit date: no row, and the next entry line is not taken as his name
    assert [line for line, _ in countries.entries_without_code] == [18007, 50802, 50839]
    assert countries.dropped_aliases["country adjectives"] > 200
    _, mns = imported["Phoenix.MilNonState.actors.txt"]
    assert mns.unknown_country_codes == {"KKL": 20}  # the coder's initials where the country was not known
    assert mns.region_codes["MEA"] == 41
    assert ("HAMAS", "HAMAS_CAMEO") in [(a, b) for a, b, _ in mns.renamed_ids]
    _, intl = imported["Phoenix.International.actors.txt"]
    assert len(intl.merged_duplicates) > 1000  # its NGO and company lists are repeated
    assert intl.entries_without_code == [(22, "U.N._")]  # followed by a blank line, so not a name of the next entry


# ------------------------------------------------------------------------------------------- a hand-written dictionary
SAMPLE = """\
<!-- TEST DICTIONARY
# written for the eventwire tests -->
# National Institutions

SOUTHLAND_  [SLD]   # a made-up country code
+SOUTHLANDIAN_
+PORT_AUGUSTA # the capital

GENERAL_ALDO_RAINE_  # CountryInfo.txt
+ALDO_RAINE
\t[SLDMIL 900101-19951231]
\t[SLDGOV >960101]
\t[SLDELI]
BRIGADE_OF_THE_NORTH
NORTHERN_BRIGADE
\t[SLDREB <031231] # became a party
\t[SLDPTY 20040101 - 20101231]
AFGHAN_VETERANS_LEAGUE_  [AFGNGO] [---]
+AFGHAN
+THE_AVL
+SECOND_AFGHAN_VETERANS_LEAGUE +2AVL
MISSING_DATES_GROUP_  [SLDREB 9905011-001231]
EMPTY_NAME_
"""


def test_hand_written_dictionary(tmp_path: Path, package: ActorRegistry) -> None:
    src = tmp_path / "sample.actors.txt"
    src.write_text(SAMPLE, encoding="utf-8")
    entries, report = read_dictionary(src)
    assert [e.name for e in entries] == ["SOUTHLAND_", "GENERAL_ALDO_RAINE_", "BRIGADE_OF_THE_NORTH",
                                         "AFGHAN_VETERANS_LEAGUE_", "MISSING_DATES_GROUP_", "EMPTY_NAME_"]
    raine = entries[1]
    assert raine.is_person and raine.synonyms == ["ALDO_RAINE"]
    assert [(c.code, c.valid_from, c.valid_to) for c in raine.codes] == [
        ("SLDMIL", "1990-01-01", "1996-01-01"), ("SLDGOV", "1996-01-01", ""), ("SLDELI", "", "")]
    brigade = entries[2]
    assert brigade.synonyms == ["NORTHERN_BRIGADE"]  # two entry lines, one code list
    assert [(c.code, c.valid_from, c.valid_to) for c in brigade.codes] == [
        ("SLDREB", "", "2004-01-01"), ("SLDPTY", "2004-01-01", "2011-01-01")]
    assert entries[3].synonyms == ["AFGHAN", "THE_AVL", "SECOND_AFGHAN_VETERANS_LEAGUE", "2AVL"]
    assert report.skipped == {"XML comment": 2, "comment": 1, "blank": 2}
    assert report.names_grouped == 1 and report.null_codes == 1 and report.dated_codes == 4
    assert [(n, why.split(":")[0]) for n, why, _ in report.uninterpreted] == [
        (22, "code [SLDREB 9905011-001231] not kept")]
    assert report.entries_without_code == [(22, "MISSING_DATES_GROUP_"), (23, "EMPTY_NAME_")]

    out = tmp_path / "sample.tsv"
    report = import_dictionary(src, out)
    rows = {r["id"]: r for r in reversed(rows_of(out))}  # the first row of each id
    assert report.rows == 1 + 3 + 2 + 1 and report.actors == 4
    # SLD is no country: kept as the code, country empty and counted
    assert report.unknown_country_codes == {"SLD": 6}
    assert rows["GENERAL_ALDO_RAINE"]["type"] == "person"
    league = rows["AFGHAN_VETERANS_LEAGUE"]
    assert (league["country"], league["sector"], league["type"]) == ("AFG", "NGO", "")
    # "AFGHAN" is the registry's own word (Afghan army -> AFGMIL); "THE AVL" keeps its case as "AVL"
    assert league["aliases"].split("|") == ["AFGHAN VETERANS LEAGUE", "AVL", "SECOND AFGHAN VETERANS LEAGUE",
                                            "2AVL"]
    assert sum(report.dropped_aliases.values()) == 1
    reg = ActorRegistry.load([out])
    assert reg.resolve("Aldo Raine", "1993-05-01").sector == "MIL"
    assert reg.resolve("Aldo Raine", "2000-05-01").sector == "GOV"
    assert reg.resolve("Aldo Raine", "1980-05-01").sector == "ELI"  # no dated code applies: the default
    assert reg.resolve("the Northern Brigade", "2001-01-01").sector == "REB"
    assert reg.resolve("the Northern Brigade", "2008-01-01").sector == "PTY"
    assert reg.resolve("Afghan army").id == "AFGMIL"
    assert "1 line could not be interpreted (line 22: code [SLDREB 9905011-001231]" in report.summary()


def test_codes_and_dates() -> None:
    assert parse_date("040101").isoformat() == "2004-01-01"
    assert parse_date("300101").isoformat() == "2030-01-01" and parse_date("310101").isoformat() == "1931-01-01"
    assert parse_date("19270101").isoformat() == "1927-01-01"
    for bad in ("2004017", "201005011", "20100931"):
        with pytest.raises(ValueError):
            parse_date(bad)
    code, note = parse_code("IRQREBTAL 040101-060607")
    assert (code.code, code.valid_from, code.valid_to, note) == ("IRQREBTAL", "2004-01-01", "2006-06-08", None)
    code, note = parse_code("MNEGOV 20121204")
    assert (code.valid_from, code.valid_to) == ("2012-12-04", "") and "start" in note
    with pytest.raises(ValueError, match="no code"):
        parse_code("950601-990815")


@pytest.mark.parametrize("content, where", [
    (json.dumps({"id": "HAMAS", "name": "Hamas"}) + "\n", ":1:"),
    ("[\n  {\"id\": \"X\"}\n]\n", ":1:"),
    ("id\tname\tcountry\nX\tY\tSYR\n", ":1:"),  # a registry file: entry-like lines, but not one [CODE]
    ("# a comment\n\n\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", ":3:"),  # not UTF-8, not a phrase
    ("\x00\x01\x02 binary", ":1:"),
])
def test_not_a_dictionary(tmp_path: Path, content: str, where: str) -> None:
    path = tmp_path / "not-a-dictionary.txt"
    path.write_bytes(content.encode("latin-1"))
    with pytest.raises(DictionaryError, match="not a CAMEO actor dictionary") as err:
        import_dictionary(path, tmp_path / "out.tsv")
    assert f"{path}{where}" in str(err.value)
    assert isinstance(err.value, RegistryError) and isinstance(err.value, ValueError)
    assert not (tmp_path / "out.tsv").exists()
