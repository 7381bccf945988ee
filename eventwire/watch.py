"""Following live sources: RSS/Atom feeds (each linked article page is fetched and read as HTML) and folders
(each new file is read like `eventwire run` reads it), ingesting only what is new.

What was seen is kept in the database itself (table ``watch_seen``), so a restart does not fetch again; the
store refuses a document whose content hash it already holds, so nothing is stored twice either way. A source
that fails is retried after ``interval × 2^k`` seconds (capped), with one log line per failure.

    from eventwire.watch import watch
    watch(["https://example.org/rss", "incoming/"], "eventwire.duckdb", interval=300)
"""
from __future__ import annotations

import http.client
import os
import socket
import sys
import time
import urllib.error
import urllib.request
import xml.sax
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timezone
from email.message import Message
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit

from eventwire.model import Document, ReadError

if TYPE_CHECKING:
    from eventwire.pipeline import Pipeline
    from eventwire.store import Store

USER_AGENT = "eventwire-watch/1 (+https://github.com/eventwire; news event extraction)"
MAX_BYTES = 2_000_000  # the readers' default cap, for feeds and article pages alike
TIMEOUT = 30.0
MAX_DELAY = 3600.0  # the longest backoff, in seconds, however often a source failed

SEEN_SCHEMA = """
CREATE TABLE IF NOT EXISTS watch_seen (
    source VARCHAR NOT NULL, key VARCHAR NOT NULL, seen_at TIMESTAMP NOT NULL, PRIMARY KEY (source, key))
"""


def _say(line: str) -> None:
    print(f"eventwire: {line}", file=sys.stderr, flush=True)


class FetchError(Exception):
    """A URL that could not be fetched; the message is the reason, fit for a log line."""


class SourceError(Exception):
    """A whole source that failed this round (feed unreachable or malformed, folder gone): it is backed off."""


# --- HTTP ------------------------------------------------------------------------------------------------------

def _opener() -> urllib.request.OpenerDirector:
    """http(s) only: a feed's link (or a redirect) to file:// or ftp:// must not read anything else."""
    opener = urllib.request.OpenerDirector()
    for handler in (urllib.request.HTTPHandler(), urllib.request.HTTPSHandler(),
                    urllib.request.HTTPRedirectHandler(), urllib.request.HTTPDefaultErrorHandler(),
                    urllib.request.HTTPErrorProcessor()):
        opener.add_handler(handler)
    return opener


@dataclass
class Response:
    """The body of a fetched URL with the headers that matter here."""

    data: bytes
    url: str  # after redirects
    headers: Message


def fetch(url: str, timeout: float = TIMEOUT, max_bytes: int = MAX_BYTES, user_agent: str = USER_AGENT,
          headers: dict[str, str] | None = None) -> Response | None:
    """The body of ``url`` (None for 304 Not Modified); FetchError naming the reason for anything else."""
    if urlsplit(url).scheme not in ("http", "https"):
        raise FetchError("not an http(s) URL")
    request = urllib.request.Request(url, headers={"User-Agent": user_agent, **(headers or {})})
    try:
        with _opener().open(request, timeout=timeout) as resp:
            length = resp.headers.get("Content-Length", "")
            if length.isdigit() and int(length) > max_bytes:
                raise FetchError(f"too large: {int(length):,} bytes, over the limit of {max_bytes:,}")
            data = resp.read(max_bytes + 1)
            if len(data) > max_bytes:
                raise FetchError(f"too large: over the limit of {max_bytes:,} bytes")
            return Response(data, resp.geturl(), resp.headers)
    except urllib.error.HTTPError as e:
        if e.code == 304:
            return None
        raise FetchError(f"HTTP {e.code} {e.reason}") from None
    except urllib.error.URLError as e:
        reason = e.reason
        if isinstance(reason, (TimeoutError, socket.timeout)):
            raise FetchError(f"timed out after {timeout:g}s") from None
        raise FetchError(f"cannot connect: {getattr(reason, 'strerror', None) or reason}") from None
    except (TimeoutError, socket.timeout):
        raise FetchError(f"timed out after {timeout:g}s") from None
    except (http.client.HTTPException, OSError, ValueError) as e:
        raise FetchError(f"connection failed: {type(e).__name__}: {e}") from None


# --- turning a feed entry into a Document ---------------------------------------------------------------------

def _entry_key(entry: Any, link: str | None) -> str | None:
    """What identifies a feed entry across fetches: its id (guid), else its link."""
    return (entry.get("id") or "").strip() or link


def _entry_date(entry: Any) -> tuple[str, str] | None:
    """(ISO day, the words it came from) of a feed entry's published (else updated) date."""
    for name in ("published", "updated", "created"):
        parsed = entry.get(f"{name}_parsed")
        if parsed:
            return time.strftime("%Y-%m-%d", parsed), f"feed entry {name}: {entry.get(name)}"
    return None


def article_document(response: Response, link: str, entry: Any, feed_title: str | None) -> Document | ReadError:
    """A Document from a fetched article page, read by the HTML reader; the page's own url, title and date win,
    the feed entry's fill what the page lacks."""
    from eventwire.ingest.readers import binary_reason, decode_bytes, html_document

    data = response.data
    if not data.strip():
        return ReadError(link, "empty page")
    problem = binary_reason(data)
    if problem:
        return ReadError(link, problem)
    text = None
    charset = response.headers.get_content_charset()
    if charset:
        try:
            text = data.decode(charset)
        except (UnicodeDecodeError, LookupError):
            text = None  # a wrong header is common: guess from the bytes instead
    if text is None:
        text, reason = decode_bytes(data)
        if text is None:
            return ReadError(link, reason)
    try:
        doc = html_document(text, link, "html")
    except Exception as e:  # noqa: BLE001 - a reader bug on an odd page costs that page, not the feed
        return ReadError(link, f"internal error while reading ({type(e).__name__}: {e}); please report it")
    if isinstance(doc, ReadError):
        return doc
    doc.url = doc.url or response.url or link
    doc.title = doc.title or (entry.get("title") or "").strip() or None
    doc.outlet = doc.outlet or feed_title
    if not doc.published:
        date = _entry_date(entry)
        if date:
            doc.published, doc.published_evidence = date
            doc.published_precision = "day"
    return doc


# --- the watcher ------------------------------------------------------------------------------------------------

@dataclass
class SourceState:
    """Where one source stands: when it is next due and how many times in a row it failed."""

    name: str
    kind: str  # "feed" | "folder"
    due: float = 0.0
    failures: int = 0
    etag: str | None = None
    modified: str | None = None


def source_kind(source: str) -> str:
    """"feed" for an http(s) URL, "folder" for a directory; ValueError naming the source otherwise."""
    if source.startswith(("http://", "https://")):
        return "feed"
    if os.path.isdir(source):
        return "folder"
    if os.path.exists(source):
        raise ValueError(f"{source}: not a folder; watch takes folders and http(s) feed URLs "
                         "(read a single file with `eventwire run`)")
    raise ValueError(f"{source}: no such folder, and not an http(s) feed URL")


class Watcher:
    """Rounds over feeds and folders: each due source is read, its new articles go through the pipeline into
    the store, and a failing source is backed off."""

    def __init__(self, sources: Iterable[str], store: "Store", pipeline: "Pipeline", interval: float = 300.0,
                 log: Callable[[str], None] = _say, timeout: float = TIMEOUT, max_bytes: int = MAX_BYTES,
                 max_delay: float = MAX_DELAY, user_agent: str = USER_AGENT,
                 clock: Callable[[], float] = time.monotonic) -> None:
        if interval <= 0:
            raise ValueError(f"interval must be a positive number of seconds, not {interval}")
        self.sources: list[SourceState] = []
        for given in sources:
            kind = source_kind(given)
            name = given if kind == "feed" else os.path.abspath(given)
            self.sources.append(SourceState(name, kind))
        if not self.sources:
            raise ValueError("nothing to watch: give at least one feed URL or folder")
        self.store, self.pipeline, self.interval, self.log = store, pipeline, interval, log
        self.timeout, self.max_bytes, self.user_agent, self.clock = timeout, max_bytes, user_agent, clock
        self.max_delay = max(max_delay, interval)
        self.added = 0  # documents stored since this watcher started
        store.con.execute(SEEN_SCHEMA)

    # state ----------------------------------------------------------------------------------------------------

    def seen(self, source: str, key: str) -> bool:
        """True when this source's item (feed entry id or link, file path+mtime+size) was handled before."""
        return self.store.con.execute("SELECT 1 FROM watch_seen WHERE source = ? AND key = ?",
                                      [source, key]).fetchone() is not None

    def mark_seen(self, source: str, key: str) -> None:
        """Remember an item as handled, so that no later round (or restart) fetches it again."""
        now = datetime.now(timezone.utc).replace(tzinfo=None)
        self.store.con.execute("INSERT OR IGNORE INTO watch_seen VALUES (?, ?, ?)", [source, key, now])

    def delay(self, failures: int) -> float:
        """Seconds to wait after the ``failures``-th failure in a row: interval × 2^(failures-1), capped."""
        return min(self.interval * 2 ** max(failures - 1, 0), self.max_delay)

    def next_due(self) -> float:
        """The clock time at which the next source is due."""
        return min(s.due for s in self.sources)

    # rounds ---------------------------------------------------------------------------------------------------

    def round(self) -> int:
        """Read every source that is due; the number of new documents stored. Fuses the store if any."""
        added = 0
        for state in self.sources:
            now = self.clock()
            if state.due > now:
                continue
            try:
                added += self._read_feed(state) if state.kind == "feed" else self._read_folder(state)
            except SourceError as e:
                self._failed(state, str(e))
            except Exception as e:  # noqa: BLE001 - one source's surprise must not stop the others
                self._failed(state, f"internal error ({type(e).__name__}: {e}); please report it")
            else:
                state.failures = 0
                state.due = self.clock() + self.interval
        self.added += added
        if added:
            clusters = self.store.fuse()
            self.log(f"{added} new documents this round; {clusters} happenings across the stored articles")
        self.store.give_turn(always=True)  # idle until the next round: readers (`eventwire serve`) have the file
        return added

    def run(self, once: bool = False, sleep: Callable[[float], None] = time.sleep) -> int:
        """Rounds until interrupted (one with ``once``); the number of new documents stored."""
        self.round()
        while not once:
            wait = self.next_due() - self.clock()
            if wait > 0:
                sleep(wait)
            self.round()
        return self.added

    def _failed(self, state: SourceState, reason: str) -> None:
        state.failures += 1
        wait = self.delay(state.failures)
        state.due = self.clock() + wait
        self.log(f"{state.kind} {state.name} failed: {reason}; next try in {wait:g}s "
                 f"(failure {state.failures} in a row)")
        self.store.add_error(ReadError(state.name, reason))

    def _store(self, state: SourceState, items: list[tuple[str, Document]]) -> int:
        """Run new documents through the pipeline and store them; every item's key is then marked seen."""
        keys: dict[str, list[str]] = {}
        fresh: list[Document] = []
        for key, doc in items:
            if self.store.has_document(doc.id):
                self.mark_seen(state.name, key)
            else:
                if doc.id not in keys:
                    fresh.append(doc)
                keys.setdefault(doc.id, []).append(key)

        def failed(err: ReadError) -> None:
            self.log(f"skipped {err}")
            self.store.add_error(err)

        added = n_events = 0
        for doc, events in self.pipeline.process(fresh, on_error=failed):
            if self.store.add(doc, events):
                added += 1
                n_events += len(events)
        for doc_keys in keys.values():  # extraction failures too: they would fail the same way again
            for key in doc_keys:
                self.mark_seen(state.name, key)
        if added:
            self.log(f"{state.kind} {state.name}: {added} new documents, {n_events} events")
        return added

    def _skip(self, state: SourceState, key: str | None, err: ReadError, permanent: bool = True) -> None:
        self.log(f"skipped {err}" + ("" if permanent else " (tried again next round)"))
        self.store.add_error(err)
        if permanent and key:
            self.mark_seen(state.name, key)

    def _read_feed(self, state: SourceState) -> int:
        import feedparser

        headers = {"Accept": "application/rss+xml, application/atom+xml, application/xml;q=0.9, */*;q=0.8"}
        if state.etag:
            headers["If-None-Match"] = state.etag
        if state.modified:
            headers["If-Modified-Since"] = state.modified
        try:
            response = fetch(state.name, self.timeout, self.max_bytes, self.user_agent, headers)
        except FetchError as e:
            raise SourceError(str(e)) from None
        if response is None:  # 304: nothing changed since the last fetch
            return 0
        parsed = feedparser.parse(response.data, response_headers={
            "content-location": response.url, "content-type": response.headers.get("Content-Type", "")})
        if not parsed.get("version") and not parsed.entries:
            ctype = response.headers.get_content_type()
            raise SourceError(f"not an RSS or Atom feed (got {ctype})")
        problem = parsed.get("bozo_exception")
        if isinstance(problem, xml.sax.SAXException):
            # feedparser would read on leniently, but a cut-off transfer looks just like this: try again later
            where = f" at line {problem.getLineNumber()}" if isinstance(problem, xml.sax.SAXParseException) else ""
            raise SourceError(f"malformed XML{where}: {problem.getMessage()}")
        state.etag = response.headers.get("ETag")
        state.modified = response.headers.get("Last-Modified")
        feed_title = (parsed.feed.get("title") or "").strip() or None
        items: list[tuple[str, Document]] = []
        for entry in parsed.entries:
            link = entry.get("link")
            link = urljoin(response.url, link.strip()) if link else None
            key = _entry_key(entry, link)
            if key is None:
                self._skip(state, None, ReadError(f"{state.name} entry {entry.get('title')!r}",
                                                  "feed entry has neither a link nor an id"))
                continue
            if self.seen(state.name, key):
                continue
            if not link:
                self._skip(state, key, ReadError(f"{state.name} entry {key}", "feed entry has no link"))
                continue
            try:
                page = fetch(link, self.timeout, self.max_bytes, self.user_agent,
                             {"Accept": "text/html, application/xhtml+xml;q=0.9, */*;q=0.5"})
            except FetchError as e:
                # 404/410 will not get better; a 500 or a timeout may, so those are fetched again next round
                gone = str(e).startswith(("HTTP 404", "HTTP 410"))
                self._skip(state, key, ReadError(link, f"article page: {e}"), permanent=gone)
                continue
            if page is None:
                continue
            doc = article_document(page, link, entry, feed_title)
            if isinstance(doc, ReadError):
                self._skip(state, key, doc)
                continue
            items.append((key, doc))
        return self._store(state, items)

    def _read_folder(self, state: SourceState) -> int:
        from eventwire.ingest.readers import _walk, read_file

        if not os.path.isdir(state.name):
            raise SourceError("no such folder (any more)")
        items: list[tuple[str, Document]] = []
        for found in _walk(state.name):
            if isinstance(found, ReadError):
                if found.source == state.name:
                    continue  # an empty folder is a normal state for a watched one
                try:
                    st = os.stat(found.source)
                except OSError:
                    continue
                key = f"{os.path.relpath(found.source, state.name)}|{st.st_mtime_ns}|{st.st_size}"
                if not self.seen(state.name, key):
                    self._skip(state, key, found)
                continue
            path, kind = found
            try:
                st = os.stat(path)
            except OSError:
                continue  # removed since the listing
            key = f"{os.path.relpath(path, state.name)}|{st.st_mtime_ns}|{st.st_size}"
            if self.seen(state.name, key):
                continue
            documents = list(read_file(path, kind, self.max_bytes))
            readable = [d for d in documents if isinstance(d, Document)]
            for item in documents:
                if isinstance(item, ReadError):
                    self.log(f"skipped {item}")
                    self.store.add_error(item)
            if not readable:
                self.mark_seen(state.name, key)
            items += [(key, d) for d in readable]
        return self._store(state, items)


def watch(sources: Iterable[str], db_path: str, interval: float = 300.0, pipeline: "Pipeline | None" = None,
          once: bool = False, log: Callable[[str], None] = _say, *, timeout: float = TIMEOUT,
          max_bytes: int = MAX_BYTES, max_delay: float = MAX_DELAY) -> int:
    """Follow feeds and folders, storing new articles in ``db_path``, until Ctrl-C (one round with ``once``);
    the number of new documents stored. ValueError for a source that is neither a folder nor a feed URL."""
    from eventwire.store import Store

    sources = list(sources)
    for source in sources:
        source_kind(source)  # fail on a bad source before loading spaCy
    if pipeline is None:
        from eventwire.pipeline import Pipeline

        pipeline = Pipeline()
    store = Store(db_path)
    watcher = None
    try:
        watcher = Watcher(sources, store, pipeline, interval, log, timeout=timeout, max_bytes=max_bytes,
                          max_delay=max_delay)
        log(f"watching {len(sources)} source(s) every {interval:g}s into {db_path}"
            + ("" if once else " (Ctrl-C stops)"))
        try:
            watcher.run(once=once)
        except (KeyboardInterrupt, RuntimeError) as exc:
            # between or inside rounds; DuckDB ends a query that Ctrl-C interrupts with "Query interrupted", and
            # its transaction is rolled back: whatever was committed stays stored
            if not isinstance(exc, KeyboardInterrupt):
                if "interrupted" not in str(exc):
                    raise
                log("stopped in the middle of a transaction, which was rolled back")
            log(f"stopped; {watcher.added} new documents stored")
    finally:
        store.close()
    return watcher.added if watcher is not None else 0
