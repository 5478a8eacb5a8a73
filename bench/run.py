"""Run every benchmark in this folder and print their output.

    python bench/run.py [--quick]

Each benchmark prints raw numbers and a ratio against a baseline measured in the same process,
so the ratios hold on a noisy shared machine. Nothing is asserted: CI runs ``--quick`` only so
the benchmarks keep working.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(argv: list[str]) -> int:
    quick = "--quick" in argv
    scripts = sorted(p for p in HERE.glob("*.py") if p.name not in {"run.py", "__init__.py"}
                     and not p.name.startswith("_"))
    failures = 0
    for script in scripts:
        print(f"== {script.stem} ==", flush=True)
        started = time.monotonic()
        proc = subprocess.run([sys.executable, str(script), *(["--quick"] if quick else [])],
                              cwd=HERE.parent)
        print(f"   ({time.monotonic() - started:.1f} s)", flush=True)
        failures += proc.returncode != 0
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
