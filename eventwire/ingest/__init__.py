"""The read + clean stage: files, folders and stdin in; cleaned `Document`s (or `ReadError`s) out.

    from eventwire.ingest import read_inputs
    for item in read_inputs(["articles/"]):
        ...  # a Document, or a ReadError naming the input and what was wrong with it
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import IO, Any

from eventwire.ingest.clean import CleanedArticle, clean_article
from eventwire.ingest.readers import ARTICLE_EXTENSIONS, iter_inputs
from eventwire.model import Document, ReadError

__all__ = ["read_inputs", "clean_article", "CleanedArticle", "ARTICLE_EXTENSIONS"]


def read_inputs(paths: Iterable[str], max_bytes: int = 20_000_000, stdin: IO[Any] | None = None,
                raw: bool = False) -> Iterator[Document | ReadError]:
    """Documents from files, directories (recursive, sorted) and "-" (stdin), in order; never raises for a
    bad input: each one becomes a ReadError and the rest of the batch goes on. ``raw``: the text as given,
    decoded but not cleaned."""
    return iter_inputs(paths, max_bytes, stdin, raw)
