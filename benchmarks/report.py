"""What the benchmark scripts share: printing their figures (one JSON line with --json, or one aligned line per
figure), and the memory of a process with its descendants (a run and its spaCy workers, a server and its workers)."""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any


def print_result(result: dict[str, Any], as_json: bool, width: int = 18) -> None:
    """Print a benchmark's figures."""
    if as_json:
        print(json.dumps(result))
        return
    for key, value in result.items():
        print(f"{key:<{width}} {value}")


def process_tree(pid: int) -> list[int]:
    """pid and its descendants, from /proc."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            children.setdefault(ppid, []).append(int(entry))
    tree, todo = [], [pid]
    while todo:
        p = todo.pop()
        tree.append(p)
        todo += children.get(p, [])
    return tree


def process_memory_mb(pid: int, field: str = "VmRSS") -> float:
    """A /proc status memory field (VmRSS: resident now; VmHWM: peak resident) of one process, in MB (0 once it
    has ended)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def tree_memory_mb(pid: int, field: str = "VmRSS") -> float:
    """`process_memory_mb` summed over the process and its descendants."""
    return sum(process_memory_mb(p, field) for p in process_tree(pid))
