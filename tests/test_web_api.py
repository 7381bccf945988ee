"""`eventwire serve`'s HTTP API, through a real uvicorn server on loopback over a database built from the example
articles by `eventwire run`: every endpoint, its filters and pages, its errors, ingestion and its guards."""
from __future__ import annotations

import json
import shutil
import socket
import threading
import time
from pathlib import Path

import httpx
import pytest
import uvicorn
from click.testing import CliRunner

from eventwire.cli import main
from eventwire.web.app import create_app

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _Server:
    """A real uvicorn server in a thread, stopped at the end."""

    def __init__(self, app) -> None:
        self.port = _free_port()
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        deadline = time.time() + 20
        while not self.server.started and time.time() < deadline:
            time.sleep(0.05)
        assert self.server.started, "the server did not start"
        self.client = httpx.Client(base_url=f"http://127.0.0.1:{self.port}", timeout=60)

    def stop(self) -> None:
        self.client.close()
        self.server.should_exit = True
        self.thread.join(timeout=10)


@pytest.fixture(scope="module")
def api(examples_db: Path):
    server = _Server(create_app(examples_db))
    yield server.client
    server.stop()


def test_stats_count_the_database(api: httpx.Client) -> None:
    stats = api.get("/api/stats").json()
    assert stats["documents"] == 20 and stats["events"] > 200 and stats["clusters"] > 100
    assert sum(stats["by_quad"].values()) == stats["events"] == sum(stats["by_type"].values())
    assert stats["by_day"] and all(len(d["date"]) == 10 and d["events"] >= 1 for d in stats["by_day"])


def test_events_pages_follow_the_cursor_without_gaps_or_repeats(api: httpx.Client) -> None:
    total = api.get("/api/stats").json()["events"]
    seen, cursor, pages = [], None, 0
    while True:
        page = api.get("/api/events", params={"limit": 40, **({"cursor": cursor} if cursor else {})}).json()
        seen += [e["id"] for e in page["events"]]
        pages += 1
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert len(seen) == len(set(seen)) == total and pages == -(-total // 40)
    first = api.get("/api/events", params={"limit": 40}).json()["events"]
    dates = [e["date"] or "" for e in first]
    assert dates == sorted(dates, reverse=True)  # newest first by default
    assert set(first[0]) >= {"id", "event_type", "actor", "recipient", "location", "text", "document", "cluster"}


def test_event_filters(api: httpx.Client) -> None:
    def ids(**params) -> list[dict]:
        response = api.get("/api/events", params={"limit": 1000, **params})
        assert response.status_code == 200, response.text
        return response.json()["events"]

    nusra = ids(actor="NUSRA")
    assert nusra and all(any(a.get("id") == "NUSRA" for a in e["actor"]) for e in nusra)
    assert {e["id"] for e in ids(actor="Nusra")} >= {e["id"] for e in nusra}  # words of the name
    assert all(any(a.get("id") == "IS" for a in e["recipient"]) for e in ids(recipient="IS"))
    attacks = ids(type="ASSAULT,COERCE", quad="4")
    assert attacks and {e["event_type"] for e in attacks} <= {"ASSAULT", "COERCE"}
    may = ids(since="2015-05", until="2015-05")
    assert may and all(e["date"] <= "2015-05-31" and (e["date_end"] or e["date"]) >= "2015-05" for e in may)
    lebanon = ids(bbox="35.0,33.0,36.7,34.7")
    assert lebanon and all(35.0 <= e["location"]["lon"] <= 36.7 for e in lebanon)
    assert all(e["location"]["country_code"] == "SY" for e in ids(country="sy"))
    assert all(e["modality"] in ("claimed", "reported") for e in ids(modality="claimed,reported"))
    corroborated = ids(min_sources=2, sort="-sources")
    assert corroborated and all(e["cluster"]["sources"] >= 2 for e in corroborated)
    assert all("Arsal" in e["text"] for e in ids(q="Arsal"))
    # request text is data, never SQL
    assert ids(actor="x' OR 1=1 --") == [] and ids(q="%' OR '1'='1") == []


def test_csv_and_jsonl(api: httpx.Client) -> None:
    csv_text = api.get("/api/events", params={"format": "csv", "limit": 5}).text
    assert csv_text.splitlines()[0].startswith("id,date,date_end,event_type") and len(csv_text.splitlines()) >= 6
    lines = api.get("/api/events", params={"format": "jsonl", "limit": 5}).text.splitlines()
    assert len(lines) == 5 and all(json.loads(line)["id"] for line in lines)


def test_bad_parameters_are_named(api: httpx.Client) -> None:
    for params, name in (({"limit": 0}, "limit"), ({"limit": "many"}, "limit"), ({"type": "BOMB"}, "type"),
                         ({"quad": "7"}, "quad"), ({"bbox": "1,2,3"}, "bbox"), ({"since": "May 2015"}, "since"),
                         ({"cursor": "garbage"}, "cursor"), ({"sort": "date; DROP TABLE events"}, "sort"),
                         ({"format": "xml"}, "format"), ({"modality": "sure"}, "modality")):
        response = api.get("/api/events", params=params)
        assert response.status_code == 422, (params, response.text)
        assert response.json()["parameter"] == name and name in response.json()["error"]


def test_event_detail_has_its_sentence_document_cluster_and_contradictions(api: httpx.Client, examples_db: Path) -> None:
    ask = next(e for e in api.get("/api/events", params={"actor": "NUSRA", "type": "REQUEST", "limit": 50}).json()
               ["events"] if "asked the Islamic State" in e["text"])
    detail = api.get(f"/api/events/{ask['id']}").json()
    assert detail["event"]["id"] == ask["id"] and detail["document"]["outlet"] == "Cedar Ledger"
    text = api.get(f"/api/documents/{detail['document']['id']}").json()["text"]
    sentence = detail["sentence"]
    assert text[sentence["start"]:sentence["end"]] == sentence["text"]
    assert detail["cluster"]["members"] and ask["id"] in {m["id"] for m in detail["cluster"]["members"]}
    kinds = {c["kind"] for c in detail["contradictions"]}
    assert "cooperation_and_conflict" in kinds
    cluster = api.get(f"/api/clusters/{detail['cluster']['id']}").json()
    assert cluster["id"] == detail["cluster"]["id"] and cluster["mentions"] == len(cluster["members"])


def test_documents_carry_the_spans_found_in_them(api: httpx.Client) -> None:
    event = api.get("/api/events", params={"limit": 1, "bbox": "35,33,37,35"}).json()["events"][0]
    doc = api.get(f"/api/documents/{event['document']['id']}").json()
    text, spans = doc["text"], doc["spans"]
    assert spans["actors"] and spans["triggers"] and spans["places"]
    for kind in ("actors", "places", "dates", "triggers"):
        for span in spans[kind]:
            assert text[span["start"]:span["end"]] == span["text"], (kind, span)


def test_actors_relations_and_contradictions(api: httpx.Client) -> None:
    actors = api.get("/api/actors", params={"limit": 5}).json()["actors"]
    assert actors[0]["events"] >= actors[-1]["events"] and {"id", "name", "events"} <= set(actors[0])
    assert api.get("/api/actors", params={"search": "nusra"}).json()["actors"][0]["id"] == "NUSRA"
    nusra = api.get("/api/actors/NUSRA").json()
    assert nusra["events"] == nusra["as_actor"] + nusra["as_recipient"] or nusra["events"] > 0
    assert any("Nusra Front" == a for a in nusra["aliases"]) and nusra["relations"]
    relations = api.get("/api/relations", params={"actor": "NUSRA", "period": "week"}).json()
    assert relations["relations"] and all("NUSRA" in (r["actor_a"], r["actor_b"]) for r in relations["relations"])
    assert all(p["state"] in ("allied", "hostile", "mixed") for p in relations["pairs"])
    disputes = api.get("/api/contradictions", params={"actor": "IS"}).json()["contradictions"]
    assert disputes and all("IS" in d["actors"] and len(d["claims"]) >= 2 for d in disputes)


def test_unknown_things_are_404_in_json(api: httpx.Client) -> None:
    for path in ("/api/events/nope", "/api/clusters/nope", "/api/actors/NOPE", "/api/documents/nope", "/api/nope",
                 "/static/../../../../etc/passwd", "/static/%2e%2e/%2e%2e/pyproject.toml",
                 "/assets/..%2f..%2fetc%2fpasswd"):
        response = api.get(path)
        assert response.status_code == 404, path
        assert "error" in response.json()


def test_read_only_server_refuses_ingestion_and_cross_origin_reads(api: httpx.Client) -> None:
    response = api.post("/api/documents", json={"text": "Rebels attacked Aleppo on Tuesday."})
    assert response.status_code == 403 and "--ingest-token" in response.json()["error"]
    cross = api.get("/api/stats", headers={"Origin": "https://elsewhere.example.org"})
    assert "access-control-allow-origin" not in cross.headers
    assert "script-src 'self'" in cross.headers["content-security-policy"]
    assert api.get("/openapi.json").json()["paths"]["/api/events"]
    docs = api.get("/docs")
    assert docs.status_code == 200 and "/static-offline-docs/swagger-ui-bundle.js" in docs.text  # no CDN


def test_ingestion_needs_the_token_and_limits_the_body(examples_db: Path, tmp_path: Path) -> None:
    copy = tmp_path / "ingest.duckdb"
    shutil.copy(examples_db, copy)
    server = _Server(create_app(copy, ingest_token="s3cret", cors_origins=("https://analyst.example.org",),
                                max_body_bytes=200_000))
    try:
        client = server.client
        before = client.get("/api/stats").json()["documents"]
        article = {"text": "BEIRUT - Hezbollah fighters attacked Nusra Front positions near the Lebanese town of "
                           "Arsal on Monday, a security source said.", "title": "Clashes near Arsal",
                   "outlet": "Test Wire", "published": "2015-06-01", "url": "https://test.example.org/a"}
        assert client.post("/api/documents", json=article).status_code == 401
        assert client.post("/api/documents", json=article,
                           headers={"Authorization": "Bearer wrong"}).status_code == 401
        assert client.get("/api/stats").json()["documents"] == before  # nothing written
        big = client.post("/api/documents", content=b"x" * 300_000,
                          headers={"Authorization": "Bearer s3cret", "Content-Type": "application/json"})
        assert big.status_code == 413 and "error" in big.json()
        bad = client.post("/api/documents", content=b"{not json", headers={"Authorization": "Bearer s3cret",
                                                                           "Content-Type": "application/json"})
        assert bad.status_code == 422 and bad.json()["parameter"] == "body"
        stored = client.post("/api/documents", json=article, headers={"Authorization": "Bearer s3cret"})
        assert stored.status_code == 201 and stored.json()["stored"] and stored.json()["events"] >= 1
        again = client.post("/api/documents", json=article, headers={"Authorization": "Bearer s3cret"})
        assert again.status_code == 200 and again.json()["stored"] is False
        upload = client.post("/api/documents", headers={"Authorization": "Bearer s3cret"},
                             files={"file": ("wire.txt", b"DAMASCUS - Syrian troops shelled rebel positions in "
                                                         b"Douma on Tuesday, activists said.", "text/plain")})
        assert upload.status_code == 201, upload.text
        stats = client.get("/api/stats").json()
        assert stats["documents"] == before + 2
        assert client.get("/api/events", params={"q": "Hezbollah fighters attacked Nusra"}).json()["events"]
        allowed = client.get("/api/stats", headers={"Origin": "https://analyst.example.org"})
        assert allowed.headers["access-control-allow-origin"] == "https://analyst.example.org"
    finally:
        server.stop()


def test_a_database_from_before_the_parties_columns_is_refused_with_the_fix(examples_db: Path, tmp_path: Path) -> None:
    import duckdb

    old = tmp_path / "old.duckdb"
    shutil.copy(examples_db, old)
    with duckdb.connect(str(old)) as con:
        con.execute("ALTER TABLE events DROP COLUMN actor_ids")
    with pytest.raises(RuntimeError, match="--refuse"):
        create_app(old)
    ran = CliRunner().invoke(main, ["clusters", "--db", str(old), "--refuse"])
    assert ran.exit_code == 0, ran.output
    server = _Server(create_app(old))
    try:
        either = server.client.get("/api/events", params={"actor": "NUSRA", "role": "any", "limit": 1000}).json()
        assert either["events"] and all(any(p.get("id") == "NUSRA" for p in e["actor"] + e["recipient"])
                                        for e in either["events"])
    finally:
        server.stop()
