"""Build the interface translations with Qt's own tools (shipped with PySide6).

    python resources/translations/build.py            # refresh vitrina_ru.ts from ui/, compile .qm
    python resources/translations/build.py --release  # only compile vitrina_ru.ts into vitrina_ru.qm

Translate in Qt Linguist (``pyside6-linguist resources/translations/vitrina_ru.ts``), then run
this script. The ``.qm`` is compiled, never edited, and committed, so a checkout and the packaged
app start translated without a build step; ``tests/ui/test_translations.py`` fails when a string
in ``ui/`` has no Russian translation or the ``.qm`` is older than the ``.ts``.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
LANGUAGES = ("ru",)


def ts_path(language: str) -> Path:
    return HERE / f"vitrina_{language}.ts"


def qm_path(language: str) -> Path:
    return HERE / f"vitrina_{language}.qm"


def sources() -> list[Path]:
    """Every Python file of the GUI: the strings to translate are its tr()/translate() calls."""
    return sorted((ROOT / "ui").rglob("*.py"))


def tool(name: str) -> str:
    """A Qt tool from the same environment as this Python (the venv's bin/ or Scripts/), else PATH."""
    for folder in (Path(sys.executable).parent, Path(sys.prefix) / "bin", Path(sys.prefix) / "Scripts"):
        for candidate in (folder / name, folder / f"{name}.exe"):
            if candidate.is_file():
                return str(candidate)
    found = shutil.which(name)
    if found is None:
        raise SystemExit(f"{name} not found: install PySide6 (it ships the Qt Linguist tools)")
    return found


def lupdate(ts: Path, files: list[Path]) -> None:
    # No source locations: line numbers would change the .ts with every edit of the code.
    relative = [str(f.relative_to(ROOT)) for f in files]
    subprocess.run([tool("pyside6-lupdate"), "-no-obsolete", "-locations", "none", "-source-language", "en",
                    "-target-language", ts.stem.rsplit("_", 1)[-1], *relative, "-ts", str(ts)],
                   cwd=ROOT, check=True, capture_output=True, text=True)


def lrelease(ts: Path, qm: Path) -> None:
    subprocess.run([tool("pyside6-lrelease"), str(ts), "-qm", str(qm)], check=True, capture_output=True,
                   text=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--release", action="store_true", help="only compile the .ts files")
    args = parser.parse_args(argv)
    for language in LANGUAGES:
        if not args.release:
            lupdate(ts_path(language), sources())
        lrelease(ts_path(language), qm_path(language))
        print(f"{qm_path(language).relative_to(ROOT)} built from {ts_path(language).name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
