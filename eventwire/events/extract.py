"""From a parsed article to coded events: triggers, arguments, place, time, modality and attribution.

The rules read spaCy's dependency parse; every word list they use lives in `data/` (see lexicon.py).
One trigger gives one event; a noun trigger that is an argument of a verb trigger of the same kind
("the air strike killed 12") is folded into that verb's event so a sentence does not yield it twice.
"""
from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import dataclass, field, replace
from typing import Any
from datetime import date

from spacy.tokens import Doc, Span, Token

from eventwire.events.lexicon import DATA, QUAD_CLASS, Lexicon, Trigger, acled_type, default_lexicon, read_table
from eventwire.actors.registry import composed_id, fold
from eventwire.model import ActorMention, ActorRef, Document, Event, Place, TimeSpan

SUBJECTS = {"nsubj", "csubj"}
PASSIVE_SUBJECTS = {"nsubjpass", "csubjpass"}
OBJECTS = {"dobj", "obj", "dative", "attr", "oprd"}
LOCATIVE_PREPS = {"in", "at", "near", "outside", "around", "inside", "across", "into", "throughout",
                  "on", "over", "within", "onto", "along", "towards", "toward", "off", "close"}
# A name right after these is a place even when spaCy calls it an organisation ("near Kefraya")
PLACE_PREPS = {"near", "outside", "around", "inside", "into", "towards", "toward", "in", "at", "across"}
# After these a country is where something happens, not whom it is done to ("an incursion into Syria")
INSIDE_PREPS = {"in", "into", "inside", "across", "throughout", "within"}
# Children of a noun phrase that still describe the same party ("rival Islamic State positions",
# "the Taliban's fighters", "fighters of the Nusra Front"); relative clauses and places do not.
NP_INNER = {"compound", "amod", "nmod", "poss", "det", "nummod", "quantmod", "npadvmod", "case", "flat"}
ACTOR_ENTS = {"PERSON", "ORG", "NORP", "GPE"}
PROVISIONAL_PREFIX = "NEW:"  # ids of provisional actors ("NEW:JAISH_AL_IZZA"); registry ids have no colon
PRONOUNS = {"he", "she", "it", "they", "him", "her", "them"}
POSSESSIVE_PRONOUNS = {"its": "it", "their": "they", "his": "he", "her": "she"}
FIRST_PERSON = {"we", "our", "us", "ours", "ourselves"}
OPEN_QUOTES, CLOSE_QUOTES = "“«", "”»"
# "an acronym in brackets" right after a name defines it for the whole article: "the Free Syrian Army (FSA)"
DEFINED_ACRONYM = re.compile(r"\(([A-Z][A-Za-z0-9&\-]{1,9})\)")
PLACE_ENTS = {"GPE", "LOC", "FAC"}
PLACE_NOUNS = {"town", "city", "village", "province", "governorate", "district", "region", "area",
               "neighbourhood", "neighborhood", "suburb", "outskirts", "countryside", "mountains", "valley",
               "camp", "base", "airport", "port", "border", "capital", "hills"}
NAMED_PLACE_NOUNS = {"town", "village", "city", "province", "district", "neighbourhood", "neighborhood", "suburb",
                     "locality", "area", "region", "commune", "governorate", "camp", "hill", "municipality"}
# Words before a generic noun that keep it the state's ("government forces", "local police", "regular troops")
STATE_WORDS = {"government", "state", "security", "regular", "national", "local", "federal", "armed", "official",
               "military", "police", "army", "senior", "top", "two", "three", "several", "many", "some"}
# Generic parties too often someone else's (the publisher's own department, a UN council) to place them
UNPLACED = {"department", "council", "command", "nations"}
NOT_STATE_WORDS = {"coalition", "opposition", "rebel", "enemy", "partner", "allied", "foreign", "international",
                   "multinational", "peacekeeping", "militia", "tribal", "kurdish"}
MILITARY_UNIT = re.compile(r"\b\d+(?:st|nd|rd|th)(?:\s+[A-Z][\w-]*){0,4}\s+(?:Battalion|Brigade|Regiment|Wing|"
                           r"Squadron|Group|Division|Fleet|Corps|Company|Detachment|Command|Army|Task Force)\b")
SETTLEMENTS = {"town", "towns", "village", "villages", "city", "cities", "settlement", "settlements", "camp", "camps"}
PLAN_NOUNS = {"plan", "plot", "intention", "bid", "scheme", "threat", "proposal", "call"}
# A news dateline opening the text: "BEIRUT - ", "SURUC, Turkey - ", "BEIRUT (Crossroads Wire) - "
DATELINE = re.compile(r"[A-Z][A-Z.'’ ]{2,40}(?:, [A-Z][\w.'’ ]{1,40})?(?: \([^)\n]{1,60}\))? ?[-–—]{1,2} ")
REPORT_NOUNS = {"report", "claim", "allegation", "accusation", "rumour", "rumor", "account", "statement"}
GROUP_NOUNS = {"group", "organisation", "organization", "movement", "militia", "faction", "jihadists", "militants"}
# every word form that may refer back to a party (a cheap filter before the parse is read)
COREFERRING = {"he", "she", "it", "they", "him", "her", "them", "its", "their", "his"} | GROUP_NOUNS | {
    "groups", "organisations", "organizations", "movements", "militias", "factions", "jihadist", "militant"}
FACILITIES = {"base", "checkpoint", "post", "outpost", "barracks", "convoy", "compound", "headquarters",
              "position", "centre", "center", "academy", "station", "patrol", "vehicle"}


@dataclass
class Mentions:
    """What the entity layer and NER found in one doc, indexed by token, with resolutions cached."""

    actor_at: dict[int, tuple[int, int, ActorRef]] = field(default_factory=dict)
    named_at: dict[int, tuple[int, int]] = field(default_factory=dict)  # PERSON/ORG names the registry lacks
    place_spans: list[tuple[int, int]] = field(default_factory=list)
    place_cache: dict[tuple[int, int], Place | None] = field(default_factory=dict)
    named_places: set[tuple[int, int]] = field(default_factory=set)  # "the village of X": a place by its words
    dateline_end: int = 0  # token index where a "BEIRUT - " dateline ends
    times: list[tuple[int, int, TimeSpan]] = field(default_factory=list)  # char spans
    countries: Counter = field(default_factory=Counter)  # ISO2 evidence for place disambiguation


def _generic_actors() -> dict[str, tuple[str, str]]:
    return {r["lemma"]: (r["name"], None if r["sector"] in ("", "-") else r["sector"])
            for r in read_table(DATA / "generic_actors.tsv")}


class EventExtractor:
    """Turns one parsed article into events; holds the lexicon, the actor registry and the gazetteer."""

    def __init__(self, lexicon: Lexicon | None = None, registry=None, gazetteer=None) -> None:
        from eventwire.actors import ActorRegistry
        from eventwire.geo import Gazetteer

        self.lex = lexicon or default_lexicon()
        self.registry = registry or ActorRegistry.default()
        self.gazetteer = gazetteer or Gazetteer.default()
        self.generic = _generic_actors()
        self._trigger_words = frozenset(lemma for lemma, _pos in self.lex.triggers)
        self._hashes: dict[int, Any] = {}
        self._known_places: dict[str, bool] = {}  # names the gazetteer knows, asked once per name

    # ---------------------------------------------------------------- mentions
    def mentions(self, doc: Doc, published: str | None, publisher: str | None = None) -> Mentions:
        """Resolve the actor, place and time mentions of a parsed doc."""
        from eventwire.time import find_time_expressions, resolve_time

        m = Mentions()
        spans = doc.user_data.get("ew_spans", [])
        covered: set[int] = set()
        for start, end, kind, _key in spans:
            if kind == "A":
                ref = self.registry.resolve(doc[start:end].text, published)
                if ref is not None:
                    for i in range(start, end):
                        m.actor_at[i] = (start, end, ref)
                    covered.update(range(start, end))
                    if ref.country:
                        m.countries[_iso2(ref.country)] += 1
            elif kind == "P":
                m.place_spans.append((start, end))
        ents = doc.ents  # a property that builds new spans on every call
        for ent in ents:
            if ent.label_ in ACTOR_ENTS and covered.isdisjoint(range(ent.start, ent.end)):
                ref = self.registry.resolve(_strip_det(ent).text, published)
                if ref is not None:
                    for i in range(ent.start, ent.end):
                        m.actor_at[i] = (ent.start, ent.end, ref)
                elif ent.label_ in ("PERSON", "ORG"):
                    for i in range(ent.start, ent.end):
                        m.named_at[i] = (ent.start, ent.end)
            elif ent.label_ in ("ORG", "PERSON") and self._names_inner_country(ent, m, published):
                # "the International Syria Support Group": a name the registry lacks around a country word
                for i in range(ent.start, ent.end):
                    m.actor_at.pop(i, None)
                    m.named_at[i] = (ent.start, ent.end)
            if ent.label_ in PLACE_ENTS:
                m.place_spans.append((ent.start, ent.end))
        self._acronyms(doc, m)
        self._whole_phrases(doc, m, published)
        # "the town of X", "the neighbourhood of X": a capitalised name after a place noun is a place even when
        # no gazetteer knows it; it is kept by name, without coordinates.
        for tok in self._where(doc, NAMED_PLACE_NOUNS, lemma=True):
            if tok.lemma_.lower() in NAMED_PLACE_NOUNS and tok.i + 2 < len(doc):
                nxt, name = doc[tok.i + 1], doc[tok.i + 2]
                if nxt.lower_ == "of" and name.is_title and name.i not in m.actor_at:
                    end = name.i + 1
                    while end < len(doc) and (doc[end].is_title or doc[end].text == "-") and doc[end].pos_ in (
                            "PROPN", "PUNCT") and doc[end].i not in m.actor_at:
                        end += 1
                    m.place_spans.append((name.i, end))
                    m.named_places.add((name.i, end))
        m.place_spans = _dedupe_spans(m.place_spans)
        dateline = DATELINE.match(_text(doc))
        if dateline:  # "SURUC, Turkey - …": where the reporter files from, not a party or the event's place
            cut = doc.char_span(0, dateline.end(), alignment_mode="expand")
            if cut is not None:
                for i in range(cut.start, cut.end):
                    m.actor_at.pop(i, None)
                    m.named_at.pop(i, None)
                m.dateline_end = cut.end  # its place stays a toponym of the article, never an event's place
        # Places first seen without context give the document's country evidence.
        for start, end in m.place_spans:
            place = self._place(doc, m, start, end)
            if place and place.country_code:
                m.countries[place.country_code] += 1
        m.place_cache.clear()  # resolve again with the whole document's evidence
        found: list[tuple[int, int, str]] = []
        for ent in ents:
            if ent.label_ == "DATE":
                after = doc[ent.end].text if ent.end < len(doc) else ""
                if ent.text.isdigit() and after in ("UTC", "GMT", "GST", "local", "hours", "hrs", "am", "pm"):
                    continue  # "1800 UTC" is a time of day, not the year 1800
                found.append((ent.start_char, ent.end_char, ent.text))
        for start, end, text in find_time_expressions(_text(doc)):
            if not any(s <= start < e or start <= s < end for s, e, _ in found):
                found.append((start, end, text))
        for start, end, text in sorted(found):
            span = resolve_time(text, published)
            if span is not None:
                m.times.append((start, end, span))
        self._places_as_parties(doc, m, published)
        self._corefer(doc, m)
        self._first_person(doc, m, publisher, published)
        return m

    def _first_person(self, doc: Doc, m: Mentions, publisher: str | None, published: str | None) -> None:
        """"We", "our", "us" outside quotation marks are the publisher of the text when the registry knows it
        (a ministry's statement, a military press release); inside quotes they are the speaker's party, as the
        words around the quote name it ("…we will prevail," said a spokesman for the SDF)."""
        ref = self._publisher(publisher, published) if publisher else None
        for tok in self._where(doc, FIRST_PERSON):
            if tok.i in m.actor_at:
                continue
            if _in_quote(tok):
                found = self._speaker(tok, m)
                if found is not None:
                    mine = replace(found, text=tok.text, reason=f"first-person pronoun in a quote of {found.text!r}")
                elif ref is not None and ref.sector != "MED":  # a press release quotes its own people
                    mine = replace(ref, text=tok.text, reason=f"first-person pronoun in a quote whose speaker the "
                                                              f"registry lacks: the publisher ({publisher})")
                else:
                    continue
            elif ref is not None:
                mine = replace(ref, text=tok.text, reason=f"first-person pronoun outside quotes: the publisher "
                                                          f"({publisher})")
            else:
                continue
            m.actor_at[tok.i] = (tok.i, tok.i + 1, mine)

    def _publisher(self, publisher: str, published: str | None) -> ActorRef | None:
        """The registry actor a publisher's name stands for: the whole name, else its longest part that the
        registry knows ("Delegation of the European Union to Syria" -> the European Union)."""
        ref = self.registry.resolve(publisher, published, metonymy=True)
        if ref is not None:
            return ref
        words = publisher.split()
        for n in range(len(words) - 1, 0, -1):
            for i in range(len(words) - n + 1):
                ref = self.registry.resolve(" ".join(words[i:i + n]), published)
                if ref is not None and ref.type not in ("person",):
                    return ref
        return None

    def _speaker(self, tok: Token, m: Mentions) -> ActorRef | None:
        """The party of whoever a quote is attributed to: the parties named in the subject of a report verb
        ("said", "told") of this sentence or the next, outside the quotation marks ("said Col. X, a spokesman
        for CJTF-OIR"); a group before a person."""
        doc = tok.doc
        here = _sent(tok)
        sentences = [here] + ([_sent(doc[here.end])] if here.end < len(doc) else [])
        for sent in sentences:
            for verb in sent:
                if verb.pos_ not in ("VERB", "AUX") or not self.lex.is_cue(verb.lemma_.lower(), "report"):
                    continue
                subj = next((c for c in verb.children if c.dep_ in SUBJECTS), None)
                if subj is None:
                    continue
                hits = [m.actor_at[t.i] for t in subj.subtree  # the sayer and its apposition, not what is said
                        if t.i in m.actor_at and not _in_quote(t) and t.lower_ not in FIRST_PERSON]
                refs = [h[2] for h in hits]
                best = next((r for r in refs if r.type != "person"), None) or (refs[0] if refs else None)
                if best is not None:
                    return _copy(best, doc, next(h for h in hits if h[2] is best))
        return None

    def _places_as_parties(self, doc: Doc, m: Mentions, published: str | None) -> None:
        """Places that name a party: a capital as the subject of a verb stands for its government
        ("Washington demanded", "Berlin rejected"), and a place before or after an institution noun gives that
        institution its country ("Darfur rebels", "rebels in Darfur", "the Khartoum government")."""
        from eventwire.geo import country_iso3

        for start, end in m.place_spans:
            if start in m.actor_at or start < m.dateline_end:
                continue
            span = doc[start:end]
            ref = None
            if span.root.dep_ in SUBJECTS:
                ref = self.registry.resolve(_strip_det(span).text, published, metonymy=True)
                if ref is not None and self.registry.resolve(_strip_det(span).text, published) is None:
                    ref.reason = "a capital standing for its government"
            phrases = _noun_phrases(span)
            phrase = phrases[0] if phrases else None
            if ref is None and phrase is not None and phrase.root.i not in m.actor_at and phrase.root.is_lower:
                # "Darfur rebels", "the Khartoum government"; not a name ("Westminster International University")
                sector = self.registry.office_sector(phrase.root.text)
                place = self._place(doc, m, start, end) if sector else None
                # only a place of a country the text names elsewhere: "Shona rebels" are not rebels in a
                # Japanese town of that name
                iso3 = country_iso3(place.country_code) if place is not None and place.country_code and \
                    m.countries[place.country_code] >= 2 else None
                if iso3 and sector:
                    ref = self.registry.resolve(composed_id(iso3, sector), published)
                    if ref is not None:
                        ref.reason = f"{phrase.root.text!r} of {place.name} ({iso3})"
            if ref is not None:
                ref.text = span.text
                for i in range(start, end):
                    m.actor_at[i] = (start, end, ref)

    def _names_inner_country(self, ent: Span, m: Mentions, published: str | None) -> bool:
        """Whether a name spaCy found is one of its own around a shorter registry match: an organisation with
        two more capitalised words than its country word ("Syria Recovery Trust Fund"), a person with a name
        the registry's person lacks ("Ahmad Zarif Qasimi" is not Javad Zarif)."""
        span = _strip_det(ent)
        inner = [m.actor_at[i] for i in range(span.start, span.end) if i in m.actor_at]
        if not inner:
            return False
        outside = [t for t in span if t.i not in m.actor_at and t.is_title]
        if ent.label_ == "PERSON":  # "Ahmad Zarif Qasimi" is not Javad Zarif
            return bool(outside) and all(hit[2].type == "person" for hit in inner) and \
                self.registry.resolve(span.text, published) is None
        if len(span) < 3 or any(not self.registry.is_institution(hit[2].id) for hit in inner):
            return False
        return len(outside) >= 2 and self.registry.resolve(span.text, published) is None

    def _whole_phrases(self, doc: Doc, m: Mentions, published: str | None) -> None:
        """A country word is often only part of the actor: "Senior Hungarian and Romanian officials" are
        HUN/GOV and ROU/GOV, "rebels in the Ivory Coast" CIV/REB, "President Francois Mitterand" a head of
        state. The words around the mention, up to the noun it modifies, decide its sector."""
        hits = {hit[0]: hit for hit in m.actor_at.values()}
        for start, (_s, end, ref) in sorted(hits.items()):
            if ref.type == "person" and published is None:  # "President Hosni Mubarak": the period of that office
                titles = [t for t in doc[start:end].root.lefts if t.i < start and t.dep_ == "compound"
                          and self.registry.office_sector(t.text)]
                titled = self.registry.resolve(doc[titles[0].left_edge.i:end].text) if titles else None
                if titled is not None and titled.id == ref.id and titled.sector != ref.sector:
                    titled.text, titled.reason = ref.text, f"the office named before: {titled.text!r}"
                    for i in range(start, end):
                        m.actor_at[i] = (start, end, titled)
                    ref = titled
            if ref.sector and not self.registry.is_institution(ref.id):
                continue  # a named group ("Hezbollah fighters" are Hezbollah), not a country's institution
            better = phrase = None
            for phrase in _noun_phrases(doc[start:end]):
                if not (self.registry.is_member_noun(phrase.root.text) or phrase.root.lower_ in SETTLEMENTS
                        or any(self.registry.is_member_noun(t.text) for t in phrase if t.i > end)):
                    continue  # "the Syrian city of Aleppo": no word that names a party
                words = [phrase.text]
                if phrase.root.i == phrase.end - 1 and phrase.root.i > end:  # "Kampuchean guerrilla [camps]"
                    words.append(doc[phrase.start:phrase.root.i].text)
                for text in words:
                    found = [r for r in self.registry.resolve_many(text, published)
                             if r.sector and (not ref.country or r.country == ref.country)]
                    better = next((r for r in found if r.sector != ref.sector), None)
                    if better is not None:
                        break
                if better is None and ref.country and not ref.sector and phrase.root.lower_ in SETTLEMENTS:
                    better = self.registry.resolve(composed_id(ref.country, "CVL"), published)  # "Iraqi towns"
                if better is not None:
                    break
            if better is not None and phrase is not None:
                better.text = ref.text
                better.reason = f"{better.reason or 'resolved'}: the whole phrase {phrase.text!r}"
                for i in range(start, end):
                    m.actor_at[i] = (start, end, better)
        for start, end in {v for v in m.named_at.values()}:
            if doc[start].ent_type_ != "PERSON":
                continue
            inside = start  # "President Prosper Avril" may be tagged PERSON with its title
            while inside < end - 1 and doc[inside].is_title and self.registry.office_sector(doc[start:inside + 1].text):
                inside += 1
            title = [t for t in doc[start:end].root.lefts if t.i < start]
            if not title and inside == start:
                continue
            words = doc[title[0].left_edge.i if title else start:inside].text
            start = inside
            office = self.registry.resolve(words, published)
            if office is not None and office.type == "person":
                continue
            sector = office.sector if office is not None else self.registry.office_sector(words)
            if not sector:
                continue
            name = _strip_det(doc[start:end]).text
            country = (office.country if office is not None else None) or _main_country_iso3(m)
            if country is None:  # the one country named before the person in the sentence, if only one
                named = {m.actor_at[i][2].country for i in range(_sent(doc[start]).start, start)
                         if i in m.actor_at and m.actor_at[i][2].country}
                country = named.pop() if len(named) == 1 else None
            for t in title:  # "Interior" of "Interior Minister X" is part of the title, not an organisation
                for i in range(t.left_edge.i, t.i + 1):
                    m.named_at.pop(i, None)
            ref = _provisional(name, "PERSON")
            ref.sector, ref.country = sector, country
            ref.reason += f"; office from {words!r}" + (
                "" if office is not None and office.country else f", country from the context ({country})"
                if country else "")
            for i in range(start, end):
                m.actor_at[i] = (start, end, ref)
                m.named_at.pop(i, None)

    def _where(self, doc: Doc, words, lemma: bool = False) -> list[Token]:
        """The tokens whose lower-case form (or, with ``lemma``, lemma) is one of ``words``, in order. One
        array comparison instead of a walk over every token, which costs a Python object per token."""
        import numpy

        key = id(words)
        if key not in self._hashes:
            strings = doc.vocab.strings
            forms = {w for word in words for w in (word, word.lower(), word.capitalize(), word.upper())}
            self._hashes[key] = (words, numpy.array(sorted(strings.add(w) for w in forms), dtype="uint64"))
        hashes = self._hashes[key][1]
        columns = doc.to_array(["LOWER", "LEMMA"] if lemma else ["LOWER"])
        columns = columns.reshape(len(doc), -1)
        hit = numpy.isin(columns, hashes).any(axis=1)
        return [doc[int(i)] for i in numpy.flatnonzero(hit)]

    def _acronyms(self, doc: Doc, m: Mentions) -> None:
        """Acronyms the article defines ("the Liberian Peace Council (LPC)") name that actor everywhere in
        the article, whatever the registry says the letters mean elsewhere."""
        defined: dict[str, ActorRef] = {}
        for match in DEFINED_ACRONYM.finditer(_text(doc)):
            paren = doc.char_span(match.start(), match.start() + 1)
            short = match.group(1)
            if paren is None or paren.start == 0 or short in defined or sum(c.isupper() for c in short) < 2:
                continue
            before = paren.start - 1
            if before in m.actor_at:
                start, end, ref = m.actor_at[before]
            elif before in m.named_at:
                start, end = m.named_at[before]
                ref = self._provisional(doc, start, end)
            else:
                continue
            long_form = _strip_det(doc[start:end]).text
            initials = [w[0].upper() for w in re.split(r"[\s\-]+", fold(long_form)) if w and w[0].isupper()]
            if not initials or short[0].upper() != initials[0]:
                continue  # "(AFP)" after a name is a dateline credit, not a definition
            defined[short] = ActorRef(name=ref.name, text=short, id=ref.id, country=ref.country, sector=ref.sector,
                                      type=ref.type, reason=f"acronym defined in the text: {long_form} ({short})")
        for short, ref in defined.items():
            for match in re.finditer(rf"(?<![\w-]){re.escape(short)}(?![\w-])", _text(doc)):
                span = doc.char_span(match.start(), match.end())
                if span is not None and len(span) == 1:
                    m.actor_at[span.start] = (span.start, span.end, ref)
                    m.named_at.pop(span.start, None)

    def _place(self, doc: Doc, m: Mentions, start: int, end: int) -> Place | None:
        if (start, end) in m.place_cache:
            return m.place_cache[(start, end)]
        from eventwire.geo import PlaceContext, resolve_place

        span = _strip_det(doc[start:end])
        sent = _sent(doc[start])
        before = doc[max(sent.start, start - 8):start].text
        after = doc[end:min(sent.end, end + 8)].text
        ctx = PlaceContext(before=before, after=after, countries=m.countries)
        place = resolve_place(span.text, ctx, self.gazetteer) if span.text else None
        if place is None and (start, end) in m.named_places:
            place = Place(name=span.text, text=span.text, reason="named as a place in the text; not in the gazetteer")
        if place is not None:
            place.text = doc[start:end].text
            place.start, place.end = doc[start].idx, doc[end - 1].idx + len(doc[end - 1])
        m.place_cache[(start, end)] = place
        return place

    # ---------------------------------------------------------------- triggers
    def _trigger(self, tok: Token) -> Trigger | None:
        if tok.pos_ in ("VERB", "AUX") or (tok.pos_ == "NOUN" and tok.tag_.startswith("VB")):
            pos = "VERB"
        elif tok.pos_ in ("NOUN", "PROPN"):
            pos = "NOUN"
        else:
            return None
        lemma = tok.lemma_.lower()
        if pos == "NOUN" and any(c.dep_ in ("compound", "amod") and self.lex.is_cue(c.lemma_.lower(), "not_event")
                                 for c in tok.children):
            return None  # "a heart attack", "a legal battle", "a trade war"
        if pos == "NOUN" and tok.dep_ == "compound" and tok.head.pos_ in ("NOUN", "PROPN"):
            return None  # a modifier of another noun: "the main fighting force", "attack helicopters"
        bucket = self.lex.triggers.get((lemma, pos)) or self.lex.triggers.get((tok.lower_, pos))
        if not bucket and pos == "VERB" and tok.tag_ == "VBG":  # "the shelling", "fighting" tagged as verbs
            bucket = self.lex.triggers.get((tok.lower_, "NOUN"))
        if not bucket:
            return None
        for trig in bucket:
            if trig.extra is None:
                if "needs_object" in trig.flags and not _has_object(tok, trig):
                    continue
                if pos == "VERB" and any(c.dep_ == "prt" and c.lemma_ not in ("up", "down", "off", "out")
                                         for c in tok.children):
                    continue  # "take over" is not "take"; particles only weaken a few verbs
                return trig
            if pos == "VERB":
                words = trig.extra.split()
                kids = {c.lemma_.lower() for c in tok.children} | {
                    g.lemma_.lower() for c in tok.children if c.dep_ == "prep" for g in c.children}
                if all(w in kids for w in words):
                    return trig
            else:
                mods = [c.lemma_.lower() for c in tok.lefts if c.dep_ in ("compound", "amod", "nmod")]
                if " ".join(mods[-len(trig.extra.split()):]) == trig.extra:
                    return trig
        return None

    # ---------------------------------------------------------------- arguments
    def _actors(self, tok: Token | None, m: Mentions, date_iso: str | None) -> list[ActorRef]:
        """The parties named by a noun phrase and its conjuncts ("Hezbollah and Syrian troops")."""
        if tok is None:
            return []
        out: list[ActorRef] = []
        for head in [tok, *_conjuncts(tok)]:
            ref = self._actor_of_np(head, m)
            if ref is not None and all(ref.id != r.id or ref.name != r.name for r in out):
                out.append(ref)
        return out

    def _actor_of_np(self, head: Token, m: Mentions) -> ActorRef | None:
        if head.i in m.actor_at:
            return _copy(m.actor_at[head.i][2], head.doc, m.actor_at[head.i])
        if head.lower_ in PRONOUNS or self._is_description(head, m):
            return self._antecedent(head, m)  # "it", "the group", "the jihadist organisation": the party named before
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
            if t.i in m.actor_at:
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
                    t.i == head.i or (t.head.i == head.i and t.dep_ in ("compound", "poss"))):
                s, e = m.named_at[t.i]
                return self._provisional(head.doc, s, e)
        lemma = head.lemma_.lower()
        if lemma not in self.generic and lemma in FACILITIES:
            # "a military base", "a police checkpoint": the facility's holder is the party
            lemma = next((t.lemma_.lower() for t in inner if t.lemma_.lower() in self.generic), lemma)
        if lemma in self.generic:
            name, sector = self.generic[lemma]
            left = head.doc[head.left_edge.i:head.i + 1]
            return ActorRef(name=name, text=_strip_det(left).text, sector=sector, type="generic")
        return None

    def _provisional(self, doc: Doc, start: int, end: int) -> ActorRef:
        """The provisional actor of a name the registry lacks; a country word inside the name gives its
        country ("Liberian Peace Council" -> LBR)."""
        span = _strip_det(doc[start:end])
        country = next((c for t in span if t.is_title and (c := self.registry.country_iso3(t.text, fuzzy=False))),
                       None)
        return _provisional(span.text, doc[start].ent_type_, country)

    def _names_actor(self, span: Span) -> bool:
        """Whether a name spaCy tagged ORG/PERSON can be a new actor: not a town the gazetteer knows
        ("Kefraya" tagged ORG), not a lone common word ("Army", "State" cut from a longer name)."""
        span = _strip_det(span)
        if not (span[0].is_title or span[0].is_upper):
            return False  # "defence ministry": a common noun phrase, not a name
        if len(span) == 1 and (span[0].is_stop or self.registry.is_member_noun(span.text)
                               or span[0].lemma_.lower() in self.generic or span[0].lower_ in ("state", "ministry", "office")):
            return False
        before = span.doc[span.start - 1].lower_ if span.start > 0 else ""
        if before in PLACE_PREPS and span[0].ent_type_ != "PERSON":
            return False  # "an assault near Kefraya": a place the gazetteer lacks
        if len(span) > 3:
            return True  # a long name is not a town's
        known = self._known_places.get(span.text)
        if known is None:
            if len(self._known_places) > 100_000:
                self._known_places.clear()
            known = self._known_places[span.text] = self.gazetteer.knows(span.text)
        return not known

    def _is_description(self, head: Token, m: Mentions) -> bool:
        """A definite description standing for a group named before: "the group", "the jihadist organisation",
        "the militia" (but not "the Kurdish group", whose adjective names an actor of its own, nor "the
        group's", nor a group noun with a name of its own)."""
        return (head.lemma_.lower() in GROUP_NOUNS and head.is_lower and head.i not in m.actor_at
                and head.i not in m.named_at
                and any(c.dep_ == "det" and c.lower_ in ("the", "this", "that") for c in head.children)
                and all(c.dep_ in ("det", "amod", "compound", "punct")
                        and (c.dep_ in ("det", "punct") or (c.is_lower and c.i not in m.actor_at))
                        for c in head.children if c.i < head.i)
                and not any(c.dep_ in ("prep", "appos", "acl", "relcl") for c in head.children))

    def _antecedent(self, pron: Token, m: Mentions) -> ActorRef | None:
        """The party a pronoun stands for: the sayer of the clause it sits in ("the SDF announced it had…"),
        else the nearest earlier subject in this or the previous sentence that fits (a person for he/she)."""
        person = pron.lower_ in ("he", "she", "him", "her", "his")
        pron_is_group = pron.lemma_.lower() in GROUP_NOUNS
        head = pron.head
        while head.dep_ in ("ccomp", "conj", "xcomp") and head.head.i != head.i:
            head = head.head
            if self.lex.is_cue(head.lemma_.lower(), "report"):
                subj, passive = _subject(head)
                if subj is not None and not passive and subj.i in m.actor_at:
                    ref = m.actor_at[subj.i][2]
                    if (ref.type == "person") == person:
                        found = _copy(ref, pron.doc, m.actor_at[subj.i])
                        found.reason = f"{pron.text!r} refers to {found.text!r}, who says it"
                        return found
        doc = pron.doc
        sent_start = _sent(pron).start
        prev_start = _sent(doc[sent_start - 1]).start if sent_start > 0 else sent_start
        subjects = SUBJECTS | PASSIVE_SUBJECTS
        # "The group vowed to eradicate it": an object pronoun is not its own clause's subject
        verb = pron.head.head if pron.dep_ == "pobj" else pron.head
        while verb.dep_ in ("xcomp", "advcl") and verb.head.i != verb.i:
            verb = verb.head
        own_subject, _ = _subject(verb) if pron.dep_ not in SUBJECTS | PASSIVE_SUBJECTS | {"poss"} else (None, False)
        excluded = m.actor_at[own_subject.i][2].id if own_subject is not None and own_subject.i in m.actor_at else None
        # A subject continues the topic: "The Nusra Front attacked IS… The group vowed…" is Nusra.
        plural = pron.lower_ in ("they", "them", "their")
        passes = [True, False] if (pron_is_group and pron.dep_ in SUBJECTS | PASSIVE_SUBJECTS) or excluded or plural \
            else [not pron_is_group]
        for subject_only in passes:
            for i in range(pron.i - 1, prev_start - 1, -1):
                if i in m.actor_at and (not subject_only or _role(doc, m.actor_at[i]) in subjects) and i not in range(
                        pron.left_edge.i, pron.i + 1):
                    ref = m.actor_at[i][2]
                    if (ref.type == "person") == person and ref.id != excluded and not (pron_is_group and (
                            ref.sector in ("GOV", "MED", "CVL", "REF") or ref.type in ("state", "state force", "person"))):
                        found = _copy(ref, doc, m.actor_at[i])
                        found.reason = f"{pron.text!r} refers to {found.text!r} named before"
                        return found
        return None

    def _corefer(self, doc: Doc, m: Mentions) -> None:
        """Pronouns ("it", "its", "they") and definite descriptions ("the group", "the jihadist organisation")
        that stand for a party named before join that party's mentions, in text order so chains work."""
        for tok in self._where(doc, COREFERRING):
            if tok.i in m.actor_at or tok.i < m.dateline_end:
                continue
            if tok.lower_ in PRONOUNS or tok.lower_ in POSSESSIVE_PRONOUNS and tok.dep_ == "poss":
                if tok.lower_ == "it" and tok.head.lemma_ in ("be", "seem", "appear", "remain", "become", "take"):
                    continue  # "it is unclear", "it took hours": no party
                start = tok.i
            elif self._is_description(tok, m):
                start = tok.left_edge.i
            else:
                continue
            ref = self._antecedent(tok, m)
            if ref is not None:
                ref.text = doc[start:tok.i + 1].text
                for i in range(start, tok.i + 1):
                    m.actor_at[i] = (start, tok.i + 1, ref)

    def _is_place(self, tok: Token, m: Mentions, as_place: bool = False) -> bool:
        """Whether a token names a place rather than a party. A country is a party ("Turkey attacked")
        unless its role makes it a place (`as_place`: "an incursion into Syria", "a journalist from Yemen")."""
        return any(s <= tok.i < e for s, e in m.place_spans) and (as_place or tok.i not in m.actor_at)

    def _arguments(self, tok: Token, trig: Trigger, m: Mentions, date_iso: str | None):
        """(actor, recipient, seized_place) for a verb or noun trigger."""
        actor: list[ActorRef] = []
        recipient: list[ActorRef] = []
        place_obj: Token | None = None
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
                else:
                    actor += self._actors(subj, m, date_iso)
            for c in tok.children:
                if c.dep_ == "agent":
                    for g in c.children:
                        if g.dep_ == "pobj":
                            actor += self._actors(g, m, date_iso)
                elif c.dep_ in OBJECTS:
                    if self._is_place(c, m):
                        place_obj = c
                        if trig.mode == "seize" or "seize" in trig.flags:
                            continue
                    recipient += self._actors(c, m, date_iso)
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
                if not recipient and trig.event_type in ("REQUEST", "ACCUSE", "THREATEN", "AGREE", "REJECT"):
                    # "demanded that the US cancel the sale": the one asked is the subject of the clause asked for
                    clause = next((c for c in tok.children if c.dep_ == "ccomp"), None)
                    csubj = _subject(clause)[0] if clause is not None else None
                    if csubj is not None and csubj.head.i == clause.i:
                        recipient += self._actors(csubj, m, date_iso)
        else:
            actor, recipient, place_obj = self._noun_arguments(tok, trig, m, date_iso)
        if "symmetric" in trig.flags and trig.event_type == "ASSAULT" and recipient and len(actor) >= 1:
            # PLOVER codes two-sided fighting with every fighting party as actor.
            actor, recipient = actor + [r for r in recipient if r not in actor], []
        return _unique(actor), _unique([r for r in recipient if r not in actor]), place_obj

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
            elif c.dep_ == "amod" and c.lemma_ == "lead":  # "the Hezbollah-led offensive"
                actors += [m.actor_at[t.i][2] for t in c.subtree if t.i in m.actor_at][:1]
            elif c.dep_ == "prep" and c.lower_ == "by":
                for g in c.children:
                    if g.dep_ == "pobj":
                        actors += self._actors(g, m, date_iso)
            elif c.dep_ == "acl":  # "an attack conducted by the Taliban", "the assault, blamed on X"
                for a in c.children:
                    if a.dep_ == "agent":
                        actors += [r for g in a.children if g.dep_ == "pobj" for r in self._actors(g, m, date_iso)]
        return actors

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
                    if c.lower_ == "between" or (trig.event_type == "ASSAULT" and "symmetric" in trig.flags
                                                 and c.lower_ == "with"):
                        actor += self._actors(g, m, date_iso)
                    else:
                        recipient += self._actors(g, m, date_iso)
        # A light verb lends its subject: "Hezbollah launched an offensive", "X carried out strikes".
        if tok.dep_ in OBJECTS | {"pobj"} and not own:
            gov = _noun_governor(tok)
            if gov.pos_ in ("VERB", "AUX") and (self.lex.is_cue(gov.lemma_, "light")
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
                return "negated", " ".join(c.text for c in kids if c.dep_ == "neg") + " " + t.text, None, None
            if i > 0 and self.lex.is_cue(lemma, "negate") and chain[i - 1].dep_ in ("xcomp", "pcomp", "ccomp",
                                                                                    "dobj", "prep", "pobj"):
                if t.pos_ in ("VERB", "AUX"):
                    return "negated", t.text, None, None
            if i <= 1:
                part = _participle(tok) if i == 0 and tok.pos_ == "NOUN" else None
                for c in kids + (list(part.children) if part is not None else []):
                    if c.dep_ == "aux" and c.lower_ in ("will", "shall", "'ll") and modality == "asserted":
                        modality, evidence = "planned", c.text + " " + t.text
                    elif c.dep_ == "aux" and c.lower_ in ("must", "should") and modality == "asserted":
                        modality, evidence = "hypothetical", c.text + " " + t.text  # demanded, not done
                    elif c.dep_ == "aux" and c.lower_ in ("could", "might", "may", "would"):
                        modality, evidence = "hypothetical", c.text + " " + t.text
                    elif c.dep_ == "mark" and c.lower_ in ("if", "unless"):
                        modality, evidence = "hypothetical", c.text
                    elif c.dep_ == "advmod" and self.lex.is_cue(c.lower_, "reported_adv"):
                        modality, evidence = "reported", c.text
                    elif c.dep_ == "advmod" and self.lex.is_cue(c.lower_, "alleged_adv"):
                        modality, evidence = "alleged", c.text
            if i > 0 and chain[i - 1].dep_ == "xcomp" and self.lex.is_cue(lemma, "plan") and modality == "asserted":
                modality, evidence = "planned", t.text + " to"
            if (i > 0 and t.pos_ == "NOUN" and lemma in PLAN_NOUNS and modality == "asserted"
                    and chain[i - 1].dep_ in ("acl", "compound", "relcl")):
                modality, evidence = "planned", t.text  # "a plot to kill", "attack plans"
            if i > 0 and chain[i - 1].dep_ == "advcl" and any(c.dep_ == "mark" and c.lower_ in ("if", "unless")
                                                              for c in chain[i - 1].children):
                modality, evidence = "hypothetical", "if"
        attribution, source_tok, verb = self._attribution(tok, chain, m)
        if attribution is not None:
            same = attribution.get("actor") and any(attribution["actor"] == a.name for a in actors)
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
                    return self._source(subj, m), subj, t
                for c in t.children:
                    if c.dep_ == "agent":
                        for g in c.children:
                            return self._source(g, m), g, t
        for t in chain[1:4]:  # "reports that Nusra had attacked…", "the allegation that…"
            if t.pos_ == "NOUN" and t.lemma_.lower() in REPORT_NOUNS:
                span = t.doc[t.left_edge.i:t.i + 1]
                return {"text": span.text, "actor": None}, None, t
        # A verb of saying can also hang off the trigger's clause: "X attacked Y, the ministry said."
        root = sent.root
        if root.i != tok.i and any(c.i == root.i for c in chain) and self.lex.is_cue(root.lemma_.lower(), "report"):
            subj, _passive = _subject(root)
            if subj is not None:
                return self._source(subj, m), subj, root
        for t in sent:
            if t.lower_ == "according" and t.i + 1 < len(t.doc) and t.doc[t.i + 1].lower_ == "to":
                for g in t.doc[t.i + 1].children:
                    if g.dep_ == "pobj":
                        return self._source(g, m), g, None
        return None, None, None

    def _source(self, tok: Token, m: Mentions) -> dict:
        span = tok.doc[tok.left_edge.i:tok.right_edge.i + 1]
        ref = self._actor_of_np(tok, m)
        name = ref.name if ref is not None and ref.type != "generic" else None
        return {"text": span.text, "actor": name}

    # ---------------------------------------------------------------- place and time
    def _location(self, tok: Token, place_obj: Token | None, m: Mentions, arg_heads: list[Token],
                  actor_heads: list[Token] = ()) -> Place | None:
        """Where the event happened: the seized place, a locative phrase on the trigger or its arguments, else
        the nearest place of the sentence that is not a party, an origin ("Yemen-based") or a source's seat."""
        doc = tok.doc
        sent = _sent(tok)
        in_sent = [(s, e) for s, e in m.place_spans if sent.start <= s < sent.end and s >= m.dateline_end]
        if not in_sent:
            return None
        near = {t.i for h in [tok, *arg_heads] for t in h.subtree}
        origin = {t.i for h in actor_heads for t in h.subtree}
        cand: list[tuple[int, int, int]] = []
        for s, e in in_sent:
            head = doc[s:e].root
            locative = head.dep_ == "pobj" and head.head.lower_ in LOCATIVE_PREPS
            if not locative and any(i in m.actor_at for i in range(s, e)):
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
        for _rank, s, e in sorted(cand):
            place = self._place(doc, m, s, e)
            if place is not None:
                return place
        return None

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
            score = (0 if attached else 1000) + abs(start - tok.idx)
            if best is None or score < best[0]:
                best = (score, span)
        return best[1] if best else None

    # ---------------------------------------------------------------- main
    def extract(self, doc: Doc, document: Document) -> list[Event]:
        """All events of one parsed article."""
        doc.user_data.setdefault("ew_text", document.text)  # the doc's own text; spaCy would rebuild it per call
        m = self.mentions(doc, document.published, document.outlet)
        found: list[tuple[Token, Trigger]] = []
        for tok in self._where(doc, self._trigger_words, lemma=True):
            trig = self._trigger(tok)
            if trig is not None and not (trig.pos == "VERB" and _adjectival(tok)):  # "a captured Humvee"
                found.append((tok, trig))
        # Fold a noun trigger into a verb trigger of the same quad that governs it ("launched an attack" is
        # one event with the light verb's subject; "the strike killed 12" is one event).
        verbs = {t.i: tr for t, tr in found if tr.pos == "VERB"}
        kept: list[tuple[Token, Trigger]] = []
        for tok, trig in found:
            if trig.pos == "NOUN":
                absorbed = any(h.i in verbs and verbs[h.i].quad_class == trig.quad_class
                               for h in list(tok.ancestors)[:4])
                if absorbed or ("standalone" not in trig.flags and not self._governed_by_light_verb(tok)):
                    continue
            kept.append((tok, trig))
        events: list[Event] = []
        seen_types: set[str] = set()
        for tok, trig in kept:
            for ev in self._code(tok, trig, m, document, doc, seen_types):
                events.append(ev)
                seen_types.add(ev.event_type)
        document.actors = self._mention_list(doc, m)
        return _merge_same_sentence(events)

    def _mention_list(self, doc: Doc, m: Mentions) -> list[ActorMention]:
        """Every actor mention of the article in text order: registry names, provisional names, and the
        pronouns and descriptions resolved to a party named before (each with the reason)."""
        out: list[ActorMention] = []
        seen: set[int] = set()
        for start, (_s, end, ref) in sorted({hit[0]: hit for hit in m.actor_at.values()}.items()):
            seen.add(start)
            span = doc[start:end]
            out.append(ActorMention(span.start_char, span.end_char, _copy(ref, doc, (start, end, ref)),
                                    _sentence_text(span[0])))
        for start, end in sorted(set(m.named_at.values())):
            if start in seen or start < m.dateline_end or self._is_place(doc[start], m) or not self._names_actor(
                    doc[start:end]):
                continue
            seen.add(start)
            span = _strip_det(doc[start:end])
            out.append(ActorMention(span.start_char, span.end_char, self._provisional(doc, start, end),
                                    _sentence_text(doc[start])))
        for match in MILITARY_UNIT.finditer(_text(doc)):  # "the 158th Fighter Wing", "3rd Battalion"
            span = doc.char_span(match.start(), match.end(), alignment_mode="expand")
            if span is None or any(i in seen or i in m.actor_at for i in range(span.start, span.end)):
                continue
            seen.update(range(span.start, span.end))
            ref = _provisional(span.text)
            ref.sector, ref.reason = "MIL", "not in the registry: a military unit's name"
            out.append(ActorMention(span.start_char, span.end_char, ref, _sentence_text(span[0])))
        home = _main_country(m)
        roles = SUBJECTS | PASSIVE_SUBJECTS | OBJECTS | {"pobj", "conj", "appos", "poss"}
        for tok in self._where(doc, self.generic, lemma=True):  # generic parties, placed where the text says
            if tok.pos_ not in ("NOUN", "PROPN") or tok.lemma_.lower() not in self.generic or tok.dep_ not in roles \
                    or tok.i in seen or tok.i in m.actor_at or tok.i < m.dateline_end:
                continue
            if tok.is_title and any(c.dep_ == "prep" and c.lower_ == "of" and any(g.is_title for g in c.children)
                                    for c in tok.children):
                continue  # "Army of the Victorious Sect": a name, not a generic army
            name, sector = self.generic[tok.lemma_.lower()]
            left = min([tok.i, *(t.left_edge.i for t in tok.lefts if t.dep_ in NP_INNER)])
            span = _strip_det(doc[left:tok.i + 1])
            if any(i in m.actor_at and not self.registry.is_institution(m.actor_at[i][2].id)
                   for i in range(span.start, span.end)):
                continue  # "SDF forces" are the SDF's
            ref = ActorRef(name=name, text=span.text, sector=sector, type="generic")
            if home:
                ref = self._localise(ref, home, None)
            ref.reason = ref.reason or ("a generic party" + (f", placed in the article's country ({home})"
                                                             if ref.country else ""))
            out.append(ActorMention(span.start_char, span.end_char, ref, _sentence_text(tok)))
        return sorted(out, key=lambda a: a.start)

    def _code(self, tok: Token, trig: Trigger, m: Mentions, document: Document, doc: Doc,
              seen_types: set[str]) -> list[Event]:
        """The events one trigger codes (none when the words do not make a codable event)."""
        actor, recipient, place_obj = self._arguments(tok, trig, m, document.published)
        event_type, mode, cameo = trig.event_type, trig.mode, trig.cameo
        if "seize" in trig.flags or trig.mode == "seize":
            recipient = [r for r in recipient if not r.provisional]  # "captured Tallet Moussa": a place name
        if "needs_object" in trig.flags and not recipient and place_obj is None:
            return []  # "released a statement", "supported independence": no party acted upon
        if trig.pos == "NOUN" and not actor and not recipient and event_type in seen_types and any(
                c.dep_ in ("det", "poss") and c.lower_ in ("the", "this", "that", "these", "those", "its", "their")
                or c.dep_ == "poss" and c.ent_type_ == "DATE" for c in tok.children):
            return []  # "the attack", "Monday's attack": a later mention of an event already coded
        if "seize" in trig.flags and place_obj is None and recipient and all(
                r.sector in ("CVL", "MIL", "COP", "GOV", "MED") or r.type in ("generic", "person")
                for r in recipient):
            event_type, mode, cameo = "ASSAULT", "abduct", "181"  # "captured soldiers": people, not land
        if trig.pos == "VERB":
            for c in tok.children:  # the folded noun's mode: "carried out air strikes"
                sub = self._trigger(c) if c.dep_ in OBJECTS | SUBJECTS | {"agent"} else None
                if c.dep_ == "agent":
                    sub = next((self._trigger(g) for g in c.children if g.dep_ == "pobj"), None)
                if sub is not None and sub.event_type == event_type and sub.mode and not mode:
                    mode, cameo = sub.mode, sub.cameo
        if QUAD_CLASS[event_type] != 4:  # "talk to people": anyone at all is no party to a statement
            actor = [a for a in actor if not (a.type == "generic" and a.name == "people")]
            recipient = [r for r in recipient if not (r.type == "generic" and r.name == "people")]
        if QUAD_CLASS[event_type] != 4 and not actor and not recipient:
            return []  # "the agreement", "to be investigated": a verbal or cooperative act by no one named
        arg_heads = [c for c in tok.children if c.dep_ in OBJECTS | {"prep", "agent"}]
        subj, passive = _subject(tok) if trig.pos == "VERB" else (None, False)
        location = self._location(tok, place_obj, m, arg_heads, [subj] if subj is not None and not passive else [])
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
        when = self._time(tok, m)
        modality, evidence, attribution, source_tok = self._modality(tok, trig, actor, m)
        if subj is not None and any(c.dep_ == "det" and c.lower_ == "no" for c in subj.children):
            modality, evidence = "negated", "no " + subj.text  # "No coalition troops were injured"
        if modality in ("asserted", "reported", "claimed", "alleged") and when and document.published:
            if _days_before(when.date_end, document.published) > 365:
                modality, evidence = "historical", when.text
        main = self._event(document, doc, tok, _sent(tok), event_type, mode, cameo, actor, recipient,
                           location, when, modality, evidence, attribution)
        return [main, *self._spoken(main, tok, m, source_tok)]

    def _spoken(self, ev: Event, tok: Token, m: Mentions, source_tok: Token | None) -> list[Event]:
        """The verbal event a statement about a future or demanded act is in itself, as PLOVER codes it:
        "Syria is willing to withdraw its troops" is an AGREE by Syria (and a planned RETREAT); "Libya must
        hand over the suspects", said by Britain, is a REQUEST by Britain to Libya."""
        word = (ev.modality_evidence or "").split(" ")[0].lower()
        cue = next((t.lemma_.lower() for t in _sent(tok) if t.lower_ == word), word)
        said = "asserted" if ev.attribution is None else (
            "claimed" if ev.attribution.get("actor") in {a.name for a in ev.actor} else "reported")
        derived: list[tuple[str, list[ActorRef], list[ActorRef], str]] = []
        if ev.modality == "planned" and self.lex.is_cue(cue, "intent") and ev.event_type not in (
                "AGREE", "THREATEN", "REQUEST", "ACCUSE", "REJECT"):
            conditional = any(c.dep_ == "advcl" and any(k.dep_ == "mark" and k.lower_ in ("unless", "if")
                                                        for k in c.children) for c in tok.children)
            # "will withdraw unless…" is a threat whatever it promises; a plain intent to cooperate agrees
            verbal = "AGREE" if QUAD_CLASS[ev.event_type] in (1, 2) and not conditional else "THREATEN"
            derived.append((verbal, ev.actor, ev.recipient, "030" if verbal == "AGREE" else "130"))
        if ev.modality == "negated" and word in ("not", "n't", "never") and ev.event_type != "REJECT" and any(
                c.dep_ == "aux" and c.lower_ in ("will", "would", "shall", "'ll", "wo") for c in tok.children):
            derived.append(("REJECT", ev.actor, ev.recipient, "120"))  # "will not meet their demands"
        if ev.modality == "hypothetical" and cue in ("must", "should") and ev.event_type != "REQUEST":
            speaker = self._actors(source_tok, m, None) if source_tok is not None else []
            derived.append(("REQUEST", speaker, ev.actor, "100"))
        out = []
        for etype, actor, recipient, cameo in derived:
            eid = hashlib.sha1(f"{ev.id}:{etype}".encode()).hexdigest()[:16]
            out.append(Event(id=eid, event_type=etype, quad_class=QUAD_CLASS[etype], text=ev.text, span=ev.span,
                             document=ev.document, cameo=cameo, actor=list(actor), recipient=list(recipient),
                             location=ev.location, time=ev.time, modality=said, modality_evidence=ev.modality_evidence,
                             attribution=ev.attribution, trigger=ev.trigger, trigger_span=ev.trigger_span,
                             confidence=max(0.05, ev.confidence - 0.1)))
        return out

    def _localise(self, ref: ActorRef, iso2: str, published: str | None) -> ActorRef:
        """A generic state force or government with no country ("a military base", "police") takes the
        country of the place where the event happened, as ACLED codes "Military Forces of Afghanistan"."""
        if ref.country or ref.type != "generic" or ref.sector not in ("MIL", "COP", "GOV") or ref.name in UNPLACED:
            return ref
        words = [w for w in re.findall(r"[a-z][a-z-]*", ref.text.lower())[:-1] if w not in ("the", "a", "an")]
        if any(w in NOT_STATE_WORDS or w not in STATE_WORDS and self.registry.office_sector(w) not in ("MIL", "COP", "GOV")
               for w in words):
            return ref  # "opposition forces", "coalition forces", "enemy forces", "partner forces": not the state's
        from eventwire.geo import countries

        info = countries().get(iso2)
        if info is None:
            return ref
        noun = {"MIL": "military", "COP": "police", "GOV": "government"}[ref.sector]
        found = self.registry.resolve(f"{info.name} {noun}", published)
        if found is None:
            return ref
        return ActorRef(name=found.name, text=ref.text, id=found.id, country=found.country, sector=found.sector,
                        type=found.type, reason=f"a generic party placed in the country of the context ({found.country})")

    def places(self, doc: Doc, published: str | None = None) -> list[Place]:
        """Every resolved place mention of a parsed doc, in text order."""
        m = self.mentions(doc, published)
        out = []
        for s, e in m.place_spans:
            if s in m.actor_at and doc[s:e].root.dep_ in SUBJECTS | OBJECTS:
                continue
            place = self._place(doc, m, s, e)
            if place is not None:
                out.append(place)
        return out

    def locate(self, doc: Doc, trigger_span: tuple[int, int], published: str | None = None) -> Place | None:
        """The place of the event whose trigger is at `trigger_span` (any verb or noun, in the lexicon or not)."""
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
        return self._location(tok, place_obj, m, arg_heads)

    def _governed_by_light_verb(self, tok: Token) -> bool:
        gov = _noun_governor(tok)
        return (tok.dep_ in OBJECTS | {"pobj", "nsubj", "nsubjpass"}
                and gov.pos_ in ("VERB", "AUX") and (self.lex.is_cue(gov.lemma_, "light")
                                                     or gov.lemma_ in ("claim", "accuse", "blame", "agree")))

    def _event(self, document: Document, doc: Doc, tok: Token, sent: Span, event_type: str, mode, cameo,
               actor, recipient, location, when, modality, evidence, attribution) -> Event:
        trigger_span = (tok.idx, tok.idx + len(tok))
        eid = hashlib.sha1(f"{document.id}:{trigger_span[0]}:{event_type}".encode()).hexdigest()[:16]
        quad = QUAD_CLASS[event_type]
        acled, sub = acled_type(event_type, mode, actor, recipient)
        confidence = 0.35 + 0.2 * any(a.id and not a.provisional for a in actor) \
            + 0.15 * any(r.id and not r.provisional for r in recipient) \
            + 0.1 * (tok.pos_ in ("VERB", "AUX")) + 0.1 * (location is not None) + 0.1 * (when is not None)
        if modality in ("negated", "hypothetical"):
            confidence -= 0.2
        contexts = ["military"] if event_type in ("ASSAULT", "MOBILIZE") or mode == "seize" else []
        return Event(id=eid, event_type=event_type, quad_class=quad, text=sent.text.strip(),
                     span=(sent.start_char, sent.end_char), document=document.ref(), mode=mode,
                     contexts=contexts, cameo=cameo, acled_event_type=acled, acled_sub_event_type=sub,
                     actor=actor, recipient=recipient, location=location, time=when, modality=modality,
                     modality_evidence=evidence, attribution=attribution, trigger=tok.text,
                     trigger_span=trigger_span, confidence=max(0.05, min(confidence, 0.99)))


# -------------------------------------------------------------------- helpers
def _iso2(iso3: str) -> str:
    from eventwire.geo import country_iso2

    return country_iso2(iso3) or iso3


def _strip_det(span: Span) -> Span:
    start = span.start
    while start < span.end - 1 and span.doc[start].lower_ in ("the", "a", "an"):
        start += 1
    end = span.end
    while end > start + 1 and span.doc[end - 1].tag_ == "POS":
        end -= 1
    return span.doc[start:end]


def _copy(ref: ActorRef, doc: Doc, hit: tuple[int, int, ActorRef]) -> ActorRef:
    start, end, _ = hit
    return ActorRef(name=ref.name, text=_strip_det(doc[start:end]).text, id=ref.id, country=ref.country,
                    sector=ref.sector, type=ref.type, reason=ref.reason)


def _provisional(name: str, label: str = "", country: str | None = None) -> ActorRef:
    """A named organisation or person the registry lacks, kept under a stable provisional id so that its
    mentions can be counted across documents (`eventwire actors --new`) and promoted into the registry."""
    key = re.sub(r"[^A-Z0-9]+", "_", fold(name).upper()).strip("_")
    kind = {"ORG": "an organisation", "PERSON": "a person"}.get(label, "a")
    return ActorRef(name=name, text=name, id=f"{PROVISIONAL_PREFIX}{key}", country=country, type="provisional",
                    reason=f"not in the registry: {kind} name found by spaCy"
                    + (f"; country from the name ({country})" if country else ""))


def _role(doc: Doc, hit: tuple[int, int, ActorRef]) -> str:
    """The dependency role of a mention: its root's, or its head noun's when it modifies one ("Hezbollah
    fighters")."""
    root = doc[hit[0]:hit[1]].root
    return root.head.dep_ if root.dep_ in ("compound", "poss") else root.dep_


def _noun_phrases(span: Span) -> list[Span]:
    """The noun phrases a mention is part of when it only modifies a head noun, nearest first: "Hungarian"
    in "Senior Hungarian and Romanian officials", "Ivory Coast" in "rebels in the Ivory Coast", "Kampuchean"
    in "Kampuchean guerrilla camps" ("Kampuchean guerrilla", then "Kampuchean guerrilla camps")."""
    head = span.root
    while head.dep_ == "conj" and head.head.i < head.i:  # "French and Egyptian warships": from the first conjunct
        head = head.head
    out: list[Span] = []
    for _ in range(3):
        if head.dep_ in ("amod", "compound", "nmod", "poss", "conj") and head.head.pos_ in ("NOUN", "PROPN") \
                and head.head.i > head.i:
            head = head.head
        elif not out and head.dep_ == "pobj" and head.head.lower_ in ("in", "of", "from", "throughout") \
                and head.head.head.pos_ in ("NOUN", "PROPN") and head.head.head.i < head.i:
            head = head.head.head  # only the mention's own preposition: not "the right of [Russia troops]"
        else:
            break
        left = min([head.i, span.start, *(t.left_edge.i for t in head.lefts)])
        out.append(span.doc[left:max(span.end, head.i + 1)])
    return out


def _main_country_iso3(m: Mentions) -> str | None:
    from eventwire.geo import country_iso3

    iso2 = _main_country(m)
    return country_iso3(iso2) if iso2 else None


def _sent(tok: Token) -> Span:
    """The sentence of a token. spaCy's `Token.sent` walks the parse on every call; this indexes the
    document's sentences once (kept in ``doc.user_data``)."""
    doc = tok.doc
    index = doc.user_data.get("ew_sent_of")
    if index is None:
        sents = list(doc.sents)
        index = [0] * len(doc)
        for k, sent in enumerate(sents):
            index[sent.start:sent.end] = [k] * len(sent)
        doc.user_data["ew_sent_of"], doc.user_data["ew_sents"] = index, sents
    return doc.user_data["ew_sents"][index[tok.i]]


def _sentence_text(tok: Token) -> str:
    """The text of a token's sentence, stripped; built once per sentence."""
    sent = _sent(tok)
    texts = tok.doc.user_data.setdefault("ew_sent_text", {})
    if sent.start not in texts:
        texts[sent.start] = _text(tok.doc)[sent.start_char:sent.end_char].strip()
    return texts[sent.start]


def _text(doc: Doc) -> str:
    """The text of a doc. spaCy's `Doc.text` joins every token on each call; this keeps it once."""
    text = doc.user_data.get("ew_text")
    if text is None:
        text = doc.user_data["ew_text"] = doc.text
    return text


def _in_quote(tok: Token) -> bool:
    """Whether a token sits inside quotation marks opened earlier in its paragraph."""
    text = _text(tok.doc)
    start = text.rfind("\n", 0, tok.idx) + 1
    before = text[start:tok.idx]
    opened = sum(before.count(q) for q in OPEN_QUOTES) - sum(before.count(q) for q in CLOSE_QUOTES)
    return opened > 0 or before.count('"') % 2 == 1


def _conjuncts(tok: Token) -> list[Token]:
    return [c for c in tok.conjuncts if c.i > tok.i]


def _subject(tok: Token) -> tuple[Token | None, bool]:
    """The subject of a verb and whether it is a passive subject (the party acted upon).

    A verb without a subject inherits one: through xcomp/conj/advcl ("vowed to eradicate"), through a
    relative clause ("fighters who attacked"), through an action noun ("a resolution to expel", "a message
    blaming") to the verb that governs that noun, and through "after being shot" to the clause it modifies.
    """
    passive_here = any(c.dep_ == "auxpass" for c in tok.children)
    t = tok
    for _hop in range(5):
        for c in t.children:
            if c.dep_ in SUBJECTS | PASSIVE_SUBJECTS:
                passive = c.dep_ in PASSIVE_SUBJECTS
                if c.lower_ in ("who", "which", "that") and t.dep_ == "relcl":
                    return t.head, passive
                if t.i != tok.i and passive_here:
                    return c, True  # "X died after being shot": the inherited subject suffered it
                return c, passive and t.i == tok.i
        head = t.head
        if head.i == t.i:
            return None, False
        if t.dep_ in ("xcomp", "conj", "advcl", "ccomp"):
            t = head
        elif t.dep_ == "relcl":
            return head, passive_here
        elif t.dep_ == "acl" and head.pos_ in ("NOUN", "PROPN"):
            # "voted on a resolution to expel", "posted a message blaming": the noun's verb lends its subject
            gov = head.head
            for _climb in range(4):  # up through "a message on Twitter blaming": noun ← prep ← noun ← verb
                if gov.pos_ in ("VERB", "AUX") or gov.head.i == gov.i:
                    break
                gov = gov.head
            if gov.i == head.i or gov.pos_ not in ("VERB", "AUX"):
                return None, False
            t = gov
        elif t.dep_ == "pcomp" and head.dep_ == "prep":
            gov = head.head
            if head.lower_ == "of" and gov.lemma_ in ("accuse", "blame", "suspect", "charge", "convict"):
                obj = next((c for c in gov.children if c.dep_ in OBJECTS), None)  # "accused Turkey of allowing"
                if obj is not None:
                    return obj, False
                subj = next((c for c in gov.children if c.dep_ in PASSIVE_SUBJECTS), None)
                if subj is not None:  # "X was accused of killing": X did it
                    return subj, False
            t = gov
        else:
            return None, False
    return None, False


def _noun_governor(tok: Token) -> Token:
    """The word an event noun hangs from: its head, or through a preposition the head's head
    ("launched an assault" → launched; "claimed responsibility for the attack" → claimed)."""
    gov = tok.head
    if tok.dep_ == "pobj":
        gov = gov.head
        if gov.lemma_ == "responsibility":
            gov = gov.head
    return gov


def _main_country(m: Mentions) -> str | None:
    """The ISO2 country an article is plainly about: at least half of its country evidence, seen twice."""
    if not m.countries:
        return None
    (top, n), total = m.countries.most_common(1)[0], sum(m.countries.values())
    return top if n >= 2 and n * 2 >= total else None


def _adjectival(tok: Token) -> bool:
    """A participle used as an adjective before its noun: "a captured Humvee", "wounded civilians"."""
    return tok.dep_ == "amod" or (tok.tag_ == "VBN" and tok.head.pos_ in ("NOUN", "PROPN") and tok.i < tok.head.i
                                  and tok.dep_ in ("compound", "nmod", "amod", "conj"))


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


def _dedupe_spans(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    taken: set[int] = set()
    out = []
    for s, e in sorted(set(spans), key=lambda x: (x[0] - x[1], x[0])):
        if taken.isdisjoint(range(s, e)):
            taken.update(range(s, e))
            out.append((s, e))
    return sorted(out)


def _days_before(day: str, published: str) -> int:
    try:
        return (date.fromisoformat(published[:10]) - date.fromisoformat(day[:10])).days
    except ValueError:
        return 0

