"""The Dask engine stores exactly what `eventwire run` stores, and a rerun adds nothing."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

pytest.importorskip("dask.distributed")
pytest.importorskip("pyarrow")

from click.testing import CliRunner  # noqa: E402

from eventwire.cli import main  # noqa: E402
from eventwire.dask_engine import run_dask  # noqa: E402
from eventwire.store import Store  # noqa: E402

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def _contents(db: str) -> dict[str, object]:
    """Everything a run writes, as sorted JSON rows (without the ingestion timestamps)."""
    with Store(db, read_only=True) as store:
        def rows(sql: str) -> list[str]:
            return sorted(json.dumps(list(r), ensure_ascii=False, default=str)
                          for r in store.con.execute(sql).fetchall())

        return {
            "document_ids": rows("SELECT id FROM documents"),
            "documents": rows("SELECT * EXCLUDE (ingested_at) FROM documents"),
            "event_ids": rows("SELECT id FROM events"),
            "event_records": sorted(json.dumps(json.loads(r), sort_keys=True, ensure_ascii=False)
                                    for (r,) in store.con.execute("SELECT record FROM events").fetchall()),
            # list(DISTINCT) in Store._organise gives the parties' ids in no fixed order: compared sorted
            "events": rows("SELECT * EXCLUDE (record, actor_ids, recipient_ids), list_sort(actor_ids), "
                           "list_sort(recipient_ids) FROM events"),
            "event_actors": rows("SELECT * FROM event_actors"),
            "actor_mentions": rows("SELECT * FROM actor_mentions"),
            "clusters": rows("SELECT * FROM clusters"),
            "read_errors": rows("SELECT source, reason FROM read_errors"),
        }


def test_dask_engine_stores_what_run_stores(tmp_path: Path) -> None:
    from dask.distributed import LocalCluster

    unreadable = tmp_path / "broken.txt"
    unreadable.write_bytes(b"\x00\x01\x02binary\x00" * 50)  # a read error in the middle of the batch
    articles = sorted(str(p) for p in EXAMPLES.iterdir() if p.suffix in (".txt", ".html"))[:12]
    paths = articles[:6] + [str(unreadable), str(tmp_path / "missing.txt")] + articles[6:]

    local_db, dask_db = str(tmp_path / "local.duckdb"), str(tmp_path / "dask.duckdb")
    ran = CliRunner().invoke(main, ["run", *paths, "--db", local_db, "--quiet", "--processes", "1"])
    assert ran.exit_code == 0, ran.output

    counts = run_dask(paths, dask_db, workers=2, batch_size=4)
    assert counts["added"] == len(articles) and counts["skipped"] == 0 and counts["errors"] == 2
    assert counts["partitions"] == 3

    local, dask = _contents(local_db), _contents(dask_db)
    assert dask["document_ids"] and dask["event_ids"]
    for table in local:
        assert dask[table] == local[table], table
    assert not (tmp_path / "dask.duckdb.parts").exists()  # merged parts are removed

    # a rerun, on an existing scheduler, adds nothing
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        again = run_dask(paths, dask_db, scheduler=cluster.scheduler_address, batch_size=4)
    assert again["added"] == again["events"] == again["partitions"] == 0
    assert again["skipped"] == len(articles)
    after = _contents(dask_db)
    assert {k: v for k, v in after.items() if k != "read_errors"} == \
        {k: v for k, v in dask.items() if k != "read_errors"}
