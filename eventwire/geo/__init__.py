"""Places: the gazetteer, surface forms for the mention finder, and the resolution of one mention to a Place.

    from eventwire.geo import Gazetteer, PlaceContext, resolve_place
    resolve_place("Tripoli", PlaceContext(before="the northern Lebanese city of"))  # → Tripoli, LB
"""
from eventwire.geo.gazetteer import (
    DIRECTIONS,
    DUMP_FEATURE_CLASSES,
    CountryInfo,
    Gazetteer,
    GazetteerEntry,
    GeoNamesDumpError,
    ImportedDump,
    PlaceContext,
    PlaceCue,
    cache_dir,
    countries,
    country_from_adjective,
    country_iso2,
    country_iso3,
    cue_phrases,
    haversine_km,
    import_geonames_dumps,
    imported_dump_paths,
    imported_dumps,
    imported_dumps_dir,
    imported_place_count,
    mention_context,
    normalize_name,
    place_cues,
    remove_imported_dump,
    resolve_mentions,
    resolve_place,
    stop_phrases,
)

__all__ = [
    "DIRECTIONS", "DUMP_FEATURE_CLASSES", "CountryInfo", "Gazetteer", "GazetteerEntry", "GeoNamesDumpError",
    "ImportedDump", "PlaceContext", "PlaceCue", "cache_dir", "countries", "country_from_adjective", "country_iso2",
    "country_iso3", "cue_phrases", "haversine_km", "import_geonames_dumps", "imported_dump_paths",
    "imported_dumps", "imported_dumps_dir", "imported_place_count", "mention_context", "normalize_name",
    "place_cues", "remove_imported_dump", "resolve_mentions", "resolve_place", "stop_phrases",
]
