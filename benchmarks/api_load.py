"""How fast the HTTP API answers `GET /api/events` on a large database: a synthetic store of 1,000,000 events
with the real schema (``eventwire.store.SCHEMA``), served by the real server (`eventwire serve`), driven for
30 s at 16 concurrent connections by wrk with a mix of typical filters.

    python benchmarks/api_load.py                       # 1,000,000 events, 30 s, 16 connections
    python benchmarks/api_load.py --events 100000 --duration 10 --json

The database is built by DuckDB set operations (``INSERT … SELECT … FROM range(n)`` with hash-derived
pseudo-random values, no Python loops; about a minute for 1M events) and cached under --db (default
/tmp/eventwire-load.duckdb): reused when it holds --events events and was built from the same SCHEMA
(a sidecar ``PATH.meta.json`` records the schema's hash, the build time and the generator's version), rebuilt
otherwise or with --rebuild. What it holds:
- about 300 actors: 31 registry ones (IS, SYRMIL, NUSRA, HEZBOLLAH, …; generic parties such as "gunmen" with
  no id) and generated groups (``NEW:…`` provisional ids among them), drawn with a Zipf-like skew in each role
  (IS takes part in about 18% of events, NUSRA 4%, HEZBOLLAH 2.6%, a rank-250 group 0.1%); 5% of events name
  no actor, 20% no recipient, 8% two of either;
- the 16 PLOVER types with their quad classes, modes, CAMEO and ACLED codes (ASSAULT 30%, COERCE 12%, …);
- happenings over 2014-01-01..2016-12-31, each reported by 1–6 mentions (60% once) in different articles
  dated up to two days after it; 10% of mentions undated, the rest of day, week, month, range or year
  precision;
- 3,000 places inside Syria (60%), Iraq (30%) and Lebanon (10%), cities first and most used; 27% of mentions
  have no place;
- 250,000 documents (events/4) from 60 outlets, about 2 KB of text each; every event in one cluster (its
  happening: clusters of 1–6 mentions, 15% of later mentions a republished copy of the first, so of the same
  source; sources and corroboration as ``eventwire.fuse`` counts them) and 2,000 contradictions.
Events are stored grouped by document, documents in random order (a bulk import of a mixed archive), so dates
are not clustered on disk: the pessimistic case for date filters and date sorts.

Then `eventwire serve --db PATH --port P` runs on 127.0.0.1 as a subprocess; once `/api/stats` answers, every
URL of the mix is fetched once (its status and time are printed), wrk runs a 5 s warm-up and the measured run
(wrk -t2 --latency --timeout 30s, a Lua script rotating over the URLs; its `done` hook reports the exact
p50/p95/p99), and finally each URL is timed alone (5 sequential requests) to show which filters are slow.
Errors: non-2xx are wrk's status errors (responses with status 400 and above; the API sends no redirects),
socket errors its connect, read, write and timeout counts. Server peak RSS is VmHWM from /proc, summed over
the server process and its children.

The mix (rotated in order, each thread starting elsewhere): by actor (registry id or words of its name, in
either role), by type and quad, by date range, by bbox, `min_sources=2`, combinations of these, sorts by date
and sources, limit 50 or 100, and pages reached by following a `next_cursor` once.

Without wrk (`apt-get install -y wrk`) an asyncio + httpx client runs instead (or with --client httpx): it
shares the machine's 2 cores with the server, so its figures understate the server's throughput and inflate
its latencies; wrk, in C, takes far less of a core.
"""
from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import duckdb  # noqa: E402

from eventwire.store import EVENT_NAMES, SCHEMA, Store  # noqa: E402
from report import tree_memory_mb  # noqa: E402

GENERATOR_VERSION = 1
N_DAYS = 1096  # 2014-01-01 .. 2016-12-31
N_PLACES = 3000
N_OUTLETS = 60

# registry actors, most active first; None: a generic party with no registry id
REGISTRY = [
    ("IS", "Islamic State", None, "REB"), ("SYRMIL", "Syrian Arab Army", "SYR", "MIL"),
    ("NUSRA", "Jabhat al-Nusra", "SYR", "REB"), ("RUSMIL", "Russian military", "RUS", "MIL"),
    (None, "rebels", None, None), ("HEZBOLLAH", "Hezbollah", "LBN", "REB"),
    ("FSA", "Free Syrian Army", "SYR", "REB"), ("IRQMIL", "Iraqi army", "IRQ", "MIL"),
    ("CJTF_OIR", "Combined Joint Task Force – Operation Inherent Resolve", "USA", "MIL"),
    ("YPG", "People's Protection Units", "SYR", "REB"), (None, "civilians", None, None),
    ("PMF", "Popular Mobilization Forces", "IRQ", "MIL"), ("AHRAR", "Ahrar al-Sham", "SYR", "REB"),
    ("SDF", "Syrian Democratic Forces", "SYR", "REB"), ("ASSAD_BASHAR", "Bashar al-Assad", "SYR", "GOV"),
    ("TURMIL", "Turkish Armed Forces", "TUR", "MIL"), ("IRGC", "Islamic Revolutionary Guard Corps", "IRN", "MIL"),
    ("PESHMERGA", "Peshmerga", "IRQ", "MIL"), (None, "gunmen", None, None),
    ("LBNMIL", "Lebanese Armed Forces", "LBN", "MIL"), ("JAISH_ISLAM", "Jaysh al-Islam", "SYR", "REB"),
    ("SOHR", "Syrian Observatory for Human Rights", "SYR", "NGO"), ("UN", "United Nations", None, "IGO"),
    ("KRG", "Kurdistan Regional Government", "IRQ", "GOV"), ("IRQCTS", "Counter Terrorism Service", "IRQ", "MIL"),
    ("FOURTH_DIV", "4th Armoured Division", "SYR", "MIL"), ("SARC", "Syrian Arab Red Crescent", "SYR", "NGO"),
    (None, "protesters", None, None), ("WFP", "World Food Programme", None, "IGO"),
    ("HRW", "Human Rights Watch", None, "NGO"), ("AANES", "Autonomous Administration of North and East Syria",
                                                  "SYR", "GOV"),
]
GROUP_PREFIXES = ["Liwa", "Jaish", "Kataib", "Harakat", "Firqat", "Saraya", "Ansar", "Tajammu"]
GROUP_SUFFIXES = ["al-Fath", "al-Haqq", "al-Izza", "al-Sunna", "al-Nasr", "al-Shuhada", "al-Furqan", "al-Tawhid",
                  "Suqur al-Sham", "al-Umma", "al-Mujahidin", "al-Islam", "al-Ahrar", "al-Rahman", "al-Qadisiyya",
                  "al-Hamza", "al-Mutasim", "al-Sultan Murad", "al-Muntasir", "al-Badr", "al-Khilafa", "al-Ghuraba",
                  "al-Aqsa", "al-Sham", "al-Furat", "al-Jazira", "al-Janub", "al-Shamal", "al-Sahel", "al-Qalamoun",
                  "al-Ghouta", "Halab", "Idlib", "Hama"]
# cities first: (name, lat, lon, country, admin1, geonameid)
CITIES = [
    ("Aleppo", 36.20124, 37.16117, "SY", "Aleppo Governorate", 170063),
    ("Damascus", 33.5102, 36.29128, "SY", "Damascus Governorate", 170654),
    ("Mosul", 36.335, 43.11889, "IQ", "Nineveh", 99072), ("Raqqa", 35.95283, 39.00788, "SY", "Raqqa", 163915),
    ("Homs", 34.72682, 36.72339, "SY", "Homs Governorate", 169577),
    ("Deir ez-Zor", 35.33588, 40.14084, "SY", "Deir ez-Zor", 170794),
    ("Idlib", 35.93062, 36.63393, "SY", "Idlib Governorate", 169389),
    ("Baghdad", 33.34058, 44.40088, "IQ", "Baghdad", 98182), ("Fallujah", 33.34913, 43.77933, "IQ", "Anbar", 98463),
    ("Ramadi", 33.42056, 43.30778, "IQ", "Anbar", 91197), ("Palmyra", 34.5603, 38.28065, "SY", "Homs Governorate", 164005),
    ("Kobani", 36.8906, 38.3536, "SY", "Aleppo Governorate", 174018),
    ("Tikrit", 34.61581, 43.67861, "IQ", "Salah ad-Din", 89743), ("Kirkuk", 35.46806, 44.39222, "IQ", "Kirkuk", 94787),
    ("Hasakah", 36.50237, 40.74772, "SY", "Al-Hasakah Governorate", 173194),
    ("Daraa", 32.61889, 36.10213, "SY", "Daraa Governorate", 170592),
    ("Arsal", 34.17825, 36.42045, "LB", "Baalbek-Hermel", 280548), ("Beirut", 33.89332, 35.50157, "LB", "Beirut", 276781),
    ("Tripoli", 34.43667, 35.84972, "LB", "North Governorate", 266826),
    ("Sinjar", 36.3209, 41.8754, "IQ", "Nineveh", 93530), ("Baalbek", 34.00583, 36.21806, "LB", "Baalbek-Hermel", 279894),
    ("Sidon", 33.56056, 35.37583, "LB", "South Governorate", 268064),
]
# inner boxes (min_lat, max_lat, min_lon, max_lon) that stay inside each country, and a few admin1 names
BOXES = {"SY": (33.0, 36.8, 36.6, 41.0), "IQ": (30.8, 36.4, 42.6, 47.0), "LB": (33.3, 34.4, 35.55, 36.25)}
ADMIN1 = {"SY": ["Aleppo Governorate", "Idlib Governorate", "Homs Governorate", "Hama Governorate", "Raqqa",
                 "Deir ez-Zor", "Rif Dimashq Governorate"],
          "IQ": ["Nineveh", "Anbar", "Salah ad-Din", "Diyala", "Kirkuk", "Baghdad"],
          "LB": ["Baalbek-Hermel", "North Governorate", "South Governorate", "Mount Lebanon"]}
TOWN_A = ["Tell", "Kafr", "Ain", "Deir", "Maarat", "Jisr", "Qasr", "Khan", "Bab", "Ras", "Beit", "Umm"]
TOWN_B = ["Hamra", "Salam", "Nour", "Abyad", "Jadid", "Kabir", "Saghir", "Sharqi", "Gharbi", "Zahra", "Tamr",
          "Shams", "Hajar", "Qamar", "Ward", "Bustan", "Rumman", "Zaytun", "Nahr", "Jabal"]
OUTLETS = ["Reuters", "AFP", "Associated Press", "Al Jazeera English", "BBC News", "The Guardian", "SANA",
           "Al Arabiya", "Enab Baladi", "Rudaw", "The Daily Star", "NOW Lebanon", "Iraqi News", "Anadolu Agency",
           "TASS", "RT", "Asharq Al-Awsat", "Middle East Eye", "The National", "Al-Monitor"]
OUTLET_PLACES = ["Gaziantep", "Amman", "Erbil", "Beirut", "Istanbul", "Doha", "Cairo", "Basra", "Latakia", "Qamishli"]
OUTLET_KINDS = ["Herald", "Post", "Observer", "Ledger", "Courier"]
# (type, quad, cameo, mode, acled type, acled sub-type, context, phrase, weight per mille)
TYPE_MODES = [
    ("ASSAULT", 4, "195", "aerial", "Explosions/Remote violence", "Air/drone strike", "military",
     "carried out air strikes on", 70),
    ("ASSAULT", 4, "194", "heavy-weapons", "Explosions/Remote violence", "Shelling/artillery/missile attack",
     "military", "shelled", 60),
    ("ASSAULT", 4, "190", "firearms", "Battles", "Armed clash", "military", "clashed with", 60),
    ("ASSAULT", 4, "183", "explosives", "Explosions/Remote violence", "Remote explosive/landmine/IED", "military",
     "detonated a bomb targeting", 35),
    ("ASSAULT", 4, "1822", "suicide-attack", "Explosions/Remote violence", "Suicide bomb", "military",
     "sent a suicide bomber against", 15),
    ("ASSAULT", 4, "181", "abduct", "Violence against civilians", "Abduction/forced disappearance", "military",
     "abducted", 20),
    ("ASSAULT", 4, "190", None, "Battles", "Armed clash", "military", "attacked", 40),
    ("COERCE", 4, "192", "seize", "Battles", "Non-state actor overtakes territory", "military",
     "seized positions held by", 45),
    ("COERCE", 4, "173", "arrest", "Strategic developments", "Arrests", "security", "arrested members of", 30),
    ("COERCE", 4, "191", "restrict", "Strategic developments", "Other", "military", "besieged", 20),
    ("COERCE", 4, "172", "curfew", "Strategic developments", "Other", "security", "imposed a curfew on", 5),
    ("COERCE", 4, "174", "deport", "Strategic developments", "Other", "security", "expelled", 5),
    ("COERCE", 4, "170", None, "Strategic developments", "Other", "military", "blockaded", 15),
    ("ACCUSE", 3, "112", None, None, None, "political", "accused", 80),
    ("THREATEN", 3, "130", None, None, None, "political", "threatened", 50),
    ("CONSULT", 1, "040", "meet", None, None, "diplomatic", "met", 40),
    ("CONSULT", 1, "042", "visit", None, None, "diplomatic", "visited", 20),
    ("CONSULT", 1, "040", None, None, None, "diplomatic", "held talks with", 20),
    ("AGREE", 1, "057", None, None, None, "diplomatic", "agreed a truce with", 50),
    ("SUPPORT", 1, "051", None, None, None, "political", "voiced support for", 40),
    ("REQUEST", 3, "020", None, None, None, "political", "called on", 50),
    ("AID", 2, "073", "humanitarian", None, None, "humanitarian", "delivered aid to", 30),
    ("AID", 2, "070", None, None, None, "humanitarian", "sent supplies to", 10),
    ("COOPERATE", 2, "061", None, None, None, "military", "coordinated with", 30),
    ("MOBILIZE", 4, "154", "troops", "Strategic developments", "Other", "military", "sent reinforcements against",
     40),
    ("MOBILIZE", 4, "150", None, "Strategic developments", "Other", "military", "mobilised fighters against", 10),
    ("PROTEST", 4, "141", "demo", "Protests", "Peaceful protest", "political", "protested against", 30),
    ("REJECT", 3, "120", None, None, None, "diplomatic", "rejected demands by", 30),
    ("RETREAT", 2, "087", "withdraw", "Strategic developments", "Other", "military", "withdrew from positions facing",
     15),
    ("RETREAT", 2, "0861", "release", "Strategic developments", "Other", "military", "released prisoners held from", 5),
    ("SANCTION", 3, "161", "break-relations", None, None, "diplomatic", "cut ties with", 5),
    ("SANCTION", 3, "163", None, None, None, "diplomatic", "imposed sanctions on", 10),
    ("CONCEDE", 1, "080", None, None, None, "diplomatic", "made concessions to", 15),
]
assert sum(w for *_, w in TYPE_MODES) == 1000


def _sql_value(v: object) -> str:
    if v is None:
        return "NULL"
    if isinstance(v, (int, float)):
        return repr(v)
    return "'" + str(v).replace("'", "''") + "'"


def _values(rows: list[tuple]) -> str:
    return ", ".join("(" + ", ".join(_sql_value(v) for v in row) + ")" for row in rows)


def _list(items: list[str]) -> str:
    return "[" + ", ".join(_sql_value(s) for s in items) + "]"


def schema_hash() -> str:
    return hashlib.sha256(f"{GENERATOR_VERSION}\n{SCHEMA}".encode()).hexdigest()[:16]


def build(path: Path, n_events: int) -> float:
    """Write a fresh database of n_events synthetic events at path; the seconds it took."""
    started = time.perf_counter()
    final, path = path, Path(f"{path}.building")  # renamed when complete: an interrupted build is never reused
    for stale in (final, Path(f"{final}.wal"), Path(f"{final}.meta.json"), path, Path(f"{path}.wal")):
        stale.unlink(missing_ok=True)
    n_docs = max(1, n_events // 4)
    # happenings average 1.86 mentions: enough of them to give n_events mentions, the surplus cut
    n_happenings = int(n_events / 1.75) + 100
    con = duckdb.connect(str(path))
    con.execute(SCHEMA)
    q = con.execute
    q("CREATE TEMP MACRO rnd(i, s) AS (hash(i, s) % 1000003) / 1000003.0")
    q("CREATE TEMP MACRO day_str(d) AS strftime(DATE '2014-01-01' + CAST(d AS INTEGER), '%Y-%m-%d')")
    # actors: the registry ones, then generated groups up to 300
    generated = []
    for k in range(len(REGISTRY), 300):
        name = f"{GROUP_PREFIXES[k % len(GROUP_PREFIXES)]} {GROUP_SUFFIXES[(k // len(GROUP_PREFIXES)) % len(GROUP_SUFFIXES)]}"
        ident = "".join(c if c.isalnum() else "_" for c in name.upper()).replace("__", "_")
        country = ["SYR", "SYR", "SYR", "IRQ", "IRQ", "LBN"][k % 6]
        generated.append((f"NEW:{ident}" if k % 3 == 0 else ident, name, country, ["REB", "REB", "MIL", "GOV"][k % 4]))
    actors = [(k, *row) for k, row in enumerate(REGISTRY + generated)]
    q("CREATE TEMP TABLE _actors (k INTEGER, id VARCHAR, name VARCHAR, country VARCHAR, sector VARCHAR)")
    q(f"INSERT INTO _actors VALUES {_values(actors)}")
    # places: cities, then towns spread over each country's box
    q("CREATE TEMP TABLE _places (k INTEGER, name VARCHAR, lat DOUBLE, lon DOUBLE, cc VARCHAR, admin1 VARCHAR, "
      "geonameid INTEGER, feature_code VARCHAR)")
    q(f"INSERT INTO _places VALUES {_values([(k, n, la, lo, cc, a1, g, 'PPLA') for k, (n, la, lo, cc, a1, g) in enumerate(CITIES)])}")
    case_lat = " ".join(f"WHEN '{cc}' THEN {b[0]} + rnd(k, 31) * ({b[1]} - {b[0]})" for cc, b in BOXES.items())
    case_lon = " ".join(f"WHEN '{cc}' THEN {b[2]} + rnd(k, 32) * ({b[3]} - {b[2]})" for cc, b in BOXES.items())
    case_admin = " ".join(f"WHEN '{cc}' THEN {_list(names)}[1 + k % {len(names)}]" for cc, names in ADMIN1.items())
    q(f"""INSERT INTO _places
        SELECT k, {_list(TOWN_A)}[1 + k % {len(TOWN_A)}] || ' ' || {_list(TOWN_B)}[1 + (k // {len(TOWN_A)}) % {len(TOWN_B)}]
                  || CASE WHEN k >= {len(TOWN_A) * len(TOWN_B)} THEN ' ' || (k // {len(TOWN_A) * len(TOWN_B)}) ELSE '' END,
               round(CASE cc {case_lat} END, 5), round(CASE cc {case_lon} END, 5), cc, CASE cc {case_admin} END,
               (300000 + k)::INTEGER, 'PPL'
        FROM (SELECT range::INTEGER AS k, CASE WHEN range % 10 < 6 THEN 'SY' WHEN range % 10 < 9 THEN 'IQ' ELSE 'LB' END cc
              FROM range({len(CITIES)}, {N_PLACES}))""")
    # outlets: known ones, then generated local titles
    outlets = OUTLETS + [f"The {OUTLET_PLACES[k % len(OUTLET_PLACES)]} {OUTLET_KINDS[k // len(OUTLET_PLACES) % len(OUTLET_KINDS)]}"
                         for k in range(N_OUTLETS - len(OUTLETS))]
    q("CREATE TEMP TABLE _outlets (k INTEGER, name VARCHAR, slug VARCHAR)")
    q(f"INSERT INTO _outlets VALUES {_values([(k, o, ''.join(c for c in o.lower() if c.isalnum())) for k, o in enumerate(outlets)])}")
    # event type and mode: 1000 slots, each row of TYPE_MODES taking its weight's share
    q("CREATE TEMP TABLE _tm_rows (type VARCHAR, quad INTEGER, cameo VARCHAR, mode VARCHAR, acled VARCHAR, "
      "acled_sub VARCHAR, context VARCHAR, phrase VARCHAR, w INTEGER, lo INTEGER)")
    rows, lo = [], 0
    for row in TYPE_MODES:
        rows.append((*row, lo))
        lo += row[-1]
    q(f"INSERT INTO _tm_rows VALUES {_values(rows)}")
    q("CREATE TEMP TABLE _tm AS SELECT r.range::INTEGER AS slot, t.* FROM range(1000) r "
      "JOIN _tm_rows t ON r.range >= t.lo AND r.range < t.lo + t.w")

    # documents, by publication day: doc d is published on day d * N_DAYS // n_docs
    q(f"""CREATE TEMP TABLE _docs AS
        SELECT d, substr(md5('doc' || d), 1, 16) AS id, day, o.name AS outlet, o.slug,
               {_list(['Clashes', 'Air strikes', 'Talks', 'Protests', 'Aid convoy', 'Offensive', 'Truce', 'Arrests'])}[1 + (hash(d, 41) % 8)::INTEGER]
               || ' near ' || p.name || ' as fighting spreads' AS title, p.name AS place
        FROM (SELECT range AS d, (range * {N_DAYS} // {n_docs})::INTEGER AS day,
                     floor({N_OUTLETS} * pow(rnd(range, 42), 1.5))::INTEGER AS ok,
                     floor({N_PLACES} * pow(rnd(range, 43), 4))::INTEGER AS pk FROM range({n_docs}))
        JOIN _outlets o ON o.k = ok JOIN _places p ON p.k = pk""")
    q("""INSERT INTO documents
        SELECT id, 'corpus/' || strftime(DATE '2014-01-01' + day, '%Y/%m/%d') || '/' || id || '.html',
               'https://' || slug || '.example/' || strftime(DATE '2014-01-01' + day, '%Y/%m/%d') || '/' || id,
               title, outlet, day_str(day), 'day', strftime(DATE '2014-01-01' + day, '%B %-d, %Y'),
               CASE WHEN d % 3 = 0 THEN 'txt' ELSE 'html' END,
               title || E'\\n\\n' || place || ' - Fighting continued on ' || strftime(DATE '2014-01-01' + day, '%A')
               || ' around ' || place || ', residents and activists said. '
               || repeat('Local sources reported heavy exchanges of fire and the movement of reinforcements along '
                         || 'the main road, while aid agencies warned that thousands of families had fled. ',
                         8 + (hash(d, 44) % 8)::INTEGER),
               '[{"text": "Home | World | Middle East", "reason": "navigation"}]', '[]',
               TIMESTAMP '2017-01-01 00:00:00' + to_seconds(d)
        FROM _docs ORDER BY hash(d, 45)""")

    # happenings: size (mentions), type, day, parties and place
    q(f"""CREATE TEMP TABLE _h AS
        SELECT h,
               CASE WHEN u < 0.60 THEN 1 WHEN u < 0.77 THEN 2 WHEN u < 0.87 THEN 3 WHEN u < 0.93 THEN 4
                    WHEN u < 0.97 THEN 5 ELSE 6 END AS size,
               floor(rnd(h, 2) * 1000)::INTEGER AS slot,
               floor(rnd(h, 3) * {N_DAYS})::INTEGER AS day,
               CASE WHEN rnd(h, 5) < 0.05 THEN NULL ELSE floor(300 * pow(rnd(h, 4), 2.5))::INTEGER END AS a1,
               CASE WHEN rnd(h, 6) < 0.08 THEN floor(300 * pow(rnd(h, 61), 2.5))::INTEGER END AS a2,
               CASE WHEN rnd(h, 7) < 0.20 THEN NULL ELSE floor(300 * pow(rnd(h, 71), 2.5))::INTEGER END AS r1,
               CASE WHEN rnd(h, 8) < 0.08 THEN floor(300 * pow(rnd(h, 81), 2.5))::INTEGER END AS r2,
               floor({N_PLACES} * pow(rnd(h, 9), 4))::INTEGER AS pk,
               1 + floor(40 * pow(rnd(h, 16), 2))::INTEGER AS killed
        FROM (SELECT range AS h, rnd(range, 1) AS u FROM range({n_happenings}))""")
    # one party is not its own counterpart
    q("UPDATE _h SET a2 = CASE WHEN a2 = a1 THEN (a2 + 1) % 300 ELSE a2 END, "
      "r1 = CASE WHEN r1 IN (a1, a2) THEN (r1 + 7) % 300 ELSE r1 END")
    q("UPDATE _h SET r2 = CASE WHEN r2 IS NULL OR r1 IS NULL THEN NULL WHEN r2 IN (a1, a2, r1) THEN (r2 + 13) % 300 "
      "ELSE r2 END")
    # mentions: one row per (happening, m); date, place, modality, document chosen per mention
    q(f"""CREATE TEMP TABLE _m AS
        SELECT * FROM (
          SELECT row_number() OVER (ORDER BY h, m) - 1 AS i, * FROM (SELECT *, unnest(range(size)) AS m FROM _h))
        WHERE i < {n_events}""")
    got = q("SELECT count(*) FROM _m").fetchone()[0]
    if got != n_events:
        raise SystemExit(f"generator made {got} mentions, not {n_events}")
    q(f"""CREATE TEMP TABLE _e AS
        SELECT *, lo_doc + floor(rnd(i, 19) * greatest(1, hi_doc - lo_doc))::BIGINT AS d,
               CASE WHEN pu < 0.10 THEN NULL WHEN pu < 0.73 THEN 'day' WHEN pu < 0.81 THEN 'week'
                    WHEN pu < 0.91 THEN 'month' WHEN pu < 0.96 THEN 'range' ELSE 'year' END AS precision
        FROM (SELECT *, greatest(0, least({N_DAYS - 1}, day + floor(rnd(i, 10) * 3)::INTEGER - 1)) AS mday,
                     greatest(0, least({N_DAYS - 1}, day + floor(rnd(i, 18) * 3)::INTEGER)) AS dday,
                     (dday::BIGINT * {n_docs}) // {N_DAYS} AS lo_doc, ((dday + 1)::BIGINT * {n_docs}) // {N_DAYS} AS hi_doc,
                     rnd(i, 11) AS pu, rnd(i, 12) < 0.73 AS located, rnd(i, 13) AS mu,
                     round(0.3 + 0.65 * rnd(i, 14), 2) AS confidence,
                     rnd(i, 15) < 0.4 AS has_size, killed + floor(rnd(i, 17) * 3)::INTEGER AS killed_high,
                     floor(rnd(i, 20) * 1800)::INTEGER AS span_start, rnd(i, 22) < 0.3 AS relative,
                     substr(md5('event' || i), 1, 16) AS id
              FROM _m)""")
    q("""CREATE TEMP TABLE _ev AS
        SELECT e.i, e.h, e.m, e.id, doc.id AS document_id, doc.outlet, doc.title, doc.d AS doc_d,
               'corpus/' || strftime(DATE '2014-01-01' + doc.day, '%Y/%m/%d') || '/' || doc.id || '.html' AS doc_path,
               'https://' || doc.slug || '.example/' || strftime(DATE '2014-01-01' + doc.day, '%Y/%m/%d') || '/' || doc.id AS doc_url,
               day_str(doc.day) AS published,
               t.type, t.quad, t.cameo, t.mode, t.acled, t.acled_sub, t.context, t.phrase,
               e.precision,
               CASE e.precision WHEN 'day' THEN day_str(e.mday) WHEN 'week' THEN day_str(greatest(0, e.mday - 6))
                    WHEN 'month' THEN strftime(date_trunc('month', DATE '2014-01-01' + e.mday), '%Y-%m-%d')
                    WHEN 'range' THEN day_str(greatest(0, e.mday - 3)) WHEN 'year' THEN strftime(DATE '2014-01-01' + e.mday, '%Y-01-01')
               END AS date,
               CASE e.precision WHEN 'day' THEN day_str(e.mday) WHEN 'week' THEN day_str(e.mday)
                    WHEN 'month' THEN strftime(last_day(DATE '2014-01-01' + e.mday), '%Y-%m-%d')
                    WHEN 'range' THEN day_str(least(1095, e.mday + 4)) WHEN 'year' THEN strftime(DATE '2014-01-01' + e.mday, '%Y-12-31')
               END AS date_end,
               CASE e.precision WHEN 'day' THEN CASE WHEN e.relative THEN strftime(DATE '2014-01-01' + e.mday, '%A')
                                                     ELSE strftime(DATE '2014-01-01' + e.mday, '%B %-d') END
                    WHEN 'week' THEN 'last week' WHEN 'month' THEN strftime(DATE '2014-01-01' + e.mday, '%B %Y')
                    WHEN 'range' THEN 'in recent days' WHEN 'year' THEN strftime(DATE '2014-01-01' + e.mday, '%Y')
               END AS date_text,
               CASE WHEN e.precision IN ('week', 'range') OR (e.precision = 'day' AND e.relative) THEN 'published' END
                   AS date_anchor,
               CASE WHEN e.mu < 0.55 THEN 'asserted' WHEN e.mu < 0.80 THEN 'reported' WHEN e.mu < 0.87 THEN 'claimed'
                    WHEN e.mu < 0.91 THEN 'alleged' WHEN e.mu < 0.94 THEN 'planned' WHEN e.mu < 0.97 THEN 'negated'
                    WHEN e.mu < 0.99 THEN 'hypothetical' ELSE 'historical' END AS modality,
               e.located, p.name AS place, p.lat, p.lon, p.cc, p.admin1, p.geonameid, p.feature_code,
               CASE WHEN p.k < 22 OR p.k % 10 < 8 THEN 'exact' WHEN p.k % 10 = 8 THEN 'nearby' ELSE 'admin' END AS place_precision,
               e.confidence, e.has_size AND t.type = 'ASSAULT' AS has_size, e.killed, e.killed_high, e.span_start,
               a1.id AS a1_id, a1.name AS a1_name, a1.country AS a1_country, a1.sector AS a1_sector, a1.k AS a1_k,
               a2.id AS a2_id, a2.name AS a2_name, a2.country AS a2_country, a2.sector AS a2_sector, a2.k AS a2_k,
               r1.id AS r1_id, r1.name AS r1_name, r1.country AS r1_country, r1.sector AS r1_sector, r1.k AS r1_k,
               r2.id AS r2_id, r2.name AS r2_name, r2.country AS r2_country, r2.sector AS r2_sector, r2.k AS r2_k
        FROM _e e JOIN _docs doc ON doc.d = e.d JOIN _tm t ON t.slot = e.slot JOIN _places p ON p.k = e.pk
             LEFT JOIN _actors a1 ON a1.k = e.a1 LEFT JOIN _actors a2 ON a2.k = e.a2
             LEFT JOIN _actors r1 ON r1.k = e.r1 LEFT JOIN _actors r2 ON r2.k = e.r2""")
    q("""CREATE TEMP TABLE _evt AS SELECT *,
            coalesce(CASE WHEN a1_id IS NULL AND a1_name IS NOT NULL THEN upper(a1_name[1]) || a1_name[2:] ELSE a1_name END,
                     'Unidentified gunmen') || coalesce(' and ' || a2_name, '') || ' ' || phrase || ' '
            || coalesce(r1_name || coalesce(' and ' || r2_name, ''), 'local residents')
            || CASE WHEN located THEN ' near ' || place ELSE '' END
            || coalesce(' ' || CASE WHEN precision IN ('week', 'range') THEN date_text
                                    WHEN precision IN ('month', 'year') THEN 'in ' || date_text
                                    ELSE 'on ' || date_text END, '')
            || CASE WHEN has_size THEN ', killing ' || killed || ' people' ELSE '' END
            || CASE modality WHEN 'reported' THEN ', activists said' WHEN 'claimed' THEN ', the group said in a statement'
                             WHEN 'alleged' THEN ', opposition sources alleged' ELSE '' END || '.' AS text,
            length(coalesce(a1_name, 'Unidentified gunmen') || coalesce(' and ' || a2_name, '')) + 1 AS trig_off
        FROM _ev""")

    actor_struct = ("CASE WHEN {p}_k IS NULL THEN NULL ELSE struct_pack(name := {p}_name, text := {p}_name, "
                    "id := {p}_id, country := {p}_country, sector := {p}_sector, "
                    "reason := CASE WHEN {p}_id IS NULL THEN 'generic' ELSE 'name or alias' END) END")
    record = f"""to_json(struct_pack(
        id := id, event_type := type, mode := mode, contexts := [context], quad_class := quad, cameo := cameo,
        acled_event_type := acled, acled_sub_event_type := acled_sub,
        actor := list_filter([{actor_struct.format(p='a1')}, {actor_struct.format(p='a2')}], lambda s: s IS NOT NULL),
        recipient := list_filter([{actor_struct.format(p='r1')}, {actor_struct.format(p='r2')}], lambda s: s IS NOT NULL),
        location := CASE WHEN located THEN struct_pack(name := place, text := place, geonameid := geonameid, lat := lat,
                        lon := lon, country_code := cc, admin1 := admin1, feature_code := feature_code,
                        precision := place_precision) END,
        date := date, date_end := date_end, date_precision := precision, date_text := date_text,
        date_anchor := date_anchor, modality := modality,
        modality_evidence := CASE modality WHEN 'asserted' THEN NULL WHEN 'reported' THEN 'said'
            WHEN 'claimed' THEN 'said' WHEN 'alleged' THEN 'alleged' WHEN 'planned' THEN 'plans to'
            WHEN 'negated' THEN 'denied' WHEN 'hypothetical' THEN 'if' ELSE 'in 2012' END,
        attribution := CASE modality WHEN 'reported' THEN struct_pack(text := 'activists', actor := NULL::VARCHAR)
            WHEN 'claimed' THEN struct_pack(text := 'the group', actor := coalesce(a1_id, a1_name))
            WHEN 'alleged' THEN struct_pack(text := 'opposition sources', actor := NULL::VARCHAR) END,
        trigger := split_part(phrase, ' ', 1),
        trigger_span := [span_start + trig_off, span_start + trig_off + length(split_part(phrase, ' ', 1))],
        text := text, span := [span_start, span_start + length(text)],
        document := struct_pack(id := document_id, path := doc_path, url := doc_url, title := title, outlet := outlet,
                                published := published),
        confidence := confidence,
        size := CASE WHEN has_size THEN struct_pack(killed := struct_pack(low := killed, high := killed_high,
                     text := 'killing ' || killed || ' people')) END))"""
    # stored grouped by document, documents in random order
    q(f"""INSERT INTO events ({", ".join(EVENT_NAMES[:22])})
        SELECT id, document_id, type, mode, quad, cameo, acled, acled_sub, modality, date, date_end, precision,
               CASE WHEN located THEN place END, CASE WHEN located THEN lat END, CASE WHEN located THEN lon END,
               CASE WHEN located THEN cc END, text, span_start, span_start + length(text), confidence, {record},
               date_anchor
        FROM _evt ORDER BY hash(doc_d, 45), span_start, id""")
    q("""INSERT INTO event_actors
        SELECT id, role, name, name, actor_id, country, sector FROM (
            SELECT id, 'actor' AS role, a1_name AS name, a1_id AS actor_id, a1_country AS country, a1_sector AS sector,
                   hash(doc_d, 45) AS o, 1 AS n FROM _evt WHERE a1_k IS NOT NULL
            UNION ALL SELECT id, 'actor', a2_name, a2_id, a2_country, a2_sector, hash(doc_d, 45), 2 FROM _evt WHERE a2_k IS NOT NULL
            UNION ALL SELECT id, 'recipient', r1_name, r1_id, r1_country, r1_sector, hash(doc_d, 45), 3 FROM _evt WHERE r1_k IS NOT NULL
            UNION ALL SELECT id, 'recipient', r2_name, r2_id, r2_country, r2_sector, hash(doc_d, 45), 4 FROM _evt WHERE r2_k IS NOT NULL)
        ORDER BY o, id, n""")

    # clusters: one per happening; a later mention is a republished copy of the first in 15% of cases
    q("""CREATE TEMP TABLE _cm AS
        SELECT h, id, document_id, outlet, type, quad, date, date_end, located, place, lat, lon, cc, admin1, geonameid,
               feature_code, place_precision, a1_id, a1_name, a2_id, a2_name, r1_id, r1_name, r2_id, r2_name,
               CASE WHEN m > 0 AND rnd(i, 21) < 0.15 THEN first_value(document_id) OVER (PARTITION BY h ORDER BY m)
                    ELSE document_id END AS source,
               CASE modality WHEN 'asserted' THEN 1.0 WHEN 'planned' THEN 0.2 WHEN 'hypothetical' THEN 0.1
                    WHEN 'negated' THEN 0.0 WHEN 'alleged' THEN 0.6 ELSE 0.8 END AS weight
        FROM _evt""")
    q("""CREATE TEMP TABLE _cs AS
        SELECT h, count(*) FILTER (WHERE w > 0) AS sources, round(1 - pow(0.5, sum(w)), 3) AS corroboration
        FROM (SELECT h, source, max(weight) AS w FROM _cm GROUP BY h, source) GROUP BY h""")
    party = "coalesce({p}_id, lower({p}_name))"
    q(f"""INSERT INTO clusters
        SELECT cid, type, quad, date, date_end, lat, lon, mentions, articles, sources, corroboration,
               to_json(struct_pack(id := cid, event_type := type, quad_class := quad, actors := actors,
                   recipients := recipients, location := location, date := date, date_end := date_end,
                   mentions := mentions, articles := articles, sources := sources, outlets := outlets,
                   corroboration := corroboration, events := events))
        FROM (SELECT c.h, substr(md5('cluster' || c.h), 1, 16) AS cid, any_value(type) AS type, any_value(quad) AS quad,
                     min(date) AS date, max(date_end) AS date_end,
                     any_value(lat) FILTER (WHERE located) AS lat, any_value(lon) FILTER (WHERE located) AS lon,
                     any_value(struct_pack(name := place, text := place, geonameid := geonameid, lat := lat, lon := lon,
                         country_code := cc, admin1 := admin1, feature_code := feature_code,
                         precision := place_precision)) FILTER (WHERE located) AS location,
                     count(*) AS mentions, count(DISTINCT document_id) AS articles,
                     any_value(s.sources) AS sources, any_value(s.corroboration) AS corroboration,
                     list_sort(list_distinct(flatten(list([{party.format(p='a1')}, {party.format(p='a2')}])))) AS actors,
                     list_sort(list_distinct(flatten(list([{party.format(p='r1')}, {party.format(p='r2')}])))) AS recipients,
                     list_sort(list_distinct(list(outlet))) AS outlets, list_sort(list(id)) AS events
              FROM _cm c JOIN _cs s ON s.h = c.h GROUP BY c.h) ORDER BY cid""")
    q("INSERT INTO cluster_members SELECT substr(md5('cluster' || h), 1, 16), id, document_id, source FROM _cm "
      "ORDER BY 1, 2")
    # contradictions: pairs of neighbouring happenings' first mentions
    claim = ("struct_pack(event_id := {p}.id, event_type := {p}.type, quad_class := {p}.quad, modality := {p}.modality, "
             "text := {p}.text, document := struct_pack(id := {p}.document_id, path := {p}.doc_path, url := {p}.doc_url, "
             "title := {p}.title, outlet := {p}.outlet, published := {p}.published))")
    kinds = ["cooperation_and_conflict", "fatalities_apart", "reported_and_denied", "control_claimed_by_both",
             "different_perpetrators"]
    pair = "FROM _evt a JOIN _evt b ON b.h = a.h + 1 AND b.m = 0 WHERE a.m = 0 AND a.date IS NOT NULL " \
           f"AND b.date IS NOT NULL AND a.h % {max(2, n_happenings // 2000)} = 0"
    kind = f"{_list(kinds)}[1 + (a.h // 2 % 5)::INTEGER]"
    q(f"""INSERT INTO contradictions
        SELECT {kind}, least(a.date, b.date), greatest(a.date_end, b.date_end),
               to_json(struct_pack(kind := {kind},
                   actors := list_sort(list_distinct([a.a1_id, a.r1_id, b.a1_id])),
                   "window" := struct_pack(start := least(a.date, b.date), "end" := greatest(a.date_end, b.date_end)),
                   claims := [{claim.format(p='a')}, {claim.format(p='b')}],
                   reason := 'two independent sources disagree about ' || coalesce(a.a1_name, 'the attackers')))
        {pair}""")
    counts = {t: q(f"SELECT count(*) FROM {t}").fetchone()[0]
              for t in ("documents", "events", "event_actors", "clusters", "cluster_members", "contradictions")}
    con.execute("CHECKPOINT")
    con.close()
    # what `Store.fuse` does after clustering: each event's happening written onto it, events laid out newest
    # first and their parties by actor
    with Store(path) as store:
        store.organise()
        store.con.execute("CHECKPOINT")
    path.rename(final)
    path = final
    seconds = time.perf_counter() - started
    Path(f"{path}.meta.json").write_text(json.dumps({"schema": schema_hash(), "events": n_events,
                                                     "build_s": round(seconds, 1), "counts": counts}))
    print(f"built {path} in {seconds:.1f} s: " + ", ".join(f"{k} {v:,}" for k, v in counts.items()), file=sys.stderr)
    return seconds


def ensure_db(path: Path, n_events: int, rebuild: bool) -> tuple[float, bool]:
    """(build seconds, reused): the cached file when it holds n_events events of this schema, else a new one."""
    meta_path = Path(f"{path}.meta.json")
    if path.exists() and not rebuild:
        meta = json.loads(meta_path.read_text()) if meta_path.exists() else {}
        try:
            con = duckdb.connect(str(path), read_only=True)
            have = con.execute("SELECT count(*) FROM events").fetchone()[0]
            con.close()
        except duckdb.Error:
            have = None
        if have == n_events and meta.get("schema", schema_hash()) == schema_hash():
            print(f"reusing {path} ({have:,} events)", file=sys.stderr)
            return float(meta.get("build_s", 0.0)), True
        print(f"{path} holds {have} events (schema {meta.get('schema')}): rebuilding", file=sys.stderr)
    return build(path, n_events), False


# ------------------------------------------------------------------------------------------------- the server

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(base: str, path: str, timeout: float = 60.0) -> tuple[int, bytes, float]:
    """(status, body, seconds) of one GET."""
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(base + path, timeout=timeout) as r:
            body, status = r.read(), r.status
    except urllib.error.HTTPError as e:
        body, status = e.read(), e.code
    return status, body, time.perf_counter() - started


def start_server(db: Path, port: int, log, workers: int = 2) -> subprocess.Popen:
    exe = shutil.which("eventwire")
    cmd = [exe] if exe else [sys.executable, "-c", "import sys; from eventwire.cli import main; sys.exit(main())"]
    cmd += ["serve", "--db", str(db), "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)]
    # a session of its own, so that the whole server (workers included) can be stopped by its id
    return subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT, start_new_session=True)


def wait_ready(proc: subprocess.Popen, base: str, timeout: float, log_path: Path) -> float:
    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        if proc.poll() is not None:
            raise SystemExit(f"the server exited with {proc.returncode}:\n{log_path.read_text()[-3000:]}")
        try:
            status, _, _ = get(base, "/api/stats", timeout=60)
            if status == 200:
                return time.perf_counter() - started
        except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
            pass
        time.sleep(0.25)
    raise SystemExit(f"/api/stats did not answer within {timeout:.0f} s:\n{log_path.read_text()[-3000:]}")


def stop_server(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


# ---------------------------------------------------------------------------------------------------- the mix

def url_mix(base: str) -> list[str]:
    """The filters the load rotates over; two of them are second pages reached through next_cursor."""
    ev = "/api/events?"
    mix = [
        ev + "actor=NUSRA&limit=50",
        ev + "actor=IS&limit=100",
        ev + "actor=HEZBOLLAH&role=any&limit=50",
        ev + "actor=Nusra&limit=50",
        ev + "recipient=SYRMIL&limit=50",
        ev + "actor=" + urllib.parse.quote("NEW:JAISH_AL_TAWHID") + "&limit=100",  # a provisional group, 0.7%
        ev + "type=ASSAULT&quad=4&limit=100",
        ev + "type=AGREE,CONSULT&limit=50",
        ev + "quad=3&limit=100",
        ev + "since=2015-03&until=2015-04&limit=100",
        ev + "since=2014-06-01&until=2014-06-30&sort=date&limit=50",
        ev + "since=2016&limit=100",
        ev + "bbox=36.9,35.9,37.4,36.4&limit=100",
        ev + "bbox=42.9,36.1,43.4,36.6&sort=date&limit=50",
        ev + "bbox=35.0,33.0,36.7,34.7&limit=100",
        ev + "min_sources=2&limit=100",
        ev + "min_sources=3&sort=-sources&limit=50",
        ev + "actor=IS&type=ASSAULT&since=2015&until=2015&limit=50",
        ev + "actor=NUSRA&min_sources=2&sort=date&limit=100",
        ev + "type=ASSAULT&bbox=36.0,35.0,38.0,37.0&since=2015-05&until=2015-06&limit=50",
        ev + "quad=4&country=SY&min_sources=2&limit=100",
        ev + "actor=HEZBOLLAH&sort=date&limit=50",
        ev + "sort=date&limit=100",
        ev + "limit=100",
    ]
    # follow next_cursor once from two first pages
    for first in (ev + "type=ASSAULT&limit=100", ev + "actor=IS&since=2015&limit=50"):
        status, body, _ = get(base, first)
        cursor = json.loads(body).get("next_cursor") if status == 200 else None
        if cursor:
            mix.append(first + "&cursor=" + urllib.parse.quote(cursor, safe=""))
        else:
            print(f"no next_cursor from {first} (status {status}): not followed", file=sys.stderr)
    return mix


LUA = r"""
local paths = {%s}
local threads = 0
function setup(thread)
  thread:set("tid", threads)
  threads = threads + 1
end
local counter = 0
function init(args)
  counter = (tonumber(tid) or 0) * 7
end
function request()
  counter = counter + 1
  return wrk.format("GET", paths[(counter %% #paths) + 1])
end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('WRKJSON {"requests": %%d, "duration_us": %%d, "bytes": %%d, "connect": %%d, "read": %%d, ' ..
    '"write": %%d, "status": %%d, "timeout": %%d, "p50": %%d, "p90": %%d, "p95": %%d, "p99": %%d, "max": %%d, ' ..
    '"mean": %%.1f}\n', summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status,
    e.timeout, latency:percentile(50), latency:percentile(90), latency:percentile(95), latency:percentile(99),
    latency.max, latency.mean))
end
"""


def run_wrk(base: str, mix: list[str], duration: float, concurrency: int, script: Path) -> dict:
    script.write_text(LUA % ", ".join(json.dumps(p) for p in mix))
    threads = min(2, concurrency)
    cmd = ["wrk", f"-t{threads}", f"-c{concurrency}", f"-d{int(round(duration))}s", "--timeout", "30s", "--latency",
           "-s", str(script), base]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=duration + 120)
    line = next((ln for ln in out.stdout.splitlines() if ln.startswith("WRKJSON ")), None)
    if line is None:
        raise SystemExit(f"wrk gave no summary ({out.returncode}):\n{out.stdout}\n{out.stderr}")
    r = json.loads(line[len("WRKJSON "):])
    return {"requests": r["requests"], "seconds": r["duration_us"] / 1e6,
            "p50_ms": r["p50"] / 1000, "p90_ms": r["p90"] / 1000, "p95_ms": r["p95"] / 1000,
            "p99_ms": r["p99"] / 1000, "max_ms": r["max"] / 1000, "mean_ms": r["mean"] / 1000,
            "non_2xx": r["status"], "socket_errors": r["connect"] + r["read"] + r["write"] + r["timeout"],
            "socket_error_kinds": {k: r[k] for k in ("connect", "read", "write", "timeout")},
            "wrk_output": out.stdout}


def run_httpx(base: str, mix: list[str], duration: float, concurrency: int) -> dict:
    """The same mix from asyncio + httpx (used without wrk): shares the 2 cores with the server."""
    import httpx

    latencies: list[float] = []
    errors = {"non_2xx": 0, "socket": 0}

    async def worker(k: int, client: httpx.AsyncClient, stop_at: float) -> None:
        n = k * 7
        while time.perf_counter() < stop_at:
            n += 1
            started = time.perf_counter()
            try:
                r = await client.get(mix[n % len(mix)])
                await r.aread()
                if not 200 <= r.status_code < 300:
                    errors["non_2xx"] += 1
            except httpx.HTTPError:
                errors["socket"] += 1
                continue
            latencies.append(time.perf_counter() - started)

    async def main() -> float:
        limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
        async with httpx.AsyncClient(base_url=base, limits=limits, timeout=30) as client:
            started = time.perf_counter()
            await asyncio.gather(*(worker(k, client, started + duration) for k in range(concurrency)))
            return time.perf_counter() - started

    seconds = asyncio.run(main())
    latencies.sort()
    pct = (lambda p: latencies[min(len(latencies) - 1, int(p / 100 * len(latencies)))] * 1000) if latencies \
        else (lambda p: float("nan"))
    return {"requests": len(latencies) + errors["socket"], "seconds": seconds, "p50_ms": pct(50), "p90_ms": pct(90),
            "p95_ms": pct(95), "p99_ms": pct(99), "max_ms": pct(100),
            "mean_ms": statistics.fmean(latencies) * 1000 if latencies else float("nan"),
            "non_2xx": errors["non_2xx"], "socket_errors": errors["socket"], "socket_error_kinds": {}}


def load(client: str, base: str, mix: list[str], seconds: float, concurrency: int, workdir: Path) -> dict:
    if client == "wrk":
        return run_wrk(base, mix, seconds, concurrency, workdir / "mix.lua")
    return run_httpx(base, mix, seconds, concurrency)


def time_each(base: str, mix: list[str], repeat: int) -> list[dict]:
    """Each URL alone, `repeat` sequential requests: median and worst ms, status, events returned."""
    rows = []
    for path in mix:
        times, status, n = [], None, None
        for _ in range(repeat):
            status, body, seconds = get(base, path)
            times.append(seconds * 1000)
        if status == 200:
            n = len(json.loads(body).get("events", []))
        rows.append({"url": path, "status": status, "events": n, "median_ms": round(statistics.median(times), 1),
                     "max_ms": round(max(times), 1)})
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=30)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--db", type=Path, default=Path("/tmp/eventwire-load.duckdb"))
    parser.add_argument("--port", type=int, default=0, help="server port (default: a free one)")
    parser.add_argument("--warmup", type=float, default=5)
    parser.add_argument("--workers", type=int, default=2, help="server processes (`eventwire serve --workers`)")
    parser.add_argument("--repeat", type=int, default=5, help="sequential requests per URL when timing each alone")
    parser.add_argument("--client", choices=["auto", "wrk", "httpx"], default="auto")
    parser.add_argument("--rebuild", action="store_true", help="build the database even when a cached one fits")
    parser.add_argument("--build-only", action="store_true", help="build (or check) the database and stop")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    build_s, reused = ensure_db(args.db, args.events, args.rebuild)
    if args.build_only:
        return
    client = args.client
    if client == "auto":
        client = "wrk" if shutil.which("wrk") else "httpx"
        if client == "httpx":
            print("wrk not found (apt-get install -y wrk): using the asyncio + httpx client, which competes "
                  "with the server for the cores", file=sys.stderr)
    port = args.port or free_port()
    base = f"http://127.0.0.1:{port}"
    workdir = Path(tempfile.mkdtemp(prefix="eventwire-load-"))
    log_path = workdir / "server.log"
    with open(log_path, "wb") as log:
        proc = start_server(args.db, port, log, args.workers)
        try:
            startup_s = wait_ready(proc, base, 600, log_path)
            print(f"server up in {startup_s:.1f} s on {base} (log {log_path})", file=sys.stderr)
            mix = url_mix(base)
            first = []
            for path in mix:
                status, body, seconds = get(base, path)
                first.append({"url": path, "status": status, "ms": round(seconds * 1000, 1)})
                if status != 200:
                    print(f"WARNING {status} {path}: {body[:300]!r}", file=sys.stderr)
            warm = load(client, base, mix, args.warmup, args.concurrency, workdir)
            print(f"warm-up: {warm['requests']} requests in {warm['seconds']:.1f} s", file=sys.stderr)
            run = load(client, base, mix, args.duration, args.concurrency, workdir)
            rss = round(tree_memory_mb(proc.pid, "VmHWM"), 1)
            per_url = time_each(base, mix, args.repeat) if args.repeat else []
        finally:
            stop_server(proc)

    result = {"events": args.events, "db_build_s": round(build_s, 1), "db_reused": reused,
              "server_startup_s": round(startup_s, 1), "client": client, "workers": args.workers,
              "concurrency": args.concurrency, "duration_s": round(run["seconds"], 1), "urls": len(mix),
              "requests": run["requests"], "requests_per_s": round(run["requests"] / run["seconds"], 1),
              "p50_ms": round(run["p50_ms"], 1), "p95_ms": round(run["p95_ms"], 1), "p99_ms": round(run["p99_ms"], 1),
              "max_ms": round(run["max_ms"], 1), "non_2xx": run["non_2xx"], "socket_errors": run["socket_errors"],
              "socket_error_kinds": run["socket_error_kinds"], "server_peak_rss_mb": rss,
              "target_p95_ms": 100, "meets_target": run["p95_ms"] <= 100 and run["non_2xx"] == 0
              and run["socket_errors"] == 0,
              "first_request": first, "per_url": per_url}
    if args.json:
        print(json.dumps(result))
        return
    if client == "wrk":
        print(run["wrk_output"].split("WRKJSON")[0].rstrip())
    for key, value in result.items():
        if key not in ("first_request", "per_url", "socket_error_kinds"):
            print(f"{key:<20} {value}")
    if per_url:
        print(f"\neach URL alone ({args.repeat} sequential requests; median and max ms, events returned):")
        for row in sorted(per_url, key=lambda r: -r["median_ms"]):
            print(f"{row['median_ms']:>8} {row['max_ms']:>8}  {row['status']} {str(row['events']):>4}  {row['url']}")


if __name__ == "__main__":
    main()
