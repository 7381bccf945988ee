"""The mentions stage: every actor, place and time a parsed article names, resolved in the article's context.

Actors come from the registry's entity layer and spaCy's names, then are read in their phrase ("Senior
Hungarian and Romanian officials"), through acronyms the article defines, pronoun and description chains, the
publisher behind "we", capitals standing for governments and generic parties; each keeps the reason it was
resolved. The events stage (extract.py) builds on these mentions; nothing here knows about events.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field, replace
from typing import Any

from spacy.tokens import Doc, Span, Token

from eventwire.actors.registry import composed_id, fold
from eventwire.events.lexicon import DATA, Lexicon, default_lexicon, read_table
from eventwire.model import PROVISIONAL_PREFIX, ActorMention, ActorRef, Place, TimeSpan

SUBJECTS = {"nsubj", "csubj"}
# Verbs whose object does the act of their infinitive ("pressed Damascus to withdraw"); in "telephoned Assad to
# congratulate him" the infinitive is the caller's purpose and the subject does it.
OBJECT_CONTROL = frozenset({"ask", "urge", "press", "pressure", "push", "force", "compel", "order", "allow",
                            "permit", "tell", "persuade", "encourage", "invite", "want", "expect", "require",
                            "instruct", "advise", "authorize", "authorise", "call", "appeal", "lead", "help",
                            "enable", "oblige", "convince", "get", "beg", "warn"})
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
                     "locality", "area", "region", "commune", "governorate", "camp", "hill", "municipality", "island"}
# A name right before these is a place's ("Ain al-Hilweh refugee camp", "al-Qanat Street", "Al-Assad Suburb")
PLACE_SUFFIXES = {"village", "town", "camp", "street", "district", "suburb", "suburbs", "quarter", "neighbourhood",
                  "neighborhood", "airport", "airbase", "square", "road", "island", "province", "governorate",
                  "countryside", "mountains", "valley", "plain", "bridge", "crossing"}
SUFFIX_MODIFIERS = {"refugee", "military", "air", "border", "international"}
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


class MentionResolver:
    """Resolves the mentions of one parsed article; holds the lexicon, the actor registry and the gazetteer."""

    def __init__(self, lexicon: Lexicon | None = None, registry=None, gazetteer=None) -> None:
        from eventwire.actors import ActorRegistry
        from eventwire.geo import Gazetteer

        self.lex = lexicon or default_lexicon()
        self.registry = registry or ActorRegistry.default()
        self.gazetteer = gazetteer or Gazetteer.default()
        self.generic = _generic_actors()
        self._trigger_words = frozenset(lemma for lemma, _pos in self.lex.triggers)
        self._hashes: dict[int, Any] = {}
        self._columns_of: tuple[Doc, list[int], list[int]] | None = None  # the last article's forms and lemmas
        self._known_places: dict[str, bool] = {}  # names the gazetteer knows, asked once per name

    def mentions(self, doc: Doc, published: str | None, publisher: str | None = None) -> Mentions:
        """Resolve the actor, place and time mentions of a parsed doc."""
        from eventwire.time import find_time_expressions, infer_anchor, resolve_time

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
        self._names_before_place_words(doc, m)
        m.place_spans = _dedupe_spans(m.place_spans)
        dateline = DATELINE.match(_text(doc))
        if dateline:  # "SURUC, Turkey - …": where the reporter files from, not a party or the event's place
            cut = doc.char_span(0, dateline.end(), alignment_mode="expand")
            if cut is not None:
                for i in range(cut.start, cut.end):
                    m.actor_at.pop(i, None)
                    m.named_at.pop(i, None)
                m.dateline_end = cut.end  # its place stays a toponym of the article, never an event's place
        self._resolve_places(doc, m)
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
        # Without a publication date the article may still date itself ("On May 12, 2015, …", a dateline): its
        # latest full date anchors the relative expressions, and every span says so ("inferred").
        anchor, anchored_by = published, "published"
        if published is None and found:
            anchor, anchored_by = infer_anchor(_text(doc)), "inferred"
        for start, end, text in sorted(found):
            span = resolve_time(text, anchor, anchored_by)
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
        if len(span) < 3 or any(not (self.registry.is_institution(hit[2].id) or hit[2].id in self.registry.countries)
                                for hit in inner):
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
            if country is None:  # the one country named in the person's sentence, before it first
                sent = _sent(doc[start])
                for span in (range(sent.start, start), range(end, sent.end)):
                    named = {m.actor_at[i][2].country for i in span if i in m.actor_at and m.actor_at[i][2].country}
                    if named:
                        country = named.pop() if len(named) == 1 else None
                        break
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
        """The tokens whose lower-case form (or, with ``lemma``, lemma) is one of ``words``, in order. The
        article's forms are read once per article as integers (a Python object per token costs more), and most
        word lists meet none of them, which one set intersection tells."""
        key = id(words)
        if key not in self._hashes:
            strings = doc.vocab.strings
            forms = {w for word in words for w in (word, word.lower(), word.capitalize(), word.upper())}
            self._hashes[key] = (words, frozenset(strings.add(w) for w in forms))
        hashes = self._hashes[key][1]
        if self._columns_of is None or self._columns_of[0] is not doc:
            columns = doc.to_array(["LOWER", "LEMMA"])
            self._columns_of = (doc, columns[:, 0].tolist(), columns[:, 1].tolist())
        _, lower, lemmas = self._columns_of
        if hashes.isdisjoint(lower) and (not lemma or hashes.isdisjoint(lemmas)):
            return []
        if lemma:
            return [doc[i] for i, (a, b) in enumerate(zip(lower, lemmas)) if a in hashes or b in hashes]
        return [doc[i] for i, a in enumerate(lower) if a in hashes]

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

    def _names_before_place_words(self, doc: Doc, m: Mentions) -> None:
        """"Ain al-Hilweh refugee camp", "the al-Qanat Street", "Al-Sina'a District": a capitalised name before
        a place word is a place even when no gazetteer knows it (kept by name, with the place word)."""
        covered = {i for s, e in m.place_spans for i in range(s, e)}
        for tok in self._where(doc, PLACE_SUFFIXES):
            if tok.i in covered or tok.i == 0:
                continue
            end = tok.i + 1
            start = tok.i - 1
            if doc[start].lower_ in SUFFIX_MODIFIERS and start > 0:
                start -= 1
            first = None
            while start >= 0 and start not in m.actor_at and start not in covered:
                word = doc[start]
                if word.pos_ == "PROPN" and word.text[:1].isupper() or (
                        first is not None and (word.text == "-" or word.lower_ in ("al", "el"))):
                    first, start = start, start - 1
                else:
                    break
            if first is None:
                continue
            m.place_spans.append((first, end))
            m.named_places.add((first, end))
            covered.update(range(first, end))

    def _resolve_places(self, doc: Doc, m: Mentions) -> None:
        """Resolve all place mentions together, each with what the others and the actors say of the document
        (its countries, divisions and towns); the document's places then add to its country evidence."""
        from eventwire.geo import resolve_mentions

        text = _text(doc)
        spans = [(doc[s].idx, doc[e - 1].idx + len(doc[e - 1])) for s, e in m.place_spans]
        resolved = resolve_mentions(text, spans, countries=m.countries, gazetteer=self.gazetteer)
        seen: set[str] = set()
        for (start, end), place in zip(m.place_spans, resolved):
            if place is None and (start, end) in m.named_places:
                place = Place(name=_strip_det(doc[start:end]).text, text=doc[start:end].text,
                              reason="named as a place in the text; not in the gazetteer")
            if place is not None:
                place.text = doc[start:end].text
                place.start, place.end = doc[start].idx, doc[end - 1].idx + len(doc[end - 1])
                if place.country_code and place.name not in seen:
                    seen.add(place.name)
                    m.countries[place.country_code] += 1
            m.place_cache[(start, end)] = place

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
                phrase = [subj, *subj.lefts] if subj is not None else []
                named = next((k for k in phrase
                              if k.i in m.actor_at and (k is subj or k.dep_ in ("compound", "amod", "poss"))), None)
                if subj is not None and not passive and named is not None:  # "Afghan rebel leaders said they…"
                    ref = m.actor_at[named.i][2]
                    if (ref.type == "person") == person:
                        found = _copy(ref, pron.doc, m.actor_at[named.i])
                        found.reason = f"{pron.text!r} refers to {found.text!r}, who says it"
                        return found
                elif subj is not None and not passive and not person and pron.lower_ in ("it", "its") and any(
                        k.i in m.named_at for k in phrase):  # "the Umma party said it will…"
                    k = next(k for k in phrase if k.i in m.named_at)
                    found = self._provisional(pron.doc, *m.named_at[k.i])
                    found.reason += f"; {pron.text!r} refers to it, who says it"
                    return found
                elif (subj is not None and not passive and not person and pron.lower_ in ("they", "their", "them")
                      and subj.lemma_.lower() in self.generic and subj.tag_ in ("NNS", "NNPS")):
                    # "the rebels said they had shot down…": a plural generic sayer
                    name, sector = self.generic[subj.lemma_.lower()]
                    return ActorRef(name=name, text=_strip_det(subj.doc[subj.left_edge.i:subj.i + 1]).text,
                                    sector=sector, type="generic",
                                    reason=f"{pron.text!r} refers to {subj.text!r}, who says it")
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
            seen.update(range(start, end))  # every token: a generic noun inside a name is no party of its own
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
        if t.dep_ == "xcomp" and head.lemma_.lower() in OBJECT_CONTROL and any(
                c.dep_ == "dobj" for c in head.children):
            # "pressed Damascus to withdraw", "allowed the rebels to leave": the object does it
            return next(c for c in head.children if c.dep_ == "dobj"), False
        if t.dep_ in ("xcomp", "conj", "advcl", "ccomp", "acomp"):  # acomp: "is willing to withdraw"
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
            if head.lower_ in ("of", "with") and gov.lemma_ in ("accuse", "blame", "suspect", "charge", "convict"):
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


def _main_country(m: Mentions) -> str | None:
    """The ISO2 country an article is plainly about: at least half of its country evidence, seen twice."""
    if not m.countries:
        return None
    (top, n), total = m.countries.most_common(1)[0], sum(m.countries.values())
    return top if n >= 2 and n * 2 >= total else None


def _dedupe_spans(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    taken: set[int] = set()
    out = []
    for s, e in sorted(set(spans), key=lambda x: (x[0] - x[1], x[0])):
        if taken.isdisjoint(range(s, e)):
            taken.update(range(s, e))
            out.append((s, e))
    return sorted(out)
