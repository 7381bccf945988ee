"""`eventwire serve` answering queries while `eventwire run` or `eventwire watch` writes the same DuckDB file, all
real processes on loopback: no request fails, no lock error reaches anyone, and a document is never seen half
written (its events all there, or the document not there at all)."""
from __future__ import annotations

import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import httpx
import pytest

from eventwire.ingest import read_inputs
from eventwire.model import Document
from eventwire.store import Store

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
EVENTWIRE = [sys.executable, "-m", "eventwire.cli"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _corpus(folder: Path, copies: int, per_file: int = 10) -> int:
    """The example articles as JSONL records, each ``copies`` times with a sentence of its own added (so a
    different document), ``per_file`` records a file; the number of articles written."""
    folder.mkdir(parents=True, exist_ok=True)
    docs = [d for d in read_inputs([str(EXAMPLES)]) if isinstance(d, Document)]
    records = [{"text": f"{d.text}\n\nResidents counted {k + 2} convoys on the main road that week.",
                "title": d.title, "outlet": d.outlet, "published": d.published, "url": d.url}
               for k in range(copies) for d in docs]
    for at in range(0, len(records), per_file):
        with open(folder / f"part-{at // per_file:03d}.jsonl", "w", encoding="utf-8") as f:
            f.writelines(json.dumps(r) + "\n" for r in records[at:at + per_file])
    return len(records)


class _Readers:
    """Threads asking the server for counts, every event and single documents until stopped; each answer's
    status is kept, and every full event listing as per-document counts."""

    def __init__(self, base: str, threads: int = 2) -> None:
        self.base = base
        self.statuses: Counter = Counter()
        self.failures: list[str] = []
        self.snapshots: list[Counter] = []
        self.document_counts: list[list[int]] = []
        self.stop = threading.Event()
        self.threads = [threading.Thread(target=self._ask, args=(k,), daemon=True) for k in range(threads)]
        for t in self.threads:
            t.start()

    def _ask(self, k: int) -> None:
        rng = random.Random(k)
        seen: list[int] = []
        self.document_counts.append(seen)
        with httpx.Client(base_url=self.base, timeout=120) as client:
            while not self.stop.is_set():
                choice = rng.random()
                if choice < 0.3:
                    r = client.get("/api/stats")
                    if r.status_code == 200:
                        seen.append(r.json()["documents"])
                elif choice < 0.8:
                    r = client.get("/api/events", params={"limit": 1000})
                    if r.status_code == 200:
                        body = r.json()
                        assert body["next_cursor"] is None, "the corpus is meant to fit one page"
                        self.snapshots.append(Counter(e["document"]["id"] for e in body["events"]))
                        if body["events"]:
                            doc = rng.choice(body["events"])["document"]["id"]
                            d = client.get(f"/api/documents/{doc}")
                            self.statuses[d.status_code] += 1
                            if d.status_code != 200:
                                self.failures.append(f"/api/documents/{doc}: {d.status_code} {d.text[:200]}")
                else:
                    r = client.get("/api/events", params={"type": "ASSAULT", "sort": "-sources", "limit": 20})
                self.statuses[r.status_code] += 1
                if r.status_code != 200:
                    self.failures.append(f"{r.request.url}: {r.status_code} {r.text[:200]}")
                time.sleep(0.02)

    def finish(self) -> None:
        self.stop.set()
        for t in self.threads:
            t.join(timeout=180)


@pytest.fixture()
def served(tmp_path: Path):
    """A database holding two articles and a real `eventwire serve` process over it."""
    db = tmp_path / "live.duckdb"
    seed = tmp_path / "seed"
    seed.mkdir()
    for name in sorted(p.name for p in EXAMPLES.glob("*.txt"))[:2]:
        shutil.copy(EXAMPLES / name, seed / name)
    subprocess.run([*EVENTWIRE, "run", str(seed), "--db", str(db), "--quiet", "--processes", "1"], check=True,
                   timeout=300)
    port = _free_port()
    log = open(tmp_path / "serve.log", "w")
    server = subprocess.Popen([*EVENTWIRE, "serve", "--db", str(db), "--port", str(port)], stdout=log,
                              stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            if httpx.get(base + "/api/stats", timeout=5).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.2)
    else:
        server.kill()
        pytest.fail("the server did not start: " + (tmp_path / "serve.log").read_text())
    yield db, base
    server.send_signal(signal.SIGINT)
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        server.kill()
    log.close()
    text = (tmp_path / "serve.log").read_text()
    assert "Traceback" not in text and "lock" not in text.lower(), text


def _final_counts(db: Path) -> Counter:
    with Store(db, read_only=True) as store:
        return Counter(dict(store.con.execute("SELECT document_id, count(*) FROM events GROUP BY 1").fetchall()))


def _check(readers: _Readers, final: Counter) -> None:
    print(json.dumps({"requests": sum(readers.statuses.values()), "statuses": dict(readers.statuses),
                      "full_listings_checked": len(readers.snapshots), "documents": len(final)}))
    assert not readers.failures, readers.failures[:5]
    assert set(readers.statuses) == {200}, readers.statuses
    # every listing held each document with all of its events, or not at all
    for snapshot in readers.snapshots:
        partial = {doc: (n, final[doc]) for doc, n in snapshot.items() if n != final[doc]}
        assert not partial, f"documents seen half written (seen, final): {partial}"
    # the readers did read while the writer wrote: they saw the count of documents grow, never shrink
    for counts in readers.document_counts:
        assert counts == sorted(counts), f"the count of documents went back: {counts}"
    assert len({n for counts in readers.document_counts for n in counts}) >= 3, readers.document_counts


def test_serve_answers_while_run_writes(served, tmp_path: Path) -> None:
    db, base = served
    corpus = tmp_path / "corpus"
    n = _corpus(corpus, copies=2)
    readers = _Readers(base)
    try:
        run = subprocess.run([*EVENTWIRE, "run", str(corpus), "--db", str(db), "--batch-size", "4"],
                             capture_output=True, text=True, timeout=900)
        # a command-line reader in the middle of it all waits for its turn too
        cli = subprocess.run([*EVENTWIRE, "events", "--db", str(db), "--format", "jsonl", "--limit", "3"],
                             capture_output=True, text=True, timeout=300)
    finally:
        readers.finish()
    assert run.returncode == 0, run.stderr[-2000:]
    assert "lock" not in (run.stdout + run.stderr).lower()
    assert cli.returncode == 0 and len(cli.stdout.splitlines()) == 3, cli.stderr
    final = _final_counts(db)
    with Store(db, read_only=True) as store:
        assert store.con.execute("SELECT count(*) FROM documents").fetchone()[0] == n + 2
    _check(readers, final)


def test_serve_answers_while_watch_writes(served, tmp_path: Path) -> None:
    db, base = served
    staged, watched = tmp_path / "staged", tmp_path / "watched"
    n = _corpus(staged, copies=1, per_file=5)
    watched.mkdir()
    readers = _Readers(base)
    watcher = subprocess.Popen([*EVENTWIRE, "watch", str(watched), "--db", str(db), "--interval", "1"],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines: list[str] = []
    echo = threading.Thread(target=lambda: lines.extend(watcher.stdout), daemon=True)
    echo.start()

    def fused() -> int:  # documents stored by the rounds whose fusion has ended
        return sum(int(m.group(1)) for m in map(re.compile(r"(\d+) new documents this round").search, lines) if m)

    try:
        for f in sorted(staged.iterdir()):  # articles arrive in a few drops
            os.replace(f, watched / f.name)
            time.sleep(2)
        deadline = time.time() + 600
        while fused() < n and time.time() < deadline and watcher.poll() is None:
            time.sleep(0.5)
    finally:
        watcher.send_signal(signal.SIGINT)
        watcher.wait(timeout=120)
        echo.join(timeout=10)
        readers.finish()
    out = "".join(lines)
    assert "lock" not in out.lower() and "Traceback" not in out, out
    final = _final_counts(db)
    with Store(db, read_only=True) as store:
        stored = store.con.execute("SELECT count(*) FROM documents").fetchone()[0]
    assert stored == n + 2, out
    _check(readers, final)
