"""Relations between actors over time: a signed intensity per pair and week or month, its state, and its shifts.

Every happening (a fusion cluster, so that ten reports of one attack count once) adds, for each pair of
registry actors on its two sides, the score of its type on a −10…+10 scale in the spirit of the Goldstein scale
(an attack −10, aid +7, an appeal +3), times how firmly it is said (a denial adds nothing). A pair's period
score is the mean over its happenings; its state is allied (≥ +1), hostile (≤ −1) or mixed; a shift is a change
of state between periods in which the pair has happenings.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Iterable
from xml.sax.saxutils import quoteattr

from eventwire.fuse import MODALITY_WEIGHT, _when
from eventwire.fuse import _ids as registry_parties
from eventwire.model import PROVISIONAL_PREFIX

# −10 (most hostile) … +10 (most cooperative), one value per PLOVER type
TYPE_SCORE = {"AGREE": 4.0, "CONSULT": 1.0, "SUPPORT": 3.5, "CONCEDE": 5.0, "COOPERATE": 6.0, "AID": 7.0,
              "RETREAT": 3.0, "REQUEST": 3.0, "ACCUSE": -2.0, "REJECT": -4.0, "THREATEN": -6.0, "PROTEST": -6.5,
              "SANCTION": -7.0, "MOBILIZE": -7.2, "COERCE": -8.0, "ASSAULT": -10.0}
ALLIED, HOSTILE = 1.0, -1.0


@dataclass
class PairPeriod:
    actor_a: str
    actor_b: str
    period: str  # "2015-05" or the Monday of a week "2015-05-11"
    total: float = 0.0
    events: int = 0

    @property
    def score(self) -> float:
        return round(self.total / self.events, 2) if self.events else 0.0

    @property
    def sign(self) -> str:
        return state(self.score)

    def to_dict(self) -> dict[str, Any]:
        return {"actor_a": self.actor_a, "actor_b": self.actor_b, "period": self.period, "score": self.score,
                "events": self.events, "sign": self.sign}


def state(score: float) -> str:
    """allied (≥ ALLIED), hostile (≤ HOSTILE) or mixed."""
    return "allied" if score >= ALLIED else "hostile" if score <= HOSTILE else "mixed"


def over_all_periods(series: list[PairPeriod]) -> list[PairPeriod]:
    """Each pair's periods summed into one cell (period "all"), pairs in order: the network's edges."""
    totals: dict[tuple[str, str], PairPeriod] = {}
    for cell in series:
        pair = totals.setdefault((cell.actor_a, cell.actor_b), PairPeriod(cell.actor_a, cell.actor_b, "all"))
        pair.total += cell.total
        pair.events += cell.events
    return [totals[k] for k in sorted(totals)]


def _period(day: date, period: str) -> str:
    if period == "month":
        return f"{day.year:04d}-{day.month:02d}"
    return (day - timedelta(days=day.weekday())).isoformat()


def _ids(refs: list[dict[str, Any]] | None) -> set[str]:
    """The registry parties fusion reads, less the provisional ones (a name seen once is no relation)."""
    return {i for i in registry_parties(refs) if not i.startswith(PROVISIONAL_PREFIX)}


def relations(records: Iterable[dict[str, Any]], cluster_of: dict[str, str], period: str = "month",
              actor: str | None = None) -> list[PairPeriod]:
    """Pair × period scores from event records; ``cluster_of``: event id → cluster id (one vote per happening,
    the most firmly said of its mentions)."""
    if period not in ("week", "month"):
        raise ValueError(f"period must be week or month, not {period!r}")
    votes: dict[tuple[str, str, str, str], float] = {}  # (a, b, period, happening) → score
    for rec in records:
        when = _when(rec)
        if when is None or rec["event_type"] not in TYPE_SCORE:
            continue
        weight = MODALITY_WEIGHT.get(rec.get("modality") or "", 0.8)
        if weight <= 0:
            continue
        score = TYPE_SCORE[rec["event_type"]] * weight
        happening = cluster_of.get(rec["id"], rec["id"])
        for a in _ids(rec.get("actor")):
            for b in _ids(rec.get("recipient")):
                if a == b:
                    continue
                x, y = sorted((a, b))
                if actor and actor.casefold() not in (x.casefold(), y.casefold()):
                    continue
                key = (x, y, _period(when[0], period), happening)
                if key not in votes or abs(score) > abs(votes[key]):
                    votes[key] = score
    table: dict[tuple[str, str, str], PairPeriod] = {}
    for (x, y, p, _), score in sorted(votes.items()):
        cell = table.setdefault((x, y, p), PairPeriod(x, y, p))
        cell.total += score
        cell.events += 1
    return sorted(table.values(), key=lambda c: (c.actor_a, c.actor_b, c.period))


def shifts(series: list[PairPeriod]) -> list[dict[str, Any]]:
    """Where a pair turns from allied to hostile or back (mixed periods between are passed over): "NUSRA and IS:
    allied until 2014-06, hostile from 2014-08"."""
    by_pair: dict[tuple[str, str], list[PairPeriod]] = defaultdict(list)
    for cell in series:
        if cell.sign != "mixed":
            by_pair[(cell.actor_a, cell.actor_b)].append(cell)
    out = []
    for (a, b), cells in sorted(by_pair.items()):
        cells.sort(key=lambda c: c.period)
        for before, after in zip(cells, cells[1:]):
            if before.sign != after.sign:
                out.append({"actor_a": a, "actor_b": b, "from": before.sign, "to": after.sign,
                            "until": before.period, "since": after.period,
                            "text": f"{a} and {b}: {before.sign} until {before.period}, {after.sign} from "
                                    f"{after.period}"})
    return out


def to_gexf(series: list[PairPeriod]) -> str:
    """The actor network as GEXF 1.3 for Gephi: one edge per pair, its weight the absolute summed score, its
    sign and score as attributes, and one spell per period."""
    edges = over_all_periods(series)
    nodes = sorted({n for e in edges for n in (e.actor_a, e.actor_b)})
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             '<gexf xmlns="http://gexf.net/1.3" version="1.3">',
             '  <graph mode="static" defaultedgetype="undirected">',
             '    <attributes class="edge">',
             '      <attribute id="0" title="score" type="float"/>',
             '      <attribute id="1" title="sign" type="string"/>',
             '      <attribute id="2" title="events" type="integer"/>',
             '    </attributes>', '    <nodes>']
    lines += [f"      <node id={quoteattr(n)} label={quoteattr(n)}/>" for n in nodes]
    lines.append("    </nodes>")
    lines.append("    <edges>")
    for k, edge in enumerate(edges):
        a, b, events, total = edge.actor_a, edge.actor_b, edge.events, edge.total
        mean = total / events if events else 0.0
        sign = state(mean)
        lines.append(f'      <edge id="{k}" source={quoteattr(a)} target={quoteattr(b)} weight="{abs(total):.2f}">')
        lines.append(f'        <attvalues><attvalue for="0" value="{mean:.2f}"/><attvalue for="1" '
                     f'value={quoteattr(sign)}/><attvalue for="2" value="{events}"/></attvalues>')
        lines.append("      </edge>")
    lines += ["    </edges>", "  </graph>", "</gexf>"]
    return "\n".join(lines) + "\n"
