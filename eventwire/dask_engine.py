"""The Dask engine of `eventwire run`: documents are read on the client, parsed in partitions by worker
processes (spaCy and the registries loaded once per worker), and merged into DuckDB by one writer.

Each worker writes its partition's documents and events as a Parquet part under ``DB.parts/run-<id>/``; the
client, the only process that opens the database, adds each part through `Store.add_many` (so the rows are the
ones `eventwire run` writes, and documents already stored are skipped), then fuses once.
The parts folder must be visible to the client and the workers (a LocalCluster, or a shared filesystem).
"""
from __future__ import annotations

import json
import os
import shutil
import threading
import time
import uuid
from collections import deque
from dataclasses import asdict
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from eventwire.model import ActorMention, ActorRef, Document, Event, Place, ReadError, RemovedLine, TimeSpan

MAX_BYTES = 2_000_000  # the same cap as `eventwire run`

# One Pipeline per worker process: the first partition a worker receives loads spaCy and the registries.
_PIPELINE = None
_LOADING = threading.Lock()  # a worker started with several threads still loads spaCy once


def _worker_pipeline():
    global _PIPELINE
    with _LOADING:
        if _PIPELINE is None:
            from eventwire.pipeline import Pipeline

            _PIPELINE = Pipeline(n_process=1)
    return _PIPELINE


# --- records: dataclasses to JSON and back, losslessly (Event.to_dict() rounds and drops fields) ---

def _ref(d: dict[str, Any]) -> ActorRef:
    return ActorRef(**d)


def event_from_record(d: dict[str, Any]) -> Event:
    """The Event of a `dataclasses.asdict(event)` record (JSON-decoded)."""
    d = dict(d)
    d["span"] = tuple(d["span"])
    d["trigger_span"] = tuple(d["trigger_span"]) if d.get("trigger_span") is not None else None
    d["actor"] = [_ref(a) for a in d["actor"]]
    d["recipient"] = [_ref(a) for a in d["recipient"]]
    d["location"] = Place(**d["location"]) if d.get("location") is not None else None
    d["time"] = TimeSpan(**d["time"]) if d.get("time") is not None else None
    return Event(**d)


def document_from_record(d: dict[str, Any]) -> Document:
    """The Document of a `Document.to_dict()` record (JSON-decoded), with its actor mentions."""
    d = dict(d)
    d["removed_lines"] = [RemovedLine(**r) for r in d["removed_lines"]]
    d["actors"] = [ActorMention(start=m["start"], end=m["end"], actor=_ref(m["actor"]), sentence=m["sentence"])
                   for m in d["actors"]]
    return Document(**d)


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


# --- the worker's side ---

def extract_partition(documents: list[Document], part_path: str | None) -> dict[str, Any]:
    """Events of one partition of documents (on a worker). With `part_path`, the records are written there as
    a Parquet part and the path returned; without, the records are returned. Extraction failures are returned
    as (source, reason) pairs; they never stop the partition."""
    failures: list[tuple[str, str]] = []
    rows = {"document_id": [], "document": [], "events": []}
    pipe = _worker_pipeline()
    for document, events in pipe.process(documents, on_error=lambda e: failures.append((e.source, e.reason))):
        rows["document_id"].append(document.id)
        rows["document"].append(_dumps(document.to_dict()))
        rows["events"].append(_dumps([asdict(e) for e in events]))
    if part_path is None:
        return {"rows": rows, "part": None, "failures": failures}
    import pyarrow as pa
    import pyarrow.parquet as pq

    Path(part_path).parent.mkdir(parents=True, exist_ok=True)
    tmp = part_path + ".tmp"
    pq.write_table(pa.table(rows, schema=_part_schema()), tmp)
    os.replace(tmp, part_path)  # a part is there whole or not at all
    return {"rows": None, "part": part_path, "failures": failures}


def _part_schema():  # built when needed, so that importing this module needs no pyarrow
    import pyarrow as pa

    return pa.schema([("document_id", pa.string()), ("document", pa.string()), ("events", pa.string())])


def _read_part(result: dict[str, Any]) -> Iterator[tuple[Document, list[Event]]]:
    if result["part"] is not None:
        import pyarrow.parquet as pq

        rows = pq.read_table(result["part"]).to_pydict()
    else:
        rows = result["rows"]
    for doc, evs in zip(rows["document"], rows["events"]):
        yield document_from_record(json.loads(doc)), [event_from_record(e) for e in json.loads(evs)]


# --- the client's side ---

def _partitions(documents: Iterable[Document], size: int) -> Iterator[list[Document]]:
    batch: list[Document] = []
    for d in documents:
        batch.append(d)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def run_dask(paths: Iterable[str], db_path: str | Path, workers: int = 2, scheduler: str | None = None,
             batch_size: int = 32, max_bytes: int = MAX_BYTES,
             on_error: Callable[[ReadError], None] | None = None, keep_parts: bool = False,
             parts: bool = True, fuse: bool = True) -> dict[str, Any]:
    """Ingest articles into DuckDB like `eventwire run`, with spaCy running on Dask workers: a LocalCluster of
    `workers` processes, or the scheduler at `scheduler`. Counts: documents added and skipped (already
    stored), events added, inputs that failed (read or extraction), partitions, seconds. `parts=False`: workers
    return their records instead of writing Parquet parts (no shared folder needed); `keep_parts`: keep them;
    `fuse=False`: store only (`eventwire clusters --refuse` fuses later)."""
    from dask.distributed import Client, LocalCluster

    from eventwire.ingest import read_inputs
    from eventwire.store import Store

    if batch_size < 1:
        raise ValueError(f"batch_size must be at least 1, not {batch_size}")
    started = time.perf_counter()
    db_path = str(db_path)
    run_dir = Path(db_path + ".parts") / f"run-{time.strftime('%Y%m%dT%H%M%S')}-{uuid.uuid4().hex[:8]}"
    counts = {"added": 0, "skipped": 0, "events": 0, "errors": 0, "partitions": 0, "seconds": 0.0}

    cluster = None
    if scheduler is None:
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None)
        client = Client(cluster)
    else:
        client = Client(scheduler)
    try:
        with Store(db_path) as store:
            def record(err: ReadError) -> None:  # written at once, as `eventwire run` does
                counts["errors"] += 1
                store.add_error(err)
                if on_error is not None:
                    on_error(err)

            def fresh_documents() -> Iterator[Document]:
                for item in read_inputs(list(paths), max_bytes=max_bytes):
                    if isinstance(item, ReadError):
                        record(item)
                    elif store.has_document(item.id):
                        counts["skipped"] += 1
                    else:
                        yield item

            def merge(future, sources: list[str]) -> None:
                try:
                    result = future.result()
                except Exception as exc:  # noqa: BLE001 - a lost worker or a failed part is this partition's
                    for source in sources:
                        record(ReadError(source, f"partition failed on its Dask worker: {exc!r}"))
                    return
                for source, reason in result["failures"]:
                    record(ReadError(source, reason))
                pairs = list(_read_part(result))
                for (_document, events), new in zip(pairs, store.add_many(pairs)):  # one transaction a part
                    counts["added"] += new
                    counts["events"] += len(events) if new else 0
                    counts["skipped"] += not new  # the same article twice in this run
                if result["part"] is not None and not keep_parts:
                    os.remove(result["part"])

            # Merged in submission order, with a bounded number of partitions in flight so that the client's
            # memory stays flat on a large corpus.
            n_workers = max(1, len(client.scheduler_info().get("workers", {})) or workers)
            in_flight: deque = deque()
            for n, batch in enumerate(_partitions(fresh_documents(), batch_size)):
                part = str(run_dir / f"part-{n:05d}.parquet") if parts else None
                future = client.submit(extract_partition, batch, part, pure=False)
                in_flight.append((future, [d.path or d.id for d in batch]))
                counts["partitions"] += 1
                while len(in_flight) > 2 * n_workers:
                    merge(*in_flight.popleft())
            while in_flight:
                merge(*in_flight.popleft())
            if counts["added"] and fuse:
                store.fuse()  # once, across all stored articles
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
    if not keep_parts and run_dir.is_dir() and not any(run_dir.glob("*.parquet")):
        shutil.rmtree(run_dir, ignore_errors=True)
        try:
            run_dir.parent.rmdir()  # only when no other run left parts there
        except OSError:
            pass
    counts["seconds"] = round(time.perf_counter() - started, 2)
    return counts
