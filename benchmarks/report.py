"""How the benchmark scripts print their figures: one JSON line (--json), or one aligned line per figure."""
from __future__ import annotations

import json
from typing import Any


def print_result(result: dict[str, Any], as_json: bool, width: int = 18) -> None:
    """Print a benchmark's figures."""
    if as_json:
        print(json.dumps(result))
        return
    for key, value in result.items():
        print(f"{key:<{width}} {value}")
