"""Turning files, folders and stdin into Documents: finding inputs, refusing binary and oversized ones,
decoding text, and reading the three article formats (scraped text, HTML pages, JSONL records).

Nothing here raises for a bad input: every failure becomes a `ReadError` naming the input and what was wrong.
"""
from __future__ import annotations

import codecs
import html as html_lib
import json
import os
import re
import stat
import sys
from collections.abc import Iterable, Iterator
from typing import IO, Any

from eventwire.ingest import metadata as meta
from eventwire.ingest.clean import TITLE, CleanedArticle, clean_article, normalise_text
from eventwire.model import Document, ReadError, RemovedLine, content_id

ARTICLE_EXTENSIONS = {".txt": "txt", ".text": "txt", ".html": "html", ".htm": "html", ".jsonl": "jsonl",
                      ".json": "json"}
# Files a folder of articles commonly holds that nobody means as an article: skipped without a word.
_NOT_ARTICLES = {".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg", ".ico", ".bmp", ".tif", ".tiff", ".mp3", ".mp4",
                 ".wav", ".ogg", ".webm", ".mov", ".avi", ".woff", ".woff2", ".ttf", ".otf", ".css", ".js", ".map",
                 ".swp", ".swo", ".bak", ".tmp", ".part", ".crdownload", ".pyc", ".lock",
                 # a folder's own notes and tooling files sit beside articles; they are not inputs
                 ".md", ".rst", ".yml", ".yaml", ".toml", ".cfg", ".ini", ".py", ".duckdb", ".wal"}
_JUNK_NAMES = {"thumbs.db", "desktop.ini", "icon\r"}

_MAGIC: list[tuple[bytes, str]] = [
    (b"\x1f\x8b", "gzip archive"), (b"PK\x03\x04", "zip archive (or .docx/.xlsx)"), (b"PK\x05\x06", "zip archive"),
    (b"%PDF", "PDF document"), (b"\x89PNG", "PNG image"), (b"\xff\xd8\xff", "JPEG image"), (b"GIF8", "GIF image"),
    (b"\xfd7zXZ", "xz archive"), (b"7z\xbc\xaf\x27\x1c", "7z archive"), (b"Rar!", "RAR archive"),
    (b"\x7fELF", "executable"), (b"SQLite format 3\x00", "SQLite database"),
    (b"\xd0\xcf\x11\xe0", "Microsoft Office document"), (b"PAR1", "Parquet file"), (b"OggS", "Ogg media file"),
    (b"\x28\xb5\x2f\xfd", "zstd archive"), (b"{\\rtf", "RTF document"),
]  # signatures that plain words could start with ("MZ", "ID3", "BZh") are left to the NUL-byte test
_BOMS: list[tuple[bytes, str]] = [
    (codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"), (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"),
]
# Single-byte code pages charset-normalizer may name for Western text; English articles in any of them are
# really cp1252 (whose curly quotes latin-1 would turn into control characters).
_WESTERN = {"cp1252", "windows_1252", "latin_1", "iso8859_1", "iso8859_15", "cp1250", "iso8859_2", "mac_roman",
            "mac_latin2", "cp850", "cp437", "iso8859_9", "cp1254", "iso8859_3", "iso8859_4", "iso8859_10",
            "iso8859_13", "iso8859_14", "iso8859_16", "cp1257", "cp1258", "mac_iceland", "mac_turkish", "ascii"}
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")


# --- bytes → text ----------------------------------------------------------------------------------------

def binary_reason(data: bytes) -> str | None:
    """Why ``data`` is not text (a known file signature, NUL bytes), or None when it may be text."""
    if any(data.startswith(bom) for bom, _ in _BOMS):
        return None
    for magic, name in _MAGIC:
        if data.startswith(magic):
            return f"binary file ({name}), not an article"
    head = data[:8192]
    if b"\x00" in head and _utf16_without_bom(head) is None:
        return "binary file (contains NUL bytes), not an article"
    return None


def _utf16_without_bom(head: bytes) -> str | None:
    """UTF-16 text without a BOM shows as ASCII with a NUL in every other byte."""
    if len(head) < 4:
        return None
    even, odd = head[0::2], head[1::2]
    if odd.count(0) > 0.4 * len(odd) and even.count(0) < 0.05 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.4 * len(even) and odd.count(0) < 0.05 * len(odd):
        return "utf-16-be"
    return None


def decode_bytes(data: bytes) -> tuple[str | None, str]:
    """(text, encoding) for the bytes of an article, or (None, reason) when no encoding fits.

    Order: a BOM, BOM-less UTF-16, strict UTF-8, then charset-normalizer (Western guesses read as cp1252)."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom):].decode(encoding), encoding
            except UnicodeDecodeError as e:
                return None, f"not decodable as {encoding} despite its byte-order mark ({e.reason})"
    # Before UTF-8: ASCII text in UTF-16 is valid UTF-8 too, with a NUL after every letter.
    utf16 = _utf16_without_bom(data[:8192]) if b"\x00" in data[:8192] else None
    if utf16:
        try:
            return data.decode(utf16), utf16
        except UnicodeDecodeError as e:  # as UTF-8 it would read as text full of NULs: say what it is instead
            return None, f"not decodable as {utf16} (no byte-order mark; {e.reason})"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        import charset_normalizer
        best = charset_normalizer.from_bytes(data[:500_000]).best()
    except ImportError:  # optional: without it, Western text is still read as cp1252 below
        best = None
    encoding = best.encoding if best is not None else None
    if encoding is None or encoding.lower().replace("-", "_") in _WESTERN:
        try:
            return data.decode("cp1252"), "cp1252"
        except UnicodeDecodeError:
            if encoding is None:
                return None, "not decodable: not UTF-8, UTF-16 or cp1252, and no other encoding fits"
            return data.decode("latin-1"), "latin-1"
    try:
        return data.decode(encoding), encoding
    except (UnicodeDecodeError, LookupError) as e:
        return None, f"not decodable as {encoding} ({e})"


def sniff_format(text: str) -> str:
    """"html", "jsonl" or "txt" for text whose name does not say."""
    head = text.lstrip()[:4096]
    low = head.lower()
    if low.startswith("<!doctype html") or (low.startswith(("<html", "<?xml")) and "<html" in low):
        return "html"
    if len(re.findall(r"<(?:/?(?:p|div|span|body|head|article|section|h[1-6]|li|ul|table|title)\b|br\s*/?>|"
                      r"a\s+href|meta\s|script\b)", low)) >= 3:
        return "html"
    if head.startswith("{"):
        return "jsonl"  # no article starts with a brace; a broken first record is still reported per line
    if head.startswith("["):
        # "[Updated] Fighting in Arsal…" is an article; a JSON list parses whole.
        try:
            json.loads(text)
            return "json"
        except (ValueError, RecursionError):  # RecursionError: arrays nested past Python's recursion limit
            return "txt"
    return "txt"


# --- finding inputs ------------------------------------------------------------------------------------------

_SURROGATE = re.compile("[\ud800-\udfff]")


def _shown_name(path: str) -> str:
    """``path`` as Documents and ReadErrors name it. A file name that is not UTF-8 on disk reaches Python with
    its odd bytes as lone surrogates, which no UTF-8 output or database column accepts: they are shown as \\xNN."""
    if not _SURROGATE.search(path):
        return path
    try:
        return path.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:  # a surrogate that stands for no byte
        return _SURROGATE.sub("\ufffd", path)


def _skipped_silently(name: str) -> bool:
    low = name.lower()
    ext = os.path.splitext(low)[1]
    return name.startswith(".") or name.endswith("~") or low in _JUNK_NAMES or ext in _NOT_ARTICLES


def _walk(directory: str) -> Iterator[tuple[str, str | None] | ReadError]:
    """Files under ``directory`` in sorted order, with the format their extension names (None: sniff)."""
    found = 0
    entries: list[tuple[tuple[str, ...], str]] = []
    for root, dirs, files in os.walk(directory):
        dirs[:] = [d for d in dirs if not d.startswith(".") and d != "__pycache__"]
        for name in files:
            path = os.path.join(root, name)
            entries.append((tuple(os.path.relpath(path, directory).split(os.sep)), path))
    for _, path in sorted(entries):
        name = os.path.basename(path)
        if _skipped_silently(name):
            continue
        ext = os.path.splitext(name)[1].lower()
        if ext in ARTICLE_EXTENSIONS:
            found += 1
            yield path, ARTICLE_EXTENSIONS[ext]
        elif not ext:
            found += 1
            yield path, None
        else:
            yield ReadError(_shown_name(path), f"skipped: '{ext}' is not an article extension "
                                  f"({' '.join(ARTICLE_EXTENSIONS)}); name the file itself to read it anyway")
    if not found:
        yield ReadError(_shown_name(directory), "no article files in this directory "
                                   f"(looked for {', '.join(ARTICLE_EXTENSIONS)} files)")


def iter_inputs(paths: Iterable[str], max_bytes: int, stdin: IO[Any] | None,
                raw: bool = False) -> Iterator[Document | ReadError]:
    """The Documents and ReadErrors of files, directories (recursive, sorted) and "-" (stdin). ``raw``: each
    input's text as given, decoded but not cleaned (one Document per file, whatever its format)."""
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    for given in paths:
        p = os.fspath(given)
        if p == "-":
            yield from read_stdin(stdin, max_bytes, raw)
        elif os.path.isdir(p):
            for item in _walk(p):
                if isinstance(item, ReadError):
                    yield item
                else:
                    yield from read_file(item[0], item[1], max_bytes, raw)
        elif os.path.isfile(p):
            ext = os.path.splitext(p)[1].lower()
            yield from read_file(p, ARTICLE_EXTENSIONS.get(ext), max_bytes, raw)
        elif os.path.exists(p):
            yield ReadError(_shown_name(p), "not a regular file or directory")
        else:
            yield ReadError(_shown_name(p), "no such file or directory")


def read_file(path: str, kind: str | None, max_bytes: int, raw: bool = False) -> Iterator[Document | ReadError]:
    """The Documents of one file; ``kind`` is "txt", "html", "jsonl", "json" or None to sniff the content."""
    name = _shown_name(path)
    try:
        info = os.stat(path)
        if not stat.S_ISREG(info.st_mode):
            # A FIFO found in a folder would block the read until something writes to it: forever, in a batch.
            yield ReadError(name, "not a regular file (a pipe, socket or device), not an article")
            return
        size = info.st_size
        if size > max_bytes:
            yield ReadError(name, f"too large: {size:,} bytes, over the limit of {max_bytes:,} "
                                  "(raise max_bytes to read it)")
            return
        with open(path, "rb") as f:
            data = f.read()
    except OSError as e:
        yield ReadError(name, f"cannot read: {e.strerror or e}")
        return
    yield from read_bytes(data, name, kind, raw=raw)


def read_stdin(stdin: IO[Any] | None, max_bytes: int, raw: bool = False) -> Iterator[Document | ReadError]:
    """The Documents of standard input, whose format is sniffed (HTML, JSONL or text)."""
    stream = sys.stdin if stdin is None else stdin
    stream = getattr(stream, "buffer", stream)
    try:
        data = stream.read(max_bytes + 1)
    except (OSError, ValueError) as e:
        yield ReadError("-", f"cannot read standard input: {e}")
        return
    if isinstance(data, str):
        data = data.encode("utf-8")
    if len(data) > max_bytes:
        yield ReadError("-", f"too large: over the limit of {max_bytes:,} bytes (raise max_bytes to read it)")
        return
    yield from read_bytes(data, "-", None, stdin=True, raw=raw)


def read_bytes(data: bytes, source: str, kind: str | None, stdin: bool = False,
               raw: bool = False) -> Iterator[Document | ReadError]:
    """The Documents in the bytes of one input (a file or stdin) named ``source``."""
    if not data.strip():
        yield ReadError(source, "empty" if not data else "empty (whitespace only)")
        return
    problem = binary_reason(data)
    if problem:
        yield ReadError(source, problem)
        return
    text, encoding = decode_bytes(data)
    if text is None:
        yield ReadError(source, encoding)
        return
    sample = text[:65_536]
    controls = len(_CONTROL.findall(sample))
    if controls > 0.01 * len(sample) + 2:
        yield ReadError(source, f"binary file ({controls} control characters in the first "
                                f"{len(sample):,} characters), not an article")
        return
    if not text.strip():
        yield ReadError(source, "empty (whitespace only)")
        return
    kind = kind or sniff_format(text)
    fmt = "stdin" if stdin else {"json": "jsonl"}.get(kind, kind)
    if raw:  # offsets must point into the input as given: no cleaning, no extraction
        yield Document(id=content_id(text), text=text, path=source, source_format=fmt)
        return
    if kind == "html":
        yield _guarded(source, html_document, text, source, fmt)
    elif kind in ("jsonl", "json"):
        yield from jsonl_documents(text, source, fmt, whole_json=(kind == "json"))
    else:
        yield _guarded(source, text_document, text, source, fmt)


def _guarded(source: str, read: Any, *args: Any) -> Document | ReadError:
    """One input through one reader; a bug of ours on an odd input costs that input, not the batch."""
    try:
        return read(*args)
    except Exception as e:  # noqa: BLE001 - the contract is that read_inputs never raises for an input
        return ReadError(source, f"internal error while reading ({type(e).__name__}: {e}); please report it")


# --- the three formats -------------------------------------------------------------------------------------------

def _finish(cleaned: CleanedArticle, source: str, fmt: str, removed_before: list[RemovedLine] | None = None,
            **fields: Any) -> Document | ReadError:
    """A Document from a cleaned article, or the ReadError that says why it is not one."""
    removed = (removed_before or []) + cleaned.removed_lines
    if not cleaned.text.strip():
        return ReadError(source, f"no article text left after cleaning ({len(removed)} boilerplate lines removed)")
    problem = meta.non_english_reason(cleaned.text)
    if problem:
        return ReadError(source, problem)
    doc = Document(id=content_id(cleaned.text), text=cleaned.text, path=source, url=cleaned.url,
                   title=cleaned.title, outlet=cleaned.outlet, published=cleaned.published,
                   published_precision=cleaned.published_precision, published_evidence=cleaned.published_evidence,
                   removed_lines=removed, captions=cleaned.captions, source_format=fmt)
    for name, value in fields.items():
        if value is not None:
            setattr(doc, name, value)
    return doc


def text_document(text: str, source: str, fmt: str = "txt") -> Document | ReadError:
    """A Document from text scraped off a web page, boilerplate included."""
    return _finish(clean_article(text), source, fmt)


# A tag stops at the next "<" as well as at ">": with [^>]* a page of "<p <p <p…" that never closes a tag is
# rescanned to its end from every "<" (quadratic). An attribute value holding a raw "<" is cut short instead.
_DROPPED_ELEMENT = re.compile(r"<(script|style|noscript|template|svg|head|nav|footer|form|iframe)\b", re.I)
_COMMENT = re.compile(r"<!(--)")
_BLOCK_TAGS = re.compile(r"<\s*(?:br|/?p|/?div|/?li|/?h[1-6]|/?tr|/?article|/?section|/?blockquote|/?header|"
                         r"/?figcaption|/?ul|/?ol|/?table|/?aside|/?main)\b[^<>]*>", re.I)
_TAG = re.compile(r"<[^<>]+>")
_TITLE_TAG = re.compile(r"<(title)[^<>]*>", re.I)
_LINK_TAG = re.compile(r"<link\b[^<>]*>", re.I)
_CANONICAL_REL = re.compile(r"\brel=[\"']?canonical[\"']?", re.I)
_HREF = re.compile(r"\bhref=[\"']([^\"']+)[\"']", re.I)
_FIGCAPTION_TAG = re.compile(r"<(figcaption)\b[^<>]*>", re.I)
_SCRIPT_OR_STYLE = re.compile(r"<(script|style)\b", re.I)
# trafilatura (lxml, htmldate) takes time quadratic in the attributes of one element: 100,000 of them cost
# minutes. No page needs a thousand.
_CROWDED_TAG = re.compile(r"<[A-Za-z][^<>=]*(?:=[^<>=]*){1000}")
# Characters a tag-stripping <[^>]*> would scan, over which trafilatura's own patterns run into quadratic time:
# a real page scans about its own length, 50,000 "<" with no ">" (in a broken attribute value) 10^10.
_TAG_SCAN_LIMIT = 100_000_000


def _too_costly_for_trafilatura(markup: str) -> bool:
    """Pages on which trafilatura would take quadratic time; the tag-stripping fallback reads them instead."""
    if _CROWDED_TAG.search(markup):
        return True
    # Scripts hold "<" as an operator ("i<n") with no ">" to close it; trafilatura never strips tags in them.
    outside_scripts = _without_elements(markup, _SCRIPT_OR_STYLE, r"</{name}\s*>", " ")
    return sum(segment.count("<") * len(segment) for segment in outside_scripts.split(">")) > _TAG_SCAN_LIMIT


def _elements(markup: str, opening: re.Pattern[str], closing: str) -> Iterator[tuple[int, int, int, int]]:
    """(start, content start, content end, end) of each element ``opening`` finds, up to the first ``closing``
    pattern after it ("{name}" stands for the opening's first group); an element never closed is left alone.

    Linear in the page: a regular expression's lazy .*? rescans the rest of the page for every unclosed one."""
    unclosed: set[str] = set()
    pos = 0
    while (m := opening.search(markup, pos)) is not None:
        name = m.group(1).lower()
        close = None
        if name not in unclosed:  # no closing tag after an earlier one means none after this one either
            close = re.compile(closing.format(name=re.escape(name)), re.I).search(markup, m.end())
        if close is None:
            unclosed.add(name)
            pos = m.end()
            continue
        yield m.start(), m.end(), close.start(), close.end()
        pos = close.end()


def _without_elements(markup: str, opening: re.Pattern[str], closing: str, gap: str) -> str:
    parts: list[str] = []
    kept_from = 0
    for start, _, _, end in _elements(markup, opening, closing):
        parts += [markup[kept_from:start], gap]
        kept_from = end
    parts.append(markup[kept_from:])
    return "".join(parts)


def strip_tags(markup: str) -> str:
    """Plain text of a page with one line per block element: the fallback when trafilatura finds nothing."""
    body = _without_elements(markup, _COMMENT, "-->", " ")
    body = _without_elements(body, _DROPPED_ELEMENT, r"</{name}\s*>", "\n")
    body = _BLOCK_TAGS.sub("\n", body)
    return html_lib.unescape(_TAG.sub(" ", body))


def _canonical_url(markup: str) -> str | None:
    """The href of the page's <link rel="canonical">, looked for in its first 200,000 characters."""
    for tag in _LINK_TAG.finditer(markup[:200_000]):
        rel = _CANONICAL_REL.search(tag.group())
        href = _HREF.search(tag.group(), rel.end()) if rel else None
        if href:
            return html_lib.unescape(href.group(1))
    return None


def _trafilatura(markup: str, url: str | None) -> Any:
    try:
        import trafilatura
    except ImportError:
        # trafilatura 2.x imports lxml.html.clean, a separate package (lxml_html_clean) since lxml 5.2;
        # without it the tag-stripping fallback reads the page.
        return None
    if _too_costly_for_trafilatura(markup):
        return None
    try:
        return trafilatura.bare_extraction(
            markup, url=url, with_metadata=True, include_comments=False, include_images=False,
            include_tables=True, date_extraction_params={"extensive_search": False, "original_date": True})
    except Exception:  # trafilatura raises several types on broken markup; the fallback below handles it
        return None


def html_document(markup: str, source: str, fmt: str = "html", given: dict[str, Any] | None = None
                  ) -> Document | ReadError:
    """A Document from an HTML page: trafilatura's text and metadata, dates from the page's meta fields."""
    given = given or {}
    extracted = _trafilatura(markup, given.get("url"))
    body = (getattr(extracted, "text", None) or "").strip() if extracted is not None else ""
    title = getattr(extracted, "title", None) if extracted is not None else None
    removed_before: list[RemovedLine] = []
    if body:
        lines = body.split("\n")
        # trafilatura keeps the <h1> as the first line of the text; the title has its own field.
        if title and normalise_text(lines[0]) == normalise_text(title):
            removed_before.append(RemovedLine(lines[0].strip(), TITLE))
            body = "\n".join(lines[1:])
        cleaned = clean_article(body, light=True)
    else:
        cleaned = clean_article(strip_tags(markup))
        if not cleaned.text.strip():
            return ReadError(source, "no article text found in the HTML page")
    # trafilatura leaves figures out of the text; their captions are still worth keeping apart.
    for _, start, end, _ in _elements(markup, _FIGCAPTION_TAG, r"</{name}\s*>"):
        raw_caption = markup[start:end]
        caption_text = " ".join(html_lib.unescape(_TAG.sub(" ", raw_caption)).split())
        caption = clean_article(caption_text, light=True)
        words = caption.captions[0] if caption.captions else caption.text
        if words and words not in cleaned.captions:
            cleaned.captions.append(words)
    metas = meta.html_meta(markup)
    url = given.get("url") or (getattr(extracted, "url", None) if extracted is not None else None) \
        or _canonical_url(markup) or metas.get("og:url") or cleaned.url
    outlet = (getattr(extracted, "sitename", None) if extracted is not None else None) or metas.get("og:site_name") \
        or cleaned.outlet or (meta.outlet_from_url(url)[0] if url else None)
    if not title:
        page_title = next(_elements(markup, _TITLE_TAG, "</{name}>"), None)
        title = metas.get("og:title") or cleaned.title or (
            " ".join(html_lib.unescape(markup[page_title[1]:page_title[2]]).split()) if page_title else None)
        if title and outlet:
            # "Headline | Outlet" in <title>: the outlet has its own field. (?<!\s): a long run of spaces is
            # tried from its start only.
            title = re.sub(rf"(?<!\s)\s+(?:\||[-–—])\s+{re.escape(outlet)}$", "", title)
    published = meta.html_published(markup, metas) or (
        meta.DateFound(cleaned.published, cleaned.published_precision or "day", cleaned.published_evidence or "")
        if cleaned.published else None) or (meta.date_from_url(url) if url else None)
    htmldate = getattr(extracted, "date", None) if extracted is not None else None
    if published is None and htmldate:
        published = meta.iso_date(htmldate)
        if published is not None:
            published.evidence = f"htmldate (page markup): {htmldate}"
    return _finish(cleaned, source, fmt, removed_before, url=url, title=title, outlet=outlet,
                   published=published.iso if published else None,
                   published_precision=published.precision if published else None,
                   published_evidence=published.evidence if published else None)


# Field names accepted in JSONL records, first listed wins (common exports name them differently).
_FIELDS = {"text": ("text", "content", "body"), "html": ("html", "raw_html"), "url": ("url", "link"),
           "title": ("title", "headline"), "outlet": ("outlet", "source", "site", "sitename", "publisher"),
           "published": ("published", "date", "published_at", "publish_date", "pubdate")}


def _field(record: dict[str, Any], name: str) -> Any:
    for key in _FIELDS[name]:
        value = record.get(key)
        if isinstance(value, dict):  # {"source": {"name": "Reuters"}} as news APIs send it
            value = value.get("name")
        if isinstance(value, str):
            # JSON can escape half of a surrogate pair ("\ud800"), which no UTF-8 text can hold: hashing or
            # storing the text would fail on it.
            value = _SURROGATE.sub("\ufffd", value)
        if value is not None and not (isinstance(value, str) and not value.strip()):
            return value
    return None


def record_document(record: Any, source: str, fmt: str) -> Document | ReadError:
    """A Document from one JSON record with ``text`` or ``html`` (and optional url, title, outlet, published)."""
    if not isinstance(record, dict):
        return ReadError(source, f"not a JSON object but a {type(record).__name__}")
    text, markup = _field(record, "text"), _field(record, "html")
    if text is None and markup is None:
        present = [k for k in _FIELDS["text"] + _FIELDS["html"] if k in record]
        if present:
            return ReadError(source, f"the record's '{present[0]}' field is empty")
        keys = _SURROGATE.sub("\ufffd", ", ".join(sorted(record)[:8])) or "none"
        return ReadError(source, f"record has no 'text' or 'html' field (keys: {keys})")
    if not isinstance(text if text is not None else markup, str):
        return ReadError(source, "the record's 'text'/'html' field is not a string")
    given = {name: _field(record, name) for name in ("url", "title", "outlet")}
    given = {k: str(v).strip() for k, v in given.items() if v is not None and str(v).strip()}
    published = _field(record, "published")
    date = meta.iso_date(str(published)) if published is not None else None
    if date is not None:
        given.update(published=date.iso, published_precision=date.precision,
                     published_evidence=f"record field: {published}")
    if text is not None:
        doc = _finish(clean_article(text), source, fmt, **given)
    else:
        doc = html_document(markup, source, fmt, given)
        if isinstance(doc, Document):
            for name, value in given.items():
                setattr(doc, name, value)
    return doc


def jsonl_documents(text: str, source: str, fmt: str, whole_json: bool = False) -> Iterator[Document | ReadError]:
    """One Document per JSONL line (path ``file.jsonl:LINENO``); a .json file may also hold one object or a list."""
    if whole_json:
        try:
            data = json.loads(text)
        except (ValueError, RecursionError):
            data = None  # not one JSON value: read it as JSON Lines
        if isinstance(data, dict):
            yield _guarded(source, record_document, data, source, fmt)
            return
        if isinstance(data, list):
            for i, item in enumerate(data, 1):
                yield _guarded(f"{source}:{i}", record_document, item, f"{source}:{i}", fmt)
            if not data:
                yield ReadError(source, "empty JSON list")
            return
    any_line = False
    # Split on "\n" only: str.splitlines would also cut at U+2028, which JSON strings may hold raw.
    for lineno, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        any_line = True
        where = f"{source}:{lineno}"
        try:
            record = json.loads(line)
        except ValueError as e:
            msg = getattr(e, "msg", str(e))
            col = getattr(e, "colno", None)
            yield ReadError(where, f"malformed JSON line: {msg}" + (f" (column {col})" if col else ""))
            continue
        except RecursionError:  # not a ValueError: [[[[…]]]] nested 100,000 deep
            yield ReadError(where, "malformed JSON line: nested too deeply "
                                   f"(Python reads about {sys.getrecursionlimit():,} levels)")
            continue
        yield _guarded(where, record_document, record, where, fmt)
    if not any_line:
        yield ReadError(source, "empty (whitespace only)")
