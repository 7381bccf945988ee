"""What `eventwire serve` does with hostile requests, through a real uvicorn server on loopback (httpx, and raw bytes
over a socket where a client would tidy the request up): ingestion without the right token is a 401 that writes
nothing; bodies over the limit are 413s, by Content-Length or by counting; a request path never reaches a file
outside the served folders; article text, titles, links and actor names come back as JSON data, never as a page."""
from __future__ import annotations

import base64
import json
import logging
import re
import shutil
import socket
import time
from contextlib import contextmanager
from pathlib import Path

import duckdb
import httpx
import pytest

from eventwire.web.app import create_app
from test_web_api import _Server

ROOT = Path(__file__).resolve().parents[1]
TOKEN = "ingest-token-4f9c2a7d1e"
LIMIT = 64_000
ARTICLE = {"text": "BEIRUT - Hezbollah fighters attacked Nusra Front positions near the Lebanese town of Arsal on "
                   "Monday, a security source said.", "title": "Clashes near Arsal", "outlet": "Test Wire",
           "published": "2015-06-01", "url": "https://test.example.org/arsal"}


@pytest.fixture()
def copy(examples_db: Path, tmp_path: Path) -> Path:
    path = tmp_path / "copy.duckdb"
    shutil.copy(examples_db, path)
    return path


def _written(path: Path) -> dict[str, int]:
    """What an ingestion adds to (the server must be stopped: the file is opened here)."""
    with duckdb.connect(str(path), read_only=True) as con:
        return {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                for t in ("documents", "events", "read_errors", "actor_mentions")}


@contextmanager
def _server_errors():
    """The errors the server logs while the block runs (an exception in the app, whether or not anyone saw it)."""
    seen: list[logging.LogRecord] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            seen.append(record)

    handler = Collect(level=logging.ERROR)
    logger = logging.getLogger("uvicorn.error")
    logger.addHandler(handler)
    try:
        yield seen
    finally:
        logger.removeHandler(handler)


def _raw(port: int, request: bytes, wait: float = 10.0, half_close: bool = False) -> list[tuple[int, dict, bytes]]:
    """Send ``request`` as it is; the answers (status, headers, body) that came before the server closed the
    connection or went quiet for ``wait`` seconds."""
    data = b""
    with socket.create_connection(("127.0.0.1", port), timeout=wait) as s:
        s.sendall(request)
        if half_close:
            s.shutdown(socket.SHUT_WR)
        try:
            while chunk := s.recv(65536):
                data += chunk
        except (TimeoutError, ConnectionResetError):
            pass
    answers = []
    while data.startswith(b"HTTP/1.1 "):
        head, _, data = data.partition(b"\r\n\r\n")
        status_line, *lines = head.decode("latin-1").split("\r\n")
        headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines)}
        size = int(headers.get("content-length", len(data)))
        answers.append((int(status_line.split()[1]), headers, data[:size]))
        data = data[size:]
    return answers


def _post(port: int, body: bytes, headers: str, wait: float = 10.0, half_close: bool = False):
    return _raw(port, b"POST /api/documents HTTP/1.1\r\nHost: 127.0.0.1\r\n" + headers.encode("latin-1") + b"\r\n"
                + body, wait=wait, half_close=half_close)


def _is_json_error(response: httpx.Response, status: int) -> None:
    assert response.status_code == status, (status, response.status_code, response.text[:300])
    assert response.headers["content-type"] == "application/json" and response.json()["error"]
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert response.headers["x-content-type-options"] == "nosniff"


# ------------------------------------------------------------------------------------------- the ingestion token

def _basic(text: str) -> str:
    return "Basic " + base64.b64encode(text.encode()).decode()


WRONG_TOKENS = {  # what is sent with the article, and where
    "no token": ({}, {}),
    "a wrong token of the same length": ({"Authorization": "Bearer " + "x" * len(TOKEN)}, {}),
    "the token less its last letter": ({"Authorization": "Bearer " + TOKEN[:-1]}, {}),
    "the token and one letter more": ({"Authorization": "Bearer " + TOKEN + "x"}, {}),
    "a much longer token": ({"Authorization": "Bearer " + TOKEN * 40}, {}),
    "the token in capitals": ({"Authorization": "Bearer " + TOKEN.upper()}, {}),
    "the token without 'Bearer'": ({"Authorization": TOKEN}, {}),
    "the token as Basic credentials": ({"Authorization": _basic(f"ingest:{TOKEN}")}, {}),
    "the token as another scheme": ({"Authorization": "Token " + TOKEN}, {}),
    "the token in the query string": ({}, {"token": TOKEN}),
    "the token as ingest_token in the query": ({}, {"ingest_token": TOKEN}),
    "the token as access_token in the query": ({}, {"access_token": TOKEN}),
    "the token in a header of another name": ({"Token": TOKEN}, {}),
    "the token as an API key header": ({"X-Api-Key": TOKEN}, {}),
    "the token in a cookie": ({"Cookie": f"ingest_token={TOKEN}; token={TOKEN}"}, {}),
    "a wrong token in X-Ingest-Token": ({"X-Ingest-Token": TOKEN[::-1]}, {}),
    "a wrong Bearer beside the right X-Ingest-Token": ({"Authorization": "Bearer nope", "X-Ingest-Token": TOKEN}, {}),
}


def test_ingestion_without_the_right_token_is_401_and_writes_nothing(copy: Path) -> None:
    before = _written(copy)
    server = _Server(create_app(copy, ingest_token=TOKEN))
    try:
        with _server_errors() as errors:
            for case, (headers, params) in WRONG_TOKENS.items():
                for how in ("json", "upload"):
                    if how == "json":
                        response = server.client.post("/api/documents", json=ARTICLE, headers=headers, params=params)
                    else:
                        response = server.client.post("/api/documents", headers=headers, params=params,
                                                      files={"file": ("wire.txt", ARTICLE["text"].encode())})
                    _is_json_error(response, 401)
                    assert response.json()["error"].startswith("missing or wrong ingest token"), case
                    assert response.headers["www-authenticate"].startswith("Bearer"), case
            # an empty Bearer, which httpx will not send: raw, with and without the space after the scheme
            body = json.dumps(ARTICLE).encode()
            for authorization in (b"Bearer", b"Bearer ", b"Bearer    ", b"bearer", b""):
                answers = _post(server.port, body, f"Authorization: {authorization.decode()}\r\nContent-Type: "
                                f"application/json\r\nContent-Length: {len(body)}\r\nConnection: close\r\n")
                assert [a[0] for a in answers] == [401], (authorization, answers)
        assert not errors, [e.getMessage() for e in errors]
    finally:
        server.stop()
    assert _written(copy) == before

    # the same article with the right token is written: the refusals above were the token's doing
    server = _Server(create_app(copy, ingest_token=TOKEN))
    try:
        response = server.client.post("/api/documents", json=ARTICLE, headers={"Authorization": f"Bearer {TOKEN}"})
        assert response.status_code == 201 and response.json()["stored"], response.text
    finally:
        server.stop()
    after = _written(copy)
    assert after["documents"] == before["documents"] + 1 and after["events"] > before["events"]


# ------------------------------------------------------------------------------------------------- body limits

def _oversize_article() -> bytes:
    """An article record that would be stored, made longer than the limit by a long title."""
    return json.dumps({**ARTICLE, "title": "Arsal " * (LIMIT // 5)}).encode()


def _in_chunks(data: bytes, size: int = 8192):
    for start in range(0, len(data), size):
        yield data[start:start + size]


def _multipart(name: str, content: bytes, boundary: str = "eventwire-test-boundary") -> tuple[bytes, str]:
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n"
            f"Content-Type: text/plain\r\n\r\n").encode() + content + f"\r\n--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


def test_bodies_over_the_limit_are_413_and_write_nothing(copy: Path) -> None:
    before = _written(copy)
    server = _Server(create_app(copy, ingest_token=TOKEN, max_body_bytes=LIMIT))
    auth = {"Authorization": f"Bearer {TOKEN}"}
    big = _oversize_article()
    upload, upload_type = _multipart("wire.txt", ((ARTICLE["text"] + "\n\n") * (LIMIT // 100)).encode())
    assert len(big) > LIMIT and len(upload) > LIMIT
    try:
        with _server_errors() as errors:
            client = server.client

            def send(content, kind: str = "application/json") -> httpx.Response:
                return client.post("/api/documents", content=content, headers={**auth, "Content-Type": kind})

            over = [
                ("Content-Length over the limit", send(big)),
                ("chunked, no Content-Length", send(_in_chunks(big))),
                ("multipart upload", client.post("/api/documents", headers=auth, files={
                    "file": ("wire.txt", upload, "text/plain")})),
                ("multipart upload, chunked", send(_in_chunks(upload), upload_type)),
                ("over the limit by one byte", send(b"x" * (LIMIT + 1))),
                ("chunked, over by one byte", send(_in_chunks(b"x" * (LIMIT + 1), 1000))),
                ("a GET with a body", client.request("GET", "/api/stats", content=b"x" * (LIMIT + 1))),
            ]
            for case, response in over:
                assert ("transfer-encoding" in response.request.headers) == ("chunked" in case), case
                _is_json_error(response, 413)
                assert f"{LIMIT:,}" in response.json()["error"], case
            _is_json_error(send(b"x" * LIMIT), 422)  # at the limit the body is read (and is no JSON)

            # a Content-Length of a terabyte is refused from the headers alone, before any body
            started = time.perf_counter()
            answers = _post(server.port, b"", f"Authorization: Bearer {TOKEN}\r\nContent-Type: application/json\r\n"
                                              f"Content-Length: {10 ** 12}\r\nConnection: close\r\n")
            assert [a[0] for a in answers] == [413] and time.perf_counter() - started < 5
            # a Content-Length smaller than the body: the body is cut there (no JSON: 422), and what follows is no
            # request (uvicorn's 400)
            body = json.dumps(ARTICLE).encode()
            answers = _post(server.port, body, f"Authorization: Bearer {TOKEN}\r\nContent-Type: application/json\r\n"
                                               f"Content-Length: 20\r\n")
            assert answers and answers[0][0] == 422 and all(a[0] < 500 for a in answers), answers
            # a Content-Length larger than the body, and the client stops sending: no answer can reach it; the
            # server must not count it as its own error
            answers = _post(server.port, body, f"Authorization: Bearer {TOKEN}\r\nContent-Type: application/json\r\n"
                                               f"Content-Length: {len(body) + 500}\r\n", half_close=True)
            assert all(a[0] < 500 for a in answers), answers
            answers = _post(server.port, body[:-5], f"Authorization: Bearer {TOKEN}\r\nContent-Type: "
                                                    f"application/json\r\nContent-Length: {len(body)}\r\n", wait=2)
            assert all(a[0] < 500 for a in answers), answers
            assert client.get("/api/stats").status_code == 200  # and it still serves
            time.sleep(0.5)  # the abandoned request's handler has run by now
        assert not errors, [e.getMessage() for e in errors]
    finally:
        server.stop()
    assert _written(copy) == before


# ---------------------------------------------------------------------------------------------- path traversal

# request targets as they go on the wire (a client would resolve the dots or encode the rest)
TRAVERSALS = [
    "/static/../../etc/passwd", "/static/../../../../../../../../etc/passwd", "/static/%2e%2e/%2e%2e/etc/passwd",
    "/static/%2E%2E/%2E%2E/%2E%2E/pyproject.toml", "/static/.%2e/.%2e/.%2e/pyproject.toml",
    "/static/%252e%252e/%252e%252e/etc/passwd", "/static/..%252f..%252f..%252fpyproject.toml",
    "/static/..%2f..%2f..%2f..%2fpyproject.toml", "/static/%2e%2e%2f%2e%2e%2f%2e%2e%2f%2e%2e%2fpyproject.toml",
    "/assets/..%2f..%2fpyproject.toml", "/assets/../../../../etc/passwd", "/assets/%2e%2e/%2e%2e/etc/passwd",
    "/static/..\\..\\..\\..\\pyproject.toml", "/static/..%5c..%5c..%5c..%5cpyproject.toml",
    "/static/%5c%5c..%5c..%5cetc%5cpasswd", "/api/documents/..%2F..%2Fetc%2Fpasswd", "/api/documents/../../etc/passwd",
    "/api/events/..%2f..%2f..%2fpyproject.toml", "/static/%00", "/static/..%00/etc/passwd",
    "/static/app.js%00.html", "/static/index.html%00", "/static//etc/passwd", "/static/%2fetc%2fpasswd",
    "//etc/passwd", "/etc/passwd", "/static/....//....//etc/passwd", "/static/%c0%ae%c0%ae/%c0%ae%c0%ae/etc/passwd",
    "/static/..;/..;/pyproject.toml", "/docs/../../etc/passwd", "/api/../../pyproject.toml",
    "http://127.0.0.1/static/../../etc/passwd",
]
# what the server must never send: lines of /etc/passwd, the project's files, the database
SECRETS = (b"root:x:0:0", b"[build-system]", b"[project]", b"DUCK", b"eventwire.cli:main")


def _get(port: int, target: str) -> tuple[int, dict, bytes]:
    answers = _raw(port, f"GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode("latin-1"))
    assert len(answers) == 1, (target, answers)
    return answers[0]


@pytest.fixture(scope="module")
def reader(examples_db: Path):
    server = _Server(create_app(examples_db))
    yield server
    server.stop()


def test_paths_never_leave_the_served_folders(reader: _Server) -> None:
    assert _get(reader.port, "/static/app.js")[0] == 200  # the folders are served: the 404s are the guard's
    for target in TRAVERSALS:
        status, headers, body = _get(reader.port, target)
        assert status == 404, (target, status, body[:200])
        assert headers["content-type"] == "application/json" and json.loads(body)["error"], target
        assert not any(secret in body for secret in SECRETS), target
    # a NUL or a space in the request line itself is no HTTP: uvicorn answers 400 before the app sees it, which
    # is the right answer for a malformed request (there is no path to look up)
    for target in ("/static/\x00/etc/passwd", "/static/../ ../etc/passwd"):
        status, _headers, body = _get(reader.port, target)
        assert status == 400 and not any(secret in body for secret in SECRETS), (target, status)


# ------------------------------------------------------------------------ requests that were server errors

def _cursor(key, event_id: str = "0") -> str:
    return base64.urlsafe_b64encode(json.dumps([key, event_id]).encode()).decode().rstrip("=")


def test_a_cursor_of_another_sort_is_422_not_500(reader: _Server) -> None:
    client = reader.client
    by_date = client.get("/api/events", params={"limit": 5, "sort": "-date"}).json()["next_cursor"]
    by_sources = client.get("/api/events", params={"limit": 5, "sort": "-sources"}).json()["next_cursor"]
    for sort, cursor in (("-sources", by_date), ("confidence", by_date), ("date", by_sources),
                         ("-date", _cursor([1, 2])), ("-date", _cursor({"a": 1})), ("sources", _cursor(True)),
                         ("-sources", _cursor(10 ** 30)), ("-confidence", _cursor("2015-05-01"))):
        response = client.get("/api/events", params={"limit": 5, "sort": sort, "cursor": cursor})
        _is_json_error(response, 422)
        assert response.json()["parameter"] == "cursor", (sort, cursor)
    # each cursor still continues its own sort
    assert client.get("/api/events", params={"limit": 5, "sort": "-date", "cursor": by_date}).json()["events"]
    assert client.get("/api/events", params={"limit": 5, "sort": "-sources", "cursor": by_sources}).json()["events"]


def test_a_405_names_the_allowed_methods(reader: _Server) -> None:
    for method, path, allowed in (("PUT", "/api/stats", "GET"), ("DELETE", "/api/documents", "POST"),
                                  ("TRACE", "/api/events", "GET")):
        response = reader.client.request(method, path)
        _is_json_error(response, 405)
        assert allowed in response.headers["allow"], (method, path)


def test_missing_page_assets_are_404_not_500(examples_db: Path, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("EVENTWIRE_CACHE_DIR", str(tmp_path / "no-assets-yet"))  # as before `ensure_assets` ran
    server = _Server(create_app(examples_db))
    try:
        for path in ("/assets/topojson-client.min.js", "/assets/countries-110m.json", "/assets/../../etc/passwd"):
            _is_json_error(server.client.get(path), 404)
    finally:
        server.stop()


def test_unreadable_article_bodies_are_422_and_write_nothing(copy: Path) -> None:
    before = _written(copy)
    server = _Server(create_app(copy, ingest_token=TOKEN))
    headers = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"}
    sentence = json.dumps(ARTICLE["text"]).encode()
    try:
        with _server_errors() as errors:
            for case, body, says in (
                    ("nested 100,000 deep", b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
                    ("an object nested 50,000 deep", b'{"a":' * 50_000 + b"1" + b"}" * 50_000, "nested too deeply"),
                    ("a field nested just under the parser's limit",
                     b'{"text": ' + sentence + b', "title": ' + b"[" * 990 + b"]" * 990 + b"}", "nested too deeply"),
                    ("half a UTF-16 pair in the text", b'{"text": "Rebels attacked Aleppo \\ud800 on Monday."}',
                     "unpaired surrogate"),
                    ("half a pair in a key", b'{"text": ' + sentence + b', "\\udc00": 1}', "unpaired surrogate"),
                    ("a number of 5,000 digits", b'{"text": ' + sentence + b', "n": ' + b"7" * 5000 + b"}",
                     "not valid JSON")):
                response = server.client.post("/api/documents", content=body, headers=headers)
                _is_json_error(response, 422)
                assert says in response.json()["error"] and response.json()["parameter"] == "body", case
        assert not errors, [e.getMessage() for e in errors]
    finally:
        server.stop()
    assert _written(copy) == before


def test_an_ingestion_does_not_hold_up_reads(examples_db: Path, tmp_path: Path) -> None:
    """The pipeline runs beside the server's event loop: while an article is processed, reads are answered."""
    import threading

    path = tmp_path / "slow.duckdb"
    shutil.copy(examples_db, path)
    app = create_app(path, ingest_token=TOKEN)
    entered, release = threading.Event(), threading.Event()

    def slow_ingest(documents):  # stands for a long article: it holds until the read below has been answered
        entered.set()
        release.wait(30)
        return [{"document_id": documents[0].id, "stored": False, "events": 0}]

    app.state.api.ingest = slow_ingest
    server = _Server(app)
    try:
        posted: list[httpx.Response] = []
        poster = threading.Thread(target=lambda: posted.append(server.client.post(
            "/api/documents", json=ARTICLE, headers={"Authorization": f"Bearer {TOKEN}"})))
        poster.start()
        assert entered.wait(30)
        with httpx.Client(base_url=f"http://127.0.0.1:{server.port}", timeout=10) as reader_client:
            assert reader_client.get("/api/stats").status_code == 200
        release.set()
        poster.join(30)
        assert posted and posted[0].status_code == 200
    finally:
        release.set()
        server.stop()


# --------------------------------------------------------------------------------------------------------- XSS

XSS = {"title": "<script>window.__xss=1</script>Clashes near Qusayr",
       "outlet": "<img src=x onerror=\"window.__xss=2\">Wire",
       "url": "javascript:window.__xss=3//https://news.example.org/qusayr",
       "text": "BEIRUT - Hezbollah fighters attacked <img src=x onerror=\"window.__xss=4\"> Nusra Front positions "
               "and \"</script><script>window.__xss=5</script>\" near Qusayr on Tuesday, a security source said. "
               "<a href=\"javascript:window.__xss=6\">link</a> <svg onload=window.__xss=7>",
       "published": "2015-06-02"}
ACTOR_NAME = "</script><script>window.__xss=8</script><img src=x onerror=window.__xss=9>"


@pytest.fixture(scope="module")
def xss(examples_db: Path, tmp_path_factory):
    """A server over a copy in which an actor's stored name is a payload, with an article of payloads ingested."""
    path = tmp_path_factory.mktemp("xss") / "xss.duckdb"
    shutil.copy(examples_db, path)
    with duckdb.connect(str(path)) as con:
        con.execute("UPDATE event_actors SET name = ? WHERE actor_id = 'NUSRA'", [ACTOR_NAME])
        con.execute("UPDATE events SET record = replace(record, '\"Jabhat al-Nusra\"', ?)", [json.dumps(ACTOR_NAME)])
    server = _Server(create_app(path, ingest_token=TOKEN))
    stored = server.client.post("/api/documents", json=XSS, headers={"Authorization": f"Bearer {TOKEN}"})
    assert stored.status_code == 201, stored.text
    yield server, stored.json()["document_id"]
    server.stop()


def _is_json_data(response: httpx.Response, media_type: str = "application/json") -> None:
    assert response.status_code == 200, response.text[:300]
    assert response.headers["content-type"].split(";")[0] == media_type
    assert response.headers["x-content-type-options"] == "nosniff"
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy and "object-src 'none'" in policy


def test_article_fields_come_back_as_json_data(xss) -> None:
    server, doc_id = xss
    client = server.client
    document = client.get(f"/api/documents/{doc_id}", headers={"Accept": "text/html"})
    _is_json_data(document)
    doc = document.json()
    assert {k: doc[k] for k in ("title", "outlet", "url")} == {k: XSS[k] for k in ("title", "outlet", "url")}
    for payload in ("<img src=x onerror=\"window.__xss=4\">", "</script><script>window.__xss=5</script>",
                    "<svg onload=window.__xss=7>"):
        assert payload in doc["text"]

    page = client.get("/api/events", params={"q": "Qusayr", "limit": 1000})
    _is_json_data(page)
    events = page.json()["events"]
    assert events and all(e["document"]["id"] == doc_id for e in events)
    assert any("</script><script>" in e["text"] for e in events)
    detail = client.get(f"/api/events/{events[0]['id']}")
    _is_json_data(detail)
    assert detail.json()["document"]["url"] == XSS["url"] and detail.json()["document"]["title"] == XSS["title"]
    for fmt, media_type in (("csv", "text/csv"), ("jsonl", "application/x-ndjson")):
        other = client.get("/api/events", params={"q": "Qusayr", "format": fmt})
        _is_json_data(other, media_type)
        assert "<script>" in other.text


def test_actor_names_come_back_as_json_data(xss) -> None:
    client = xss[0].client
    for path, params in (("/api/actors", {"search": "NUSRA"}), ("/api/actors/NUSRA", {}),
                         ("/api/relations", {"actor": "NUSRA"}), ("/api/events", {"actor": "NUSRA", "limit": 5})):
        response = client.get(path, params=params)
        _is_json_data(response)
        assert ACTOR_NAME in json.dumps(response.json(), ensure_ascii=False), path
    assert client.get("/api/actors/NUSRA").json()["name"] == ACTOR_NAME


def test_nothing_but_the_page_is_html(xss) -> None:
    server, doc_id = xss
    client = server.client
    answers = {
        "404 echoing a payload id": client.get("/api/events/<img src=x onerror=window.__xss=10>"),
        "404 of a cluster": client.get("/api/clusters/%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E"),
        "404 of a path": client.get("/<script>alert(1)</script>"),
        "422 echoing a parameter": client.get("/api/events", params={"type": "<script>alert(1)</script>"}),
        "422 of a cursor": client.get("/api/events", params={"cursor": "<svg onload=alert(1)>"}),
        "405": client.put("/api/stats"),
        "401": client.post("/api/documents", json=XSS),
        "422 of a body": client.post("/api/documents", content=b"<script>alert(1)</script>",
                                     headers={"Authorization": f"Bearer {TOKEN}", "Content-Type": "text/html"}),
        "document": client.get(f"/api/documents/{doc_id}", headers={"Accept": "text/html"}),
        "stats": client.get("/api/stats", headers={"Accept": "text/html"}),
        "openapi": client.get("/openapi.json"),
    }
    for case, response in answers.items():
        assert response.headers["content-type"].split(";")[0] == "application/json", (case, response.headers)
        assert response.headers["x-content-type-options"] == "nosniff", case
        assert "script-src 'self'" in response.headers["content-security-policy"], case
    assert "<img src=x onerror=window.__xss=10>" in answers["404 echoing a payload id"].json()["error"]  # data

    # the page itself: HTML whose only scripts are its own files, under the policy that forbids inline ones
    page = client.get("/")
    assert page.headers["content-type"].startswith("text/html")
    assert "unsafe-inline" not in page.headers["content-security-policy"]
    scripts = re.findall(r"<script\b[^>]*>", page.text)
    assert scripts and all(re.search(r"\bsrc=\"/(static|assets)/[\w.-]+\.js\"", s) for s in scripts), scripts
    assert "Qusayr" not in page.text and "__xss" not in page.text  # no data is written into the page
