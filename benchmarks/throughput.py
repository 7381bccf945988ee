"""End-to-end throughput of eventwire beside spaCy's own parse speed, on the same texts, in the same run.

    python benchmarks/throughput.py [--docs 200] [--words 600] [--processes 2] [--batch-size 16]

Texts: English Wikinews articles from ../shared/data/wikinews, joined and cut to about --words words each
(the bundled examples, repeated, when that folder is absent). Prints docs/s, words/s, peak RSS, the
ratio of eventwire's words/s to spaCy's, and the shares of eventwire's time spent resolving actors (registry
lookups, acronyms, whole phrases, places as parties, pronouns and descriptions, the mention list) and coding
events (the events stage without its mention finding), timed in the same run around those functions.
"""
from __future__ import annotations

import argparse
import csv
import json
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from eventwire.model import Document, content_id  # noqa: E402


def corpus(n_docs: int, words: int) -> list[str]:
    """n_docs texts of about `words` words, cut at a sentence end."""
    wiki = ROOT.parent / "shared" / "data" / "wikinews"
    pool: list[str] = []
    if wiki.is_dir():
        csv.field_size_limit(10**8)
        for f in sorted(wiki.glob("*.csv")):
            with open(f, encoding="utf-8") as fh:
                pool += [r["text"] for r in csv.DictReader(fh) if r.get("text")]
    else:
        from eventwire.ingest import read_inputs

        pool = [d.text for d in read_inputs([str(ROOT / "examples")]) if isinstance(d, Document)]
    out: list[str] = []
    i = 0
    while len(out) < n_docs:
        buf: list[str] = []
        while len(buf) < words:
            buf += pool[i % len(pool)].split()
            i += 1
        text = " ".join(buf[:words])
        cut = text.rfind(". ")
        out.append(text[:cut + 1] if cut > len(text) // 2 else text)
    return out


def peak_rss_mb() -> float:
    """Peak resident memory of this process and of its finished children, in MB (Linux reports KB)."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, kids) / 1024


class StageTimer:
    """Wall time spent inside a set of functions, outermost calls only (a resolve() inside _corefer()
    is counted once)."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self.depth = 0

    def wrap(self, owner: object, name: str) -> None:
        inner = getattr(owner, name)

        def timed(*args, **kwargs):
            if self.depth:
                return inner(*args, **kwargs)
            self.depth += 1
            t0 = time.perf_counter()
            try:
                return inner(*args, **kwargs)
            finally:
                self.seconds += time.perf_counter() - t0
                self.depth -= 1

        setattr(owner, name, timed)


ACTOR_STAGE = ("_acronyms", "_whole_phrases", "_places_as_parties", "_corefer", "_first_person", "_mention_list",
               "_antecedent", "_provisional")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=200)
    ap.add_argument("--words", type=int, default=600)
    ap.add_argument("--processes", type=int, default=2)
    ap.add_argument("--batch-size", type=int, default=16)
    ap.add_argument("--json", action="store_true", help="print one JSON line instead of a table")
    args = ap.parse_args()
    texts = corpus(args.docs, args.words)
    n_words = sum(len(t.split()) for t in texts)

    from eventwire.nlp import load_spacy_model

    nlp = load_spacy_model()
    t0 = time.perf_counter()
    for _ in nlp.pipe(texts, n_process=args.processes, batch_size=args.batch_size):
        pass
    spacy_s = time.perf_counter() - t0
    del nlp

    from eventwire.pipeline import Pipeline

    t0 = time.perf_counter()
    pipe = Pipeline(n_process=args.processes, batch_size=args.batch_size)
    load_s = time.perf_counter() - t0
    docs = [Document(id=content_id(t), text=t) for t in texts]
    actors = StageTimer()
    for name in ("resolve", "resolve_many"):
        actors.wrap(pipe.extractor.registry, name)
    for name in ACTOR_STAGE:
        actors.wrap(pipe.extractor, name)
    extract, mentions = StageTimer(), StageTimer()  # the whole events stage, and its mention-finding part
    extract.wrap(pipe.extractor, "extract")
    mentions.wrap(pipe.extractor, "mentions")
    t0 = time.perf_counter()
    n_events = sum(len(ev) for _, ev in pipe.process(docs))
    ew_s = time.perf_counter() - t0

    result = {
        "docs": len(texts), "words": n_words, "processes": args.processes, "batch_size": args.batch_size,
        "spacy_words_per_s": round(n_words / spacy_s), "spacy_docs_per_s": round(len(texts) / spacy_s, 1),
        "eventwire_words_per_s": round(n_words / ew_s), "eventwire_docs_per_s": round(len(texts) / ew_s, 1),
        "eventwire_load_s": round(load_s, 2), "events": n_events,
        "ratio_vs_spacy": round(spacy_s / ew_s, 3), "peak_rss_mb": round(peak_rss_mb()),
        "actor_resolution_s": round(actors.seconds, 2), "actor_resolution_share": round(actors.seconds / ew_s, 3),
        # event coding: triggers, arguments, modality, place, time, size (the events stage without its mentions)
        "event_coding_s": round(extract.seconds - mentions.seconds, 2),
        "event_coding_share": round((extract.seconds - mentions.seconds) / ew_s, 3),
    }
    if args.json:
        print(json.dumps(result))
        return
    for k, v in result.items():
        print(f"{k:<24} {v}")


if __name__ == "__main__":
    main()
