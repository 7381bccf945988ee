"""Speed of eventwire's cheap stages on their own, each the best of several repeats in this process: cleaning a
scraped page of about 600 words, resolving relative time phrases, loading the actor registry and resolving
party names with it. These were timed unit tests before; a test's timing fails on a busy machine and proves
nothing about correctness, so the figures live here.

    python benchmarks/stages.py [--repeats 5] [--json]

Targets the earlier tests held: cleaning under 5 ms a page, at least 20,000 time phrases a second, the
registry loaded in under 1 s, at least 50,000 name resolutions a second.
"""
from __future__ import annotations

import argparse
import sys
import time
import timeit
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from eventwire.actors import ActorRegistry  # noqa: E402
from eventwire.ingest import clean_article  # noqa: E402
from eventwire.time import resolve_time  # noqa: E402
from report import print_result  # noqa: E402

PAGE = ROOT / "tests" / "fixtures" / "ingest" / "scraped_qalamoun.txt"  # a page with its web boilerplate
PARAGRAPH = ("Hezbollah fighters pushed into the Qalamoun mountains on Monday, attacking Nusra Front positions along "
             "the border, a monitoring group said. The Lebanese army shelled militant positions near Arsal late on "
             "Monday, security sources said. ")
PHRASES = ["on Monday", "last week", "in February 2014", "May 12", "12 May 2015", "yesterday", "two weeks ago",
           "earlier this month", "the past two days", "seventeen years", "over the weekend", "2013", "recent days",
           "Tuesday's", "last month"]
NAMES = ["Syrian army", "the Syrian regime", "Hezbollah fighters", "Nusra Front", "US forces", "Reuters",
         "the northern Lebanese city", "Islamic State"]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    page = PAGE.read_text(encoding="utf-8").replace("Neither side commented.", "\n\n".join([PARAGRAPH * 2] * 4))
    clean_s = min(timeit.repeat(lambda: clean_article(page), number=5, repeat=args.repeats)) / 5
    phrases = PHRASES * 1000
    time_s = min(timeit.repeat(lambda: [resolve_time(p, "2019-01-24") for p in phrases], number=1,
                               repeat=args.repeats))
    load_s = []
    for _ in range(args.repeats):
        started = time.perf_counter()
        registry = ActorRegistry.load()
        load_s.append(time.perf_counter() - started)
    names = NAMES * 2000
    for name in NAMES:  # the first resolution of a name fills the registry's caches
        registry.resolve(name, "2015-05-12")
    resolve_s = min(timeit.repeat(lambda: [registry.resolve(n, "2015-05-12") for n in names], number=1,
                                  repeat=args.repeats))
    print_result({"page_words": len(page.split()), "clean_ms_per_page": round(clean_s * 1000, 2),
                  "time_phrases_per_s": round(len(phrases) / time_s),
                  "registry_load_s": round(min(load_s), 3),
                  "name_resolutions_per_s": round(len(names) / resolve_s)}, args.json, width=24)


if __name__ == "__main__":
    main()
