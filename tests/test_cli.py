"""The `eventwire` command end to end: real processes, real DuckDB files in temporary folders."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import duckdb
import pytest

from conftest import EXAMPLES


def ew(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "eventwire.cli", *args], capture_output=True, text=True,
                          input=stdin, timeout=600)


@pytest.mark.parametrize("command", ["clean", "extract", "run", "events", "eval", "actors", "actors import"])
def test_every_command_has_help(command):
    p = ew(*command.split(), "--help")
    assert p.returncode == 0 and "Usage:" in p.stdout


def test_clean_json_record():
    p = ew("clean", "--json", str(EXAMPLES / "2015-05-12_nusra_attacks_is.txt"))
    assert p.returncode == 0, p.stderr
    doc = json.loads(p.stdout)
    for field in ("id", "path", "url", "title", "outlet", "published", "published_evidence", "text",
                  "removed_lines"):
        assert field in doc
    assert doc["published"] == "2015-05-12"
    assert "Share on Facebook" not in doc["text"] and "Nusra Front attacked" in doc["text"]


def test_extract_jsonl_follows_the_contract():
    p = ew("extract", str(EXAMPLES / "2015-05-12_nusra_attacks_is.txt"), "--format", "jsonl")
    assert p.returncode == 0, p.stderr
    events = [json.loads(line) for line in p.stdout.splitlines()]
    assert events
    doc_text = json.loads(ew("clean", "--json", str(EXAMPLES / "2015-05-12_nusra_attacks_is.txt")).stdout)["text"]
    for ev in events:
        start, end = ev["span"]
        assert doc_text[start:end].strip() == ev["text"]  # every event points at its sentence
        assert ev["quad_class"] in (1, 2, 3, 4)
        assert ev["document"]["outlet"]


def test_extract_reads_stdin():
    p = ew("extract", "-", stdin="Hezbollah fighters attacked Nusra Front positions near Arsal on Tuesday.\n")
    assert p.returncode == 0, p.stderr
    assert any(json.loads(line)["event_type"] == "ASSAULT" for line in p.stdout.splitlines())


def test_run_is_idempotent_and_records_bad_input(tmp_path):
    bad = tmp_path / "broken.txt"
    bad.write_bytes(b"\x00\x01\x02binary\x00garbage" * 10)
    db = tmp_path / "ew.duckdb"
    first = ew("run", str(EXAMPLES), str(bad), "--db", str(db))
    assert first.returncode == 0, first.stderr
    assert "broken.txt" in first.stderr  # the bad file is named, and the batch went on
    assert "events by type" in first.stdout and str(db) in first.stdout and "actors the registry lacks" in first.stdout
    con = duckdb.connect(str(db), read_only=True)
    n_docs, n_events = con.execute("SELECT (SELECT count(*) FROM documents), (SELECT count(*) FROM events)").fetchone()
    n_err = con.execute("SELECT count(*) FROM read_errors WHERE source LIKE '%broken.txt'").fetchone()[0]
    con.close()
    assert n_docs >= 20 and n_events > 50 and n_err == 1
    second = ew("run", str(EXAMPLES), "--db", str(db))
    assert second.returncode == 0, second.stderr
    assert "0 new documents, 0 new events" in second.stdout
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT count(*) FROM documents").fetchone()[0] == n_docs
    con.close()

    table = ew("events", "--db", str(db), "--type", "ASSAULT", "--country", "LB", "--format", "jsonl")
    assert table.returncode == 0, table.stderr
    rows = [json.loads(line) for line in table.stdout.splitlines()]
    assert rows and all(r["event_type"] == "ASSAULT" for r in rows)
    assert all((r["location"] or {}).get("country_code") == "LB"
               or "LB" in {a["country"] for a in r["actor"] + r["recipient"]} for r in rows)
    csv_out = ew("events", "--db", str(db), "--actor", "Nusra", "--since", "2015-01-01", "--until", "2015-12-31",
                 "--format", "csv")
    assert csv_out.returncode == 0 and csv_out.stdout.startswith("id,date,")
    assert len(csv_out.stdout.splitlines()) > 2
    check_actor_commands(tmp_path, db)


def test_run_without_fusion_then_fuse(tmp_path):
    """`run --no-fuse` stores articles only (a corpus loaded in several runs); `clusters --refuse` fuses them."""
    db = tmp_path / "ew.duckdb"
    p = ew("run", str(EXAMPLES / "2015-05-12_nusra_attacks_is.txt"), str(EXAMPLES / "2015-05-15_nusra_sought_is_help.txt"),
           "--db", str(db), "--no-fuse")
    assert p.returncode == 0, p.stderr
    assert "fusion:" not in p.stdout and "2 new documents" in p.stdout
    with duckdb.connect(str(db), read_only=True) as con:
        events, clusters = con.execute("SELECT (SELECT count(*) FROM events), "
                                       "(SELECT count(*) FROM clusters)").fetchone()
    assert events > 0 and clusters == 0
    fused = ew("clusters", "--db", str(db), "--refuse", "--format", "jsonl")
    assert fused.returncode == 0, fused.stderr
    records = [json.loads(line) for line in fused.stdout.splitlines()]
    assert records and sum(r["mentions"] for r in records) == events  # every event in one happening


def check_actor_commands(tmp_path, db):
    """`eventwire actors`: registry actors with counts, search by alias, provisional actors, promotion."""
    listed = [json.loads(line) for line in ew("actors", "--db", str(db), "--format", "jsonl").stdout.splitlines()]
    nusra = next(r for r in listed if r["id"] == "NUSRA")
    assert nusra["events"] > 0 and nusra["mentions"] >= nusra["events"] and "Jabhat al-Nusra" in nusra["aliases"]
    assert [r["events"] for r in listed] == sorted((r["events"] for r in listed), reverse=True)
    found = ew("actors", "--db", str(db), "--search", "Jabhat an-Nusra", "--format", "jsonl")
    assert [json.loads(line)["id"] for line in found.stdout.splitlines()] == ["NUSRA"]

    promote = tmp_path / "actors" / "new.tsv"
    new = ew("actors", "--new", "--db", str(db), "--format", "jsonl", "--limit", "0", "--write", str(promote))
    assert new.returncode == 0, new.stderr
    items = [json.loads(line) for line in new.stdout.splitlines()]
    assert items and all(i["id"].startswith("NEW:") and i["mentions"] >= 1 and i["example"] for i in items)
    assert [i["mentions"] for i in items] == sorted((i["mentions"] for i in items), reverse=True)
    # the file loads as it is (every row commented out); deleting "# " before a row promotes that actor
    text = promote.read_text(encoding="utf-8")
    chosen = next(i for i in items if " " in i["name"] and i["name"][0].isupper())
    aid = chosen["id"].removeprefix("NEW:")
    row = next(line for line in text.splitlines() if line.startswith(f"# {aid}\t"))
    cells = row[2:].split("\t")
    cells[2:5] = ["SYR", "REB", "rebel group"]
    promote.write_text(text.replace(row, "\t".join(cells)), encoding="utf-8")
    env = {**os.environ, "EVENTWIRE_ACTORS_DIR": str(promote.parent), "EVENTWIRE_CACHE_DIR": str(tmp_path / "cache")}
    p = subprocess.run([sys.executable, "-m", "eventwire.cli", "extract", "-", "--format", "jsonl"], env=env,
                       input=f"{chosen['name']} fighters attacked army positions near Idlib on Monday.\n",
                       capture_output=True, text=True, timeout=600)
    assert p.returncode == 0, p.stderr
    actors = [a for line in p.stdout.splitlines() for a in json.loads(line)["actor"]]
    assert any(a["id"] == aid and a["country"] == "SYR" and a["sector"] == "REB" for a in actors), (aid, actors)
    rewritten = ew("actors", "--new", "--db", str(db), "--write", str(promote))
    assert rewritten.returncode == 0 and promote.read_text(encoding="utf-8").count(f"\n{aid}\t") == 1


def test_failures_exit_nonzero_with_one_line(tmp_path):
    p = ew("events", "--db", "/nonexistent/nowhere.duckdb")
    assert p.returncode != 0 and "nowhere.duckdb" in p.stderr
    p = ew("extract", "/nonexistent/article.txt")
    assert p.returncode != 0 and "article.txt" in p.stderr
    p = ew("run", "/nonexistent/article.txt", "--db", str(tmp_path / "ew.duckdb"), "--quiet")
    assert p.returncode != 0 and "no readable article" in p.stderr
    p = ew("events", "--since", "yesterday")
    assert p.returncode != 0 and "--since 'yesterday' is not a date" in p.stderr


def test_a_repeated_pull_quote_is_kept_once_and_yields_no_twin_events():
    path = str(EXAMPLES / "2016-01-12_madaya_aid.txt")
    raw = open(path, encoding="utf-8").read()
    quote = "surviving on soup made from grass and leaves"
    assert raw.count(quote) == 2  # the page prints it in the body and again as a pull quote
    doc = json.loads(ew("clean", "--json", path).stdout)
    assert doc["text"].count(quote) == 1
    assert any(r["reason"] == "duplicate" and quote in r["text"] for r in doc["removed_lines"])
    events = [json.loads(line) for line in ew("extract", path).stdout.splitlines()]
    keys = [(e["text"], e["event_type"], e["trigger_span"][0]) for e in events]
    assert events and len(keys) == len(set(keys))


def test_verbs_option_adds_a_cameo_verb_dictionary():
    from eventwire.evaluate import default_data_dir

    data = default_data_dir()
    if data is None or not (data / "petrarch2" / "CAMEO.2.0.txt").exists():
        pytest.skip("../shared/data/petrarch2/CAMEO.2.0.txt is absent")
    text = "The rebels vowed to retaliate against the army.\n"
    plain = ew("extract", "-", stdin=text)
    added = ew("extract", "-", "--verbs", str(data / "petrarch2" / "CAMEO.2.0.txt"), stdin=text)
    assert plain.returncode == 0 and added.returncode == 0, added.stderr
    assert "CAMEO.2.0.txt: 9187 lines, 397 verb blocks" in added.stderr  # the import report
    triggers = lambda p: {json.loads(line)["trigger"] for line in p.stdout.splitlines()}  # noqa: E731
    assert "retaliate" in triggers(added) and "retaliate" not in triggers(plain)
    bad = ew("extract", "-", "--verbs", str(data / "plover" / "PLOVER_GSR_CAMEO.json"), stdin=text)
    assert bad.returncode != 0 and "PLOVER_GSR_CAMEO.json" in bad.stderr


def test_places_lists_every_toponym_with_offsets_into_the_cleaned_or_raw_text(tmp_path):
    path = EXAMPLES / "2015-05-12_nusra_attacks_is.txt"
    p = ew("places", str(path), str(EXAMPLES / "2015-05-15_nusra_sought_is_help.txt"))
    assert p.returncode == 0, p.stderr
    rows = [json.loads(line) for line in p.stdout.splitlines()]
    assert {r["document"]["path"] for r in rows} == {str(path), str(EXAMPLES / "2015-05-15_nusra_sought_is_help.txt")}
    cleaned = json.loads(ew("clean", "--json", str(path)).stdout)["text"]
    mine = [r for r in rows if r["document"]["path"] == str(path)]
    assert mine and all(cleaned[r["start"]:r["end"]] == r["text"] for r in mine)
    qalamoun = next(r for r in mine if r["name"] == "Qalamoun Mountains")
    assert qalamoun["country_code"] == "SY" and qalamoun["lat"] and qalamoun["reason"]
    raw = ew("places", "--raw", str(path))
    assert raw.returncode == 0, raw.stderr
    text = path.read_text(encoding="utf-8")
    raw_rows = [json.loads(line) for line in raw.stdout.splitlines()]
    assert raw_rows and all(text[r["start"]:r["end"]] == r["text"] for r in raw_rows)
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\x00\x01binary" * 20)
    p = ew("places", str(bad), str(path))
    assert p.returncode == 0 and "bad.txt" in p.stderr and p.stdout.strip()
