"""End-to-end throughput of eventwire beside spaCy's own parse speed, on the same texts, in the same run.

    python benchmarks/throughput.py [--docs 200] [--words 600] [--processes 2] [--batch-size 16]

Texts: English Wikinews articles from ../shared/data/wikinews, joined and cut to about --words words each
(the bundled examples, repeated, when that folder is absent). Prints docs/s, words/s, peak RSS, the
ratio of eventwire's words/s to spaCy's, and the shares of eventwire's time spent resolving actors (registry
lookups, acronyms, whole phrases, places as parties, pronouns and descriptions, the mention list), coding
events (the events stage without its mention finding), and on places and time, all timed in the same run
around those functions. The shares overlap where the stages do: a place resolved to find a party
("Darfur rebels") counts as actor resolution and as place work.

places_time_share is place and time work over end-to-end time: finding place spans beyond spaCy's NER (the
entity layer's gazetteer phrases, timed apart in this process on the same texts as the layer with and without
them, since the parse workers run it; counted in full, as if serial), resolving places with the gazetteer and
choosing an event's place (place_resolution_s), and finding and resolving time expressions and choosing an
event's time (time_resolution_s). Not timed: the few list operations of the mention stage that gather place
spans and DATE entities. The shares are wall time inside those functions: when the parse workers and this
process outnumber the cores, the functions wait for a core too and their shares run high (compare
--processes 1, where every share is of one serial run).
"""
from __future__ import annotations

import argparse
import copy
import csv
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from eventwire.model import Document, content_id  # noqa: E402
from report import print_result  # noqa: E402


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
# place work of the mention and events stages: resolving the document's place mentions together, one span on
# its own, "is this token a place", the event's place
PLACE_STAGE = ("_resolve_places", "_place", "_is_place", "_location")


def _without_places(table):
    """A copy of an entity-layer phrase table holding only its actor phrases (keys "A\t…")."""
    keys = {seq: [k for k in found if not k.startswith("P\t")] for seq, found in table.keys.items()}
    out = copy.copy(table)
    out.keys = {seq: found for seq, found in keys.items() if found}
    out.prefixes = {seq[:n] for seq in out.keys for n in range(1, len(seq))}
    out.longest = max(map(len, out.keys), default=0)
    return out


def place_span_seconds(nlp, texts: list[str], repeats: int = 5) -> float:
    """Seconds the entity layer spends on gazetteer phrases over `texts`: the layer as loaded less the layer
    without place phrases, the fastest of `repeats` interleaved runs each (the difference is small, and other
    work on the machine would otherwise swamp it), on tokenised texts: the layer reads only tokens."""
    layer = nlp.get_pipe("eventwire_entities")
    actors_only = copy.copy(layer)
    actors_only.lower, actors_only.exact = _without_places(layer.lower), _without_places(layer.exact)
    docs = [nlp.make_doc(t) for t in texts]
    with_places: list[float] = []
    without: list[float] = []
    for _ in range(repeats):
        for component, runs in ((layer, with_places), (actors_only, without)):
            t0 = time.perf_counter()
            for doc in docs:
                component(doc)
            runs.append(time.perf_counter() - t0)
    return max(0.0, min(with_places) - min(without))


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
    import eventwire.events.mentions as mention_stage
    import eventwire.geo.gazetteer as gazetteer_module
    import eventwire.time as time_module

    places, times = StageTimer(), StageTimer()
    for name in PLACE_STAGE:
        places.wrap(pipe.extractor, name)
    places.wrap(pipe.extractor.gazetteer, "knows")  # "is this ORG a town?" before a name becomes a new actor
    places.wrap(gazetteer_module._Resolver, "resolve")  # behind resolve_place and resolve_mentions
    places.wrap(mention_stage, "_dedupe_spans")
    times.wrap(pipe.extractor, "_time")
    for name in ("find_time_expressions", "resolve_time"):  # imported by the mention stage at each call
        times.wrap(time_module, name)
    t0 = time.perf_counter()
    n_events = sum(len(ev) for _, ev in pipe.process(docs))
    ew_s = time.perf_counter() - t0
    spans_s = place_span_seconds(pipe.nlp, texts)
    places_time_s = spans_s + places.seconds + times.seconds

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
        "place_spans_s": round(spans_s, 3), "place_resolution_s": round(places.seconds, 2),
        "time_resolution_s": round(times.seconds, 2), "places_time_share": round(places_time_s / ew_s, 3),
    }
    print_result(result, args.json, width=24)


if __name__ == "__main__":
    main()
