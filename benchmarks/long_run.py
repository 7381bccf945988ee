"""Memory over a long run: `eventwire run` over many articles generated from templates we wrote, with the
resident memory of the run (its process and its spaCy workers) sampled every few seconds, to show whether it
stays flat; then the fusion of everything stored, timed with its own peak.

    python benchmarks/long_run.py [--articles 100000] [--words 150] [--processes 2] [--every 2] [--db FILE]
                                  [--no-fusion] [--samples FILE.csv]

The articles are short wire items (about 150 words by default: a lead with the main act, context that reports
no act, a quote, one or two further acts), written as JSONL files of 250 articles in a temporary folder; parties,
places, days and figures are filled in at random, so every article is different. The run stores with
`--no-fuse`, and `eventwire clusters --refuse` fuses afterwards, so the ingest's memory series is not mixed with
the one-off fusion. Prints articles and words per second, the memory at the start, the median, the lowest and
highest after the first fifth of the ingest, whether they stay within ±10% of the median (for the whole tree
and for the run's own process, the database writer, apart from its spaCy workers), and the fusion's time and
peak memory, and the writer's median memory in each tenth of the ingest. `--db FILE` keeps the database (to fuse it again later); `--no-fusion` measures the ingest only;
`--samples` writes the memory series (seconds, MB of the tree, MB of the writer) as CSV.
"""
from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from report import print_result, process_memory_mb, tree_memory_mb

PER_FILE = 250  # articles per JSONL file: about 1 MB, under `run`'s --max-bytes
PARTIES = ["Islamic State fighters", "the Nusra Front", "Syrian government forces", "Hezbollah fighters",
           "Kurdish YPG militiamen", "Free Syrian Army rebels", "Turkish troops", "Russian warplanes",
           "the Syrian air force", "Ahrar al-Sham fighters", "Iraqi security forces", "Jaish al-Fatah"]
PLACES = ["Aleppo", "Idlib", "Palmyra", "Homs", "Hama", "Raqqa", "Deir ez-Zor", "Arsal", "Kobani",
          "Jarabulus", "Manbij", "Daraa", "Latakia", "Mosul", "Ramadi", "Qalamoun", "Douma", "Zabadani"]
DAYS = ["on Monday", "on Tuesday", "on Wednesday", "on Thursday", "on Friday", "on Saturday", "late on Sunday",
        "earlier this week", "overnight"]
ACTS = [
    "{a} attacked positions held by {b} near {p} {d}, killing at least {n} people, a monitoring group said.",
    "{a} seized several villages on the outskirts of {p} {d} after heavy clashes with {b}.",
    "{a} shelled residential districts of {p} {d}, residents said, and {n} civilians were wounded.",
    "{a} accused {b} of targeting civilians in {p} and demanded an international investigation.",
    "{a} and {b} agreed {d} to a local ceasefire around {p} to let aid convoys reach the town.",
    "Officials said {a} had withdrawn from parts of {p} {d} as {b} advanced from the north.",
    "{a} warned {b} that any attack on {p} would be met with force, according to a statement.",
    "{a} denied reports that its forces had bombed a hospital in {p} {d}.",
    "Talks between {a} and {b} on the future of {p} ended {d} without agreement, a mediator said.",
]
CONTEXT = [
    "{p} had about {n},000 inhabitants before the war, most of whom have since left.",
    "The road through {p} is the main supply line for the districts further north.",
    "The account could not be independently verified because access to the area is restricted.",
    "Bread and fuel have been scarce in {p} for weeks, and prices have tripled since the spring.",
    "Schools in the district stayed closed for a second week, and the market opened only in the mornings.",
    "Electricity reaches most neighbourhoods of {p} for a few hours a day, a local official said.",
    "Analysts describe the hills around {p} as strategic because they overlook the main highway.",
    "The monitoring group relies on a network of doctors and activists inside the country.",
    "\"We have not slept properly for a month,\" said a teacher who asked not to be named.",
    "Winter rains have turned the camps outside {p} into mud, aid workers said.",
]


def _fill(template: str, rng: random.Random) -> str:
    a, b = rng.sample(PARTIES, 2)
    text = template.format(a=a, b=b, p=rng.choice(PLACES), d=rng.choice(DAYS), n=rng.randint(2, 90))
    return text[0].upper() + text[1:]


def article(rng: random.Random, i: int, words: int) -> dict:
    """A lead act, then context and further acts in about equal numbers, up to `words` words."""
    sentences = [_fill(rng.choice(ACTS), rng)]
    while sum(len(s.split()) for s in sentences) < words:
        sentences.append(_fill(rng.choice(CONTEXT if rng.random() < 0.55 else ACTS), rng))
    paragraphs = [" ".join(sentences[k:k + 3]) for k in range(0, len(sentences), 3)]
    return {"text": "\n\n".join(paragraphs), "title": f"Fighting report {i}", "outlet": f"Outlet {i % 50}",
            "published": f"2015-{1 + i % 12:02d}-{1 + i % 28:02d}", "url": f"https://long.example.org/{i}"}


def _sampled(cmd: list[str], every: float) -> tuple[float, list[tuple[float, float, float]]]:
    """Run a command, sampling its resident memory; its seconds and the samples (time, MB of the process tree,
    MB of the process alone)."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    samples: list[tuple[float, float]] = []
    while proc.poll() is None:
        samples.append((time.perf_counter() - started, tree_memory_mb(proc.pid), process_memory_mb(proc.pid)))
        time.sleep(every)
    if proc.returncode != 0:
        sys.exit(f"{' '.join(cmd[3:5])} failed with code {proc.returncode}")
    return time.perf_counter() - started, samples


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--articles", type=int, default=100_000)
    ap.add_argument("--words", type=int, default=150, help="about this many words per article")
    ap.add_argument("--processes", type=int, default=2)
    ap.add_argument("--every", type=float, default=2.0, help="seconds between memory samples")
    ap.add_argument("--db", help="keep the database in this file (it must not exist yet)")
    ap.add_argument("--no-fusion", action="store_true", help="measure the ingest only")
    ap.add_argument("--samples", help="write the ingest's memory samples to this CSV file")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    if args.db and Path(args.db).exists():
        sys.exit(f"{args.db} exists; give a new file")
    rng = random.Random(20261123)
    eventwire = [sys.executable, "-c", "import sys; from eventwire.cli import main; sys.exit(main())"]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "articles"
        folder.mkdir()
        words = 0
        for start in range(0, args.articles, PER_FILE):
            with open(folder / f"part-{start // PER_FILE:05d}.jsonl", "w", encoding="utf-8") as f:
                for i in range(start, min(args.articles, start + PER_FILE)):
                    item = article(rng, i, args.words)
                    words += len(item["text"].split())
                    f.write(json.dumps(item) + "\n")
        db = args.db or f"{tmp}/long.duckdb"
        seconds, samples = _sampled([*eventwire, "run", str(folder), "--db", db, "--quiet", "--no-fuse",
                                     "--processes", str(args.processes)], args.every)
        fuse_seconds, fuse_samples = None, []
        if not args.no_fusion:
            fuse_seconds, fuse_samples = _sampled([*eventwire, "clusters", "--db", db, "--refuse", "--limit", "1",
                                                   "--format", "jsonl"], args.every)
        import duckdb

        with duckdb.connect(db, read_only=True) as con:
            stored = {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                      for t in ("documents", "events", "clusters")}
    if args.samples:
        with open(args.samples, "w", encoding="utf-8") as f:
            f.write("seconds,tree_mb,writer_mb\n")
            f.writelines(f"{t:.1f},{tree:.0f},{writer:.0f}\n" for t, tree, writer in samples)

    def series(column: int, name: str) -> dict:  # after the first fifth: median, lowest, highest, flat or not
        later = [s[column] for s in samples if s[0] >= seconds / 5 and s[column] > 0]
        median = statistics.median(later) if later else 0.0
        return {f"{name}_first_mb": round(next((s[column] for s in samples if s[column] > 0), 0)),
                f"{name}_median_mb": round(median), f"{name}_min_mb": round(min(later)) if later else None,
                f"{name}_max_mb": round(max(later)) if later else None,
                f"{name}_flat_10pct": bool(later) and max(later) <= 1.1 * median and min(later) >= 0.9 * median}

    result = {"articles": args.articles, "words": words, "documents_stored": stored["documents"],
              "events": stored["events"], "seconds": round(seconds, 1),
              "articles_per_s": round(args.articles / seconds, 2), "words_per_s": round(words / seconds),
              "samples": len(samples), **series(1, "rss"), **series(2, "writer"),
              "writer_by_tenth_mb": [round(statistics.median(s[2] for s in samples[k * len(samples) // 10:
                                                                                   (k + 1) * len(samples) // 10]))
                                     for k in range(10)] if len(samples) >= 10 else None,
              "fusion_seconds": fuse_seconds and round(fuse_seconds, 1), "clusters": stored["clusters"],
              "fusion_peak_mb": round(max((s[1] for s in fuse_samples), default=0))}
    print_result(result, args.json, width=20)


if __name__ == "__main__":
    main()
