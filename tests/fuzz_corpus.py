"""A corpus of hostile inputs for the readers and the cleaner, written by code at test time (nothing binary is
committed): broken and unusual encodings, archives under article names, absurd sizes and nesting, malformed
JSON Lines, markup built to make a parser or a regular expression take quadratic time, and folder oddities
(a symlink loop, an unreadable file, a FIFO).

    from fuzz_corpus import write_corpus
    inputs = write_corpus(folder)  # {file name relative to folder: what is nasty about it}

Not a test module: tests/test_fuzz.py (the fast subset CI runs) and benchmarks/fuzz.py (the full measurement)
both build their corpus with it. Each file's name says what it holds.
"""
from __future__ import annotations

import codecs
import gzip
import io
import json
import os
import zipfile
from collections.abc import Callable
from pathlib import Path

# A short report in plain English, written for these tests: the readable part inside many nasty files.
PARAGRAPHS = [
    "Government troops shelled the hill town of Kafr Tahrim on Tuesday, killing at least four civilians and "
    "wounding eleven, a local monitoring group said.",
    "The shelling began shortly after dawn and lasted for about three hours, according to two residents reached "
    "by telephone, who said most families had fled to olive groves outside the town.",
    "A spokesman for the rebel brigade that holds the town said its fighters had not fired back, and accused the "
    "army of targeting the market and a bakery that had reopened last week.",
    "The defence ministry said in a statement that its forces had struck positions used by armed groups to "
    "attack nearby villages, and made no mention of civilian casualties.",
]
ARTICLE = "\n\n".join(PARAGRAPHS) + "\n"

_WORDS = ("army rebels town village market bakery convoy checkpoint ministry statement residents families "
          "fighters brigade commander border crossing hospital school bridge road river valley hill airport "
          "district province council mayor police drone artillery mortar ceasefire talks envoy").split()


def varied_sentences(n: int, start: int = 0) -> list[str]:
    """``n`` distinct English sentences (numbers and word choice vary), so no cleaning rule collapses them;
    ``start`` continues a series."""
    out = []
    for i in range(start, start + n):
        a, b, c = _WORDS[i % len(_WORDS)], _WORDS[(i * 7 + 3) % len(_WORDS)], _WORDS[(i * 13 + 5) % len(_WORDS)]
        out.append(f"The {a} near the {b} was hit {i % 97 + 2} times on day {i}, and the {c} said it would "
                   f"report the damage to the council by the end of week {i // 7 + 1}.")
    return out


def _article_bytes(encoding: str = "utf-8") -> bytes:
    return ARTICLE.encode(encoding)


def _gzip() -> bytes:
    return gzip.compress(_article_bytes())


def _zip() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("article.txt", ARTICLE)
    return buf.getvalue()


def _sprinkle(text: str, insert: str, every: int) -> str:
    return insert.join(text[i:i + every] for i in range(0, len(text), every))


def _jsonl(*records: object) -> bytes:
    return "\n".join(r if isinstance(r, str) else json.dumps(r) for r in records).encode() + b"\n"


def _long_line(n_bytes: int) -> bytes:
    """English sentences run together with no newline, ``n_bytes`` long."""
    parts, size, i = [], 0, 0
    while size < n_bytes:
        chunk = " ".join(varied_sentences(200, start=i)) + " "
        parts.append(chunk)
        size += len(chunk)
        i += 200
    return "".join(parts).encode()[:n_bytes]


def _html(body: str, head: str = "") -> bytes:
    return f"<!DOCTYPE html><html><head>{head}<title>Shelling of Kafr Tahrim</title></head><body>{body}" \
           f"</body></html>".encode()


def _paragraphs_html() -> str:
    return "".join(f"<p>{p}</p>" for p in PARAGRAPHS)


MIXED_SCRIPTS = (
    "Residents of Kafr Tahrim said the market was hit twice on Tuesday, the Arabic banner reading "
    "\u0633\u0648\u0642 \u0627\u0644\u0634\u0639\u0628 (the people's market) was torn down.\n\n"
    "A Hebrew caption \u202b\u05e9\u05dc\u05d5\u05dd \u05e2\u05dc\u05d9\u05db\u05dd\u202c and a reversed label "
    "\u202eTNEMETATS\u202c circulated online, with isolates \u2066\u05d0\u05d1\u2069 and marks \u200f\u200e.\n\n"
    "Chinese state media wrote \u653f\u5e9c\u519b\u70ae\u51fb\u57ce\u9547 in its report, and users replied with "
    "\U0001f1f8\U0001f1fe \U0001f468\u200d\U0001f469\u200d\U0001f467 and \U0001f3f3\ufe0f\u200d\U0001f308.\n\n"
    "Combining marks pile up on some names: Ka\u0301\u0300\u0302fr Ta\u0308\u0323hri\u0301m, and zero-width "
    "joiners sit inside words like sh\u200dell\u200dng and mar\u200cket.\n\n" + ARTICLE)

MOSTLY_ARABIC = ("\u202b" + "\u0642\u0635\u0641\u062a \u0627\u0644\u0642\u0648\u0627\u062a "
                 "\u0627\u0644\u062d\u0643\u0648\u0645\u064a\u0629 \u0628\u0644\u062f\u0629 "
                 "\u0643\u0641\u0631 \u062a\u062d\u0631\u064a\u0645 \u064a\u0648\u0645 "
                 "\u0627\u0644\u062b\u0644\u0627\u062b\u0627\u0621. " * 40 + "\u202c The army said so.\n")


# Tags opened over and over and never closed: each made a regular expression rescan the rest of the page.
_UNCLOSED_TAGS = {"p": "<p ", "script": "<script>", "comment": "<!--", "title": "<title>",
                  "figcaption": "<figcaption>", "link": "<link rel=canonical ", "time": "<time datetime='2015-05-12' ",
                  "meta": "<meta "}


def _files(long_line_bytes: int) -> dict[str, tuple[str, Callable[[], bytes]]]:
    """File name → (what is nasty about it, its bytes)."""
    deep = 10_000
    truncated = json.dumps({"text": ARTICLE, "title": "Kafr Tahrim"})
    return {
        # bytes that are not (or not only) text
        "nul_bytes_in_article.txt": ("NUL bytes all through an article",
                                     lambda: _sprinkle(ARTICLE, "\x00", 40).encode()),
        "nul_bytes_only": ("nothing but NUL bytes, no extension", lambda: b"\x00" * 4096),
        "invalid_utf8_mixed.txt": ("an article with invalid UTF-8 sequences in it",
                                   lambda: _article_bytes().replace(b" the ", b" \xff\xfe\xc3\x28 the ", 3)),
        "invalid_utf8_truncated_multibyte.txt": ("an article cut in the middle of a multi-byte character",
                                                 lambda: ("Caf\u00e9 " + ARTICLE + "\u2014").encode()[:-1]),
        "utf16le_no_bom.txt": ("UTF-16 little-endian without a byte-order mark", lambda: _article_bytes("utf-16-le")),
        "utf16be_no_bom.txt": ("UTF-16 big-endian without a byte-order mark", lambda: _article_bytes("utf-16-be")),
        "utf16le_no_bom_odd_length.txt": ("UTF-16 without a BOM, its last byte cut off",
                                          lambda: _article_bytes("utf-16-le")[:-1]),
        "utf32_with_bom.txt": ("UTF-32 with its byte-order mark", lambda: _article_bytes("utf-32")),
        "utf32le_no_bom.txt": ("UTF-32 little-endian without a byte-order mark", lambda: _article_bytes("utf-32-le")),
        "utf32be_bom_truncated.txt": ("a UTF-32 byte-order mark before bytes that are not UTF-32",
                                      lambda: codecs.BOM_UTF32_BE + _article_bytes()[:101]),
        "control_characters.txt": ("mostly control characters", lambda: bytes(range(1, 32)) * 300 + _article_bytes()),
        "control_characters_sprinkled.txt": ("a few control characters inside an article",
                                             lambda: _sprinkle(ARTICLE, "\x07", 300).encode()),
        # sizes
        f"long_line_{long_line_bytes // 1_000_000}mb.txt": (f"{long_line_bytes:,} bytes of text with no newline",
                                                            lambda: _long_line(long_line_bytes)),
        "one_enormous_word.txt": ("one 2,000,000-letter word", lambda: b"a" * 2_000_000),
        "capital_word_with_credit.txt": ("a 200,000-letter capitalised word before a photo credit",
                                         lambda: ("(" + "A" * 200_000 + " Reuters").encode()),
        "unicode_space_runs.txt": ("words apart by runs of U+2028 and U+1680 100,000 long",
                                   lambda: ("(Kafr" + "\u2028" * 100_000 + "Tahrim" + "\u1680" * 100_000
                                            + "| Ltd").encode()),
        "many_short_prose_lines.txt": ("6,000 distinct one-sentence paragraphs",
                                       lambda: "\n\n".join(varied_sentences(6_000)).encode()),
        "many_wrapped_lines.txt": ("one paragraph hard-wrapped into 50,000 lower-case lines",
                                   lambda: ("Government troops shelled the town\n" + "and the market again\n" * 50_000)
                                   .encode()),
        "many_headline_lines.txt": ("8,000 headline-like lines and no sentence",
                                    lambda: "\n\n".join(f"Shelling of Kafr Tahrim part {i} continues"
                                                        for i in range(8_000)).encode()),
        # scripts and directions
        "mixed_scripts_english.txt": ("English with Arabic, Hebrew and bidi controls (U+202E), Chinese, emoji, "
                                      "combining marks and zero-width joiners", lambda: MIXED_SCRIPTS.encode()),
        "mostly_arabic_with_bidi.txt": ("right-to-left Arabic in embedding controls, one English sentence",
                                        lambda: MOSTLY_ARABIC.encode()),
        "emoji_and_joiners_only.txt": ("emoji sequences and joiners, no words",
                                       lambda: ("\U0001f468\u200d\U0001f469\u200d\U0001f467 \U0001f525\ufe0f " * 500)
                                       .encode()),
        # empty and white space
        "empty.txt": ("zero bytes", lambda: b""),
        "empty.html": ("zero bytes", lambda: b""),
        "empty.jsonl": ("zero bytes", lambda: b""),
        "spaces_only.txt": ("spaces only", lambda: b" " * 5000),
        "tabs_only.txt": ("tabs only", lambda: b"\t" * 5000),
        "crlf_only.txt": ("CR LF pairs only", lambda: b"\r\n" * 5000),
        "nbsp_only.txt": ("no-break spaces only (UTF-8)", lambda: "\u00a0".encode() * 5000),
        "line_separator_only.txt": ("U+2028 line separators only", lambda: "\u2028".encode() * 5000),
        "whitespace_only.jsonl": ("blank JSON Lines", lambda: b"\n  \n\t\n\r\n"),
        # JSON Lines and JSON
        "truncated_lines.jsonl": ("a good record, then records cut short",
                                  lambda: _jsonl({"text": ARTICLE}, truncated[:40], truncated[:-1], '{"text": "Kafr')),
        "wrong_types.jsonl": ("'text', 'html', 'title' and 'published' of every wrong type",
                              lambda: _jsonl({"text": ["a", "list"]}, {"text": 42}, {"text": None}, {"text": True},
                                             {"text": {"nested": "object"}}, {"html": 3.5}, {"content": []},
                                             {"text": ARTICLE, "title": ["x"], "published": 20150512, "url": 7},
                                             {"text": ARTICLE, "source": {"name": None}, "date": [2015, 5]},
                                             "[1, 2, 3]", '"just a string"', "null", "12")),
        "huge_numbers.jsonl": ("numbers past float and int limits",
                               lambda: _jsonl('{"text": 1e999999}', '{"text": -1e400, "title": "x"}',
                                              '{"text": ' + "9" * 10_000 + "}",
                                              '{"text": "' + ARTICLE.replace("\n", "\\n") + '", "published": '
                                              + "1" * 5000 + "}")),
        "deep_array_100000.jsonl": ("an array nested 100,000 deep",
                                    lambda: b"[" * 100_000 + b"]" * 100_000 + b"\n"),
        "deep_array_100000.json": ("an array nested 100,000 deep", lambda: b"[" * 100_000 + b"]" * 100_000),
        "deep_array_no_extension": ("an array nested 100,000 deep, format sniffed",
                                    lambda: b"[" * 100_000 + b"]" * 100_000),
        "deep_object_in_record.jsonl": ("a record whose 'text' is nested 100,000 deep",
                                        lambda: b'{"text": ' + b'{"a": ' * 100_000 + b"1" + b"}" * 100_001 + b"\n"),
        "nan_and_infinity.jsonl": ("NaN and Infinity as values",
                                   lambda: _jsonl('{"text": NaN}', '{"text": Infinity}', '{"title": -Infinity}',
                                                  '{"text": "' + ARTICLE.replace("\n", "\\n")
                                                  + '", "published": NaN}')),
        "lone_surrogates.jsonl": ("unpaired UTF-16 surrogates escaped in strings",
                                  lambda: _jsonl('{"text": "\\ud800' + ARTICLE.replace("\n", "\\n") + '"}',
                                                 '{"text": "' + ARTICLE.replace("\n", "\\n\\udfff")
                                                 + '", "title": "\\udc00 Kafr", "url": "http://x.org/\\ud83d"}',
                                                 '{"html": "<p>\\ud800</p>' + _paragraphs_html() + '"}',
                                                 '{"\\ud800key": "no text field"}')),
        "control_space_run_in_record.jsonl": ("a record whose text has 100,000 U+001F (a space to str.split)",
                                              lambda: _jsonl({"text": "(Kafr" + "\x1f" * 100_000 + "| Ltd"})),
        "bom_before_json.jsonl": ("a UTF-8 BOM before the first record",
                                  lambda: codecs.BOM_UTF8 + _jsonl({"text": ARTICLE})),
        "bom_before_json.json": ("a UTF-8 BOM before a JSON list",
                                 lambda: codecs.BOM_UTF8 + json.dumps([{"text": ARTICLE}]).encode()),
        "text_field_not_string.json": ("a JSON list whose 'text' fields are lists, numbers and null",
                                       lambda: json.dumps([{"text": ["x"]}, {"text": 1}, {"text": None}, [],
                                                           "string"]).encode()),
        "empty_list.json": ("an empty JSON list", lambda: b"[]"),
        # archives under article names
        **{f"gzip_as{ext}": (f"gzip bytes named {ext or 'without an extension'}", _gzip)
           for ext in (".txt", ".html", ".jsonl", ".json", "")},
        **{f"zip_as{ext}": (f"zip bytes named {ext or 'without an extension'}", _zip)
           for ext in (".txt", ".html", ".jsonl", ".json", "")},
        # markup
        "deep_div_10000.html": ("<div> nested 10,000 deep around an article",
                                lambda: _html("<div>" * deep + _paragraphs_html() + "</div>" * deep)),
        "deep_bold_10000_unclosed.html": ("<b> opened 10,000 times, never closed",
                                          lambda: _html("<b>" * deep + _paragraphs_html())),
        "deep_div_bold_unclosed.html": ("<div><b> opened 10,000 times, never closed",
                                        lambda: ("<html><body>" + "<div><b>" * deep + _paragraphs_html()).encode()),
        "html_100000_attributes.html": ("one element with 100,000 attributes",
                                        lambda: _html("<p " + " ".join(f'a{i}="x"' for i in range(100_000)) + ">"
                                                      + PARAGRAPHS[0] + "</p>" + _paragraphs_html())),
        "html_unclosed_comment.html": ("a comment opened and never closed",
                                       lambda: _html(_paragraphs_html() + "<!-- " + ARTICLE * 50)),
        "html_script_without_end.html": ("<script> with no end tag",
                                         lambda: _html(_paragraphs_html() + "<script>var a = '<p>';" * 2000)),
        "html_entity_bomb.html": ("&amp; 200,000 times and numeric entities out of range",
                                  lambda: _html(_paragraphs_html() + "<p>" + "&amp;" * 200_000 + "</p>"
                                                + "<p>&#99999999; &#x110000; &#xD800; &#0; &#-1; &#; &#x;</p>")),
        "html_cdata.html": ("CDATA sections, one never closed",
                            lambda: _html("<![CDATA[ x ]]>" + _paragraphs_html() + "<![CDATA[" + "]]" * 5000)),
        "html_lone_angle_brackets.html": ("300,000 '<' that open no tag", lambda: b"<" * 300_000),
        **{f"html_unclosed_{name}_tags.html": (f"{tag!r} 20,000 times, never closed",
                                               lambda tag=tag: ("<html><body>" + tag * 20_000).encode())
           for name, tag in _UNCLOSED_TAGS.items()},
        "html_meta_long_attribute_name.html": ("a <meta> with a 200,000-letter attribute name",
                                               lambda: _html(_paragraphs_html(),
                                                             head="<meta " + "a" * 200_000 + ">")),
        "html_attribute_full_of_tags.html": ("a <meta> content attribute holding 50,000 '<link' tags",
                                             lambda: _html(_paragraphs_html(), head='<meta name="viewport" '
                                                           'content="width=' + "<link rel=canonical " * 50_000
                                                           + '">')),
        "html_og_title_space_run.html": ("an og:title with 200,000 spaces before ' | Outlet'",
                                         lambda: _html(_paragraphs_html(), head='<meta property="og:site_name" '
                                                       'content="Outlet"><meta property="og:title" content="x'
                                                       + " " * 200_000 + 'x | Outlet">')),
    }


def write_corpus(folder: str | os.PathLike[str], long_line_bytes: int = 50_000_000) -> dict[str, str]:
    """Write the corpus into ``folder`` (created) and return {name relative to folder: what is nasty about it}.

    Besides the files: a symlink to itself, a sub-folder with a symlink to its parent (a loop for any walker
    that follows links), a dangling symlink, a FIFO where the OS has them, and a file nobody may read (only
    when not root, who may read anything)."""
    root = Path(folder)
    root.mkdir(parents=True, exist_ok=True)
    written: dict[str, str] = {}
    for name, (what, make) in _files(long_line_bytes).items():
        (root / name).write_bytes(make())
        written[name] = what
    loop = root / "symlink_loop"
    loop.mkdir()
    (loop / "parent").symlink_to("..", target_is_directory=True)
    (loop / "inside_the_loop.txt").write_text(ARTICLE)
    written["symlink_loop/inside_the_loop.txt"] = "an article in a folder that links back to its parent"
    (root / "symlink_to_itself.txt").symlink_to("symlink_to_itself.txt")
    written["symlink_to_itself.txt"] = "a symlink that points at itself"
    (root / "dangling_symlink.txt").symlink_to("no_such_target.txt")
    written["dangling_symlink.txt"] = "a symlink to a file that does not exist"
    try:  # bytes that are not UTF-8 in a file name (Latin-1 "café"): Python holds them as lone surrogates
        (Path(os.fsdecode(os.fsencode(root) + b"/name_not_utf8_caf\xe9.txt"))).write_text(
            "Owners of a cafe on the main square of Kafr Tahrim said its windows were blown out by a shell that "
            "landed nearby on Tuesday morning.\n\n" + ARTICLE)
        written["name_not_utf8_caf\\xe9.txt"] = "a file name that is not UTF-8 (shown with a \\xNN escape)"
    except (OSError, UnicodeError):  # file systems that only take UTF-8 names
        pass
    if hasattr(os, "mkfifo"):
        os.mkfifo(root / "fifo.txt")
        written["fifo.txt"] = "a named pipe nobody writes to (opening it would block)"
    if os.geteuid() != 0:
        unreadable = root / "unreadable.txt"
        unreadable.write_text(ARTICLE)
        unreadable.chmod(0)
        written["unreadable.txt"] = "a file without read permission"
    return written
