"""Packaging: what the PyInstaller spec names still exists, the icon and the .desktop entry are
sound, and the frozen app (quick variant, no torch) starts offscreen to the main window.

The build test runs when PyInstaller is installed (``pip install -e '.[packaging]'``) and is
required, failing rather than skipping, with ``VITRINA_PACKAGING_TEST=1`` or ``-m packaging``.
It takes one to two minutes; ``-m "not packaging"`` leaves it out.
"""

from __future__ import annotations

import ast
import configparser
import importlib.util
import os
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGING = ROOT / "packaging"
ICONS = ROOT / "resources" / "icons"


def _spec_value(name: str) -> object:
    # The spec is run by PyInstaller, not imported, so read its literal lists from the source.
    tree = ast.parse((PACKAGING / "vitrina.spec").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == name for t in node.targets):
            return ast.literal_eval(node.value)
    raise AssertionError(f"vitrina.spec defines no {name}")


def test_backends_the_spec_names_exist() -> None:
    # A renamed backend would otherwise vanish from the frozen app without a build error.
    for module in _spec_value("LAZY_BACKENDS"):
        assert importlib.util.find_spec(module) is not None, f"vitrina.spec names a missing module {module}"


def test_desktop_entry() -> None:
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]  (keys are case-sensitive)
    parser.read(PACKAGING / "linux" / "vitrina.desktop", encoding="utf-8")
    entry = parser["Desktop Entry"]
    assert entry["Type"] == "Application"
    assert entry["Name"] == "Vitrina"
    assert entry["Exec"].split()[0] == "vitrina"
    assert entry["Icon"] == "vitrina"  # the name install.sh gives the icons in hicolor/
    assert entry["Terminal"] == "false"
    assert entry["Categories"].endswith(";") and "Graphics" in entry["Categories"].split(";")


def test_icon_svg_and_png() -> None:
    from PIL import Image

    svg = ET.parse(ICONS / "vitrina.svg").getroot()
    assert svg.get("viewBox") == "0 0 256 256"
    with Image.open(ICONS / "vitrina-256.png") as png:
        assert png.size == (256, 256) and png.mode == "RGBA"
        assert png.getpixel((0, 0))[3] == 0, "the rounded tile's corners are transparent"
        assert png.getpixel((128, 128))[3] == 255


def test_icon_png_is_rendered_from_the_svg(qapp, tmp_path: Path) -> None:
    # qapp: a full QApplication, so later widget tests in the same process are not left with a
    # bare QGuiApplication.
    # The PNG is generated (packaging/make_icon.py); an SVG edit without regenerating it fails here.
    import numpy as np
    from PIL import Image

    sys.path.insert(0, str(PACKAGING))
    try:
        import make_icon
    finally:
        sys.path.remove(str(PACKAGING))
    make_icon.render(ICONS / "vitrina.svg", tmp_path / "icon.png", 256)
    with Image.open(tmp_path / "icon.png") as fresh, Image.open(ICONS / "vitrina-256.png") as kept:
        diff = np.abs(np.asarray(fresh, dtype=np.int16) - np.asarray(kept, dtype=np.int16))
    assert diff.mean() < 1.0, "resources/icons/vitrina-256.png is stale: run packaging/make_icon.py"


# --- the frozen app ---------------------------------------------------------------------------

def _build_required(config: pytest.Config) -> bool:
    return (os.environ.get("VITRINA_PACKAGING_TEST") == "1"
            or str(config.getoption("markexpr", "") or "").strip() == "packaging")


@pytest.fixture(scope="module")
def quick_build(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    if importlib.util.find_spec("PyInstaller") is None:
        if _build_required(request.config):
            pytest.fail("the packaging test was asked for but PyInstaller is not installed: "
                        "pip install -e '.[packaging]'")
        pytest.skip("PyInstaller is not installed (pip install -e '.[packaging]')")
    if not sys.platform.startswith("linux"):
        pytest.skip("the frozen-app smoke test runs on Linux (its user folders are XDG ones)")
    # A private work folder: sessions running the suite side by side must not share PyInstaller's.
    out = tmp_path_factory.mktemp("pyinstaller")
    result = subprocess.run(
        [sys.executable, str(PACKAGING / "build.py"), "--quick",
         "--dist", str(out / "dist"), "--work", str(out / "work")],
        cwd=ROOT, capture_output=True, text=True, timeout=1200, check=False)
    assert result.returncode == 0, f"quick build failed:\n{result.stdout[-3000:]}\n{result.stderr[-6000:]}"
    return out / "dist" / "vitrina-quick"


def _private_env(home: Path) -> dict[str, str]:
    # The developer's settings, keys and models must neither leak in nor be written to.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VITRINA_", "GIGACHAT_"))}
    env.update(HOME=str(home), XDG_CONFIG_HOME=str(home / "config"), XDG_STATE_HOME=str(home / "state"),
               XDG_DATA_HOME=str(home / "data"), XDG_CACHE_HOME=str(home / "cache"),
               QT_QPA_PLATFORM="offscreen", HF_HUB_OFFLINE="1", HF_HOME=str(home / "hf"))
    return env


@pytest.mark.packaging
def test_frozen_cli_runs(quick_build: Path, tmp_path: Path) -> None:
    from app import __version__

    env = _private_env(tmp_path)
    version = subprocess.run([str(quick_build / "vitrina"), "--version"], env=env,
                             capture_output=True, text=True, timeout=120, check=False)
    assert version.returncode == 0 and version.stdout.strip() == f"vitrina {__version__}", version
    listing = subprocess.run([str(quick_build / "vitrina"), "models", "list"], env=env,
                             capture_output=True, text=True, timeout=120, check=False)
    assert listing.returncode == 0 and "birefnet" in listing.stdout, listing


@pytest.mark.packaging
def test_frozen_app_starts_offscreen_to_the_main_window(quick_build: Path, tmp_path: Path) -> None:
    from PIL import Image

    shoot = tmp_path / "shoot"
    (shoot / "mug").mkdir(parents=True)
    Image.new("RGB", (320, 240), (200, 60, 40)).save(shoot / "mug" / "01.jpg")
    home = tmp_path / "home"
    output = tmp_path / "app-output.txt"
    with output.open("w", encoding="utf-8") as sink:
        process = subprocess.Popen([str(quick_build / "vitrina"), str(shoot)], env=_private_env(home),
                                   stdout=sink, stderr=subprocess.STDOUT)
        try:
            # The app has no "started" signal; MainWindow.open_folder runs after window.show()
            # and records the folder in the recent list (QSettings), so that file appearing means
            # the main window was built, shown and used.
            ini = home / "config" / "Vitrina" / "Vitrina.ini"
            deadline = time.monotonic() + 90
            while process.poll() is None and time.monotonic() < deadline:
                if ini.is_file() and str(shoot) in ini.read_text(encoding="utf-8", errors="replace"):
                    break
                time.sleep(0.2)
            opened = ini.is_file() and str(shoot) in ini.read_text(encoding="utf-8", errors="replace")
            time.sleep(3)  # the event loop keeps running: thumbnails and the preview load meanwhile
            alive = process.poll() is None
        finally:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
    printed = output.read_text(encoding="utf-8", errors="replace")
    logs = "".join(p.read_text(encoding="utf-8", errors="replace") for p in home.rglob("vitrina.log*"))
    assert "Traceback" not in printed and "Traceback" not in logs, printed + logs
    assert "unexpected error" not in logs, logs
    assert "not part of this build" not in printed, printed  # app.cli's message when ui fails to import
    assert alive, f"the frozen app exited (status {process.returncode}):\n{printed}\n{logs}"
    assert opened, f"the frozen app did not reach the main window's open_folder:\n{printed}\n{logs}"
