"""One line per headline number, for ``bench/run.py``'s summary table.

A bench prints its raw numbers for people and, for each target of the benchmark issue, one
``@@bench-row`` line: what was measured, the value, the target and whether it was met here. The
lines are plain JSON after the tag so the runner needs no knowledge of each bench.
"""

from __future__ import annotations

import json

TAG = "@@bench-row "


def row(bench: str, measure: str, value: str, target: str, verdict: str) -> None:
    """``verdict``: "met", "missed", "pending" (the setting of the target is not here: a GPU) or a
    short reason; keep it to a few words, the bench's own output says the rest."""
    print(TAG + json.dumps({"bench": bench, "measure": measure, "value": value, "target": target,
                            "verdict": verdict}, ensure_ascii=False), flush=True)


def parse(line: str) -> dict[str, str] | None:
    if not line.startswith(TAG):
        return None
    try:
        data = json.loads(line[len(TAG):])
    except ValueError:
        return None
    return data if isinstance(data, dict) else None
