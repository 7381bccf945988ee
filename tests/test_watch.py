"""`eventwire.watch` against a real HTTP server on loopback serving RSS and Atom feeds and article pages."""
from __future__ import annotations

import socket
from pathlib import Path
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from eventwire.store import Store
from eventwire.watch import Watcher, watch


def page(title: str, published: str, outlet: str, paragraphs: list[str]) -> bytes:
    body = "\n".join(f"  <p>{p}</p>" for p in paragraphs)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{title} | {outlet}</title>
<meta property="og:title" content="{title}">
<meta property="og:site_name" content="{outlet}">
<meta property="article:published_time" content="{published}">
</head>
<body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/world">World</a></li></ul></nav>
<main><article>
  <h1>{title}</h1>
{body}
</article></main>
<footer>Copyright 2024 {outlet}. All rights reserved.</footer>
</body>
</html>""".encode()


ARTICLES = {
    "/news/russian-air-strikes-homs.html": page(
        "Russian jets carry out first air strikes in Syria", "2015-09-30T18:00:00+00:00", "Levant Wire Review", [
            "Russian warplanes carried out their first air strikes in Syria on Wednesday, hitting targets north "
            "of Homs and in the Hama countryside, hours after the upper house of the Russian parliament "
            "approved the use of force abroad.",
            "Syrian activists said the strikes hit the towns of Talbiseh and Rastan, which are held by rebel "
            "groups and not by the Islamic State, and killed at least 30 people, among them children.",
            "The Russian defence ministry said its aircraft had struck military positions of the Islamic State. "
            "US Defense Secretary Ashton Carter accused Moscow of pouring gasoline on the fire.",
        ]),
    "/news/shayrat-tomahawk-strike.html": page(
        "US fires cruise missiles at Syrian air base after chemical attack", "2017-04-07T06:30:00+00:00",
        "Levant Wire Review", [
            "The United States fired 59 Tomahawk cruise missiles at the Shayrat air base near Homs early on "
            "Friday, in response to a chemical attack on the town of Khan Sheikhoun that killed more than 80 "
            "people earlier in the week.",
            "American officials said the base had been used to launch the aircraft that dropped the nerve agent "
            "on Khan Sheikhoun, in Idlib province, on Tuesday.",
            "The Syrian army said the missiles killed six soldiers and destroyed several aircraft. Russia "
            "condemned the strike as an act of aggression against a sovereign state and suspended a hotline "
            "with the US military.",
        ]),
    "/news/aleppo-evacuation-buses.html": page(
        "First buses leave eastern Aleppo under evacuation deal", "2016-12-15T12:00:00+00:00",
        "Northern Syria Dispatch", [
            "The first convoy of buses and ambulances left the last rebel-held districts of eastern Aleppo on "
            "Thursday under a ceasefire deal brokered by Russia and Turkey.",
            "The International Committee of the Red Cross said wounded people were among the first to be "
            "evacuated to rebel-held areas west of the city.",
            "Government forces had captured most of eastern Aleppo in a month-long offensive backed by Russian "
            "air strikes, and the Syrian army said it would take full control of the city once the fighters "
            "had left.",
        ]),
}
NEW_ARTICLE = ("/news/afrin-olive-branch.html", page(
    "Turkey launches ground offensive into Afrin", "2018-01-21T15:00:00+00:00", "Northern Syria Dispatch", [
        "Turkish troops and allied Syrian rebels crossed into the Kurdish-held Afrin region of northern Syria on "
        "Sunday, a day after Turkish jets began bombing positions of the YPG militia.",
        "Turkish Prime Minister Binali Yildirim said the operation, named Olive Branch, aimed to create a safe "
        "zone 30 kilometres deep. The YPG said it had repelled the attack and that Turkish shelling killed "
        "civilians in several villages.",
    ]))


def rss(base: str, items: list[tuple[str, str]]) -> bytes:
    entries = "".join(
        f"<item><title>{title}</title><link>{base}{path}</link><guid isPermaLink=\"true\">{base}{path}</guid>"
        "<pubDate>Wed, 30 Sep 2015 18:00:00 GMT</pubDate></item>" for path, title in items)
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Levant Wire Review</title>'
            f"<link>{base}/</link><description>Syria news</description>{entries}</channel></rss>").encode()


def atom(base: str, items: list[tuple[str, str]]) -> bytes:
    entries = "".join(
        f'<entry><title>{title}</title><link rel="alternate" href="{path}"/><id>tag:nsd.example,2016:{path}</id>'
        "<updated>2016-12-15T12:00:00Z</updated></entry>" for path, title in items)
    return ('<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom" '
            f'xml:base="{base}/"><title>Northern Syria Dispatch</title><id>tag:nsd.example,2016:feed</id>'
            f"<updated>2016-12-15T12:00:00Z</updated>{entries}</feed>").encode()


class Site:
    """A loopback web server whose routes a test can change; it records every path requested."""

    def __init__(self) -> None:
        self.routes: dict[str, tuple[int, str, bytes]] = {}
        self.requests: list[str] = []
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
                site.requests.append(self.path)
                status, ctype, body = site.routes.get(self.path, (404, "text/plain", b"not found"))
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def html(self, path: str, body: bytes, status: int = 200) -> None:
        self.routes[path] = (status, "text/html; charset=utf-8", body)

    def xml(self, path: str, body: bytes) -> None:
        self.routes[path] = (200, "application/xml", body)

    def count(self, path: str) -> int:
        return self.requests.count(path)


@pytest.fixture
def site():
    s = Site()
    s.thread.start()
    for path, body in ARTICLES.items():
        s.html(path, body)
    paths = list(ARTICLES)
    s.xml("/rss.xml", rss(s.base, [(paths[0], "Russian air strikes"), (paths[1], "Shayrat strike")]))
    s.xml("/atom.xml", atom(s.base, [(paths[2], "Aleppo evacuation")]))
    yield s
    s.server.shutdown()
    s.server.server_close()


class Clock:
    """A clock the test moves by hand, so that backoff is checked without waiting."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def store(tmp_path):
    with Store(tmp_path / "watch.duckdb") as s:
        yield s


def counts(store: Store) -> tuple[int, int]:
    one = lambda sql: store.con.execute(sql).fetchone()[0]  # noqa: E731
    return one("SELECT count(*) FROM documents"), one("SELECT count(*) FROM events")


def make(sources, store, pipeline, lines, clock=None, interval=10.0):
    return Watcher(sources, store, pipeline, interval=interval, log=lines.append, timeout=5,
                   clock=clock or Clock())


def test_round_ingests_linked_articles_then_nothing_new(site, store, pipeline):
    lines: list[str] = []
    feeds = [f"{site.base}/rss.xml", f"{site.base}/atom.xml"]
    watcher = make(feeds, store, pipeline, lines)
    assert watcher.round() == 3
    docs, events = counts(store)
    assert docs == 3 and events > 0
    rows = store.con.execute("SELECT url, title, outlet, published FROM documents ORDER BY published").fetchall()
    assert sorted(r[0] for r in rows) == sorted(site.base + p for p in ARTICLES)
    assert rows[0][1:] == ("Russian jets carry out first air strikes in Syria", "Levant Wire Review", "2015-09-30")
    assert store.con.execute("SELECT count(*) FROM clusters").fetchone()[0] > 0  # fused after the round

    watcher.clock.now += 10
    assert watcher.round() == 0
    assert counts(store) == (docs, events)
    for path in ARTICLES:
        assert site.count(path) == 1  # seen entries are not fetched again
    assert site.count("/rss.xml") == 2


def test_new_feed_item_is_picked_up_next_round(site, store, pipeline):
    lines: list[str] = []
    watcher = make([f"{site.base}/rss.xml"], store, pipeline, lines)
    assert watcher.round() == 2
    path, body = NEW_ARTICLE
    site.html(path, body)
    paths = list(ARTICLES)
    site.xml("/rss.xml", rss(site.base, [(path, "Afrin"), (paths[0], "Russian air strikes"),
                                         (paths[1], "Shayrat strike")]))
    watcher.clock.now += 10
    assert watcher.round() == 1
    assert store.con.execute("SELECT title FROM documents WHERE url = ?", [site.base + path]).fetchone() == (
        "Turkey launches ground offensive into Afrin",)
    assert site.count(path) == 1 and site.count(list(ARTICLES)[0]) == 1


@pytest.mark.parametrize("status", [500, 404])
def test_failing_article_page_is_logged_and_skipped(site, store, pipeline, status):
    bad = list(ARTICLES)[1]
    site.html(bad, b"<html><body>server error</body></html>", status=status)
    lines: list[str] = []
    watcher = make([f"{site.base}/rss.xml"], store, pipeline, lines)
    assert watcher.round() == 1
    failures = [line for line in lines if site.base + bad in line]
    assert len(failures) == 1 and f"HTTP {status}" in failures[0]
    assert store.con.execute("SELECT count(*) FROM read_errors WHERE source = ?", [site.base + bad]).fetchone()[0] == 1
    # a 500 may pass: the page is asked for again next round (and stored once it works); a 404 is not
    site.html(bad, ARTICLES[bad])
    watcher.clock.now += 10
    assert watcher.round() == (1 if status == 500 else 0)
    assert site.count(bad) == (2 if status == 500 else 1)


def _refused_url() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/feed.xml"


@pytest.mark.parametrize("kind", ["404", "refused", "malformed", "html"])
def test_failing_feed_is_logged_and_backed_off(site, store, pipeline, kind):
    if kind == "404":
        url, reason = f"{site.base}/missing.xml", "HTTP 404"
    elif kind == "refused":
        url, reason = _refused_url(), "cannot connect"
    elif kind == "malformed":
        site.xml("/broken.xml", rss(site.base, [(list(ARTICLES)[0], "Russian air strikes")])[:-30])  # cut off
        url, reason = f"{site.base}/broken.xml", "malformed XML at line 1"
    else:
        site.html("/broken.xml", ARTICLES[list(ARTICLES)[0]])
        url, reason = f"{site.base}/broken.xml", "not an RSS or Atom feed (got text/html)"
    lines: list[str] = []
    clock = Clock()
    watcher = make([url, f"{site.base}/atom.xml"], store, pipeline, lines, clock=clock, interval=10)
    assert watcher.round() == 1  # the good feed goes on
    assert len(lines) >= 1 and url in lines[0] and reason in lines[0] and "next try in 10s" in lines[0]
    path = url.split(str(site.server.server_address[1]))[-1]
    tries = lambda: site.count(path) if kind != "refused" else len([x for x in lines if url in x])  # noqa: E731

    clock.now = 9.9
    watcher.round()
    assert tries() == 1  # not before its delay
    clock.now = 10
    watcher.round()
    assert tries() == 2
    assert "next try in 20s" in [x for x in lines if url in x][-1]
    clock.now = 29.9
    watcher.round()
    assert tries() == 2
    clock.now = 30
    watcher.round()
    assert tries() == 3 and "failure 3 in a row" in [x for x in lines if url in x][-1]
    assert watcher.delay(20) == watcher.max_delay  # capped
    # once it works again it is back on the plain interval
    if kind == "404":
        site.xml("/missing.xml", rss(site.base, []))
        clock.now = 70
        watcher.round()
        assert watcher.sources[0].failures == 0 and watcher.sources[0].due == 80


def test_folder_picks_up_added_file_once(tmp_path, store, pipeline):
    folder = tmp_path / "incoming"
    folder.mkdir()
    (folder / "notes.md").write_text("not an article")
    lines: list[str] = []
    watcher = make([str(folder)], store, pipeline, lines)
    assert watcher.round() == 0
    assert not [x for x in lines if "failed" in x]  # an empty folder is fine
    (folder / "2016-03-27_palmyra.txt").write_text(
        "Syrian army retakes Palmyra from Islamic State\n\n"
        "DAMASCUS, March 27, 2016 - Syrian government forces backed by Russian air strikes recaptured the "
        "ancient city of Palmyra from the Islamic State on Sunday, ten months after the militants seized it.\n\n"
        "The Syrian army said its troops had taken full control of the city and its ruins after fierce "
        "fighting, and that hundreds of Islamic State fighters had been killed in the offensive.\n\n"
        "President Bashar al-Assad praised the Russian air force for its support in the battle.\n", encoding="utf-8")
    watcher.clock.now += 10
    assert watcher.round() == 1
    docs, events = counts(store)
    assert docs == 1 and events > 0
    watcher.clock.now += 10
    assert watcher.round() == 0
    assert counts(store) == (1, events)
    (folder / "copy.txt").write_bytes((folder / "2016-03-27_palmyra.txt").read_bytes())
    watcher.clock.now += 10
    assert watcher.round() == 0  # the same text under another name: the store refuses it by content hash
    assert counts(store)[0] == 1


def test_restart_does_not_refetch_seen_entries(site, tmp_path, pipeline):
    db = str(tmp_path / "restart.duckdb")
    feeds = [f"{site.base}/rss.xml", f"{site.base}/atom.xml"]
    lines: list[str] = []
    assert watch(feeds, db, interval=10, pipeline=pipeline, once=True, log=lines.append, timeout=5) == 3
    assert len(site.requests) == 5  # two feeds, three pages
    assert watch(feeds, db, interval=10, pipeline=pipeline, once=True, log=lines.append, timeout=5) == 0
    assert sorted(site.requests[5:]) == ["/atom.xml", "/rss.xml"]  # the feeds only, no article again
    with Store(db) as store:
        assert counts(store)[0] == 3
        assert store.con.execute("SELECT count(*) FROM watch_seen").fetchone()[0] == 3


def test_bad_source_is_refused_before_loading_anything(tmp_path):
    (tmp_path / "a.txt").write_text("text")
    with pytest.raises(ValueError, match="not a folder"):
        watch([str(tmp_path / "a.txt")], str(tmp_path / "x.duckdb"), once=True)
    with pytest.raises(ValueError, match="no such folder"):
        watch([str(tmp_path / "missing")], str(tmp_path / "x.duckdb"), once=True)


def test_watch_command_takes_a_folder_once(tmp_path) -> None:
    import shutil

    import duckdb
    from click.testing import CliRunner

    from eventwire.cli import main

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    examples = Path(__file__).resolve().parents[1] / "examples"
    shutil.copy(examples / "2015-05-12_nusra_attacks_is.txt", inbox)
    db = tmp_path / "w.duckdb"
    ran = CliRunner().invoke(main, ["watch", str(inbox), "--db", str(db), "--once", "--interval", "5"])
    assert ran.exit_code == 0, ran.output
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM documents").fetchone()[0] == 1
        assert con.execute("SELECT count(*) FROM events").fetchone()[0] > 0
    bad = CliRunner().invoke(main, ["watch", str(tmp_path / "nowhere"), "--db", str(db), "--once"])
    assert bad.exit_code != 0 and "nowhere" in bad.output
