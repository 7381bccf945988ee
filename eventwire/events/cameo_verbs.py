"""Read a CAMEO verb dictionary in PETRARCH's published text format and turn it into eventwire triggers.

eventwire's own lexicon (`data/triggers.tsv`) is the primary source; this module lets a user who has a
PETRARCH-style verb dictionary (e.g. CAMEO.2.0.txt) load it as extra triggers. The format, as far as it is
used here:

* `#` starts a comment (also `;` after a verb line's forms, an old convention); `<!-- ... -->` lines are
  comments; `####### ... #######` lines are section titles.
* `&NAME` starts a synonym set; its members are the following `+WORD` lines (used inside patterns only).
* `---  LABEL   [code]  ---` starts a verb block; LABEL is only a name, `code` the block's default
  (`---`: no event).
* Inside a block, a verb line is `WORD {IRREGULAR FORMS} [code]`; a multi-word verb joins its words with
  `_` and marks the verb with `+` (`+CALL_FOR`, `WIRE_+TAP`); `{}` means "this exact phrase only".
* A pattern line is `- words * words [code] # note`, `*` standing for the verb.
* `~ ...` lines are PETRARCH transformations (recognised, not used).

Codes may be `source:target` pairs (`[042:043]`); the first is the event of the sentence's subject, so
that is the one used (`[:110]`, an event of the object only, yields no trigger). A trailing `!` is dropped.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from eventwire.events.lexicon import DATA, QUAD_CLASS, Trigger, read_table

DEFAULT_RECIPIENT_PREPS = ("against", "on", "at", "with", "to")
AUXILIARIES = {"be", "is", "are", "am", "was", "were", "been", "have", "has", "had", "will", "would", "do"}
CONJUNCTIONS = {"and", "or"}

_HEADER = re.compile(r"^---\s+(?P<label>\S.*?)\s+\[(?P<code>[^\]]*)\]\s*(?:---\s*)*$")
_CODE = re.compile(r"\[(?P<code>[^\]\[]*)\]")
_WORD = re.compile(r"^[A-Za-z0-9'.\-]+$")


class VerbDictionaryError(ValueError):
    """A line that is not in the verb dictionary format; the message names the file and the line."""

    def __init__(self, path: Path, line: int, message: str, text: str = ""):
        self.path, self.line = Path(path), line
        shown = f": {text.strip()[:80]!r}" if text.strip() else ""
        super().__init__(f"{path}:{line}: {message}{shown}")


@dataclass(frozen=True)
class VerbEntry:
    """One verb line of a block: its base form, an optional second word, and an own code if given."""

    text: str                 # the phrase as written, e.g. "+CALL_FOR"
    lemma: str | None         # base form of the verb, lower-case (None when not usable as a trigger)
    extra: str | None         # a single word after the verb ("call for" -> "for")
    forms: tuple[str, ...]    # irregular forms listed in braces, lower-case
    code: str | None          # own code, raw as written (None: the block's default applies)
    line: int
    skip: str | None = None   # why this entry gives no trigger


@dataclass(frozen=True)
class Pattern:
    """One pattern line: the words around the verb, its code, and its object word when it is just one."""

    text: str
    code: str
    line: int
    object_word: str | None   # "- * AID [070]" -> "aid"


@dataclass
class VerbBlock:
    label: str
    code: str                 # raw default code, "---" for none
    line: int
    verbs: list[VerbEntry] = field(default_factory=list)
    patterns: list[Pattern] = field(default_factory=list)


@dataclass
class VerbDictionaryReport:
    """What was read from a verb dictionary and what became of it."""

    path: Path
    lines: int = 0
    blocks: int = 0
    no_event_blocks: int = 0            # blocks whose default code is ---
    verbs: int = 0                      # verb lines
    multiword_verbs: int = 0
    irregular_forms: int = 0
    patterns: int = 0
    no_event_patterns: int = 0          # patterns coded ---
    patterns_differing: list[Pattern] = field(default_factory=list)  # code differs from the block default
    synsets: int = 0
    synset_members: int = 0
    transformations: int = 0            # "~" lines, not used
    comment_lines: int = 0
    uninterpreted: list[tuple[int, str]] = field(default_factory=list)  # only when strict=False
    skipped_verbs: Counter = field(default_factory=Counter)   # reason -> count (verbs that give no lemma)
    # filled by triggers_from_dictionary
    triggers: int = 0
    pattern_triggers: int = 0
    no_event: int = 0                   # verb x code pairs skipped because the code is ---
    no_plover_type: Counter = field(default_factory=Counter)  # code -> count: crosswalk gives no type (01x, 02x)
    unknown_codes: Counter = field(default_factory=Counter)   # code -> count: not a CAMEO code we know
    object_only_codes: int = 0          # "[:110]": an event of the object, not expressible as a trigger
    via_parent: Counter = field(default_factory=Counter)      # code -> count: mapped through its parent code
    duplicates: int = 0                 # same (lemma, extra) seen before with the same type
    conflicts: list[tuple[str, str, str, str]] = field(default_factory=list)  # lemma+extra, kept, dropped, line

    def summary(self) -> str:
        skipped = ", ".join(f"{n} {why}" for why, n in self.skipped_verbs.most_common()) or "none"
        text = (f"{self.path.name}: {self.lines} lines, {self.blocks} verb blocks ({self.no_event_blocks} with "
                f"default ---), {self.verbs} verb lines ({self.multiword_verbs} multi-word, "
                f"{self.irregular_forms} irregular forms), {self.patterns} patterns "
                f"({len(self.patterns_differing)} coded differently from their block, "
                f"{self.no_event_patterns} coded ---), {self.synsets} synonym sets ({self.synset_members} "
                f"members), {self.transformations} transformations not used, "
                f"{len(self.uninterpreted)} lines not interpreted. Verbs without a usable lemma: {skipped}.")
        if self.triggers:
            no_type = sum(self.no_plover_type.values())
            unknown = sum(self.unknown_codes.values())
            text += (f" Triggers: {self.triggers} ({self.pattern_triggers} from single-object patterns); "
                     f"skipped {self.no_event} coded ---, {no_type} whose CAMEO code has no PLOVER type, "
                     f"{unknown} with codes not in the crosswalk "
                     f"({', '.join(sorted(self.unknown_codes)[:8]) or 'none'}), {self.object_only_codes} "
                     f"object-side-only codes; {sum(self.via_parent.values())} mapped through a parent code; "
                     f"{self.duplicates} duplicates and {len(self.conflicts)} conflicting repeats dropped "
                     f"(first one kept).")
        return text


def read_verb_dictionary(path: Path | str, strict: bool = True) -> tuple[list[VerbBlock], VerbDictionaryReport]:
    """Every verb block of a PETRARCH verb dictionary, with its verbs and patterns.

    A line that fits none of the format's kinds raises `VerbDictionaryError` (file and line named); with
    `strict=False` it is kept in `report.uninterpreted` instead. A file without any verb block also raises.
    """
    path = Path(path)
    report = VerbDictionaryReport(path=path)
    blocks: list[VerbBlock] = []
    state = "top"  # "top" | "synset" | "block"
    try:
        with open(path, encoding="utf-8") as fh:
            lines = fh.read().splitlines()
    except UnicodeDecodeError as exc:
        raise VerbDictionaryError(path, 1, f"not a UTF-8 text file ({exc.reason})") from None
    report.lines = len(lines)

    def bad(n: int, message: str, raw: str) -> None:
        if strict:
            raise VerbDictionaryError(path, n, message, raw)
        report.uninterpreted.append((n, raw))

    for n, raw in enumerate(lines, 1):
        stripped = raw.strip()
        if not stripped:
            continue
        if stripped.startswith("#") or (stripped.startswith("<!--") and stripped.endswith("-->")):
            report.comment_lines += 1
            continue
        if stripped.startswith("---"):
            m = _HEADER.match(_strip_comment(stripped))
            if not m:
                bad(n, "malformed verb block header (expected '---  LABEL  [code]  ---')", raw)
                continue
            blocks.append(VerbBlock(label=m["label"].strip(), code=m["code"].strip(), line=n))
            report.blocks += 1
            report.no_event_blocks += _primary(m["code"]) == "---"
            state = "block"
            continue
        if stripped.startswith("&"):
            name = _strip_comment(stripped)[1:].strip()
            if not name or not _WORD.match(name.replace("_", "")):
                bad(n, "malformed synonym set name", raw)
                continue
            report.synsets += 1
            state = "synset"
            continue
        if stripped.startswith("~"):
            report.transformations += 1
            continue
        if stripped.startswith("-"):
            if state != "block":
                bad(n, "pattern line outside a verb block", raw)
                continue
            pattern = _pattern(stripped)
            if pattern is None:
                bad(n, "malformed pattern line (expected '- ... * ... [code]')", raw)
                continue
            pattern = Pattern(pattern.text, pattern.code, n, pattern.object_word)
            block = blocks[-1]
            block.patterns.append(pattern)
            report.patterns += 1
            report.no_event_patterns += _primary(pattern.code) == "---"
            if _primary(pattern.code) != _primary(block.code):
                report.patterns_differing.append(pattern)
            continue
        if state == "synset" and stripped.startswith("+"):
            report.synset_members += 1
            continue
        if state != "block":
            bad(n, "not a verb dictionary line (no verb block, synonym set or comment)", raw)
            continue
        entry = _verb_line(stripped, n)
        if isinstance(entry, str):
            bad(n, entry, raw)
            continue
        blocks[-1].verbs.append(entry)
        report.verbs += 1
        report.multiword_verbs += "_" in entry.text or " " in entry.text.strip()
        report.irregular_forms += len(entry.forms)
        if entry.skip:
            report.skipped_verbs[entry.skip] += 1
    if not blocks:
        raise VerbDictionaryError(path, max(report.lines, 1), "no verb block ('---  VERB  [code]  ---') found; "
                                  "is this a CAMEO/PETRARCH verb dictionary?")
    return blocks, report


def triggers_from_dictionary(path: Path | str, *, patterns: bool = True,
                             recipient_preps: tuple[str, ...] = DEFAULT_RECIPIENT_PREPS,
                             strict: bool = True) -> tuple[list[Trigger], VerbDictionaryReport]:
    """eventwire triggers (VERB) from a PETRARCH verb dictionary, coded through the CAMEO→PLOVER crosswalk.

    Each usable verb gives one trigger with its own code, else its block's default. With `patterns`, a
    pattern that is a single object word right after the verb ("- * AID [070]") and is coded differently
    from the block gives a trigger for each single-word verb of the block with that word as `extra`.
    Repeats of the same (lemma, extra) keep the first one; conflicting repeats are listed in the report.
    """
    blocks, report = read_verb_dictionary(path, strict=strict)
    crosswalk = cameo_crosswalk()
    out: list[Trigger] = []
    seen: dict[tuple[str, str | None], Trigger] = {}

    def emit(lemma: str, extra: str | None, raw_code: str, line: int, from_pattern: bool) -> None:
        code = _primary(raw_code)
        if code == "---":
            report.no_event += 1
            return
        if code == "":
            report.object_only_codes += 1
            return
        mapped = _lookup(crosswalk, code)
        if mapped is None:
            report.unknown_codes[code] += 1
            return
        key, (etype, mode) = mapped
        if etype is None:
            report.no_plover_type[code] += 1
            return
        if key != code:
            report.via_parent[code] += 1
        trig = Trigger(lemma=lemma, pos="VERB", event_type=etype, mode=mode, cameo=code,
                       recipient_preps=tuple(recipient_preps), flags=frozenset(), extra=extra)
        old = seen.get((lemma, extra))
        if old is not None:
            if old.event_type == etype:
                report.duplicates += 1
            else:
                name = lemma + (f" {extra}" if extra else "")
                report.conflicts.append((name, f"{old.event_type} {old.cameo}", f"{etype} {code}", str(line)))
            return
        seen[(lemma, extra)] = trig
        out.append(trig)
        report.triggers += 1
        report.pattern_triggers += from_pattern

    for block in blocks:
        for verb in block.verbs:
            if verb.lemma is not None:
                emit(verb.lemma, verb.extra, verb.code or block.code, verb.line, False)
        if not patterns:
            continue
        singles = [v for v in block.verbs if v.lemma is not None and v.extra is None]
        for pat in block.patterns:
            if pat.object_word is None or _primary(pat.code) == _primary(block.code):
                continue
            for verb in singles:
                emit(verb.lemma, pat.object_word, pat.code, pat.line, True)
    return out, report


@lru_cache(maxsize=1)
def cameo_crosswalk() -> dict[str, tuple[str | None, str | None]]:
    """CAMEO code -> (PLOVER type or None, mode or None), from the shipped `data/cameo_plover.tsv`."""
    table: dict[str, tuple[str | None, str | None]] = {}
    path = DATA / "cameo_plover.tsv"
    for row in read_table(path):
        etype = row["plover_type"].strip().upper()
        mode = row["mode"].strip()
        if etype != "-" and etype not in QUAD_CLASS:
            raise ValueError(f"{path}: unknown PLOVER type in {row!r}")
        table[row["cameo"].strip()] = (None if etype == "-" else etype, None if mode in ("", "-") else mode)
    return table


# ----------------------------------------------------------------------------------------------- helpers
def _strip_comment(text: str) -> str:
    """The line without its "#" comment; a "#" inside brackets is part of a code ("[###]" in test files)."""
    depth = 0
    for i, ch in enumerate(text):
        depth += (ch == "[") - (ch == "]")
        if ch == "#" and depth <= 0:
            return text[:i].rstrip()
    return text.rstrip()


def _primary(raw: str) -> str:
    """The subject-side code of a raw code: "042:043" -> "042", ":110" -> "", "080!" -> "080"."""
    code = raw.strip().split(":", 1)[0].strip().rstrip("!")
    return code


def _lookup(crosswalk: dict, code: str):
    """(the crosswalk key used, its value): the code itself, else its 3-digit parent, else its root x0."""
    candidates = [code]
    if code.isdigit() and len(code) in (3, 4):
        candidates += [code[:3], code[:2] + "0"]
    for key in candidates:
        if key in crosswalk:
            return key, crosswalk[key]
    return None


def _pattern(text: str) -> Pattern | None:
    body = _strip_comment(text[1:])
    codes = list(_CODE.finditer(body))
    if not codes or "*" not in body[:codes[-1].start()]:
        return None
    last = codes[-1]
    if body[last.end():].strip():
        return None
    words = body[:last.start()].split()
    star = words.index("*") if "*" in words else -1
    obj = None
    if star == 0 and len(words) == 2 and re.fullmatch(r"[A-Za-z][A-Za-z'\-]*", words[1]):
        obj = words[1].lower()
    return Pattern(text=" ".join(words), code=last["code"].strip(), line=0, object_word=obj)


def _verb_line(text: str, line: int) -> VerbEntry | str:
    """A verb line as a VerbEntry, or a message saying why it is not one."""
    body = _strip_comment(text).split(";", 1)[0].strip()  # ";" starts an old-style comment
    code = None
    m = re.search(r"\[([^\]\[]*)\]\s*$", body)
    if m:
        code, body = m[1].strip(), body[:m.start()].strip()
    forms: tuple[str, ...] | None = None
    if "{" in body or "}" in body:
        fm = re.fullmatch(r"(?P<head>[^{}]*?)\s*\{(?P<forms>[^{}]*)\}", body)
        if not fm:
            return "malformed verb line (unbalanced or misplaced braces)"
        body = fm["head"]
        forms = tuple(f.lower() for f in fm["forms"].replace(",", " ").split())
    if not body:
        return "verb line without a verb"
    words = [w for w in re.split(r"[_\s]+", body) if w]
    if not all(_WORD.match(w.lstrip("+")) for w in words):
        return "malformed verb line (unexpected characters)"
    marked = [i for i, w in enumerate(words) if w.startswith("+")]
    if len(marked) > 1:
        return "malformed verb line (more than one '+'-marked verb)"
    at = marked[0] if marked else 0
    plain = [w.lstrip("+").lower() for w in words]
    entry = dict(text=body, forms=tuple(f.lstrip("+").replace("_+", "_") for f in forms or ()), code=code,
                 line=line)
    skip = None
    if forms == ():
        skip = "fixed phrase ({})"            # "+SHOT_AND {}": an inflected phrase, no base form given
    elif at > 0:
        skip = "verb after other words"      # "WIRE_+TAP": the words before are not a following particle
    elif len(plain) > 2:
        skip = "more than one word after the verb"
    elif plain[0] in AUXILIARIES:
        skip = "auxiliary verb"
    elif len(plain) == 2 and plain[1] in CONJUNCTIONS:
        skip = "conjunction phrase"
    if skip:
        return VerbEntry(lemma=None, extra=None, skip=skip, **entry)
    return VerbEntry(lemma=plain[0], extra=plain[1] if len(plain) == 2 else None, **entry)
