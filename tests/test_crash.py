"""Crash safety, the fast part of `benchmarks/kill_rerun.py`: a real `eventwire run` killed with SIGKILL at moments
read off the run itself (its spaCy workers appearing and going, its database's write-ahead log growing at each
commit), then run again: the killed database opens and holds no partial document, no worker outlives its run, and
the rerun ends with the same rows, table by table, as a run never interrupted."""
from __future__ import annotations

import importlib.util
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Callable

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"

# the benchmark's corpus-free parts: starting a run, the processes of its session, the checks of a database
_spec = importlib.util.spec_from_file_location("kill_rerun", ROOT / "benchmarks" / "kill_rerun.py")
kill_rerun = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(kill_rerun)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> tuple[list[str], Any]:
    """The example articles in plain text (11: a run stays short) after two unreadable inputs (read first, so
    that a killed run has recorded them), and the database of one uninterrupted `eventwire run` over them."""
    folder = tmp_path_factory.mktemp("crash")
    articles = folder / "articles"
    articles.mkdir()
    for path in EXAMPLES.glob("*.txt"):
        shutil.copy(path, articles)
    broken = folder / "broken.txt"
    broken.write_bytes(b"\x00\x01\x02binary\x00" * 50)
    paths = [str(folder / "missing.txt"), str(broken), str(articles)]
    reference = folder / "reference.duckdb"
    assert kill_rerun.start_run(paths, reference, 16, True, folder / "reference.log").wait(timeout=600) == 0
    ref = kill_rerun.Reference(reference)
    assert len(ref.documents) == 11 and ref.tables["clusters"] and len(ref.tables["read_errors"]) == 2
    return paths, ref


def _wait(proc: subprocess.Popen, what: str, condition: Callable[[], Any], timeout: float = 300) -> Any:
    """Poll until `condition` holds (its value) while the run lives; a guard against hanging, not a measure."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if value := condition():
            return value
        assert proc.poll() is None, f"the run ended (exit {proc.returncode}) before {what}"
        time.sleep(0.01)
    raise AssertionError(f"no {what} after {timeout} s")


def _workers(proc: subprocess.Popen) -> list[int]:
    return [p for p in kill_rerun.session_processes(proc.pid) if p != proc.pid]


def _wal(db: Path) -> int:
    """The size of the database's write-ahead log, which grows at every commit (-1 when there is none)."""
    try:
        return db.with_name(db.name + ".wal").stat().st_size
    except FileNotFoundError:
        return -1


def _rerun(paths: list[str], db: Path, quiet: bool, log: Path) -> None:
    assert kill_rerun.start_run(paths, db, 16, quiet, log).wait(timeout=600) == 0, log.read_text()[-3000:]


def _stop(proc: subprocess.Popen) -> None:
    try:  # whatever is left of a run a failed assertion abandoned
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait(timeout=60)


def test_killing_the_main_process_takes_its_workers_and_the_rerun_completes(corpus, tmp_path: Path) -> None:
    paths, ref = corpus
    db, log = tmp_path / "killed.duckdb", tmp_path / "run.log"
    proc = kill_rerun.start_run(paths, db, 2, True, log)
    try:
        _wait(proc, "spaCy workers", lambda: _workers(proc))
        size = _wal(db)
        _wait(proc, "stored batch", lambda: _wal(db) != size)
        time.sleep(0.05)  # the commit's log write done
        workers = _workers(proc)
        os.kill(proc.pid, signal.SIGKILL)  # the main process only, as an OOM killer would
        proc.wait(timeout=60)
        assert workers, "the run had no workers left when it was killed"
        deadline = time.monotonic() + 5
        while kill_rerun.session_processes(proc.pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert kill_rerun.session_processes(proc.pid) == [], "workers outlived their run"
    finally:
        _stop(proc)
    killed = kill_rerun.check_killed(db, ref)
    assert killed["opens"] and killed["problems"] == []  # every stored document whole, as in the reference
    assert 0 < killed["documents"] < len(ref.documents) and not killed["fused"]
    assert killed["read_errors"] == 2  # recorded again by the rerun: they must not be listed twice
    _rerun(paths, db, False, log)
    result = kill_rerun.compare(db, ref)
    assert result["differ"] == [] and result["identical"]  # read errors recorded by both runs listed once
    assert result["lost"] == result["duplicated"] == 0


def test_a_quiet_rerun_after_a_kill_during_fusion_ends_fused(corpus, tmp_path: Path) -> None:
    from eventwire.store import Store

    paths, ref = corpus
    db, log = tmp_path / "killed.duckdb", tmp_path / "run.log"
    # batches of 64: the documents are stored in one commit, after spaCy's workers are done; fusion follows. The
    # read errors are committed before the workers start (spaCy reads its first batches before it starts them)
    proc = kill_rerun.start_run(paths, db, 64, True, log)
    try:
        _wait(proc, "spaCy workers", lambda: _workers(proc))
        size = _wal(db)
        _wait(proc, "end of parsing", lambda: not _workers(proc))
        _wait(proc, "commit of the documents", lambda: _wal(db) != size)
        time.sleep(0.2)  # into fusion, which reads every event and compares them before it writes
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=60)
    finally:
        _stop(proc)
    killed = kill_rerun.check_killed(db, ref)
    assert killed["opens"] and killed["problems"] == []
    assert killed["documents"] == len(ref.documents) and not killed["fused"], "the kill did not land in fusion"
    with Store(db, read_only=True) as store:
        assert store.fusion_outdated()
    _rerun(paths, db, True, log)  # adds no document; must fuse all the same
    result = kill_rerun.compare(db, ref)
    assert result["differ"] == [] and result["identical"]
    with Store(db, read_only=True) as store:
        assert not store.fusion_outdated()


def test_an_unreadable_input_is_listed_once(tmp_path: Path) -> None:
    from eventwire.model import ReadError
    from eventwire.store import Store

    with Store(tmp_path / "errors.duckdb") as store:
        for error in [ReadError("a.txt", "empty"), ReadError("a.txt", "empty"), ReadError("a.txt", "binary file"),
                      ReadError("b.txt", "empty")]:
            store.add_error(error)
        rows = sorted(store.con.execute("SELECT source, reason FROM read_errors").fetchall())
    assert rows == [("a.txt", "binary file"), ("a.txt", "empty"), ("b.txt", "empty")]


# A worker whose parent dies before the worker has asked to die with it: a hook registered ahead of eventwire's
# holds the worker back while the parent exits, so the parent is gone when eventwire's hook runs. The worker's pid
# goes to a file: an output pipe would stay open as long as the worker lives.
ORPHAN = """
import multiprocessing, multiprocessing.util, os, sys, time
multiprocessing.util.register_after_fork(sys.modules[__name__], lambda _: time.sleep(1))
import eventwire.nlp
worker = multiprocessing.get_context("fork").Process(target=time.sleep, args=(120,))
worker.start()
open(sys.argv[1], "w").write(str(worker.pid))
os._exit(0)
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="parent-death signals are Linux's")
def test_a_worker_whose_parent_died_first_ends_too(tmp_path: Path) -> None:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
    pid_file, log = tmp_path / "worker.pid", tmp_path / "parent.log"
    with open(log, "w") as out:
        code = subprocess.run([sys.executable, "-c", ORPHAN, str(pid_file)], stdout=out, stderr=out, env=env,
                              timeout=120).returncode
    assert code == 0, log.read_text()
    worker = int(pid_file.read_text())

    def alive() -> bool:
        try:
            return Path(f"/proc/{worker}/stat").read_text().rsplit(")", 1)[1].split()[0] not in ("Z", "X")
        except OSError:
            return False

    deadline = time.monotonic() + 10
    while alive() and time.monotonic() < deadline:
        time.sleep(0.05)
    if alive():
        os.kill(worker, signal.SIGKILL)
        pytest.fail("the worker outlived the parent that died before it started")
