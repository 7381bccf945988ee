"""`eventwire export`: every format from a real store built from two example articles."""
from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from eventwire.cli import main
from eventwire.export import ACLED_COLUMNS, GDELT_COLUMNS

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def ew(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> str:
    path = str(tmp_path_factory.mktemp("export") / "x.duckdb")
    ran = ew("run", str(EXAMPLES / "2015-05-12_nusra_attacks_is.txt"), str(EXAMPLES / "2014-08-04_arsal.txt"),
             "--db", path, "--quiet")
    assert ran.exit_code == 0, ran.output
    return path


def test_plover_jsonl_is_the_event_contract(db: str) -> None:
    exported = [json.loads(line) for line in ew("export", "--db", db, "--to", "plover-jsonl").output.splitlines()]
    listed = [json.loads(line) for line in ew("events", "--db", db, "--format", "jsonl", "--limit", "100000")
              .output.splitlines()]
    assert exported and sorted(e["id"] for e in exported) == sorted(e["id"] for e in listed)


def test_gdelt_and_acled_csv(db: str) -> None:
    gdelt = list(csv.DictReader(io.StringIO(ew("export", "--db", db, "--to", "gdelt").output)))
    assert gdelt and tuple(gdelt[0]) == GDELT_COLUMNS and len(GDELT_COLUMNS) == 61  # GDELT 2.0's columns, in order
    assert GDELT_COLUMNS[25:27] == ("IsRootEvent", "EventCode") and GDELT_COLUMNS[-1] == "SOURCEURL"
    attack = next(r for r in gdelt if r["EventRootCode"] == "19" and r["ActionGeo_Lat"])
    assert attack["QuadClass"] == "4" and float(attack["GoldsteinScale"]) <= -8.0 and int(attack["NumSources"]) >= 1
    assert attack["AvgTone"] == "" and attack["Actor1Geo_Lat"] == ""  # unknown stays empty
    lebanese = [r for r in gdelt if r["ActionGeo_FullName"].endswith("Lebanon")]
    assert lebanese and all(r["ActionGeo_CountryCode"] == "LE" for r in lebanese)  # FIPS 10-4, as GDELT has it
    acled = list(csv.DictReader(io.StringIO(ew("export", "--db", db, "--to", "acled").output)))
    assert acled and tuple(acled[0]) == ACLED_COLUMNS and all(r["event_type"] for r in acled)
    assert any(r["iso"] == "LBN" and r["geo_precision"] for r in acled)


def test_geojson_gexf_and_parquet(db: str, tmp_path: Path) -> None:
    geo = json.loads(ew("export", "--db", db, "--to", "geojson").output)
    assert geo["type"] == "FeatureCollection" and geo["features"]
    lon, lat = geo["features"][0]["geometry"]["coordinates"]
    assert -180 <= lon <= 180 and -90 <= lat <= 90
    assert ET.fromstring(ew("export", "--db", db, "--to", "gexf").output).tag.endswith("gexf")
    out = tmp_path / "events.parquet.d"
    assert ew("export", "--db", db, "--to", "parquet", "--out", str(out)).exit_code == 0
    months = {p.name for p in out.iterdir()}
    assert months and all(m.startswith("month=") for m in months)
    n = duckdb.sql(f"SELECT count(*) FROM read_parquet('{out}/*/*.parquet', hive_partitioning = true)").fetchall()[0][0]
    assert n == len(ew("export", "--db", db, "--to", "plover-jsonl").output.splitlines())
    assert ew("export", "--db", db, "--to", "parquet").exit_code != 0  # needs a folder
