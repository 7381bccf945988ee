"""The HTTP API under schemathesis, measured: `eventwire serve` runs as a real subprocess on 127.0.0.1 and
schemathesis (`st run`, its CLI) sends every operation of the server's own OpenAPI description many generated
requests, valid and invalid, with every check it has; then the same for ingestion on a writable copy of the database,
once with the token and once with a wrong one (after which the database must hold exactly what it held before).

    python benchmarks/api_fuzz.py                          # the examples' database, 300 examples per operation
    python benchmarks/api_fuzz.py --examples 50 --json fuzz.json
    python benchmarks/api_fuzz.py --db my.duckdb --no-ingest

Printed per run: operations, test cases generated, requests sent and answers by status class (from schemathesis' HAR
report), every 5xx with the request that caused it, the failures of the other checks by code, the server's logged
tracebacks, and the elapsed time. Checks left off and why (the same as tests/test_api_schema.py):
positive_data_acceptance on GET /api/events (a cursor the API gave, a bbox with min <= max, lists of known names:
rules a JSON Schema cannot say) and on POST /api/documents (whether a text is an English article is the reader's
judgement); the stateful phase runs, but the API has no resources its clients make or delete.
"""
from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
CHECKED = ("not_a_server_error", "status_code_conformance", "content_type_conformance", "response_schema_conformance",
           "response_headers_conformance", "negative_data_rejection", "positive_data_acceptance",
           "missing_required_header", "unsupported_method", "allow_header_conformance", "ignored_auth",
           "use_after_free", "ensure_resource_availability", "object_level_authorization")
# schemathesis.toml: every check (`--checks all` would also turn on the two left off below)
CONFIG = "[checks]\nenabled = false\n" + "".join(f"{name}.enabled = true\n" for name in CHECKED) + """
[[operations]]
include-path = "/api/events"
include-method = "GET"
checks.positive_data_acceptance.enabled = false

[[operations]]
include-path = "/api/documents"
include-method = "POST"
checks.positive_data_acceptance.enabled = false
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def eventwire(*args: str) -> list[str]:
    """The command line of `eventwire ARGS` from this checkout (the installed script may be another one's)."""
    return [sys.executable, "-c", "import sys; from eventwire.cli import main; sys.exit(main())", *args]


def environment() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}


def build_examples_db(folder: Path) -> tuple[Path, float]:
    db = folder / "examples.duckdb"
    started = time.perf_counter()
    subprocess.run(eventwire("run", str(EXAMPLES), "--db", str(db), "--quiet"), check=True, cwd=ROOT,
                   env=environment(), stdout=subprocess.DEVNULL)
    return db, time.perf_counter() - started


class Server:
    """`eventwire serve` as a subprocess of its own session (stopped, with anything it started, by its id)."""

    def __init__(self, db: Path, log: Path, token: str | None = None) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = log
        args = ["serve", "--db", str(db), "--host", "127.0.0.1", "--port", str(self.port)]
        if token:
            args += ["--ingest-token", token]
        with open(log, "wb") as out:
            self.proc = subprocess.Popen(eventwire(*args), stdout=out, stderr=subprocess.STDOUT, cwd=ROOT,
                                         env=environment(), start_new_session=True)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"the server exited with {self.proc.returncode}:\n{log.read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(self.base + "/api/stats", timeout=30) as answer:
                    if answer.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
                pass
            time.sleep(0.25)
        self.stop()
        raise SystemExit(f"/api/stats did not answer within 120 s:\n{log.read_text()[-3000:]}")

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()

    def tracebacks(self) -> int:
        return self.log.read_text(errors="replace").count("Traceback (most recent call last)")


def schemathesis_run(base: str, out: Path, config: Path, examples: int, seed: int, *extra: str,
                     secret: str = "") -> dict[str, Any]:
    """One `st run` over the server's /openapi.json; its figures, from its JSON and HAR reports (``secret``, the
    token, is printed as TOKEN)."""
    out.mkdir(parents=True, exist_ok=True)
    har, report = out / "requests.har", out / "report.json"
    command = [sys.executable, "-m", "schemathesis.cli", "--no-color", "--config-file", str(config), "run",
               f"{base}/openapi.json", "--max-examples", str(examples), "--seed", str(seed),
               "--workers", "1", "--continue-on-failure", "--request-timeout", "300", "--generation-database",
               "none", "--report", "har,json", "--report-har-path", str(har), "--report-json-path", str(report),
               *extra]
    started = time.perf_counter()
    ran = subprocess.run(command, capture_output=True, text=True, cwd=out)
    elapsed = time.perf_counter() - started
    (out / "st.log").write_text(ran.stdout + ran.stderr)
    if not report.exists() or not har.exists():
        raise SystemExit(f"schemathesis wrote no report (exit {ran.returncode}):\n{(ran.stdout + ran.stderr)[-3000:]}")
    summary = json.loads(report.read_text())
    entries = json.loads(har.read_text())["log"]["entries"]
    by_class = Counter(f"{entry['response']['status'] // 100}xx" if entry["response"]["status"] else "no answer"
                       for entry in entries)
    server_errors = [{"method": e["request"]["method"], "url": e["request"]["url"],
                      "body": (e["request"].get("postData") or {}).get("text", "")[:300],
                      "status": e["response"]["status"], "answer": e["response"]["content"].get("text", "")[:300]}
                     for e in entries if e["response"]["status"] >= 500]
    failures = {f["code"]: {"title": f["title"], "count": f["count"], "operations": f["operations"]}
                for f in summary.get("failures", [])}
    shown = " ".join(command[2:]).replace(secret, "TOKEN") if secret else " ".join(command[2:])
    return {"command": shown, "exit_code": ran.returncode, "elapsed_s": round(elapsed, 1),
            "operations": summary["operations"]["tested"], "cases": summary["test_cases"]["generated"],
            "requests": len(entries), "by_status_class": dict(sorted(by_class.items())),
            "by_status": dict(sorted(Counter(str(e["response"]["status"]) for e in entries).items())),
            "posts_by_status": dict(sorted(Counter(str(e["response"]["status"]) for e in entries
                                                   if e["request"]["method"] == "POST").items())),
            "server_errors": len(server_errors), "server_error_requests": server_errors[:20],
            "failures": failures, "errors": summary.get("errors", [])}


def counts(db: Path) -> dict[str, int]:
    """Rows of the tables an ingestion writes (the server must have stopped: the file is opened here)."""
    import duckdb

    with duckdb.connect(str(db), read_only=True) as con:
        return {table: con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
                for table in ("documents", "events", "read_errors")}


def show(name: str, run: dict[str, Any]) -> None:
    print(f"\n== {name}")
    print(f"   {run['command']}")
    for key in ("operations", "cases", "requests", "by_status_class", "by_status", "posts_by_status", "server_errors",
                "server_tracebacks", "elapsed_s"):
        if key in run:
            print(f"   {key:<18} {run[key]}")
    for key in ("before", "after"):
        if key in run:
            print(f"   {key:<18} {run[key]}")
    for request in run["server_error_requests"]:
        print(f"   5xx: {request['status']} {request['method']} {request['url']} {request['body']!r} -> "
              f"{request['answer']!r}")
    for code, failure in run["failures"].items():
        print(f"   failure {code} {failure['title']}: {failure['count']} on {', '.join(failure['operations'])}")
    for error in run["errors"]:
        print(f"   error: {str(error)[:300]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, help="database to serve (default: the examples, built by `eventwire run`)")
    parser.add_argument("--examples", type=int, default=300, help="generated examples per operation (fuzzing)")
    parser.add_argument("--seed", type=int, default=20150601)
    parser.add_argument("--no-ingest", action="store_true", help="only the read-only server")
    parser.add_argument("--json", type=Path, help="save the figures to this file")
    parser.add_argument("--keep", type=Path, help="keep schemathesis' reports and the server logs in this folder")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="eventwire-fuzz-"))
    out = args.keep or work
    out.mkdir(parents=True, exist_ok=True)
    config = work / "schemathesis.toml"
    config.write_text(CONFIG)
    result: dict[str, Any] = {"examples_per_operation": args.examples, "seed": args.seed}
    started = time.perf_counter()
    try:
        if args.db is None:
            db, built = build_examples_db(work)
            result["database"] = f"examples ({built:.1f} s to build)"
        else:
            db = args.db
            result["database"] = str(db)

        server = Server(db, out / "read-only.log")
        try:
            run = schemathesis_run(server.base, out / "read-only", config, args.examples, args.seed)
        finally:
            server.stop()
        run["server_tracebacks"] = server.tracebacks()
        result["read_only"] = run
        show("read-only server, every operation", run)

        if not args.no_ingest:
            token = secrets.token_urlsafe(24)
            for name, header in (("ingest_with_token", f"Authorization: Bearer {token}"),
                                 ("ingest_wrong_token", f"Authorization: Bearer {token[:-1]}")):
                copy = work / f"{name}.duckdb"
                shutil.copy(db, copy)
                before = counts(copy)
                server = Server(copy, out / f"{name}.log", token=token)
                try:
                    run = schemathesis_run(server.base, out / name, config, args.examples, args.seed,
                                           "--include-path", "/api/documents", "--include-method", "POST",
                                           "--header", header, "--generation-with-security-parameters", "false",
                                           secret=token)
                finally:
                    server.stop()
                run.update(server_tracebacks=server.tracebacks(), before=before, after=counts(copy))
                result[name] = run
                show(f"POST /api/documents, {name.replace('_', ' ')}", run)
            wrong = result["ingest_wrong_token"]
            result["wrong_token_all_401"] = set(wrong["posts_by_status"]) == {"401"}
            result["wrong_token_wrote_nothing"] = wrong["before"] == wrong["after"]
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)

    runs = [result[k] for k in ("read_only", "ingest_with_token", "ingest_wrong_token") if k in result]
    result["total"] = {"cases": sum(r["cases"] for r in runs), "requests": sum(r["requests"] for r in runs),
                       "server_errors": sum(r["server_errors"] for r in runs),
                       "server_tracebacks": sum(r["server_tracebacks"] for r in runs),
                       "elapsed_s": round(time.perf_counter() - started, 1)}
    print(f"\ntotal: {result['total']}")
    if "wrong_token_all_401" in result:
        print(f"wrong token: every POST answered 401: {result['wrong_token_all_401']}; "
              f"database unchanged: {result['wrong_token_wrote_nothing']}")
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
