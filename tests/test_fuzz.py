"""Fuzzing the readers and the cleaner: the fast part, run on every CI build.

A corpus of hostile files (tests/fuzz_corpus.py) read as one batch, property tests over arbitrary bytes, text,
markup and JSON Lines, one `eventwire run` over the corpus, and one test for each bug the fuzzing found. The
full measurement, over 10,000 inputs with hangs caught in a child process, is `python benchmarks/fuzz.py`.

Time bounds are CPU seconds of this process (`time.process_time`), so that a busy machine does not fail them,
and grow with the input: 5 s plus 0.5 s per MB. The readers are linear in their input, at 0.15-0.2 s per MB for
English sentences run together on one line (the 50 MB line takes about 8 s of its 30) and up to 2 s per MB for
pages of short lines, which is why every input has 5 s; each bug fixed here was quadratic instead, and at these
sizes took from 15 s to hours.
"""
from __future__ import annotations

import json
import os
import signal
import time
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import EXAMPLES
from eventwire.ingest import clean, read_inputs
from eventwire.ingest import metadata as meta
from eventwire.ingest.clean import clean_article
from eventwire.ingest.readers import html_document, jsonl_documents, read_bytes, sniff_format, strip_tags
from eventwire.model import Document, ReadError, content_id
from fuzz_corpus import ARTICLE, PARAGRAPHS, varied_sentences, write_corpus

SECONDS_PER_INPUT, SECONDS_PER_MB = 5.0, 0.5
GOOD_ARTICLE = EXAMPLES / "2014-08-04_arsal.txt"
REASONS = {clean.TITLE, clean.URL, clean.DATELINE, clean.BYLINE, clean.CREDITS, clean.NAVIGATION, clean.SUBSCRIBE,
           clean.SHARE, clean.RELATED, clean.COMMENTS, clean.COOKIES, clean.ADVERT, clean.COPYRIGHT, clean.TAGLINE,
           clean.AUTHOR_BIO, clean.CAPTION, clean.PHOTO_CREDIT, clean.OTHER_SCRIPT, clean.DUPLICATE,
           clean.PULL_QUOTE, clean.TAGS, clean.SOCIAL, clean.WIDGET, clean.FOOTER, clean.SOURCES}


def bound(n_bytes: int) -> float:
    """CPU seconds an input of ``n_bytes`` may take."""
    return SECONDS_PER_INPUT + SECONDS_PER_MB * n_bytes / 1_000_000


def cpu_seconds(work) -> tuple[object, float]:
    started = time.process_time()
    result = work()
    return result, time.process_time() - started


def assert_well_formed(item: Document | ReadError, source: str) -> None:
    """A Document with text and its content hash, or a ReadError naming the input; never our safety net's
    "internal error" (an exception a reader let escape), and nothing a UTF-8 database or terminal would refuse."""
    assert isinstance(item, (Document, ReadError)), item
    if isinstance(item, Document):
        assert item.text.strip() and item.id == content_id(item.text)
        assert item.path.startswith(source)
        fields = [item.text, item.path, item.url, item.title, item.outlet, item.published, *item.captions,
                  *(r.text for r in item.removed_lines)]
    else:
        assert item.source.startswith(source) and item.reason.strip()
        assert "internal error" not in item.reason, item
        fields = [item.source, item.reason]
    for value in fields:
        if value is not None:
            value.encode("utf-8")  # raises on a lone surrogate


# --- the corpus as one batch -------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> tuple[Path, dict[str, str]]:
    folder = tmp_path_factory.mktemp("fuzz") / "corpus"
    names = write_corpus(folder)
    (folder / "good_article.txt").write_bytes(GOOD_ARTICLE.read_bytes())
    names["good_article.txt"] = "a real English article"
    return folder, names


def _input_name(item: Document | ReadError, folder: Path) -> str:
    """The corpus file an item comes from ("wire.jsonl:3" is a line of "wire.jsonl")."""
    source = item.path if isinstance(item, Document) else item.source
    relative = source[len(str(folder)) + 1:]
    name, _, line = relative.rpartition(":")
    return name if name and line.isdigit() else relative


@pytest.fixture(scope="module")
def batch(corpus) -> list[tuple[str, Document | ReadError, float]]:
    """(input name, item, CPU seconds since the previous item) for the whole corpus read as one batch, with
    max_bytes raised so that the 50 MB line is read."""
    folder, _ = corpus
    out = []
    items = read_inputs([str(folder)], max_bytes=60_000_000)
    while True:
        started = time.process_time()
        try:
            item = next(items)
        except StopIteration:
            break
        out.append((_input_name(item, folder), item, time.process_time() - started))
    return out


def test_every_input_of_the_batch_ends_in_a_document_or_a_read_error_in_bounded_time(corpus, batch):
    folder, names = corpus
    seen: dict[str, int] = {}
    for name, item, seconds in batch:
        assert name in names, f"an item names no input of the corpus: {item}"
        assert_well_formed(item, str(folder / name))
        seen[name] = seen.get(name, 0) + 1
        try:
            size = (folder / name).stat().st_size
        except (OSError, ValueError):
            size = 0
        assert seconds <= bound(size), f"{name}: {seconds:.1f} s CPU, over the bound of {bound(size):.1f} s"
    assert set(names) - set(seen) == set(), "inputs the batch never named"
    assert seen["symlink_loop/inside_the_loop.txt"] == 1  # the link back to the parent is not followed
    good = [item for name, item, _ in batch if name == "good_article.txt"]
    assert len(good) == 1 and isinstance(good[0], Document) and "Arsal" in good[0].text


def _items(batch, name: str) -> list[Document | ReadError]:
    return [item for n, item, _ in batch if n == name]


def test_corpus_outcomes_say_what_is_wrong(batch):
    def reason(name: str) -> str:
        (item,) = _items(batch, name)
        assert isinstance(item, ReadError), item
        return item.reason

    assert reason("gzip_as.json") == reason("gzip_as") == "binary file (gzip archive), not an article"
    assert reason("zip_as.html").startswith("binary file (zip archive")
    assert reason("nbsp_only.txt") == reason("line_separator_only.txt") == "empty (whitespace only)"
    assert reason("symlink_to_itself.txt").startswith("cannot read: Too many levels of symbolic links")
    assert reason("mostly_arabic_with_bidi.txt").startswith("not English (looks like Arabic")
    assert reason("utf32be_bom_truncated.txt").startswith("not decodable as utf-32-be despite its byte-order mark")
    for name in ("utf16le_no_bom.txt", "utf16be_no_bom.txt", "utf32_with_bom.txt", "mixed_scripts_english.txt",
                 "deep_div_10000.html", "deep_bold_10000_unclosed.html", "html_100000_attributes.html",
                 "html_entity_bomb.html", "html_script_without_end.html", "invalid_utf8_mixed.txt"):
        (doc,) = _items(batch, name)
        assert isinstance(doc, Document) and "Kafr Tahrim" in doc.text, (name, doc)
    wire = _items(batch, "wrong_types.jsonl")
    assert len(wire) == 13 and [type(d).__name__ for d in wire].count("Document") == 2


# --- one test per bug the fuzzing found ----------------------------------------------------------------------

def test_json_nested_past_the_recursion_limit_is_a_read_error(batch):
    # json.loads raises RecursionError (not a ValueError) past ~1,000 levels: it escaped jsonl_documents and
    # sniff_format and stopped the batch.
    for name in ("deep_array_100000.jsonl", "deep_array_100000.json", "deep_object_in_record.jsonl"):
        (item,) = _items(batch, name)
        assert isinstance(item, ReadError) and item.reason.startswith("malformed JSON line: nested too deeply")
    deep = "[" * 100_000 + "]" * 100_000
    assert sniff_format(deep) == "txt"
    for kind in (None, "jsonl", "json"):
        for item in read_bytes(deep.encode(), "deep", kind):
            assert_well_formed(item, "deep")


def test_lone_surrogates_in_json_become_replacement_characters():
    line = json.dumps({"text": "\ud800" + ARTICLE, "title": "\udfff Kafr", "url": "http://x.org/\ud83d"})
    (doc,) = jsonl_documents(line, "wire.jsonl", "jsonl")
    assert_well_formed(doc, "wire.jsonl")
    assert isinstance(doc, Document) and doc.title == "\ufffd Kafr" and doc.url == "http://x.org/\ufffd"
    (err,) = jsonl_documents('{"\\udc00key": 1}', "wire.jsonl", "jsonl")
    assert_well_formed(err, "wire.jsonl")
    assert err.reason == "record has no 'text' or 'html' field (keys: \ufffdkey)"


def test_file_name_that_is_not_utf8_is_shown_with_escapes(corpus, batch):
    folder, names = corpus
    if "name_not_utf8_caf\\xe9.txt" not in names:
        pytest.skip("this file system takes UTF-8 names only")
    (doc,) = _items(batch, "name_not_utf8_caf\\xe9.txt")
    assert isinstance(doc, Document) and doc.path == f"{folder}/name_not_utf8_caf\\xe9.txt"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_fifo_in_a_folder_is_refused_without_blocking(tmp_path):
    # os.walk lists a FIFO among the files; opening it blocked until something wrote to it: forever.
    os.mkfifo(tmp_path / "pipe.txt")
    (tmp_path / "good.txt").write_text(ARTICLE)

    def blocked(*_):
        raise TimeoutError("read_inputs blocked on a FIFO")

    previous = signal.signal(signal.SIGALRM, blocked)
    signal.alarm(10)
    try:
        items = list(read_inputs([str(tmp_path)]))
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    assert [type(i).__name__ for i in items] == ["Document", "ReadError"]
    assert items[1].reason.startswith("not a regular file (a pipe")


def test_utf16_without_bom_cut_short_says_so():
    (err,) = read_bytes(ARTICLE.encode("utf-16-le")[:-1], "cut.txt", None)
    assert err.reason == "not decodable as utf-16-le (no byte-order mark; truncated data)"


# Inputs that each made one regular expression or loop quadratic; the comment says how long the old code took.
QUADRATIC_TEXT = {
    # the trailing-credit search, from every start inside the word: 16,000 letters took 10 s
    "capitalised word before a credit": "(" + "A" * 100_000 + " Reuters",
    # \s* in the line rules over a run of white space normalise_text left alone: 8,000 took 11 s
    "run of U+2028": "(Kafr" + "\u2028" * 100_000 + "Tahrim | Ltd",
    "run of U+1680": "(Kafr" + "\u1680" * 100_000 + "Tahrim | Ltd",
    "run of U+001F": "(Kafr" + "\x1f" * 100_000 + "Tahrim | Ltd",
    # _unwrap re-split the growing paragraph for each wrapped line: 8,000 lines took 18 s
    "hard-wrapped lines": "Government troops shelled the town\n" + "and the market again\n" * 50_000,
}


@pytest.mark.parametrize("name", QUADRATIC_TEXT)
def test_cleaning_is_linear_on(name):
    text = QUADRATIC_TEXT[name]
    cleaned, seconds = cpu_seconds(lambda: clean_article(text))
    assert "\n\n\n" not in cleaned.text
    assert seconds <= bound(len(text.encode())), f"{seconds:.1f} s CPU"


def test_pull_quotes_and_headlines_are_not_compared_pair_by_pair():
    # _collapse_repeats compared every short line with every paragraph (10,000 lines: 43 s), and _mark_header
    # scanned the rest of the page for each headline-like line (20,000 lines: 15 s).
    lines = clean._unwrap(clean.normalise_text("\n\n".join(varied_sentences(10_000))))
    _, seconds = cpu_seconds(lambda: clean._collapse_repeats(lines, []))
    assert seconds <= SECONDS_PER_INPUT, f"{seconds:.1f} s CPU"
    heads = clean._unwrap(clean.normalise_text("\n\n".join(f"Shelling of Kafr part {i} goes on"
                                                           for i in range(20_000))))
    _, seconds = cpu_seconds(lambda: clean._mark_header(heads, light=False))
    assert seconds <= SECONDS_PER_INPUT, f"{seconds:.1f} s CPU"


def test_pull_quote_far_down_a_long_page_is_still_found():
    quote = "The shelling began shortly after dawn and lasted for about three hours"
    text = "\n\n".join([PARAGRAPHS[0], f"\u201c{quote}\u201d", *varied_sentences(150), PARAGRAPHS[1]])
    cleaned = clean_article(text)
    assert PARAGRAPHS[1] in cleaned.text
    assert any(r.reason == clean.DUPLICATE and quote in r.text for r in cleaned.removed_lines)


UNCLOSED = ["<p ", "<script>", "<!--", "<title>", "<figcaption>", "<link rel=canonical ",
            "<time datetime='2015-05-12' ", "<meta ", "<"]


@pytest.mark.parametrize("tag", UNCLOSED)
def test_markup_is_linear_on_tags_never_closed(tag):
    # Each of strip_tags, the title, caption, canonical-link and <time> patterns and html_meta rescanned the
    # rest of the page from every tag never closed: 20,000 of them took from 13 s to over a minute.
    markup = "<html><body><p>" + PARAGRAPHS[0] + "</p>" + tag * 20_000
    _, seconds = cpu_seconds(lambda: (strip_tags(markup), meta.html_published(markup), html_document(markup, "x")))
    assert seconds <= bound(len(markup)), f"{seconds:.1f} s CPU"


def test_meta_attribute_name_and_element_with_many_attributes():
    # _ATTR tried a 50,000-letter attribute name from each of its letters (81 s); lxml and htmldate are
    # quadratic in the attributes of one element (16,000 took 6 s, 100,000 minutes): trafilatura is skipped then.
    long_name = "<html><head><meta " + "a" * 50_000 + "></head><body><p>" + PARAGRAPHS[0] + "</p></body></html>"
    crowded = ("<html><body><p " + " ".join(f'a{i}="x"' for i in range(100_000)) + ">" + PARAGRAPHS[0]
               + "</p></body></html>")
    for markup in (long_name, crowded):
        doc, seconds = cpu_seconds(lambda markup=markup: html_document(markup, "x.html"))
        assert isinstance(doc, Document) and doc.text == PARAGRAPHS[0]
        assert seconds <= bound(len(markup)), f"{seconds:.1f} s CPU"


def test_attribute_value_full_of_tags_is_read_without_trafilatura():
    # trafilatura strips tags from a <meta> content with <[^>]*>, rescanning from every "<": 50,000 "<link" in
    # one attribute value took minutes (benchmarks/fuzz.py found it, a quote lost in front of them).
    markup = ('<html><head><meta name="viewport" content="width=' + "<link rel=canonical " * 50_000 + '">'
              "</head><body><p>" + PARAGRAPHS[0] + "</p></body></html>")
    doc, seconds = cpu_seconds(lambda: html_document(markup, "x.html"))
    assert isinstance(doc, Document) and doc.text == PARAGRAPHS[0]
    assert seconds <= bound(len(markup)), f"{seconds:.1f} s CPU"


# --- properties over generated inputs -------------------------------------------------------------------------

KINDS = st.sampled_from([None, "txt", "html", "jsonl", "json"])
CODECS = ["utf-8", "utf-16-le", "utf-16-be", "utf-16", "utf-32", "cp1252", "latin-1", "utf-7"]
SNIPPETS = PARAGRAPHS + ["Share on Facebook", "Photo: Reuters/Omar Sanadiki", "Published: May 12, 2015",
                         "By Jane Doe | Cedar Post", "Related articles", "© 2015 Cedar Post", "(AFP)",
                         "Image caption Smoke over the town", "https://example.org/2015/05/12/story",
                         "Advertisement", "Comments (3)", "Sign up for our newsletter", "Home | World | Syria"]
ARTICLE_TEXT = st.lists(st.one_of(st.sampled_from(SNIPPETS), st.text(max_size=40),
                                  st.sampled_from(["\n", "\n\n", "\r\n", "\u2028", " \t ", "\x0c"])),
                        max_size=25).map("".join)
INPUT_BYTES = st.one_of(
    st.binary(max_size=3000),
    st.tuples(ARTICLE_TEXT, st.sampled_from(CODECS)).map(lambda t: t[0].encode(t[1], "replace")),
    st.tuples(st.binary(max_size=40), ARTICLE_TEXT, st.binary(max_size=40)).map(
        lambda t: t[0] + t[1].encode() + t[2]))
TAGS = ["<p>", "</p>", "<div>", "</div>", "<b>", "<script>", "</script>", "<style>", "<!--", "-->", "<title>",
        "</title>", "<meta property='og:title' content='", "<meta name='date' content='2015-05-12'>", "'>",
        "<figure><figcaption>", "</figcaption>", "<link rel=canonical href='http://x.org/2015/05/12/a'>",
        "<time datetime='", "&amp;", "&#99999999;", "&#xD800;", "&#0;", "<![CDATA[", "]]>", "<", ">", "<html>",
        "<body>", "<br/>", "<table><tr><td>", '"', "'", "=", "<a href='/x'>", "</a>", "<h1>", "</h1>", "<nav>"]
MARKUP = st.lists(st.one_of(st.sampled_from(TAGS), st.sampled_from(SNIPPETS), st.text(max_size=30)),
                  max_size=40).map("".join)
JSON_VALUE = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20) | st.sampled_from(SNIPPETS),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=6)
RECORD = st.fixed_dictionaries({}, optional={
    "text": JSON_VALUE | ARTICLE_TEXT, "html": JSON_VALUE | MARKUP, "content": JSON_VALUE, "title": JSON_VALUE,
    "url": JSON_VALUE, "source": JSON_VALUE, "published": JSON_VALUE | st.sampled_from(["2015-05-12", "May 2015"])})
JSON_LINE = st.one_of(
    RECORD.map(json.dumps), JSON_VALUE.map(json.dumps), st.text(max_size=60),
    RECORD.map(json.dumps).flatmap(lambda s: st.integers(0, len(s)).map(lambda i: s[:i])),  # cut short
    st.sampled_from(['{"text": "\\ud800 x"}', '{"text": NaN}', '{"text": 1e999}', "[" * 5000, '\ufeff{"a": 1}']))
FUZZ = settings(deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])


@settings(FUZZ, max_examples=300)
@given(data=INPUT_BYTES, kind=KINDS)
def test_read_bytes_never_raises(data, kind):
    items = list(read_bytes(data, "input", kind))
    assert items
    for item in items:
        assert_well_formed(item, "input")


@settings(FUZZ, max_examples=300)
@given(text=st.one_of(st.text(), ARTICLE_TEXT), light=st.booleans())
def test_clean_article_never_raises(text, light):
    cleaned = clean_article(text, light=light)
    assert isinstance(cleaned.text, str) and "\n\n\n" not in cleaned.text
    assert all(r.reason in REASONS for r in cleaned.removed_lines)


@settings(FUZZ, max_examples=100)
@given(markup=MARKUP)
def test_html_document_never_raises(markup):
    assert_well_formed(html_document(markup, "page.html"), "page.html")


@settings(FUZZ, max_examples=150)
@given(lines=st.lists(JSON_LINE, max_size=6), whole=st.booleans())
def test_jsonl_documents_never_raise(lines, whole):
    items = list(jsonl_documents("\n".join(lines), "wire.jsonl", "jsonl", whole_json=whole))
    assert items
    for item in items:
        assert_well_formed(item, "wire.jsonl")


# --- the same through `eventwire run` -----------------------------------------------------------------------------

def test_eventwire_run_over_the_corpus_records_every_bad_input(corpus, batch, tmp_path, monkeypatch):
    """One batch through the command, spaCy included: exit code 0, the good article stored, every input the
    readers refused in `read_errors`, and an article too long for spaCy recorded there too instead of stopping
    the run (spaCy's limit is lowered to 20,000 characters here so that the test stays fast)."""
    from eventwire import pipeline
    from eventwire.cli import main
    from eventwire.nlp import load_nlp

    folder, names = corpus
    overlong = tmp_path / "overlong_article.txt"
    overlong.write_text(" ".join(varied_sentences(200)))  # about 27,000 characters, all kept by the cleaner
    monkeypatch.setattr(pipeline, "MAX_CHARS", 20_000)
    monkeypatch.setattr(load_nlp(), "max_length", 1_000)
    db = tmp_path / "fuzz.duckdb"
    max_bytes = 300_000
    result = CliRunner().invoke(main, ["run", str(folder), str(overlong), "--db", str(db), "--quiet",
                                       "--processes", "1", "--max-bytes", str(max_bytes)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    with duckdb.connect(str(db), read_only=True) as con:
        stored = {row[0] for row in con.execute("SELECT id FROM documents").fetchall()}
        errors = {(s, r) for s, r in con.execute("SELECT source, reason FROM read_errors").fetchall()}
    error_sources = {s for s, _ in errors}
    (good,) = _items(batch, "good_article.txt")
    assert good.id in stored
    assert any(s == str(overlong) and r.startswith("too long to parse: ") for s, r in errors)
    for name in names:
        try:
            too_large = (folder / name).stat().st_size > max_bytes
        except (OSError, ValueError):
            too_large = False
        if too_large:
            assert any(s == str(folder / name) and r.startswith("too large:") for s, r in errors), name
            continue
        for item in _items(batch, name):
            if isinstance(item, ReadError):
                assert (item.source, item.reason) in errors, item
            else:  # stored, or as long as the overlong article and recorded for it
                assert item.id in stored or item.path in error_sources, item


def test_pipeline_reports_a_document_too_long_for_spacy_and_keeps_its_place(pipeline, monkeypatch):
    # nlp.pipe raised ValueError [E088] for a text over nlp.max_length, which stopped the whole batch.
    monkeypatch.setattr(pipeline.nlp, "max_length", 300)
    texts = [PARAGRAPHS[0], " ".join(PARAGRAPHS), PARAGRAPHS[2]]
    docs = [Document(id=content_id(t), text=t, path=f"article-{i}.txt") for i, t in enumerate(texts)]
    errors: list[ReadError] = []
    results = list(pipeline.process(docs, on_error=errors.append, keep_failed=True))
    assert [d.path for d, _ in results] == ["article-0.txt", "article-1.txt", "article-2.txt"]
    assert results[1][1] == [] and len(errors) == 1 and errors[0].source == "article-1.txt"
    assert errors[0].reason.startswith(f"too long to parse: {len(texts[1]):,} characters")
    assert [d.path for d, _ in pipeline.process(docs)] == ["article-0.txt", "article-2.txt"]
