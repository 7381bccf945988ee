"""The line-level cleaner and the metadata rules: real text in, removed lines and reasons checked one by one."""
from __future__ import annotations

from pathlib import Path

import pytest

from eventwire.ingest import clean_article
from eventwire.ingest.clean import sentence_spans
from eventwire.ingest.metadata import (date_from_url, date_line, find_date, non_english_reason, outlet_from_url,
                                       registered_domain)

FIXTURES = Path(__file__).parent / "fixtures" / "ingest"
BODY = [
    "Hezbollah fighters pushed into the Qalamoun mountains on Monday, attacking Nusra Front positions along the "
    "border, a monitoring group said.",
    "The Lebanese army shelled militant positions near Arsal late on Monday, security sources said.",
]


def reasons(cleaned) -> dict[str, str]:
    return {r.text: r.reason for r in cleaned.removed_lines}


@pytest.fixture(scope="module")
def scraped():
    return clean_article((FIXTURES / "scraped_qalamoun.txt").read_text(encoding="utf-8"))


@pytest.mark.parametrize("line, reason", [
    ("Skip to main content", "navigation"),
    ("Home | World | Middle East | Politics | Opinion | Video", "navigation"),
    ("Middle East > Syria", "navigation"),
    ("Subscribe", "subscribe"),
    ("By Rania Haddad | Levant Monitor", "byline"),
    ("Published: 12 May 2015 14:32 GMT", "dateline"),
    ("Updated 3 hours ago", "dateline"),
    ("Share on Facebook", "share"),
    ("Tweet", "share"),
    ("WhatsApp", "share"),
    ("Advertisement", "advertisement"),
    ("Sign up for the Levant Monitor daily newsletter", "subscribe"),
    ("Get the top stories from the region delivered to your inbox every morning.", "subscribe"),
    ("Enter your email address", "subscribe"),
    ("Smoke rises over the hills outside Arsal during shelling in August 2014 (Photo: AFP, 2014)", "caption"),
    ("Fighters loyal to Hezbollah raise a flag on a hilltop in Qalamoun. Reuters/Omar Sanadiki", "caption"),
    ("هذا السطر مكتوب بالعربية وليس جزءا من نص المقال", "other script"),
    ("Rania Haddad is a freelance journalist based in Beirut who covers Lebanon and Syria.", "author bio"),
    ("Related articles", "related"),
    ("Lebanese army reinforces positions around Arsal", "related"),
    ("Who are the fighters of the Qalamoun front?", "related"),
    ("Most read", "related"),
    ("2. Yabroud residents return to ruined homes", "related"),
    ("23 comments", "comments"),
    ("Log in to comment", "comments"),
    ("We use cookies to improve your experience on our site. By continuing to browse you agree to our use of "
     "cookies.", "cookie notice"),
    ("© 2015 Levant Monitor Ltd. All rights reserved.", "copyright"),
    ("Levant Monitor - independent news from the Levant since 2009", "tagline"),
])
def test_scraped_boilerplate_removed_with_reason(scraped, line, reason):
    assert reasons(scraped)[line] == reason
    assert line not in scraped.text


@pytest.mark.parametrize("line", [
    "Hezbollah fighters backed by Syrian army artillery pushed into the rugged Qalamoun mountains on Monday, "
    "attacking positions held by the Nusra Front along the Lebanese border, according to a monitoring group.",
    '"We will not leave these hills," a Nusra commander told a pro-opposition radio station.',
    "The offensive comes almost a year after militants overran the Lebanese border town of Arsal on 2 August "
    "2014 and captured more than 20 Lebanese soldiers and policemen.",
    "Lebanese army units shelled gunmen who tried to cross toward Arsal late on Monday, a security source said. "
    "The army did not report casualties.",
    "Neither side commented.",
])
def test_scraped_article_lines_kept(scraped, line):
    assert line in scraped.text.split("\n\n")


def test_scraped_metadata(scraped):
    assert scraped.title == "Hezbollah and Nusra Front clash in Qalamoun mountains near Arsal"
    assert scraped.outlet == "Levant Monitor"
    # The photo credit's 2014 and the body's 2 August 2014 are not publication dates.
    assert (scraped.published, scraped.published_precision) == ("2015-05-12", "day")
    assert scraped.published_evidence == "Published: 12 May 2015 14:32 GMT"
    assert scraped.captions == ["Smoke rises over the hills outside Arsal during shelling in August 2014",
                                "Fighters loyal to Hezbollah raise a flag on a hilltop in Qalamoun."]
    assert scraped.url is None


def test_scraped_repeats_kept_once(scraped):
    quote = '"We will not leave these hills," a Nusra commander told a pro-opposition radio station.'
    para = "The Syrian Observatory for Human Rights said at least 13 Nusra fighters and seven Hezbollah members"
    assert scraped.text.count(quote) == 1
    assert scraped.text.count(para) == 1
    assert [r.reason for r in scraped.removed_lines if r.text.startswith(para)] == ["duplicate"]


def test_paragraphs_joined_by_blank_line(scraped):
    paragraphs = scraped.text.split("\n\n")
    assert len(paragraphs) == 8
    assert all(p == p.strip() and "\n" not in p for p in paragraphs)


def test_title_date_url_header():
    raw = ("Car bomb kills soldiers at base near Arsal\nJanuary 24, 2019\n"
           "https://en.wikinews.org/wiki/Car_bomb_kills_soldiers_at_base_near_Arsal\n\n"
           "Thursday, January 24, 2019\u00a0\n\n\n" + "\n\n".join(BODY))
    c = clean_article(raw)
    assert c.title == "Car bomb kills soldiers at base near Arsal"
    assert c.url == "https://en.wikinews.org/wiki/Car_bomb_kills_soldiers_at_base_near_Arsal"
    assert c.outlet == "Wikinews"
    assert (c.published, c.published_precision, c.published_evidence) == ("2019-01-24", "day", "January 24, 2019")
    assert c.text == "\n\n".join(BODY)
    assert reasons(c)["Thursday, January 24, 2019"] == "dateline"
    assert reasons(c)["January 24, 2019"] == "dateline"


def test_weekday_sentence_is_not_a_dateline():
    raw = "Thursday, United States forces killed two commanders in an air strike near the border.\n\n" + BODY[1]
    c = clean_article(raw)
    assert c.published is None
    assert c.text.startswith("Thursday, United States forces")


@pytest.mark.parametrize("header, expected", [
    ("Updated 3 hours ago", (None, None)),
    ("© 2015 Cedar Post Media. All rights reserved.", (None, None)),
    ("Monday 12 May 2015", ("2015-05-12", "day")),
    ("Published: May 2015", ("2015-05", "month")),
    ("Last modified on Tue 12 May 2015 14.32 BST", ("2015-05-12", "day")),
    ("May 12, 2015 | Beirut", ("2015-05-12", "day")),
    ("Posted by Karim Nassar on March 16, 2014", ("2014-03-16", "day")),
])
def test_publication_date_from_header_lines(header, expected):
    c = clean_article("Army shells gunmen near Arsal\n" + header + "\n\n" + "\n\n".join(BODY))
    assert (c.published, c.published_precision) == expected
    assert header not in c.text


def test_event_date_in_body_is_not_publication_date():
    c = clean_article("Militants overran the border town of Arsal on 2 August 2014, the army said.\n\n" + BODY[1])
    assert c.published is None


def test_publication_date_from_url_path():
    c = clean_article("\n\n".join(BODY) + "\n\nhttps://www.cedarpost.example/news/2015/05/12/arsal-shelling")
    assert (c.published, c.published_precision) == ("2015-05-12", "day")
    assert c.published_evidence.startswith("url path")
    assert c.outlet == "cedarpost.example"


def test_pull_quote_and_repeated_sentences():
    raw = "\n\n".join([
        '"We will not leave these hills until the last fighter falls"',
        "Nusra Front fighters attacked Hezbollah positions east of Arsal on Tuesday. The group said it had "
        "captured two outposts.",
        'A Nusra commander told a radio station: "We will not leave these hills until the last fighter falls," '
        "adding that reinforcements had arrived.",
        "Hezbollah denied losing any positions. It said its fighters had repelled the attack.",
        "The Lebanese army stayed out of the fighting. Hezbollah denied losing any positions. He said so.",
        "Nobody else did. He said so.",
    ])
    c = clean_article(raw)
    assert '"We will not leave these hills until the last fighter falls"\n' not in c.text
    assert c.text.count("We will not leave these hills") == 1
    assert c.text.count("Hezbollah denied losing any positions.") == 1
    assert "The Lebanese army stayed out of the fighting. He said so." in c.text
    assert c.text.count("He said so.") == 2  # too short to call a repeat
    assert [r.reason for r in c.removed_lines].count("duplicate") == 2


# Article lines that look like chrome to a careless rule; each must survive at the start, middle and end.
TRICKY = [
    "By Monday, government forces had retaken the hill.",
    "Share prices in Beirut fell sharply after the attack.",
    "Print and broadcast media were barred from the area.",
    "More than 300 people have been killed since the offensive began.",
    "Email messages seen by the newspaper suggest the order came from Damascus.",
    "Comments by the Lebanese interior minister drew an angry response from Hezbollah.",
    "Follow-up strikes hit the same area on Wednesday.",
    "The group's weekly newsletter, al-Naba, claimed the attack.",
    "Photographs posted online showed burning vehicles.",
    "\u201cWe are not afraid,\u201d he said.",
    "Advertisement boards along the highway were torn down.",
    "Most of the fighters were from the Nusra Front.",
    "Latest figures from the UN show 1.1 million refugees in Lebanon.",
    "Cookies and sweets were distributed to children in the camp.",
    "All rights groups condemned the attack.",
    "Reply from the ministry came two days later.",
    "Neither side commented.",
    "He denied it.",
    "Subscribers to the group's Telegram channel were told to stay away from the front.",
    "The footage was released by AFP.",
    "The survey was carried out by Reuters/Ipsos.",
    "Talks resumed with the Palestinian Authority (PA).",
    "He is a journalist based in Beirut and was briefly detained last year.",
    "Search teams were still digging through the rubble on Tuesday night.",
    "Sources close to the group said the commander had been killed.",
    "ARSAL, Lebanon (AP) \u2014 Gunmen attacked an army checkpoint on Saturday.",
    "Live rounds were fired at protesters.",
]


@pytest.mark.parametrize("line", TRICKY)
@pytest.mark.parametrize("where", ["start", "middle", "end"])
def test_article_lines_that_look_like_chrome_are_kept(line, where):
    lines = {"start": [line, *BODY], "middle": [BODY[0], line, BODY[1]], "end": [*BODY, line]}[where]
    c = clean_article("\n\n".join(lines))
    assert line in c.text.split("\n\n"), reasons(c).get(line)


def test_comment_section_runs_to_the_end():
    raw = "\n".join([*BODY, "Comments", "Abu Karim 3 hours ago", "This is all lies, the army never shelled anyone.",
                     "Reply", "12 likes"])
    c = clean_article(raw)
    assert c.text == "\n\n".join(BODY)
    assert reasons(c)["This is all lies, the army never shelled anyone."] == "comments"


def test_wordpress_and_newsletter_boxes():
    raw = "\n".join([
        "Conflict Monitor", "Tracking the wars of the Middle East", "Home / Analysis / Syria",
        "Army shells gunmen near Arsal", "Posted on 16 March 2014 by admin", *BODY, "Sign up for the Conflict "
        "Monitor briefing", "Catch up on our coverage of the region, all in one place.", "Subscribe",
        "Leave a Reply Cancel reply", "Enter your comment here...", "Notify me of new posts via email."])
    c = clean_article(raw)
    assert c.text == "\n\n".join(BODY)
    assert c.title == "Army shells gunmen near Arsal"
    assert c.published == "2014-03-16"
    assert c.outlet == "Conflict Monitor"
    assert reasons(c)["Catch up on our coverage of the region, all in one place."] == "subscribe"


def test_title_suffix_names_the_outlet():
    c = clean_article("Hezbollah advances in Qalamoun - BBC News\n\n" + "\n\n".join(BODY))
    assert (c.title, c.outlet) == ("Hezbollah advances in Qalamoun", "BBC News")


def test_copyright_names_the_outlet_when_nothing_better():
    c = clean_article("\n\n".join(BODY) + "\n\n© 2015 Some Media Ltd. All rights reserved.")
    assert c.outlet == "Some Media"


def test_captions_with_prefixes():
    raw = "\n\n".join([BODY[0], "Image caption Residents inspect the damage in Arsal", "Image copyright AFP",
                       "Getty Images", "Photograph: Louai Beshara/AFP", BODY[1]])
    c = clean_article(raw)
    assert c.text == "\n\n".join(BODY)
    assert c.captions == ["Residents inspect the damage in Arsal"]
    assert reasons(c)["Getty Images"] == "photo credit"


def test_spaces_normalised_and_hard_wraps_joined():
    raw = ("Saudi officials said 5.7\u00a0 million barrels of daily output had\nbeen disrupted by the drone "
           "attacks.\r\n\r\nThe  plant   burned.")
    c = clean_article(raw)
    assert c.text == ("Saudi officials said 5.7 million barrels of daily output had been disrupted by the drone "
                      "attacks.\n\nThe plant burned.")


def test_light_mode_keeps_first_line():
    c = clean_article("Army shells gunmen near Arsal\n" + "\n".join(BODY) + "\nShare on Facebook", light=True)
    assert c.title is None
    assert c.text.startswith("Army shells gunmen near Arsal")
    assert "Share on Facebook" not in c.text


def test_sentence_spans_know_abbreviations():
    text = 'The U.S. military said Gen. Soleimani was killed. Iran vowed revenge! "We will respond," he said.'
    assert [text[a:b] for a, b in sentence_spans(text)] == [
        "The U.S. military said Gen. Soleimani was killed.", "Iran vowed revenge!", '"We will respond," he said.']


# --- metadata rules -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, iso, precision", [
    ("January 24, 2019", "2019-01-24", "day"),
    ("Sept. 3, 2014", "2014-09-03", "day"),
    ("Tuesday 12th May 2015", "2015-05-12", "day"),
    ("2015-05-12T14:32:00Z", "2015-05-12", "day"),
    ("13/05/2015", "2015-05-13", "day"),
    ("in May 2015", "2015-05", "month"),
])
def test_find_date(text, iso, precision):
    found = find_date(text)
    assert (found.iso, found.precision) == (iso, precision)


def test_find_date_refuses_ambiguous_and_impossible_dates():
    assert find_date("05/06/2015") is None
    assert find_date("February 30, 2015") is None
    assert date_line("05/06/2015") == ("date", None)  # a date line all the same, to remove


def test_date_line_needs_the_whole_line():
    assert date_line("Thursday, United States forces killed him") is None
    assert date_line("In 2006, Abqaiq was attacked") is None
    assert date_line("Published") == ("published", None)


def test_urls_and_outlets():
    assert outlet_from_url("https://en.wikinews.org//wiki/X") == ("Wikinews", True)
    assert outlet_from_url("http://www.dailystar.com.lb/News/x.ashx") == ("The Daily Star", True)
    assert outlet_from_url("https://news.cedarpost.co.uk/a") == ("cedarpost.co.uk", False)
    assert registered_domain("news.bbc.co.uk") == "bbc.co.uk"
    assert date_from_url("https://x.example/2015/05/").precision == "month"
    assert date_from_url("https://en.wikinews.org/wiki/Attack_2019") is None


def test_non_english_reasons():
    assert non_english_reason(" ".join(BODY)) is None
    french = (FIXTURES / "french_arsal.txt").read_text(encoding="utf-8")
    assert non_english_reason(french).startswith("not English (looks like French")
    arabic = (FIXTURES / "arabic_qalamoun.txt").read_text(encoding="utf-8")
    assert non_english_reason(arabic).startswith("not English (looks like Arabic")
    spanish = ("El ejército libanés bombardeó el martes las posiciones de los yihadistas en las colinas que rodean "
               "la ciudad de Arsal, según una fuente de seguridad.")
    assert "Spanish" in non_english_reason(spanish)
