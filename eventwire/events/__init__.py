"""The events stage: triggers → PLOVER-coded events with arguments, place, time, modality and attribution."""
from eventwire.events.extract import EventExtractor
from eventwire.events.lexicon import PLOVER_TYPES, QUAD_CLASS, Lexicon, default_lexicon

__all__ = ["EventExtractor", "Lexicon", "default_lexicon", "PLOVER_TYPES", "QUAD_CLASS"]
