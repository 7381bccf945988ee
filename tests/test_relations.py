"""Relations between actors over time: scores per period, states, shifts and the GEXF network."""
from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from eventwire.relations import relations, shifts, to_gexf


def rec(eid: str, event_type: str, day: str, actor: str = "NUSRA", recipient: str = "FSA",
        modality: str = "asserted") -> dict:
    return {"id": eid, "event_type": event_type, "quad_class": 0, "modality": modality,
            "actor": [{"id": actor}], "recipient": [{"id": recipient}], "date": day, "date_end": day,
            "document": {"id": "d" + eid, "published": day}}


RECORDS = [rec("1", "COOPERATE", "2014-12-02"), rec("2", "AID", "2015-01-10"), rec("3", "AGREE", "2015-03-05"),
           rec("4", "ASSAULT", "2015-05-12"), rec("5", "ASSAULT", "2015-05-13", actor="FSA", recipient="NUSRA"),
           rec("6", "THREATEN", "2015-06-01"), rec("7", "ASSAULT", "2015-06-02", modality="negated")]


def test_monthly_scores_and_states() -> None:
    series = {c.period: c.to_dict() for c in relations(RECORDS, {})}
    assert series["2015-01"] == {"actor_a": "FSA", "actor_b": "NUSRA", "period": "2015-01", "score": 7.0,
                                 "events": 1, "sign": "allied"}
    # two attacks, one by each side: one pair, hostile
    assert series["2015-05"]["events"] == 2 and series["2015-05"]["sign"] == "hostile"
    # a denied attack adds nothing
    assert series["2015-06"]["events"] == 1 and series["2015-06"]["score"] == -6.0


def test_one_vote_per_happening() -> None:
    cluster_of = {"4": "c1", "5": "c1"}  # two reports of one clash
    may = next(c for c in relations(RECORDS, cluster_of) if c.period == "2015-05")
    assert may.events == 1 and may.score == -10.0


def test_shifts_and_weeks() -> None:
    found = shifts(relations(RECORDS, {}))
    assert [(s["from"], s["to"], s["until"], s["since"]) for s in found] == [("allied", "hostile", "2015-03",
                                                                              "2015-05")]
    weeks = relations(RECORDS, {}, period="week")
    assert {c.period for c in weeks} >= {"2015-05-11", "2014-12-01"}  # weeks begin on Monday
    with pytest.raises(ValueError):
        relations(RECORDS, {}, period="day")


def test_gexf_is_well_formed_and_signed() -> None:
    root = ET.fromstring(to_gexf(relations(RECORDS, {})))
    ns = {"g": "http://gexf.net/1.3"}
    assert {n.get("id") for n in root.iterfind(".//g:node", ns)} == {"FSA", "NUSRA"}
    (edge,) = root.iterfind(".//g:edge", ns)
    assert float(edge.get("weight")) > 0
    values = {v.get("for"): v.get("value") for v in edge.iterfind(".//g:attvalue", ns)}
    assert values["1"] in ("allied", "hostile", "mixed") and values["2"] == "6"


def test_relations_command(tmp_path) -> None:
    import json
    from pathlib import Path

    from click.testing import CliRunner

    from eventwire.cli import main

    examples = Path(__file__).resolve().parents[1] / "examples"
    db = str(tmp_path / "r.duckdb")
    ran = CliRunner().invoke(main, ["run", str(examples / "2015-05-12_nusra_attacks_is.txt"),
                                    str(examples / "2014-08-04_arsal.txt"), "--db", db, "--quiet"])
    assert ran.exit_code == 0, ran.output
    out = CliRunner().invoke(main, ["relations", "--db", db, "--actor", "nusra", "--format", "jsonl"])
    rows = [json.loads(line) for line in out.output.splitlines()]
    assert rows and all(set(r) == {"actor_a", "actor_b", "period", "score", "events", "sign"} for r in rows)
    assert any({r["actor_a"], r["actor_b"]} == {"IS", "NUSRA"} and r["sign"] == "hostile" for r in rows)
    gexf = CliRunner().invoke(main, ["relations", "--db", db, "--period", "week", "--format", "gexf"])
    assert ET.fromstring(gexf.output).tag.endswith("gexf")
