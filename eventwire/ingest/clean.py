"""Line-level cleaning of article text scraped from web pages.

A scraped page keeps its chrome: menus, newsletter boxes, share buttons, related headlines, comment widgets,
photo credits. `clean_article` sorts every line into article text or a `RemovedLine` with its reason, reads
the title, URL, outlet and publication date from the lines around the headline, and keeps a repeated
sentence only once. Rules are plain regular expressions over one line plus a little context (the block a
line sits in, the header zone above the first sentence): about 2 ms for a 700-word scraped page
(tests/test_clean.py::test_cleaning_is_cheap holds it under 5 ms).
"""
from __future__ import annotations

import bisect
import itertools
import re
from dataclasses import dataclass, field

from eventwire.ingest import metadata as meta
from eventwire.model import RemovedLine

# Reasons recorded on removed lines (a closed vocabulary, so users can filter on them).
TITLE, URL, DATELINE, BYLINE, CREDITS = "title", "url", "dateline", "byline", "credits"
NAVIGATION, SUBSCRIBE, SHARE, RELATED, COMMENTS = "navigation", "subscribe", "share", "related", "comments"
COOKIES, ADVERT, COPYRIGHT, TAGLINE, AUTHOR_BIO = "cookie notice", "advertisement", "copyright", "tagline", "author bio"
CAPTION, PHOTO_CREDIT, OTHER_SCRIPT, DUPLICATE = "caption", "photo credit", "other script", "duplicate"
PULL_QUOTE, TAGS, SOCIAL, WIDGET, FOOTER, SOURCES = "pull-quote", "tags", "social", "widget", "footer", "sources"


@dataclass
class CleanedArticle:
    """The article text left after cleaning, what was taken out and why, and the metadata read on the way."""

    text: str
    removed_lines: list[RemovedLine] = field(default_factory=list)
    captions: list[str] = field(default_factory=list)
    title: str | None = None
    url: str | None = None
    outlet: str | None = None
    published: str | None = None
    published_precision: str | None = None
    published_evidence: str | None = None


# --- text normalisation ----------------------------------------------------------------------------------

_ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
# Every character Python counts as white space is either a line break or one of these: a run of any other
# kind would survive into the lines, where each rule's \s* would rescan it from every position (quadratic).
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000\x1c-\x1f\u1680]+")
_LINE_BREAKS = re.compile("\r\n?|[\f\v\x85\u2028\u2029]")
_TERMINAL = re.compile(r"[.!?…:;][\"'”’»)\]]*$")


def normalise_text(raw: str) -> list[str]:
    """Lines of ``raw`` with one kind of newline and single spaces; blank lines kept as ""."""
    # No Unicode normalisation: apart from spaces, article sentences stay byte for byte as written.
    text = _ZERO_WIDTH.sub("", raw)
    text = _LINE_BREAKS.sub("\n", text)
    return [_SPACES.sub(" ", line).strip() for line in text.split("\n")]


@dataclass
class _Line:
    text: str
    index: int
    reason: str | None = None
    caption: str | None = None

    @property
    def kept(self) -> bool:
        return self.reason is None


def _unwrap(lines: list[str]) -> list[_Line]:
    """Join hard-wrapped lines back into paragraphs: a line cut mid-sentence goes on, in lower case, below."""
    # A paragraph is gathered as its lines and its word count: re-reading the joined text for each line it
    # gains made a text of many short wrapped lines quadratic.
    paragraphs: list[list[str]] = []
    words = 0
    prev_blank = True
    for line in lines:
        if not line:
            prev_blank = True
            continue
        if (paragraphs and not prev_blank and line[0].islower() and not _TERMINAL.search(paragraphs[-1][-1])
                and words >= 5):
            paragraphs[-1].append(line)
            words += _words(line)
        else:
            paragraphs.append([line])
            words = _words(line)
        prev_blank = False
    return [_Line(" ".join(parts), k) for k, parts in enumerate(paragraphs)]


# --- what a line looks like -----------------------------------------------------------------------------

def _words(s: str) -> int:
    # Every line is normalised (single spaces, stripped), so the words are the spaces plus one: the count
    # str.split gives, without a list of every word (a 50 MB line is counted a dozen times).
    return s.count(" ") + 1 if s else 0


def is_prose(s: str) -> bool:
    """A line (normalised) that reads as running text: ends like a sentence (3+ words), or is long."""
    n = _words(s)
    return (n >= 3 and bool(_TERMINAL.search(s))) or n >= 20


def _headline_like(s: str) -> bool:
    n = _words(s)
    return 1 <= n <= 25 and not s.endswith(".") and not re.search(r"[a-z]{2}[.!?] [A-Z]", s)


def _title_like(s: str) -> bool:
    """A headline: short, one sentence at most, not closed like a sentence (a "?" or "!" may end it)."""
    quoted = s[:1] in "\"“'‘" and s[-1:] in "\"”'’"  # a pull-quote, not a headline
    return (1 <= _words(s) <= 20 and not quoted and not re.search(r"[.,:;][\"'”’)\]]*$", s)
            and not re.search(r"[.!?][\"”’]$", s) and not re.search(r"[a-z]{2}[.!?] [A-Z]", s))


# --- one-line rules ---------------------------------------------------------------------------------------

_AGENCY = (r"(?:AFP|Reuters|AP|AP Photo|EPA(?:-EFE)?|Getty Images|Getty|Anadolu(?: Agency)?|SANA|Xinhua|"
           r"Shutterstock|Alamy|Sipa(?: Press)?|NurPhoto|ZUMA(?: Press)?|Corbis|Handout|DPA|UPI|Pool|"
           r"Wikimedia Commons|AA|PA)")
_NAME = r"[A-Z][\w.'’-]*(?: (?:al-|el-|bin |ibn |de |van )?[A-Z][\w.'’-]*){0,3}"
_CREDIT_BODY = (rf"(?:{_AGENCY}(?:\s*/\s*{_NAME}){{0,2}}(?:\s+via\s+{_AGENCY})?|{_NAME}\s*/\s*{_AGENCY}"
                rf"(?:\s*/\s*{_AGENCY})?)(?:\s*,?\s*(?:file|(?:19|20)\d\d))?")
_CREDIT_ONLY = re.compile(
    rf"^[(\[]?\s*(?:(?:photo|photograph|picture|image|pic|credit|photo credit|image credit)s?\s*(?:by)?\s*:?\s*)?"
    rf"(?:©\s*)?{_CREDIT_BODY}\s*[)\]]?\.?$", re.I)
_CREDIT_TRAILING = re.compile(
    rf"\s*(?:[(\[]\s*(?:(?i:photo|photograph|picture|image|credit|file)s?\s*:\s*[^()\[\]]{{1,60}}|©?\s*{_CREDIT_BODY})"
    rf"\s*[)\]]|(?i:photo|photograph|picture)s?\s*:\s*[^.]{{1,60}}|{_CREDIT_BODY})\s*\.?$")
# A credit is a few words at the end of a line, so only the line's last characters are searched: the search is
# unanchored, and from every start inside a long word (or run of spaces) it would scan to the word's end,
# which made a 16,000-letter word cost 10 s.
_CREDIT_REACH = 300


def _trailing_credit(s: str) -> re.Match[str] | None:
    """The photo credit that ends ``s`` ("… Qalamoun. Reuters/Omar Sanadiki", "… (AFP)"), or None."""
    return _CREDIT_TRAILING.search(s, max(0, len(s) - _CREDIT_REACH))


def _without_credit(s: str) -> str:
    m = _trailing_credit(s)
    return s[:m.start()] + s[m.end():] if m else s


_CAPTION_PREFIX = re.compile(r"^(?:image|media|video|photo|picture) caption\s*:?\s*|^caption\s*:\s*", re.I)
_CREDIT_PREFIX = re.compile(r"^(?:image|photo|picture) (?:copyright|credit)\s*:?\s*", re.I)
_PHOTO_PREFIX = re.compile(r"^(?:photo|photograph|picture|pictured|image|pic|file photo|above|top|main image|"
                           r"main picture)\s*:\s*", re.I)
_GETTY = re.compile(r"\bGetty Images\s*\.?$")

_SHARE_WORD = (r"(?:share(?: this)?(?: article| story| page| post)?(?: (?:on|via|to|with))?(?: (?:facebook|twitter|x|"
               r"whatsapp|email|e-mail|linkedin|reddit|telegram|messenger))?|tweet(?: this)?|email(?: this)?|e-mail|"
               r"print(?: this)?(?: article| page)?|whatsapp|facebook|twitter|linkedin|reddit|pinterest|telegram|"
               r"messenger|flipboard|tumblr|copy link|copy url|link copied|save(?: article| for later)?|"
               r"\d+\s+shares?|shares?\d*|x|sms|gift (?:this )?article|reuse this content|about sharing|close panel|"
               r"share (?:page|panel))")
_SHARE = re.compile(rf"^(?:{_SHARE_WORD}\s*[|·•/,:;-]?\s*)+$", re.I)

_ADVERT = re.compile(
    r"^(?:advertisements?|advertising|adverts?|ad|ads|sponsored(?: content| post| links?)?|paid (?:post|content)|"
    r"promoted(?: content| stories)?|story continues below(?: advertisement)?|article continues (?:below|after "
    r"(?:this )?(?:ad|advertisement))|continue reading(?: the main story)?(?: below)?|scroll to continue(?: with "
    r"content)?|skip advert|ad feedback|report this ad|remove ads?)\.?$", re.I)
_COOKIE_WORDS = re.compile(r"\bcookies?\b", re.I)
_COOKIE_CONTEXT = re.compile(r"\b(?:we|our|you|your|site|website|browse|browsing|consent|accept|policy|settings|"
                             r"preferences|experience|agree)\b", re.I)
_COOKIE_BUTTON = re.compile(r"^(?:accept|accept all|accept cookies|reject all|decline|got it|i agree|ok|okay|"
                            r"manage (?:preferences|cookies|settings)|cookie settings|privacy settings|"
                            r"agree and close)$", re.I)
_COPYRIGHT = re.compile(r"^(?:©|\(c\)\s*\d{4}|copyright\b|&copy;)|\ball rights reserved\b|"
                        r"\bmay not be (?:published|reproduced|broadcast|rewritten|redistributed|copied)\b", re.I)
_SUBSCRIBE = re.compile(r"\b(?:newsletters?|subscribe|subscribers?|subscription|sign[ -]?up|unsubscribe|inbox|"
                        r"e-?mail address|your e-?mail|support (?:our|independent|quality) journalism|donate|"
                        r"become a (?:member|supporter|patron)|make a contribution|already a subscriber|"
                        r"free trial|paywall)\b", re.I)
_SECOND_PERSON = re.compile(r"\b(?:you|your|you're|yours|our|us)\b|^(?:sign up|subscribe|get|receive|enter|join|"
                            r"don't miss|never miss|stay (?:informed|up to date)|support|help|click|thank|thanks)\b",
                            re.I)
_SOCIAL = re.compile(r"^(?:follow|like|join|find) (?:us|@?[\w.'’-]+(?: [\w.'’-]+){0,4}) on (?:twitter|x|facebook|"
                     r"instagram|telegram|youtube|linkedin|whatsapp|tiktok|threads|bluesky|mastodon)\b|"
                     r"^follow @\w+|^@\w+$|^follow(?: us| [A-Z][\w'’-]*(?: [A-Z][\w'’-]*){0,3})?\s*:?$|"
                     r"^like this:?$|^(?:download|get) (?:our|the) (?:free )?app\b|"
                     r"^join (?:our|the) (?:telegram|whatsapp) (?:channel|group)", re.I)
_NAV_SKIP = re.compile(r"^(?:skip to (?:the )?(?:main )?(?:content|navigation|search|footer)|jump to (?:navigation|"
                       r"content|search)|back to top|go to top|return to top|toggle navigation|(?:open|close) "
                       r"(?:menu|navigation|search)|main menu|you are here:?.*|menu|search|sections|more sections|"
                       r"close|next|previous|prev|next article|previous article|load more|show more|see all|"
                       r"view all|all (?:news|stories)|privacy policy|privacy|terms(?: of (?:use|service))?|"
                       r"terms and conditions|contact(?: us)?|about(?: us)?|advertise(?: with us)?|careers|"
                       r"accessibility|site ?map|rss|help|faq|feedback|corrections|log ?in|log ?out|sign ?in|"
                       r"register|my account|edit|print edition|e-?paper)$", re.I)
_NAV_WORDS = frozenset(
    "home news world politics business economy markets sport sports opinion opinions comment analysis features "
    "middle east africa europe asia americas us uk u.s. u.k. tech technology science health culture arts "
    "lifestyle travel video videos live latest podcasts podcast newsletters more menu search weather "
    "entertainment investigations in-depth photos gallery galleries multimedia blogs blog editorials español "
    "français deutsch english international national local regional region regions topics sitemap archive "
    "mena gulf levant north south west syria iraq lebanon yemen turkey iran israel palestine egypt libya "
    "jordan afghanistan russia china media society environment climate war conflict crisis coronavirus "
    "explainers explained interviews interview reports report special focus hot trending today edition "
    "magazine shop jobs obituaries letters reviews books music film tv radio audio the and & -".split())
_NAV_SEP = re.compile(r"\s*(?:\||›|»|>|•|·|\u2022|\s/\s)\s*")
_RELATED_HEAD = re.compile(
    r"^(?:related(?: articles?| stories| content| coverage| news| posts| links| topics| reading)?|"
    r"read more|more on this(?: story| topic)?|more (?:about|on) (?:this|the) (?:story|topic)|most (?:read|popular|"
    r"viewed|shared|commented|watched)|popular(?: now| stories)?|recommended(?: for you| stories| reading)?|"
    r"you (?:may|might) also (?:like|be interested in)|also read|read also|see also|further reading|"
    r"trending(?: now| stories)?|top stories|latest(?: news| stories| headlines| articles)?|editor'?s? picks?|"
    r"more stories|more news|more from [\w .'’-]{1,40}|what to read next|read next|up next|don'?t miss|"
    r"in other news|more in [\w .'’-]{1,30}|related videos|watch more|around the web|from the web|"
    r"promoted stories|sponsored stories|elsewhere on [\w .'’-]{1,30}|you may have missed|must read|"
    r"wikipedia has (?:more|an article) about this(?: subject| topic)?)\s*:?$", re.I)
_RELATED_INLINE = re.compile(r"^(?:read more|read also|also read|related|see also|more|watch|listen|read)\s*"
                             r"[:|>»–—-]\s*\S", re.I)
_SOURCES_HEAD = re.compile(r"^(?:sources?|references|external links|notes)\s*:?$", re.I)
_COMMENT_LINE = re.compile(
    r"^(?:\d+\s+comments?|comments?\s*\(\d+\)|comments?|reader comments|discussion|"
    r"(?:view|show|read|see|load|hide|post|add|leave|write|submit|join)(?: all| more| the| a| your)?(?: \d+)?"
    r" (?:comments?|reply|discussion|conversation)(?: \(\d+\))?|(?:log ?in|sign ?in|register) to (?:comment|reply|"
    r"post|join the discussion)\b.*|you must be (?:logged|signed) in to (?:post a )?comment.*|comments (?:are|have "
    r"been) closed\.?|be the first to comment\.?|comment policy|reply|report|like|flag|upvote|downvote|"
    r"newest|oldest|sort by:? .*|\d+ (?:replies|likes|points))\.?$", re.I)
_COMMENT_BLOCK_HEAD = re.compile(r"^(?:\d+\s+comments?|comments?(?:\s*\(\d+\))?|reader comments|discussion|"
                                 r"join the (?:discussion|conversation)|leave a (?:comment|reply)(?: cancel reply)?|"
                                 r"add a comment|post a comment|what do you think\??)\s*:?$", re.I)
_TAGS = re.compile(r"^(?:tags?|topics?|filed under|categories|category|keywords|related topics|more about)\s*:\s*\S",
                   re.I)
_BYLINE = re.compile(r"^(?:by|written by|words by|posted by|story by|report(?:ed)? by)\s+[A-Z]", re.I)
# News agencies standing alone under a headline are the byline; photo agencies alone are credits.
_AGENCY_LINE = re.compile(r"^(?:agencies|staff and agencies|(?:AFP|Reuters|AP|Associated Press|Anadolu(?: Agency)?|"
                          r"SANA|Xinhua|DPA|UPI)(?: (?:and|&) agencies)?|[\w ]{1,30} (?:and|&) agencies)$", re.I)
_CREDITS = re.compile(r"^\(?(?:additional )?(?:reporting|writing|editing|compiled|produced|translated) by\b|"
                      r"^sources?\s*:\s*\S.{0,60}$", re.I)
# A bio names its author in full (two capitalised words at least) and speaks in the present tense.
_BIO_NAME = r"[A-Z][\w.'’-]+(?: (?:al-|el-|bin |de |van )?[A-Z][\w.'’-]+){1,3}"
_AUTHOR_BIO = re.compile(
    rf"^{_BIO_NAME}\s+is\s+(?:an?|the)\s+(?:[\w'’-]+\s+){{0,6}}(?:journalist|reporter|correspondent|writer|"
    r"editor|photographer|photojournalist|analyst|contributor|researcher|fellow|columnist|author|freelancer|"
    rf"producer|blogger)s?\b|^{_BIO_NAME}\s+(?:reports|writes)\s+(?:on|about|for)\b|^(?i:about the authors?):?$")
_WIDGET = re.compile(r"^(?:(?:click|tap) here\b.{0,60}|\d+\s*min(?:ute)?s?\s*read|reading time:?.*|"
                     r"listen to this article.*|listen|audio|play video|watch video|watch|video|loading\.*|"
                     r"please enable javascript.*|"
                     r"javascript is (?:disabled|required).*|your browser does not support.*|"
                     r"(?:font|text) size|a-?|a\+|zoom|expand|collapse|fullscreen|gallery|\d+ of \d+|"
                     r"\d+ (?:photos|images))$", re.I)
_TAGLINE = re.compile(r"^from (?:wikinews|wikipedia)\b|\b(?:the|your) (?:free |independent |trusted |leading |"
                      r"premier |number one |no\.? ?1 )?(?:news|information) (?:source|site|network|website|portal)\b|"
                      r"\bindependent (?:journalism|news)\b|^(?:news|journalism) (?:you can trust|that matters)", re.I)
# "Have an opinion on this story? Share it!", "This page is archived and is no longer editable."
_PAGE_NOTE = re.compile(r"\bthis (?:story|article|page|post)\b.*\b(?:share|comment|opinion|editable|archived|feedback|"
                        r"error|correction|first-hand|features|tip)|\b(?:share|comment on|rate) (?:it|this)\b", re.I)
_PULL_QUOTE_ATTR = re.compile(r"^[—–]\s*[A-Z][^.!?]{0,80}$")
_LETTER = re.compile(r"[^\W\d_]")


_SUBSCRIBE_HINTS = ("newsletter", "subscri", "sign", "inbox", "mail", "support", "donate", "become a", "contribution",
                    "trial", "paywall")
# Every caption or credit rule needs one of these; the test is a fast screen for the costly patterns.
_CREDIT_HINT = re.compile(rf"[/(\[©:]|Getty|{_AGENCY}\W*$|^(?i:image|media|video|photo|picture|caption|credit)")


def _caption_or_credit(s: str) -> tuple[str, str | None] | None:
    """(reason, caption) for photo captions and credits, else None."""
    if _CREDIT_ONLY.match(s) or _GETTY.fullmatch(s.strip()):
        return PHOTO_CREDIT, None
    m = _CREDIT_PREFIX.match(s)
    if m:
        return PHOTO_CREDIT, None
    m = _CAPTION_PREFIX.match(s)
    if m:
        rest = _without_credit(s[m.end():]).strip()
        return CAPTION, rest or None
    m = _PHOTO_PREFIX.match(s)
    if m:
        rest = s[m.end():].strip()
        if _words(rest) <= 4 or _CREDIT_ONLY.match(rest):
            return PHOTO_CREDIT, None
        rest = _without_credit(rest).strip()
        return CAPTION, rest or None
    m = _trailing_credit(s)
    if m and m.start() > 0 and _words(s) <= 60:
        before = s[:m.start()].rstrip()
        credit = s[m.start():]
        labelled = re.search(r"photo|picture|file|©", credit, re.I)
        # A bare credit ("… Qalamoun. Reuters/Omar Sanadiki", "… Arsal (AFP)") never ends in a full stop;
        # a sentence does ("… carried out by Reuters/Ipsos.", "… the Palestinian Authority (PA).").
        if labelled or (re.search(r"[/(\[]|Getty", credit) and not s.endswith(".")):
            return CAPTION, before or None
    if _GETTY.search(s) and _words(s) <= 40 and not s.endswith("."):
        return CAPTION, _GETTY.sub("", s).strip() or None
    return None


def _nav_line(s: str) -> bool:
    if _words(s) > 6 and not any(c in s for c in "|›»>•·/\u2022"):
        return False
    parts = [p for p in _NAV_SEP.split(s) if p]
    seps = len(_NAV_SEP.findall(s))
    if seps and len(parts) >= 2:
        breadcrumb = any(c in s for c in "›»>")
        if (len(parts) >= 3 or breadcrumb) and all(_words(p) <= 4 and not _TERMINAL.search(p) for p in parts):
            capital = sum(p[0].isupper() or not p[0].isalpha() for p in parts)
            return capital >= len(parts) - 1
    words = s.lower().replace(",", " ").split()
    return 0 < len(words) <= 6 and not _TERMINAL.search(s) and all(w in _NAV_WORDS for w in words)


def _line_rule(s: str) -> tuple[str, str | None] | None:
    """The boilerplate reason of one line on its own (and the caption it carries), or None."""
    n = _words(s)
    if n > 60:
        return None  # no widget, credit or notice runs this long: this is body text
    low = s.lower()
    if not _LETTER.search(s):
        return NAVIGATION, None  # separators, bullets, lone numbers
    if _ADVERT.match(s):
        return ADVERT, None
    if _SHARE.match(s):
        return SHARE, None
    if _NAV_SKIP.match(s):
        return NAVIGATION, None
    if _COMMENT_LINE.match(s):
        return COMMENTS, None
    if _WIDGET.match(s):
        return WIDGET, None
    # Plain substring tests guard the unanchored patterns: most lines are prose and fail them cheaply.
    if _COOKIE_BUTTON.match(s) or ("cookie" in low and _COOKIE_WORDS.search(s) and _COOKIE_CONTEXT.search(s)):
        return COOKIES, None
    if n <= 40 and ("©" in s or "copyright" in low or "rights reserved" in low or "may not be" in low
                    or low.startswith("(c)")) and _COPYRIGHT.search(s):
        return COPYRIGHT, None
    if _CREDITS.match(s) and n <= 30:
        return CREDITS, None
    if _BYLINE.match(s) and n <= 15 and not is_prose(s):
        return BYLINE, None
    if _AGENCY_LINE.match(s):
        return BYLINE, None
    if _TAGS.match(s):
        return TAGS, None
    if _SOCIAL.match(s):
        return SOCIAL, None
    if n <= 40 and any(k in low for k in _SUBSCRIBE_HINTS) and _SUBSCRIBE.search(s) \
            and (not is_prose(s) or _SECOND_PERSON.search(s)):
        return SUBSCRIBE, None
    if _RELATED_INLINE.match(s) and n <= 30:
        return RELATED, None
    if n <= 15 and ("news" in low or "journalism" in low or "information" in low or "wiki" in low) \
            and _TAGLINE.search(s) and (not low.endswith(".") or low.startswith("from wiki")):
        return TAGLINE, None
    if _CREDIT_HINT.search(s):
        cap = _caption_or_credit(s)
        if cap is not None:
            return cap
    if (n <= 15 or low.startswith("this page")) and "this" in low and _PAGE_NOTE.search(s):
        return WIDGET, None
    if _PULL_QUOTE_ATTR.match(s) and n <= 12:
        return PULL_QUOTE, None
    if _nav_line(s):
        return NAVIGATION, None
    return None


# --- sentences and repeats ----------------------------------------------------------------------------------

_BOUNDARY = re.compile(r"[.!?…][\"'”’)\]]*\s+(?=[\"“‘(\[]?[A-Z0-9])")
_ABBREV = frozenset("mr mrs ms dr gen lt col maj capt sgt st rep sen gov pres prof rev jr sr no vs etc inc ltd co "
                    "corp jan feb mar apr jun jul aug sep sept oct nov dec brig adm cmdr cpl pvt mt ft fig approx "
                    "dept est al".split())


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of the sentences of one paragraph (a cheap splitter that knows common abbreviations)."""
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _BOUNDARY.finditer(text):
        space = text.rfind(" ", start, m.start())
        token = text[space + 1 if space >= 0 else start:m.start()].lstrip("\"'“‘([").lower()
        # "U.S." / "J." / "Gen." end a word, not a sentence.
        if token in _ABBREV or (len(token) <= 3 and "." in token) or (len(token) == 1 and token.isalpha()):
            continue
        end = m.start() + len(m.group(0).rstrip())
        spans.append((start, end))
        start = m.end()
    if start < len(text):
        spans.append((start, len(text)))
    return spans


_DOUBLE_QUOTES = re.compile(r"[“”„«»]")
_SINGLE_QUOTES = re.compile(r"[‘’]")


def _key(s: str) -> str:
    """A sentence as compared for repeats: one kind of quote mark."""
    if s.isascii():  # no curly quotes to replace; most sentences, and str.isascii costs nothing
        return s.strip()
    return _SINGLE_QUOTES.sub("'", _DOUBLE_QUOTES.sub('"', s)).strip()


def _core(s: str) -> str:
    """A line stripped of the quote marks and end punctuation a pull-quote box adds or drops."""
    return _key(s).strip("\"' ").rstrip(".,;:!?\"' ").lstrip("\"' ")


# A pull-quote box sits near the paragraph it repeats: this many kept paragraphs either side are searched
# (an article rarely has 400 paragraphs; a 2 MB page of one-line paragraphs has 50,000).
_PULL_QUOTE_REACH = 200


def _collapse_repeats(lines: list[_Line], removed: list[RemovedLine]) -> None:
    """Keep each repeated paragraph, pull-quote and sentence once (the first, or the one inside the paragraph)."""
    seen: set[str] = set()
    for ln in lines:
        if ln.kept:
            k = _key(ln.text)
            if k in seen:
                ln.reason = DUPLICATE
            seen.add(k)
    kept = [ln for ln in lines if ln.kept]
    keys = [_key(ln.text) for ln in kept]
    # Pull-quotes: a short line found, on sentence bounds, inside a longer paragraph goes; the paragraph stays.
    # The paragraphs near each line are searched at once in their joined text (lines hold no "\n"), not one
    # by one: comparing every pair made a page of 50,000 short lines take hours.
    joined = "\n".join(keys)
    starts = list(itertools.accumulate((len(k) + 1 for k in keys), initial=0))
    for i, ln in enumerate(kept):
        n = _words(ln.text)
        core = _core(ln.text)
        if not (4 <= n <= 45 and len(core) >= 20):
            continue
        end = starts[min(len(keys), i + _PULL_QUOTE_REACH + 1)]
        hit = joined.find(core, starts[max(0, i - _PULL_QUOTE_REACH)], end)
        while hit >= 0:
            j = bisect.bisect_right(starts, hit) - 1
            other, pos = keys[j], hit - starts[j]
            if j != i and len(other) > len(keys[i]) and kept[j].kept:
                before = other[:pos].rstrip("\"' ")
                after = other[pos + len(core):pos + len(core) + 1]
                if (not before or before[-1] in ".!?:;" or other[pos - 1:pos] in "\"'") and not after.isalnum():
                    ln.reason = DUPLICATE
                    break
            hit = joined.find(core, hit + 1, end)
    # Sentences repeated across (or inside) paragraphs: later copies go.
    seen_sentences: set[str] = set()
    for ln in lines:
        if not ln.kept:
            continue
        spans = sentence_spans(ln.text)
        keep_parts: list[str] = []
        dropped = False
        for a, b in spans:
            sentence = ln.text[a:b]
            k = _key(sentence)
            if _words(sentence) >= 5 and k in seen_sentences:
                removed.append(RemovedLine(sentence, DUPLICATE))
                dropped = True
                continue
            seen_sentences.add(k)
            keep_parts.append(sentence)
        if dropped:
            if keep_parts:
                ln.text = " ".join(keep_parts)
            else:
                ln.reason = DUPLICATE


# --- header, blocks, outlet, date ---------------------------------------------------------------------------

_TITLE_SUFFIX = re.compile(r"^(?P<title>.{8,}?)\s+(?:\||[-–—]|::)\s+(?P<site>[^|]{2,60})$")
_LEGAL_SUFFIX = re.compile(r",?\s+(?:ltd\.?|limited|inc\.?|llc|plc|s\.a\.?|gmbh|corp\.?|corporation)$", re.I)
# Capitalised words only: the name of the site, never the sentence around it.
_SITE_NAME = r"(?P<name>(?:[Tt]he )?[A-Z][\w'’&.-]*(?:\s+(?:&\s+|and\s+)?[A-Z][\w'’&.-]*){0,5})"
_SITE_FROM_COPYRIGHT = re.compile(
    r"(?i:©|\(c\)|copyright)\s*(?:(?:19|20)\d\d(?:\s*[-–]\s*(?:19|20)\d\d)?\s*)?,?\s*" + _SITE_NAME)
_SITE_FROM_NEWSLETTER = re.compile(
    r"(?i:sign up (?:for|to)|subscribe to|get) (?:the )?" + _SITE_NAME + r" (?i:newsletter|daily|briefing|updates)")
_SITE_FROM_SOCIAL = re.compile(r"^(?i:follow) " + _SITE_NAME + r"(?: (?i:on) |\s*:?$)")
_SITE_FROM_TAGLINE = re.compile(r"^(?i:from) " + _SITE_NAME + r",")
_ROLE = re.compile(r"\b(?:staff|writer|correspondent|reporter|editor|contributor|columnist|special to|in|"
                   r"analyst|producer|desk)\b", re.I)


def _byline_outlet(s: str) -> str | None:
    parts = [p.strip() for p in re.split(r"\s+\|\s+|\s+[-–—]\s+|,\s+", s) if p.strip()]
    for part in parts[1:]:
        if meta.find_date(part) or meta.date_line(part) or _ROLE.search(part) or meta.url_of_line(part):
            continue
        if 1 <= _words(part) <= 5 and part[0].isupper():
            return part
    return None


def _site_name(line: str) -> str | None:
    for pattern in (_SITE_FROM_TAGLINE, _SITE_FROM_NEWSLETTER, _SITE_FROM_SOCIAL, _SITE_FROM_COPYRIGHT):
        m = pattern.search(line)
        if m:
            name = re.split(r"\.\s|\s+All\b", m.group("name"))[0]
            name = _LEGAL_SUFFIX.sub("", name.strip(" .,")).strip(" .,")
            if name.lower() not in {"us", "our", "the", "all", "rights", "reserved", "copyright"} and name:
                return name
    return None


def _mark_blocks(lines: list[_Line]) -> None:
    """Lines that are boilerplate because of the block they sit in: related headlines, comments, sources."""
    prose_total = sum(len(ln.text) for ln in lines if ln.kept and is_prose(ln.text))
    prose_seen = 0
    i = 0
    while i < len(lines):
        ln = lines[i]
        head = ln.text
        block: str | None = None
        if _RELATED_HEAD.match(head):
            block = RELATED
        elif _SOURCES_HEAD.match(head) and prose_seen > 0.5 * prose_total:
            block = SOURCES
        elif _COMMENT_BLOCK_HEAD.match(head) and prose_total and prose_seen >= 0.5 * prose_total:
            block = COMMENTS
        if ln.kept and is_prose(ln.text):
            prose_seen += len(ln.text)
        if block is None:
            i += 1
            continue
        ln.reason = ln.reason or block
        j = i + 1
        while j < len(lines):
            nxt = lines[j]
            if block == COMMENTS:
                # A comment section runs to the end of the page, except for chrome with its own reason.
                if nxt.kept:
                    nxt.reason = COMMENTS
            elif nxt.kept and _headline_like(nxt.text) and j - i <= 15:
                nxt.reason = block
            elif nxt.kept and block == SOURCES and j - i <= 30 and (
                    meta.url_of_line(nxt.text) or meta.find_date(nxt.text) or " — " in nxt.text):
                nxt.reason = block
            elif nxt.kept:
                break
            elif nxt.reason not in (RELATED, NAVIGATION, SHARE, WIDGET, PHOTO_CREDIT, CAPTION, SOURCES) and \
                    nxt.reason is not None and not _RELATED_HEAD.match(nxt.text):
                # Another kind of chrome ends the list of headlines.
                break
            j += 1
        i = j


def _mark_bios(lines: list[_Line]) -> None:
    """Author bios ("Jane Doe is a journalist based in Beirut"): only in the last part of the page, where
    sites put them; the same words higher up are the article talking about a person."""
    tail_from = int(len(lines) * 0.6)
    about = False
    for ln in lines[tail_from:]:
        if ln.kept and (_AUTHOR_BIO.match(ln.text) or about) and _words(ln.text) <= 60:
            ln.reason = AUTHOR_BIO
        about = bool(re.match(r"^about the authors?:?$", ln.text, re.I))


_CHROME = frozenset({NAVIGATION, SUBSCRIBE, SHARE, SOCIAL, WIDGET, ADVERT, COOKIES, TAGLINE})
_META = frozenset({BYLINE, DATELINE, URL, SHARE, CREDITS})


def _mark_header(lines: list[_Line], light: bool) -> tuple[_Line | None, list[tuple[str, meta.DateFound | None, str]]]:
    """Title, URL and datelines above the first sentence; returns the title line and the dates seen there."""
    first_prose = next((k for k, ln in enumerate(lines) if ln.kept and is_prose(ln.text)), len(lines))
    if not light:
        # A headline may end with "?" or "!": the first kept line is a title candidate even if it looks like
        # a sentence, as long as prose follows it.
        first_kept = next((ln for ln in lines if ln.kept), None)
        if first_kept is not None and first_kept.index == first_prose and _title_like(first_kept.text):
            first_prose = next((k for k, ln in enumerate(lines)
                                if k > first_kept.index and ln.kept and is_prose(ln.text)), first_prose)
    zone = lines[:first_prose]
    header_dates: list[tuple[str, meta.DateFound | None, str]] = []
    for ln in zone:
        if not ln.kept:
            continue
        found = meta.date_line(ln.text)
        if found is not None:
            ln.reason = DATELINE
            header_dates.append((found[0], found[1], ln.text))
        elif meta.url_of_line(ln.text):
            ln.reason = URL
        elif _words(ln.text) <= 15 and not is_prose(ln.text) and (date := meta.find_date(ln.text)) is not None:
            # "May 12, 2015 | Beirut", "Published on 12 May 2015 by Jane Doe": a meta line with a date.
            ln.reason = DATELINE
            header_dates.append(("date", date, date.evidence))
    if light:
        return None, header_dates

    # The headline among the short lines above the first sentence: the one the byline or date follows, and
    # that sits below the menus; site names and taglines sit above it.
    candidates = [ln for ln in zone if ln.kept and _title_like(ln.text)]
    title: _Line | None = None
    if candidates:
        # Looked up once: scanning the rest of the zone for each candidate was quadratic in its length.
        last_menu = max((ln.index for ln in zone if ln.reason == NAVIGATION), default=-1)

        def score(c: _Line) -> int:
            meta_follows = False
            for ln in zone[c.index + 1:c.index + 3]:
                if ln.kept:
                    break
                meta_follows = meta_follows or ln.reason in _META
            below_menus = c.index >= last_menu
            return 2 * meta_follows + below_menus + 2 * (_words(c.text) >= 4)

        title = max(candidates, key=lambda c: (score(c), -c.index))
    for ln in zone:
        if not ln.kept or ln is title:
            continue
        if title is not None and ln.index < title.index:
            ln.reason = TAGLINE if _words(ln.text) >= 5 else NAVIGATION  # masthead above the headline
        elif _words(ln.text) <= 4 and not is_prose(ln.text):
            ln.reason = NAVIGATION  # section kicker
    if title is not None:
        title.reason = TITLE
    return title, header_dates


_BOXES = frozenset({SUBSCRIBE, SHARE, NAVIGATION, COMMENTS, COOKIES, RELATED, SOCIAL})


def _mark_boxes(lines: list[_Line]) -> None:
    """One or two lines caught between two lines of the same widget (a newsletter box's blurb between its
    heading and its button) belong to that widget, unless they read as reporting."""
    i = 0
    while i < len(lines):
        if lines[i].kept:
            j = i
            while j < len(lines) and lines[j].kept:
                j += 1
            if 0 < i and j < len(lines) and j - i <= 2 and lines[i - 1].reason == lines[j].reason \
                    and lines[j].reason in _BOXES:
                box = lines[i:j]
                if all(_words(b.text) <= 25 and (not is_prose(b.text) or _SECOND_PERSON.search(b.text)) for b in box):
                    for b in box:
                        b.reason = lines[j].reason
            i = j
        else:
            i += 1


def _mark_runs(lines: list[_Line]) -> None:
    """Menus scraped as one item per line: three or more short non-sentences in a row."""
    run: list[_Line] = []

    def flush() -> None:
        if len(run) >= 3:
            for r in run:
                r.reason = r.reason or NAVIGATION
        run.clear()

    for ln in lines:
        if (ln.kept and _words(ln.text) <= 3 and not is_prose(ln.text)) or ln.reason == NAVIGATION:
            run.append(ln)
        elif ln.kept:
            flush()
    flush()
    # After the last sentence of the article only page furniture is left.
    last = max((k for k, ln in enumerate(lines) if ln.kept and is_prose(ln.text)), default=-1)
    for ln in lines[last + 1:]:
        if ln.kept and last >= 0:
            ln.reason = FOOTER


# The main script of a page, or of one line, shows in its first 200,000 characters as well as in all of a 50 MB
# line (counting all of it took seconds).
_SCRIPT_SAMPLE = 200_000


def _main_script(lines: list[_Line]) -> str:
    counts = meta.script_counts(" ".join(ln.text for ln in lines if ln.kept)[:_SCRIPT_SAMPLE])
    return max(counts, key=lambda s: counts[s]) if counts else "Latin"


def clean_article(raw: str, light: bool = False) -> CleanedArticle:
    """Split scraped article text into article lines and removed boilerplate, and read its metadata.

    ``light=True`` is for text already extracted from markup (trafilatura): no menu or header guessing."""
    lines = _unwrap(normalise_text(raw))
    for ln in lines:
        rule = _line_rule(ln.text)
        if rule is not None:
            ln.reason, ln.caption = rule
    _mark_blocks(lines)
    _mark_bios(lines)
    title_line, header_dates = _mark_header(lines, light)
    _mark_boxes(lines)
    if not light:
        _mark_runs(lines)

    script = _main_script(lines)
    for ln in lines:
        if ln.kept and not (script == "Latin" and ln.text.isascii()):
            counts = meta.script_counts(ln.text[:_SCRIPT_SAMPLE])
            other = sum(v for k, v in counts.items() if k != script)
            if other >= 3 and other > counts.get(script, 0):
                ln.reason = OTHER_SCRIPT

    # URL and date lines anywhere in the page: removed; a "Published:" line counts wherever it is.
    url: str | None = None
    published_lines: list[tuple[str, meta.DateFound | None, str]] = []
    for ln in lines:
        u = meta.url_of_line(ln.text)
        if u and ln.reason in (None, URL, FOOTER, NAVIGATION):
            ln.reason = URL
            if url is None and not re.search(r"facebook\.|twitter\.|t\.co/|whatsapp|mailto:|x\.com/", u, re.I):
                url = u
        elif ln.kept:
            found = meta.date_line(ln.text)
            if found is not None:
                ln.reason = DATELINE
                if found[0] in ("published", "updated"):
                    published_lines.append((found[0], found[1], ln.text))

    removed: list[RemovedLine] = []
    _collapse_repeats(lines, removed)

    captions = [ln.caption for ln in lines if ln.caption]
    removed = [RemovedLine(ln.text, ln.reason) for ln in lines if ln.reason] + removed
    text = "\n\n".join(ln.text for ln in lines if ln.kept)

    title = title_line.text if title_line is not None else None
    outlet = _find_outlet(lines, title, url)
    if title and outlet:
        m = _TITLE_SUFFIX.match(title)
        if m and m.group("site").strip().lower() == outlet.lower():
            title = m.group("title").strip()
    published = _find_published(lines, header_dates, published_lines, url)
    return CleanedArticle(
        text=text, removed_lines=removed, captions=captions, title=title, url=url, outlet=outlet,
        published=published.iso if published else None,
        published_precision=published.precision if published else None,
        published_evidence=published.evidence if published else None)


def _find_outlet(lines: list[_Line], title: str | None, url: str | None) -> str | None:
    """Outlet by the most direct evidence: "By X | Outlet", "Headline | Outlet", a known host, a site name."""
    for ln in lines:
        if ln.reason == BYLINE:
            name = _byline_outlet(ln.text)
            if name:
                return name
    if title:
        m = _TITLE_SUFFIX.match(title)
        if m:
            site = m.group("site").strip()
            if "|" in title or meta.known_outlet_name(site):
                return site
    host_name, known = meta.outlet_from_url(url) if url else (None, False)
    if known:
        return host_name
    for ln in lines:
        if ln.reason in (TAGLINE, SUBSCRIBE, SOCIAL, COPYRIGHT, FOOTER):
            name = _site_name(ln.text)
            if name:
                return name
    return host_name


def _find_published(lines: list[_Line], header_dates: list[tuple[str, meta.DateFound | None, str]],
                    published_lines: list[tuple[str, meta.DateFound | None, str]],
                    url: str | None) -> meta.DateFound | None:
    """Publication date: a "Published" line, then a dateline under the headline, the URL path, an "Updated" line.

    Dates in the body, in captions and in copyright lines are never read: they date events, photos, sites."""
    candidates = header_dates + published_lines
    for k, found, line in candidates:
        if k == "published" and found is not None:
            return meta.DateFound(found.iso, found.precision, line.strip())
    for k, found, line in header_dates:
        if k == "date" and found is not None:
            return meta.DateFound(found.iso, found.precision, line.strip())
    for ln in lines:
        # A byline with a date in it ("By Jane Doe | 12 May 2015") is a dateline too.
        if ln.reason == BYLINE:
            found = meta.find_date(ln.text)
            if found is not None:
                return meta.DateFound(found.iso, found.precision, found.evidence)
    if url:
        found = meta.date_from_url(url)
        if found is not None:
            return found
    for k, found, line in candidates:
        if k == "updated" and found is not None:
            return meta.DateFound(found.iso, found.precision, line.strip())
    return None
