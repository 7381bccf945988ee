"""The Dask engine beside the local engine: the same articles ingested by `eventwire run --engine local
--processes 2` and by `eventwire run --engine dask --workers 2` into fresh databases, each timed end to end
(loading spaCy, reading, extracting, storing, fusing), then the ratio of their articles per second.

    python benchmarks/dask_throughput.py [--docs 300] [--words 600]

Texts: the corpus of benchmarks/throughput.py (Wikinews articles cut to about --words words), written as one
JSONL file. Both engines pay their fixed costs (spaCy loaded in two processes); the larger --docs, the less
those weigh.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from throughput import corpus  # noqa: E402
from report import print_result  # noqa: E402

RUN = [sys.executable, "-c", "import sys; from eventwire.cli import main; sys.exit(main())", "run"]


def timed(args: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(RUN + args, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--docs", type=int, default=300)
    ap.add_argument("--words", type=int, default=600)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    texts = corpus(args.docs, args.words)
    with tempfile.TemporaryDirectory() as tmp:
        inputs = Path(tmp) / "articles.jsonl"
        inputs.write_text("".join(json.dumps({"text": t, "url": f"https://bench.example.org/{i}",
                                              "outlet": f"Outlet {i % 40}", "published": "2015-05-12"}) + "\n"
                                  for i, t in enumerate(texts)), encoding="utf-8")
        local = timed([str(inputs), "--db", f"{tmp}/local.duckdb", "--quiet", "--processes", "2"])
        dask = timed([str(inputs), "--db", f"{tmp}/dask.duckdb", "--quiet", "--engine", "dask", "--workers", "2"])
    result = {"docs": len(texts), "local_s": round(local, 1), "local_docs_per_s": round(len(texts) / local, 2),
              "dask_s": round(dask, 1), "dask_docs_per_s": round(len(texts) / dask, 2),
              "dask_vs_local": round(local / dask, 3)}
    print_result(result, args.json)


if __name__ == "__main__":
    main()
