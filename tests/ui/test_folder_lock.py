"""The studio takes the folder's lock: a folder another process is writing to is not opened."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from PySide6.QtWidgets import QMessageBox

from app.project import Project
from tests.ui.answer import answer_next_question
from tests.ui.shoot import make_shoot
from ui.main_window import MainWindow

ROOT = Path(__file__).resolve().parents[2]
HOLD = """
import sys, time
from pathlib import Path
from app.project import Project
from app.project.lock import ProjectLock
project = Project(Path(sys.argv[1]))
lock = ProjectLock(project.state_dir, folder=project.root, purpose="batch")
lock.acquire()
print("held", flush=True)
time.sleep(60)
"""


def test_a_folder_in_use_by_a_batch_run_is_refused_with_the_holder_named(qtbot, window: MainWindow,
                                                                         tmp_path) -> None:
    shoot = make_shoot(tmp_path)
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(shoot)], cwd=ROOT, stdout=subprocess.PIPE,
                              text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        seen = answer_next_question(QMessageBox.StandardButton.Ok)
        assert window.open_folder(shoot) is False
        assert window.project is None
        assert seen and str(holder.pid) in seen[0]
    finally:
        holder.kill()
        holder.wait()
    # The holder is gone: its lock is stale and the studio takes the folder over.
    assert window.open_folder(shoot) is True


def test_the_studio_holds_the_lock_until_it_closes(qtbot, window: MainWindow, tmp_path) -> None:
    shoot = make_shoot(tmp_path)
    assert window.open_folder(shoot)
    lock_file = Project(shoot).state_dir / "lock"
    assert lock_file.exists()
    window.close()
    deadline = time.monotonic() + 5
    while lock_file.exists() and time.monotonic() < deadline:
        qtbot.wait(50)
    assert not lock_file.exists()
