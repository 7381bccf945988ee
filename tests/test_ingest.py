"""read_inputs on real files: every kind of bad input becomes a ReadError and the batch goes on."""
from __future__ import annotations

import io
import json
import re
import sys
from pathlib import Path

import pytest

from eventwire.ingest import read_inputs
from eventwire.ingest.readers import decode_bytes, html_document, sniff_format, strip_tags
from eventwire.model import Document, ReadError, content_id

FIXTURES = Path(__file__).parent / "fixtures" / "ingest"
EVAL = Path(__file__).resolve().parents[1].parent / "shared" / "eval"
ARTICLE = ("Lebanese troops exchanged fire with gunmen in the hills outside Arsal on Friday, the army said in a "
           "statement.\n\nTwo soldiers were wounded and taken to hospital in the town of Baalbek, it said.\n")


def read_one(path, **kw) -> Document | ReadError:
    items = list(read_inputs([str(path)], **kw))
    assert len(items) == 1, items
    return items[0]


def error_of(path, **kw) -> str:
    item = read_one(path, **kw)
    assert isinstance(item, ReadError), item
    return item.reason


@pytest.fixture(scope="module")
def fixture_batch() -> list[Document | ReadError]:
    return list(read_inputs([str(FIXTURES)]))


def test_directory_is_read_recursively_in_sorted_order(fixture_batch):
    sources = [(d.path if isinstance(d, Document) else d.source, type(d).__name__) for d in fixture_batch]
    base = str(FIXTURES)
    assert sources == [
        (f"{base}/arabic_qalamoun.txt", "ReadError"),
        (f"{base}/batch.jsonl:1", "Document"),
        (f"{base}/batch.jsonl:2", "ReadError"),
        (f"{base}/batch.jsonl:3", "ReadError"),
        (f"{base}/binary_archive.txt", "ReadError"),
        (f"{base}/cp1252_jisr.txt", "Document"),
        (f"{base}/empty.txt", "ReadError"),
        (f"{base}/french_arsal.txt", "ReadError"),
        (f"{base}/qalamoun_offensive.html", "Document"),
        (f"{base}/scraped_qalamoun.txt", "Document"),
        (f"{base}/utf16_zabadani.txt", "Document"),
    ]


def test_bad_inputs_say_what_is_wrong(fixture_batch):
    errors = {e.source.rsplit("/", 1)[-1]: e.reason for e in fixture_batch if isinstance(e, ReadError)}
    assert errors["arabic_qalamoun.txt"].startswith("not English (looks like Arabic")
    assert errors["french_arsal.txt"].startswith("not English (looks like French")
    assert errors["binary_archive.txt"] == "binary file (gzip archive), not an article"
    assert errors["empty.txt"] == "empty"
    assert errors["batch.jsonl:2"].startswith("malformed JSON line: Unterminated string")
    assert errors["batch.jsonl:3"] == "record has no 'text' or 'html' field (keys: outlet, title, url)"
    assert all("\n" not in reason for reason in errors.values())


def test_documents_carry_id_path_and_format(fixture_batch):
    docs = [d for d in fixture_batch if isinstance(d, Document)]
    assert [d.source_format for d in docs] == ["jsonl", "txt", "html", "txt", "txt"]
    for d in docs:
        assert d.id == content_id(d.text)
        assert d.path.startswith(str(FIXTURES) + "/")


def test_paths_stay_as_given(tmp_path, monkeypatch):
    (tmp_path / "articles").mkdir()
    (tmp_path / "articles" / "arsal.txt").write_text(ARTICLE)
    monkeypatch.chdir(tmp_path)
    assert read_one("articles").path == "articles/arsal.txt"
    assert read_one("articles/arsal.txt").path == "articles/arsal.txt"


def test_cp1252_curly_quotes_decoded():
    doc = read_one(FIXTURES / "cp1252_jisr.txt")
    assert "\u201cWe will not let them leave with their weapons,\u201d a commander told the station \u2014" in doc.text
    assert "Ren\u00e9e Dupr\u00e9" in doc.text
    assert "the town\u2019s clinics" in doc.text
    assert doc.title == "Rebels and army trade fire near Jisr al-Shughur"


def test_utf16_with_bom_decoded():
    doc = read_one(FIXTURES / "utf16_zabadani.txt")
    assert doc.text.startswith("Government helicopters dropped barrel bombs on the town of Zabadani")


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16-le", "utf-16-be", "utf-16", "cp1252"])
def test_encodings(tmp_path, encoding):
    text = "\u201cThe army will hold Arsal,\u201d the general said.\n\n" + ARTICLE
    path = tmp_path / "a.txt"
    path.write_bytes(text.encode(encoding))
    doc = read_one(path)
    assert doc.text.startswith("\u201cThe army will hold Arsal,\u201d the general said.")


def test_undecodable_bytes_are_reported(tmp_path):
    data = bytes(range(128, 256)) * 4  # every high byte: no single-byte code page makes text of it
    assert decode_bytes(data)[0] is None
    path = tmp_path / "mangled.txt"
    path.write_bytes(data)
    assert error_of(path).startswith("not decodable")


@pytest.mark.parametrize("data, reason", [
    (b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "binary file (PNG image), not an article"),
    (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n", "binary file (PDF document), not an article"),
    (b"PK\x03\x04" + b"\x14" * 30, "binary file (zip archive (or .docx/.xlsx)), not an article"),
    (b"army shelled Arsal\x00\x00\x07\x00\x00\x00\x12\x00" * 20, "binary file (contains NUL bytes), not an article"),
    (b"   \n\t\n  ", "empty (whitespace only)"),
])
def test_binary_and_empty_files(tmp_path, data, reason):
    path = tmp_path / "article.txt"
    path.write_bytes(data)
    assert error_of(path) == reason


def test_control_characters_mean_binary(tmp_path):
    path = tmp_path / "dump.txt"
    path.write_bytes(bytes(range(1, 9)) * 50 + b"Arsal " * 20)
    assert error_of(path).startswith("binary file (")


def test_file_over_max_bytes(tmp_path):
    path = tmp_path / "big.txt"
    path.write_text(ARTICLE * 20)
    reason = error_of(path, max_bytes=1000)
    assert reason.startswith("too large:") and "1,000" in reason


def test_missing_file_and_batch_goes_on(tmp_path):
    good = tmp_path / "good.txt"
    good.write_text(ARTICLE)
    items = list(read_inputs([str(tmp_path / "missing.txt"), str(good)]))
    assert isinstance(items[0], ReadError) and items[0].reason == "no such file or directory"
    assert isinstance(items[1], Document)


def test_directory_skips_hidden_and_reports_unknown(tmp_path):
    (tmp_path / ".hidden.txt").write_text(ARTICLE)
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "HEAD.txt").write_text(ARTICLE)
    (tmp_path / "photo.jpg").write_bytes(b"\xff\xd8\xff")
    (tmp_path / "notes.md").write_text(ARTICLE)  # a folder's README is not an input: skipped without a word
    (tmp_path / "feed.xml").write_text(ARTICLE)
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "second.htm").write_text(f"<html><body><p>{ARTICLE}</p></body></html>")
    (tmp_path / "a.text").write_text(ARTICLE)
    items = list(read_inputs([str(tmp_path)]))
    names = [Path(i.path if isinstance(i, Document) else i.source).name for i in items]
    assert names == ["a.text", "second.htm", "feed.xml"]
    assert "not an article extension" in items[2].reason


def test_directory_with_nothing_readable(tmp_path):
    (tmp_path / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1")
    (tmp_path / "cover.png").write_bytes(b"\x89PNG")
    items = list(read_inputs([str(tmp_path)]))
    assert len(items) == 1
    assert items[0].source == str(tmp_path) and items[0].reason.startswith("no article files in this directory")


def test_unknown_extension_given_by_name_is_sniffed(tmp_path):
    page = tmp_path / "page.dat"
    page.write_text(f"<!DOCTYPE html><html><head><title>Arsal</title></head><body><p>{ARTICLE}</p></body></html>")
    plain = tmp_path / "article"
    plain.write_text(ARTICLE)
    assert read_one(page).source_format == "html"
    assert read_one(plain).source_format == "txt"


def test_sniff_format():
    assert sniff_format("  <!doctype html><html></html>") == "html"
    assert sniff_format("<div><p>Arsal</p><p>Qalamoun</p></div>") == "html"
    assert sniff_format('{"text": "Arsal"}\n{"text": "Yabroud"}') == "jsonl"
    assert sniff_format("Fighting in Arsal <b>continued</b>.") == "txt"


def test_stdin_text_html_and_jsonl():
    doc = read_one("-", stdin=io.BytesIO(ARTICLE.encode()))
    assert (doc.path, doc.source_format) == ("-", "stdin")
    html = (FIXTURES / "qalamoun_offensive.html").read_text()
    doc = read_one("-", stdin=io.StringIO(html))
    assert doc.outlet == "Cedar Post" and doc.published == "2014-03-16"
    lines = json.dumps({"text": ARTICLE, "outlet": "Cedar Post"}) + "\nnot json\n"
    items = list(read_inputs(["-"], stdin=io.BytesIO(lines.encode())))
    assert items[0].path == "-:1" and items[0].outlet == "Cedar Post"
    assert items[1].source == "-:2" and items[1].reason.startswith("malformed JSON line")


def test_stdin_empty_and_too_large():
    assert read_one("-", stdin=io.BytesIO(b"")).reason == "empty"
    assert read_one("-", stdin=io.BytesIO(ARTICLE.encode()), max_bytes=10).reason.startswith("too large")


def test_jsonl_given_fields_win(fixture_batch):
    doc = next(d for d in fixture_batch if isinstance(d, Document) and d.source_format == "jsonl")
    assert doc.title == "Lebanese army shells militants near Arsal"
    assert doc.outlet == "Reuters"
    assert doc.url == "https://www.reuters.com/article/lebanon-arsal-shelling"
    assert (doc.published, doc.published_precision) == ("2015-05-12", "day")
    assert doc.published_evidence == "record field: 2015-05-12"
    # The record's text was cleaned like a scraped page.
    assert "Advertisement" not in doc.text and "Share on Facebook" not in doc.text
    assert doc.text.startswith("The Lebanese army shelled militant positions")


def test_json_file_with_a_list_and_an_html_record(tmp_path):
    html = f"<html><head><meta property='og:site_name' content='Cedar Post'></head><body><p>{ARTICLE}</p></body></html>"
    path = tmp_path / "records.json"
    path.write_text(json.dumps([{"html": html, "published": "March 16, 2014"}, {"title": "no body"}, 7,
                                {"text": "  ", "title": "blank"}]))
    items = list(read_inputs([str(path)]))
    assert items[3].reason == "the record's 'text' field is empty"
    assert items[0].path == f"{path}:1" and items[0].outlet == "Cedar Post"
    assert (items[0].published, items[0].published_precision) == ("2014-03-16", "day")
    assert items[1].reason.startswith("record has no 'text' or 'html' field")
    assert items[2].reason == "not a JSON object but a int"


def test_html_page():
    doc = read_one(FIXTURES / "qalamoun_offensive.html")
    assert doc.title == "Syrian army and Hezbollah advance on Yabroud"
    assert doc.outlet == "Cedar Post"
    assert doc.url == "https://www.cedarpost.example/news/2014/03/16/yabroud-advance"
    assert (doc.published, doc.published_precision) == ("2014-03-16", "day")
    assert doc.published_evidence.startswith("meta/article:published_time")
    assert doc.captions == ["Soldiers on the road to Yabroud."]
    assert doc.text.startswith("Syrian government troops and Hezbollah fighters entered the town of Yabroud")
    assert '"The battle for Qalamoun is not over," a rebel spokesman said by telephone.' in doc.text
    for chrome in ("Middle East", "Opinion", "Refugees flee Qalamoun fighting", "All rights reserved", "Privacy",
                   "window.dataLayer"):
        assert chrome not in doc.text


def test_html_page_without_trafilatura(monkeypatch):
    # trafilatura 2.x fails to import where lxml_html_clean is missing; the tag-stripping fallback must do.
    monkeypatch.setitem(sys.modules, "trafilatura", None)
    doc = read_one(FIXTURES / "qalamoun_offensive.html")
    assert doc.title == "Syrian army and Hezbollah advance on Yabroud"
    assert doc.outlet == "Cedar Post"
    assert doc.url == "https://www.cedarpost.example/news/2014/03/16/yabroud-advance"
    assert doc.published == "2014-03-16"
    assert doc.text.startswith("Syrian government troops and Hezbollah fighters entered the town of Yabroud")
    assert doc.text.endswith("struck near Arsal on Sunday evening without causing casualties.")
    assert "Refugees flee Qalamoun fighting" not in doc.text and "By Karim Nassar" not in doc.text


def test_html_without_text(tmp_path):
    path = tmp_path / "empty.html"
    path.write_text("<html><head><script>var a = 1;</script></head><body></body></html>")
    assert error_of(path) == "no article text found in the HTML page"


def test_strip_tags_fallback():
    page = ("<html><head><title>t</title><style>p {}</style></head><body><nav>Home</nav><div>First line</div>"
            "<p>Second &amp; last</p><script>x()</script></body></html>")
    lines = [line.strip() for line in strip_tags(page).splitlines() if line.strip()]
    assert lines == ["First line", "Second & last"]
    doc = html_document("<p>" + ARTICLE.replace("\n\n", "</p><p>") + "</p>", "x.html")
    assert doc.text == ARTICLE.strip()


# --- the shared evaluation articles ---------------------------------------------------------------------------

def _flat(s: str | None) -> str:
    """Compare text as the shared scorer does: one kind of space, one kind of quote."""
    s = (s or "").replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"').replace("\u201d", '"')
    return re.sub(r"\s+", " ", s).strip()


needs_eval = pytest.mark.skipif(not (EVAL / "articles").is_dir(),
                                reason=f"shared evaluation set not found at {EVAL} (it sits beside the repo)")


@needs_eval
def test_eval_articles_publication_dates_and_lines():
    gold = json.loads((EVAL / "dev_gold.json").read_text())["documents"]
    files = sorted((EVAL / "articles").glob("*.txt"))
    docs = list(read_inputs([str(f) for f in files]))
    assert len(docs) == len(files) and all(isinstance(d, Document) for d in docs), docs
    for f, doc in zip(files, docs):
        g = gold[f.name]
        window = g["published"]
        assert window["start"] <= (doc.published or "") <= window["end"], (f.name, doc.published)
        assert doc.outlet == "Wikinews" and doc.url.startswith("https://en.wikinews.org/")
        text = _flat(doc.text)
        for line in g.get("boilerplate", []):
            assert _flat(line) not in text, (f.name, line)
        for line in g.get("keep", []):
            assert _flat(line) in text, (f.name, line)
        if g.get("duplicate_sentence"):
            assert text.count(_flat(g["duplicate_sentence"])) == 1, f.name
        # Every paragraph under the header lines is article text and must survive whole.
        raw_lines = f.read_text(encoding="utf-8").splitlines()
        for line in raw_lines[3:]:
            if len(line.split()) >= 8:
                assert _flat(line) in text, (f.name, line[:60])
        assert _flat(raw_lines[1]) not in text  # the dateline
        assert raw_lines[2].strip() not in doc.text  # the URL


@needs_eval
def test_eval_articles_read_as_one_directory():
    items = list(read_inputs([str(EVAL / "articles")]))
    assert len(items) == 8 and all(isinstance(i, Document) for i in items)
    assert len({i.id for i in items}) == 8
