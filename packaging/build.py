"""Build the one-folder app with PyInstaller, then check that the result is complete.

    python packaging/build.py            # full app: dist/vitrina/ (torch, transformers, CUDA libraries)
    python packaging/build.py --quick    # GUI-only smoke build: dist/vitrina-quick/ (no torch)

Run it with the Python of the environment the app is installed in (``.venv/bin/python`` or
``.venv\\Scripts\\python``): PyInstaller bundles what that environment has, CUDA torch included.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SPEC = HERE / "vitrina.spec"
IS_WINDOWS = sys.platform == "win32"


def app_name(quick: bool) -> str:
    return "vitrina-quick" if quick else "vitrina"


def executable(folder: Path) -> Path:
    return folder / ("vitrina.exe" if IS_WINDOWS else "vitrina")


def folder_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


def check(folder: Path, quick: bool) -> list[str]:
    """What a runnable build must contain; a list of problems, empty when fine."""
    internal = folder / "_internal"
    problems = []
    if not executable(folder).is_file():
        problems.append(f"no executable {executable(folder).name}")
    for rel in ("resources/marketplaces.json", "resources/backgrounds.json",
                "resources/certs/russian_trusted_root_ca.pem", "resources/icons/vitrina.svg"):
        if not (internal / rel).is_file():
            problems.append(f"missing {rel}")
    plugins = ["qoffscreen", "qwindows"] if IS_WINDOWS else ["qoffscreen", "qxcb", "qwayland"]
    for name in plugins:
        if not any(internal.rglob(f"platforms/*{name}.*")):
            problems.append(f"missing Qt platform plugin {name}")
    if not any(internal.rglob("imageformats/*qjpeg*")):
        problems.append("missing Qt imageformats plugins")
    if not any(internal.rglob("translations/qtbase_ru.qm")):
        problems.append("missing Qt's own translations (qtbase_ru.qm)")
    has_torch = (internal / "torch").is_dir()
    if quick and has_torch:
        problems.append("--quick build contains torch")
    if not quick and not has_torch:
        problems.append("full build has no torch")
    return problems


def add_desktop_files(folder: Path) -> None:
    # The .desktop entry and icons travel inside the folder so linux/install.sh can install them.
    share = folder / "share"
    (share / "icons").mkdir(parents=True, exist_ok=True)
    shutil.copy2(HERE / "linux" / "vitrina.desktop", share / "vitrina.desktop")
    for icon in ("vitrina.svg", "vitrina-256.png"):
        shutil.copy2(ROOT / "resources" / "icons" / icon, share / "icons" / icon)
    shutil.copy2(HERE / "linux" / "install.sh", folder / "install.sh")


def build(quick: bool, dist: Path, work: Path, clean: bool) -> Path:
    command = [sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
               "--distpath", str(dist), "--workpath", str(work / app_name(quick))]
    if clean:
        command.append("--clean")
    command += [str(SPEC), "--"] + (["--quick"] if quick else [])
    # PyInstaller writes its cache under the user's home by default; keep it with the build.
    env = dict(os.environ, PYINSTALLER_CONFIG_DIR=str(work / "cache"))
    subprocess.run(command, check=True, cwd=ROOT, env=env)
    return dist / app_name(quick)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Build Vitrina as a one-folder app.")
    parser.add_argument("--quick", action="store_true",
                        help="GUI-only smoke build without torch/transformers (models cannot run)")
    parser.add_argument("--dist", type=Path, default=ROOT / "dist", help="output folder (default: dist/)")
    parser.add_argument("--work", type=Path, default=ROOT / "build" / "pyinstaller",
                        help="PyInstaller's work folder (default: build/pyinstaller/)")
    parser.add_argument("--clean", action="store_true", help="drop PyInstaller's caches first")
    args = parser.parse_args(argv)
    try:
        import PyInstaller  # noqa: F401
    except ImportError:
        print("build: PyInstaller is not installed in this environment: pip install -e '.[packaging]'",
              file=sys.stderr)
        return 2

    started = time.monotonic()
    folder = build(args.quick, args.dist.resolve(), args.work.resolve(), args.clean)
    if not IS_WINDOWS:
        add_desktop_files(folder)
    problems = check(folder, args.quick)
    minutes, seconds = divmod(int(time.monotonic() - started), 60)
    print(f"built {folder} in {minutes}m{seconds:02d}s, {folder_size(folder) / 2**20:.0f} MiB")
    for problem in problems:
        print(f"build: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
