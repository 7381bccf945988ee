"""Shared fixtures: one real pipeline per test session (spaCy model, registry and gazetteer loaded once)."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

# The tests see the package registry only, never the registry files of whoever runs them.
os.environ["EVENTWIRE_ACTORS_DIR"] = tempfile.mkdtemp(prefix="eventwire-test-actors-")

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
EXAMPLES = ROOT / "examples"


@pytest.fixture(scope="session")
def examples_db(tmp_path_factory) -> Path:
    """The example articles stored by `eventwire run`, for the API's test modules (they write only to copies)."""
    from click.testing import CliRunner

    from eventwire.cli import main

    path = tmp_path_factory.mktemp("examples") / "examples.duckdb"
    ran = CliRunner().invoke(main, ["run", str(EXAMPLES), "--db", str(path), "--quiet"])
    assert ran.exit_code == 0, ran.output
    return path


@pytest.fixture(scope="session")
def pipeline():
    from eventwire.pipeline import Pipeline

    return Pipeline()


@pytest.fixture(scope="session")
def extract(pipeline):
    """Events of one text, as contract dicts."""

    def run(text: str, published: str | None = "2015-05-12") -> list[dict]:
        (events,) = list(pipeline.extract_texts([(text, published)]))
        return [e.to_dict() for e in events]

    return run
