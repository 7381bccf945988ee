"""The whole flow without a database: documents in, events out (read → clean → nlp → mentions → events)."""
from __future__ import annotations

import logging
from typing import Callable, Iterable, Iterator

from eventwire.events import EventExtractor
from eventwire.model import ActorMention, Document, Event, Place, ReadError, content_id
from eventwire.nlp import load_nlp

log = logging.getLogger(__name__)
MAX_CHARS = 2_000_000  # the readers' default size cap; spaCy's own limit is raised to match


class Pipeline:
    """spaCy plus eventwire's stages, loaded once; `process` streams (document, events) pairs."""

    def __init__(self, n_process: int = 1, batch_size: int = 16, extractor: EventExtractor | None = None) -> None:
        self.nlp = load_nlp()
        self.nlp.max_length = max(self.nlp.max_length, MAX_CHARS + 1)
        self.extractor = extractor or EventExtractor()
        self.n_process = n_process
        self.batch_size = batch_size

    def _parse(self, items: Iterable[tuple[str, object]]):
        return self.nlp.pipe(items, as_tuples=True, n_process=self.n_process, batch_size=self.batch_size)

    def process(self, documents: Iterable[Document], on_error: Callable[[ReadError], None] | None = None,
                keep_failed: bool = False) -> Iterator[tuple[Document, list[Event]]]:
        """Events of each document, in input order. A document the extractor fails on is reported to
        `on_error` (or logged) and skipped (yielded with no events when `keep_failed`, so that results
        stay aligned with inputs): one bad article never stops a batch."""
        def texts() -> Iterator[tuple[str, tuple[Document, str | None]]]:
            for d in documents:
                if len(d.text) > self.nlp.max_length:
                    # nlp.pipe would raise for the whole batch: this one goes through as an empty text, which
                    # keeps its place in the stream, and is reported below.
                    yield "", (d, f"too long to parse: {len(d.text):,} characters of article text, over spaCy's "
                                  f"limit of {self.nlp.max_length:,} (split the article)")
                else:
                    yield d.text, (d, None)

        for doc, (document, refused) in self._parse(texts()):
            error = ReadError(document.path or document.id, refused) if refused else None
            if error is None:
                try:
                    events = self.extractor.extract(doc, document)
                except Exception as exc:  # noqa: BLE001 - any failure is this document's, not the batch's
                    error = ReadError(document.path or document.id, f"event extraction failed: {exc!r}")
            if error is not None:
                if on_error is None:
                    log.error("%s", error)
                else:
                    on_error(error)
                if keep_failed:
                    yield document, []
                continue
            yield document, events

    def extract_texts(self, items: Iterable[tuple[str, str | None]]) -> Iterator[list[Event]]:
        """Events of bare texts given with their publication date (or None)."""
        docs = (Document(id=content_id(text), text=text, published=published) for text, published in items)
        for _document, events in self.process(docs, keep_failed=True):
            yield events

    def actor_mentions(self, items: Iterable[tuple]) -> Iterator[list[ActorMention]]:
        """Every actor mention of bare texts given as (text, published ISO date or None[, publisher]): names
        the registry knows, provisional actors it lacks, generic parties, and descriptions and pronouns
        resolved within the text ("we" outside quotes is the publisher)."""
        docs = (Document(id=content_id(item[0]), text=item[0], published=item[1],
                         outlet=item[2] if len(item) > 2 else None) for item in items)
        for document, _events in self.process(docs, keep_failed=True):
            yield document.actors

    def places(self, documents: Iterable[Document]) -> Iterator[tuple[Document, list[Place]]]:
        """Every resolved toponym mention of each document, with character spans into its text."""
        for doc, document in self._parse((d.text, d) for d in documents):
            yield document, self.extractor.places(doc, document.published)

    def find_places(self, texts: Iterable[str]) -> Iterator[list[Place]]:
        """The toponyms of each text, resolved, with character spans."""
        for doc, _ in self._parse((t, None) for t in texts):
            yield self.extractor.places(doc)

    def locate(self, text: str, trigger_span: tuple[int, int]) -> Place | None:
        """Where the event whose trigger word sits at `trigger_span` happened, or None."""
        doc = self.nlp(text)
        return self.extractor.locate(doc, trigger_span)
