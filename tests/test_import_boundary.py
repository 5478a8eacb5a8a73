"""The core never imports Qt or the UI: it must run under a CLI, a test or a cluster job."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FORBIDDEN = ("PySide6", "PyQt5", "PyQt6", "qasync", "ui", "shiboken6")


def _imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
    return names


def test_core_modules_never_import_qt_or_ui() -> None:
    offenders = []
    for path in sorted((ROOT / "app").rglob("*.py")):
        for name in _imports(path):
            if name.split(".")[0] in FORBIDDEN:
                offenders.append(f"{path.relative_to(ROOT)} imports {name}")
    assert offenders == []


def test_importing_the_core_loads_no_qt_and_no_torch() -> None:
    code = (
        "import sys, app.cli, app.pipeline.batch, app.project, app.compose.compose, app.segment;"
        "bad=[m for m in sys.modules if m.split('.')[0] in ('PySide6','torch','transformers')];"
        "print(','.join(bad))"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", f"heavy or Qt modules imported at start-up: {out.stdout}"


def test_vitrina_folder_opens_the_studio_through_its_entry_point(tmp_path, monkeypatch) -> None:
    """`vitrina FOLDER` finds the studio via the `vitrina.gui` entry point (app/ never imports ui/)."""
    import app.cli as cli
    import ui.main

    opened: list[Path | None] = []
    monkeypatch.setattr(ui.main, "run_gui", lambda folder: opened.append(folder) or 0)
    assert cli.main([str(tmp_path)]) == 0
    assert opened == [tmp_path]
    # A caller can hand over its own opener (the frozen app's launcher does).
    assert cli.main([], open_gui=lambda folder: 7) == 7


STAGES = ("imaging", "segment", "compose", "describe", "cardtext", "marketplace", "export")
ORCHESTRATORS = ("project", "pipeline", "studio", "cli", "firstrun", "maskedit")


def test_stages_never_import_the_orchestrators() -> None:
    """imaging → segment → compose → describe → cardtext → marketplace → export are building blocks:
    a Ray worker or a test uses one without a project, a pipeline or the studio behind it."""
    offenders = []
    for stage in STAGES:
        for path in sorted((ROOT / "app" / stage).rglob("*.py")):
            for name in _imports(path):
                parts = name.split(".")
                if parts[0] == "app" and len(parts) > 1 and parts[1] in ORCHESTRATORS:
                    offenders.append(f"{path.relative_to(ROOT)} imports {name}")
    assert offenders == []
