"""Entry point of the frozen app: the same ``vitrina`` command that ``pip install`` creates.

It lives here rather than using ``app/__main__.py`` because PyInstaller puts the entry script's
folder on the import path, and ``app/`` holds modules (``settings``, ``events``…) that must not
shadow top-level names.
"""

from __future__ import annotations

import multiprocessing
import os
import sys


def _give_windowed_builds_streams() -> None:
    # A windowed Windows executable has no console, so sys.stdout/stderr are None; tqdm and
    # logging's StreamHandler would then raise on their first write. Their output goes nowhere.
    for name in ("stdout", "stderr"):
        if getattr(sys, name) is None:
            setattr(sys, name, open(os.devnull, "w", encoding="utf-8"))  # noqa: SIM115 (lives as long as the app)


if __name__ == "__main__":
    # Without this a frozen Windows app that ever spawns a worker process starts a second GUI.
    multiprocessing.freeze_support()
    _give_windowed_builds_streams()
    from app.cli import main

    def open_studio(folder):  # Qt is imported only when the window is wanted, not for `vitrina batch`
        from ui.main import run_gui

        return run_gui(folder)

    # Frozen apps carry no package metadata, so the studio is handed over here, not looked up.
    sys.exit(main(open_gui=open_studio))
