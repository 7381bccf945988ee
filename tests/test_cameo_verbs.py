"""Loading a CAMEO/PETRARCH verb dictionary as extra triggers (eventwire.events.cameo_verbs)."""
from __future__ import annotations

import json
import re

import pytest

from eventwire.evaluate import default_data_dir
from eventwire.events.cameo_verbs import (VerbDictionaryError, cameo_crosswalk, read_verb_dictionary,
                                          triggers_from_dictionary)
from eventwire.events.lexicon import QUAD_CLASS, Lexicon

DATA = default_data_dir()
PETRARCH = DATA / "petrarch2" if DATA else None
needs_data = pytest.mark.skipif(PETRARCH is None or not (PETRARCH / "CAMEO.2.0.txt").is_file(),
                                reason="shared data (../shared/data/petrarch2) not found: the PETRARCH verb "
                                       "dictionaries are not shipped with eventwire")

SMALL = """\
# a small dictionary written for this test
####### SYNONYM SETS #######
&FOODS
+BREAD
+RICE

####### VERB PATTERNS #######
---  FIGHTING   [190]  ---
BATTLE  # a comment
SHOOT {SHOOTS SHOT SHOOTING} [193]
+GUN_DOWN {+GUNS_DOWN +GUNNED_DOWN} [193]
+SHOT_AND {}
WIRE_+TAP
RIP {RIPS RIPPED};old comment
- * BACK                                   [0874]   # surrender
- * (AGAINST &FOODS)                       [190]

---  TALK   [---]  ---
CHAT
SNUB [:110]
- * AID                                    [070]
- * PEACE [---]

---  GRUMBLE   [010]---  ---
GRUMBLE
"""


def by_key(triggers):
    return {(t.lemma, t.extra): t for t in triggers}


def test_small_dictionary_parsed_and_mapped(tmp_path):
    path = tmp_path / "small.verbs.txt"
    path.write_text(SMALL, encoding="utf-8")
    blocks, report = read_verb_dictionary(path)
    assert [b.label for b in blocks] == ["FIGHTING", "TALK", "GRUMBLE"]
    assert [b.code for b in blocks] == ["190", "---", "010"]
    assert report.blocks == 3 and report.verbs == 9 and report.patterns == 4
    assert report.synsets == 1 and report.synset_members == 2 and not report.uninterpreted
    assert report.no_event_blocks == 1 and report.no_event_patterns == 1
    shoot = blocks[0].verbs[1]
    assert (shoot.lemma, shoot.extra, shoot.code, shoot.forms) == ("shoot", None, "193", ("shoots", "shot", "shooting"))
    assert report.skipped_verbs == {"fixed phrase ({})": 1, "verb after other words": 1}

    triggers, report = triggers_from_dictionary(path)
    got = by_key(triggers)
    assert got[("battle", None)].event_type == "ASSAULT" and got[("battle", None)].cameo == "190"
    assert got[("shoot", None)].mode == "firearms"
    assert (got[("gun", "down")].event_type, got[("gun", "down")].cameo) == ("ASSAULT", "193")
    assert got[("rip", None)].event_type == "ASSAULT"
    # a single-object pattern coded apart from its block gives "<verb> <object>" for the block's verbs
    assert got[("battle", "back")].event_type == "RETREAT" and got[("rip", "back")].cameo == "0874"
    assert got[("chat", "aid")].event_type == "AID"
    # --- blocks give no bare trigger; [:110] is the object's event; 010 has no PLOVER type
    assert ("chat", None) not in got and ("snub", None) not in got and ("grumble", None) not in got
    assert report.object_only_codes == 1 and report.no_plover_type["010"] == 1
    assert not any(t.extra == "peace" for t in triggers)
    assert all(t.pos == "VERB" and t.event_type in QUAD_CLASS and not t.flags for t in triggers)
    assert "verb blocks" in report.summary() and "Triggers" in report.summary()


def test_crosswalk_table_follows_plover_2021():
    cw = cameo_crosswalk()
    assert cw["111"] == ("ACCUSE", "disapprove")
    assert cw["090"][0] == "ACCUSE" and cw["163"][0] == "COERCE" and cw["1712"][0] == "ASSAULT"
    assert cw["036"][0] == "AGREE" and cw["040"] == ("CONSULT", None) and cw["042"] == ("CONSULT", "visit")
    assert cw["010"] == (None, None) and cw["020"] == (None, None)
    assert cw["195"] == ("ASSAULT", "heavy-weapons") and cw["0871"] == ("RETREAT", "ceasefire")
    roots = {code[:2] for code in cw}
    assert roots == {f"{i:02d}" for i in range(1, 21)}


@needs_data
def test_cameo_dictionary_all_blocks_read():
    path = PETRARCH / "CAMEO.2.0.txt"
    headers = sum(1 for ln in path.read_text(encoding="utf-8").splitlines() if ln.startswith("---"))
    patterns = sum(1 for ln in path.read_text(encoding="utf-8").splitlines() if ln.startswith("- "))
    blocks, report = read_verb_dictionary(path)
    assert len(blocks) == report.blocks == headers
    assert report.patterns == patterns
    assert report.uninterpreted == [] and report.synsets > 30 and report.transformations > 0
    assert report.verbs > 1500 and report.multiword_verbs > 100
    call_for = [v for b in blocks for v in b.verbs if v.text.startswith("+ASK_FOR")]
    assert call_for and (call_for[0].lemma, call_for[0].extra) == ("ask", "for")


@needs_data
def test_cameo_dictionary_codes_map_to_plover():
    triggers, report = triggers_from_dictionary(PETRARCH / "CAMEO.2.0.txt")
    got = by_key(triggers)
    assert got[("attack", None)].event_type == "ASSAULT" and got[("attack", None)].cameo.startswith("19")
    assert got[("denounce", None)].event_type == "ACCUSE" and got[("denounce", None)].cameo == "111"
    assert got[("consult", None)].event_type == "CONSULT" and got[("consult", None)].cameo == "040"
    assert (got[("kidnap", None)].event_type, got[("kidnap", None)].mode) == ("ASSAULT", "abduct")
    assert got[("take", "over")].event_type == "COERCE"
    # ALLEVIATE [---] has no patterns and no own codes: nothing comes of it
    assert not any(t.lemma == "alleviate" for t in triggers)
    assert report.no_event > 0 and sum(report.no_plover_type.values()) > 0
    assert report.triggers == len(triggers) > 1000
    assert len(got) == len(triggers)  # one trigger per (lemma, extra)


@needs_data
def test_triggers_can_be_added_to_a_fresh_lexicon():
    triggers, _ = triggers_from_dictionary(PETRARCH / "CAMEO.2.0.txt")
    lex = Lexicon.load()
    shipped = list(lex.triggers[("attack", "VERB")])
    for t in reversed(triggers):
        lex.add(t, first=True)
    bucket = lex.triggers[("attack", "VERB")]
    # the user's dictionary wins over the shipped lexicon: its bare trigger comes first, the shipped one stays
    bare = [t for t in bucket if t.extra is None]
    assert bare[0] != [t for t in shipped if t.extra is None][0] and [t for t in shipped if t.extra is None][0] in bare
    assert [t.extra for t in bucket].index(None) == sum(1 for t in bucket if t.extra)  # two-word lines first
    assert ("denounce", "VERB") in lex.triggers


@needs_data
def test_validation_dictionary_reads_with_its_odd_codes():
    blocks, report = read_verb_dictionary(PETRARCH / "PETR.Validate.verbs.txt")
    text = (PETRARCH / "PETR.Validate.verbs.txt").read_text(encoding="utf-8")
    assert len(blocks) == len(re.findall(r"^---", text, flags=re.M)) and not report.uninterpreted
    triggers, report = triggers_from_dictionary(PETRARCH / "PETR.Validate.verbs.txt")
    assert triggers and "+++" in report.unknown_codes  # WEIS-era test codes are reported, not guessed


def test_json_file_is_refused_with_file_and_line(tmp_path):
    path = tmp_path / "lexicon.json"
    path.write_text(json.dumps({"verbs": ["attack"]}, indent=2), encoding="utf-8")
    with pytest.raises(VerbDictionaryError, match=r"lexicon\.json:1: not a verb dictionary line") as err:
        read_verb_dictionary(path)
    assert err.value.line == 1


@pytest.mark.parametrize("body, line, message", [
    ("---  ATTACK   [190]  ---\nATTACK {ATTACKS\n", 2, "braces"),
    ("---  ATTACK   190  ---\nATTACK\n", 1, "block header"),
    ("# only a comment\n- * AID [070]\n", 2, "outside a verb block"),
    ("---  ATTACK   [190]  ---\n- * AID\n", 2, "malformed pattern"),
    ("# nothing here\n", 1, "no verb block"),
])
def test_malformed_lines_name_file_and_line(tmp_path, body, line, message):
    path = tmp_path / "bad.txt"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(VerbDictionaryError, match=message) as err:
        read_verb_dictionary(path)
    assert err.value.line == line and "bad.txt" in str(err.value)
    if body.startswith("---  ATTACK   [190]"):  # lenient mode keeps the rest of a file that has blocks
        _, report = read_verb_dictionary(path, strict=False)
        assert report.uninterpreted and report.uninterpreted[0][0] == line
