"""The size of an event: how many were killed, injured and arrested, as a sentence reports it.

Counts are read from the sentence's words ("killing at least 12 civilians", "three soldiers were wounded",
"the death toll rose to 40") and kept as a range with the words they came from. Vague counts get ACLED's
lower bounds: "several" or "many" 10, "dozens" 12, "scores" 20, "hundreds" 100, "thousands" 1000; "a few" 3.
"""
from __future__ import annotations

import re
from typing import Any

UNITS = {"one": 1, "a": 1, "an": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
         "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
         "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
         "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
         "hundred": 100, "dozen": 12}
# vague words and the lower bound ACLED codes for them; None means no upper bound
VAGUE = {"several": 10, "many": 10, "numerous": 10, "dozens": 12, "scores": 20, "hundreds": 100,
         "thousands": 1000, "a few": 3, "a handful": 3, "some": 10}
_NUMBER_WORDS = "|".join(sorted(UNITS, key=len, reverse=True))
_VAGUE_WORDS = "|".join(sorted((re.escape(v) for v in VAGUE), key=len, reverse=True))
# "12", "1,200", "twenty-five", "a dozen", "two hundred", or a vague word
_NUM = (rf"(?:\d[\d,]*|(?:(?:{_NUMBER_WORDS})(?:[\s-](?:{_NUMBER_WORDS}))*)|{_VAGUE_WORDS})")
_BOUND = r"(?:(?P<bound>at least|more than|over|nearly|almost|about|around|some|up to|as many as|fewer than)\s+)?"
_RANGE = (rf"(?:between\s+(?P<b1>{_NUM})\s+and\s+(?P<b2>{_NUM})"
          rf"|{_BOUND}(?P<n>{_NUM})(?:\s+(?:to|or|-)\s+(?P<n2>{_NUM}))?)")
# the words between a count and its verb: "civilians", "Syrian soldiers", "of them", never "and" or "or"
_NOUNS = r"(?:\s+(?:of\s+(?:the|them|their)\s+)?(?!and\b|or\b|but\b)[\w'-]+){0,3}?"

KINDS = {
    "killed": r"(?:killed|dead|died|slain|lost their lives|killing|deaths?)",
    "injured": r"(?:wounded|injured|hurt|wounding|injuring)",
    "arrested": r"(?:arrested|detained|arresting|detaining|rounded up)",
}
_PATTERNS = {
    kind: [
        # "12 civilians were killed", "at least 12 dead", "killing 12 people", "12 of them died"
        re.compile(rf"\b{_RANGE}{_NOUNS}\s+(?:were\s+|was\s+|have\s+been\s+|had\s+been\s+|are\s+|being\s+)?{verb}\b",
                   re.IGNORECASE),
        re.compile(rf"\b{verb}\s+{_RANGE}\b", re.IGNORECASE),
    ]
    for kind, verb in KINDS.items()
}
_TOLL = re.compile(rf"\bdeath toll\s+(?:\w+\s+){{0,2}}(?:to|at|of)\s+{_RANGE}\b", re.IGNORECASE)


def number(text: str) -> tuple[int | None, bool]:
    """The value of a count's words and whether it is vague ("dozens" -> (12, True), "1,200" -> (1200, False))."""
    low = text.lower().strip()
    if low in VAGUE:
        return VAGUE[low], True
    digits = low.replace(",", "")
    if digits.isdigit():
        return int(digits), False
    total = current = 0
    for word in re.split(r"[\s-]+", low):
        value = UNITS.get(word)
        if value is None:
            return None, False
        if value == 100:
            current = max(current, 1) * 100
        elif word == "dozen":
            current = max(current, 1) * 12
        else:
            current += value
    total += current
    return (total or None), False


def _range(match: re.Match[str]) -> dict[str, Any] | None:
    first, second_words = (match.group("b1"), match.group("b2")) if match.group("b1") else (
        match.group("n"), match.group("n2"))
    low, vague = number(first)
    if low is None:
        return None
    high: int | None = None if vague else low
    if second_words:
        second, vague2 = number(second_words)
        high = None if vague2 or second is None else second
    bound = (match.group("bound") or "").lower()
    if bound in ("at least", "more than", "over"):
        high = None
    elif bound in ("up to", "as many as", "fewer than"):
        low, high = (1 if low else 0), low  # ACLED counts the lower bound; "up to 30" says at least one
    return {"low": low, "high": high, "text": match.group(0).strip()}


def event_size(sentence: str) -> dict[str, dict[str, Any]] | None:
    """Killed, injured and arrested counts a sentence reports, each as {low, high, text}; None if none."""
    found: dict[str, dict[str, Any]] = {}
    for kind, patterns in _PATTERNS.items():
        for pattern in patterns:
            for match in pattern.finditer(sentence):
                size = _range(match)
                if size is not None and size["low"] and (kind not in found or size["low"] > found[kind]["low"]):
                    found[kind] = size
    toll = _TOLL.search(sentence)
    if toll:
        size = _range(toll)
        if size is not None and size["low"]:
            found["killed"] = size
    return found or None
