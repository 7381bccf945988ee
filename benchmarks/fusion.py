"""How long fusion takes over many events: synthetic event records shaped like eventwire's (parties drawn from
a few hundred actors, places from a few thousand points, dates over two years, several reports per happening
from different outlets, each a sentence naming the parties, a town, a weekday and a figure), clustered by ``eventwire.fuse.fuse`` with its blocking (``fuse_s`` includes the near-duplicate grouping of the
articles, ``near_duplicates_s``), then the contradictions.

    python benchmarks/fusion.py                 # 100,000 events
    python benchmarks/fusion.py --events 20000 --json
"""
from __future__ import annotations

import argparse
import random
import resource
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from eventwire.fuse import contradictions, fuse, story_groups  # noqa: E402
from report import print_result  # noqa: E402

TYPES = [("ASSAULT", 4), ("COERCE", 4), ("PROTEST", 4), ("ACCUSE", 3), ("THREATEN", 3), ("AGREE", 1),
         ("CONSULT", 1), ("AID", 2), ("REQUEST", 3)]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
MODALITIES = ["asserted"] * 6 + ["reported"] * 2 + ["claimed", "alleged", "negated", "planned"]


def synthetic(n_events: int, seed: int = 7) -> tuple[list[dict], dict[str, dict]]:
    """Happenings, each reported 1–6 times by different outlets, with jittered dates and places."""
    rng = random.Random(seed)
    actors = [f"A{i:03d}" for i in range(300)]
    places = [(rng.uniform(29, 38), rng.uniform(34, 45)) for _ in range(3000)]
    start = date(2014, 1, 1)
    records, documents = [], {}
    happening = 0
    while len(records) < n_events:
        happening += 1
        etype, quad = rng.choice(TYPES)
        a, b = rng.sample(actors, 2)
        place = rng.randrange(len(places))
        lat, lon = places[place]
        day = start + timedelta(days=rng.randrange(730))
        for report in range(rng.randint(1, 6)):
            doc = f"d{happening}-{report}"
            outlet = f"outlet{rng.randrange(40)}"
            documents[doc] = {"text": f"report {happening} {report} " + " ".join(rng.choice(actors) for _ in range(30)),
                              "outlet": outlet}
            when = (day + timedelta(days=rng.randint(-1, 1))).isoformat()
            records.append({
                "id": f"e{len(records):07d}", "event_type": etype, "quad_class": quad,
                "modality": rng.choice(MODALITIES),
                "actor": [{"id": a, "name": a}], "recipient": [{"id": b, "name": b}],
                "location": {"name": "p", "lat": lat + rng.uniform(-0.05, 0.05), "lon": lon + rng.uniform(-0.05, 0.05),
                             "precision": "exact", "country_code": "SY", "admin1": "x"},
                "date": when, "date_end": when, "document": {"id": doc, "outlet": outlet, "published": when},
                # a sentence with names, a weekday and a figure, as the word blocking sees real ones
                "text": f"Fighters of {a} attacked {b} positions near Town{place} on "
                        f"{WEEKDAYS[date.fromisoformat(when).weekday()]}, killing {rng.randint(2, 40)} people, "
                        f"{outlet} reported.", "span": [0, 100]})
            if len(records) >= n_events:
                break
    return records, documents


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    records, documents = synthetic(args.events)
    started = time.perf_counter()
    source_of = story_groups(documents)
    grouped = time.perf_counter() - started
    clusters = fuse(records, documents, source_of=source_of)
    fused = time.perf_counter() - started
    started = time.perf_counter()
    found = contradictions(records, clusters, source_of)
    disputed = time.perf_counter() - started
    result = {"events": len(records), "documents": len(documents), "clusters": len(clusters),
              "near_duplicates_s": round(grouped, 1), "fuse_s": round(fused, 1),
              "contradictions": len(found), "contradictions_s": round(disputed, 1),
              "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)}
    print_result(result, args.json)


if __name__ == "__main__":
    main()
