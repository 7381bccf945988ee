"""Memory over a long run: `eventwire run` over many articles generated from templates we wrote, with the
resident memory of the run (its process and its spaCy workers) sampled every few seconds, to show whether it
stays flat; then the fusion of everything stored, timed with its own peak.

    python benchmarks/long_run.py [--articles 100000] [--words 150] [--processes 2] [--every 2]

The articles are short wire items (about 150 words by default: a lead with the main act, context that reports
no act, a quote, one or two further acts), written as JSONL files of 250 articles in a temporary folder; parties,
places, days and figures are filled in at random, so every article is different. The run stores with
`--no-fuse`, and `eventwire clusters --refuse` fuses afterwards, so the ingest's memory series is not mixed with
the one-off fusion. Prints articles and words per second, the memory at the start, the median, the lowest and
highest after the first fifth of the ingest, whether they stay within ±10% of the median, and the fusion's
time and peak memory.
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
from report import print_result, tree_memory_mb

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


def _sampled(cmd: list[str], every: float) -> tuple[float, list[tuple[float, float]]]:
    """Run a command, sampling its process tree's resident memory; its seconds and the (time, MB) samples."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    samples: list[tuple[float, float]] = []
    while proc.poll() is None:
        samples.append((time.perf_counter() - started, tree_memory_mb(proc.pid)))
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
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
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
        db = f"{tmp}/long.duckdb"
        seconds, samples = _sampled([*eventwire, "run", str(folder), "--db", db, "--quiet", "--no-fuse",
                                     "--processes", str(args.processes)], args.every)
        fuse_seconds, fuse_samples = _sampled([*eventwire, "clusters", "--db", db, "--refuse", "--limit", "1",
                                               "--format", "jsonl"], args.every)
        import duckdb

        with duckdb.connect(db, read_only=True) as con:
            stored = {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                      for t in ("documents", "events", "clusters")}
    later = [m for t, m in samples if t >= seconds / 5 and m > 0]
    median = statistics.median(later) if later else 0.0
    result = {"articles": args.articles, "words": words, "documents_stored": stored["documents"],
              "events": stored["events"], "seconds": round(seconds, 1),
              "articles_per_s": round(args.articles / seconds, 2), "words_per_s": round(words / seconds),
              "samples": len(samples), "rss_first_mb": round(next((m for _, m in samples if m > 0), 0)),
              "rss_median_mb": round(median), "rss_min_mb": round(min(later)) if later else None,
              "rss_max_mb": round(max(later)) if later else None,
              "flat_within_10pct": bool(later) and max(later) <= 1.1 * median and min(later) >= 0.9 * median,
              "fusion_seconds": round(fuse_seconds, 1), "clusters": stored["clusters"],
              "fusion_peak_mb": round(max((m for _, m in fuse_samples), default=0))}
    print_result(result, args.json, width=20)


if __name__ == "__main__":
    main()
