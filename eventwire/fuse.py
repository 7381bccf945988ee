"""Fusion: the events many articles report, merged into one cluster per real happening.

Two event records are the same happening when their types are compatible, their parties overlap, their places
lie close (or one contains the other) and their dates fall within a few days; every pair found by blocking (the
same party and quad class, or the same place cell, in neighbouring weeks) is scored on those four, and pairs
above the threshold join one cluster (every member mention is kept). A cluster counts its mentions, its articles
and its independent sources: articles that are near-duplicates of each other (MinHash over word shingles: a wire
story syndicated by several outlets) or come from one outlet count once. Its corroboration grows with the
independent sources and the modality each reports it with.
"""
from __future__ import annotations

import hashlib
import heapq
import math
import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from datetime import date, timedelta
from typing import Any, Iterable, Iterator

from eventwire.geo import haversine_km

# How sure a source is of what it says, by the modality it says it with: a planned, hypothetical or negated
# act is no corroboration of the act happening.
MODALITY_WEIGHT = {"asserted": 1.0, "claimed": 0.8, "reported": 0.8, "alleged": 0.6, "historical": 0.8,
                   "planned": 0.2, "hypothetical": 0.1, "negated": 0.0}
DATE_WINDOW_DAYS = 3  # reports of one happening date it within this many days of each other
NEAR_KM = 50.0  # two exact places this close may be one happening's place
FAR_KM = 300.0  # beyond this, two places are different happenings
ANAPHORA_CHARS = 400  # how far back in its article a mention naming no party looks for the act it continues
SAME_WORDING = 0.3  # sentences this alike (content-word Jaccard) retell one report, named parties or not
THRESHOLD = 0.65  # pair score at and above which two mentions are one happening (`eventwire eval fusion` sweeps it)
DUPLICATE_JACCARD = 0.7  # MinHash similarity at which two articles are one story
SHINGLE = 5
_WORD = re.compile(r"\w+")
# types that report the same violent happening from different angles ("attacked" / "clashed" / "seized")
_SIBLINGS = {frozenset({"ASSAULT", "COERCE"}), frozenset({"AGREE", "CONSULT"}), frozenset({"ACCUSE", "REJECT"}),
             frozenset({"AID", "SUPPORT"}), frozenset({"COOPERATE", "SUPPORT"})}
# what one party says to or of another: one happening per speaker (two outlets' "X accused Russia" are one
# accusation only when X is named by both)
SPOKEN = frozenset({"ACCUSE", "REQUEST", "REJECT", "THREATEN", "SUPPORT", "CONCEDE", "SANCTION"})


@dataclass
class Cluster:
    """One real-world happening and every mention of it."""

    id: str
    event_type: str
    quad_class: int
    members: list[dict[str, Any]] = field(default_factory=list)  # event records
    sources: int = 0  # independent sources
    corroboration: float = 0.0

    @property
    def documents(self) -> set[str]:
        return {m["document"]["id"] for m in self.members}

    def to_dict(self) -> dict[str, Any]:
        located = [m["location"] for m in self.members if m.get("location") and m["location"].get("lat") is not None]
        best = min(located, key=lambda p: _PRECISION_RANK.get(p.get("precision"), 9)) if located else None
        dates = [(m["date"], m["date_end"]) for m in self.members if m.get("date")]
        return {"id": self.id, "event_type": self.event_type, "quad_class": self.quad_class,
                "actors": sorted({_party(a) for m in self.members for a in m.get("actor") or []}),
                "recipients": sorted({_party(a) for m in self.members for a in m.get("recipient") or []}),
                "location": best, "date": min(d for d, _ in dates) if dates else None,
                "date_end": max(e for _, e in dates) if dates else None,
                "mentions": len(self.members), "articles": len(self.documents), "sources": self.sources,
                "outlets": sorted({m["document"].get("outlet") or "?" for m in self.members}),
                "corroboration": round(self.corroboration, 3),
                "events": [m["id"] for m in self.members]}


_PRECISION_RANK = {"exact": 0, "nearby": 1, "admin": 2, "region": 3, "country": 4}


def _party(ref: dict[str, Any]) -> str:
    """What identifies a party across articles: its registry id, else its name."""
    return ref.get("id") or (ref.get("name") or ref.get("text") or "?").casefold()


STATE_SECTORS = frozenset({"GOV", "MIL", "COP", "SPY", "JUD", "LEG"})


def _side(ref: dict[str, Any]) -> str | None:
    """Who a party is for matching reports: a state's government, army, police and leaders are one side
    ("Russian jets", "the Russian defence ministry", "Moscow"); a group is itself; "rebels" or "civilians"
    name no one in particular."""
    if not ref.get("id"):
        return None
    if ref.get("country") and (ref.get("sector") in STATE_SECTORS or ref["id"] == ref["country"]):
        return ref["country"]
    return ref["id"]


def _parties(rec: dict[str, Any]) -> set[str]:
    return {side for a in (rec.get("actor") or []) + (rec.get("recipient") or []) if (side := _side(a))}


def _roles(rec: dict[str, Any]) -> tuple[set[str], set[str]]:
    return ({side for a in rec.get("actor") or [] if (side := _side(a))},
            {side for a in rec.get("recipient") or [] if (side := _side(a))})


def _apart_parties(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """Whether two mentions name different parties: each names one the other lacks ("Nusra fought IS" and
    "Nusra attacked Hezbollah"), unless one names only who acted and the other only whom it was done to ("the
    army took Palmyra" and "strikes on Islamic State positions"); two statements need one speaker."""
    (aa, ra), (ab, rb) = _roles(a), _roles(b)
    if a["event_type"] in SPOKEN and b["event_type"] in SPOKEN and aa and ab and not aa & ab:
        return True  # two statements, unless one speaker is named in both
    pa, pb = _parties(a), _parties(b)
    if not pa or not pb or pa <= pb or pb <= pa:
        return False
    return not (aa and not ra and rb and not ab and not aa & rb or ra and not aa and ab and not rb and not ra & ab)


def _day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None


def _when(rec: dict[str, Any]) -> tuple[date, date] | None:
    """The event's date range, else its article's publication day."""
    start, end = _day(rec.get("date")), _day(rec.get("date_end"))
    if start is not None:
        return start, end or start
    published = _day((rec.get("document") or {}).get("published"))
    return (published, published) if published else None


def _span(rec: dict[str, Any]) -> tuple[date, date, bool] | None:
    """When the happening may have taken place, and whether its sentence dates it: an undated mention took place
    within DATE_WINDOW_DAYS before its article appeared (news reports what just happened)."""
    start, end = _day(rec.get("date")), _day(rec.get("date_end"))
    if start is not None:
        return start, end or start, True
    published = _day((rec.get("document") or {}).get("published"))
    return (published - timedelta(days=DATE_WINDOW_DAYS), published, False) if published else None


# --------------------------------------------------------------------------------------------- pair scoring

def type_score(a: dict[str, Any], b: dict[str, Any]) -> float | None:
    """1 for the same type, 0.6 for sibling types of one happening, None when they cannot be one."""
    if a["event_type"] == b["event_type"]:
        return 1.0
    if frozenset({a["event_type"], b["event_type"]}) in _SIBLINGS:
        return 0.6
    return None


def party_score(a: dict[str, Any], b: dict[str, Any]) -> float | None:
    """Overlap of the parties (actors and recipients together: outlets differ on who acted on whom); None when
    both name parties and share none, and when either names none: a mention without a named party (gunmen,
    "the strikes") is joined only through its place (``pair_score``) or its own article (``fuse``)."""
    pa, pb = _parties(a), _parties(b)
    if not pa & pb or _apart_parties(a, b):
        return None
    if a["event_type"] in SPOKEN and b["event_type"] in SPOKEN and not _roles(a)[0] & _roles(b)[0]:
        return None  # a statement is known by its speaker
    return 0.5 + 0.5 * len(pa & pb) / len(pa | pb)


def place_score(a: dict[str, Any], b: dict[str, Any]) -> float | None:
    """1 for places within NEAR_KM (or one containing the other), less for the same division or country, None
    for places far apart; 0.5 when one has no place."""
    la, lb = a.get("location") or {}, b.get("location") or {}
    if la.get("lat") is None or lb.get("lat") is None:
        return 0.5
    km = haversine_km(la["lat"], la["lon"], lb["lat"], lb["lon"])
    coarse = {la.get("precision"), lb.get("precision")} & {"admin", "region", "country"}
    if km <= NEAR_KM:
        return 1.0
    if not coarse:
        return None  # two towns apart: two happenings
    if la.get("country_code") and la.get("country_code") == lb.get("country_code"):
        # "in Idlib province" and "in Jisr al-Shughur": the division contains the town
        same_division = la.get("admin1") and la.get("admin1") == lb.get("admin1")
        return 0.9 if same_division else 0.6
    if km > FAR_KM:
        return None
    return 1.0 - (km - NEAR_KM) / (FAR_KM - NEAR_KM) * 0.7


def _pinned(rec: dict[str, Any]) -> bool:
    """Whether the mention names a town or site (not only a division or country)."""
    loc = rec.get("location") or {}
    return loc.get("lat") is not None and loc.get("precision") in ("exact", "nearby")


def date_score(a: dict[str, Any], b: dict[str, Any]) -> float | None:
    """1 for the same dated day, 0.4 for consecutive dated days (a battle over a night, or two days of strikes),
    None for dated days further apart; less with the gap for ranges, None beyond DATE_WINDOW_DAYS; 0.7 when an
    undated mention (its article's last days) may be the other's, else None; 0.5 when a mention has no date at
    all."""
    sa, sb = _span(a), _span(b)
    if sa is None or sb is None:
        return 0.5
    gap = max((sb[0] - sa[1]).days, (sa[0] - sb[1]).days, 0)
    if gap > DATE_WINDOW_DAYS:
        return None
    if sa[2] and sb[2] and a.get("date_precision") == b.get("date_precision") == "day":
        return {0: 1.0, 1: 0.4}.get(gap)
    if not (sa[2] and sb[2]):
        # an undated mention happened in its article's last days, and never after the article appeared
        return 0.7 if gap == 0 else None
    return 1.0 - gap / (DATE_WINDOW_DAYS + 1)


_STOP = frozenset("that with from have were said this their been they will which when after about into over also "
                  "than more would could some other there where while says told according".split())
_CALENDAR = frozenset("monday tuesday wednesday thursday friday saturday sunday january february march april june "
                      "july august september october november december".split())
_CONTENT = re.compile(r"[^\W\d_]{4,}|\d+")


@lru_cache(maxsize=200_000)
def _content_words(text: str) -> frozenset[str]:
    return frozenset(w for w in _CONTENT.findall(text.lower()) if w not in _STOP)


def wording(a: dict[str, Any], b: dict[str, Any]) -> float:
    """How alike two mentions' sentences are worded (Jaccard over content words and numbers): outlets retelling
    one report keep its names and figures."""
    wa, wb = _content_words(a.get("text") or ""), _content_words(b.get("text") or "")
    return len(wa & wb) / len(wa | wb) if wa and wb else 0.0


def _names(rec: dict[str, Any]) -> set[str]:
    """Capitalised words past the first and numbers of a mention's sentence: keys for finding its retellings."""
    words = re.findall(r"\b(?:[A-Z][\w'-]{3,}|\d{2,})", rec.get("text") or "")
    return {w.lower() for w in words[1:]} - _STOP - _CALENDAR


def _compatible(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """Whether two mentions could report one happening: no part of ``pair_score`` rules it out."""
    return not _apart_parties(a, b) and None not in (type_score(a, b), place_score(a, b), date_score(a, b))


def pair_score(a: dict[str, Any], b: dict[str, Any]) -> float:
    """How likely two event mentions report one happening (0 when any part rules it out). Without shared named
    parties, two mentions are one happening only when both name towns within NEAR_KM of each other."""
    t, pl, d = type_score(a, b), place_score(a, b), date_score(a, b)
    if t is None or pl is None or d is None:
        return 0.0
    p = party_score(a, b)
    if p is None:
        if _apart_parties(a, b):
            return 0.0
        if wording(a, b) >= SAME_WORDING:
            p = 1.0
        elif _pinned(a) and _pinned(b) and pl == 1.0 and t == 1.0 and d >= 0.7:
            p = 0.4
        else:
            return 0.0
    return 0.3 * t + 0.35 * p + 0.15 * pl + 0.2 * d


# --------------------------------------------------------------------------------------------- near-duplicates

def story_groups(documents: dict[str, dict[str, Any]], threshold: float = DUPLICATE_JACCARD,
                 num_perm: int = 128) -> dict[str, str]:
    """Document id → the id of its source: near-duplicate articles (a syndicated wire story) and the articles of
    one outlet share one source. ``documents``: id → {"text", "outlet"}."""
    from datasketch import MinHash, MinHashLSH

    parent = {doc_id: doc_id for doc_id in documents}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(x: str, y: str) -> None:
        rx, ry = find(x), find(y)
        if rx != ry:
            parent[max(rx, ry)] = min(rx, ry)

    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    template = MinHash(num_perm=num_perm, seed=1)  # its permutations are drawn once, not per article
    for doc_id, doc in sorted(documents.items()):
        words = _WORD.findall((doc.get("text") or "").lower())
        shingles = {" ".join(words[i:i + SHINGLE]) for i in range(max(1, len(words) - SHINGLE + 1))}
        sketch = MinHash(num_perm=num_perm, seed=1, permutations=template.permutations, scheme=template.scheme)
        sketch.update_batch([s.encode("utf-8") for s in shingles])
        for other in lsh.query(sketch):
            union(doc_id, other)
        lsh.insert(doc_id, sketch)
    by_outlet: dict[str, str] = {}
    for doc_id, doc in sorted(documents.items()):
        outlet = (doc.get("outlet") or "").strip().casefold()
        if outlet:
            if outlet in by_outlet:
                union(doc_id, by_outlet[outlet])
            else:
                by_outlet[outlet] = doc_id
    return {doc_id: find(doc_id) for doc_id in documents}


# --------------------------------------------------------------------------------------------- clustering

def _blocks(records: list[dict[str, Any]]) -> dict[tuple, list[int]]:
    """Candidate groups: mentions sharing a party and quad class in a week (or its neighbour), or, without
    parties, sharing a one-degree place cell and quad class."""
    blocks: dict[tuple, list[int]] = defaultdict(list)
    for i, rec in enumerate(records):
        when = _when(rec)
        week = (when[0].toordinal() // 7) if when else None
        quad = rec.get("quad_class")
        keys = set()
        for party in _parties(rec) or {None}:
            if party is not None:
                keys.add(("party", party, quad))
        loc = rec.get("location") or {}
        if loc.get("lat") is not None:
            keys.add(("cell", math.floor(loc["lat"]), math.floor(loc["lon"]), quad))
        if not _parties(rec):  # the rarer words of its sentence ("Talbiseh", "100"): another outlet's wording
            keys.update(("word", w, quad) for w in _names(rec))
        if not keys:
            keys.add(("none", quad, (rec.get("document") or {}).get("id")))
        for key in keys:
            for w in ((week, week + 1) if week is not None else (None,)):
                blocks[(*key, w)].append(i)
    return blocks


def fuse(records: Iterable[dict[str, Any]], documents: dict[str, dict[str, Any]],
         threshold: float = THRESHOLD, source_of: dict[str, str] | None = None) -> list[Cluster]:
    """Cluster event records (as ``Event.to_dict`` gives them) into happenings; ``documents``: id → {"text",
    "outlet"} of every article they come from (``source_of``: their ``story_groups``, when already known).
    Deterministic: the same input gives the same clusters."""
    records = sorted(records, key=lambda r: r["id"])
    parent = list(range(len(records)))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    # a cluster joins another only when every pair of their mentions could be one happening, so that a chain
    # of close pairs never joins far-apart days or places, nor Nusra against IS with Nusra against Hezbollah
    # through a mention naming Nusra alone
    members_of: dict[int, list[int]] = {i: [i] for i in range(len(records))}
    compatible = _compatible

    def join(i: int, j: int) -> None:
        ri, rj = find(i), find(j)
        if ri == rj or not all(compatible(records[x], records[y]) for x in members_of[ri] for y in members_of[rj]):
            return
        root, other = min(ri, rj), max(ri, rj)
        parent[other] = root
        members_of[root] += members_of.pop(other)

    # the copies of one story (a wire story and its syndications) report each of its acts once
    source_of = source_of if source_of is not None else story_groups(documents)
    copies: dict[tuple[str, str, str], int] = {}
    for i, rec in enumerate(records):
        doc_id = (rec.get("document") or {}).get("id") or ""
        key = (source_of.get(doc_id, doc_id), " ".join((rec.get("text") or "").split()), rec["event_type"])
        if key in copies:
            join(copies[key], i)
        else:
            copies[key] = i

    # the surest pairs first, so that a doubtful pair cannot bar a sure one through the checks above. A pair
    # shares blocks of at most two consecutive weeks (``_blocks``), so going through the blocks week by week
    # the pairs already scored need remembering for this week and the last only, not for the whole run
    seen: set[tuple[int, int]] = set()
    seen_last_week: set[tuple[int, int]] = set()
    candidates: list[tuple[float, tuple[int, int]]] = []
    blocks = _blocks(records)
    week = None
    for block in sorted(blocks, key=lambda b: (b[-1] is None, b[-1] or 0)):
        if block[-1] != week:
            seen_last_week = seen if week is not None and block[-1] == week + 1 else set()
            seen, week = set(), block[-1]
        members = blocks[block]
        if len(members) > 400:  # a party in hundreds of mentions a week: compare neighbours in time only
            members = sorted(members, key=lambda i: (_when(records[i]) or (date.min, date.min))[0])
            pairs = ((members[k], members[j]) for k in range(len(members))
                     for j in range(k + 1, min(len(members), k + 40)))
        else:
            pairs = ((members[k], members[j]) for k in range(len(members)) for j in range(k + 1, len(members)))
        for i, j in pairs:
            key = (i, j) if i < j else (j, i)
            if key not in seen and key not in seen_last_week:
                seen.add(key)
                score = pair_score(records[i], records[j])
                if score >= threshold:
                    candidates.append((-score, key))
    for _score, (i, j) in sorted(candidates):
        join(i, j)

    # an article goes on about the act it reported: a mention naming no party ("the strikes killed dozens",
    # "fighting continued") or only the other side ("the militants killed dozens of soldiers" after "IS
    # stormed the town") continues the nearest mention of a compatible act shortly before it
    by_document: dict[str, list[int]] = defaultdict(list)
    for i, rec in enumerate(records):
        by_document[(rec.get("document") or {}).get("id")].append(i)
    for members in by_document.values():
        members.sort(key=lambda i: ((records[i].get("span") or [0])[0], i))
        for k, j in enumerate(members):
            start = (records[j].get("span") or [0])[0]
            for i in reversed(members[:k]):
                if start - (records[i].get("span") or [0])[0] > ANAPHORA_CHARS:
                    break
                if compatible(records[i], records[j]):
                    join(i, j)
                    break
    groups: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for i, rec in enumerate(records):
        groups[find(i)].append(rec)
    clusters = []
    for members in groups.values():
        types = defaultdict(int)
        for m in members:
            types[m["event_type"]] += 1
        event_type = max(sorted(types), key=lambda t: types[t])
        cid = hashlib.sha1(("|".join(m["id"] for m in members)).encode()).hexdigest()[:16]
        cluster = Cluster(id=cid, event_type=event_type,
                          quad_class=next(m["quad_class"] for m in members if m["event_type"] == event_type),
                          members=members)
        weight: dict[str, float] = {}
        for m in members:
            doc_id = m["document"]["id"]
            source = source_of.get(doc_id, doc_id)
            weight[source] = max(weight.get(source, 0.0), MODALITY_WEIGHT.get(m.get("modality") or "", 0.8))
        cluster.sources = sum(1 for w in weight.values() if w > 0)
        cluster.corroboration = 1.0 - 0.5 ** sum(weight.values())
        clusters.append(cluster)
    return sorted(clusters, key=lambda c: c.id)


# --------------------------------------------------------------------------------------------- contradictions

HOSTILE = frozenset({"ASSAULT", "COERCE", "THREATEN", "SANCTION"})
# an appeal for help is cooperation toward whom it is made to (CAMEO 02), whatever PLOVER's quad says
FRIENDLY = frozenset({"AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "REQUEST"})
CONTRADICTION_WINDOW_DAYS = 14  # "the same weeks"
SAME_SPOT_KM = 25.0
UNCLAIMED = ("negated", "hypothetical", "planned")  # not a claim that the act happened


def _claim(rec: dict[str, Any]) -> dict[str, Any]:
    return {"event_id": rec["id"], "event_type": rec["event_type"], "quad_class": rec["quad_class"],
            "modality": rec.get("modality"), "text": rec.get("text"), "document": rec.get("document")}


def _ids(refs: list[dict[str, Any]] | None) -> set[str]:
    """Registry parties only: a generic "gunmen" names no one to contradict."""
    return {r["id"] for r in refs or [] if r.get("id") and r.get("sector") != "generic"}


_DENYING = ("deni", "deny", "reject", "dismiss", "refut")
_NOT_YET = re.compile(r"\b(?:would|will|wo|could|can|ca|must|should|to)(?:\s+not|n't|\s+never)\b[^.;]*$")


def _denial(rec: dict[str, Any]) -> bool:
    """Whether a negated mention says an act did not happen ("denied that its troops had killed", "had not hit
    any Islamic State fighters"), not that it will not ("would not allow", "refused to") or stopped."""
    if rec.get("modality") != "negated":
        return False
    evidence = (rec.get("modality_evidence") or "").lower()
    if any(w in evidence for w in _DENYING):
        return True
    if not re.match(r"(?:not|no|never|n't)\b", evidence):
        return False
    text = rec.get("text") or ""
    trigger = (rec.get("trigger_span") or [0])[0] - (rec.get("span") or [0])[0]
    return not _NOT_YET.search(text[:max(0, trigger)].lower())


def _named(refs: list[dict[str, Any]] | None) -> set[str]:
    """Who a list of parties names, registry parties by side, others by their words ("civilians")."""
    return {_side(r) or (r.get("name") or r.get("text") or "").casefold() for r in refs or []} - {""}


def _same_named(a: list[dict[str, Any]] | None, b: list[dict[str, Any]] | None, either_unnamed: bool = False) -> bool:
    """Whether two mentions name the same party in one role (when the first names one at all; with
    ``either_unnamed`` also when the second names none)."""
    na, nb = _named(a), _named(b)
    return not na or bool(na & nb) or (either_unnamed and not nb)


def _same_sides(a: list[dict[str, Any]] | None, b: list[dict[str, Any]] | None) -> bool:
    """Whether a report's actors can be the ones a denial names: the same registry party, or (when the denial
    names one) words that name no one in particular ("pro-government forces"); anyone for a denial naming none."""
    sa, sb = {x for r in a or [] if (x := _side(r))}, {x for r in b or [] if (x := _side(r))}
    return not sa or bool(sa & sb) or (not sb and bool(b))


def _same_spot(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """Whether two mentions' places (when both have one) are one place at one precision."""
    la, lb = a.get("location") or {}, b.get("location") or {}
    if la.get("lat") is None or lb.get("lat") is None:
        return True
    return la.get("precision") == lb.get("precision") and haversine_km(la["lat"], la["lon"], lb["lat"],
                                                                        lb["lon"]) <= SAME_SPOT_KM


def _window(recs: list[dict[str, Any]]) -> dict[str, str | None]:
    days = [d for r in recs for d in (_when(r) or ())]
    return {"start": min(days).isoformat() if days else None, "end": max(days).isoformat() if days else None}


def _apart(a: dict[str, Any], b: dict[str, Any], source_of: dict[str, str]) -> bool:
    """Whether two mentions come from independent sources."""
    da, db = a["document"]["id"], b["document"]["id"]
    return source_of.get(da, da) != source_of.get(db, db)


def _days_between(a: dict[str, Any], b: dict[str, Any]) -> int | None:
    wa, wb = _when(a), _when(b)
    if wa is None or wb is None:
        return None
    return max((wb[0] - wa[1]).days, (wa[0] - wb[1]).days, 0)


def _close_in_time(recs: list[dict[str, Any]], days: int) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
    """Every pair of records whose dates (`_when`) lie at most `days` apart, the lower id first; undated records
    pair with none. A sweep over start dates keeps only the ranges still open, so a place or a pair of parties
    with thousands of records over years costs the pairs near in time, not all pairs."""
    dated = sorted(((when, r) for r in recs if (when := _when(r))), key=lambda x: (x[0][0], x[1]["id"]))
    open_: list[tuple[int, int]] = []  # (last day, index into dated), soonest-ending first
    for k, ((start, end), rec) in enumerate(dated):
        while open_ and open_[0][0] + days < start.toordinal():
            heapq.heappop(open_)
        for _, j in open_:
            other = dated[j][1]
            yield (other, rec) if other["id"] < rec["id"] else (rec, other)
        heapq.heappush(open_, (end.toordinal(), k))


def _km(a: dict[str, Any], b: dict[str, Any]) -> float | None:
    la, lb = a.get("location") or {}, b.get("location") or {}
    if la.get("lat") is None or lb.get("lat") is None or "country" in (la.get("precision"), lb.get("precision")):
        return None
    return haversine_km(la["lat"], la["lon"], lb["lat"], lb["lon"])


def _outlets(recs: Iterable[dict[str, Any]]) -> str:
    return ", ".join(sorted({r["document"].get("outlet") or "a source" for r in recs}))


def contradictions(records: Iterable[dict[str, Any]], clusters: list[Cluster],
                   source_of: dict[str, str]) -> list[dict[str, Any]]:
    """Claims by independent sources that cannot both hold: cooperation and conflict between one pair in the
    same weeks, an act one source reports and another denies, different perpetrators of one attack, one place
    seized by both sides, and fatality figures far apart. Each with both sides' claims and a plain reason."""
    records = sorted(records, key=lambda r: r["id"])
    found: dict[tuple, dict[str, Any]] = {}

    def add(kind: str, parties: Iterable[str], claims: list[dict[str, Any]], reason: str) -> None:
        parties = sorted(set(parties))
        key = (kind, tuple(parties), tuple(sorted(c["id"] for c in claims)))
        if key not in found:
            found[key] = {"kind": kind, "actors": parties, "window": _window(claims),
                          "claims": [_claim(c) for c in sorted(claims, key=lambda c: c["id"])], "reason": reason}

    # cooperation and conflict between one pair
    by_pair: dict[frozenset[str], list[dict[str, Any]]] = defaultdict(list)
    for rec in records:
        if rec.get("modality") in UNCLAIMED:
            continue
        for a in _ids(rec.get("actor")):
            for b in _ids(rec.get("recipient")):
                if a != b:
                    by_pair[frozenset((a, b))].append(rec)
    for pair, recs in by_pair.items():
        hostile_side: dict[str, dict[str, Any]] = {}
        friendly_side: dict[str, dict[str, Any]] = {}
        for x, y in _close_in_time([r for r in recs if r["event_type"] in HOSTILE | FRIENDLY],
                                   CONTRADICTION_WINDOW_DAYS):
            h, f = (x, y) if x["event_type"] in HOSTILE else (y, x)
            if h["event_type"] in HOSTILE and f["event_type"] in FRIENDLY and _apart(h, f, source_of):
                hostile_side[h["id"]], friendly_side[f["id"]] = h, f
        if hostile_side:
            a, b = sorted(pair)
            add("cooperation_and_conflict", pair, [*hostile_side.values(), *friendly_side.values()],
                f"{_outlets(hostile_side.values())} report {a} and {b} in conflict "
                f"({', '.join(sorted({r['event_type'] for r in hostile_side.values()}))}) while "
                f"{_outlets(friendly_side.values())} report them cooperating "
                f"({', '.join(sorted({r['event_type'] for r in friendly_side.values()}))}) within "
                f"{CONTRADICTION_WINDOW_DAYS} days")
    for cluster in clusters:
        members = cluster.members
        # fatality figures far apart: a bounded figure ("about 20", "12") against one at least twice as high
        # from another source, for the same place ("at least 27" or "dozens" bound nothing; the toll of one
        # town is not the toll of the province)
        killed = [(m["size"]["killed"]["low"], m) for m in members
                  if (m.get("size") or {}).get("killed", {}).get("low") is not None]
        bounded = [(m["size"]["killed"]["high"], m) for _n, m in killed if m["size"]["killed"].get("high")]
        if bounded and len(killed) >= 2:
            low, high = min(bounded, key=lambda k: k[0]), max(killed, key=lambda k: k[0])
            if _apart(low[1], high[1], source_of) and high[0] - low[0] >= 5 and high[0] >= 2 * max(low[0], 1) \
                    and _same_spot(low[1], high[1]):
                parties = _ids(low[1].get("actor")) | _ids(high[1].get("actor")) | \
                    _ids(low[1].get("recipient")) | _ids(high[1].get("recipient"))
                add("fatalities_apart", parties, [low[1], high[1]],
                    f"{low[1]['document'].get('outlet') or 'one source'} counts {low[0]} killed, "
                    f"{high[1]['document'].get('outlet') or 'another'} {high[0]}")
    # reported by one source, denied by another: the denial names who did not do it or to whom, and the report
    # names the same ("Russia denied its strikes killed civilians" / "the strikes killed 36 civilians"; not
    # "had not hit Islamic State fighters" / "the jets hit three towns"), and could report the same happening
    # (whether or not fusion put the two in one cluster: an unnamed "pro-government forces" joins no cluster)
    cluster_of = {m["id"]: c.id for c in clusters for m in c.members}
    # the reports of a type by week, also by whom they name as recipient and by the sides of their actors: a
    # denial is compared only with the reports that can pass the checks below (sharing a named recipient;
    # of its cluster, or sharing an actor's side or naming actors of no side), not with every report of its weeks
    reports: dict[tuple, list[dict[str, Any]]] = defaultdict(list)
    for rec in records:
        when = _when(rec)
        if rec.get("modality") not in UNCLAIMED and when:
            key = (rec["event_type"], when[0].toordinal() // 7)
            reports[key].append(rec)
            for name in _named(rec.get("recipient")):
                reports[(*key, "to", name)].append(rec)
            for side in _roles(rec)[0] or ([None] if rec.get("actor") else []):
                reports[(*key, "by", side)].append(rec)
    members_of = {c.id: c.members for c in clusters}
    for d in records:
        when = _when(d)
        if not _denial(d) or not when or not (_named(d.get("actor")) or _named(d.get("recipient"))):
            continue
        week = when[0].toordinal() // 7
        weeks = [(d["event_type"], w) for w in (week - 1, week, week + 1)]
        pool = {s["id"]: s for key in weeks for s in reports.get(key, [])}
        if recipients := _named(d.get("recipient")):
            pool = {s["id"]: s for key in weeks for n in recipients for s in reports.get((*key, "to", n), [])}
        sides = _roles(d)[0]
        if sides and d["id"] in cluster_of:
            by = {s["id"] for key in weeks for side in [*sides, None] for s in reports.get((*key, "by", side), [])}
            by.update(m["id"] for m in members_of[cluster_of[d["id"]]])
            pool = {i: s for i, s in pool.items() if i in by}
        pool = pool.values()
        others = [s for s in pool if _apart(d, s, source_of) and _same_named(d.get("recipient"), s.get("recipient"))
                  and (cluster_of.get(s["id"]) == cluster_of.get(d["id"])
                       or _same_sides(d.get("actor"), s.get("actor")) and _compatible(d, s))]
        if others:
            parties = set().union(*(_ids(m.get("actor")) | _ids(m.get("recipient")) for m in [d, *others]))
            add("reported_and_denied", parties, [d, *others],
                f"{_outlets(others)} report the {d['event_type']} that "
                f"{d['document'].get('outlet') or 'another source'} reports as denied or not done")
    # different perpetrators of one attack; one place seized by two sides
    violent = [r for r in records if r["event_type"] in ("ASSAULT", "COERCE") and r.get("modality") not in UNCLAIMED
               and _ids(r.get("actor"))]
    cells: dict[tuple[int, int], list[dict[str, Any]]] = defaultdict(list)  # compared within a place cell
    for rec in violent:
        loc = rec.get("location") or {}
        if loc.get("lat") is not None:
            cells[(math.floor(loc["lat"] * 2), math.floor(loc["lon"] * 2))].append(rec)
    pairs = (pair for cell in cells.values() for pair in _close_in_time(cell, CONTRADICTION_WINDOW_DAYS))
    for a, b in pairs:
        if not _apart(a, b, source_of) or _ids(a.get("actor")) & _ids(b.get("actor")):
            continue
        km, days = _km(a, b), _days_between(a, b)
        if km is None or days is None or km > SAME_SPOT_KM:
            continue
        seize = a.get("mode") == "seize" and b.get("mode") == "seize"
        if seize and days <= CONTRADICTION_WINDOW_DAYS and not (_ids(a.get("actor")) & _ids(b.get("recipient"))
                                                                or _ids(b.get("actor")) & _ids(a.get("recipient"))):
            where = (a.get("location") or {}).get("name")
            add("control_claimed_by_both", _ids(a.get("actor")) | _ids(b.get("actor")), [a, b],
                f"{', '.join(sorted(_ids(a.get('actor'))))} and {', '.join(sorted(_ids(b.get('actor'))))} are "
                f"each reported to have taken {where} within {CONTRADICTION_WINDOW_DAYS} days")
        elif not seize and a["event_type"] == b["event_type"] == "ASSAULT" and days <= 1 and \
                _ids(a.get("recipient")) & _ids(b.get("recipient")):
            add("different_perpetrators", _ids(a.get("actor")) | _ids(b.get("actor")), [a, b],
                f"the attack on {', '.join(sorted(_ids(a.get('recipient')) & _ids(b.get('recipient'))))} at "
                f"{(a.get('location') or {}).get('name')} is blamed on {', '.join(sorted(_ids(a.get('actor'))))} "
                f"by one source and on {', '.join(sorted(_ids(b.get('actor'))))} by another")
    return sorted(found.values(), key=lambda c: (c["window"]["start"] or "", c["kind"], c["actors"]))
