"""What the gazetteer costs to load: cold load time of its on-disk index, its memory, its size.

    python benchmarks/gazetteer.py [--repeats 3] [--json] [--no-phrases]

Each load runs in a fresh interpreter (a child process), so nothing of an earlier load is reused; the index file
itself is read once beforehand, so it sits in the OS page cache and the figure is unpickling, not the disk. When
the index is absent it is built first, in its own child, and that build time is reported apart. Memory is the
child's resident set after the load less its resident set just before it (after the imports), and the peak
(ru_maxrss) less the same baseline. The same is measured for the entity layer's phrase tables (eventwire/nlp.py),
which hold the gazetteer's surface forms beside the actor registry's, with spaCy, the registry and the gazetteer
loaded before the baseline. Targets (issue): the index loads in under 2 s; the gazetteer takes at most 500 MB.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def rss_mb() -> float:
    """This process's resident memory now, in MB (its peak where /proc is absent)."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return peak_rss_mb()


def peak_rss_mb() -> float:
    """This process's peak resident memory, in MB (Linux reports ru_maxrss in KB, macOS in bytes)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 1024


def _index_path() -> Path:
    """The cache file Gazetteer.load() reads for the bundled data (named as load() names it)."""
    from eventwire.geo.gazetteer import _fingerprint, cache_dir

    return cache_dir() / f"gazetteer-{_fingerprint([])}.pickle"


def child_gazetteer() -> dict:
    """One load of the gazetteer in this (fresh) process: seconds, memory, size."""
    from eventwire.geo import Gazetteer

    path = _index_path()
    built = not path.is_file()
    base = rss_mb()
    t0, c0 = time.perf_counter(), time.process_time()
    gazetteer = Gazetteer.load()
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    return {"seconds": seconds, "cpu_s": cpu, "built": built, "rss_mb": rss_mb() - base, "peak_mb": peak_rss_mb() - base,
            "base_mb": base, "path": str(path), "file_mb": path.stat().st_size / 2**20 if path.is_file() else None,
            "places": len(gazetteer), "names": len(gazetteer._index)}  # distinct normalised names


def child_phrases() -> dict:
    """One load of the entity layer's phrase tables in this (fresh) process, building them when absent."""
    from eventwire.actors import ActorRegistry
    from eventwire.geo import Gazetteer
    from eventwire.nlp import EntityLayer, _load_tables, load_spacy_model

    nlp = load_spacy_model()
    registry, gazetteer = ActorRegistry.default(), Gazetteer.default()
    base = rss_mb()
    t0, c0 = time.perf_counter(), time.process_time()
    tables = _load_tables(nlp, registry, gazetteer)
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    built = tables is None
    if built:  # absent: build (and save) them, and report that as the build
        t0, c0 = time.perf_counter(), time.process_time()
        layer = EntityLayer(nlp)
        seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
        tables = layer.lower, layer.exact
    keys = [key for table in tables for found in table.keys.values() for key in found]
    return {"seconds": seconds, "cpu_s": cpu, "built": built, "rss_mb": rss_mb() - base,
            "peak_mb": peak_rss_mb() - base, "base_mb": base, "place_phrases": sum(k.startswith("P\t") for k in keys),
            "actor_phrases": sum(k.startswith("A\t") for k in keys)}


CHILDREN = {"gazetteer": child_gazetteer, "phrases": child_phrases}


def in_child(what: str) -> dict:
    """Run one measurement in a fresh interpreter and return what it printed."""
    done = subprocess.run([sys.executable, __file__, "--child", what], capture_output=True, text=True,
                          check=False, env={**os.environ, "PYTHONHASHSEED": "0"})
    if done.returncode != 0:
        sys.exit(f"the {what} child failed (exit {done.returncode}):\n{done.stderr.strip()}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def measure(what: str, repeats: int) -> dict:
    """Build if absent (reported as build_s), then `repeats` cold loads: min and median of each figure."""
    first = in_child(what)  # builds when absent; else reads the file into the page cache like the later runs
    runs = [in_child(what) for _ in range(repeats)]
    if any(r["built"] for r in runs):
        sys.exit(f"the {what} cache was rebuilt between runs: is another process changing the data or cache?")
    figures = {"seconds": "load_s", "cpu_s": "load_cpu_s", "rss_mb": "rss_mb", "peak_mb": "peak_mb",
               "base_mb": "base_mb"}
    out = {k: v for k, v in runs[0].items() if k not in figures and k != "built"}
    out["build_s"] = round(first["seconds"], 2) if first["built"] else None
    for key, name in figures.items():
        values = [r[key] for r in runs]
        digits = 2 if key in ("seconds", "cpu_s") else 1
        out[name + "_min"] = round(min(values), digits)
        out[name + "_median"] = round(statistics.median(values), digits)
    if out.get("file_mb") is not None:
        out["file_mb"] = round(out["file_mb"], 1)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=3, help="cold loads of each, after the build or warm-up run")
    ap.add_argument("--json", action="store_true", help="print one JSON line instead of a table")
    ap.add_argument("--no-phrases", action="store_true", help="skip the entity layer's phrase tables")
    ap.add_argument("--child", choices=sorted(CHILDREN), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        print(json.dumps(CHILDREN[args.child]()))
        return
    if args.repeats < 1:
        ap.error("--repeats must be at least 1")
    result = {"repeats": args.repeats, "gazetteer": measure("gazetteer", args.repeats)}
    if not args.no_phrases:
        result["phrase_tables"] = measure("phrases", args.repeats)
    if args.json:
        print(json.dumps(result))
        return
    g = result["gazetteer"]
    print(f"gazetteer index  {g['path']} ({g['file_mb']} MB on disk)")
    print(f"{'':<16} {'min':>8} {'median':>8}")
    rows = [("gazetteer", g)] + ([("phrase tables", result["phrase_tables"])] if "phrase_tables" in result else [])
    for label, r in rows:
        build = "cached" if r["build_s"] is None else f"{r['build_s']:.2f} s"
        print(f"{label}  (build: {build})")
        print(f"  {'load s':<14} {r['load_s_min']:>8} {r['load_s_median']:>8}")
        print(f"  {'load CPU s':<14} {r['load_cpu_s_min']:>8} {r['load_cpu_s_median']:>8}")
        print(f"  {'RSS MB':<14} {r['rss_mb_min']:>8} {r['rss_mb_median']:>8}")
        print(f"  {'peak MB':<14} {r['peak_mb_min']:>8} {r['peak_mb_median']:>8}")
        print(f"  {'baseline MB':<14} {r['base_mb_min']:>8} {r['base_mb_median']:>8}")
    print(f"places {g['places']:,}  names {g['names']:,}", end="")
    if "phrase_tables" in result:
        p = result["phrase_tables"]
        print(f"  phrases: places {p['place_phrases']:,}, actors {p['actor_phrases']:,}")
    else:
        print()


if __name__ == "__main__":
    main()
