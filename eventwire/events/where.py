"""Where an event happened: a logistic model that weighs every place mention of the event's sentence.

The rules of ``EventExtractor._location`` choose one place; this model looks at all of them with what the parse
says of each (the preposition that governs it, its path to the trigger, whether a party or an origin names it,
how precise it is, and whether the rules chose it) and returns the likeliest, or none when no candidate is likely
enough. Its weights (``data/location_weights.tsv``) are learnt from the event_location annotations (news
sentences with an event verb and the span of where it happened) by

    eventwire learn-location --data ../shared/data

which trains on the records after the first 2,000 (``eventwire eval event-location`` scores the first 2,000) and
leaves out sources whose annotators left most places unmarked. Without the weights file the rules decide alone.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from spacy.tokens import Token

WEIGHTS = Path(__file__).parent / "data" / "location_weights.tsv"
EVAL_RECORDS = 2000  # the records `eventwire eval event-location` scores: never trained on

PREPS = ("in", "at", "near", "of", "from", "to", "into", "on", "across", "outside", "around", "inside", "towards",
         "toward", "through", "throughout", "over", "against", "by", "for", "with", "along", "between", "off",
         "within", "north", "south", "east", "west")
DEPS = ("pobj", "dobj", "nsubj", "nsubjpass", "compound", "poss", "appos", "conj", "npadvmod", "attr", "ROOT")
CLAUSES = ("relcl", "acl", "advcl", "ccomp", "xcomp", "conj", "pcomp")


@dataclass
class Candidate:
    """One place mention of the event's sentence, with what the parse says of it."""

    start: int  # token span
    end: int
    head: Token  # the word that carries the mention into the sentence ("airport" of "Sarajevo airport")
    precision: str  # "exact", "nearby", "admin", "region", "country" or "unknown" (no coordinates)
    party: bool  # a party names it ("Turkey attacked")
    origin: bool  # in the actor's phrase ("the Yemen-based Houthis")
    near: bool  # in the phrase of the trigger or its arguments
    locative: bool  # governed by a locative preposition, directly or through "the city of"
    place_obj: bool  # the trigger's seized or visited place
    chosen: bool  # what the rules chose
    named: bool  # found by its words ("the village of X"), not by the gazetteer or NER
    more_precise_elsewhere: bool = False  # the sentence has a town (or an unknown name) besides this area

    @property
    def weighable(self) -> bool:
        """Whether the model weighs it: the places the rules weigh (in the event's phrase, or locative); a place
        that names a party ("Turkey attacked", "accused Moscow of killing") only when the rules made it so."""
        return self.chosen or self.place_obj or (self.near or self.locative) and not self.party


def _path(a: Token, b: Token) -> tuple[int, set[str], int]:
    """Tree distance between two tokens, the relations on the way, and the verbs passed (clause boundaries)."""
    up_a = [a, *a.ancestors]
    index = {t.i: n for n, t in enumerate(up_a)}
    steps_b = 0
    t = b
    while t.i not in index and t.head.i != t.i:
        t = t.head
        steps_b += 1
    if t.i not in index:
        return 20, set(), 0
    common = index[t.i]
    on_way = up_a[:common] + [b, *list(b.ancestors)[:max(0, steps_b - 1)]]
    return common + steps_b, {w.dep_ for w in on_way}, sum(1 for w in on_way[1:] if w.pos_ in ("VERB", "AUX"))


def features(tok: Token, cand: Candidate, n_cands: int, order: int) -> dict[str, float]:
    """The features of one candidate place of the event whose trigger is ``tok``."""
    head = cand.head
    distance, relations, verbs = _path(tok, head)
    f: dict[str, float] = {"bias": 1.0}
    prep = head.head.lower_ if head.dep_ == "pobj" else "-"
    f["prep=" + (prep if prep in PREPS else "other")] = 1.0
    if head.dep_ == "pobj" and head.head.head.dep_ == "pobj":  # "in the city of X", "south of X"
        outer = head.head.head.head.lower_
        f["outer_prep=" + (outer if outer in PREPS else "other")] = 1.0
    f["dep=" + (head.dep_ if head.dep_ in DEPS else "other")] = 1.0
    f["tree_distance=" + str(min(distance, 6))] = 1.0
    f["verbs_between=" + str(min(verbs, 2))] = 1.0
    for rel in CLAUSES:
        if rel in relations:
            f["through=" + rel] = 1.0
    words = abs(tok.i - cand.start)
    f["word_distance=" + ("0-3" if words <= 3 else "4-8" if words <= 8 else "9-15" if words <= 15 else "16+")] = 1.0
    f["after_trigger"] = float(cand.start > tok.i)
    f["precision=" + cand.precision] = 1.0
    for name in ("party", "origin", "near", "locative", "place_obj", "chosen", "named"):
        if getattr(cand, name):
            f[name] = 1.0
    f["near_and_locative"] = float(cand.near and cand.locative)
    f[f"precision={cand.precision}&locative={cand.locative}"] = 1.0
    f[f"precision={cand.precision}&near={cand.near}"] = 1.0
    f[f"prep={prep if prep in PREPS else 'other'}&near={cand.near}"] = 1.0
    if head.dep_ == "pobj" and head.head.head.i == tok.i:
        f["prep_on_trigger"] = 1.0
    if cand.more_precise_elsewhere:
        f["more_precise_elsewhere&precision=" + cand.precision] = 1.0
    f["chosen_and_locative"] = float(cand.chosen and cand.locative)
    f["candidates=" + str(min(n_cands, 4))] = 1.0
    f["closest=" + str(min(order, 3))] = 1.0
    f["trigger_pos=" + tok.pos_] = 1.0
    f["in_quote"] = float(any(t.text in ('"', "“", "”") for t in tok.doc[min(tok.i, cand.start):max(tok.i,
                                                                                                cand.end)]))
    return f


@dataclass(frozen=True)
class LocationModel:
    """Logistic weights over candidate features and the probability a candidate must reach to be chosen."""

    weights: dict[str, float]
    threshold: float

    def probability(self, f: dict[str, float]) -> float:
        z = sum(self.weights.get(k, 0.0) * v for k, v in f.items())
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    def save(self, path: Path = WEIGHTS, note: str = "") -> None:
        lines = ["# eventwire location model: feature<TAB>weight; learnt by `eventwire learn-location`",
                 *(f"# {line}" for line in note.splitlines() if line),
                 f"threshold\t{self.threshold:.4f}"]
        lines += [f"{k}\t{v:.6f}" for k, v in sorted(self.weights.items())]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")


@lru_cache(maxsize=4)
def load_model(path: Path = WEIGHTS) -> LocationModel | None:
    """The shipped model, or None when the weights file is absent."""
    if not path.is_file():
        return None
    weights: dict[str, float] = {}
    threshold = 0.5
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        key, value = line.split("\t")
        if key == "threshold":
            threshold = float(value)
        else:
            weights[key] = float(value)
    return LocationModel(weights, threshold)


def train(groups: list[list[tuple[dict[str, float], bool]]], epochs: int = 60, rate: float = 0.1,
          l2: float = 1e-4) -> LocationModel:
    """Fit logistic weights on the candidates of many events (each group: one event's candidates with whether
    each is where it happened), then the threshold that maximises F1 of the chosen place over the groups."""
    import random

    rows = [(f, y) for group in groups for f, y in group]
    weights: dict[str, float] = {}
    shuffled = list(rows)
    rng = random.Random(20241123)
    for epoch in range(epochs):
        rng.shuffle(shuffled)
        step = rate / (1 + epoch * 0.1)
        for f, y in shuffled:
            z = sum(weights.get(k, 0.0) * v for k, v in f.items())
            p = 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))
            g = p - (1.0 if y else 0.0)
            for k, v in f.items():
                w = weights.get(k, 0.0)
                weights[k] = w - step * (g * v + l2 * w)
    model = LocationModel(weights, 0.5)
    best = (0.0, 0.5)
    for threshold in [t / 100 for t in range(5, 95)]:
        tp = predicted = gold = 0
        for group in groups:
            gold += any(y for _, y in group)
            if not group:
                continue
            p, y = max(((model.probability(f), y) for f, y in group), key=lambda item: item[0])
            if p >= threshold:
                predicted += 1
                tp += y
        if predicted and gold and tp:
            precision, recall = tp / predicted, tp / gold
            f1 = 2 * precision * recall / (precision + recall)
            if f1 > best[0]:
                best = (f1, threshold)
    return LocationModel(weights, best[1])


def learn(data_dir: Path, out: Path = WEIGHTS) -> tuple[LocationModel, str]:
    """Learn the model from ``data_dir/event_location/labeled_text_dev.json`` (the records after the first
    ``EVAL_RECORDS``, of sources with places marked throughout) and write its weights to ``out``."""
    from eventwire.evaluate import load_event_location
    from eventwire.pipeline import Pipeline

    gold = load_event_location(data_dir)
    records = [r for r in gold.records if r.index >= EVAL_RECORDS and r.complete]
    pipeline = Pipeline(n_process=2, batch_size=32)
    groups = []
    docs = pipeline.nlp.pipe((r.text for r in records), n_process=2, batch_size=32)
    for record, doc in zip(records, docs):
        groups.append([(f, any(start < g_end and g_start < end for g_start, g_end in record.location_spans))
                       for f, (start, end) in pipeline.extractor.where_candidates(doc, record.verb_span)])
    model = train(groups)
    with_gold = sum(1 for r in records if r.location_spans)
    note = (f"trained on {len(records)} records of labeled_text_dev.json (index >= {EVAL_RECORDS}, sources with "
            f"places marked throughout; {with_gold} with a gold place); threshold chosen for F1 on them")
    model.save(out, note)
    load_model.cache_clear()
    return model, note
