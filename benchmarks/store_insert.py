"""How fast the store takes a batch of rows: the same event rows inserted into a real DuckDB file as one Arrow
table (`Store._insert`, what `Store.add_many` does per table and batch) and, for comparison, with DuckDB's
`executemany`, one parameter set per row (what the store did before).

    python benchmarks/store_insert.py [--rows 4000] [--json]
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from eventwire.store import EVENT_COLUMNS, EVENT_NAMES, Store  # noqa: E402
from report import print_result  # noqa: E402


def rows(n: int, prefix: str) -> list[list]:
    """Event rows shaped like the store's: ids, codes, a place, the sentence and a JSON record of ~1 KB."""
    record = json.dumps({"id": "x", "text": "Fighters attacked positions near the town on Tuesday. " * 12})
    return [[f"{prefix}{i}", f"doc{i // 8}", "ASSAULT", "aerial", 4, "195", "Battles", "Armed clash", "asserted",
             "2015-05-12", "2015-05-12", "day", "Aleppo", 36.2, 37.16, "SY",
             "Fighters attacked positions near Aleppo on Tuesday.", 10 * i, 10 * i + 52, 0.8, record, None]
            for i in range(n)]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rows", type=int, default=4000)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
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
