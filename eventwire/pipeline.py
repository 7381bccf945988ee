"""The whole flow without a database: documents in, events out (read → clean → nlp → mentions → events)."""
from __future__ import annotations

from typing import Iterable, Iterator

from eventwire.events import EventExtractor
from eventwire.model import Document, Event, Place, content_id
from eventwire.nlp import load_nlp

MAX_CHARS = 2_000_000  # the readers' default size cap; spaCy's own limit is raised to match


class Pipeline:
    """spaCy plus eventwire's stages, loaded once; `process` streams (document, events) pairs."""

    def __init__(self, n_process: int = 1, batch_size: int = 16) -> None:
        self.nlp = load_nlp()
        self.nlp.max_length = max(self.nlp.max_length, MAX_CHARS + 1)
        self.extractor = EventExtractor()
        self.n_process = n_process
        self.batch_size = batch_size

    def _parse(self, items: Iterable[tuple[str, object]]):
        return self.nlp.pipe(items, as_tuples=True, n_process=self.n_process, batch_size=self.batch_size)

    def process(self, documents: Iterable[Document]) -> Iterator[tuple[Document, list[Event]]]:
        """Events of each document, in input order."""
        for doc, document in self._parse((d.text, d) for d in documents):
            yield document, self.extractor.extract(doc, document)

    def extract_texts(self, items: Iterable[tuple[str, str | None]]) -> Iterator[list[Event]]:
        """Events of bare texts given with their publication date (or None)."""
        docs = (Document(id=content_id(text), text=text, published=published) for text, published in items)
        for _document, events in self.process(docs):
            yield events

    def find_places(self, texts: Iterable[str]) -> Iterator[list[Place]]:
        """The toponyms of each text, resolved, with character spans."""
        for doc, _ in self._parse((t, None) for t in texts):
            yield self.extractor.places(doc)

    def locate(self, text: str, trigger_span: tuple[int, int]) -> Place | None:
        """Where the event whose trigger word sits at `trigger_span` happened, or None."""
        doc = self.nlp(text)
        return self.extractor.locate(doc, trigger_span)
