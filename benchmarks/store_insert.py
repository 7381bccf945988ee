"""How fast the store takes a batch of rows: the same event rows inserted into a real DuckDB file as one Arrow
table (`Store._insert`, what `Store.add_many` does per table and batch) and, for comparison, with DuckDB's
`executemany`, one parameter set per row (what the store did before).

    python benchmarks/store_insert.py [--rows 4000] [--json]
    python benchmarks/store_insert.py --growth 500000 [--json]

With `--growth N`, how much a writing process grows while N event rows go in, in batches of 2,000 with a
document lookup after each (as `eventwire run` stores), under the store's own memory limit (WRITER_MEMORY)
and under DuckDB's default (80% of RAM); each in a fresh child process, its resident memory read from /proc.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from eventwire.store import EVENT_COLUMNS, EVENT_NAMES, WRITER_MEMORY, Store  # noqa: E402
from report import print_result, process_memory_mb  # noqa: E402


def rows(n: int, prefix: str) -> list[list]:
    """Event rows shaped like the store's: ids, codes, a place, the sentence and a JSON record of ~1 KB."""
    record = json.dumps({"id": "x", "text": "Fighters attacked positions near the town on Tuesday. " * 12})
    return [[f"{prefix}{i}", f"doc{i // 8}", "ASSAULT", "aerial", 4, "195", "Battles", "Armed clash", "asserted",
             "2015-05-12", "2015-05-12", "day", "Aleppo", 36.2, 37.16, "SY",
             "Fighters attacked positions near Aleppo on Tuesday.", 10 * i, 10 * i + 52, 0.8, record, None]
            for i in range(n)]


def grow(n_rows: int, limit: str) -> dict:
    """Insert n_rows in batches under a memory limit ('default': DuckDB's); the growth of this process in MB
    (its largest and its last) and the seconds taken."""
    with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "grow.duckdb") as store:
        if limit == "default":
            store.con.execute("RESET memory_limit")
        base, largest = process_memory_mb(os.getpid()), 0.0
        started = time.perf_counter()
        for b in range(n_rows // 2000):
            store.con.execute("BEGIN TRANSACTION")
            store._insert("events", EVENT_COLUMNS, rows(2000, f"b{b}-"))
            store.con.execute("COMMIT")
            store.stored([f"doc{b}-{k}" for k in range(64)])
            largest = max(largest, process_memory_mb(os.getpid()) - base)
        return {"largest_mb": round(largest), "last_mb": round(process_memory_mb(os.getpid()) - base),
                "seconds": round(time.perf_counter() - started, 1)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rows", type=int, default=4000)
    ap.add_argument("--growth", type=int, metavar="N", help="measure a writer's growth over N rows instead")
    ap.add_argument("--limit", help=argparse.SUPPRESS)  # the child of --growth: one limit
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    if args.growth and args.limit:
        print(json.dumps(grow(args.growth, args.limit)))
        return
    if args.growth:
        result = {"rows": args.growth}
        for limit in (WRITER_MEMORY, "default"):
            child = subprocess.run([sys.executable, __file__, "--growth", str(args.growth), "--limit", limit],
                                   capture_output=True, text=True, check=True)
            result.update({f"{limit}_{k}": v for k, v in json.loads(child.stdout).items()})
        print_result(result, args.json, width=24)
        return
    with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "insert.duckdb") as store:
        started = time.perf_counter()
        store.con.execute("BEGIN TRANSACTION")
        store._insert("events", EVENT_COLUMNS, rows(args.rows, "arrow"))
        store.con.execute("COMMIT")
        arrow = time.perf_counter() - started
        started = time.perf_counter()
        store.con.execute("BEGIN TRANSACTION")
        store.con.executemany(f"INSERT INTO events ({', '.join(EVENT_NAMES[:22])}) VALUES ({', '.join('?' * 22)})",
                              rows(args.rows, "many"))
        store.con.execute("COMMIT")
        many = time.perf_counter() - started
        stored = store.con.execute("SELECT count(*) FROM events").fetchone()[0]
    assert stored == 2 * args.rows
    print_result({"rows": args.rows, "arrow_s": round(arrow, 3), "executemany_s": round(many, 2),
                  "speedup": round(many / arrow, 1)}, args.json)


if __name__ == "__main__":
    main()
