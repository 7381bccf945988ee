"""The store stage: documents, events and read errors in one embedded DuckDB file.

A document and its events are written in one transaction, keyed by the document's content hash, so a rerun
over the same articles adds nothing and an interrupted run never leaves half a document behind.
DuckDB lets one process open a file for writing and no other process open it meanwhile: eventwire's processes
on one file (`run`, `watch`, `serve`, the query commands) take turns through lock files beside it (`Turns`), so
the server answers while a run writes and nobody sees a lock error.
"""
from __future__ import annotations

import csv
import fcntl
import io
import json
import os
import sys
import threading
import time
import weakref
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterator

import duckdb

from eventwire.model import Document, Event, ReadError

# The events table's columns; the cluster_* columns (the event's happening) and the registry ids of its parties
# are written by `Store.fuse`, so that the API's pages read one table.
EVENT_COLUMNS = """
    id VARCHAR PRIMARY KEY, document_id VARCHAR NOT NULL, event_type VARCHAR NOT NULL, mode VARCHAR,
    quad_class INTEGER, cameo VARCHAR, acled_event_type VARCHAR, acled_sub_event_type VARCHAR,
    modality VARCHAR, date VARCHAR, date_end VARCHAR, date_precision VARCHAR,
    place VARCHAR, lat DOUBLE, lon DOUBLE, country_code VARCHAR,
    text VARCHAR, span_start INTEGER, span_end INTEGER, confidence DOUBLE, record JSON,
    date_anchor VARCHAR, cluster_id VARCHAR, cluster_sources INTEGER, cluster_mentions INTEGER,
    cluster_articles INTEGER, actor_ids VARCHAR[], recipient_ids VARCHAR[]"""

DOCUMENT_COLUMNS = """
    id VARCHAR PRIMARY KEY, path VARCHAR, url VARCHAR, title VARCHAR, outlet VARCHAR,
    published VARCHAR, published_precision VARCHAR, published_evidence VARCHAR,
    source_format VARCHAR, text VARCHAR, removed_lines JSON, captions JSON, ingested_at TIMESTAMP"""
EVENT_ACTOR_COLUMNS = """
    event_id VARCHAR NOT NULL, role VARCHAR NOT NULL, name VARCHAR, text VARCHAR, actor_id VARCHAR,
    country VARCHAR, sector VARCHAR"""
ACTOR_MENTION_COLUMNS = """
    document_id VARCHAR NOT NULL, span_start INTEGER, span_end INTEGER, text VARCHAR, actor_id VARCHAR,
    name VARCHAR, country VARCHAR, sector VARCHAR, type VARCHAR, provisional BOOLEAN, reason VARCHAR,
    sentence VARCHAR"""
CLUSTER_COLUMNS = """
    id VARCHAR PRIMARY KEY, event_type VARCHAR, quad_class INTEGER, date VARCHAR, date_end VARCHAR,
    lat DOUBLE, lon DOUBLE, mentions INTEGER, articles INTEGER, sources INTEGER, corroboration DOUBLE,
    record JSON"""
CLUSTER_MEMBER_COLUMNS = """
    cluster_id VARCHAR NOT NULL, event_id VARCHAR NOT NULL, document_id VARCHAR NOT NULL, source VARCHAR"""
CONTRADICTION_COLUMNS = """
    kind VARCHAR, window_start VARCHAR, window_end VARCHAR, record JSON"""

SCHEMA = f"""
CREATE TABLE IF NOT EXISTS documents ({DOCUMENT_COLUMNS}
);
CREATE TABLE IF NOT EXISTS events ({EVENT_COLUMNS}
);
CREATE TABLE IF NOT EXISTS event_actors ({EVENT_ACTOR_COLUMNS}
);
CREATE TABLE IF NOT EXISTS actor_mentions ({ACTOR_MENTION_COLUMNS}
);
CREATE TABLE IF NOT EXISTS read_errors (
    source VARCHAR, reason VARCHAR, recorded_at TIMESTAMP
);
CREATE TABLE IF NOT EXISTS clusters ({CLUSTER_COLUMNS}
);
CREATE TABLE IF NOT EXISTS cluster_members ({CLUSTER_MEMBER_COLUMNS}
);
CREATE TABLE IF NOT EXISTS contradictions ({CONTRADICTION_COLUMNS}
);
"""


def _columns(columns: str) -> list[tuple[str, str]]:
    """(name, SQL type) of each column of a table definition above."""
    return [(name, kind) for name, kind, *_ in (c.split() for c in columns.replace("\n", " ").split(",") if c.strip())]


EVENT_NAMES = [name for name, _ in _columns(EVENT_COLUMNS)]
WRITER_MEMORY = "128MB"  # DuckDB's memory limit on a writing connection, lifted while fusing


@lru_cache(maxsize=None)
def _arrow_fields(columns: str) -> list[tuple[str, Any]]:
    """(name, Arrow type) of each column of a table definition above."""
    import pyarrow as pa

    types = {"VARCHAR": pa.string(), "JSON": pa.string(), "INTEGER": pa.int32(), "DOUBLE": pa.float64(),
             "BOOLEAN": pa.bool_(), "TIMESTAMP": pa.timestamp("us"), "VARCHAR[]": pa.list_(pa.string())}
    return [(name, types[kind]) for name, kind in _columns(columns)]


@dataclass
class EventFilter:
    """What `eventwire events` may ask for; None means no condition."""

    actor: str | None = None
    event_type: str | None = None
    since: str | None = None
    until: str | None = None
    country: str | None = None
    limit: int | None = None


def connect(path: str, read_only: bool, turns: "Turns | None" = None, writer: bool = False,
            patience: float = 30.0) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection to ``path``, with ``turns`` once this process's turn (a ``writer``'s or a reader's) has
    come, given back if the file cannot be opened. While a process outside the turns (another program) holds the
    file, tried again for ``patience`` seconds, then an error naming the file."""
    if turns is not None:
        turns.take(write=writer)
    deadline = time.monotonic() + patience
    try:
        while True:
            try:
                return duckdb.connect(path, read_only=read_only)
            except duckdb.IOException as exc:
                if "lock" not in str(exc).lower() or time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
    except BaseException:
        if turns is not None:
            turns.give()
        raise


_OPEN_TURNS: "weakref.WeakSet[Turns]" = weakref.WeakSet()


def _forget_turns_in_child() -> None:
    """A forked child (a spaCy worker) shares its parent's lock files' locks: it closes its copies, so that the
    locks are its parent's alone and end with it (flock keeps a lock while any copy of the file is open)."""
    for turns in list(_OPEN_TURNS):
        for fd in turns.fds.values():
            try:
                os.close(fd)
            except OSError:
                pass
        turns.fds = {}


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_turns_in_child)


class Turns:
    """Which eventwire process holds a DuckDB file: one writer, or any number of readers, in turns.

    DuckDB lets one process write a file and no other process open it meanwhile, so a server answering queries
    and a run storing articles cannot both keep it open. They take turns through three lock files beside the
    database (flock, so a killed process's locks go with it):
    - ``DB.want.lock``: a writer holds it exclusively from asking for the file to giving it up; readers pass it
      (shared, at once released) before they open the file, so a waiting writer is served before new readers;
    - ``DB.turn.lock``: held exclusively by the writer, shared by readers, while they have the file open;
    - ``DB.readers.lock``: shared by every reader for as long as it exists, so that a writer knows to give the
      file up after each transaction.
    A reader that sees a writer waiting lets its queries in flight finish, closes the file and opens it again
    after the writer's transaction (`SharedReader`); a writer closes it after a commit when a reader exists
    (`Store.give_turn`). A reader never sees a transaction half done, and nobody gets a lock error."""

    def __init__(self, path: str, reader: bool) -> None:
        self.path = path
        self.fds = {name: os.open(f"{path}.{name}.lock", os.O_RDWR | os.O_CREAT, 0o666)
                    for name in ("want", "turn", "readers")}
        _OPEN_TURNS.add(self)
        self.held: str | None = None  # "write" or "read" while this process has its turn
        if reader:
            fcntl.flock(self.fds["readers"], fcntl.LOCK_SH)

    @classmethod
    def of(cls, path: str, reader: bool) -> "Turns | None":
        """The turns of a database, or None where its folder takes no lock files (read-only media: no writer
        can be there either)."""
        try:
            return cls(path, reader)
        except OSError:
            return None

    def take(self, write: bool) -> None:
        """Wait for this process's turn (a writer: until the readers' queries in flight are done; a reader: until
        the writer's transaction is)."""
        if write:
            # readers pass this lock in an instant; held for long, it is another writer's
            patience = time.monotonic() + 2.0
            while self._busy("want", fcntl.LOCK_EX, keep=True):
                if time.monotonic() > patience:
                    sys.stderr.write(f"eventwire: another process is writing {self.path}; waiting for it to "
                                     "finish\n")
                    fcntl.flock(self.fds["want"], fcntl.LOCK_EX)
                    break
                time.sleep(0.01)
            fcntl.flock(self.fds["turn"], fcntl.LOCK_EX)
        else:
            fcntl.flock(self.fds["want"], fcntl.LOCK_SH)
            fcntl.flock(self.fds["want"], fcntl.LOCK_UN)
            fcntl.flock(self.fds["turn"], fcntl.LOCK_SH)
        self.held = "write" if write else "read"

    def give(self) -> None:
        """End this process's turn (its connection is closed)."""
        fcntl.flock(self.fds["turn"], fcntl.LOCK_UN)
        if self.held == "write":
            fcntl.flock(self.fds["want"], fcntl.LOCK_UN)
        self.held = None

    def _busy(self, name: str, mode: int, keep: bool = False) -> bool:
        """Whether another process holds the lock against ``mode``; if not, it is taken (and kept with ``keep``)."""
        try:
            fcntl.flock(self.fds[name], mode | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        if not keep:
            fcntl.flock(self.fds[name], fcntl.LOCK_UN)
        return False

    def writer_waiting(self) -> bool:
        """(A reader's question) whether a writer asks for the file."""
        return self._busy("want", fcntl.LOCK_SH)

    def readers_present(self) -> bool:
        """(A writer's question) whether any reader exists, waiting or reading."""
        return self._busy("readers", fcntl.LOCK_EX)

    def close(self) -> None:
        for fd in self.fds.values():
            os.close(fd)  # releases this process's locks on them
        self.fds = {}
        self.held = None


class SharedReader:
    """A long-lived reader's connection (the server's), shared by its threads and given up in turns (`Turns`).

    Each request runs inside `reading()`: it gets the open connection, or waits while a writer has its turn. When
    a writer asks for the file, new requests wait, the ones in flight finish, the file is closed and opened again
    after the writer's transaction; `stamp` then tells caches whether the file changed. A turn
    lasts at least ``min_turn`` seconds, so that requests waiting for it are answered before the next writer's
    turn."""

    def __init__(self, path: str, read_only: bool = True, min_turn: float = 0.2, poll: float = 0.05) -> None:
        self.path, self.read_only, self.min_turn = path, read_only, min_turn
        self.turns = Turns.of(path, reader=True)
        self.stamp: tuple[tuple[int, int], ...] = ()
        self._con: duckdb.DuckDBPyConnection | None = None
        self._opened_at = 0.0
        self._in_flight = 0
        self._cond = threading.Condition()
        self._local = threading.local()
        self._stop = threading.Event()
        if self.turns is not None:
            threading.Thread(target=self._watch, args=(poll,), name="eventwire-turns", daemon=True).start()

    @contextmanager
    def reading(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """The connection for the calling thread's queries (nested calls share the outer one's turn)."""
        if getattr(self._local, "cursors", None) is not None:
            yield self._con
            return
        self._enter()
        self._local.cursors = []
        try:
            yield self._con
        finally:
            for cursor in self._local.cursors:
                cursor.close()
            self._local.cursors = None
            with self._cond:
                self._in_flight -= 1
                self._cond.notify_all()

    def cursor(self) -> duckdb.DuckDBPyConnection:
        """A cursor of the connection for this thread (inside `reading`), closed when its reading ends."""
        cursor = self._con.cursor()
        self._local.cursors.append(cursor)
        return cursor

    def _yielding(self) -> bool:
        return (self.turns is not None and time.monotonic() - self._opened_at >= self.min_turn
                and self.turns.writer_waiting())

    def _enter(self) -> None:
        with self._cond:
            while True:
                if self._con is not None and not self._yielding():
                    self._in_flight += 1
                    return
                if self._con is not None:
                    if self._in_flight:  # a writer waits: the queries in flight finish first
                        self._cond.wait(0.05)
                        continue
                    self._give()
                self._open()  # no query is in flight: waiting here holds nobody else up

    def _open(self) -> None:
        self._con = connect(self.path, self.read_only, self.turns)
        # requests run side by side: one thread per query serves many at once better than two per query
        self._con.execute("SET threads = 1")
        self._opened_at = time.monotonic()
        # what the file looked like when opened: a writer's turn that committed something changes it
        self.stamp = tuple((st.st_mtime_ns, st.st_size) for st in (os.stat(p) for p in (self.path, self.path + ".wal")
                                                                  if os.path.exists(p)))

    def _give(self) -> None:
        self._con.close()
        self._con = None
        if self.turns is not None:
            self.turns.give()

    def _watch(self, poll: float) -> None:
        """An idle server gives the file up too, when a writer asks for it."""
        while not self._stop.wait(poll):
            with self._cond:
                if self._con is not None and not self._in_flight and self._yielding():
                    self._give()

    def close(self) -> None:
        self._stop.set()
        with self._cond:
            if self._con is not None:
                self._give()
            if self.turns is not None:
                self.turns.close()
                self.turns = None


class Store:
    """One DuckDB file holding documents, events, their actors and the inputs that could not be read."""

    def __init__(self, path: str | Path, read_only: bool = False,
                 connection: duckdb.DuckDBPyConnection | None = None) -> None:
        """Open (or create) the database. Other eventwire processes on the same file take turns with this one
        (`Turns`): a writer waits for the readers' queries in flight, readers for the writer's transaction.
        ``connection``: one this process already holds on the file (the server's own ingestion), used as is."""
        self.path = str(path)
        self.read_only = read_only
        if read_only and not Path(self.path).exists():
            raise FileNotFoundError(f"{self.path}: no such database (create it with `eventwire run`)")
        self._turns = Turns.of(self.path, reader=read_only) if connection is None else None
        self._con = connection
        self._no_limit = False  # inside `_unlimited`
        if not read_only:
            self.con.execute(SCHEMA)
            # columns added after a database may have been written: appended, so old files take new rows
            for column in ("date_anchor VARCHAR", "cluster_id VARCHAR", "cluster_sources INTEGER",
                           "cluster_mentions INTEGER", "cluster_articles INTEGER", "actor_ids VARCHAR[]",
                           "recipient_ids VARCHAR[]"):
                self.con.execute(f"ALTER TABLE events ADD COLUMN IF NOT EXISTS {column}")

    @property
    def con(self) -> duckdb.DuckDBPyConnection:
        """The connection, opened again (after this process's turn comes back) when it was given up."""
        if self._con is None:
            self._con = connect(self.path, self.read_only, self._turns, writer=not self.read_only)
            if not self.read_only and not self._no_limit:
                self._limit_memory()
        return self._con

    def _limit_memory(self) -> None:
        # DuckDB keeps the blocks a writer wrote in its buffer pool, up to 80% of RAM by default: over a long ingest
        # the writer grows with the data (458 MB over 500,000 event rows), under this limit by 171 MB at most, as
        # fast (python benchmarks/store_insert.py --growth 500000)
        self._con.execute(f"SET memory_limit = '{WRITER_MEMORY}'")

    def give_turn(self, always: bool = False) -> None:
        """Close the file between transactions when another eventwire process waits to read it (``always``:
        whether or not one waits, before idling); the next use of `con` waits for this process's turn again."""
        if self._con is None or self._turns is None or self.read_only:
            return
        if always or self._turns.readers_present():
            self._con.close()
            self._con = None
            self._turns.give()

    def close(self) -> None:
        if self._con is not None:
            self._con.close()
            self._con = None
        if self._turns is not None:
            self._turns.close()
            self._turns = None

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def has_document(self, doc_id: str) -> bool:
        """True when a document with this content hash is already stored."""
        return bool(self.stored([doc_id]))

    def stored(self, doc_ids: list[str]) -> set[str]:
        """Which of these content hashes are already stored (one query for many: a query per article cost
        5% of `run`'s main process on short articles)."""
        if not doc_ids:
            return set()
        found = {i for (i,) in self.con.execute("SELECT id FROM documents WHERE id IN (SELECT unnest(?))",
                                                [doc_ids]).fetchall()}
        self.give_turn()
        return found

    def add(self, document: Document, events: list[Event]) -> bool:
        """Store a document and its events atomically; False (and nothing written) if it was already there."""
        return self.add_many([(document, events)])[0]

    def add_many(self, batch: list[tuple[Document, list[Event]]]) -> list[bool]:
        """Store a batch of documents with their events in one transaction (a checkpoint: after a crash the
        whole batch is there or none of it); for each, whether it was new. A document already stored, or
        twice in the batch, is written once. The rows go in as Arrow tables, one insert per table: DuckDB
        takes a column batch tens of times faster than the same rows as `executemany` parameter sets
        (`python benchmarks/store_insert.py`)."""
        if not batch:
            return []
        now = datetime.now(timezone.utc).replace(tzinfo=None)
        self.con.execute("BEGIN TRANSACTION")
        try:
            ids = list({d.id for d, _ in batch})
            stored = {i for (i,) in self.con.execute("SELECT id FROM documents WHERE id IN (SELECT unnest(?))",
                                                     [ids]).fetchall()}
            new: list[bool] = []
            documents, rows, actor_rows, mentions = [], [], [], []
            event_ids: set[str] = set()
            for d, events in batch:
                new.append(d.id not in stored)
                if d.id in stored:
                    continue
                stored.add(d.id)
                documents.append([d.id, d.path, d.url, d.title, d.outlet, d.published, d.published_precision,
                                  d.published_evidence, d.source_format, d.text,
                                  json.dumps([{"text": r.text, "reason": r.reason} for r in d.removed_lines]),
                                  json.dumps(d.captions), now])
                for e in events:
                    if e.id in event_ids:
                        continue
                    event_ids.add(e.id)
                    rec = e.to_dict()
                    loc = e.location
                    rows.append([e.id, d.id, e.event_type, e.mode, e.quad_class, e.cameo, e.acled_event_type,
                                 e.acled_sub_event_type, e.modality, rec["date"], rec["date_end"],
                                 rec["date_precision"], loc.name if loc else None, loc.lat if loc else None,
                                 loc.lon if loc else None, loc.country_code if loc else None, e.text, e.span[0],
                                 e.span[1], e.confidence, json.dumps(rec, ensure_ascii=False), rec["date_anchor"]])
                    for role, refs in (("actor", e.actor), ("recipient", e.recipient)):
                        actor_rows += [[e.id, role, a.name, a.text, a.id, a.country, a.sector] for a in refs]
                mentions += [[d.id, m.start, m.end, m.actor.text, m.actor.id, m.actor.name, m.actor.country,
                              m.actor.sector, m.actor.type, m.actor.provisional, m.actor.reason, m.sentence]
                             for m in d.actors]
            self._insert("documents", DOCUMENT_COLUMNS, documents)
            self._insert("events", EVENT_COLUMNS, rows, or_ignore=True)
            self._insert("event_actors", EVENT_ACTOR_COLUMNS, actor_rows)
            self._insert("actor_mentions", ACTOR_MENTION_COLUMNS, mentions)
            self.con.execute("COMMIT")
        except Exception:
            self.con.execute("ROLLBACK")
            raise
        self.give_turn()
        return new

    def _insert(self, table: str, columns: str, rows: list[list[Any]], or_ignore: bool = False) -> None:
        """Insert rows (in the order of `columns`' leading fields) as one Arrow table."""
        if not rows:
            return
        import pyarrow as pa

        fields = _arrow_fields(columns)[:len(rows[0])]
        data = pa.Table.from_arrays([pa.array(list(col), type=t) for (_, t), col in zip(fields, zip(*rows))],
                                    names=[n for n, _ in fields])
        names = ", ".join(n for n, _ in fields)
        # not unregistered when the insert fails: in the aborted transaction that would raise and hide the
        # insert's own error (the next batch's register replaces the view)
        self.con.register("_batch", data)
        self.con.execute(f"INSERT {'OR IGNORE ' if or_ignore else ''}INTO {table} ({names}) SELECT {names} FROM _batch")
        self.con.unregister("_batch")

    def fuse(self) -> int:
        """Cluster every stored event into happenings (``eventwire.fuse``) and replace the clusters tables with
        the result, in one transaction; the number of clusters. Running it again gives the same clusters."""
        with self._unlimited():
            return self._fuse()

    @contextmanager
    def _unlimited(self) -> Iterator[None]:
        """Without the writer's memory limit: fusion's and `_organise`'s sorts and joins take what they need."""
        self._no_limit = True
        self.con.execute("RESET memory_limit")
        try:
            yield
        finally:
            self._no_limit = False
            if self._con is not None:
                self._limit_memory()

    def _fuse(self) -> int:
        from eventwire.fuse import contradictions, fuse, story_groups

        records = self._records("SELECT record FROM events")
        documents = {doc_id: {"text": text, "outlet": outlet} for doc_id, text, outlet in
                     self.con.execute("SELECT id, text, outlet FROM documents").fetchall()}
        self.give_turn()  # readers may read the database while the happenings are worked out
        source_of = story_groups(documents)
        clusters = fuse(records, documents, source_of=source_of)
        disputes = contradictions(records, clusters, source_of)
        self.con.execute("BEGIN TRANSACTION")
        try:
            self.con.execute("DELETE FROM cluster_members")
            self.con.execute("DELETE FROM clusters")
            self.con.execute("DELETE FROM contradictions")
            self._insert("contradictions", CONTRADICTION_COLUMNS,
                         [[d["kind"], d["window"]["start"], d["window"]["end"], json.dumps(d, ensure_ascii=False)]
                          for d in disputes])
            rows, members = [], []
            for c in clusters:
                rec = c.to_dict()
                loc = rec["location"] or {}
                rows.append([c.id, c.event_type, c.quad_class, rec["date"], rec["date_end"], loc.get("lat"),
                             loc.get("lon"), rec["mentions"], rec["articles"], rec["sources"], rec["corroboration"],
                             json.dumps(rec, ensure_ascii=False)])
                members += [[c.id, m["id"], m["document"]["id"], source_of.get(m["document"]["id"])]
                            for m in c.members]
            self._insert("clusters", CLUSTER_COLUMNS, rows)
            self._insert("cluster_members", CLUSTER_MEMBER_COLUMNS, members)
            self._organise()
            self.con.execute("COMMIT")
        except Exception:
            self.con.execute("ROLLBACK")
            raise
        self.give_turn()
        return len(clusters)

    def _records(self, sql: str, chunk: int = 20_000) -> list[dict[str, Any]]:
        """The JSON records a query selects, parsed a chunk at a time as one JSON array: within one parse the
        decoder shares the key strings, so the records take about a third less memory than parsed one by one
        (6.7 against 4.4 KB a record) and the raw text is held for one chunk only."""
        records: list[dict[str, Any]] = []
        cursor = self.con.execute(sql)
        while rows := cursor.fetchmany(chunk):
            records += json.loads("[" + ",".join(rec for (rec,) in rows) + "]")
        return records

    def _organise(self) -> None:
        """Write each event's happening and its parties' ids onto it, and lay the events out newest first and
        their parties by actor, so that the API's pages read few row groups (inside the caller's transaction)."""
        self.con.execute(
            "UPDATE events SET cluster_id = c.id, cluster_sources = c.sources, cluster_mentions = c.mentions, "
            "cluster_articles = c.articles FROM cluster_members m JOIN clusters c ON c.id = m.cluster_id "
            "WHERE m.event_id = events.id")
        self.con.execute(
            "UPDATE events SET actor_ids = a.actors, recipient_ids = a.recipients FROM (SELECT event_id, "
            "list_sort(list(DISTINCT actor_id) FILTER (WHERE role = 'actor' AND actor_id IS NOT NULL)) actors, "
            "list_sort(list(DISTINCT actor_id) FILTER (WHERE role = 'recipient' AND actor_id IS NOT NULL)) "
            "recipients "
            "FROM event_actors GROUP BY event_id) a WHERE a.event_id = events.id")
        names = ", ".join(EVENT_NAMES)
        self.con.execute(f"CREATE TABLE events_sorted ({EVENT_COLUMNS})")
        self.con.execute(f"INSERT INTO events_sorted SELECT {names} FROM events ORDER BY date DESC NULLS LAST, id")
        self.con.execute("DROP TABLE events")
        self.con.execute("ALTER TABLE events_sorted RENAME TO events")
        self.con.execute("CREATE TABLE event_actors_sorted AS SELECT * FROM event_actors ORDER BY actor_id, role")
        self.con.execute("DROP TABLE event_actors")
        self.con.execute("ALTER TABLE event_actors_sorted RENAME TO event_actors")

    def organise(self) -> None:
        """`_organise` in its own transaction (for a database filled by other means, as the benchmarks do)."""
        with self._unlimited():
            self.con.execute("BEGIN TRANSACTION")
            try:
                self._organise()
                self.con.execute("COMMIT")
            except Exception:
                self.con.execute("ROLLBACK")
                raise

    def clusters(self, min_sources: int = 1, limit: int | None = None) -> Iterator[dict[str, Any]]:
        """Cluster records, most independent sources first."""
        if not self._has_table("clusters"):
            return
        sql = "SELECT record FROM clusters WHERE sources >= ? ORDER BY sources DESC, mentions DESC, id"
        if limit:
            sql += f" LIMIT {int(limit)}"
        for (rec,) in self.con.execute(sql, [min_sources]).fetchall():
            yield json.loads(rec)

    def relation_inputs(self) -> tuple[list[dict[str, Any]], dict[str, str]]:
        """Every event record and, for those fused, the cluster each belongs to (``eventwire.relations``)."""
        records = self._records("SELECT record FROM events ORDER BY id")
        cluster_of = dict(self.con.execute("SELECT event_id, cluster_id FROM cluster_members").fetchall()) \
            if self._has_table("cluster_members") else {}
        return records, cluster_of

    def cluster_of_events(self) -> dict[str, dict[str, Any]]:
        """Event id → the counts of its fusion cluster (mentions, articles, sources)."""
        if not self._has_table("cluster_members"):
            return {}
        rows = self.con.execute("SELECT m.event_id, c.mentions, c.articles, c.sources FROM cluster_members m "
                                "JOIN clusters c ON c.id = m.cluster_id").fetchall()
        return {e: {"mentions": n, "articles": a, "sources": s} for e, n, a, s in rows}

    def export_parquet(self, folder: Path) -> None:
        """The events table (filter columns and the JSON record) as Parquet files partitioned by month
        (``month=YYYY-MM/``; undated events under ``month=unknown``), for DuckDB, Spark and pandas."""
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        target = str(folder).replace("'", "''")
        self.con.execute(
            "COPY (SELECT *, coalesce(substr(date, 1, 7), 'unknown') AS month FROM events) "
            f"TO '{target}' (FORMAT PARQUET, PARTITION_BY (month), OVERWRITE_OR_IGNORE 1)")

    def contradictions(self, actor: str | None = None) -> Iterator[dict[str, Any]]:
        """Contradiction records (``eventwire.fuse.contradictions``), oldest window first; with ``actor``, those
        naming it (registry id, any case)."""
        if not self._has_table("contradictions"):
            return
        for (rec,) in self.con.execute("SELECT record FROM contradictions ORDER BY window_start, kind").fetchall():
            record = json.loads(rec)
            if actor is None or actor.casefold() in {a.casefold() for a in record["actors"]}:
                yield record

    def add_error(self, error: ReadError) -> None:
        """Record an input that could not be read, so a batch report can list it later; an input already
        recorded for the same reason is listed once, at its first time (a rerun after a crash reads it again)."""
        self.con.execute("INSERT INTO read_errors SELECT ?, ?, ? WHERE NOT EXISTS "
                         "(SELECT 1 FROM read_errors WHERE source = ? AND reason = ?)",
                         [error.source, error.reason, datetime.now(timezone.utc).replace(tzinfo=None),
                          error.source, error.reason])

    def fusion_outdated(self) -> bool:
        """True when some stored event has no happening yet: stored after the last `fuse`, or by a run killed
        before its fusion committed (`fuse` gives every event a cluster, a lone one included)."""
        return self.con.execute("SELECT EXISTS (SELECT 1 FROM events WHERE cluster_id IS NULL)").fetchone()[0]

    def events(self, flt: EventFilter) -> Iterator[dict[str, Any]]:
        """Event records (the JSONL contract) matching the filter, oldest first."""
        where, args = [], []
        if flt.actor:
            where.append("id IN (SELECT event_id FROM event_actors WHERE name ILIKE ? OR text ILIKE ? "
                         "OR actor_id ILIKE ?)")
            args += [f"%{flt.actor}%", f"%{flt.actor}%", flt.actor]
        if flt.event_type:
            where.append("event_type = ?")
            args.append(flt.event_type.upper())
        if flt.since:
            where.append("COALESCE(date_end, date) >= ?")
            args.append(flt.since)
        if flt.until:
            where.append("date <= ?")
            # "2015-05" means to the end of May: pad a month or a year past its last day
            args.append(flt.until + {4: "-99-99", 7: "-99"}.get(len(flt.until), ""))
        if flt.country:
            cc = flt.country.upper()
            where.append("(country_code = ? OR id IN (SELECT event_id FROM event_actors WHERE country = ?))")
            args += [cc, cc]
        sql = "SELECT record FROM events" + (" WHERE " + " AND ".join(where) if where else "")
        sql += " ORDER BY date NULLS LAST, document_id, span_start, id"
        if flt.limit:
            sql += f" LIMIT {int(flt.limit)}"
        for (rec,) in self.con.execute(sql, args).fetchall():
            record = json.loads(rec)
            record.setdefault("date_anchor", None)  # written before the field existed
            yield record

    def actor_counts(self) -> dict[str, tuple[int, int]]:
        """actor id -> (events it takes part in, mentions in the documents)."""
        if not self._has_table("actor_mentions"):
            return {}
        rows = self.con.execute(
            "SELECT actor_id, max(n_events), max(n_mentions) FROM ("
            " SELECT actor_id, count(DISTINCT event_id) n_events, 0 n_mentions FROM event_actors"
            " WHERE actor_id IS NOT NULL GROUP BY 1 UNION ALL"
            " SELECT actor_id, 0, count(*) FROM actor_mentions WHERE actor_id IS NOT NULL GROUP BY 1) GROUP BY 1"
        ).fetchall()
        return {aid: (int(ev), int(mn)) for aid, ev, mn in rows}

    def provisional_actors(self, limit: int | None = None) -> list[dict[str, Any]]:
        """Names the registry lacks, most mentioned first: id, name, country, mentions, documents, events,
        the forms seen and an example sentence."""
        if not self._has_table("actor_mentions"):
            return []
        sql = ("SELECT m.actor_id, mode(m.name), mode(m.country), count(*) n, count(DISTINCT m.document_id) docs,"
               " (SELECT count(DISTINCT event_id) FROM event_actors a WHERE a.actor_id = m.actor_id) events,"
               " list(DISTINCT m.text), arg_min(m.sentence, length(m.sentence)), mode(m.reason)"
               " FROM actor_mentions m WHERE m.provisional GROUP BY m.actor_id ORDER BY n DESC, docs DESC, 1")
        if limit:
            sql += f" LIMIT {int(limit)}"
        keys = ["id", "name", "country", "mentions", "documents", "events", "forms", "example", "reason"]
        return [dict(zip(keys, row)) for row in self.con.execute(sql).fetchall()]

    def _has_table(self, name: str) -> bool:
        return self.con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = ?",
                                [name]).fetchone()[0] > 0

    def summary(self, top: int = 8) -> dict[str, Any]:
        """Counts for the end-of-run report: documents, events by type, top actors and places, errors."""
        one = lambda sql: self.con.execute(sql).fetchone()[0]  # noqa: E731
        rows = lambda sql: self.con.execute(sql).fetchall()  # noqa: E731
        return {
            "documents": one("SELECT count(*) FROM documents"),
            "events": one("SELECT count(*) FROM events"),
            "errors": one("SELECT count(*) FROM read_errors"),
            "by_type": rows("SELECT event_type, count(*) n FROM events GROUP BY 1 ORDER BY n DESC, 1"),
            # one line per registry id: a renamed group ("ISIL" → "Islamic State") is one actor
            "top_actors": rows("SELECT mode(name), count(DISTINCT event_id) n FROM event_actors "
                               f"WHERE actor_id IS NOT NULL GROUP BY actor_id ORDER BY n DESC, 1 LIMIT {top}"),
            "top_places": rows("SELECT place, count(*) n FROM events WHERE place IS NOT NULL "
                               f"GROUP BY 1 ORDER BY n DESC, 1 LIMIT {top}"),
            "mentions": one("SELECT count(*) FROM actor_mentions"),
            "provisional_mentions": one("SELECT count(*) FROM actor_mentions WHERE provisional"),
            "provisional_actors": one("SELECT count(DISTINCT actor_id) FROM actor_mentions WHERE provisional"),
        }


CSV_FIELDS = ["id", "date", "date_end", "event_type", "mode", "quad_class", "cameo", "acled_event_type",
              "acled_sub_event_type", "actor", "actor_country", "recipient", "recipient_country", "place",
              "lat", "lon", "country_code", "modality", "attribution", "outlet", "document_id", "text",
              "fatalities", "injured", "arrested"]


def event_csv_row(rec: dict[str, Any]) -> dict[str, Any]:
    """Flatten one event record into CSV columns (parties joined with "; ")."""
    loc = rec.get("location") or {}
    join = lambda refs, k: "; ".join(str(r.get(k) or "") for r in refs)  # noqa: E731
    attr = rec.get("attribution") or {}
    return {"id": rec["id"], "date": rec["date"], "date_end": rec["date_end"], "event_type": rec["event_type"],
            "mode": rec["mode"], "quad_class": rec["quad_class"], "cameo": rec["cameo"],
            "acled_event_type": rec["acled_event_type"], "acled_sub_event_type": rec["acled_sub_event_type"],
            "actor": join(rec["actor"], "name"), "actor_country": join(rec["actor"], "country"),
            "recipient": join(rec["recipient"], "name"), "recipient_country": join(rec["recipient"], "country"),
            "place": loc.get("name"), "lat": loc.get("lat"), "lon": loc.get("lon"),
            "country_code": loc.get("country_code"), "modality": rec["modality"], "attribution": attr.get("text"),
            "outlet": rec["document"].get("outlet"), "document_id": rec["document"]["id"], "text": rec["text"],
            # the lower bound, as ACLED counts fatalities
            **{column: ((rec.get("size") or {}).get(kind) or {}).get("low")
               for column, kind in (("fatalities", "killed"), ("injured", "injured"), ("arrested", "arrested"))}}


def events_to_csv(records: list[dict[str, Any]]) -> str:
    """Event records as CSV text with a header line."""
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=CSV_FIELDS)
    w.writeheader()
    for rec in records:
        w.writerow(event_csv_row(rec))
    return buf.getvalue()

