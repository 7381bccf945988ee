"""The `eventwire` command: a thin layer over the stages; every command has --help and fails in one line."""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any, Iterable

import click

from eventwire.model import PROVISIONAL_PREFIX, Document, ReadError

DEFAULT_DB = "eventwire.duckdb"
MAX_BYTES = 2_000_000


def _fail(message: str) -> None:
    raise click.ClickException(message)


def _say_skipped(err: ReadError) -> None:
    click.echo(f"eventwire: skipped {err}", err=True)


def _read(paths: Iterable[str], max_bytes: int, on_error=None, raw: bool = False) -> Iterable[Document]:
    """Documents from the inputs; each unreadable one is reported on stderr (and to `on_error`) and skipped."""
    from eventwire.ingest import read_inputs

    for item in read_inputs(list(paths), max_bytes=max_bytes, stdin=sys.stdin, raw=raw):
        if isinstance(item, ReadError):
            _say_skipped(item)
            if on_error is not None:
                on_error(item)
        else:
            yield item


def _pipeline(processes: int, batch_size: int = 16, verbs: tuple[str, ...] = ()):
    """The pipeline, with the triggers of CAMEO/PETRARCH verb dictionaries added to the lexicon (`--verbs`)."""
    from eventwire.pipeline import Pipeline

    if not verbs:
        return Pipeline(n_process=processes, batch_size=batch_size)
    from eventwire.events import EventExtractor, Lexicon
    from eventwire.events.cameo_verbs import VerbDictionaryError, triggers_from_dictionary

    lexicon = Lexicon.load()
    for path in verbs:
        try:
            triggers, report = triggers_from_dictionary(path)
        except (VerbDictionaryError, OSError) as exc:
            _fail(str(exc))
        for trigger in reversed(triggers):  # the dictionary's codes win over the shipped lexicon's
            lexicon.add(trigger, first=True)
        click.echo(f"eventwire: {report.summary()}", err=True)
    return Pipeline(n_process=processes, batch_size=batch_size, extractor=EventExtractor(lexicon=lexicon))


VERBS_OPTION = click.option("--verbs", "verbs", multiple=True, type=click.Path(exists=True, dir_okay=False),
                            help="A CAMEO/PETRARCH verb dictionary whose verbs are added to the trigger lexicon "
                                 "(repeatable).")


def _table(rows: list[list[Any]], header: list[str]) -> str:
    cells = [[("" if v is None else str(v)) for v in row] for row in [header, *rows]]
    widths = [min(max(len(r[i]) for r in cells), 60) for i in range(len(header))]
    out = []
    for n, row in enumerate(cells):
        out.append("  ".join(v[:w].ljust(w) for v, w in zip(row, widths)).rstrip())
        if n == 0:
            out.append("  ".join("-" * w for w in widths))
    return "\n".join(out)


def _event_rows(records: list[dict[str, Any]]) -> list[list[Any]]:
    names = lambda refs: ", ".join(r["name"] for r in refs)  # noqa: E731
    return [[r["date"], r["event_type"], names(r["actor"]), names(r["recipient"]),
             (r["location"] or {}).get("name"), r["modality"], r["text"]] for r in records]


EVENT_HEADER = ["date", "type", "actor", "recipient", "place", "modality", "sentence"]


def _print_events(records: list[dict[str, Any]], fmt: str) -> None:
    from eventwire.store import events_to_csv

    if fmt == "jsonl":
        for r in records:
            click.echo(json.dumps(r, ensure_ascii=False))
    elif fmt == "csv":
        click.echo(events_to_csv(records), nl=False)
    else:
        click.echo(_table(_event_rows(records), EVENT_HEADER))


@click.group()
@click.version_option(package_name="eventwire")
def main() -> None:
    """eventwire: news articles about conflict and politics → PLOVER-coded, traceable event data."""


@main.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True, help="Print the document record instead of the text.")
@click.option("--max-bytes", default=MAX_BYTES, show_default=True, help="Skip inputs larger than this.")
def clean(paths: tuple[str, ...], as_json: bool, max_bytes: int) -> None:
    """Print the cleaned text of each article (files, folders, or - for stdin)."""
    n = 0
    for doc in _read(paths, max_bytes):
        n += 1
        if as_json:
            click.echo(json.dumps(doc.to_dict(), ensure_ascii=False))
        else:
            click.echo(doc.text)
    if n == 0:
        _fail("no readable article in " + ", ".join(paths))


@main.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--format", "fmt", type=click.Choice(["jsonl", "table"]), default="jsonl", show_default=True)
@click.option("--raw", is_flag=True, help="Read each input as given, without cleaning: offsets point into it.")
@click.option("--processes", default=1, show_default=True, help="spaCy worker processes.")
@click.option("--max-bytes", default=MAX_BYTES, show_default=True, help="Skip inputs larger than this.")
def places(paths: tuple[str, ...], fmt: str, raw: bool, processes: int, max_bytes: int) -> None:
    """Print every toponym mention, resolved: text, character offsets into the cleaned text (with --raw, into
    the input as given), name, GeoNames id, coordinates, country, admin1, feature code, the reason, document."""
    pipe = _pipeline(processes)
    rows: list[dict[str, Any]] = []
    n = 0
    for document, found in pipe.places(_read(paths, max_bytes, raw=raw)):
        n += 1
        for place in found:
            row = {"text": place.text, "start": place.start, "end": place.end, **{
                k: v for k, v in place.to_dict().items() if k != "text"}, "reason": place.reason,
                   "document": {"id": document.id, "path": document.path}}
            if fmt == "jsonl":
                click.echo(json.dumps(row, ensure_ascii=False))
            else:
                rows.append(row)
    if fmt == "table":
        for r in rows:
            click.echo(f"{(r['document']['path'] or '-')[-28:]:<28} {r['start']:>6} {r['text'][:28]:<28} "
                       f"{(r['name'] or '')[:28]:<28} {r['country_code'] or '-':<3} "
                       f"{r['lat'] if r['lat'] is not None else '-'!s:>8} {r['lon'] if r['lon'] is not None else '-'!s:>8}")
    if n == 0:
        _fail("no readable article in " + ", ".join(paths))


@main.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--format", "fmt", type=click.Choice(["jsonl", "table"]), default="jsonl", show_default=True)
@click.option("--processes", default=1, show_default=True, help="spaCy worker processes.")
@click.option("--max-bytes", default=MAX_BYTES, show_default=True, help="Skip inputs larger than this.")
@VERBS_OPTION
def extract(paths: tuple[str, ...], fmt: str, processes: int, max_bytes: int, verbs: tuple[str, ...]) -> None:
    """Run the whole pipeline without a database and print the events."""
    pipe = _pipeline(processes, verbs=verbs)
    records: list[dict[str, Any]] = []
    n = 0
    for _doc, events in pipe.process(_read(paths, max_bytes), on_error=_say_skipped):
        n += 1
        batch = [e.to_dict() for e in events]
        if fmt == "jsonl":
            _print_events(batch, "jsonl")
        else:
            records += batch
    if fmt == "table":
        _print_events(records, "table")
    if n == 0:
        _fail("no readable article in " + ", ".join(paths))


@main.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--db", default=DEFAULT_DB, show_default=True, help="DuckDB file (created if missing).")
@click.option("--processes", default=2, show_default=True, help="spaCy worker processes.")
@click.option("--batch-size", default=16, show_default=True,
              help="Articles per spaCy batch and per stored transaction (where a killed run resumes from).")
@click.option("--max-bytes", default=MAX_BYTES, show_default=True, help="Skip inputs larger than this.")
@click.option("--quiet", is_flag=True, help="No progress bar and no summary.")
@click.option("--no-fuse", is_flag=True,
              help="Store only; fuse later with `eventwire clusters --refuse` (loading a corpus in several runs).")
@click.option("--engine", type=click.Choice(["local", "dask"]), default="local", show_default=True,
              help="local: spaCy processes on this machine; dask: Dask workers (a LocalCluster, or --scheduler).")
@click.option("--scheduler", default=None, help="With --engine dask: the address of a running Dask scheduler.")
@click.option("--workers", default=2, show_default=True, type=click.IntRange(1, 256),
              help="With --engine dask and no --scheduler: worker processes of the LocalCluster.")
@VERBS_OPTION
def run(paths: tuple[str, ...], db: str, processes: int, batch_size: int, max_bytes: int, quiet: bool,
        no_fuse: bool, engine: str, scheduler: str | None, workers: int, verbs: tuple[str, ...]) -> None:
    """Ingest articles into DuckDB; documents already stored (same content hash) are skipped."""
    from tqdm import tqdm

    from eventwire.store import Store

    if engine == "dask":
        if verbs:
            _fail("--verbs works with the local engine only")
        from eventwire.dask_engine import run_dask

        counts = run_dask(paths, db, workers=workers, scheduler=scheduler, batch_size=batch_size,
                          max_bytes=max_bytes, on_error=_say_skipped, fuse=not no_fuse)
        if not quiet:
            click.echo(f"dask: {counts['added']} documents added ({counts['skipped']} already stored), "
                       f"{counts['events']} events, {counts['errors']} inputs failed, {counts['partitions']} "
                       f"partitions, {counts['seconds']:.1f} s")
            with Store(db, read_only=True) as store:
                click.echo(_summary(store, db, counts["added"], counts["events"], counts["errors"]))
        return

    try:
        store = Store(db)
    except Exception as exc:  # a locked or corrupt file: say which and why
        _fail(f"cannot open {db}: {exc}")
    with store:
        errors: list[ReadError] = []

        def record(err: ReadError) -> None:  # written at once, so an interrupted run keeps what it found
            errors.append(err)
            store.add_error(err)

        n_seen = 0

        def fresh_documents():
            nonlocal n_seen
            def unstored(docs: list) -> list:
                stored = store.stored([d.id for d in docs])
                return [d for d in docs if d.id not in stored]

            read: list = []
            for d in _read(paths, max_bytes, on_error=record):
                n_seen += 1  # read fine, whether new or already stored
                read.append(d)
                if len(read) >= 64:  # the database is asked about them together
                    yield from unstored(read)
                    read = []
            yield from unstored(read)

        fresh = fresh_documents()
        pipe = _pipeline(processes, batch_size, verbs)
        added = skipped = n_events = 0
        bar = tqdm(desc="articles", unit="doc", file=sys.stderr, disable=quiet or None)
        def failed(err: ReadError) -> None:
            _say_skipped(err)
            record(err)

        pending: list = []

        def flush() -> None:  # one transaction per batch: the run's checkpoint
            nonlocal added, skipped, n_events
            for (_doc, events), new in zip(pending, store.add_many(pending)):
                added += new
                skipped += not new
                n_events += len(events) if new else 0
            bar.update(len(pending))
            pending.clear()

        for pair in pipe.process(fresh, on_error=failed):
            pending.append(pair)
            if len(pending) >= batch_size:
                flush()
        flush()
        bar.close()
        # the happenings, across all stored articles; also when this run added nothing but an earlier one stored
        # events it never fused (killed while fusing, say), so that a rerun always ends fused
        fusing = not no_fuse and (added or not quiet or store.fusion_outdated())
        n_clusters = store.fuse() if fusing else None
        if not quiet:
            click.echo(_summary(store, db, added, n_events, len(errors)))
            if n_clusters is not None:
                click.echo(f"fusion: {n_clusters} happenings across the stored articles "
                           "(`eventwire clusters --db FILE` lists them)")
    if errors and added == skipped == 0 and n_seen == 0:
        _fail(f"no readable article among {len(errors)} input(s); see the reasons above")


def _summary(store, db: str, added: int, n_events: int, n_errors: int) -> str:
    s = store.summary()
    lines = [f"eventwire: {added} new documents, {n_events} new events, {n_errors} inputs skipped this run",
             f"database {Path(db).resolve()}: {s['documents']} documents, {s['events']} events, "
             f"{s['errors']} unreadable inputs recorded", "", "events by type:"]
    lines += [f"  {t:<10} {n}" for t, n in s["by_type"]] or ["  (none)"]
    lines += ["", "top actors:"] + ([f"  {a:<32} {n}" for a, n in s["top_actors"]] or ["  (none)"])
    lines += ["", "top places:"] + ([f"  {p:<32} {n}" for p, n in s["top_places"]] or ["  (none)"])
    lines += ["", f"actor mentions: {s['mentions']}, of which {s['provisional_mentions']} name "
                  f"{s['provisional_actors']} actors the registry lacks (eventwire actors --new --db {db})"]
    lines += ["", f"explore: eventwire events --db {db} --format table"]
    return "\n".join(lines)


@main.command()
@click.option("--db", default=DEFAULT_DB, show_default=True, help="DuckDB file written by `eventwire run`.")
@click.option("--actor", help="Actor name, alias text or registry id (substring, case-insensitive).")
@click.option("--type", "event_type", help="PLOVER event type, e.g. ASSAULT.")
@click.option("--since", help="Events ending on or after this ISO date.")
@click.option("--until", help="Events starting on or before this ISO date.")
@click.option("--country", help="ISO2 code of the event's place or ISO3 code of a party.")
@click.option("--limit", type=int, help="At most this many events.")
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv", "table"]), default="table", show_default=True)
def events(db: str, actor, event_type, since, until, country, limit, fmt: str) -> None:
    """Query stored events."""
    from eventwire.events.lexicon import PLOVER_TYPES
    from eventwire.store import EventFilter, Store

    for name, value in (("--since", since), ("--until", until)):
        if value and not _is_iso_date(value):
            _fail(f"{name} {value!r} is not a date: write YYYY-MM-DD (or YYYY-MM, YYYY)")
    if event_type and event_type.upper() not in PLOVER_TYPES:
        _fail(f"unknown event type {event_type!r}; one of: {' '.join(PLOVER_TYPES)}")
    try:
        store = Store(db, read_only=True)
    except Exception as exc:
        _fail(f"cannot open {db}: {exc}")
    with store:
        records = list(store.events(EventFilter(actor, event_type, since, until, country, limit)))
    _print_events(records, fmt)


@main.group(invoke_without_command=True)
@click.option("--search", "query", help="Only actors whose id, name, alias or description contains this, or "
              "that it resolves to.")
@click.option("--new", "new", is_flag=True, help="List provisional actors (names the registry lacks) found by "
              "`eventwire run`, with counts and an example sentence.")
@click.option("--write", "write", type=click.Path(dir_okay=False),
              help="With --new: write them as commented-out registry rows to promote by editing the file.")
@click.option("--db", default=DEFAULT_DB, show_default=True, help="DuckDB file written by `eventwire run`.")
@click.option("--limit", type=int, default=50, show_default=True, help="At most this many rows (0 = all).")
@click.option("--format", "fmt", type=click.Choice(["table", "jsonl"]), default="table", show_default=True)
@click.pass_context
def actors(ctx: click.Context, query: str | None, new: bool, write: str | None, db: str, limit: int,
           fmt: str) -> None:
    """List the registry's actors with aliases and event counts, or the provisional ones (--new).

    Subcommand `eventwire actors import FILE` converts a CAMEO/PETRARCH actor dictionary."""
    if ctx.invoked_subcommand is not None:
        return
    from eventwire.store import Store

    store = Store(db, read_only=True) if Path(db).exists() else None
    try:
        if new:
            if store is None:
                _fail(f"{db}: no such database; `eventwire run` finds the provisional actors")
            items = store.provisional_actors(limit or None)
            if write:
                from eventwire.actors.registry import write_promotion_file

                n = write_promotion_file(write, store.provisional_actors())
                click.echo(f"wrote {n} provisional actors to {write}; delete '# ' before a row to promote it",
                           err=True)
            if fmt == "jsonl":
                for item in items:
                    click.echo(json.dumps(item, ensure_ascii=False))
            else:
                click.echo(_table([[i["id"], i["name"], i["country"], i["mentions"], i["documents"], i["events"],
                                    i["example"]] for i in items],
                                  ["id", "name", "country", "mentions", "docs", "events", "example"]))
            return
        counts = store.actor_counts() if store is not None else {}
    finally:
        if store is not None:
            store.close()
    rows = _registry_rows(query, counts)
    rows.sort(key=lambda r: (-r["events"], -r["mentions"], r["id"]))
    rows = rows[:limit] if limit else rows
    if fmt == "jsonl":
        for r in rows:
            click.echo(json.dumps(r, ensure_ascii=False))
    else:
        click.echo(_table([[r["id"], r["name"], r["country"], r["sector"], r["type"], r["events"], r["mentions"],
                            ", ".join(r["aliases"][:6])] for r in rows],
                          ["id", "name", "country", "sector", "type", "events", "mentions", "aliases"]))


def _registry_rows(query: str | None, counts: dict[str, tuple[int, int]]) -> list[dict[str, Any]]:
    """Registry actors (latest period; names of all periods) matching `query`, with store counts."""
    from eventwire.actors import ActorRegistry, fold

    reg = ActorRegistry.default()
    wanted: set[str] | None = None
    if query:
        q = fold(query).lower()
        wanted = {aid for aid in reg.ids() for row in reg.rows(aid)
                  if q in aid.lower() or any(q in fold(f).lower() for f in (row.name, *row.aliases, *row.descriptions))}
        hit = reg.resolve(query)
        if hit is not None and hit.id:
            wanted.add(hit.id)
    out = []
    listed = reg.ids()
    known = set(listed)
    for aid in [*listed, *sorted(a for a in counts if a not in known and not a.startswith(PROVISIONAL_PREFIX))]:
        if wanted is not None and aid not in wanted:
            continue
        actor = reg.get(aid)
        if actor is None:
            continue
        aliases = list(dict.fromkeys(f.lstrip("=") for row in reg.rows(aid) for f in (row.name, *row.aliases)))
        events, mentions = counts.get(aid, (0, 0))
        out.append({"id": aid, "name": actor.name, "country": actor.country, "sector": actor.sector,
                    "type": actor.type, "aliases": aliases, "events": events, "mentions": mentions})
    return out


@actors.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--out", type=click.Path(dir_okay=False), help="Registry file to write (default: the user's actors "
              "folder, so every later run loads it).")
def actors_import(path: str, out: str | None) -> None:
    """Convert a CAMEO/PETRARCH/Phoenix actor dictionary into a registry file eventwire loads."""
    from eventwire.actors import RegistryError
    from eventwire.actors.cameo import import_dictionary
    from eventwire.actors.registry import user_dir

    target = Path(out) if out else user_dir() / (Path(path).stem + ".tsv")
    try:
        # ids of the other files in the same folder stay theirs: a later file would replace their rows
        others = [p for p in target.parent.glob("*.tsv") if p.resolve() != target.resolve()] \
            if target.parent.is_dir() else []
        avoid = {line.split("\t", 1)[0] for p in others for line in p.read_text(encoding="utf-8").splitlines()
                 if line and not line.startswith("#")}
        report = import_dictionary(path, target, avoid=avoid)
    except (RegistryError, ValueError, OSError) as exc:
        _fail(str(exc))
    click.echo(report.summary())
    click.echo(f"wrote {target}")


# Above this many imported places, warn that building the index takes a lot of memory.
LARGE_IMPORT = 2_000_000


@main.group()
def gazetteer() -> None:
    """Add GeoNames dumps to the gazetteer, list them and remove them.

    Download a dump from https://download.geonames.org/export/dump/ (a country file such as SY.zip,
    cities500.zip or allCountries.zip) and `eventwire gazetteer import SY.zip`: every later run finds its places."""


def _size(n: float) -> str:
    """Bytes for people: "1.0 kB", "33.2 MB"."""
    for unit in ("B", "kB", "MB"):
        if n < 1000:
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1000
    return f"{n:.1f} GB"


def _dump_summary(dump: Any) -> str:
    """What one import stored: places by GeoNames feature class, and the rows left out."""
    from eventwire.geo import DUMP_FEATURE_CLASSES

    replaced = f" (replacing the earlier {dump.name})" if dump.replaced else ""
    lines = [f"imported {Path(dump.source).name} as {dump.name}{replaced}: {dump.places:,} places, "
             f"{_size(dump.size)}, read in {dump.seconds:.1f} s"]
    lines += [f"  {c}  {DUMP_FEATURE_CLASSES[c]:<28} {n:>12,}" for c, n in dump.by_class.items()]
    if dump.left_out:
        kinds = ", ".join(f"{c} {n:,}" for c, n in dump.left_out.items())
        lines.append(f"  left out {sum(dump.left_out.values()):,} rows of other feature classes "
                     f"(R roads and railways, U undersea): {kinds}")
    return "\n".join(lines)


@main.command("learn-location")
@click.option("--data", "data_dir", type=click.Path(file_okay=False), default=None,
              help="The shared data folder (default: ../shared/data).")
@click.option("--out", type=click.Path(dir_okay=False), default=None,
              help="Where to write the weights (default: the package's events/data/location_weights.tsv).")
def learn_location(data_dir: str | None, out: str | None) -> None:
    """Learn the event-location model from event_location/labeled_text_dev.json: the records after the first
    2,000 (those `eventwire eval event-location` scores are never learnt from), about a minute."""
    from eventwire.evaluate import DatasetMissing, default_data_dir
    from eventwire.events.where import WEIGHTS, learn

    folder = Path(data_dir) if data_dir else default_data_dir()
    if folder is None:
        _fail("no data folder found (looked for ../shared/data); pass --data DIR")
    try:
        model, note = learn(folder, Path(out) if out else WEIGHTS)
    except DatasetMissing as exc:
        _fail(str(exc))
    click.echo(f"{note}; threshold {model.threshold:.2f}, {len(model.weights)} weights → {out or WEIGHTS}")


@main.command()
@click.option("--db", default="eventwire.duckdb", show_default=True)
@click.option("--min-sources", default=1, show_default=True, help="Only happenings with this many independent sources.")
@click.option("--limit", type=int, default=None)
@click.option("--format", "fmt", type=click.Choice(["jsonl", "table"]), default="table", show_default=True)
@click.option("--refuse", is_flag=True, help="Cluster the stored events again first (`run` does it itself).")
def clusters(db: str, min_sources: int, limit: int | None, fmt: str, refuse: bool) -> None:
    """Happenings merged across articles: type, parties, place, dates, mentions, articles, independent
    sources (near-duplicate articles and one outlet's articles count once) and corroboration."""
    from eventwire.store import Store

    if not Path(db).exists():
        _fail(f"no database at {db}; run `eventwire run PATHS --db {db}` first")
    with Store(db, read_only=not refuse) as store:
        if refuse:
            store.fuse()
        rows = list(store.clusters(min_sources, limit))
    if fmt == "jsonl":
        for r in rows:
            click.echo(json.dumps(r, ensure_ascii=False))
        return
    click.echo(_table([[r["event_type"], ", ".join(r["actors"])[:30], ", ".join(r["recipients"])[:24],
                        (r["location"] or {}).get("name") or "-", r["date"] or "-", r["mentions"], r["articles"],
                        r["sources"], f"{r['corroboration']:.2f}"] for r in rows],
                      ["type", "actors", "recipients", "place", "date", "mentions", "articles", "sources",
                       "corroboration"]))


@main.command("contradictions")
@click.option("--db", default="eventwire.duckdb", show_default=True)
@click.option("--actor", default=None, help="Only contradictions naming this actor id (NUSRA, IS…).")
@click.option("--format", "fmt", type=click.Choice(["jsonl", "table"]), default="table", show_default=True)
def contradictions_(db: str, actor: str | None, fmt: str) -> None:
    """Where independent sources disagree: cooperation and conflict between one pair in the same weeks, an act
    reported and denied, different perpetrators of one attack, a place taken by both sides, fatality figures
    far apart; each with both sides' claims (sentence, outlet, modality) and a plain reason."""
    from eventwire.store import Store

    if not Path(db).exists():
        _fail(f"no database at {db}; run `eventwire run PATHS --db {db}` first")
    with Store(db, read_only=True) as store:
        rows = list(store.contradictions(actor))
    if fmt == "jsonl":
        for r in rows:
            click.echo(json.dumps(r, ensure_ascii=False))
        return
    for r in rows:
        click.echo(f"{r['window']['start']}..{r['window']['end']}  {' / '.join(r['actors'])}  [{r['kind']}]")
        click.echo(f"  {r['reason']}")
        for c in r["claims"]:
            doc = c["document"] or {}
            click.echo(f"    {c['event_type']:<9} {c['modality'] or '-':<10} {(doc.get('outlet') or '-')[:24]:<24} "
                       f"{(c['text'] or '')[:90]}")


@main.command("relations")
@click.option("--db", default="eventwire.duckdb", show_default=True)
@click.option("--actor", default=None, help="Only pairs with this actor id (NUSRA, IS…).")
@click.option("--period", type=click.Choice(["week", "month"]), default="month", show_default=True)
@click.option("--format", "fmt", type=click.Choice(["jsonl", "table", "gexf"]), default="table", show_default=True)
def relations_(db: str, actor: str | None, period: str, fmt: str) -> None:
    """Actor pairs over time: signed intensity per week or month (−10 hostile … +10 cooperative, one vote per
    happening), the state (allied, hostile, mixed) and the shifts between them; GEXF for Gephi."""
    from eventwire.relations import relations, shifts, to_gexf
    from eventwire.store import Store

    if not Path(db).exists():
        _fail(f"no database at {db}; run `eventwire run PATHS --db {db}` first")
    with Store(db, read_only=True) as store:
        records, cluster_of = store.relation_inputs()
    series = relations(records, cluster_of, period, actor)
    if fmt == "gexf":
        click.echo(to_gexf(series), nl=False)
    elif fmt == "jsonl":
        for cell in series:
            click.echo(json.dumps(cell.to_dict(), ensure_ascii=False))
    else:
        click.echo(_table([[c.actor_a, c.actor_b, c.period, f"{c.score:+.1f}", c.events, c.sign] for c in series],
                          ["actor_a", "actor_b", "period", "score", "events", "sign"]))
        for shift in shifts(series):
            click.echo("shift: " + shift["text"])


@main.command("export")
@click.option("--db", default="eventwire.duckdb", show_default=True)
@click.option("--to", "fmt", type=click.Choice(["plover-jsonl", "gdelt", "acled", "geojson", "gexf", "parquet"]),
              required=True)
@click.option("--out", type=click.Path(), default=None,
              help="Write to this file (a folder for parquet); default: standard output.")
def export_(db: str, fmt: str, out: str | None) -> None:
    """Export the events: PLOVER JSONL, GDELT 2.0- or ACLED-style CSV (unknown columns left empty), GeoJSON
    (QGIS), GEXF (the actor network, Gephi) or Parquet partitioned by month (DuckDB, Spark, pandas)."""
    from eventwire.export import export
    from eventwire.store import Store

    if not Path(db).exists():
        _fail(f"no database at {db}; run `eventwire run PATHS --db {db}` first")
    try:
        with Store(db, read_only=True) as store:
            text = export(store, fmt, Path(out) if out else None)
    except (ValueError, OSError) as exc:
        _fail(str(exc))
    if text:
        click.echo(text, nl=False)


@gazetteer.command("import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--no-index", is_flag=True, help="Only store the dumps; the index is rebuilt the next time "
              "eventwire loads the gazetteer.")
@click.option("--country", "country_codes", multiple=True, metavar="CC",
              help="Keep only the places of this country (ISO2, repeatable): allCountries.zip --country SY "
                   "--country IQ indexes two countries instead of ten million places.")
def gazetteer_import(paths: tuple[str, ...], no_index: bool, country_codes: tuple[str, ...]) -> None:
    """Add GeoNames dumps: allCountries.zip, a country file (SY.zip), cities500.zip/cities1000.zip, or the .txt
    inside. Their places (feature classes P A L T H S V) are kept in the eventwire cache and every later run
    uses them; importing a file of the same name again replaces it. Then the index is rebuilt once."""
    import time

    from tqdm import tqdm

    from eventwire.geo import (Gazetteer, GeoNamesDumpError, import_geonames_dumps, imported_dumps,
                               imported_place_count)

    bars: dict[Path, Any] = {}

    def progress(source: Path, done: int, total: int) -> None:
        bar = bars.get(source)
        if bar is None:
            bar = bars[source] = tqdm(desc=source.name, total=total, unit="B", unit_scale=True, file=sys.stderr,
                                      disable=None, leave=False)
        bar.update(min(done, total) - bar.n)

    try:
        dumps = import_geonames_dumps(paths, on_progress=progress, countries=country_codes)
    except (GeoNamesDumpError, OSError) as exc:
        _fail(f"{exc}; nothing was imported, earlier imports are unchanged")
    finally:
        for bar in bars.values():
            bar.close()
    for dump in dumps:
        click.echo(_dump_summary(dump))
    if no_index:
        click.echo("stored; the gazetteer index is rebuilt the next time eventwire loads it")
        return
    everything = imported_dumps()
    stored = sum(d.places for d in everything)
    click.echo(f"building the gazetteer index with {len(everything)} imported dump(s)…", err=True)
    if stored > LARGE_IMPORT:  # the index is built in memory: allCountries does not fit on a laptop
        click.echo(f"eventwire: {stored:,} imported places need many GB of memory to index; if the build fails, "
                   "`eventwire gazetteer remove` the big dump and import the country files you need (SY.zip…)",
                   err=True)
    started = time.perf_counter()
    try:
        index = Gazetteer.default()
    except (ValueError, OSError, MemoryError) as exc:
        _fail(f"the dumps are stored, but building the index failed: {exc}")
    added = imported_place_count(index)
    duplicates = stored - added
    already = (f" ({duplicates:,} {'row names a place' if duplicates == 1 else 'rows name places'} it already "
               "had)" if duplicates > 0 else "")
    click.echo(f"gazetteer: {len(index):,} places, {added:,} of them from imported dumps{already}; "
               f"index built in {time.perf_counter() - started:.1f} s")


@gazetteer.command("list")
@click.option("--format", "fmt", type=click.Choice(["table", "jsonl"]), default="table", show_default=True)
def gazetteer_list(fmt: str) -> None:
    """The imported GeoNames dumps: name, places, size on disk, when and from which file."""
    from eventwire.geo import imported_dumps, imported_dumps_dir

    dumps = imported_dumps()
    if fmt == "jsonl":
        for d in dumps:
            click.echo(json.dumps({"name": d.name, "places": d.places, "by_class": d.by_class, "bytes": d.size,
                                   "imported": d.imported, "source": d.source, "path": str(d.path)}))
        return
    if not dumps:
        click.echo(f"no GeoNames dumps imported (in {imported_dumps_dir()}); download one from "
                   "https://download.geonames.org/export/dump/ and run `eventwire gazetteer import FILE`")
        return
    click.echo(_table([[d.name, f"{d.places:,}", _size(d.size), (d.imported or "")[:16].replace("T", " "),
                        d.source] for d in dumps], ["name", "places", "size", "imported", "source"]))
    click.echo(f"\n{sum(d.places for d in dumps):,} places in {len(dumps)} dump(s) under {imported_dumps_dir()}")


@gazetteer.command("remove")
@click.argument("names", nargs=-1, required=True)
def gazetteer_remove(names: tuple[str, ...]) -> None:
    """Remove imported dumps by the name `eventwire gazetteer list` shows (SY, allCountries, cities500)."""
    from eventwire.geo import GeoNamesDumpError, remove_imported_dump

    for name in names:
        try:
            dump = remove_imported_dump(name)
        except (GeoNamesDumpError, OSError) as exc:
            _fail(str(exc))
        click.echo(f"removed {dump.name} ({dump.places:,} places); the next run loads the gazetteer without it")


def _is_iso_date(value: str) -> bool:
    import re

    return re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", value) is not None


@main.command()
@click.argument("sources", nargs=-1, required=True)
@click.option("--db", default="eventwire.duckdb", show_default=True)
@click.option("--interval", default=300.0, show_default=True, type=click.FloatRange(min=1.0),
              help="Seconds between rounds (a failing source waits longer each time, up to an hour).")
@click.option("--once", is_flag=True, help="One round, then stop (for cron).")
@click.option("--max-bytes", default=2_000_000, show_default=True, type=int)
@click.option("--processes", default=1, show_default=True, type=int)
@click.option("--batch-size", default=16, show_default=True, type=int)
@VERBS_OPTION
def watch(sources: tuple[str, ...], db: str, interval: float, once: bool, max_bytes: int, processes: int,
          batch_size: int, verbs: tuple[str, ...]) -> None:
    """Follow RSS/Atom feeds (each linked article is fetched and read) and folders (each new file), storing
    only what is new; a failing source is retried later and later, with one log line per failure."""
    from eventwire.watch import source_kind, watch as follow

    try:
        for source in sources:
            source_kind(source)
    except ValueError as exc:
        _fail(str(exc))
    follow(list(sources), db, interval=interval, pipeline=_pipeline(processes, batch_size, verbs), once=once,
           max_bytes=max_bytes)


@main.command()
@click.option("--db", default="eventwire.duckdb", show_default=True)
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--ingest-token", default=None, envvar="EVENTWIRE_INGEST_TOKEN",
              help="Allow POST /api/documents with 'Authorization: Bearer TOKEN' (else the server only reads).")
@click.option("--cors-origin", "cors_origins", multiple=True,
              help="An origin allowed to call the API from a browser (repeat for several; none by default).")
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64),
              help="Server processes (each opens the database read-only; ingestion needs 1).")
def serve(db: str, host: str, port: int, ingest_token: str | None, cors_origins: tuple[str, ...],
          workers: int) -> None:
    """Serve the page and the HTTP API over a database: map, timeline, actor network, event table, each event
    traced to its sentence; OpenAPI at /docs. Read-only unless --ingest-token is given."""
    import uvicorn

    from eventwire.web.app import create_app

    if not Path(db).exists():
        _fail(f"no database at {db}; run `eventwire run PATHS --db {db}` first")
    try:
        from eventwire.web.assets import ensure_assets

        ensure_assets()
    except Exception as exc:  # noqa: BLE001 - the API works without the page's map shapes
        click.echo(f"warning: the page's map shapes are missing ({exc}); the API still works", err=True)
    if workers > 1 and ingest_token:
        _fail("--ingest-token needs --workers 1: one process writes the database")
    click.echo(f"eventwire: http://{host}:{port}/ (API docs: http://{host}:{port}/docs); Ctrl-C stops", err=True)
    if workers == 1:
        try:
            app = create_app(db, ingest_token=ingest_token, cors_origins=cors_origins)
        except Exception as exc:  # noqa: BLE001 - an old, locked or damaged file: say which and why
            _fail(f"cannot serve {db}: {exc}")
        uvicorn.run(app, host=host, port=port, log_level="warning")
        return
    os.environ["EVENTWIRE_SERVE_DB"] = str(Path(db).resolve())
    os.environ["EVENTWIRE_SERVE_CORS"] = " ".join(cors_origins)
    uvicorn.run("eventwire.web.app:app_from_env", factory=True, host=host, port=port, workers=workers,
                log_level="warning")


@main.command("eval")
@click.argument("dataset")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@click.option("--limit", type=int, default=None, help="Score only the first N records (0 = all).")
@click.option("--data", "data_dir", type=click.Path(file_okay=False), help="Folder of the data sets.")
@click.option("--errors", "show_errors", is_flag=True,
              help="After the table, list every miss: id, gold vs ours, the sentence (plover-gsr, petrarch-unit, "
                   "universalpetrarch); with --json, keep them in the JSON.")
@VERBS_OPTION
def eval_(dataset: str, as_json: bool, limit: int | None, data_dir: str | None, show_errors: bool,
          verbs: tuple[str, ...]) -> None:
    """Score eventwire on a real data set: plover-gsr, petrarch-unit, universalpetrarch, event-location, lgl,
    geovirus, re3d, dates, fusion (or all). With --verbs (and actor files imported into $EVENTWIRE_ACTORS_DIR) it
    scores the coder in a data set's own dictionary environment."""
    from eventwire import evaluate

    names = list(evaluate.DATASETS) if dataset == "all" else [dataset]
    for name in names:
        if name not in evaluate.DATASETS:
            _fail(f"unknown data set {name!r}; one of: {', '.join(evaluate.DATASETS)}, all")
    root = Path(data_dir) if data_dir else evaluate.default_data_dir()
    if root is None and not set(names) <= evaluate.BUNDLED:
        click.echo("skipped: no data folder found (looked for ../shared/data); pass --data DIR")
        names = [n for n in names if n in evaluate.BUNDLED]  # the sets the package ships still run
    pipe = _pipeline(1, verbs=verbs) if not set(names) <= evaluate.NO_PIPELINE else None
    for name in names:
        try:
            result = evaluate.run(name, root, pipe, limit=limit)
        except evaluate.DatasetMissing as exc:
            click.echo(f"skipped {name}: {exc}")
            continue
        if as_json:
            if not show_errors:  # every miss of every record: only on request
                result.pop("errors", None)
            click.echo(json.dumps(result))
            continue
        click.echo(evaluate.format_table(result))
        if show_errors:
            click.echo()
            click.echo(evaluate.format_errors(result))


if __name__ == "__main__":
    main()
