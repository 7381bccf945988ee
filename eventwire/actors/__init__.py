"""Actors: the registry of canonical actors (data files under ``data/``) and the resolver that maps
surface strings to `eventwire.model.ActorRef`.

    >>> from eventwire.actors import ActorRegistry
    >>> reg = ActorRegistry.default()
    >>> reg.resolve("the Syrian regime").id
    'SYR_GOV'
"""
from eventwire.actors.registry import (
    Actor,
    ActorRegistry,
    Country,
    People,
    RegistryError,
    Sector,
    fold,
    is_attribution_source,
    is_media,
)

__all__ = ["Actor", "ActorRegistry", "Country", "People", "RegistryError", "Sector", "fold",
           "is_attribution_source", "is_media"]
