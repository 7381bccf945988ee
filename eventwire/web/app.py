"""The HTTP API and the page of `eventwire serve` (contract: docs/API.md): events with filters and cursor pages,
each with its sentence, article, happening and the claims that contradict it; actors, relations, contradictions,
documents with the spans of what was found in them, and counts for the page's timeline.

Every query is built from fixed SQL fragments with bound parameters: no request string ever becomes SQL. The
database is opened read-only unless ingestion is on (`--ingest-token`); then `POST /api/documents` runs the
pipeline on an article and stores it, one at a time.
"""
from __future__ import annotations

import base64
import binascii
import functools
import hmac
import json
import re
import threading
from pathlib import Path
from typing import Any, Iterator

import duckdb
from fastapi import FastAPI, Query, Request
from fastapi_offline import FastAPIOffline
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse, Response, StreamingResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

MAX_BODY_BYTES = 5 * 1024 * 1024
STATIC = Path(__file__).parent / "data" / "static"
TYPES = ("AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST", "ACCUSE", "REJECT",
         "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT")
MODALITIES = ("asserted", "claimed", "reported", "alleged", "planned", "negated", "hypothetical", "historical")
# sort name → (column, direction), empty values last; the column never comes from the request
SORTS = {"date": ("e.date", "ASC"), "-date": ("e.date", "DESC"), "sources": ("e.cluster_sources", "ASC"),
         "-sources": ("e.cluster_sources", "DESC"), "confidence": ("e.confidence", "ASC"),
         "-confidence": ("e.confidence", "DESC")}
_PARTIAL_DATE = r"^\d{4}(-\d{2}(-\d{2})?)?$"
SECURITY_HEADERS = {
    # the page loads only its own scripts, styles and data: an injected script or handler cannot run
    "content-security-policy": "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                               "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
}


# the OpenAPI pages show only the API's own description, never article text
DOCS_POLICY = ("default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
               "img-src 'self' data:; connect-src 'self'; object-src 'none'; frame-ancestors 'none'")


class ParameterError(Exception):
    """A request parameter that cannot be used; answered 422 naming it."""

    def __init__(self, parameter: str, message: str) -> None:
        super().__init__(message)
        self.parameter = parameter
        self.message = message


class ApiError(Exception):
    """An error answered with its status and message."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def _error(status: int, message: str, parameter: str | None = None) -> JSONResponse:
    body: dict[str, Any] = {"error": message}
    if parameter:
        body["parameter"] = parameter
    return JSONResponse(body, status_code=status)


class _BodyLimit:
    """Refuse request bodies over the limit with 413, by Content-Length or by counting what arrives."""

    def __init__(self, app: Any, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            await _error(413, f"request body over {self.limit:,} bytes")(scope, receive, send)
            return
        received = 0
        started = False

        async def counted() -> dict:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    raise _TooLarge()
            return message

        async def watched(message: dict) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, watched)
        except _TooLarge:
            if not started:
                await _error(413, f"request body over {self.limit:,} bytes")(scope, receive, send)


class _TooLarge(Exception):
    pass


def _split(value: str | None, allowed: tuple[str, ...] | None, parameter: str, upper: bool = False) -> list[str]:
    if not value:
        return []
    items = [v.strip().upper() if upper else v.strip() for v in value.split(",") if v.strip()]
    if allowed is not None:
        bad = [v for v in items if v not in allowed]
        if bad:
            raise ParameterError(parameter, f"unknown {parameter} {bad[0]!r}; one of: {', '.join(allowed)}")
    return items


def _encode_cursor(key: Any, event_id: str) -> str:
    return base64.urlsafe_b64encode(json.dumps([key, event_id]).encode()).decode().rstrip("=")


def _decode_cursor(cursor: str) -> tuple[Any, str]:
    try:
        key, event_id = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if not isinstance(event_id, str):
            raise ValueError
        return key, event_id
    except (ValueError, TypeError, binascii.Error, json.JSONDecodeError):
        raise ParameterError("cursor", "not a cursor this API gave (use next_cursor of the previous page)")


def _reads(method: Any) -> Any:
    """An `Api` method whose queries run in one reading turn of the shared connection."""
    @functools.wraps(method)
    def reading(self: "Api", *args: Any, **kwargs: Any) -> Any:
        with self.shared.reading():
            return method(self, *args, **kwargs)
    return reading


class Api:
    """The queries behind the endpoints, over one DuckDB file."""

    def __init__(self, db_path: str | Path, writable: bool = False) -> None:
        from eventwire.store import SharedReader

        self.path = str(db_path)
        self.writable = writable
        if not Path(self.path).exists():
            raise FileNotFoundError(f"{self.path}: no such database (create it with `eventwire run`)")
        self._upgrade(writable)
        # opened on the first request, and given up in turns while `eventwire run` or `watch` writes the file
        self.shared = SharedReader(self.path, read_only=not writable)
        self.write_lock = threading.Lock()
        self.ingested = 0  # bumped by each ingestion here; with the file's stamp, when cached answers are stale
        self._cache: dict[str, tuple[Any, Any]] = {}
        self._pipeline = None

    def _upgrade(self, writable: bool) -> None:
        """A database written before events carried their happening and parties' ids: fused again when the
        server may write, else refused with the command that updates it."""
        from eventwire.store import Store

        with Store(self.path, read_only=True) as store:
            columns = {c for (c,) in store.con.execute("SELECT column_name FROM information_schema.columns "
                                                       "WHERE table_name = 'events'").fetchall()}
        if {"cluster_id", "actor_ids"} <= columns:
            return
        if not writable:
            raise RuntimeError(f"{self.path} was written by an older eventwire; update it with "
                               f"`eventwire clusters --db {self.path} --refuse`, then serve it")
        with Store(self.path) as store:
            store.fuse()

    def close(self) -> None:
        self.shared.close()

    def cursor(self) -> duckdb.DuckDBPyConnection:
        """A cursor for this request's thread (DuckDB connections are not shared across threads), inside its
        reading turn."""
        return self.shared.cursor()

    @property
    def version(self) -> tuple[Any, int]:
        return self.shared.stamp, self.ingested

    def _cached(self, key: str, compute: Any) -> Any:
        hit = self._cache.get(key)
        if hit is not None and hit[0] == self.version:
            return hit[1]
        value = compute()
        self._cache[key] = (self.version, value)
        return value

    # ------------------------------------------------------------------ events
    @_reads
    def events(self, *, actor: str | None = None, recipient: str | None = None, role: str = "actor",
               types: list[str] = (), quads: list[int] = (), country: str | None = None,
               bbox: tuple[float, float, float, float] | None = None, since: str | None = None,
               until: str | None = None, modalities: list[str] = (), min_sources: int | None = None,
               q: str | None = None, sort: str = "-date", limit: int = 100,
               cursor: str | None = None) -> tuple[list[dict[str, Any]], str | None]:
        """A page of event records matching the filters, and the cursor of the next page (None at the end)."""
        where: list[str] = []
        args: list[Any] = []
        cur = self.cursor()
        for value, wanted in ((actor, "any" if role == "any" else "actor"), (recipient, "recipient")):
            if value:
                clause, params = self._party_clause(cur, value, wanted)
                where.append(clause)
                args += params
        if types:
            where.append(f"e.event_type IN ({', '.join('?' * len(types))})")
            args += list(types)
        if quads:
            where.append(f"e.quad_class IN ({', '.join('?' * len(quads))})")
            args += list(quads)
        if modalities:
            where.append(f"e.modality IN ({', '.join('?' * len(modalities))})")
            args += list(modalities)
        if country:
            where.append("e.country_code = ?")
            args.append(country.upper())
        if bbox:
            where.append("e.lon BETWEEN ? AND ? AND e.lat BETWEEN ? AND ?")
            args += [bbox[0], bbox[2], bbox[1], bbox[3]]
        if since:
            where.append("coalesce(e.date_end, e.date) >= ?")
            args.append(since)
        if until:
            where.append("e.date <= ?")
            args.append(until + {4: "-99-99", 7: "-99"}.get(len(until), ""))
        if q:
            where.append("e.text ILIKE ?")
            args.append(f"%{q}%")
        column, direction = SORTS[sort]
        if min_sources is not None and min_sources > 1:  # an event not yet fused is its own single source
            where.append("e.cluster_sources >= ?")
            args.append(min_sources)
        if cursor:
            key, last_id = _decode_cursor(cursor)
            op = "<" if direction == "DESC" else ">"
            if key is None:  # in the tail of events without the key
                where.append(f"({column} IS NULL AND e.id {op} ?)")
                args.append(last_id)
            else:
                where.append(f"({column} {op} ? OR ({column} = ? AND e.id {op} ?) OR {column} IS NULL)")
                args += [key, key, last_id]
        sql = (f"SELECT e.id, {column}, e.rowid FROM events e" + (" WHERE " + " AND ".join(where) if where else "")
               + f" ORDER BY {column} {direction} NULLS LAST, e.id {direction} LIMIT ?")
        rows = cur.execute(sql, [*args, limit + 1]).fetchall()
        more = len(rows) > limit
        rows = rows[:limit]
        # the page's records fetched by row number (cheaper than looking 100 ids up in the key's index), unless
        # an ingestion may rewrite the table between the two queries
        records = self._records(cur, [r[0] for r in rows], rowids=None if self.writable else [r[2] for r in rows])
        next_cursor = _encode_cursor(rows[-1][1], rows[-1][0]) if more and rows else None
        return records, next_cursor

    def _party_clause(self, cur: duckdb.DuckDBPyConnection, value: str, role: str) -> tuple[str, list[Any]]:
        """Events with a party named ``value`` (a registry id, else words of its name) in ``role``."""
        role_sql = "" if role == "any" else "role = ? AND "
        role_args = [] if role == "any" else [role]
        known = cur.execute("SELECT 1 FROM event_actors WHERE actor_id = ? LIMIT 1", [value.upper()]).fetchone()
        if known:  # the ids written on each event: the date-ordered scan stops once the page is full
            column = {"actor": "e.actor_ids", "recipient": "e.recipient_ids"}.get(role)
            if column is None:
                return "(list_contains(e.actor_ids, ?) OR list_contains(e.recipient_ids, ?))", [value.upper()] * 2
            return f"list_contains({column}, ?)", [value.upper()]
        return (f"e.id IN (SELECT event_id FROM event_actors WHERE {role_sql}(name ILIKE ? OR text ILIKE ?))",
                [*role_args, f"%{value}%", f"%{value}%"])

    def _records(self, cur: duckdb.DuckDBPyConnection, ids: list[str], rowids: list[int] | None = None) -> list[str]:
        """Event records as JSON text, in the order of ``ids`` (found by ``rowids`` when given), each with its
        happening's counts (the stored JSON is passed on as it is: parsing and encoding 100 records would cost
        more than finding them)."""
        if not ids:
            return []
        columns = "id, record, cluster_id, cluster_sources, cluster_mentions, cluster_articles"
        if rowids is not None:
            rows = cur.execute(f"SELECT {columns} FROM events WHERE rowid = ANY(?)", [rowids]).fetchall()
        else:
            rows = cur.execute(f"SELECT {columns} FROM events WHERE id IN ({', '.join('?' * len(ids))})",
                               ids).fetchall()
        by_id = {}
        for eid, rec, cid, sources, mentions, articles in rows:
            cluster = json.dumps({"id": cid, "sources": sources, "mentions": mentions, "articles": articles}
                                 if cid else None)
            by_id[eid] = rec.rstrip()[:-1] + ', "cluster": ' + cluster + "}"
        return [by_id[i] for i in ids if i in by_id]

    @_reads
    def event(self, event_id: str) -> dict[str, Any]:
        """One event with its sentence, its article, its happening and the contradictions it is part of."""
        cur = self.cursor()
        records = self._records(cur, [event_id])
        if not records:
            raise ApiError(404, f"no event {event_id!r}")
        record = json.loads(records[0])
        doc = self._document_ref(cur, record["document"]["id"])
        start = (record.get("span") or [None])[0]
        sentence = record.get("text") or ""
        cluster = self.cluster(record["cluster"]["id"]) if record.get("cluster") else None
        members = {m["id"] for m in cluster["members"]} if cluster else {event_id}
        disputes = [d for d in self.contradictions() if members & {c["event_id"] for c in d["claims"]}]
        # the record's sentence is its span less the line breaks after it
        return {"event": record, "document": doc,
                "sentence": {"text": sentence, "start": start, "end": None if start is None else start + len(sentence)},
                "cluster": cluster, "contradictions": disputes}

    def _document_ref(self, cur: duckdb.DuckDBPyConnection, doc_id: str) -> dict[str, Any] | None:
        row = cur.execute("SELECT id, title, outlet, published, url, path FROM documents WHERE id = ?",
                          [doc_id]).fetchone()
        return dict(zip(("id", "title", "outlet", "published", "url", "path"), row)) if row else None

    # ------------------------------------------------------------------ happenings and disputes
    @_reads
    def cluster(self, cluster_id: str) -> dict[str, Any]:
        """A happening with every member mention (its sentence, modality, attribution and outlet)."""
        cur = self.cursor()
        row = cur.execute("SELECT record FROM clusters WHERE id = ?", [cluster_id]).fetchone()
        if row is None:
            raise ApiError(404, f"no cluster {cluster_id!r}")
        record = json.loads(row[0])
        members = []
        for (rec,) in cur.execute("SELECT e.record FROM cluster_members m JOIN events e ON e.id = m.event_id "
                                  "WHERE m.cluster_id = ? ORDER BY e.id", [cluster_id]).fetchall():
            ev = json.loads(rec)
            doc = ev.get("document") or {}
            members.append({"id": ev["id"], "event_type": ev["event_type"], "modality": ev.get("modality"),
                            "text": ev.get("text"), "attribution": ev.get("attribution"),
                            "document": {k: doc.get(k) for k in ("id", "outlet", "url", "published")}})
        record["members"] = members
        return record

    @_reads
    def contradictions(self, actor: str | None = None) -> list[dict[str, Any]]:
        def load() -> list[dict[str, Any]]:
            rows = self.cursor().execute(
                "SELECT record FROM contradictions ORDER BY window_start, kind").fetchall()
            return [json.loads(r) for (r,) in rows]

        found = self._cached("contradictions", load)
        if actor:
            found = [d for d in found if actor.casefold() in {a.casefold() for a in d["actors"]}]
        return found

    # ------------------------------------------------------------------ actors and relations
    @_reads
    def actors(self, search: str | None, limit: int) -> list[dict[str, Any]]:
        where, args = "actor_id IS NOT NULL", []
        if search:
            where += " AND (actor_id ILIKE ? OR name ILIKE ?)"
            args += [f"%{search}%", f"%{search}%"]
        rows = self.cursor().execute(
            f"SELECT actor_id, mode(name), mode(country), mode(sector), count(DISTINCT event_id) n "
            f"FROM event_actors WHERE {where} GROUP BY actor_id ORDER BY n DESC, actor_id LIMIT ?",
            [*args, limit]).fetchall()
        return [dict(zip(("id", "name", "country", "sector", "events"), r)) for r in rows]

    @_reads
    def actor_names(self) -> dict[str, str]:
        """Registry id → the name the stored events give it most often."""
        return self._cached("actor_names", lambda: dict(self.cursor().execute(
            "SELECT actor_id, mode(name) FROM event_actors WHERE actor_id IS NOT NULL GROUP BY 1").fetchall()))

    @_reads
    def actor(self, actor_id: str) -> dict[str, Any]:
        cur = self.cursor()
        row = cur.execute(
            "SELECT actor_id, mode(name), mode(country), mode(sector), count(DISTINCT event_id), "
            "count(DISTINCT event_id) FILTER (WHERE role = 'actor'), "
            "count(DISTINCT event_id) FILTER (WHERE role = 'recipient') "
            "FROM event_actors WHERE actor_id = ? GROUP BY actor_id", [actor_id]).fetchone()
        if row is None:
            raise ApiError(404, f"no actor {actor_id!r} in the stored events")
        aliases: list[str] = []
        try:
            from eventwire.actors.registry import _default_registry

            registry = _default_registry()  # every period's names: "Jabhat al-Nusra" to "Hay'at Tahrir al-Sham"
            periods = registry.rows(actor_id) or [p for p in [registry.get(actor_id)] if p is not None]
            aliases = list(dict.fromkeys(a for p in periods for a in (p.name, *p.aliases)))
        except Exception:  # noqa: BLE001 - the registry is a nicety here; the stored events answer
            aliases = []
        return {"id": row[0], "name": row[1], "country": row[2], "sector": row[3], "aliases": aliases,
                "events": row[4], "as_actor": row[5], "as_recipient": row[6],
                "relations": [r.to_dict() for r in self.relations(actor_id, "month")]}

    @_reads
    def relations(self, actor: str | None, period: str) -> list[Any]:
        from eventwire.relations import relations

        def load() -> tuple[list[dict[str, Any]], dict[str, str]]:
            cur = self.cursor()
            records = [json.loads(r) for (r,) in cur.execute("SELECT record FROM events ORDER BY id").fetchall()]
            cluster_of = dict(cur.execute("SELECT event_id, cluster_id FROM cluster_members").fetchall())
            return records, cluster_of

        records, cluster_of = self._cached("relation_inputs", load)
        return self._cached(f"relations:{period}:{actor}", lambda: relations(records, cluster_of, period, actor))

    # ------------------------------------------------------------------ documents and counts
    @_reads
    def document(self, doc_id: str) -> dict[str, Any]:
        """The cleaned article with the character spans of its actors, places, dates and triggers."""
        cur = self.cursor()
        row = cur.execute("SELECT id, title, outlet, published, url, text FROM documents WHERE id = ?",
                          [doc_id]).fetchone()
        if row is None:
            raise ApiError(404, f"no document {doc_id!r}")
        out = dict(zip(("id", "title", "outlet", "published", "url", "text"), row))
        text = out["text"] or ""
        actors = [{"start": s, "end": e, "text": text[s:e], "actor_id": a, "name": n} for s, e, a, n in cur.execute(
            "SELECT span_start, span_end, actor_id, name FROM actor_mentions WHERE document_id = ? "
            "AND span_start IS NOT NULL ORDER BY span_start", [doc_id]).fetchall()]
        places, dates, triggers = [], [], []
        for (rec,) in cur.execute("SELECT record FROM events WHERE document_id = ? ORDER BY span_start",
                                  [doc_id]).fetchall():
            ev = json.loads(rec)
            start, end = (ev.get("trigger_span") or [None, None])[:2]
            if start is not None:
                triggers.append({"start": start, "end": end, "text": ev.get("trigger"), "event_id": ev["id"],
                                 "event_type": ev["event_type"]})
            loc = ev.get("location") or {}
            for words, target, extra in ((loc.get("text"), places, {"name": loc.get("name"), "lat": loc.get("lat"),
                                                                   "lon": loc.get("lon")}),
                                         (ev.get("date_text"), dates, {"date": ev.get("date")})):
                at = _within_sentence(out["text"], ev, words)
                if at is not None:
                    target.append({"start": at, "end": at + len(words), "text": words, "event_id": ev["id"],
                                   **extra})
        out["spans"] = {"actors": actors, "places": _unique(places), "dates": _unique(dates), "triggers": triggers}
        return out

    @_reads
    def stats(self) -> dict[str, Any]:
        def load() -> dict[str, Any]:
            cur = self.cursor()
            one = lambda sql: cur.execute(sql).fetchone()[0]  # noqa: E731
            by_day: dict[str, dict[str, Any]] = {}
            for day, quad, n in cur.execute(
                    "SELECT substr(date, 1, 10), quad_class, count(*) FROM events WHERE date IS NOT NULL "
                    "AND length(date) >= 10 GROUP BY 1, 2 ORDER BY 1").fetchall():
                entry = by_day.setdefault(day, {"date": day, "events": 0, "by_quad": {}})
                entry["events"] += n
                entry["by_quad"][str(quad)] = n
            first, last = cur.execute("SELECT min(date), max(coalesce(date_end, date)) FROM events").fetchone()
            return {"documents": one("SELECT count(*) FROM documents"), "events": one("SELECT count(*) FROM events"),
                    "clusters": one("SELECT count(*) FROM clusters"),
                    "contradictions": one("SELECT count(*) FROM contradictions"),
                    "actors": one("SELECT count(DISTINCT actor_id) FROM event_actors"),
                    "first_date": first, "last_date": last,
                    "by_type": dict(cur.execute("SELECT event_type, count(*) FROM events GROUP BY 1 "
                                                "ORDER BY 2 DESC, 1").fetchall()),
                    "by_quad": {str(k): v for k, v in cur.execute(
                        "SELECT quad_class, count(*) FROM events GROUP BY 1 ORDER BY 1").fetchall()},
                    "by_day": list(by_day.values())}

        return self._cached("stats", load)

    # ------------------------------------------------------------------ ingestion
    def ingest(self, documents: list[Any]) -> list[dict[str, Any]]:
        """Run the pipeline on documents and store them (one writer at a time); per document: id, stored,
        events."""
        from eventwire.store import Store

        with self.write_lock, self.shared.reading():
            if self._pipeline is None:
                from eventwire.pipeline import Pipeline

                self._pipeline = Pipeline(n_process=1)
            out = []
            with Store(self.path, connection=self.cursor()) as store:
                for document, events in self._pipeline.process(iter(documents)):
                    stored = store.add(document, events)
                    out.append({"document_id": document.id, "stored": stored, "events": len(events)})
                if any(r["stored"] for r in out):
                    store.fuse()
            self.ingested += 1
            return out


def _within_sentence(text: str, ev: dict[str, Any], words: str | None) -> int | None:
    """Where ``words`` stand in the event's sentence, as an offset into the article (None when absent)."""
    span = ev.get("span") or []
    if not words or len(span) < 2:
        return None
    at = text.find(words, span[0], span[1])
    return at if at >= 0 else None


def _unique(spans: list[dict[str, Any]]) -> list[dict[str, Any]]:
    seen, out = set(), []
    for s in spans:
        if (s["start"], s["end"]) not in seen:
            seen.add((s["start"], s["end"]))
            out.append(s)
    return out


def _csv_lines(records: list[dict[str, Any]]) -> Iterator[str]:
    from eventwire.store import events_to_csv

    yield events_to_csv(records)


# a cursor's key is a value of its sort's column: a key of another type would reach the SQL comparison
_CURSOR_KEY_TYPES = {"date": (str,), "sources": (int,), "confidence": (int, float)}


def _check_cursor(cursor: str, sort: str) -> None:
    """Refuse a cursor that this sort cannot continue from (one given for another sort, or made by hand)."""
    key, _event_id = _decode_cursor(cursor)
    if key is None:  # the tail of events without a value in the sort's column
        return
    allowed = _CURSOR_KEY_TYPES[sort.lstrip("-")]
    if isinstance(key, bool) or not isinstance(key, allowed) or (isinstance(key, int) and abs(key) >= 2 ** 63):
        raise ParameterError("cursor", f"this cursor does not belong to sort={sort} (a next_cursor continues only "
                                       "the sort that gave it; start again without a cursor)")


# The OpenAPI description of the answers, as docs/API.md gives them: schemathesis checks the server against it
# (tests/test_api_schema.py), so every status and media type the API sends is listed here.
_TEXT = {"type": "string"}
_COUNT = {"type": "integer", "minimum": 0}
_LIST = {"type": "array", "items": {"type": "object"}}
_MAYBE_TEXT = {"type": ["string", "null"]}
_ERROR_BODY = {"type": "object", "required": ["error"],
               "properties": {"error": _TEXT, "parameter": {**_TEXT, "description": "the request parameter at fault"}}}
_ERROR_MEANING = {400: "A body that cannot be parsed (a multipart body without its boundary)",
                  401: "Ingestion without the right token", 403: "Ingestion is off on this server",
                  404: "No such id", 413: "A body over the size limit", 422: "A bad parameter or body, named"}


def _shape(**properties: Any) -> dict[str, Any]:
    """A JSON object schema with ``properties``, all of them required."""
    return {"type": "object", "required": list(properties), "properties": properties}


def _answers(shape: dict[str, Any] | None, *errors: int, status: int = 200) -> dict[int, dict[str, Any]]:
    """The ``responses`` of an endpoint: its JSON answer's shape and the errors it may send."""
    out: dict[int, dict[str, Any]] = {}
    if shape is not None:
        out[status] = {"content": {"application/json": {"schema": shape}}}
    for code in errors:
        out[code] = {"description": _ERROR_MEANING[code], "content": {"application/json": {"schema": _ERROR_BODY}}}
    return out


_STATS = _shape(documents=_COUNT, events=_COUNT, clusters=_COUNT, contradictions=_COUNT, actors=_COUNT,
                first_date=_MAYBE_TEXT, last_date=_MAYBE_TEXT, by_type={"type": "object"},
                by_quad={"type": "object"}, by_day=_LIST)
_EVENT_PAGE = _shape(events={"type": "array", "items": {"type": "object", "required": ["id", "event_type"]}},
                     next_cursor=_MAYBE_TEXT)
_EVENT_DETAIL = _shape(event={"type": "object"}, document={"type": ["object", "null"]},
                       sentence=_shape(text=_TEXT, start={"type": ["integer", "null"]},
                                       end={"type": ["integer", "null"]}),
                       cluster={"type": ["object", "null"]}, contradictions=_LIST)
_CLUSTER = {"type": "object", "required": ["id", "members"], "properties": {"id": _TEXT, "members": _LIST}}
_ACTORS = _shape(actors={"type": "array", "items": _shape(id=_TEXT, name=_MAYBE_TEXT, events=_COUNT)})
_ACTOR = {"type": "object", "required": ["id", "name", "aliases", "events", "relations"],
          "properties": {"id": _TEXT, "name": _MAYBE_TEXT, "aliases": {"type": "array", "items": _TEXT},
                         "events": _COUNT, "relations": _LIST}}
_RELATIONS = _shape(relations=_LIST, pairs=_LIST)
_CONTRADICTIONS = _shape(contradictions=_LIST)
_DOCUMENT = {"type": "object", "required": ["id", "text", "spans"],
             "properties": {"id": _TEXT, "text": _MAYBE_TEXT,
                            "spans": _shape(actors=_LIST, places=_LIST, dates=_LIST, triggers=_LIST)}}
_STORED = _shape(document_id=_TEXT, stored={"type": "boolean"}, events=_COUNT)
_INGESTED = {"oneOf": [_STORED, _shape(documents={"type": "array", "items": _STORED})]}
# what POST /api/documents reads (by hand, from the request: `_documents_of`), for the OpenAPI description
_ARTICLE_BODY = {"required": True, "content": {
    "application/json": {"schema": {
        "type": "object", "description": "an article record: 'text' (plain) or 'html' (a page), and what is known",
        # the reader takes what news APIs send: {"name": ...} objects, numbers as text; a value it cannot use is
        # left out (html beside a text too), so only the field it reads the article from is typed
        "properties": {"text": {"description": "the article as plain text"},
                       "html": {"description": "the article's web page, read when there is no text"},
                       "title": {"description": "text"}, "outlet": {"description": "text, or an object with 'name'"},
                       "url": {"description": "text"},
                       "published": {"description": "a date, ISO 8601 best; one that cannot be read is left out"}},
        "anyOf": [{"required": ["text"], "properties": {"text": _TEXT}},
                  {"required": ["html"], "properties": {"html": _TEXT}}]},
        "example": {"text": "BEIRUT - Hezbollah fighters attacked Nusra Front positions near the Lebanese town of "
                            "Arsal on Monday, a security source said.", "title": "Clashes near Arsal",
                    "outlet": "Cedar Ledger", "published": "2015-06-01", "url": "https://news.example.org/arsal"}},
    "multipart/form-data": {"schema": {
        "type": "object", "required": ["file"],
        "properties": {"file": {"type": "string", "format": "binary",
                                "description": "an article file: text, HTML, JSON or JSON Lines"}}}}}}


class _Assets(StaticFiles):
    """The page's map data and decoder, fetched by `ensure_assets`: until they are there (or when they could not be
    fetched), each is a 404, not Starlette's error for a missing folder."""

    async def check_config(self) -> None:
        if Path(self.directory).is_dir():
            await super().check_config()


def create_app(db_path: str | Path, ingest_token: str | None = None, cors_origins: tuple[str, ...] = (),
               max_body_bytes: int = MAX_BODY_BYTES) -> FastAPI:
    """The FastAPI application over one database (read-only unless ``ingest_token`` is given)."""
    api = Api(db_path, writable=ingest_token is not None)
    # the OpenAPI pages (/docs, /redoc) from files of the fastapi-offline package, not from a CDN
    app = FastAPIOffline(title="eventwire", version="0.1.0",
                  description="Events coded from news articles: who did what to whom, where and when, with every "
                              "claim traced to its sentence. Contract: docs/API.md.")
    app.state.api = api
    from fastapi import Security
    from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer
    from starlette.concurrency import run_in_threadpool
    from starlette.requests import ClientDisconnect

    # the ingestion token in either header; auto_error off: `ingest` answers a missing or wrong one with 401
    bearer_token = HTTPBearer(auto_error=False, scheme_name="ingestToken",
                              description="the --ingest-token of the server, as 'Authorization: Bearer TOKEN'")
    header_token = APIKeyHeader(name="X-Ingest-Token", auto_error=False, scheme_name="ingestTokenHeader",
                                description="the same token in its own header")

    @app.exception_handler(ParameterError)
    async def _bad_parameter(_request: Request, exc: ParameterError) -> JSONResponse:
        return _error(422, f"invalid parameter '{exc.parameter}': {exc.message}", exc.parameter)

    @app.exception_handler(ApiError)
    async def _api_error(_request: Request, exc: ApiError) -> JSONResponse:
        return _error(exc.status, exc.message)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
        first = (exc.errors() or [{}])[0]
        parameter = str((first.get("loc") or ["", "?"])[-1])
        return _error(422, f"invalid parameter '{parameter}': {first.get('msg', 'invalid')}", parameter)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        message = "not found" if exc.status_code == 404 else str(exc.detail)
        answer = _error(exc.status_code, message)
        answer.headers.update(exc.headers or {})  # a 405's Allow: the methods the path has
        return answer

    @app.exception_handler(ClientDisconnect)
    async def _gone(_request: Request, _exc: ClientDisconnect) -> JSONResponse:
        # the client closed the connection before its body had all come (a Content-Length larger than what it
        # sent): nobody reads this answer, but the request is the client's fault, not a server error
        return _error(400, "the connection closed before the request body had all arrived")

    @app.exception_handler(Exception)
    async def _unexpected(_request: Request, exc: Exception) -> JSONResponse:
        return _error(500, f"internal error: {type(exc).__name__}")

    @app.get("/api/stats", summary="Counts of the database, and events per day for the timeline",
             responses=_answers(_STATS))
    def stats() -> dict[str, Any]:
        return api.stats()

    @app.get("/api/events", summary="Events matching filters, a page at a time", responses={
        **_answers(_EVENT_PAGE, 422),
        200: {"content": {"application/json": {"schema": _EVENT_PAGE},
                          "application/x-ndjson": {"schema": _TEXT}, "text/csv": {"schema": _TEXT}},
              "headers": {"x-next-cursor": {"schema": _TEXT, "description": "with format=jsonl or csv"}}}})
    def events(actor: str | None = Query(None, max_length=200, description="registry id or words of a name"),
               recipient: str | None = Query(None, max_length=200),
               role: str = Query("actor", pattern="^(actor|any)$", description="where `actor` may stand"),
               type: str | None = Query(None, max_length=300, description="PLOVER types, comma-separated"),
               quad: str | None = Query(None, max_length=20, description="quad classes 1-4, comma-separated"),
               country: str | None = Query(None, pattern="^[A-Za-z]{2}$", description="ISO2 of the place"),
               bbox: str | None = Query(None, max_length=100, description="min_lon,min_lat,max_lon,max_lat"),
               since: str | None = Query(None, pattern=_PARTIAL_DATE),
               until: str | None = Query(None, pattern=_PARTIAL_DATE),
               modality: str | None = Query(None, max_length=200),
               min_sources: int | None = Query(None, ge=1, le=1000),
               q: str | None = Query(None, max_length=200, description="words of the sentence"),
               sort: str = Query("-date", pattern="^-?(date|sources|confidence)$"),
               limit: int = Query(100, ge=1, le=1000),
               cursor: str | None = Query(None, max_length=500),
               format: str = Query("json", pattern="^(json|jsonl|csv)$")) -> Any:
        quads = [int(x) for x in _split(quad, ("1", "2", "3", "4"), "quad")]
        if cursor:
            _check_cursor(cursor, sort)
        box = None
        if bbox:
            try:
                box = tuple(float(x) for x in bbox.split(","))
            except ValueError:
                raise ParameterError("bbox", "four numbers: min_lon,min_lat,max_lon,max_lat")
            if len(box) != 4 or not (-180 <= box[0] <= box[2] <= 180 and -90 <= box[1] <= box[3] <= 90):
                raise ParameterError("bbox", "four numbers: min_lon,min_lat,max_lon,max_lat, each min ≤ max")
        records, next_cursor = api.events(
            actor=actor, recipient=recipient, role=role, types=_split(type, TYPES, "type", upper=True),
            quads=quads, country=country, bbox=box, since=since, until=until,
            modalities=_split(modality, MODALITIES, "modality"), min_sources=min_sources, q=q, sort=sort,
            limit=limit, cursor=cursor)
        headers = {"x-next-cursor": next_cursor} if next_cursor else None
        if format == "jsonl":
            return Response("".join(r + "\n" for r in records), media_type="application/x-ndjson", headers=headers)
        if format == "csv":
            return StreamingResponse(_csv_lines([json.loads(r) for r in records]), media_type="text/csv",
                                     headers=headers)
        return Response('{"events": [' + ", ".join(records) + '], "next_cursor": ' + json.dumps(next_cursor) + "}",
                        media_type="application/json")

    @app.get("/api/events/{event_id}", summary="One event, its sentence, article, happening and contradictions",
             responses=_answers(_EVENT_DETAIL, 404, 422))
    def event(event_id: str) -> dict[str, Any]:
        return api.event(event_id)

    @app.get("/api/clusters/{cluster_id}", summary="One happening and every mention of it",
             responses=_answers(_CLUSTER, 404, 422))
    def cluster(cluster_id: str) -> dict[str, Any]:
        return api.cluster(cluster_id)

    @app.get("/api/actors", summary="Actors of the stored events, most events first",
             responses=_answers(_ACTORS, 422))
    def actors(search: str | None = Query(None, max_length=200), limit: int = Query(100, ge=1, le=5000)) -> Any:
        return {"actors": api.actors(search, limit)}

    @app.get("/api/actors/{actor_id}", summary="One actor: names, counts and relations by month",
             responses=_answers(_ACTOR, 404, 422))
    def actor(actor_id: str) -> dict[str, Any]:
        return api.actor(actor_id)

    @app.get("/api/relations", summary="Actor pairs over time, and each pair summed for the network",
             responses=_answers(_RELATIONS, 422))
    def relations(actor: str | None = Query(None, max_length=200),
                  period: str = Query("month", pattern="^(week|month)$")) -> dict[str, Any]:
        from eventwire.relations import over_all_periods

        series = api.relations(actor, period)
        names = api.actor_names()
        pairs = [{"actor_a": p.actor_a, "actor_b": p.actor_b, "name_a": names.get(p.actor_a, p.actor_a),
                  "name_b": names.get(p.actor_b, p.actor_b), "score": p.score, "events": p.events, "state": p.sign}
                 for p in over_all_periods(series)]
        return {"relations": [c.to_dict() for c in series], "pairs": pairs}

    @app.get("/api/contradictions", summary="Where independent sources disagree",
             responses=_answers(_CONTRADICTIONS, 422))
    def contradictions(actor: str | None = Query(None, max_length=200)) -> dict[str, Any]:
        return {"contradictions": api.contradictions(actor)}

    @app.get("/api/documents/{doc_id}", summary="An article's cleaned text with the spans found in it",
             responses=_answers(_DOCUMENT, 404, 422))
    def document(doc_id: str) -> dict[str, Any]:
        return api.document(doc_id)

    @app.post("/api/documents", status_code=201, summary="Ingest an article (only with --ingest-token)",
              responses={**_answers(_INGESTED, 400, 401, 403, 413, 422, status=201),
                         200: {"description": "The article was already stored",
                               "content": {"application/json": {"schema": _INGESTED}}}},
              openapi_extra={"requestBody": _ARTICLE_BODY})
    async def ingest(request: Request, bearer: HTTPAuthorizationCredentials | None = Security(bearer_token),
                     header: str | None = Security(header_token)) -> Any:
        if ingest_token is None:
            raise ApiError(403, "ingestion is off: start the server with --ingest-token TOKEN")
        given = bearer.credentials if bearer is not None else header or ""
        if not given or not hmac.compare_digest(given.encode(), ingest_token.encode()):
            refused = _error(401, "missing or wrong ingest token (send 'Authorization: Bearer TOKEN')")
            refused.headers["www-authenticate"] = 'Bearer realm="eventwire ingestion"'  # RFC 9110: a 401 names it
            return refused
        documents = await _documents_of(request)
        # in a worker thread: the pipeline takes seconds (minutes on a long text), and on the event loop it would
        # hold every other request, reads included, until it is done
        results = await run_in_threadpool(api.ingest, documents)
        if not results:
            raise ApiError(422, "no article in the request could be read")
        first = results[0]
        status = 201 if first["stored"] else 200
        return JSONResponse(first if len(results) == 1 else {"documents": results}, status_code=status)

    @app.get("/", include_in_schema=False)
    def page() -> Any:
        index = STATIC / "index.html"
        if not index.exists():
            raise ApiError(404, "the page is not installed (eventwire/web/data/static/index.html)")
        return FileResponse(index)

    if STATIC.is_dir():
        app.mount("/static", StaticFiles(directory=STATIC), name="static")
    from eventwire.web.assets import asset_dir

    # mounted even before `ensure_assets` has fetched them, so that the page finds them once it has
    app.mount("/assets", _Assets(directory=asset_dir(), check_dir=False), name="assets")
    app.router.on_shutdown.append(api.close)
    if cors_origins:
        from fastapi.middleware.cors import CORSMiddleware

        app.add_middleware(CORSMiddleware, allow_origins=list(cors_origins), allow_methods=["GET", "POST"],
                           allow_headers=["authorization", "content-type"])
    app.add_middleware(_BodyLimit, limit=max_body_bytes)
    app.add_middleware(_SecurityHeaders)
    return app


class _SecurityHeaders:
    """Add SECURITY_HEADERS to every answer (a plain ASGI layer: Starlette's middleware decorator costs more than
    the queries of a page)."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.headers = [(k.encode(), v.encode()) for k, v in SECURITY_HEADERS.items()]
        self.docs = [(k.encode(), (DOCS_POLICY if k == "content-security-policy" else v).encode())
                     for k, v in SECURITY_HEADERS.items()]

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        # the OpenAPI pages start themselves with an inline script
        extra = self.docs if scope.get("path") in ("/docs", "/redoc") else self.headers

        async def with_headers(message: dict) -> None:
            if message["type"] == "http.response.start":
                names = {k.lower() for k, _v in message.get("headers", [])}
                message = dict(message, headers=[*message.get("headers", []),
                                                 *(h for h in extra if h[0] not in names)])
            await send(message)

        await self.app(scope, receive, with_headers)


def app_from_env() -> FastAPI:
    """The app as `eventwire serve --workers N` starts it in each worker process (configured by environment)."""
    import os

    origins = tuple(o for o in os.environ.get("EVENTWIRE_SERVE_CORS", "").split(" ") if o)
    return create_app(os.environ["EVENTWIRE_SERVE_DB"], ingest_token=os.environ.get("EVENTWIRE_INGEST_TOKEN"),
                      cors_origins=origins)


_TOO_DEEP = "JSON nested too deeply to be an article record"


async def _documents_of(request: Request) -> list[Any]:
    """The articles of an ingestion request: a JSON record or a file uploaded as form field ``file``; a body that
    cannot be read is a 422 naming what was wrong."""
    from eventwire.ingest.readers import read_bytes, record_document
    from eventwire.model import ReadError

    kind = request.headers.get("content-type", "")
    if kind.startswith("multipart/form-data"):
        form = await request.form()
        upload = form.get("file")
        if upload is None or isinstance(upload, str):
            raise ParameterError("file", "send the article as the form field 'file'")
        name = re.sub(r"[^\w.-]", "_", upload.filename or "upload")[:100]
        found = list(read_bytes(await upload.read(), f"upload:{name}", None))
    else:
        try:
            record = json.loads(await request.body())
        except ValueError as exc:  # bad JSON or bytes, or a number of more digits than Python converts
            raise ParameterError("body", f"not valid JSON ({exc})")
        except RecursionError:
            raise ParameterError("body", _TOO_DEEP)
        if not isinstance(record, dict):
            raise ParameterError("body", "a JSON object with 'text' or 'html'")
        try:
            for key, value in record.items():
                try:  # JSON may escape half a UTF-16 pair ("\ud800"): no text, and nothing stores it
                    json.dumps([key, value], ensure_ascii=False).encode("utf-8")
                except UnicodeEncodeError:
                    raise ParameterError("body", f"the field {key!r} holds an unpaired surrogate "
                                                 "(\\ud800-\\udfff), not text")
            found = [record_document(record, "api", "json")]
        except RecursionError:  # a field nested about as deep as the parser allows: writing it out runs deeper
            raise ParameterError("body", _TOO_DEEP)
    errors = [d for d in found if isinstance(d, ReadError)]
    documents = [d for d in found if not isinstance(d, ReadError)]
    if not documents and errors:
        raise ParameterError("body", errors[0].reason)
    return documents
