"""`eventwire gazetteer import/list/remove`: real GeoNames-format files, a real index built once in a temporary
cache folder (EVENTWIRE_CACHE_DIR), never the cache of whoever runs the tests."""
from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from eventwire.cli import main
from eventwire.geo import Gazetteer, GeoNamesDumpError, import_geonames_dumps, imported_dumps, resolve_place
from eventwire.geo import gazetteer as gz

FIXTURE = Path(__file__).parent / "fixtures" / "geonames" / "XX.txt"
# XX.txt: 10 rows; R (a road) and U (an undersea bank) are left out; Yabrud (162627) is bundled already
KEPT = 8


def ew(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def _listing() -> dict[str, tuple[int, int]]:
    """name → (places, modification time of the stored file) of every import."""
    return {d.name: (d.places, d.path.stat().st_mtime_ns) for d in imported_dumps()}


def _zip(path: Path, members: dict[str, str]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in members.items():
            archive.writestr(name, text)
    return path


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    """XX.txt imported into an empty cache folder, and the index rebuilt with it (the only rebuild of this file)."""
    cache = tmp_path_factory.mktemp("cache")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("EVENTWIRE_CACHE_DIR", str(cache))
        Gazetteer._default = None
        try:
            yield cache, ew("gazetteer", "import", str(FIXTURE))
        finally:
            Gazetteer._default = None


def test_gazetteer_commands_have_help():
    for command in (["gazetteer"], ["gazetteer", "import"], ["gazetteer", "list"], ["gazetteer", "remove"]):
        result = ew(*command, "--help")
        assert result.exit_code == 0 and "Usage:" in result.output


def test_import_txt_stores_the_kept_rows_and_reports_them(imported):
    cache, result = imported
    assert result.exit_code == 0, result.output
    assert f"imported XX.txt as XX: {KEPT} places" in result.output
    assert "P  populated places" in result.output and "left out 2 rows" in result.output
    # Yabrud is bundled already: the index gains the other seven, not a second Yabrud
    assert f"{KEPT - 1} of them from imported dumps (1 row names a place it already had)" in result.output
    assert "index built in" in result.output
    stored = cache / "geonames" / "XX.txt"
    lines = stored.read_text(encoding="utf-8").splitlines()
    assert len(lines) == KEPT and all(len(line.split("\t")) == 19 for line in lines)
    assert not any("\tR\t" in line or "\tU\t" in line for line in lines)


def test_imported_place_resolves_by_name_and_alternate_name(imported):
    _, result = imported
    assert result.exit_code == 0, result.output
    gazetteer = Gazetteer.default()
    assert gz.imported_dump_paths() == [imported[0] / "geonames" / "XX.txt"]
    [village] = gazetteer.candidates("Ayn Qasrin")
    assert (village.geonameid, village.country_code, village.feature_code, village.source) == (
        99000001, "SY", "PPL", "dump")
    assert village.admin1 == gazetteer.admin1_name("SY", "08") and village.admin1
    assert [e.geonameid for e in gazetteer.candidates("Ain Qasreen")] == [99000001]
    place = resolve_place("Ain Qasreen")
    assert place is not None
    assert (place.name, place.geonameid, place.country_code, place.precision) == (
        "Ayn Qasrin", 99000001, "SY", "exact")
    assert (place.lat, place.lon) == pytest.approx((33.9121, 36.5834))
    mountain = resolve_place("Jebel Qasrin")
    assert mountain is not None and mountain.geonameid == 99000002 and mountain.precision == "region"
    assert gazetteer.candidates("Qasrin Road") == []  # feature class R is left out
    assert [e.geonameid for e in gazetteer.candidates("Yabroud") if e.geonameid == 162627] == [162627]
    assert gz.imported_place_count(gazetteer) == KEPT - 1


def test_list_shows_each_import(imported):
    result = ew("gazetteer", "list")
    assert result.exit_code == 0, result.output
    assert "XX" in result.output and str(FIXTURE) in result.output
    assert f"{KEPT} places in 1 dump(s)" in result.output


def test_import_zip_then_remove(imported, tmp_path):
    text = FIXTURE.read_text(encoding="utf-8")
    # GeoNames' own layout: the dump beside a readme (and, in allCountries.zip, nothing else)
    archive = _zip(tmp_path / "ZZ.zip", {"ZZ.txt": text, "readme.txt": "readme\tof\tthe\tdownload\n",
                                         "iso-languagecodes.txt": "ISO 639-3\tISO 639-2\n"})
    result = ew("gazetteer", "import", "--no-index", str(archive))
    assert result.exit_code == 0, result.output
    assert f"imported ZZ.zip as ZZ: {KEPT} places" in result.output
    assert {name: places for name, (places, _) in _listing().items()} == {"XX": KEPT, "ZZ": KEPT}
    again = ew("gazetteer", "import", "--no-index", str(archive))
    assert again.exit_code == 0 and "replacing the earlier ZZ" in again.output
    removed = ew("gazetteer", "remove", "ZZ.zip")
    assert removed.exit_code == 0, removed.output
    assert f"removed ZZ ({KEPT:,} places)" in removed.output
    assert set(_listing()) == {"XX"}
    assert sorted(p.name for p in (imported[0] / "geonames").iterdir()) == ["XX.json", "XX.txt"]


def test_country_filter_keeps_only_those_countries(imported, tmp_path):
    # an allCountries-like file: the fixture's Syrian rows plus one Lebanese village
    lebanese = "\t".join(["99000001", "Kfar Testa", "Kfar Testa", "", "33.5", "35.6", "P", "PPL", "LB", "", "00",
                          "", "", "", "120", "", "300", "Asia/Beirut", "2024-01-01"])
    mixed = tmp_path / "mixed.txt"
    mixed.write_text(FIXTURE.read_text(encoding="utf-8") + lebanese + "\n", encoding="utf-8")
    result = ew("gazetteer", "import", "--no-index", "--country", "lb", str(mixed))
    assert result.exit_code == 0, result.output
    assert _listing()["mixed-LB"][0] == 1
    assert ew("gazetteer", "remove", "mixed-LB").exit_code == 0


def test_zip_dump_is_read_by_the_index_builder(tmp_path):
    # Gazetteer.load(geonames_dumps=[…zip]) reads the zip itself; checked here on an empty builder (no rebuild)
    archive = _zip(tmp_path / "XX.zip", {"XX.txt": FIXTURE.read_text(encoding="utf-8"), "readme.txt": "x"})
    builder = gz._Builder()
    gz._add_geonames_dump(builder, archive)
    assert sorted(r[gz._GID] for r in builder.records) == [162627, *range(99000001, 99000005), 99000006,
                                                           99000007, 99000010]


def _bad_inputs(folder: Path) -> dict[str, tuple[Path, str]]:
    rows = FIXTURE.read_text(encoding="utf-8").splitlines()
    short = rows[:1] + ["99000011\tNowhere\tNowhere\t33.9\t36.5"] + rows[1:]
    comma = rows[:2] + [rows[2].replace("33.90100", "33,901")] + rows[3:]
    far = rows[:3] + [rows[3].replace("36.71020", "236.7")] + rows[4:]
    (folder / "broken.zip").write_text("this is not a zip\n", encoding="utf-8")
    (folder / "short.txt").write_text("\n".join(short) + "\n", encoding="utf-8")
    (folder / "comma.txt").write_text("\n".join(comma) + "\n", encoding="utf-8")
    (folder / "far.txt").write_text("\n".join(far) + "\n", encoding="utf-8")
    _zip(folder / "readme_only.zip", {"readme.txt": "nothing here\n"})
    _zip(folder / "SY.zip", {"SY.txt": "\n".join(comma) + "\n", "readme.txt": "x"})
    return {
        "not a zip": (folder / "broken.zip", "broken.zip: not a zip file"),
        "zip without a .txt": (folder / "readme_only.zip", "readme_only.zip: the zip holds no GeoNames dump"),
        "column count": (folder / "short.txt", "short.txt:2: 5 tab-separated columns"),
        "non-numeric latitude": (folder / "comma.txt", "comma.txt:3: latitude '33,901' is not a number"),
        "coordinates out of range": (folder / "far.txt", "far.txt:4: latitude '34.61870', longitude '236.7'"),
        "bad line inside a zip": (folder / "SY.zip", "SY.zip:SY.txt:3: latitude '33,901' is not a number"),
    }


def test_bad_input_is_a_clear_error_and_leaves_imports_intact(imported, tmp_path):
    before = _listing()
    assert before
    for kind, (path, message) in _bad_inputs(tmp_path).items():
        result = ew("gazetteer", "import", "--no-index", str(path))
        assert result.exit_code != 0, kind
        assert message in result.output, (kind, result.output)
        assert "nothing was imported, earlier imports are unchanged" in result.output, kind
        assert _listing() == before, kind
    assert not [p for p in (imported[0] / "geonames").iterdir() if p.suffix == ".tmp"]


def test_one_bad_file_imports_none_of_the_batch(imported, tmp_path):
    before = _listing()
    good = tmp_path / "GOOD.txt"
    good.write_text(FIXTURE.read_text(encoding="utf-8"), encoding="utf-8")
    bad = tmp_path / "bad.txt"
    bad.write_text("1\t2\t3\n", encoding="utf-8")
    result = ew("gazetteer", "import", "--no-index", str(good), str(bad))
    assert result.exit_code != 0 and "bad.txt:1: 3 tab-separated columns" in result.output
    assert _listing() == before
    with pytest.raises(GeoNamesDumpError, match="bad.txt:1"):
        import_geonames_dumps([good, bad])
    assert _listing() == before


def test_remove_unknown_name_lists_the_imports(imported):
    result = ew("gazetteer", "remove", "Atlantis")
    assert result.exit_code != 0
    assert "no imported GeoNames dump named 'Atlantis' (imported: XX)" in result.output
