"""Can the studio's window open here? Qt's platform plugin is tried in a child process, so a
missing system library cannot take the doctor down with it; on Linux the missing libraries are
named, with the apt line that installs them."""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from app.doctor.findings import OK, PROBLEM, WARNING, Finding
from app.i18n import _, language

# The Debian / Ubuntu packages behind the libraries Qt's xcb plugin loads (what .ci/run and the
# README install on a minimal system).
APT_PACKAGES = {
    "libxcb-cursor.so.0": "libxcb-cursor0", "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libxkbcommon.so.0": "libxkbcommon0", "libEGL.so.1": "libegl1", "libGL.so.1": "libgl1",
    "libfontconfig.so.1": "libfontconfig1", "libdbus-1.so.3": "libdbus-1-3",
    "libglib-2.0.so.0": "libglib2.0-0",
    "libxcb-icccm.so.4": "libxcb-icccm4", "libxcb-image.so.0": "libxcb-image0",
    "libxcb-keysyms.so.1": "libxcb-keysyms1", "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-render-util.so.0": "libxcb-render-util0", "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-xinerama.so.0": "libxcb-xinerama0", "libxcb-xkb.so.1": "libxcb-xkb1",
}
_PROBE = ("from PySide6.QtGui import QGuiApplication; app = QGuiApplication([]); "
          "s = app.primaryScreen(); print(app.platformName(), s.devicePixelRatio() if s else 1.0)")
Runner = Callable[[list[str]], tuple[int, str]]


def run(command: list[str]) -> tuple[int, str]:
    try:
        out = subprocess.run(command, capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.SubprocessError) as err:
        return 1, str(err)
    return out.returncode, out.stdout + out.stderr


def check(runner: Runner = run, *, linux: bool = sys.platform.startswith("linux"),
          display: bool | None = None, plugin: Path | None = None) -> Finding:
    facts: dict[str, object] = {"language": language()}
    code, out = runner([sys.executable, "-c", _PROBE])
    if code == 0:
        words = out.strip().split()
        platform, ratio = (words[-2], words[-1]) if len(words) >= 2 else ("?", "1")
        facts.update(platform=platform, device_pixel_ratio=ratio)
        return Finding("qt", OK, _("The window can open (Qt platform {platform}, display scale {ratio}, "
                                   "interface language {language}).").format(
            platform=platform, ratio=ratio, language=language()), "", facts)
    facts["error"] = out.strip().splitlines()[-1] if out.strip() else f"exit {code}"
    missing = _missing_libraries(runner, plugin or _xcb_plugin()) if linux else []
    if missing:
        packages = sorted({APT_PACKAGES.get(lib, lib) for lib in missing})
        facts["missing"] = missing
        return Finding("qt", PROBLEM,
                       _("The studio's window cannot open: missing system libraries {libs}.").format(
            libs=", ".join(missing)), _("Install them: sudo apt-get install {packages}").format(
                packages=" ".join(packages)), facts)
    if linux and not (display if display is not None
                      else os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        return Finding("qt", WARNING, _("No desktop display here: the studio needs one; the command line "
                                        "(vitrina batch, vitrina watch) works without."), "", facts)
    return Finding("qt", PROBLEM, _("The studio's window cannot open: {error}").format(error=facts["error"]),
                   _("Install PySide6 again: pip install --force-reinstall pyside6"), facts)


def _xcb_plugin() -> Path | None:
    # Found, not imported: the core never loads Qt (tests/test_import_boundary.py).
    spec = importlib.util.find_spec("PySide6")
    if spec is None or spec.origin is None:
        return None
    found = list(Path(spec.origin).parent.glob("Qt/plugins/platforms/libqxcb.so"))
    return found[0] if found else None


def _missing_libraries(runner: Runner, plugin: Path | None) -> list[str]:
    if plugin is None:
        return []
    code, out = runner(["ldd", str(plugin)])
    return sorted(set(re.findall(r"^\s*(\S+)\s+=>\s+not found", out, flags=re.MULTILINE)))
