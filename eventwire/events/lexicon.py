"""The trigger lexicon and cue words, loaded from the data files beside this module.

Knowledge lives in `data/triggers.tsv` and `data/cues.tsv`; users extend it with their own files in the same
format (`Lexicon.load(extra=[...])`), not by editing Python.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).parent / "data"

PLOVER_TYPES = ("AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST",
                "ACCUSE", "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT")
# GDELT's quad classes: 1 verbal cooperation, 2 material cooperation, 3 verbal conflict, 4 material conflict.
QUAD_CLASS = {"AGREE": 1, "CONSULT": 1, "SUPPORT": 1, "CONCEDE": 1, "COOPERATE": 2, "AID": 2, "RETREAT": 2,
              "REQUEST": 3, "ACCUSE": 3, "REJECT": 3, "THREATEN": 3, "SANCTION": 3,
              "PROTEST": 4, "MOBILIZE": 4, "COERCE": 4, "ASSAULT": 4}


@dataclass(frozen=True)
class Trigger:
    """One lexicon line: a word (and an optional second word) that names an event of one PLOVER type."""

    lemma: str
    pos: str  # "VERB" | "NOUN"
    event_type: str
    mode: str | None
    cameo: str | None
    recipient_preps: tuple[str, ...]
    flags: frozenset[str]
    extra: str | None = None  # the second word: a child of the verb, or a modifier of the noun

    @property
    def quad_class(self) -> int:
        return QUAD_CLASS[self.event_type]


@dataclass
class Lexicon:
    """Triggers indexed by (lemma, pos), and cue words indexed by kind."""

    triggers: dict[tuple[str, str], list[Trigger]] = field(default_factory=dict)
    cues: dict[str, set[str]] = field(default_factory=dict)
    phrase_cues: dict[str, set[tuple[str, str]]] = field(default_factory=dict)

    @classmethod
    def load(cls, extra: list[Path] | None = None) -> "Lexicon":
        """Read the shipped lexicon plus any extra trigger files in the same format."""
        lex = cls()
        for path in [DATA / "triggers.tsv", *(extra or [])]:
            for row in read_table(path):
                lex.add(_trigger(row, path))
        for row in read_table(DATA / "cues.tsv"):
            words = row["word"].split()
            if len(words) == 1:
                lex.cues.setdefault(row["kind"], set()).add(words[0])
            else:
                lex.phrase_cues.setdefault(row["kind"], set()).add((words[0], " ".join(words[1:])))
        return lex

    def add(self, trig: Trigger, first: bool = False) -> None:
        """Add one trigger; lines with more words are tried before shorter ones and the bare lemma. `first`: before the lines
        of the same word already there (a user's dictionary overrides the shipped lexicon)."""
        bucket = self.triggers.setdefault((trig.lemma, trig.pos), [])
        bucket.insert(0, trig) if first else bucket.append(trig)
        bucket.sort(key=lambda t: -len(t.extra.split()) if t.extra else 0)  # the most specific line first

    def is_cue(self, lemma: str, kind: str) -> bool:
        return lemma in self.cues.get(kind, ())


def read_table(path: Path) -> list[dict[str, str]]:
    """Rows of one of the events stage's tab-separated data files ("#" lines are comments)."""
    with open(path, encoding="utf-8") as fh:
        lines = [ln for ln in fh if ln.strip() and not ln.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t"))


def _trigger(row: dict[str, str], path: Path) -> Trigger:
    words = row["trigger"].lower().split()
    pos = row["pos"].upper()
    etype = row["event_type"].upper()
    if etype not in QUAD_CLASS or pos not in ("VERB", "NOUN"):
        raise ValueError(f"{path}: bad trigger line {row!r}: event_type must be one of {PLOVER_TYPES}, "
                         f"pos VERB or NOUN")
    if pos == "VERB":
        lemma, extra = words[0], " ".join(words[1:]) or None
    else:
        lemma, extra = words[-1], " ".join(words[:-1]) or None

    def dash(v: str | None) -> str | None:
        return None if v in (None, "", "-") else v

    return Trigger(lemma=lemma, pos=pos, event_type=etype, mode=dash(row.get("mode")),
                   cameo=dash(row.get("cameo")),
                   recipient_preps=tuple(p for p in (dash(row.get("recipient")) or "").split(",") if p),
                   flags=frozenset(f for f in (dash(row.get("flags")) or "").split(",") if f), extra=extra)


@lru_cache(maxsize=1)
def default_lexicon() -> Lexicon:
    """The shipped lexicon, loaded once per process."""
    return Lexicon.load()


def acled_type(event_type: str, mode: str | None, actor, recipient) -> tuple[str | None, str | None]:
    """ACLED event type and sub-event type from PLOVER type, mode and the parties' sectors.

    ACLED codes material events only; verbal cooperation and conflict map to None.
    """
    def civilian(refs) -> bool:
        return bool(refs) and all((r.sector or "") in ("CVL", "MED", "REF", "EDU", "NGO") for r in refs)

    if event_type == "ASSAULT":
        if any(r.type == "generic" and r.name == "protesters" for r in recipient) and any(
                (a.sector or "") in ("COP", "MIL", "GOV") for a in actor):
            return "Protests", "Excessive force against protesters"  # "police fired tear gas at demonstrators"
        if mode in ("aerial", "drone"):
            return "Explosions/Remote violence", "Air/drone strike"
        if mode == "suicide-attack":
            return "Explosions/Remote violence", "Suicide bomb"
        if mode == "explosives":
            return "Explosions/Remote violence", "Remote explosive/landmine/IED"
        if mode == "heavy-weapons":
            return "Explosions/Remote violence", "Shelling/artillery/missile attack"
        if mode == "abduct":
            return "Violence against civilians", "Abduction/forced disappearance"
        if mode in ("sexual",):
            return "Violence against civilians", "Sexual violence"
        if civilian(recipient):
            return "Violence against civilians", "Attack"
        return "Battles", "Armed clash"
    if event_type == "COERCE":
        if mode == "seize":
            state = any((a.sector or "") in ("MIL", "GOV", "COP") and a.country for a in actor)
            return "Battles", ("Government regains territory" if state else "Non-state actor overtakes territory")
        if mode == "arrest":
            return "Strategic developments", "Arrests"
        return "Strategic developments", "Other"
    if event_type == "PROTEST":
        if mode == "riot":
            return "Riots", "Violent demonstration"
        return "Protests", "Peaceful protest"
    if event_type == "AGREE":
        return "Strategic developments", "Agreement"
    if event_type == "MOBILIZE":
        return "Strategic developments", "Headquarters or base established" if mode == "base" else "Other"
    if event_type in ("RETREAT", "AID", "COOPERATE", "SANCTION"):
        return "Strategic developments", "Other"
    return None, None
