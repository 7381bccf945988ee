"""Plain records passed between the stages of the flow (read → clean → nlp → mentions → events → store).

Stages exchange these dataclasses, never spaCy objects, so each stage can be tested and replaced alone.
Field names of `Event.to_dict()` are the output contract of DESIGN.md and must not change.
"""
from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from typing import Any


def content_id(text: str) -> str:
    """Stable id of a text: the first 16 hex digits of its SHA-256."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


@dataclass
class RemovedLine:
    """A line the cleaner took out of the article, and why (``navigation``, ``caption``, ``duplicate``…)."""

    text: str
    reason: str


@dataclass
class Document:
    """One article after reading and cleaning; ``id`` is the content hash of the cleaned text."""

    id: str
    text: str
    path: str | None = None
    url: str | None = None
    title: str | None = None
    outlet: str | None = None
    published: str | None = None  # ISO date "YYYY-MM-DD" (or "YYYY-MM" / "YYYY" with a coarser precision)
    published_precision: str | None = None  # "day" | "month" | "year"
    published_evidence: str | None = None  # the words the date was read from, e.g. "January 24, 2019"
    removed_lines: list[RemovedLine] = field(default_factory=list)
    captions: list[str] = field(default_factory=list)
    source_format: str | None = None  # "txt" | "html" | "jsonl" | "stdin"
    actors: list[ActorMention] = field(default_factory=list)  # filled by the events stage

    def ref(self) -> dict[str, Any]:
        """The short document record embedded in every event."""
        return {"id": self.id, "path": self.path, "url": self.url, "title": self.title,
                "outlet": self.outlet, "published": self.published}

    def to_dict(self) -> dict[str, Any]:
        """The full record printed by ``eventwire clean --json``."""
        d = asdict(self)
        return d


@dataclass
class ReadError:
    """An input that could not become a Document: where it came from and what was wrong with it."""

    source: str  # path, "path:line" for JSONL, or "-" for stdin
    reason: str

    def __str__(self) -> str:
        return f"{self.source}: {self.reason}"


PROVISIONAL_PREFIX = "NEW:"  # ids of provisional actors ("NEW:JAISH_AL_IZZA"); registry ids have no colon


@dataclass
class ActorRef:
    """An actor as it appears in an event: the registry's identity plus the words that named it."""

    name: str
    text: str
    id: str | None = None
    country: str | None = None  # ISO3
    sector: str | None = None  # PLOVER/CAMEO sector code: GOV, MIL, COP, REB, INS, CVL, IGO, NGO, MED, …
    type: str | None = None
    reason: str | None = None  # how the words were resolved: "alias", "acronym defined in the text", …

    @property
    def provisional(self) -> bool:
        """A name the registry lacks, kept as a provisional actor (see `eventwire actors --new`)."""
        return self.type == "provisional"

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "text": self.text, "id": self.id, "country": self.country,
                "sector": self.sector, "reason": self.reason}


@dataclass
class ActorMention:
    """One place in a document where an actor is named (or referred to by a description or pronoun)."""

    start: int  # character offsets into the document text
    end: int
    actor: ActorRef
    sentence: str = ""  # the sentence it sits in, to show as an example


@dataclass
class Place:
    """A resolved place; ``reason`` says why this candidate was chosen."""

    name: str
    text: str
    lat: float | None = None
    lon: float | None = None
    geonameid: int | None = None
    country_code: str | None = None  # ISO2, as GeoNames
    admin1: str | None = None
    feature_code: str | None = None
    precision: str | None = None  # "exact" | "nearby" | "admin" | "region" | "country"
    reason: str | None = None
    start: int | None = None  # character span in the document text
    end: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "text": self.text, "geonameid": self.geonameid, "lat": self.lat,
                "lon": self.lon, "country_code": self.country_code, "admin1": self.admin1,
                "feature_code": self.feature_code, "precision": self.precision}


@dataclass
class TimeSpan:
    """A resolved time expression: an inclusive date range with its precision and its words."""

    date: str  # ISO "YYYY-MM-DD", start of the range
    date_end: str  # ISO "YYYY-MM-DD", end of the range (inclusive)
    precision: str  # "day" | "week" | "month" | "year" | "range"
    text: str
    # what a relative expression was resolved against: "published" (the document's publication date),
    # "inferred" (the text's own latest full date, when it has no publication date); None for an absolute date
    anchor: str | None = None


@dataclass
class Event:
    """One coded event, traceable to its sentence."""

    id: str
    event_type: str
    quad_class: int
    text: str
    span: tuple[int, int]
    document: dict[str, Any]
    mode: str | None = None
    contexts: list[str] = field(default_factory=list)
    cameo: str | None = None
    acled_event_type: str | None = None
    acled_sub_event_type: str | None = None
    actor: list[ActorRef] = field(default_factory=list)
    recipient: list[ActorRef] = field(default_factory=list)
    location: Place | None = None
    time: TimeSpan | None = None
    modality: str = "asserted"
    modality_evidence: str | None = None
    attribution: dict[str, Any] | None = None
    trigger: str | None = None
    trigger_span: tuple[int, int] | None = None  # character offsets of the trigger in the document text
    confidence: float = 0.5
    size: dict[str, dict[str, Any]] | None = None  # {"killed"|"injured"|"arrested": {low, high, text}}

    def to_dict(self) -> dict[str, Any]:
        """The JSONL record of DESIGN.md's output contract."""
        t = self.time
        return {
            "id": self.id, "event_type": self.event_type, "mode": self.mode, "contexts": self.contexts,
            "quad_class": self.quad_class, "cameo": self.cameo,
            "acled_event_type": self.acled_event_type, "acled_sub_event_type": self.acled_sub_event_type,
            "actor": [a.to_dict() for a in self.actor],
            "recipient": [a.to_dict() for a in self.recipient],
            "location": self.location.to_dict() if self.location else None,
            "date": t.date if t else None, "date_end": t.date_end if t else None,
            "date_precision": t.precision if t else None, "date_text": t.text if t else None,
            "date_anchor": t.anchor if t else None,
            "modality": self.modality, "modality_evidence": self.modality_evidence,
            "attribution": self.attribution, "trigger": self.trigger,
            "trigger_span": list(self.trigger_span) if self.trigger_span else None,
            "text": self.text, "span": list(self.span), "document": self.document,
            "confidence": round(self.confidence, 2), "size": self.size,
        }
