"""Crash safety of `eventwire run`: real runs killed with SIGKILL at random moments, each followed by a rerun,
against one run never interrupted.

    python benchmarks/kill_rerun.py [--trials 20] [--seed 1] [--json FILE] [--keep DIR]

The corpus: the articles of examples/, the 8 of /work/shared/eval/articles when present, the 35 of the fusion
gold set (eventwire/data/fusion/articles.jsonl, many reports of the same happenings, so fusion has work to do),
and inputs that cannot be read (a binary file, a blank one, a PDF, a JSONL file with a malformed line and a
record without text, a path that does not exist), so read_errors is exercised. A reference database comes from
one uninterrupted `eventwire run CORPUS --db REF --quiet` (a real subprocess, timed). Each trial then starts a
real `eventwire run` in its own session (batch size drawn from a few, quiet or not) and SIGKILLs it at a moment
drawn between 0 and the reference run's duration (a run that ends before its kill is timed, becomes the measure
in place of the reference's, and the trial starts again on an empty database: the machine's load, and with it a
run's length, changes over the trials): odd trials kill the whole process group, even ones the main
process only, after which no process of its session may be alive a few seconds later (its spaCy workers die
with it). The killed database must open (read-only) and hold no partial document: every stored document has
exactly the document row, events (record for record), parties and actor mentions the reference has for it, and
no event, party or mention is without its document. Then the run is started again, killed once more in about a
third of the trials, and finally run to the end; the database must equal the reference table by table: documents,
events (every column, the record JSON included), event_actors, actor_mentions, read_errors (source, reason, none
listed twice), clusters, cluster_members and contradictions.

Prints one line per trial (times started again, the kill's moment and mode and its share of a full run, the
documents stored when it came, whether the database was fused by then, the run's workers alive at the kill and
left alive after it) and the totals; --json FILE writes them all.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

import duckdb

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "examples"
EVAL_ARTICLES = Path("/work/shared/eval/articles")
FUSION_ARTICLES = REPO / "eventwire" / "data" / "fusion" / "articles.jsonl"
EVENTWIRE = [sys.executable, "-c", "import sys; from eventwire.cli import main; sys.exit(main())"]
BATCH_SIZES = (2, 5, 16, 40)
GRACE = 5.0  # seconds a killed run's workers get to die before they count as orphans

# Each table as rows comparable across databases: the time a row was written left out, parties' id lists sorted
# (`Store._organise` builds them with list(DISTINCT), in no fixed order), JSON records with their keys sorted.
TABLES = {
    "documents": "SELECT * EXCLUDE (ingested_at) FROM documents",
    "events": "SELECT * EXCLUDE (actor_ids, recipient_ids), list_sort(actor_ids) AS actor_ids, "
              "list_sort(recipient_ids) AS recipient_ids FROM events",
    "event_actors": "SELECT * FROM event_actors",
    "actor_mentions": "SELECT * FROM actor_mentions",
    "read_errors": "SELECT source, reason FROM read_errors",
    "clusters": "SELECT * FROM clusters",
    "cluster_members": "SELECT * FROM cluster_members",
    "contradictions": "SELECT * FROM contradictions",
}


def build_corpus(folder: Path) -> list[str]:
    """Write the corpus into `folder`; the paths to give `eventwire run`."""
    folder.mkdir(parents=True)
    shutil.copytree(EXAMPLES, folder / "examples")
    if EVAL_ARTICLES.is_dir():
        shutil.copytree(EVAL_ARTICLES, folder / "eval")
    shutil.copy(FUSION_ARTICLES, folder / "fusion_reports.jsonl")
    bad = folder / "unreadable"
    bad.mkdir()
    (bad / "broken.txt").write_bytes(b"\x00\x01\x02\x7fbinary\x00" * 64)
    (bad / "blank.txt").write_text(" \n\t\n")
    (bad / "scan.pdf").write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    (bad / "mixed.jsonl").write_text('{"text": "unterminated\n{"title": "no text field"}\n')
    return [str(folder), str(folder / "missing.txt")]


def _env() -> dict[str, str]:
    """The environment of an `eventwire` subprocess: this checkout's package first."""
    return dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])))


def start_run(paths: list[str], db: Path, batch_size: int, quiet: bool, log: Path) -> subprocess.Popen:
    """A real `eventwire run` of this checkout, in a session of its own (its id is the run's pid)."""
    args = [*EVENTWIRE, "run", *paths, "--db", str(db), "--batch-size", str(batch_size)]
    args += ["--quiet"] if quiet else []
    with open(log, "ab") as out:
        return subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=_env(),
                                cwd=db.parent, start_new_session=True)


def session_processes(sid: int) -> list[int]:
    """The live processes (zombies aside) of a session, from /proc: a run and its spaCy workers, which keep
    the run's session when it dies and they are handed to another parent."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        state, session = fields[0], int(fields[3])
        if session == sid and state not in ("Z", "X"):
            found.append(int(entry))
    return sorted(found)


def kill_run(proc: subprocess.Popen, moment: float, started: float, whole_group: bool) -> dict[str, Any]:
    """SIGKILL the run at `moment` seconds after `started` (its process group, or its main process alone) unless
    it ended before; then how many of its workers were alive at the kill and are still alive `GRACE` s later
    (those are killed afterwards, so that the next run is not disturbed)."""
    while time.monotonic() - started < moment and proc.poll() is None:
        time.sleep(0.01)
    if proc.poll() is not None:
        return {"killed": False, "exit": proc.returncode, "workers": 0, "orphans": 0,
                "ended_after": time.monotonic() - started}
    workers = [p for p in session_processes(proc.pid) if p != proc.pid]
    if whole_group:
        os.killpg(proc.pid, signal.SIGKILL)
    else:
        os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=60)
    deadline = time.monotonic() + GRACE
    while (left := session_processes(proc.pid)) and time.monotonic() < deadline:
        time.sleep(0.05)
    if left:
        os.killpg(proc.pid, signal.SIGKILL)
    return {"killed": True, "exit": proc.returncode, "workers": len(workers), "orphans": len(left)}


def reference_run(paths: list[str], db: Path, log: Path) -> dict[str, Any]:
    """The uninterrupted run, timed: its length, and when its spaCy workers were first and last seen alive (before:
    loading spaCy and reading; between: parsing and storing; after: the last batch stored, fusion, closing)."""
    started = time.monotonic()
    proc = start_run(paths, db, 16, True, log)
    first = last = None
    while proc.poll() is None:
        if [p for p in session_processes(proc.pid) if p != proc.pid]:
            last = time.monotonic() - started
            first = last if first is None else first
        time.sleep(0.02)
    return {"seconds": time.monotonic() - started, "exit": proc.returncode, "workers_from": first,
            "workers_until": last}


def _rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[dict[str, Any]]:
    cursor = con.execute(sql)
    names = [d[0] for d in cursor.description]
    rows = []
    for values in cursor.fetchall():
        row = dict(zip(names, values))
        if isinstance(row.get("record"), str):
            row["record"] = json.loads(row["record"])
        rows.append(row)
    return rows


def _key(row: dict[str, Any]) -> str:
    return json.dumps(row, sort_keys=True, ensure_ascii=False, default=str)


def snapshot(db: Path) -> dict[str, list[str]]:
    """Every table of a database as a sorted list of comparable rows (a table not created yet is empty)."""
    with duckdb.connect(str(db), read_only=True) as con:
        present = {name for (name,) in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
        return {table: sorted(_key(r) for r in _rows(con, sql)) if table in present else []
                for table, sql in TABLES.items()}


class Reference:
    """The uninterrupted run's database, grouped by document for the partial-document check."""

    def __init__(self, db: Path) -> None:
        self.tables = snapshot(db)
        with duckdb.connect(str(db), read_only=True) as con:
            self.by_document = _by_document(con)
        self.documents = set(self.by_document)


def _by_document(con: duckdb.DuckDBPyConnection) -> dict[str, dict[str, list[str]]]:
    """Per document id: its row, its events (id, document and record: what `add_many` writes; the cluster
    columns come later, from fusion), its events' parties and its actor mentions, as comparable rows."""
    out: dict[str, dict[str, list[str]]] = {}
    for row in _rows(con, TABLES["documents"]):
        out[row["id"]] = {"document": [_key(row)], "events": [], "event_actors": [], "actor_mentions": []}
    queries = {
        "events": "SELECT document_id AS _doc, id, document_id, record FROM events",
        "event_actors": "SELECT e.document_id AS _doc, a.* FROM event_actors a JOIN events e ON e.id = a.event_id",
        "actor_mentions": "SELECT document_id AS _doc, * FROM actor_mentions",
    }
    for part, sql in queries.items():
        for row in _rows(con, sql):
            doc = row.pop("_doc")
            out.setdefault(doc, {"document": [], "events": [], "event_actors": [], "actor_mentions": []})
            out[doc][part].append(_key(row))
    for parts in out.values():
        for rows in parts.values():
            rows.sort()
    return out


def check_killed(db: Path, ref: Reference) -> dict[str, Any]:
    """What a killed run left: whether the file opens read-only, documents stored, whether it is fused, read
    errors recorded, and every problem found (a document not whole, rows without their document, an error
    listed twice)."""
    if not db.exists():
        return {"opens": True, "documents": 0, "fused": False, "read_errors": 0, "problems": []}
    try:
        con = duckdb.connect(str(db), read_only=True)
    except Exception as exc:  # noqa: BLE001 - that it does not open is the finding
        return {"opens": False, "documents": None, "fused": None, "read_errors": None,
                "problems": [f"does not open: {exc}"]}
    problems: list[str] = []
    with con:
        present = {name for (name,) in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
        if not {"documents", "events", "event_actors", "actor_mentions", "read_errors"} <= present:
            return {"opens": True, "documents": 0, "fused": False, "read_errors": 0, "problems": []}
        stored = _by_document(con)
        for doc, parts in stored.items():
            if not parts["document"]:
                problems.append(f"rows of document {doc} without its document row")
            elif doc not in ref.by_document:
                problems.append(f"document {doc} is not in the reference")
            elif parts != ref.by_document[doc]:
                differ = [p for p in parts if parts[p] != ref.by_document[doc][p]]
                problems.append(f"document {doc} is partial or different: {', '.join(differ)}")
        one = lambda sql: con.execute(sql).fetchone()[0]  # noqa: E731
        dangling = one("SELECT count(*) FROM event_actors WHERE event_id NOT IN (SELECT id FROM events)")
        if dangling:
            problems.append(f"{dangling} event_actors rows without their event")
        repeated = one("SELECT count(*) - count(DISTINCT (source, reason)) FROM read_errors")
        if repeated:
            problems.append(f"{repeated} read errors listed twice")
        n_docs, n_errors = one("SELECT count(*) FROM documents"), one("SELECT count(*) FROM read_errors")
        fused = bool(one("SELECT count(*) FROM events")) and not one(
            "SELECT count(*) FROM events WHERE cluster_id IS NULL")
    return {"opens": True, "documents": n_docs, "fused": fused, "read_errors": n_errors, "problems": problems}


def compare(db: Path, ref: Reference) -> dict[str, Any]:
    """The finished database against the reference: the tables that differ, documents lost and stored twice."""
    got = snapshot(db)
    ids = Counter(json.loads(r)["id"] for r in got["documents"])
    return {"identical": got == ref.tables, "differ": [t for t in TABLES if got[t] != ref.tables[t]],
            "lost": len(ref.documents - set(ids)), "duplicated": sum(n - 1 for n in ids.values()),
            "extra": len(set(ids) - ref.documents),
            "repeated_errors": len(got["read_errors"]) - len(set(got["read_errors"]))}


class FullRun:
    """How long an uninterrupted run takes: the reference run's time at first, then that of the latest run from an
    empty database that ended before its kill came. On a shared machine a run's length follows the load: a
    yardstick taken once would leave kills falling after the end (or all early) as the load changes."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds


def trial(n: int, rng: random.Random, paths: list[str], work: Path, ref: Reference, full: FullRun) -> dict[str, Any]:
    """One kill (and sometimes a second, of the rerun) and a rerun to the end, checked against the reference.
    A first run that ends before its kill is timed as a full run, and the trial starts again from an empty
    database with a moment drawn anew (at most 3 times). Over four trials every pairing comes up: the whole
    group or the main process killed, the killed run quiet or not, the final run quiet or not."""
    db = work / f"trial{n:02d}.duckdb"
    log = work / f"trial{n:02d}.log"
    began = time.monotonic()
    runs: list[dict[str, Any]] = []
    redrawn = 0
    for attempt in range(2 if rng.random() < 1 / 3 else 1):  # the rerun killed again in a third of the trials
        batch, quiet = rng.choice(BATCH_SIZES), (n // 2 + attempt) % 2 == 0
        whole_group = (n + attempt) % 2 == 1
        while True:
            moment, yardstick = rng.uniform(0, full.seconds), full.seconds
            started = time.monotonic()
            proc = start_run(paths, db, batch, quiet, log)
            kill = kill_run(proc, moment, started, whole_group)
            if kill["killed"] or attempt > 0 or kill["exit"] != 0 or redrawn == 3:
                break
            full.seconds = kill["ended_after"]
            redrawn += 1
            for path in db.parent.glob(db.name + "*"):  # the database, its log and its lock files
                path.unlink()
        state = check_killed(db, ref)
        runs.append({"batch_size": batch, "quiet": quiet, "kill_at": round(moment, 2),
                     "share": round(moment / yardstick, 3), "full_run": round(yardstick, 2),
                     "mode": "group" if whole_group else "main", **kill, **state})
    batch, quiet = rng.choice(BATCH_SIZES), n % 4 in (1, 2)
    proc = start_run(paths, db, batch, quiet, log)
    code = proc.wait(timeout=1800)
    try:  # nothing of a finished run may be left running
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    result = compare(db, ref)
    final = {"batch_size": batch, "quiet": quiet, "exit": code}
    return {"trial": n, "kills": runs, "redrawn": redrawn, "final": final,
            **result, "seconds": round(time.monotonic() - began, 1), "documents": len(ref.documents)}


def _phase(kill: dict[str, Any], total: int) -> str:
    """How far a killed run had gone: the documents stored when the kill came, and whether it had fused them."""
    if not kill["killed"]:
        return "ended first"
    if kill["documents"] is None:
        return "no open"
    return f"{kill['documents']}/{total}" + (" fused" if kill["fused"] else "")


def _row(t: dict[str, Any]) -> str:
    first, total = t["kills"][0], t["documents"]
    problems = sum(len(k["problems"]) for k in t["kills"])
    again = " ".join(f"{k['kill_at']:.1f}s {k['mode']} {_phase(k, total)}" for k in t["kills"][1:]) or "-"
    identical = "yes" if t["identical"] and t["final"]["exit"] == 0 else "NO " + ",".join(t["differ"])
    return (f"{t['trial']:>5}  {t['redrawn']:>4}  {first['batch_size']:>5}  {'q' if first['quiet'] else '-':>5}  "
            f"{first['mode']:<5}  {first['kill_at']:>6.2f}  {first['share']:>4.0%}  {_phase(first, total):<14}  "
            f"{first['workers']:>7}  {sum(k['orphans'] for k in t['kills']):>7}  {problems:>7}  {again:<24}  "
            f"{t['final']['batch_size']:>3}{' q' if t['final']['quiet'] else '  '}  {identical:<9}  "
            f"{t['lost']:>4}  {t['duplicated']:>3}  {t['seconds']:>6.1f}")


HEADER = ("trial  redo  batch  quiet  kill    at s   run  stored at kill  workers  orphans  partial  rerun killed at"
          "           final  identical  lost  dup       s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--trials", type=int, default=20, help="kill-and-rerun trials (default 20)")
    parser.add_argument("--seed", type=int, default=1, help="seed of the kill moments and settings (default 1)")
    parser.add_argument("--json", dest="json_file", help="write the settings, every trial and the totals here")
    parser.add_argument("--keep", help="work in this folder and keep it (default: a temporary folder, removed)")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="kill_rerun-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        paths = build_corpus(work / "corpus")
        # the first run after a change to the registry, gazetteer or nlp.py builds the phrase tables: not timed
        warm = subprocess.run([*EVENTWIRE, "extract", str(EXAMPLES / "2014-08-04_arsal.txt"), "--processes", "1"],
                              capture_output=True, cwd=work, env=_env())
        if warm.returncode != 0:
            sys.exit(f"eventwire extract failed: {warm.stderr.decode()[-2000:]}")
        ref_db = work / "reference.duckdb"
        timing = reference_run(paths, ref_db, work / "reference.log")
        whole = timing["seconds"]
        if timing["exit"] != 0:
            sys.exit(f"the reference run failed ({timing['exit']}): see {work / 'reference.log'}")
        ref = Reference(ref_db)
        n_errors = len(ref.tables["read_errors"])
        print(f"corpus: {len(ref.documents)} documents, {len(ref.tables['events'])} events, "
              f"{len(ref.tables['clusters'])} clusters, {len(ref.tables['contradictions'])} contradictions, "
              f"{n_errors} unreadable inputs; reference run {whole:.1f} s (batch 16, 2 processes, --quiet), "
              f"its spaCy workers alive from {timing['workers_from'] or 0:.1f} s "
              f"to {timing['workers_until'] or 0:.1f} s")
        print(HEADER, flush=True)
        full = FullRun(whole)
        trials = []
        for n in range(1, args.trials + 1):
            t = trial(n, rng, paths, work, ref, full)
            trials.append(t)
            print(_row(t), flush=True)
        kills = [k for t in trials for k in t["kills"]]
        totals = {
            "trials": len(trials),
            "kills": sum(k["killed"] for k in kills),
            "kills_of_main_process_only": sum(k["killed"] and k["mode"] == "main" for k in kills),
            "kills_while_storing": sum(k["killed"] and 0 < (k["documents"] or 0) < len(ref.documents) for k in kills),
            "kills_after_all_stored_before_fused": sum(
                k["killed"] and k["documents"] == len(ref.documents) and not k["fused"] for k in kills),
            "runs_ended_before_kill": sum(not k["killed"] for k in kills) + sum(t["redrawn"] for t in trials),
            "trials_started_again": sum(t["redrawn"] > 0 for t in trials),
            "killed_db_open_failures": sum(not k["opens"] for k in kills),
            "killed_db_problems": sum(len(k["problems"]) for k in kills),
            "trials_identical": sum(t["identical"] and t["final"]["exit"] == 0 for t in trials),
            "lost_documents": sum(t["lost"] for t in trials),
            "duplicated_documents": sum(t["duplicated"] for t in trials),
            "repeated_read_errors": sum(t["repeated_errors"] for t in trials),
            "workers_alive_at_main_only_kills": sum(k["workers"] for k in kills if k["killed"] and k["mode"] == "main"),
            "orphan_workers": sum(k["orphans"] for k in kills),
        }
        print()
        for key, value in totals.items():
            print(f"{key:<40} {value}")
        for t in trials:
            for k in t["kills"]:
                for problem in k["problems"]:
                    print(f"trial {t['trial']}: {problem}")
        if args.json_file:
            Path(args.json_file).write_text(json.dumps(
                {"seed": args.seed, "reference": timing, "documents": len(ref.documents),
                 "events": len(ref.tables["events"]), "clusters": len(ref.tables["clusters"]),
                 "contradictions": len(ref.tables["contradictions"]), "read_errors": n_errors,
                 "trials": trials, "totals": totals}, indent=1))
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
