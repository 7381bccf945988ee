"""Memory over a long run: `eventwire run` over many articles generated from templates we wrote, with the
resident memory of the run (its process and its spaCy workers) sampled every few seconds, to show whether it
stays flat.

    python benchmarks/long_run.py [--articles 100000] [--processes 2] [--every 2]

The articles (about 600 words each) are written as JSONL files of 250 articles in a temporary folder: each
is a sequence of sentences drawn from the templates below, with parties, places, days and figures filled in,
so every article is different and yields events. Prints the articles per second, the memory at the start,
the median, the lowest and highest after the first fifth of the run, and whether they stay within ±10% of
the median.
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
TEMPLATES = [
    "{a} attacked positions held by {b} near {p} {d}, killing at least {n} people, a monitoring group said.",
    "{a} seized several villages on the outskirts of {p} {d} after heavy clashes with {b}.",
    "{a} shelled residential districts of {p} {d}, residents said, and {n} civilians were wounded.",
    "{a} accused {b} of targeting civilians in {p} and demanded an international investigation.",
    "{a} and {b} agreed {d} to a local ceasefire around {p} to let aid convoys reach the town.",
    "Officials said {a} had withdrawn from parts of {p} {d} as {b} advanced from the north.",
    "{a} warned {b} that any attack on {p} would be met with force, according to a statement.",
    "Aid agencies said {n} families had fled {p} {d} as the fighting between {a} and {b} spread.",
    "{a} denied reports that its forces had bombed a hospital in {p} {d}.",
    "Talks between {a} and {b} on the future of {p} ended {d} without agreement, a mediator said.",
]


def article(rng: random.Random, i: int) -> dict:
    sentences = []
    while sum(len(s.split()) for s in sentences) < 600:
        a, b = rng.sample(PARTIES, 2)
        sentences.append(rng.choice(TEMPLATES).format(a=a, b=b, p=rng.choice(PLACES), d=rng.choice(DAYS),
                                                      n=rng.randint(2, 90)))
        sentences[-1] = sentences[-1][0].upper() + sentences[-1][1:]
    paragraphs = [" ".join(sentences[k:k + 4]) for k in range(0, len(sentences), 4)]
    return {"text": "\n\n".join(paragraphs), "title": f"Fighting report {i}", "outlet": f"Outlet {i % 50}",
            "published": f"2015-{1 + i % 12:02d}-{1 + i % 28:02d}", "url": f"https://long.example.org/{i}"}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--articles", type=int, default=100_000)
    ap.add_argument("--processes", type=int, default=2)
    ap.add_argument("--every", type=float, default=2.0, help="seconds between memory samples")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    rng = random.Random(20261123)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "articles"
        folder.mkdir()
        for start in range(0, args.articles, PER_FILE):
            with open(folder / f"part-{start // PER_FILE:05d}.jsonl", "w", encoding="utf-8") as f:
                for i in range(start, min(args.articles, start + PER_FILE)):
                    f.write(json.dumps(article(rng, i)) + "\n")
        cmd = [sys.executable, "-c", "import sys; from eventwire.cli import main; sys.exit(main())", "run",
               str(folder), "--db", f"{tmp}/long.duckdb", "--quiet", "--processes", str(args.processes)]
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        samples: list[tuple[float, float]] = []
        while proc.poll() is None:
            samples.append((time.perf_counter() - started, tree_memory_mb(proc.pid)))
            time.sleep(args.every)
        seconds = time.perf_counter() - started
    if proc.returncode != 0:
        sys.exit(f"eventwire run failed with code {proc.returncode}")
    later = [m for t, m in samples if t >= seconds / 5 and m > 0]
    median = statistics.median(later) if later else 0.0
    result = {"articles": args.articles, "seconds": round(seconds, 1),
              "articles_per_s": round(args.articles / seconds, 2), "samples": len(samples),
              "rss_first_mb": round(next((m for _, m in samples if m > 0), 0)), "rss_median_mb": round(median),
              "rss_min_mb": round(min(later)) if later else None, "rss_max_mb": round(max(later)) if later else None,
              "flat_within_10pct": bool(later) and max(later) <= 1.1 * median and min(later) >= 0.9 * median}
    print_result(result, args.json, width=20)


if __name__ == "__main__":
    main()
