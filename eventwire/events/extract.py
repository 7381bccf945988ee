"""From a parsed article to coded events: triggers, arguments, place, time, modality and attribution.

The rules read spaCy's dependency parse; every word list they use lives in `data/` (see lexicon.py).
One trigger gives one event; a noun trigger that is an argument of a verb trigger of the same kind
("the air strike killed 12") is folded into that verb's event so a sentence does not yield it twice.
"""
from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import date

from spacy.tokens import Doc, Span, Token

from eventwire.events.lexicon import QUAD_CLASS, Trigger, acled_type
from eventwire.events.size import event_size
from eventwire.events.where import Candidate, features, load_model
from eventwire.events.mentions import (
    FACILITIES,
    GROUP_NOUNS,
    INSIDE_PREPS,
    LOCATIVE_PREPS,
    NAMED_PLACE_NOUNS,
    NP_INNER,
    OBJECTS,
    PASSIVE_SUBJECTS,
    PLACE_NOUNS,
    PLAN_NOUNS,
    POSSESSIVE_PRONOUNS,
    PRONOUNS,
    REPORT_NOUNS,
    SUBJECTS,
    MentionResolver,
    Mentions,
    _copy,
    _main_country,
    _sent,
    _strip_det,
    _subject,
)
from eventwire.actors.registry import composed_id
from eventwire.model import ActorRef, Document, Event, Place, TimeSpan


# Dependencies followed down from a verbal act to the party its complement acts on.
EMBEDDED = frozenset({"xcomp", "dobj", "dative", "pobj", "prep", "poss", "compound", "ccomp", "pcomp", "acl",
                      "relcl"})
# Words of a phrase line that must hang from the verb itself ("call for", "call off"), never from its object.
PARTICLES = frozenset({"for", "on", "upon", "off", "up", "out", "over", "down", "to", "with", "against", "into",
                       "from", "at", "in", "of", "by", "away", "back"})
# People whose evacuation is a rescue rather than a retreat.
EVACUEES = frozenset({"wounded", "injured", "sick", "national", "foreigner", "citizen", "casualty", "survivor",
                      "evacuee", "patient"})
# Restrictions that bear on the people of the place where they are imposed or lifted.
RESTRICTIONS = frozenset({"curfew", "law", "emergency"})
# What an authority orders a party to do that shuts it down.
SHUTDOWNS = frozenset({"suspend", "close", "shut", "cease", "halt", "stop", "disband", "dissolve", "leave", "vacate"})
# Sectors of generic parties that are people of a place rather than of a state or an armed group.
PEOPLE_SECTORS = frozenset({"CVL", "LAB", "EDU", "AGR", "BUS", "REF", "HLH", "MED", "OPP"})
# Nouns that hold the event of the noun modifying them: "a mediation mission", "an aid programme".
CONTAINERS = frozenset({"mission", "effort", "campaign", "drive", "bid", "initiative", "programme", "program",
                        "operation", "process", "package"})
# Nouns that count or gather a party: "thousands of Nigerians", "a group of elders".
QUANTITIES = frozenset({"ten", "tens", "hundred", "hundreds", "thousand", "thousands", "dozen", "dozens", "score",
                        "scores", "million", "millions", "group", "number", "crowd", "crowds", "band", "handful",
                        "delegation", "contingent", "batch", "patch", "team", "some", "many", "most", "all", "one",
                        "two", "three", "third", "half", "majority"})
# Craft whose acts are air strikes ("Turkish jets bombed…"), as lemmas.
AIRCRAFT = frozenset({"jet", "warplane", "aircraft", "plane", "helicopter", "gunship", "drone", "bomber",
                      "airstrike", "fighter-bomber", "aviation", "air"})


class EventExtractor(MentionResolver):
    """Turns one parsed article into events: triggers, arguments, place, time, modality and attribution,
    read from the parse over the mentions its base class resolves."""


    # ---------------------------------------------------------------- triggers
    def _trigger(self, tok: Token, as_head: bool = False) -> Trigger | None:
        """The lexicon line a word triggers, or None. `as_head`: a noun modifying a container noun
        ("a mediation mission"), read as if it were the head."""
        if tok.pos_ in ("VERB", "AUX") or (tok.pos_ == "NOUN" and tok.tag_.startswith("VB")) or (
                tok.pos_ == "NOUN" and tok.dep_ == "ROOT" and any(c.dep_ == "nsubj" for c in tok.children)
                and not any(c.dep_ in ("det", "poss", "amod", "compound") for c in tok.children)):
            pos = "VERB"  # (also a verb the tagger took for a noun: "the Nusra Front split from…")
        elif tok.pos_ in ("NOUN", "PROPN"):
            pos = "NOUN"
        else:
            return None
        if pos == "NOUN" and any(c.dep_ in ("compound", "amod") and self.lex.is_cue(c.lemma_.lower(), "not_event")
                                 for c in tok.children):
            return None  # "a heart attack", "a legal battle", "a trade war"
        if pos == "NOUN" and tok.lemma_.lower() == "protest" and tok.dep_ == "pobj" and tok.head.lower_ == "in":
            return None  # "a hunger strike in protest of…": the purpose of another act, not a second protest
        if pos == "NOUN" and tok.dep_ == "compound" and tok.head.pos_ in ("NOUN", "PROPN") and not as_head:
            return None  # a modifier of another noun: "the main fighting force", "attack helicopters"
        bucket = next((self.lex.triggers[(w, pos)] for w in _lemmas(tok) if (w, pos) in self.lex.triggers), None)
        if not bucket and pos == "VERB" and tok.tag_ == "VBG":  # "the shelling", "fighting" tagged as verbs
            bucket = self.lex.triggers.get((tok.lower_, "NOUN"))
        if not bucket:
            return None
        words_here: tuple[set[str], set[str]] | None = None  # the verb's own words and its object's, read once
        for trig in bucket:
            if trig.extra is None:
                if pos == "VERB" and any(c.dep_ in OBJECTS and self.lex.is_cue(c.lemma_.lower(), "not_object")
                                         for c in tok.children):
                    return None  # "hit the headlines", "hit a record": a figure of speech, no attack
                if "needs_object" in trig.flags and not _has_object(tok, trig) and not (
                        pos == "NOUN" and self._governed_by_light_verb(tok)):  # "staged rallies"
                    continue
                if pos == "VERB" and any(c.dep_ == "prt" and c.lemma_ not in ("up", "down", "off", "out")
                                         for c in tok.children):
                    continue  # "take over" is not "take"; particles only weaken a few verbs
                return trig
            if pos == "VERB":
                if words_here is None:
                    words_here = _verb_words(tok)
                kids, deep = words_here
                if all(w in kids or (w in deep and w not in PARTICLES) for w in trig.extra.split()):
                    return trig
            else:
                mods = [c.lemma_.lower() for c in tok.lefts if c.dep_ in ("compound", "amod", "nmod")]
                if " ".join(mods[-len(trig.extra.split()):]) == trig.extra:
                    return trig
        return None

    def _cue(self, tok: Token, kind: str) -> bool:
        """Whether a verb is a cue of this kind under its lemma or, when the tagger's lemma is off
        ("staged" → "stag"), a lemma read off its inflected form."""
        return any(self.lex.is_cue(lemma, kind) for lemma in _lemmas(tok))

    # ---------------------------------------------------------------- arguments
    def _actors(self, tok: Token | None, m: Mentions, date_iso: str | None) -> list[ActorRef]:
        """The parties named by a noun phrase and its conjuncts ("Hezbollah and Syrian troops")."""
        if tok is None:
            return []
        out: list[ActorRef] = []
        listed = [k for c in tok.children if c.dep_ == "appos" and _conjuncts(c) for k in (c, *_conjuncts(c))]
        for head in [tok, *_conjuncts(tok), *listed]:  # (a list "X, Y and Z" the parser reads as an apposition)
            refs = [self._actor_of_np(head, m)]
            for c in head.children:  # "US and British forces": coordinated modifiers name one party each
                if c.dep_ in ("nmod", "amod", "compound") and c.conjuncts and c.i in m.actor_at:
                    refs += [_copy(m.actor_at[k.i][2], head.doc, m.actor_at[k.i])
                             for k in (c, *c.conjuncts) if k.i in m.actor_at]
            for ref in refs:
                ref = self._national(ref, head)
                if ref is not None and all(ref.id != r.id or ref.name != r.name for r in out):
                    out.append(ref)
        return out

    def _state(self, place: Token, date_iso: str | None) -> ActorRef | None:
        """The state a country or capital named by this phrase stands for ("Damascus" → the Syrian
        government), or None."""
        return self.registry.resolve(_strip_det(place.doc[place.left_edge.i:place.i + 1]).text, date_iso,
                                     metonymy=True)

    def _national(self, ref: ActorRef | None, head: Token) -> ActorRef | None:
        """A generic party or people with no country takes the one its phrase names: "Iraqi Kurds" are Kurds
        of Iraq, "Cairo's security chief" Egypt's. Any other party is returned as it is."""
        if ref is None or ref.country or ref.type not in ("generic", "people", "population"):
            return ref
        for c in head.children:
            iso3 = None
            if c.dep_ in ("amod", "compound") and c.i < head.i:
                iso3 = self.registry.country_iso3(c.text, fuzzy=False)
            elif c.dep_ == "poss":
                place = self._state(c, None)
                iso3 = place.country if place is not None and place.type == "state" else None
            if iso3:
                return replace(ref, country=iso3, reason=(ref.reason or ref.type or "") + f"; of {iso3} ({c.text!r})")
        return ref

    def _actor_of_np(self, head: Token, m: Mentions) -> ActorRef | None:
        if head.i in m.actor_at:
            return _copy(m.actor_at[head.i][2], head.doc, m.actor_at[head.i])
        kind = self.registry.office_sector(" ".join(t.text for t in head.lefts if t.dep_ in ("compound", "amod"))
                                           + " " + head.text) if head.lemma_.lower() in GROUP_NOUNS else None
        if kind and any(t.dep_ in ("compound", "amod") for t in head.lefts) and all(
                t.pos_ != "PROPN" and t.i not in m.actor_at for t in head.lefts if t.dep_ in ("compound", "amod")):
            # "a human rights group", "an aid group" (not "the Islamic State group", a name)
            return ActorRef(name=_strip_det(head.doc[head.left_edge.i:head.i + 1]).text, text=head.text,
                            sector=kind, type="generic")
        if head.lower_ in PRONOUNS or self._is_description(head, m):
            return self._antecedent(head, m)  # "it", "the group", "the jihadist organisation": the party named before
        if head.lemma_.lower() in QUANTITIES:  # "tens of thousands of students", "a group of Yoruba leaders"
            of = next((g for c in head.children if c.dep_ == "prep" and c.lower_ == "of"
                       for g in c.children if g.dep_ == "pobj"), None)
            if of is not None:
                return self._national(self._actor_of_np(of, m), of)
        poss = next((c for c in head.children if c.dep_ == "poss" and c.lower_ in POSSESSIVE_PRONOUNS), None)
        if poss is not None and self.registry.is_member_noun(head.lemma_):
            return self._antecedent(poss, m)  # "its fighters", "their commanders": members of the party named before
        inner = [head]
        # "fighters of the Nusra Front", "fighters from the Nusra Front" (but "fighters from Syria" is an origin)
        stack = [c for c in head.children if c.dep_ in NP_INNER or (c.dep_ == "prep" and c.lower_ == "of")
                 or (c.dep_ == "prep" and c.lower_ == "from"
                     and not any(self._is_place(g, m, as_place=True) for g in c.children if g.dep_ == "pobj"))]
        while stack:
            c = stack.pop()
            inner.append(c)
            stack.extend(k for k in c.children if k.dep_ in NP_INNER or k.dep_ == "pobj")
        for t in sorted(inner, key=lambda t: t.i):
            if t.i in m.actor_at and not (t.i != head.i and t.head.lemma_.lower() in PLACE_NOUNS | NAMED_PLACE_NOUNS
                                          and t.dep_ in ("amod", "compound", "nmod") and any(
                        c.dep_ == "prep" and c.lower_ == "of" for c in t.head.children)):
                # "the central Syrian city of Palmyra" is a place, not Syrians (but "Iraqi towns", "Palestinian
                # lorries", "an Indian proposal" name their people, holder or author, as PLOVER codes them)
                return _copy(m.actor_at[t.i][2], head.doc, m.actor_at[t.i])
        for c in head.children:
            if c.dep_ == "appos":  # "Zalmay Khalilzad, a US peace envoy"
                ref = self._actor_of_np(c, m)
                if ref is not None:
                    return ref
        for c in (k for t in inner for k in t.children):
            if c.dep_ in ("acl", "relcl") and c.lemma_ in ("lead", "call", "head", "know", "name"):
                # "an alliance led by the Nusra Front", "the coalition, which calls itself Jaish al-Fatah"
                for g in [*c.children, *(a for k in c.children if k.dep_ == "agent" for a in k.children)]:
                    if g.dep_ in ("pobj", "oprd", "attr", "dobj", "xcomp", "npadvmod") and g.i in m.actor_at:
                        return _copy(m.actor_at[g.i][2], head.doc, m.actor_at[g.i])
                    for t in g.subtree:
                        if g.dep_ in ("oprd", "xcomp", "pobj") and t.i in m.actor_at:
                            return _copy(m.actor_at[t.i][2], head.doc, m.actor_at[t.i])
        for t in sorted(inner, key=lambda t: t.i):
            if t.i in m.named_at and not self._is_place(t, m) and (
                    t.i == head.i or (t.head.i == head.i and t.dep_ in ("compound", "poss"))
                    or (t.dep_ == "pobj" and t.head.lower_ == "of" and t.head.head.i == head.i
                        and self.registry.is_member_noun(head.lemma_))):  # "members of the Association of…"
                s, e = m.named_at[t.i]
                return self._provisional(head.doc, s, e)
        lemma = head.lemma_.lower()
        poss = next((c for c in head.children if c.dep_ == "poss" and self._is_place(c, m, as_place=True)), None)
        office = self.registry.office_sector(" ".join(t.text for t in head.lefts if t.dep_ == "compound")
                                             + " " + head.text) if poss is not None else None
        if office:  # "Cairo's security chief": an office of that capital's state
            state = self._state(poss, None)
            ref = self.registry.resolve(composed_id(state.country, office), None) if state and state.country else None
            if ref is not None:
                ref.text = head.doc[head.left_edge.i:head.i + 1].text
                return ref
        if lemma in NAMED_PLACE_NOUNS and lemma not in FACILITIES and any(
                c.dep_ == "prep" and c.lower_ == "of" for c in head.children):
            return None  # "toward the town of al-Bab": a place the gazetteer lacks, not a party
        if lemma not in self.generic and lemma in FACILITIES:
            # "a military base", "a police checkpoint": the facility's holder is the party
            lemma = next((t.lemma_.lower() for t in inner if t.lemma_.lower() in self.generic), lemma)
        if lemma in self.generic:
            name, sector = self.generic[lemma]
            left = head.doc[head.left_edge.i:head.i + 1]
            return ActorRef(name=name, text=_strip_det(left).text, sector=sector, type="generic")
        return None


    def _arguments(self, tok: Token, trig: Trigger, m: Mentions, date_iso: str | None):
        """(actor, recipient, seized_place) for a verb or noun trigger."""
        actor: list[ActorRef] = []
        recipient: list[ActorRef] = []
        place_obj: Token | None = None
        two_sided = False
        if trig.pos == "VERB":
            subj, passive = _subject(tok)
            if subj is not None and passive:
                recipient += self._actors(subj, m, date_iso)
                subj = None
            if subj is not None:
                # A noun trigger as subject ("the air strike killed 12") carries the actor inside it.
                sub_trig = self._trigger(subj)
                if sub_trig is not None and subj.lemma_ != tok.lemma_:
                    actor += self._noun_actors(subj, m, date_iso)
                    if "symmetric" in sub_trig.flags and len(actor) > 1:
                        two_sided = True  # "clashes between X and Y killed 20": the dead are of either side
                else:
                    actor += self._actors(subj, m, date_iso)
                    if not actor and subj.head.i != tok.i and self._is_place(subj, m, as_place=True):
                        # "pressed Damascus to withdraw": a capital or country made to act is its state
                        ref = self._state(subj, date_iso)
                        actor += [ref] if ref is not None else []
            # a preposition may hang from the verb's particle: "broke away from the FSA"
            kids = [*tok.children, *(k for c in tok.children if c.dep_ in ("advmod", "prt") for k in c.children
                                     if k.dep_ == "prep")]
            for c in kids:
                if c.dep_ == "agent":
                    for g in c.children:
                        if g.dep_ == "pobj":
                            actor += self._actors(g, m, date_iso)
                elif c.dep_ in OBJECTS:
                    if trig.mode == "visit" and any(s <= c.i < e for s, e in m.place_spans):
                        place_obj = c  # "visiting Ankara": the host is both whom and where
                    named = next((g for k in c.children if k.dep_ == "prep" and k.lower_ == "of"
                                  for g in k.children if g.dep_ == "pobj"), None)
                    inside = next((t for t in (named.subtree if named is not None else ())
                                   if any(s <= t.i < e for s, e in m.place_spans)), None)
                    if c.lemma_.lower() in NAMED_PLACE_NOUNS and inside is not None:
                        place_obj = inside  # "hit the town of Sderot": the town is where, not whom
                        recipient += [r for k in c.children if k.dep_ == "prep" and k.lower_ in trig.recipient_preps
                                      for g in k.children if g.dep_ == "pobj" for r in self._actors(g, m, date_iso)]
                        continue  # (the parser may hang "from government forces" on the town)
                    if self._is_place(c, m):
                        place_obj = c
                        if trig.mode == "seize" or "seize" in trig.flags:
                            continue
                        if trig.quad_class != 4 and not self._actors(c, m, date_iso):
                            # "accused Ankara of…", "visited Damascus": a capital or country spoken to is its state
                            ref = self._state(c, date_iso)
                            if ref is not None:
                                recipient.append(ref)
                                place_obj = None if trig.mode != "visit" else place_obj
                            continue
                    recipient += self._actors(c, m, date_iso)
                    if trig.quad_class != 4:  # "accused the Syrian government, Russia and Iran": states listed
                        for k in _conjuncts(c):
                            if self._is_place(k, m) and not self._actors(k, m, date_iso):
                                ref = self._state(k, date_iso)
                                recipient += [ref] if ref is not None else []
                elif c.dep_ == "prep" and c.lower_ in trig.recipient_preps:
                    for g in c.children:
                        if g.dep_ == "pobj":
                            if self._is_place(g, m) and c.lower_ == "from" and trig.event_type != "RETREAT":
                                continue  # "withdraw from Lebanon" leaves Lebanon; "captured from X" is X
                            if c.lower_ == "between" or (trig.event_type == "ASSAULT" and "symmetric" in trig.flags
                                                         and c.lower_ in ("with", "against")):
                                actor += self._actors(g, m, date_iso)  # PLOVER: all fighting parties act
                            else:
                                recipient += self._actors(g, m, date_iso)
                elif c.dep_ == "prep" and c.lower_ in ("in", "during", "by") and not actor:
                    # "were killed in an Israeli air strike", "died in an attack by X": the attack's parties
                    for g in c.children:
                        sub = self._trigger(g) if g.dep_ == "pobj" else None
                        if sub is not None and sub.quad_class == trig.quad_class:
                            actor += self._noun_actors(g, m, date_iso)
            if not recipient and trig.quad_class != 4:
                # "demanded that the US cancel the sale", "allowed Ouattara to run": the one asked or let is the
                # subject of the clause the verb governs
                clause = next((c for c in tok.children if c.dep_ in ("ccomp", "xcomp")), None)
                csubj = _subject(clause)[0] if clause is not None else None
                if csubj is not None and csubj.head.i == clause.i:
                    recipient += self._actors(csubj, m, date_iso)
        else:
            actor, recipient, place_obj = self._noun_arguments(tok, trig, m, date_iso)
        if trig.event_type == "ACCUSE" and trig.pos == "VERB":
            # "complained to the UN over two Israeli air raids": the one complained about is accused
            about = [r for c in tok.children if c.dep_ == "prep" and c.lower_ in ("over", "about", "against")
                     for g in c.children if g.dep_ == "pobj" for r in self._actors(g, m, date_iso)]
            if about:
                recipient = about
        if not recipient and trig.event_type == "THREATEN":
            recipient = self._condition_party(tok, m, actor, date_iso)
        if not recipient and trig.quad_class != 4:
            recipient = self._embedded_recipient(tok, m, actor, date_iso)
        if not recipient and (trig.event_type == "PROTEST" and trig.pos == "VERB" or (
                trig.mode == "restrict" and trig.extra is not None)):  # ("impose restrictions", not "prevent")
            # "boycott all official contact with the United States", "impose restrictions … for new EU members"
            # (named parties only: "protested in Cairo" is not aimed at Egypt)
            recipient = self._embedded_recipient(tok, m, actor, date_iso, places_too=False)
        if not recipient and trig.event_type == "PROTEST":
            # "began a hunger strike to protest against Sweden's decision", "in protest of the government's
            # refusal": whom the protest is against, named in its purpose
            for c in [tok, *(tok.head.children if tok.dep_ in OBJECTS | {"pobj"} else ())]:
                for k in c.children:
                    if (k.dep_ == "advcl" and any(a.dep_ == "aux" and a.lower_ == "to" for a in k.children)) or (
                            k.dep_ == "prep" and k.lower_ == "in" and any(g.lower_ == "protest" for g in k.children)):
                        recipient = recipient or self._embedded_recipient(k, m, actor, date_iso)
        if "symmetric" in trig.flags and trig.event_type == "ASSAULT" and recipient and len(actor) >= 1:
            # PLOVER codes two-sided fighting with every fighting party as actor.
            actor, recipient = actor + [r for r in recipient if r not in actor], []
        if two_sided:
            recipient = [r for r in recipient if not (r.type == "generic" and r.name == "people")]
        return _unique(actor), _unique([r for r in recipient if r not in actor and not (
            r.id and any(r.id == a.id for a in actor))]), place_obj

    def _noun_actors(self, tok: Token, m: Mentions, date_iso: str | None) -> list[ActorRef]:
        actors: list[ActorRef] = []
        part = _participle(tok)
        if part is not None:  # "died in the attack, reportedly conducted by the Taliban"
            for a in part.children:
                if a.dep_ == "agent":
                    actors += [r for g in a.children if g.dep_ == "pobj" for r in self._actors(g, m, date_iso)]
        for c in tok.children:
            if c.dep_ in ("poss", "compound", "amod", "nmod") and c.i in m.actor_at:
                actors += self._actors(c, m, date_iso)
            elif c.dep_ == "poss" and self._is_place(c, m, as_place=True):  # "Ankara's largest incursion"
                ref = self._state(c, date_iso)
                actors += [ref] if ref is not None else []
            elif c.dep_ == "amod" and c.lemma_ == "lead":  # "the Hezbollah-led offensive"
                actors += [m.actor_at[t.i][2] for t in c.subtree if t.i in m.actor_at][:1]
            elif c.dep_ == "prep" and (c.lower_ == "by" or (c.lower_ == "between" and self._symmetric(tok))):
                for g in c.children:  # "an attack by X", "clashes between X and Y"
                    if g.dep_ == "pobj":
                        actors += self._actors(g, m, date_iso)
            elif c.dep_ == "acl":  # "an attack conducted by the Taliban", "the assault, blamed on X"
                for a in c.children:
                    if a.dep_ == "agent":
                        actors += [r for g in a.children if g.dep_ == "pobj" for r in self._actors(g, m, date_iso)]
        return actors

    def _embedded_recipient(self, tok: Token, m: Mentions, actor: list[ActorRef],
                            date_iso: str | None, places_too: bool = True) -> list[ActorRef]:
        """The party a verbal or cooperative act is aimed at when its verb names none: the one acted on in the
        act it speaks of ("threatened to cut off electricity to Nakhichevan", "refused to deploy troops in
        Iraq"), or the author of what it answers ("rejected calls by Belarus's rulers", "a UN appeal"). A
        country or capital in that place counts as its state, as PLOVER codes it ("opened an embassy in Tehran")."""
        taken = {a.id or a.name for a in actor}
        home = {a.country for a in actor if a.country}
        queue = [(c, 1) for c in tok.children if c.dep_ in EMBEDDED]
        places: list[ActorRef] = []
        generic: list[ActorRef] = []  # a named party or a state further down wins over "forces", "residents"
        while queue:
            c, depth = queue.pop(0)
            if c.dep_ in SUBJECTS | PASSIVE_SUBJECTS or c.lower_ in ("by",) and depth == 1 and tok.tag_ == "VBN":
                continue
            if c.lower_ in ("according", "citing", "quoting") or (c.lower_ == "to" and c.head.lower_ == "according"):
                continue  # the source of the report is no party to the act
            if c.pos_ in ("NOUN", "PROPN", "PRON"):
                if self._is_place(c, m, as_place=True) and c.dep_ in ("pobj", "dobj", "compound", "poss"):
                    if places or (not places_too and c.dep_ == "pobj" and c.head.lower_ in LOCATIVE_PREPS):
                        continue  # (where a protest happens is not whom it is against)
                    for k in (c, *c.conjuncts):  # "aid for Romania and Poland"
                        ref = self._state(k, date_iso)
                        # a place of the actor's own country is where it acts, not whom it acts on
                        if ref is not None and (ref.id or ref.name) not in taken and not (
                                ref.country and ref.country in home):
                            places.append(ref)
                else:
                    ref = self._actor_of_np(c, m) if c.dep_ != "compound" or c.i in m.actor_at else None
                    if ref is not None and (ref.id or ref.name) not in taken and not (
                            ref.type == "generic" and ref.name == "people") and not (
                            ref.type == "state" and ref.country in home and self._is_place(c, m, as_place=True)):
                        # (not "promised to democratize Serbia": the actor's own country named as a place)
                        found = [ref, *(r for r in self._actors(c, m, date_iso)[1:] if (r.id or r.name) not in taken)]
                        if ref.type != "generic":
                            return found
                        generic = generic or found
            if depth < 4:
                queue += [(k, depth + 1) for k in c.children if k.dep_ in EMBEDDED]
        return places or generic

    def _condition_party(self, tok: Token, m: Mentions, actor: list[ActorRef],
                         date_iso: str | None) -> list[ActorRef]:
        """Whom a threat is aimed at: the subject of its condition ("threatened to stop the talks if the United
        States goes ahead", "will strike unless Baghdad accepts")."""
        stack, seen = [tok], 0
        while stack and seen < 12:
            t = stack.pop(0)
            seen += 1
            for c in t.children:
                if c.dep_ == "advcl" and any(k.dep_ == "mark" and k.lower_ in ("if", "unless") for k in c.children):
                    subj, _passive = _subject(c)
                    found = [r for r in self._actors(subj, m, date_iso) if not any(
                        (r.id and r.id == a.id) or r.name == a.name for a in actor)] if subj is not None else []
                    if found:
                        return found
                elif c.dep_ in ("xcomp", "ccomp", "conj", "dobj", "pcomp"):
                    stack.append(c)
        return []

    def _symmetric(self, tok: Token) -> bool:
        trig = self._trigger(tok)
        return trig is not None and "symmetric" in trig.flags

    def _noun_arguments(self, tok: Token, trig: Trigger, m: Mentions, date_iso: str | None):
        actor = self._noun_actors(tok, m, date_iso)
        own = bool(actor)  # parties named on the noun itself ("Russian air strikes", "an attack by X")
        recipient: list[ActorRef] = []
        place_obj: Token | None = None
        for c in tok.children:
            if c.dep_ == "prep" and (c.lower_ in trig.recipient_preps or c.lower_ == "between"):
                for g in c.children:
                    if g.dep_ != "pobj":
                        continue
                    if self._is_place(g, m, as_place=c.lower_ in INSIDE_PREPS):
                        place_obj = g  # "an incursion into northeast Syria": where, not whom
                        continue
                    if (c.lower_ == "between" and trig.mode != "third-party") or (
                            trig.event_type == "ASSAULT" and "symmetric" in trig.flags and c.lower_ == "with"):
                        actor += self._actors(g, m, date_iso)
                    else:  # "mediation between X and Y": the mediated parties receive it
                        recipient += self._actors(g, m, date_iso)
        if self._travels_to(tok) and not recipient and trig.quad_class != 4:  # "arrived in Amman on a visit"
            recipient = self._embedded_recipient(tok.head.head, m, actor, date_iso)
        if tok.dep_ == "pobj" and tok.head.lower_ in ("in", "during") and not recipient:
            gov = tok.head.head  # "three soldiers died in a Taliban ambush": the dead are the ones attacked
            if gov.pos_ in ("VERB", "AUX") and gov.lemma_.lower() in ("die", "perish", "kill", "wound", "injure"):
                subj, passive = _subject(gov)
                if subj is not None and (passive or gov.lemma_.lower() in ("die", "perish")):
                    recipient += self._actors(subj, m, date_iso)
        # A light verb lends its subject: "Hezbollah launched an offensive", "X carried out strikes".
        if tok.dep_ in OBJECTS | {"pobj"} and not own:
            gov = _noun_governor(tok)
            if gov.pos_ in ("VERB", "AUX") and (self._cue(gov, "light") or self._travels_to(tok)
                                                or gov.lemma_ in ("claim", "accuse", "blame")):
                if gov.lemma_ in ("accuse", "blame"):  # "accused X of the attack": X is the actor
                    actor += [r for c in gov.children if c.dep_ in OBJECTS for r in self._actors(c, m, date_iso)]
                else:
                    subj, passive = _subject(gov)
                    if subj is not None and not passive:  # the light verb's subject leads: "X reached a deal with Y"
                        actor = self._actors(subj, m, date_iso) + actor
                    for c in gov.children:
                        if c.dep_ == "agent":
                            actor += [r for g in c.children if g.dep_ == "pobj"
                                      for r in self._actors(g, m, date_iso)]
                        if c.dep_ == "prep" and c.lower_ in trig.recipient_preps and not recipient:
                            recipient += [r for g in c.children if g.dep_ == "pobj" and not self._is_place(g, m)
                                          for r in self._actors(g, m, date_iso)]
                        if tok.dep_ == "pobj" and c.dep_ in OBJECTS and not recipient and not self._is_place(c, m):
                            recipient += self._actors(c, m, date_iso)  # "engaged peacekeepers in a firefight"
        if trig.event_type == "REQUEST" and not recipient:  # "its demand that Israel ease restrictions"
            clause = next((c for c in [*tok.children, *(tok.head.children if tok.dep_ in OBJECTS else ())]
                           if c.dep_ in ("acl", "ccomp")), None)  # (the parser may hang the clause on the verb)
            asked = next((c for c in clause.children if c.dep_ in SUBJECTS), None) if clause is not None else None
            recipient = self._actors(asked, m, date_iso) if asked is not None else []
        return actor, recipient, place_obj

    # ---------------------------------------------------------------- modality
    def _modality(self, tok: Token, trig: Trigger, actors: list[ActorRef], m: Mentions):
        """(modality, evidence words, attribution, source token) for the event at `tok`."""
        sent = _sent(tok)
        chain = [tok]
        t = tok
        while t.head.i != t.i and t.head.i >= sent.start:
            t = t.head
            chain.append(t)
        modality, evidence = "asserted", None
        for i, t in enumerate(chain):
            lemma = t.lemma_.lower()
            kids = list(t.children)
            if any(c.dep_ == "neg" for c in kids) and (i == 0 or chain[i - 1].dep_ in ("xcomp", "dobj", "ccomp")):
                modality, evidence = "negated", " ".join(c.text for c in kids if c.dep_ == "neg") + " " + t.text
                break
            if i > 0 and self.lex.is_cue(lemma, "negate") and chain[i - 1].dep_ in ("xcomp", "pcomp", "ccomp",
                                                                                    "dobj", "prep", "pobj"):
                if t.pos_ in ("VERB", "AUX"):
                    modality, evidence = "negated", t.text
                    break
            if i <= 1:
                part = _participle(tok) if i == 0 and tok.pos_ == "NOUN" else None
                for c in kids + (list(part.children) if part is not None else []):
                    if c.dep_ == "aux" and c.lower_ in ("will", "shall", "'ll") and modality == "asserted":
                        modality, evidence = "planned", c.text + " " + t.text
                    elif c.dep_ == "aux" and c.lower_ in ("must", "should") and modality == "asserted":
                        modality, evidence = "hypothetical", c.text + " " + t.text  # demanded, not done
                    elif c.dep_ == "aux" and c.lower_ == "would" and t.dep_ == "ccomp" and self._cue(
                            t.head, "report") and modality == "asserted":
                        modality, evidence = "planned", c.text + " " + t.text  # "said they would boycott"
                    elif c.dep_ == "aux" and c.lower_ in ("could", "might", "may", "would"):
                        modality, evidence = "hypothetical", c.text + " " + t.text
                    elif c.dep_ == "mark" and c.lower_ in ("if", "unless"):
                        modality, evidence = "hypothetical", c.text
                    elif c.dep_ == "advmod" and self.lex.is_cue(c.lower_, "reported_adv"):
                        modality, evidence = "reported", c.text
                    elif c.dep_ == "advmod" and self.lex.is_cue(c.lower_, "alleged_adv"):
                        modality, evidence = "alleged", c.text
            infinitive = chain[i - 1].dep_ == "xcomp" or (i > 0 and chain[i - 1].dep_ in ("advcl", "ccomp") and any(
                c.dep_ == "aux" and c.lower_ == "to" for c in chain[i - 1].children))  # "sworn to fight"
            own_subject = i > 0 and (any(c.dep_ in SUBJECTS for c in chain[i - 1].children) or any(
                c.dep_ == "dobj" for c in t.children))  # "wants Putin to attack", "pressed Damascus to withdraw"
            if i > 0 and infinitive and own_subject and modality == "asserted" and (
                    self._cue(t, "request") or t.lemma_.lower() in ("allow", "permit") or (
                        (trig_t := self._trigger(t)) is not None and trig_t.event_type == "REQUEST")):
                modality, evidence = "hypothetical", t.text + " to"  # asked of or allowed to another, not done
            elif i > 0 and infinitive and self._cue(t, "plan") and modality == "asserted":
                modality, evidence = "planned", t.text + " to"
            if (i > 0 and t.pos_ == "NOUN" and lemma in PLAN_NOUNS and modality == "asserted"
                    and chain[i - 1].dep_ in ("acl", "compound", "relcl")):
                modality, evidence = "planned", t.text  # "a plot to kill", "attack plans"
            elif i > 0 and modality == "asserted" and chain[i - 1].dep_ in ("acl", "ccomp") and (
                    demand := next((n for n in (t, *(c for c in t.children if c.dep_ in OBJECTS)) if n.pos_ == "NOUN"
                                    and (r := self._trigger(n)) is not None and r.event_type == "REQUEST"), None)):
                modality, evidence = "hypothetical", demand.text  # "its demand that Israel ease restrictions"
            if i > 0 and chain[i - 1].dep_ == "advcl" and any(c.dep_ == "mark" and c.lower_ in ("if", "unless")
                                                              for c in chain[i - 1].children):
                modality, evidence = "hypothetical", "if"
        attribution, source_tok, verb = self._attribution(tok, chain, m)
        if attribution is not None:
            speaker = self._actor_of_np(source_tok, m) if source_tok is not None else None
            same = (attribution.get("actor") and any(attribution["actor"] == a.name for a in actors)) or (
                speaker is not None and any(speaker.name == a.name and speaker.id == a.id for a in actors))
            vlemma = verb.lemma_.lower() if verb is not None else ""
            if modality == "asserted":
                if self.lex.is_cue(vlemma, "allege"):
                    modality, evidence = "alleged", verb.text
                elif (vlemma == "claim" and verb.pos_ != "NOUN") or same:
                    modality, evidence = "claimed", (verb.text if verb is not None else "according to")
                else:
                    modality, evidence = "reported", (verb.text if verb is not None else "according to")
        return modality, evidence, attribution, source_tok

    def _attribution(self, tok: Token, chain: list[Token], m: Mentions):
        """Who the sentence says the event comes from: a verb of saying above it, or "according to X"."""
        sent = _sent(tok)
        for i, t in enumerate(chain[1:], start=1):
            lemma = t.lemma_.lower()
            if (self.lex.is_cue(lemma, "report") or self.lex.is_cue(lemma, "allege")) and chain[i - 1].dep_ in (
                    "ccomp", "xcomp", "dobj", "advcl", "parataxis", "prep", "pcomp"):
                subj, passive = _subject(t)
                if subj is not None and not passive:
                    return self._source(subj, m, t), subj, t
                for c in t.children:
                    if c.dep_ == "agent":
                        for g in c.children:
                            return self._source(g, m, t), g, t
        for t in chain[1:4]:  # "reports that Nusra had attacked…", "the allegation that…"
            if t.pos_ == "NOUN" and t.lemma_.lower() in REPORT_NOUNS:
                span = t.doc[t.left_edge.i:t.i + 1]
                return {"text": span.text, "actor": None}, None, t
        # A verb of saying can also hang off the trigger's clause: "X attacked Y, the ministry said."
        for t in chain:  # parsed as a conjunct: "X attacked Y, the agency reported"
            for c in t.children:
                if c.dep_ == "conj" and c.i > tok.i and self.lex.is_cue(c.lemma_.lower(), "report") and not any(
                        k.dep_ in ("ccomp", "dobj") for k in c.children):
                    subj, passive = _subject(c)
                    if subj is not None and not passive and subj.head.i == c.i:
                        return self._source(subj, m, c), subj, c
        root = sent.root
        if root.i != tok.i and any(c.i == root.i for c in chain) and self.lex.is_cue(root.lemma_.lower(), "report") \
                and not any(c.dep_ in SUBJECTS and c.head.i == root.i for c in chain):
            # (not "Biden, visiting Ankara, said…": the visit hangs off the sayer, it is not what is said)
            subj, _passive = _subject(root)
            subj = subj if subj is not None else _stray_speaker(root)
            if subj is not None:
                return self._source(subj, m, root), subj, root
        for t in sent:
            if t.lower_ == "according" and t.i + 1 < len(t.doc) and t.doc[t.i + 1].lower_ == "to":
                for g in t.doc[t.i + 1].children:
                    if g.dep_ == "pobj":
                        return self._source(g, m, t), g, None
        return None, None, None

    def _source(self, tok: Token, m: Mentions, verb: Token | None = None, nested: bool = False) -> dict:
        """The source as text and actor; with what it cites, when the verb says so ("reported, citing a source
        close to Hezbollah"): {"text", "actor", "citing": {"text", "actor"}}."""
        # the source's own words: not a clause hanging off it ("Joe Biden, visiting Ankara on the same day,")
        kept = [t for c in tok.children if c.dep_ not in ("acl", "relcl", "advcl", "punct") for t in c.subtree]
        span = tok.doc[tok.left_edge.i:max([tok.i, *(t.i for t in kept)]) + 1]
        if verb is not None and verb.i in range(span.start, span.end):  # "SANA, citing X, reported": stop there
            span = tok.doc[tok.left_edge.i:tok.i + 1]
        ref = self._actor_of_np(tok, m)
        name = ref.name if ref is not None and ref.type != "generic" else None
        out: dict = {"text": span.text.strip(" ,"), "actor": name}
        cited = _cited(_sent(tok))
        if cited is not None and cited.i != tok.i and not nested:
            inner = self._source(cited, m, nested=True)
            if inner["actor"] is None:  # "a source close to Hezbollah": the party the source stands near
                inner["actor"] = next((m.actor_at[t.i][2].name for t in cited.subtree if t.i in m.actor_at
                                       and m.actor_at[t.i][2].type != "generic"), None)
            out["citing"] = inner
        return out

    # ---------------------------------------------------------------- place and time
    def _location(self, tok: Token, place_obj: Token | None, m: Mentions, arg_heads: list[Token],
                  actor_heads: list[Token] = (), material: bool = False) -> Place | None:
        """Where the event happened: the rules' choice (``_rule_location``), weighed by the location model
        against the sentence's other places when its weights are shipped (``events/where.py``)."""
        chosen = self._rule_location(tok, place_obj, m, arg_heads, actor_heads, material)
        model = load_model()
        if model is None:
            return chosen
        cands = self._candidates(tok, place_obj, m, arg_heads, actor_heads, chosen)
        if not cands:
            return chosen
        ranked = sorted(cands, key=lambda c: abs(tok.i - c.start))
        scored = [(model.probability(features(tok, c, len(cands), ranked.index(c) + 1)), c) for c in cands
                  if c.weighable]
        if not scored:
            return chosen
        probability, best = max(scored, key=lambda item: item[0])
        if probability < model.threshold:
            return None
        if best.chosen:
            return chosen
        place = self._place(tok.doc, m, best.start, best.end)
        if place is not None and place.lat is not None:
            return place
        container = chosen if chosen is not None and chosen.lat is not None else None
        return self._located_by(tok.doc, m, best.start, best.end, container)

    def where_candidates(self, doc: Doc, trigger_span: tuple[int, int]) -> list[tuple[dict[str, float],
                                                                                      tuple[int, int]]]:
        """The location model's features for every place of the sentence of the word at ``trigger_span``, with
        each place's character span (what ``eventwire learn-location`` learns from)."""
        setting = self._trigger_setting(doc, trigger_span, None)
        if setting is None:
            return []
        tok, m, place_obj, arg_heads, actor_heads, material = setting
        chosen = self._rule_location(tok, place_obj, m, arg_heads, actor_heads, material)
        cands = self._candidates(tok, place_obj, m, arg_heads, actor_heads, chosen)
        ranked = sorted(cands, key=lambda c: abs(tok.i - c.start))
        return [(features(tok, c, len(cands), ranked.index(c) + 1),
                 (doc[c.start].idx, doc[c.end - 1].idx + len(doc[c.end - 1]))) for c in cands if c.weighable]

    def _trigger_setting(self, doc: Doc, trigger_span: tuple[int, int], published: str | None):
        """What locating the event of any word at ``trigger_span`` (in the lexicon or not) reads: (its token,
        the doc's mentions, the place it seizes or visits, its argument heads, its actor's heads, whether the act
        is material), or None when the span is no word."""
        span = doc.char_span(trigger_span[0], trigger_span[1], alignment_mode="expand")
        if span is None:
            return None
        tok = span.root
        m = self.mentions(doc, published)
        trig = self._trigger(tok) or Trigger(lemma=tok.lemma_, pos="VERB" if tok.pos_ in ("VERB", "AUX") else "NOUN",
                                             event_type="ASSAULT", mode=None, cameo=None,
                                             recipient_preps=(), flags=frozenset())
        _actor, _recipient, place_obj = self._arguments(tok, trig, m, published)
        arg_heads = [c for c in tok.children if c.dep_ in OBJECTS | {"prep", "agent"}]
        subj, passive = _subject(tok) if trig.pos == "VERB" else (None, False)
        actor_heads = [subj] if subj is not None and not passive else []
        material = QUAD_CLASS[trig.event_type] == 4 or self._cue(tok, "travel")
        return tok, m, place_obj, arg_heads, actor_heads, material

    def _candidates(self, tok: Token, place_obj: Token | None, m: Mentions, arg_heads: list[Token],
                    actor_heads: list[Token], chosen: Place | None) -> list[Candidate]:
        """Every place mention of the trigger's sentence (after a dateline), described for the location model."""
        doc = tok.doc
        sent = _sent(tok)
        near = {t.i for h in [tok, *arg_heads] for t in h.subtree}
        origin = {t.i for h in actor_heads for t in h.subtree} - {t.i for t in tok.subtree}
        out = []
        for s, e in m.place_spans:
            if not (sent.start <= s < sent.end and s >= m.dateline_end):
                continue
            head = doc[s:e].root
            while head.dep_ in ("compound", "poss", "nmod") and head.head.lemma_.lower() in PLACE_NOUNS:
                head = head.head
            locative = head.dep_ == "pobj" and head.head.lower_ in LOCATIVE_PREPS
            if head.dep_ == "pobj" and head.head.lower_ == "of" and head.head.head.dep_ == "pobj":
                noun = head.head.head
                locative = (noun.lemma_.lower() in NAMED_PLACE_NOUNS or noun.lemma_.lower() in PLACE_NOUNS) and \
                    noun.head.lower_ in LOCATIVE_PREPS
            place = self._place(doc, m, s, e)
            precision = "unknown" if place is None or place.lat is None else (place.precision or "exact")
            start_char, end_char = doc[s].idx, doc[e - 1].idx + len(doc[e - 1])
            out.append(Candidate(
                start=s, end=e, head=head, precision=precision,
                party=any(i in m.actor_at for i in range(s, e)), origin=head.i in origin,
                near=head.i in near, locative=locative,
                place_obj=place_obj is not None and s <= place_obj.i < e,
                chosen=chosen is not None and chosen.start is not None and start_char <= chosen.start < end_char,
                named=(s, e) in m.named_places))
        towns = sum(1 for c in out if c.precision in ("exact", "nearby", "unknown"))
        for c in out:
            c.more_precise_elsewhere = towns - (c.precision in ("exact", "nearby", "unknown")) > 0
        return out

    def _rule_location(self, tok: Token, place_obj: Token | None, m: Mentions, arg_heads: list[Token],
                       actor_heads: list[Token] = (), material: bool = False) -> Place | None:
        """Where the event happened by rule: the seized place, a locative phrase on the trigger or its arguments,
        else the nearest place of the sentence that is not a party, an origin ("Yemen-based") or a source's
        seat."""
        doc = tok.doc
        sent = _sent(tok)
        in_sent = [(s, e) for s, e in m.place_spans if sent.start <= s < sent.end and s >= m.dateline_end]
        if not in_sent:
            return None
        near = {t.i for h in [tok, *arg_heads] for t in h.subtree}
        origin = {t.i for h in actor_heads for t in h.subtree} - {t.i for t in tok.subtree}  # not "X, visiting Y,"
        cand: list[tuple[int, int, int]] = []
        for s, e in in_sent:
            head = doc[s:e].root
            while head.dep_ in ("compound", "poss", "nmod") and head.head.lemma_.lower() in PLACE_NOUNS and \
                    not any(i in m.actor_at for i in range(s, e)):
                head = head.head  # "at Sarajevo airport", "in Idlib's countryside": the place it names
            locative = head.dep_ == "pobj" and head.head.lower_ in LOCATIVE_PREPS
            if head.dep_ == "pobj" and head.head.lower_ == "of" and head.head.head.dep_ == "pobj":
                noun = head.head.head  # "in the city of Aden": as locative as "in Aden"
                locative = (noun.lemma_.lower() in NAMED_PLACE_NOUNS or noun.lemma_.lower() in PLACE_NOUNS) and \
                    noun.head.lower_ in LOCATIVE_PREPS
            if not locative and any(i in m.actor_at for i in range(s, e)) and not (
                    place_obj is not None and s <= place_obj.i < e):
                if material and head.dep_ == "dobj" and head.head.i == tok.i:
                    # "if the United States attacked Syria", "fighters enter Syria": the country attacked or
                    # entered is where it happens, when the sentence names no other place
                    cand.append((5000 + abs(tok.i - s), s, e))
                continue  # "Turkey attacked", "US Secretary of State": a party, not a place
            if head.i in origin and not locative:
                continue  # "the Yemen-based Houthi movement": where the actor is from
            if place_obj is not None and s <= place_obj.i < e:
                rank = 0
            elif head.i in near and locative:
                rank = 1
            elif locative and head.i not in origin:
                rank = 2
            elif head.i in near:
                rank = 3
            else:
                continue  # a place elsewhere in the sentence is not said to be where this event happened
            of_place = head.dep_ == "pobj" and head.head.lower_ == "of" and (
                head.head.head.lemma_.lower() in NAMED_PLACE_NOUNS or head.head.head.lemma_.lower() in PLACE_NOUNS)
            if of_place:
                # "the south Baghdad neighbourhood of Al-Bayaa": the inner, more precise place
                if any(t.i in near for t in head.head.head.ancestors) or head.head.head.i in near:
                    rank = min(rank, 1)
            elif head.dep_ == "pobj" and head.head.lower_ in ("from", "of"):
                rank += 3  # where someone comes from is not where the event happened
            cand.append((rank * 1000 + abs(tok.i - s), s, e))
        best: Place | None = None
        best_rank = 0
        unknown: tuple[int, int, int] | None = None  # a place name the gazetteer lacks, ranked before any it has
        for rank, s, e in sorted(cand):
            place = self._place(doc, m, s, e)
            if place is None or place.lat is None:  # a name the gazetteer lacks: located by its container
                if unknown is None and (best is None or rank // 1000 <= max(best_rank, 2) and
                                        best.precision in ("country", "region", "admin")) and \
                        ((s, e) in m.named_places or doc[s:e].root.ent_type_ in ("GPE", "LOC", "FAC")):
                    unknown = (s, e, rank // 1000)
                continue
            if best is None:
                best, best_rank = place, rank // 1000
                inner = self._inner_unknown(doc, m, s, e)
                if inner is not None:  # "in Deir ez-Zor's Jabiliyah district": the district, located by its city
                    return self._located_by(doc, m, inner[0], inner[1], place)
                if place.precision not in ("country", "region", "admin") and unknown is None:
                    return place
            elif (rank // 1000 <= max(best_rank, 2) and place.precision in ("exact", "nearby")
                  and best.country_code in (None, place.country_code)):
                return place  # "died in the city of Aden, in southern Yemen": the town, not the region
        if unknown is not None:
            return self._located_by(doc, m, unknown[0], unknown[1], best)
        return best

    def _inner_unknown(self, doc: Doc, m: Mentions, s: int, e: int) -> tuple[int, int] | None:
        """A place the gazetteer lacks that a resolved place owns or names ("Hama's Hamidiyeh neighbourhood",
        "the Aleppo district of Bani Zaid"): the span of the inner place, or None."""
        root = doc[s:e].root
        if root.dep_ not in ("poss", "compound") or root.head.i >= len(doc):
            return None
        owner = root.head
        for s2, e2 in m.place_spans:
            inner = self._place(doc, m, s2, e2) if s2 > root.i else None
            if s2 > root.i and (s2 <= owner.i < e2 or doc[s2:e2].root.head.i == owner.i) and \
                    (inner is None or inner.lat is None) and \
                    ((s2, e2) in m.named_places or doc[s2:e2].root.ent_type_ in ("GPE", "LOC", "FAC")):
                return s2, e2
        return None

    def _located_by(self, doc: Doc, m: Mentions, s: int, e: int, container: Place | None) -> Place:
        """An event's place that the gazetteer lacks ("in Qlaiaa village inside … south Lebanon"): named as
        written, with the point of the place the sentence puts it in, at that place's precision ("nearby" for a
        town), else of the document's country; the reason says so."""
        name = _strip_det(doc[s:e]).text
        start, end = doc[s].idx, doc[e - 1].idx + len(doc[e - 1])
        if container is None:
            fallback = self._unknown_place(doc, m, s, e)
            return replace(fallback, name=name) if fallback.precision == "country" else fallback
        precision = "nearby" if container.precision in ("exact", "nearby") else container.precision
        return replace(container, name=name, text=doc[s:e].text, start=start, end=end, geonameid=None,
                       feature_code=None, precision=precision,
                       reason=f"'{name}' is not in the gazetteer; located by {container.name} in the same sentence")

    def _dates_a_denial(self, time: Span, tok: Token) -> bool:
        """Whether a time expression belongs to a verb of denying or accusing that governs the trigger: the day
        of the denial or the accusation is not the day of the act."""
        verb = time.root
        for _ in range(4):  # the verb the time expression hangs from ("Russia on Thursday rejected")
            if verb.pos_ == "VERB" or verb.head.i == verb.i:
                break
            verb = verb.head
        return verb.pos_ == "VERB" and verb.i in {a.i for a in tok.ancestors} and (
            self._cue(verb, "negate") or self._cue(verb, "allege"))

    def _time(self, tok: Token, m: Mentions) -> TimeSpan | None:
        sent = _sent(tok)
        subtree = {t.idx for t in tok.subtree}
        best: tuple[int, TimeSpan] | None = None
        for start, end, span in m.times:
            if not (sent.start_char <= start < sent.end_char):
                continue
            ti = tok.doc.char_span(start, end, alignment_mode="expand")
            attached = ti is not None and (ti.root.idx in subtree or ti.root.head.i == tok.i
                                           or ti.root.head.head.i == tok.i)
            if ti is not None and not attached and self._dates_a_denial(ti, tok):
                continue  # "Russia on Thursday rejected reports that its strikes killed civilians"
            if attached and ti.root.idx in subtree:
                path, t = [], ti.root
                while t.i != tok.i and t.head.i != t.i:
                    path.append(t)
                    t = t.head
                if any(p.dep_ in ("acl", "relcl") for p in path):
                    continue  # "violating the agreement signed in March 2001": the date of the signing
            score = (0 if attached else 1000) + abs(start - tok.idx)
            if best is None or score < best[0]:
                best = (score, span)
        return best[1] if best else None

    # ---------------------------------------------------------------- main
    def extract(self, doc: Doc, document: Document) -> list[Event]:
        """All events of one parsed article."""
        if not len(doc):
            document.actors = []
            return []
        doc.user_data.setdefault("ew_text", document.text)  # the doc's own text; spaCy would rebuild it per call
        m = self.mentions(doc, document.published, document.outlet)
        found: list[tuple[Token, Trigger]] = []
        for tok in self._where(doc, self._trigger_words, lemma=True):
            trig = self._trigger(tok)
            if trig is not None and not (trig.pos == "VERB" and (_adjectival(tok) or any(
                    c.dep_ == "det" for c in tok.children))):  # "a captured Humvee", "evacuated the wounded"
                found.append((tok, trig))
        # A container noun takes the event of the noun that modifies it: "undertook a mediation mission
        # between X and Y", "launched a mediation effort", "a relief operation".
        for tok in self._where(doc, CONTAINERS, lemma=True):
            child = next((c for c in tok.children if c.dep_ == "compound" and c.pos_ == "NOUN"), None)
            trig = self._trigger(child, as_head=True) if tok.pos_ == "NOUN" and child is not None else None
            if trig is not None and trig.pos == "NOUN" and not any(t.i == tok.i for t, _tr in found):
                found.append((tok, trig))
        # A bare verb trigger that is also a light verb gives way to the event noun it takes: "providing
        # airstrikes" is an attack, "gave a warning" a threat.
        nouns = {t.i: tr for t, tr in found if tr.pos == "NOUN"}
        found = [(t, tr) for t, tr in found if not (
            tr.pos == "VERB" and tr.extra is None and self._cue(t, "light") and any(
                c.dep_ in OBJECTS and c.i in nouns and nouns[c.i].quad_class != tr.quad_class for c in t.children))]
        # Fold a noun trigger into a verb trigger of the same quad that governs it ("launched an attack" is
        # one event with the light verb's subject; "the strike killed 12" is one event).
        verbs = {t.i: tr for t, tr in found if tr.pos == "VERB"}
        kept: list[tuple[Token, Trigger]] = []
        for tok, trig in found:
            if trig.pos == "NOUN":
                absorbed = any(h.i in verbs and verbs[h.i].quad_class == trig.quad_class
                               for h in list(tok.ancestors)[:4]) or any(
                    h.i in verbs and verbs[h.i].extra and tok.lemma_.lower() in verbs[h.i].extra.split()
                    for h in list(tok.ancestors)[:2])  # "lodged a protest" is the verb's phrase, one event
                if absorbed or ("standalone" not in trig.flags and not self._governed_by_light_verb(tok)):
                    continue
            kept.append((tok, trig))
        events: list[Event] = []
        seen_types: set[str] = set()
        for tok, trig in kept:
            for ev in self._code(tok, trig, m, document, doc, seen_types):
                events.append(ev)
                seen_types.add(ev.event_type)
        events += self._demands(doc, m, document, events)
        _aim_verbal_acts(doc, events)
        document.actors = self._mention_list(doc, m)
        return _merge_same_sentence(events)


    def _code(self, tok: Token, trig: Trigger, m: Mentions, document: Document, doc: Doc,
              seen_types: set[str]) -> list[Event]:
        """The events one trigger codes (none when the words do not make a codable event)."""
        actor, recipient, place_obj = self._arguments(tok, trig, m, document.published)
        event_type, mode, cameo = trig.event_type, trig.mode, trig.cameo
        if "seize" in trig.flags or trig.mode == "seize":
            recipient = [r for r in recipient if not r.provisional]  # "captured Tallet Moussa": a place name
        if "needs_object" in trig.flags and not recipient and place_obj is None and not (
                trig.pos == "NOUN" and self._governed_by_light_verb(tok)) and not (
                trig.quad_class == 4 and trig.pos == "VERB" and any(a.type != "generic" for a in actor)
                and any(c.dep_ in OBJECTS and c.pos_ == "NOUN" for c in tok.children)):
            # "released a statement", "supported independence": no party acted upon (but a named party that
            # "blew up power lines" did something material to a thing)
            return []
        if trig.pos == "NOUN" and not actor and not recipient and event_type in seen_types and any(
                c.dep_ in ("det", "poss") and c.lower_ in ("the", "this", "that", "these", "those", "its", "their")
                or c.dep_ == "poss" and c.ent_type_ == "DATE" for c in tok.children):
            return []  # "the attack", "Monday's attack": a later mention of an event already coded
        if event_type == "REQUEST" and trig.lemma == "order" and any(
                c.dep_ in ("xcomp", "ccomp") and c.lemma_.lower() in SHUTDOWNS for c in tok.children) and any(
                (a.sector or "") in ("GOV", "JUD", "COP", "MIL") for a in actor):
            # "the government ordered the newspaper to suspend publication": a restriction imposed, not a request
            event_type, mode, cameo = "COERCE", "restrict", "172"
        if event_type == "MOBILIZE":
            words = [t.lower_ for t in tok.subtree] + [t.lower_ for h in (_subject(tok)[0],) if h is not None
                                                       for t in h.subtree]
            if any("peacekeep" in w or "peace-keep" in w for w in words):
                event_type, mode, cameo = "AID", "peacekeeping", "074"  # peacekeepers deployed: protection given
        if trig.lemma == "evacuate" and place_obj is None and any(
                c.dep_ in OBJECTS and (c.lemma_.lower() in EVACUEES or c.lower_ in EVACUEES or (
                    c.lemma_.lower() in self.generic and self.generic[c.lemma_.lower()][1] in PEOPLE_SECTORS))
                for c in tok.children):
            event_type, mode, cameo = "AID", "humanitarian", "073"  # "evacuated the wounded": a rescue, no retreat
        if "seize" in trig.flags and place_obj is None and recipient and any(
                c.dep_ in OBJECTS | PASSIVE_SUBJECTS for c in tok.children) and all(
                r.sector in ("CVL", "MIL", "COP", "GOV", "MED") or r.type in ("generic", "person")
                for r in recipient):
            event_type, mode, cameo = "ASSAULT", "abduct", "181"  # "captured soldiers": people, not land
        said_clause, speaker, misparsed_saying = self._protested_words(tok) if (
            trig.pos == "VERB" and event_type == "PROTEST") else (None, None, False)
        if said_clause is not None:
            # a protest in words is an accusation: "a rights group protested that the authorities are failing…"
            event_type, mode, cameo = "ACCUSE", None, "111"
            actor = self._actors(speaker, m, document.published) or actor
            csubj = next((t for t in said_clause.subtree if t.dep_ in SUBJECTS and t.i != tok.i
                          and t.head.i != tok.i), None)  # the first subject inside what is protested
            recipient = self._actors(csubj, m, document.published) if csubj is not None else []
        if trig.pos == "VERB":
            for c in tok.children:  # the folded noun's mode: "carried out air strikes", "killed in an air strike"
                sub = self._trigger(c) if c.dep_ in OBJECTS | SUBJECTS | {"agent"} else None
                if c.dep_ == "agent" or (c.dep_ == "prep" and c.lower_ in ("in", "during", "by")):
                    sub = next((self._trigger(g) for g in c.children if g.dep_ == "pobj"), None)
                if sub is not None and sub.event_type == event_type and sub.mode and not mode:
                    mode, cameo = sub.mode, sub.cameo
        if event_type == "ASSAULT" and mode in (None, "explosives", "heavy-weapons") and trig.pos == "VERB":
            subj, passive = _subject(tok)
            heads = [subj] if subj is not None and not passive else []
            heads += [g for c in tok.children if c.dep_ == "agent" for g in c.children if g.dep_ == "pobj"]
            words = {t.lemma_.lower() for h in heads for t in h.subtree}
            if words & AIRCRAFT:  # "Turkish jets bombed…", "shelled by helicopters": from the air
                mode, cameo = ("drone" if "drone" in words else "aerial"), "195"
        if QUAD_CLASS[event_type] != 4:  # "talk to people": anyone at all is no party to a statement
            actor = [a for a in actor if not (a.type == "generic" and a.name == "people")]
            recipient = [r for r in recipient if not (r.type == "generic" and r.name == "people")]
        if QUAD_CLASS[event_type] != 4 and not actor and not recipient:
            return []  # "the agreement", "to be investigated": a verbal or cooperative act by no one named
        if trig.pos == "VERB" and tok.tag_ in ("VBP", "VBZ") and self._cue(tok, "stative") and not any(
                c.dep_ in ("aux", "auxpass") for c in tok.children) and not any(
                _sent(tok).start_char <= start < _sent(tok).end_char for start, _end, _span in m.times):
            return []  # "both sides oppose the Houthis", "both groups seek to overthrow Assad": a standing stance
        arg_heads = [c for c in tok.children if c.dep_ in OBJECTS | {"prep", "agent"}]
        subj, passive = _subject(tok) if trig.pos == "VERB" else (None, False)
        location = self._location(tok, place_obj, m, arg_heads, [subj] if subj is not None and not passive else [],
                                  material=QUAD_CLASS[event_type] == 4 or self._cue(tok, "travel"))
        if location is not None and QUAD_CLASS[event_type] != 4 and mode != "visit" and any(
                r.text == location.text for r in actor + recipient):
            location = None  # "accused Ankara of…": the capital stands for its government, not for a place
        if not actor and location is not None and location.country_code and (
                mode == "arrest" or (event_type == "ACCUSE" and mode == "investigate")) and not any(
                c.dep_ == "agent" for c in tok.children):
            # "was arrested in Lebanon", "put under investigation in Italy": only a state arrests or investigates
            # there, as ACLED codes "Police Forces of Lebanon"
            actor = [ActorRef(name="police" if mode == "arrest" else "authorities", text=location.text,
                              sector="COP" if mode == "arrest" else "GOV", type="generic",
                              reason=f"the state where it happened ({location.name})")]
        if event_type == "PROTEST" and not actor:
            actor = [ActorRef(name="protesters", text=tok.text, sector="CVL", type="generic")]
            for c in tok.children:  # "anti-government protests": the government is the recipient
                if c.dep_ == "amod" and c.lower_.startswith("anti-"):
                    target = self.registry.resolve(c.lower_[5:], document.published)
                    recipient = recipient or ([target] if target else [])
                    if not recipient and c.lower_[5:] == "government":
                        recipient = [ActorRef(name="government", text=c.text, sector="GOV", type="generic")]
        # A generic state party ("the government", "a military base") belongs to the country where the event
        # happened, else to the country the article is plainly about.
        home = location.country_code if location is not None and location.country_code else _main_country(m)
        if home:
            actor = [self._localise(r, home, document.published) for r in actor]
            recipient = [self._localise(r, home, document.published) for r in recipient]
        if location is not None and location.country_code:
            # People named only by what they are ("students", "demonstrators", "civilians") are of the country
            # where the event happened, as ACLED codes "Protesters (Iraq)"
            actor = [_of_country(r, location.country_code) for r in actor]
            recipient = [_of_country(r, location.country_code) for r in recipient]
        recipient = [r for r in recipient if not (r.id and any(r.id == a.id for a in actor))]  # placed alike
        if not recipient and location is not None and location.country_code and any(
                w in RESTRICTIONS for w in (trig.lemma, *(trig.extra or "").split(), *(
                    c.lemma_.lower() for c in tok.children if c.dep_ in OBJECTS))):
            # a curfew or martial law "in Algiers" bears on the people there, as PLOVER codes it
            people = _of_country(ActorRef(name="civilians", text=location.text, sector="CVL", type="generic"),
                                 location.country_code, f"the people of {location.name}, where it applies")
            recipient = [people] if people.country else []
        when = self._time(tok, m)
        modality, evidence, attribution, source_tok = self._modality(tok, trig, actor, m)
        if misparsed_saying:
            modality, evidence, attribution = "asserted", None, None  # the words above it are what is said
        elif source_tok is not None and source_tok.dep_ in ("appos", "conj"):
            # "... state buildings, the Syrian Observatory for Human Rights said": the sayer the parser hung off
            # the object is no party to the act
            sayer = self._actor_of_np(source_tok, m)
            if sayer is not None:
                actor = [a for a in actor if a.name != sayer.name]
                recipient = [r for r in recipient if r.name != sayer.name]
        if subj is not None and any(c.dep_ == "det" and c.lower_ == "no" for c in subj.children):
            modality, evidence = "negated", "no " + subj.text  # "No coalition troops were injured"
        if modality in ("asserted", "reported", "claimed", "alleged") and when and document.published:
            if _days_before(when.date_end, document.published) > 365:
                modality, evidence = "historical", when.text
        main = self._event(document, doc, tok, _sent(tok), event_type, mode, cameo, actor, recipient,
                           location, when, modality, evidence, attribution)
        return [main, *self._spoken(main, tok, m, source_tok)]

    def _protested_words(self, tok: Token) -> tuple[Token | None, Token | None, bool]:
        """For the verb "protest" used as a verb of saying: (the clause protested, the protester's phrase,
        whether the parser read the sayer as a modifier); (None, None, False) for a protest in the street."""
        if tok.lemma_.lower() != "protest":
            return None, None, False
        speaker = next((c for c in tok.children if c.dep_ in SUBJECTS), None)
        clause = next((c for c in tok.children if c.dep_ == "ccomp"), None)  # "protested that…"
        if clause is None and tok.dep_ in ("parataxis", "ccomp") and tok.head.i < tok.i and not self._cue(
                tok.head, "report") and speaker is not None:
            clause = tok.head  # "The authorities are failing…, a rights group protested"
        root = _sent(tok).root
        if clause is None and tok.tag_ in ("VBD", "VBN") and tok.dep_ == "acl" and root.i < tok.i and not self._cue(
                root, "report"):
            return root, tok.head, True  # the parser's "…, a group protested" as a modifier
        return clause, speaker, False

    def _demands(self, doc: Doc, m: Mentions, document: Document, events: list[Event]) -> list[Event]:
        """What one party says another must or should do is a demand, as PLOVER codes it, whatever the act
        asked for: "the Bush administration declared that China must drop barriers" is a REQUEST by the
        US to China. Acts the lexicon knows already yield it (see _spoken); this covers the rest."""
        out: list[Event] = []
        asked: list[tuple[Token, Token, Token | None]] = []  # (the verb of saying or wanting, the clause, whom)
        for aux in self._where(doc, ("must", "should")):
            clause = aux.head
            if aux.dep_ == "aux" and clause.dep_ == "ccomp" and self._cue(clause.head, "report"):
                asked.append((clause.head, clause, _subject(clause)[0]))
        for verb in self._where(doc, self.lex.cues.get("request", ()), lemma=True):
            # "Obama wants Putin to attack", "pressed Damascus to withdraw": whom the wish is put to
            clause = next((c for c in verb.children if c.dep_ in ("ccomp", "xcomp")), None)
            if verb.pos_ != "VERB" or clause is None:
                continue
            whom = next((c for c in clause.children if c.dep_ in SUBJECTS), None) or next(
                (c for c in verb.children if c.dep_ in OBJECTS), None)
            if whom is not None:
                asked.append((verb, clause, whom))
        for verb, clause, target_tok in asked:
            aux = next((c for c in clause.children if c.dep_ == "aux" and c.lower_ in ("must", "should")), None)
            sent = _sent(clause)
            if any(e.event_type == "REQUEST" and e.span == (sent.start_char, sent.end_char) for e in events + out):
                continue
            speaker_tok, passive = _subject(verb)
            if speaker_tok is not None and speaker_tok.pos_ == "VERB":  # "The Red Cross operating in Iraq said"
                speaker_tok = next((c for c in speaker_tok.children if c.dep_ in SUBJECTS), speaker_tok)
            speaker = self._actors(speaker_tok, m, document.published) if not passive else []
            target = self._actors(target_tok, m, document.published) if target_tok is not None else []
            target = [t for t in target if not any(t.id and t.id == a.id for a in speaker)]
            if not speaker or not target:
                continue
            location = self._location(clause, None, m, [])
            modality, evidence, attribution, _src = self._modality(verb, Trigger(
                lemma=verb.lemma_, pos="VERB", event_type="REQUEST", mode=None, cameo="100",
                recipient_preps=(), flags=frozenset()), speaker, m)
            out.append(self._event(document, doc, verb, sent, "REQUEST", None, "100", speaker, target,
                                   location, self._time(verb, m), modality,
                                   evidence or f"{aux.text if aux is not None else verb.text} {clause.text}",
                                   attribution))
        return out

    def _spoken(self, ev: Event, tok: Token, m: Mentions, source_tok: Token | None) -> list[Event]:
        """The verbal event a statement about a future or demanded act is in itself, as PLOVER codes it:
        "Syria is willing to withdraw its troops" is an AGREE by Syria (and a planned RETREAT); "Libya must
        hand over the suspects", said by Britain, is a REQUEST by Britain to Libya."""
        word = (ev.modality_evidence or "").split(" ")[0].lower()
        cue = next((t.lemma_.lower() for t in _sent(tok) if t.lower_ == word), word)
        said = "asserted" if ev.attribution is None else (
            "claimed" if ev.attribution.get("actor") in {a.name for a in ev.actor} else "reported")
        derived: list[tuple[str, list[ActorRef], list[ActorRef], str]] = []
        named = [a for a in ev.actor if not (a.type == "generic" and a.name == "protesters")]
        if ev.modality == "planned" and self.lex.is_cue(cue, "intent") and named and ev.event_type not in (
                "AGREE", "THREATEN", "REQUEST", "ACCUSE", "REJECT"):
            conditional = any(c.dep_ == "advcl" and any(k.dep_ == "mark" and k.lower_ == "unless"
                                                        for k in c.children) for c in tok.children)
            # "will withdraw unless…" is a threat whatever it promises; a plain intent to cooperate agrees
            verbal = "AGREE" if QUAD_CLASS[ev.event_type] in (1, 2) and not conditional else "THREATEN"
            aimed = self._condition_party(tok, m, ev.actor, None) if verbal == "THREATEN" else []
            derived.append((verbal, ev.actor, aimed or ev.recipient, "030" if verbal == "AGREE" else "130"))
        if ev.modality == "negated" and word in ("not", "n't", "never") and ev.event_type != "REJECT" and any(
                c.dep_ == "aux" and c.lower_ in ("will", "would", "shall", "'ll", "wo") for c in tok.children):
            derived.append(("REJECT", ev.actor, ev.recipient, "120"))  # "will not meet their demands"
        if ev.modality == "negated" and cue == "fail" and QUAD_CLASS[ev.event_type] == 1:
            derived.append(("REJECT", ev.actor, ev.recipient, "120"))  # "failed to reach agreement"
        if ev.modality == "hypothetical" and cue in ("must", "should") and ev.event_type != "REQUEST":
            speaker = self._actors(source_tok, m, None) if source_tok is not None else []
            derived.append(("REQUEST", speaker, ev.actor, "100"))
        out = []
        for etype, actor, recipient, cameo in derived:
            eid = hashlib.sha1(f"{ev.id}:{etype}".encode()).hexdigest()[:16]
            # the verbal act is the saying itself: asserted when its actor is the one who says it
            own = ev.attribution is not None and ev.attribution.get("actor") in {a.name for a in actor}
            out.append(Event(id=eid, event_type=etype, quad_class=QUAD_CLASS[etype], text=ev.text, span=ev.span,
                             document=ev.document, cameo=cameo, actor=list(actor), recipient=list(recipient),
                             location=ev.location, time=ev.time, modality="asserted" if own else said,
                             modality_evidence=ev.modality_evidence, attribution=ev.attribution, trigger=ev.trigger, trigger_span=ev.trigger_span,
                             confidence=max(0.05, ev.confidence - 0.1)))
        return out


    def places(self, doc: Doc, published: str | None = None) -> list[Place]:
        """Every toponym mention of a parsed doc, in text order: the places the events use, and also the place
        names that stand for a party here ("Egypt said", "Georgian troops": the reason says so, and no event is
        placed there), a dateline's place, a division abbreviation after a town ("Charleston, W.Va."), and place
        names the gazetteer lacks (kept by name, without coordinates)."""
        m = self.mentions(doc, published)
        out: list[Place] = []
        taken: set[int] = set()

        def add(place: Place | None, s: int, e: int) -> None:
            if place is not None and taken.isdisjoint(range(s, e)):
                taken.update(range(s, e))
                out.append(place)

        for s, e in m.place_spans:
            place = self._place(doc, m, s, e)
            if place is not None and s in m.actor_at and doc[s:e].root.dep_ in SUBJECTS | OBJECTS:
                place = replace(place, reason=f"{place.reason}; names a party here ({m.actor_at[s][2].name}), "
                                              "not where an event happened")
            if place is None and doc[s:e].root.ent_type_ in ("GPE", "LOC", "FAC"):
                place = self._unknown_place(doc, m, s, e)
            add(place, s, e)
        for s, e in self._party_toponyms(doc, m):
            place = self._place(doc, m, s, e)
            if place is not None:
                add(replace(place, reason=f"{place.reason}; the people or state of a place, named as a party"),
                    s, e)
        for s, e in self._dateline_and_divisions(doc, m, taken):
            add(self._place(doc, m, s, e), s, e)
        return sorted(out, key=lambda p: p.start or 0)

    def _unknown_place(self, doc: Doc, m: Mentions, s: int, e: int) -> Place:
        """A place name the gazetteer lacks: placed in the country the document is about when one country has
        most of its evidence (precision "country", as ACLED codes a village it cannot find), else by name only."""
        from eventwire.geo import countries, resolve_place

        name = _strip_det(doc[s:e]).text
        span = (doc[s].idx, doc[e - 1].idx + len(doc[e - 1]))
        total = sum(n for n in m.countries.values() if n > 0)
        top = m.countries.most_common(1)
        if total and top[0][1] / total >= 0.6 and top[0][0] in countries():
            country = resolve_place(countries()[top[0][0]].name, gazetteer=self.gazetteer)
            if country is not None and country.precision == "country":
                return replace(country, text=doc[s:e].text, start=span[0], end=span[1],
                               reason=f"'{name}' is not in the gazetteer; placed in {country.name}, which has "
                                      f"{top[0][1] / total:.0%} of the document's country evidence")
        return Place(name=name, text=doc[s:e].text, start=span[0], end=span[1],
                     reason="a place name the gazetteer lacks")

    def _party_toponyms(self, doc: Doc, m: Mentions) -> list[tuple[int, int]]:
        """Country names and their adjectives or peoples that name a party ("the U.S.", "Georgian", "Sudanese",
        "Palestinians"): toponyms of the text, although no event happens at them."""
        from eventwire.geo import country_from_adjective, country_iso2

        spans: set[tuple[int, int]] = {(s, e) for s, e, _ in m.actor_at.values()}
        spans.update((ent.start, ent.end) for ent in doc.ents if ent.label_ == "NORP")
        found = []
        for s, e in sorted(spans):
            words = _strip_det(doc[s:e]).text
            if words and (country_from_adjective(words) or country_from_adjective(words.removesuffix("s"))
                          or country_iso2(words)):
                found.append((s, e))
        return found

    def _dateline_and_divisions(self, doc: Doc, m: Mentions, taken: set[int]) -> list[tuple[int, int]]:
        """The place of a dateline ("HARWINTON, Conn. —"), and a division abbreviation or name after a comma
        that follows a place ("Charleston, W.Va.", "Paris, Texas")."""
        found = []
        if m.dateline_end:
            first = next((t for t in doc[:m.dateline_end] if t.is_alpha), None)
            if first is not None and first.i not in taken:
                end = first.i + 1
                while end < m.dateline_end and doc[end].is_alpha and doc[end].is_upper:
                    end += 1
                if self.gazetteer.knows(doc[first.i:end].text):
                    found.append((first.i, end))
                    taken.update(range(first.i, end))
        for s, e in list(m.place_spans):
            if e + 1 >= len(doc) or doc[e].text != "," or not doc[e + 1].text[:1].isupper():
                continue
            end = e + 2
            while end < len(doc) and end - e <= 3 and (doc[end].text[:1].isupper() or doc[end].text == "."):
                end += 1
            for stop in range(end, e + 1, -1):
                words = doc[e + 1:stop].text
                if e + 1 not in taken and self.gazetteer.knows(words) and \
                        any(c.feature_code == "ADM1" for c in self.gazetteer.candidates(words)):
                    found.append((e + 1, stop))
                    taken.update(range(e + 1, stop))
                    break
        return found

    def locate(self, doc: Doc, trigger_span: tuple[int, int], published: str | None = None) -> Place | None:
        """The place of the event whose trigger is at `trigger_span` (any verb or noun, in the lexicon or not)."""
        setting = self._trigger_setting(doc, trigger_span, published)
        if setting is None:
            return None
        tok, m, place_obj, arg_heads, _actor_heads, material = setting
        # as before, the actor's origin is not weighed here, although the events stage and the model's training
        # weigh it (noted on issue 5)
        return self._location(tok, place_obj, m, arg_heads, material=material)

    def _governed_by_light_verb(self, tok: Token) -> bool:
        gov = _noun_governor(tok)
        return (tok.dep_ in OBJECTS | {"pobj", "nsubj", "nsubjpass"}
                and gov.pos_ in ("VERB", "AUX") and (self._cue(gov, "light") or self._travels_to(tok)
                                                     or gov.lemma_ in ("claim", "accuse", "blame", "agree")))

    def _travels_to(self, tok: Token) -> bool:
        """A noun event someone travels to: "arrived in Amman on a visit", "left for talks in Geneva"."""
        return tok.dep_ == "pobj" and tok.head.lower_ in ("on", "for") and self._cue(tok.head.head, "travel")

    def _event(self, document: Document, doc: Doc, tok: Token, sent: Span, event_type: str, mode, cameo,
               actor, recipient, location, when, modality, evidence, attribution) -> Event:
        trigger_span = (tok.idx, tok.idx + len(tok))
        eid = hashlib.sha1(f"{document.id}:{trigger_span[0]}:{event_type}".encode()).hexdigest()[:16]
        quad = QUAD_CLASS[event_type]
        acled, sub = acled_type(event_type, mode, actor, recipient)
        # How sure the coding is: named parties, a verb in the sentence's main clause, a place and a date raise
        # it; an act only planned, denied or supposed, or buried in another event's clause lowers it. Checked
        # on the dev sets by `eventwire eval … ` (correct_above_0.8).
        head = _noun_governor(tok) if tok.pos_ not in ("VERB", "AUX") else tok
        while head.dep_ in ("conj", "xcomp") and head.head.i != head.i:
            head = head.head
        main = head.dep_ == "ROOT" or (head.dep_ == "ccomp" and self._cue(head.head, "report"))
        confidence = 0.3 + 0.2 * any(a.id and not a.provisional for a in actor) \
            + 0.15 * any(r.id and not r.provisional for r in recipient) \
            + 0.1 * (tok.pos_ in ("VERB", "AUX")) + 0.05 * (location is not None) + 0.05 * (when is not None) \
            + 0.15 * main
        confidence -= {"negated": 0.25, "hypothetical": 0.25, "planned": 0.15}.get(modality, 0.0)
        contexts = ["military"] if event_type in ("ASSAULT", "MOBILIZE") or mode == "seize" else []
        size = event_size(sent.text) if quad == 4 else None  # killed, injured, arrested in this sentence
        return Event(id=eid, event_type=event_type, quad_class=quad, text=sent.text.strip(),
                     span=(sent.start_char, sent.end_char), document=document.ref(), mode=mode,
                     contexts=contexts, cameo=cameo, acled_event_type=acled, acled_sub_event_type=sub,
                     actor=actor, recipient=recipient, location=location, time=when, modality=modality,
                     modality_evidence=evidence, attribution=attribution, trigger=tok.text,
                     trigger_span=trigger_span, confidence=max(0.05, min(confidence, 0.99)), size=size)


# -------------------------------------------------------------------- helpers


def _conjuncts(tok: Token) -> list[Token]:
    return [c for c in tok.conjuncts if c.i > tok.i]


def _verb_words(tok: Token) -> tuple[set[str], set[str]]:
    """The lemmas a phrase line of a verb may name: its children and what its prepositions take; and what its
    object is made of ("gave 5 million dollars of aid", "ended mediation efforts", "suspended part of a
    military aid program"), where a particle of the line may not be found."""
    kids = {c.lemma_.lower() for c in tok.children} | {
        g.lemma_.lower() for c in tok.children if c.dep_ == "prep" for g in c.children}
    objects = [c for c in tok.children if c.dep_ == "dobj"]
    of_objects = [p for c in objects for g in c.children if g.dep_ == "prep" and g.lower_ == "of" for p in g.children]
    deep = {g.lemma_.lower() for c in objects for g in c.children if g.dep_ in ("compound", "amod")} | {
        p.lemma_.lower() for p in of_objects} | {
        g.lemma_.lower() for p in of_objects for g in p.children if g.dep_ in ("compound", "amod")}
    return kids, deep


def _lemmas(tok: Token) -> list[str]:
    """The tagger's lemma, then the word itself, then for a verb the lemmas its ending allows: "staged" →
    stage, "shelled" → shell, "fighting" → fight, fighte. The lexicon keys the first that it knows."""
    out = [tok.lemma_.lower(), tok.lower_]
    word = tok.lower_
    if tok.pos_ in ("VERB", "AUX"):
        if word.endswith("ed"):
            out += [word[:-1], word[:-2], word[:-3] if word[-3:-2] == word[-4:-3] else word[:-2]]
        elif word.endswith("ing"):
            out += [word[:-3], word[:-3] + "e"]
        elif word.endswith("s"):
            out += [word[:-1]]
    return out


def _aim_verbal_acts(doc: Doc, events: list[Event]) -> None:
    """A threat, promise or refusal with no recipient of its own is aimed where the act it speaks of is:
    "threatened to institute a curfew in Algiers" threatens the people the curfew would bear on."""
    by_start = {e.trigger_span[0]: e for e in events}
    for ev in events:
        if ev.recipient or (ev.quad_class not in (1, 3) and ev.event_type != "PROTEST"):
            continue
        head = doc.char_span(*ev.trigger_span, alignment_mode="expand")
        if head is None:
            continue
        # a protest "to demand the resignation of President X" is against X
        clauses = ("xcomp", "ccomp", "advcl") if ev.event_type == "PROTEST" else ("xcomp", "ccomp")
        root = head.root.head if ev.event_type == "PROTEST" and head.root.dep_ in OBJECTS else head.root
        for t in root.subtree:
            inner = by_start.get(t.idx)
            if inner is not None and inner is not ev and inner.recipient and t.dep_ in clauses and {
                    a.name for a in inner.actor} & {a.name for a in ev.actor}:
                ev.recipient = list(inner.recipient)
                break


def _of_country(ref: ActorRef, iso2: str, reason: str | None = None) -> ActorRef:
    """A generic party of the people (civilians, students, workers, protesters) placed in a country, with
    `reason` (by default: placed where the event happened)."""
    if ref.type != "generic" or ref.country or ref.sector not in PEOPLE_SECTORS:
        return ref
    from eventwire.geo import country_iso3

    iso3 = country_iso3(iso2)
    if iso3 is None:
        return ref
    return replace(ref, country=iso3, reason=reason or f"{ref.text!r}, a generic party, placed where the event "
                                                       f"happened ({iso3})")


def _cited(sent: Span) -> Token | None:
    """What the sentence's source cites: the object of "citing"/"quoting" (the parser hangs it off the
    verb of saying or off the reported clause, so the whole sentence is searched)."""
    for c in sent:
        if c.lemma_.lower() in ("cite", "quote") and c.tag_ == "VBG" and c.dep_ in (
                "advcl", "xcomp", "conj", "acl", "prep", "pcomp"):
            return next((g for g in c.children if g.dep_ in ("dobj", "pobj", "obj")), None)
    return None


def _noun_governor(tok: Token) -> Token:
    """The word an event noun hangs from: its head, or through a preposition the head's head
    ("launched an assault" → launched; "claimed responsibility for the attack" → claimed)."""
    gov = tok.head
    if tok.dep_ == "pobj":
        gov = gov.head
        if gov.lemma_ == "responsibility":
            gov = gov.head
    return gov


def _adjectival(tok: Token) -> bool:
    """A participle used as an adjective before its noun: "a captured Humvee", "wounded civilians" (also when
    the parser hangs it elsewhere: "rebel fighters and wounded civilians")."""
    nxt = tok.doc[tok.i + 1] if tok.i + 1 < len(tok.doc) else None
    return tok.dep_ == "amod" or (tok.tag_ == "VBN" and tok.head.pos_ in ("NOUN", "PROPN") and tok.i < tok.head.i
                                  and tok.dep_ in ("compound", "nmod", "amod", "conj")) or (
        tok.dep_ == "conj" and tok.head.pos_ in ("NOUN", "PROPN") and tok.tag_ in ("VBD", "VBN")
        and nxt is not None and nxt.pos_ == "NOUN")  # a verb is no conjunct of a noun: "fighters and wounded civilians"


def _participle(noun: Token) -> Token | None:
    """A past participle with a "by" agent that describes this noun: an acl on it ("an attack conducted by X")
    or an advcl on the verb it hangs from ("died in the attack, reportedly conducted by X")."""
    gov = noun.head.head if noun.dep_ == "pobj" else noun.head
    for c in [*noun.children, *gov.children]:
        if c.dep_ in ("acl", "advcl") and c.tag_ == "VBN" and any(a.dep_ == "agent" for a in c.children):
            return c
    return None


def _has_object(tok: Token, trig: Trigger) -> bool:
    for c in tok.children:
        if c.dep_ in OBJECTS or c.dep_ in PASSIVE_SUBJECTS:
            return True
        if c.dep_ in ("ccomp", "xcomp") and any(k.dep_ in SUBJECTS for k in c.children):
            return True  # "allowed Ouattara to run": the clause's subject is the one acted on
        if c.dep_ == "prep" and c.lower_ in trig.recipient_preps:
            return True
    return False


def _merge_same_sentence(events: list[Event]) -> list[Event]:
    """One event per type per sentence unless their dates or places differ: "hit by drone strikes in a raid"
    is one attack, "Monday's attack … since an assault in Ghazni in August 2018" is two."""
    out: list[Event] = []
    for ev in events:
        twin = next((o for o in out if o.span == ev.span and o.event_type == ev.event_type
                     and o.modality == ev.modality
                     and _compatible(o.actor, ev.actor) and _compatible(o.recipient, ev.recipient)
                     and (o.time is None or ev.time is None or o.time.date == ev.time.date)
                     and (o.location is None or ev.location is None or o.location.name == ev.location.name)), None)
        if twin is None:
            out.append(ev)
            continue
        twin.actor = _unique(twin.actor + ev.actor)
        twin.recipient = _unique([r for r in twin.recipient + ev.recipient
                                  if not any(r.id and r.id == a.id for a in twin.actor)])
        twin.location = twin.location or ev.location
        twin.time = twin.time or ev.time
        twin.mode = twin.mode or ev.mode
        twin.acled_event_type, twin.acled_sub_event_type = acled_type(twin.event_type, twin.mode, twin.actor,
                                                                      twin.recipient)
        twin.confidence = max(twin.confidence, ev.confidence)
    return out


def _compatible(a: list[ActorRef], b: list[ActorRef]) -> bool:
    """Two argument lists can name the same parties: one is empty, or they share a party."""
    return not a or not b or any((x.id and x.id == y.id) or x.name == y.name for x in a for y in b)


def _unique(refs: list[ActorRef]) -> list[ActorRef]:
    out: list[ActorRef] = []
    for r in refs:
        if not any((r.id and r.id == o.id) or (not r.id and r.name == o.name) for o in out):
            out.append(r)
    return out


def _days_before(day: str, published: str) -> int:
    try:
        return (date.fromisoformat(published[:10]) - date.fromisoformat(day[:10])).days
    except ValueError:
        return 0


def _stray_speaker(verb: Token) -> Token | None:
    """The sayer of "X attacked Y, the Observatory said" when the parser left the verb of saying without a
    subject and hung the sayer off the clause said (an apposition or conjunct of its last noun): the noun
    phrase set off by a comma just before the verb."""
    if verb.i == 0 or any(c.dep_ in SUBJECTS for c in verb.children):
        return None
    found = [t for t in verb.sent if t.dep_ in ("appos", "conj") and t.right_edge.i == verb.i - 1
             and t.left_edge.i > verb.sent.start and verb.doc[t.left_edge.i - 1].text == ","
             and t.pos_ in ("PROPN", "NOUN")]
    return max(found, key=lambda t: t.left_edge.i) if found else None  # the shortest: the sayer alone
