"""Resumable, idempotent runs: a real `eventwire run` killed with SIGKILL at several moments (loading, ingesting,
fusing), then started again, ends with the same documents and events as a run never interrupted: none lost,
none stored twice."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
# one process and batches of one: articles are stored one by one over most of the run, so a kill timed as a share
# of the run lands among them (with two processes and batches of 16 they arrive in two bursts, which a kill misses)
RUN = [sys.executable, "-c", "import sys; from eventwire.cli import main; sys.exit(main())", "run", str(EXAMPLES),
       "--processes", "1", "--batch-size", "1"]


def _contents(db: Path) -> tuple[list[str], dict[str, str], int]:
    """Document ids, event id → record, and the number of document rows (duplicates would show there)."""
    with duckdb.connect(str(db), read_only=True) as con:
        docs = [d for (d,) in con.execute("SELECT id FROM documents ORDER BY id").fetchall()]
        rows = con.execute("SELECT count(*) FROM documents").fetchone()[0]
        events = dict(con.execute("SELECT id, record FROM events").fetchall())
    return docs, {k: json.dumps(json.loads(v), sort_keys=True) for k, v in events.items()}, rows


def _run(db: Path, kill_after: float | None = None) -> int:
    """Run `eventwire run examples --db DB`; with ``kill_after``, SIGKILL it that many seconds in."""
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    # its own process group: the kill takes the run and its spaCy worker processes, as a crash of the machine
    # or of the container would (the workers are not left behind as orphans)
    proc = subprocess.Popen([*RUN, "--db", str(db), "--quiet"], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)
    if kill_after is None:
        return proc.wait(timeout=600)
    deadline = time.time() + kill_after
    while time.time() < deadline and proc.poll() is None:
        time.sleep(0.05)
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGKILL)
    code = proc.wait(timeout=60)
    try:
        os.killpg(proc.pid, signal.SIGKILL)  # any worker still alive after the run itself ended
    except ProcessLookupError:
        pass
    return code


def test_killed_runs_resume_to_the_same_database(tmp_path: Path) -> None:
    reference = tmp_path / "reference.duckdb"
    started = time.time()
    assert _run(reference) == 0
    whole = time.time() - started
    expected = _contents(reference)
    assert expected[0] and expected[1] and expected[2] == len(expected[0])

    db = tmp_path / "killed.duckdb"
    # kills spread over the run: while loading spaCy, while storing articles, near the end (fusing)
    killed, partial = 0, []
    for share in (0.3, 0.5, 0.6, 0.75, 0.9):
        code = _run(db, kill_after=whole * share)
        killed += code == -signal.SIGKILL
        if db.exists():  # the file opens after a kill (DuckDB replays or drops the unfinished transaction)
            partial.append(len(_contents(db)[0]))
    assert killed >= 2, "the run ended before most kills: the corpus is too small to test resuming"
    assert any(0 < n < len(expected[0]) for n in partial), f"no kill landed while articles were stored: {partial}"
    assert _run(db) == 0
    docs, events, rows = _contents(db)
    assert rows == len(docs) == len(expected[0])  # none stored twice
    assert docs == expected[0]  # none lost
    assert events == expected[1]  # the same events, record for record
    assert _run(db) == 0 and _contents(db) == (docs, events, rows)  # a further run changes nothing


def test_a_stored_batch_is_whole_or_absent(tmp_path: Path, pipeline) -> None:
    """`Store.add_many` is the run's checkpoint: a batch is written in one transaction, each document once."""
    import dataclasses

    from eventwire.model import Document, content_id
    from eventwire.store import Store

    texts = ["Syrian government forces shelled rebel positions in Douma on Tuesday, killing four fighters.",
             "Islamic State fighters seized the town of Palmyra on May 21, 2015 after a week of clashes.",
             "Turkish troops attacked Kurdish YPG positions near Afrin on Sunday, the group said."]
    docs = [Document(id=content_id(t), text=t, published="2015-05-25", outlet="Wire") for t in texts]
    pairs = [(d, events) for d, events in zip(docs, pipeline.extract_texts((t, "2015-05-25") for t in texts))]
    assert all(events for _, events in pairs)
    db = tmp_path / "batch.duckdb"
    with Store(db) as store:
        assert store.add_many([pairs[0]]) == [True]
        # already stored, new, and the new one again within the batch
        assert store.add_many([pairs[0], pairs[1], pairs[1]]) == [False, True, False]
        # a batch failing on its last row (an event with no type) leaves nothing of itself behind
        bad_event = dataclasses.replace(pairs[2][1][0], id="bad", event_type=None)
        with pytest.raises(duckdb.ConstraintException):
            store.add_many([pairs[2], (dataclasses.replace(docs[2], id="other", text="other"), [bad_event])])
        counts = [store.con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                  for t in ("documents", "events", "actor_mentions")]
        ids = {i for (i,) in store.con.execute("SELECT id FROM documents").fetchall()}
    assert ids == {docs[0].id, docs[1].id}
    assert counts[1] == len(pairs[0][1]) + len(pairs[1][1])  # the failed batch's events are not there either
    assert counts[2] == len(docs[0].actors) + len(docs[1].actors)
