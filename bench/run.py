"""Run every benchmark in this folder, show their output, and end with one table of the results.

    python bench/run.py [--quick]

Each benchmark prints raw numbers and a ratio against a baseline measured in the same process,
so the ratios hold on a noisy shared machine. Nothing is asserted: CI runs ``--quick`` only so
the benchmarks keep working (quick sizes are too small for the targets; docs/PERFORMANCE.md has
the full runs).
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from _table import parse

HERE = Path(__file__).resolve().parent
COLUMNS = ("bench", "measure", "value", "target", "verdict")


def run_one(script: Path, quick: bool) -> tuple[int, list[dict[str, str]]]:
    """Stream the bench's output as it comes (long runs show progress), keeping its table rows."""
    rows: list[dict[str, str]] = []
    proc = subprocess.Popen([sys.executable, str(script), *(["--quick"] if quick else [])], cwd=HERE.parent,
                            stdout=subprocess.PIPE, text=True, encoding="utf-8", errors="replace")
    assert proc.stdout is not None
    for line in proc.stdout:
        found = parse(line)
        if found is None:
            print(line, end="", flush=True)
        else:
            rows.append(found)
    return proc.wait(), rows


def table(rows: list[dict[str, str]]) -> str:
    cells = [list(COLUMNS)] + [[str(r.get(c, "")) for c in COLUMNS] for r in rows]
    widths = [max(len(line[i]) for line in cells) for i in range(len(COLUMNS))]
    lines = [" | ".join(v.ljust(w) for v, w in zip(line, widths, strict=True)).rstrip() for line in cells]
    lines.insert(1, "-+-".join("-" * w for w in widths))
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    quick = "--quick" in argv
    scripts = sorted(p for p in HERE.glob("*.py") if p.name not in {"run.py", "__init__.py"}
                     and not p.name.startswith("_"))
    rows: list[dict[str, str]] = []
    failures = 0
    for script in scripts:
        print(f"== {script.stem} ==", flush=True)
        started = time.monotonic()
        code, found = run_one(script, quick)
        print(f"   ({time.monotonic() - started:.1f} s)", flush=True)
        if code != 0:
            failures += 1
            found.append({"bench": script.stem, "measure": "(the bench)", "value": f"exit {code}",
                          "target": "", "verdict": "FAILED"})
        rows += found
    print(f"\n== summary{' (--quick: small inputs, not the targets’ sizes)' if quick else ''} ==")
    print(table(rows))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
