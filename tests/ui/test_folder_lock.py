"""The studio takes the folder's lock: a folder another process is writing to is not opened."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from PySide6.QtWidgets import QMessageBox

from app.project import Project
from tests.ui.answer import answer_next_question
from tests.ui.shoot import LOOSE, make_shoot
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


def test_opening_the_open_folder_again_just_shows_it(qtbot, window: MainWindow, tmp_path,
                                                     monkeypatch) -> None:
    shoot = make_shoot(tmp_path)
    assert window.open_folder(shoot)
    project = window.project
    window.backgrounds.choose_marketplace("wb")
    warned: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _parent, _title, text, *a: warned.append(text))
    assert window.open_folder(shoot / "." / ".." / shoot.name) is True  # the same folder, spelt otherwise
    assert warned == [] and window.project is project  # not "in use by this very window", not reloaded
    assert "already open" in window.statusBar().currentMessage()
    assert window.acts.undo.isEnabled()  # nothing lost: the choice can still be undone
    assert (project.state_dir / "lock").exists()


def test_opening_another_folder_hands_the_first_one_back(qtbot, window: MainWindow, tmp_path) -> None:
    first, second = make_shoot(tmp_path / "a"), make_shoot(tmp_path / "b")
    assert window.open_folder(first)
    first_lock = window.project.state_dir / "lock"
    assert window.open_folder(second)
    assert not first_lock.exists()  # another window or a batch run may work there now
    assert (window.project.state_dir / "lock").exists()
    assert not window.acts.undo.isEnabled()  # the first folder's history went with it


def test_a_second_folder_in_use_leaves_the_first_one_open_and_held(qtbot, window: MainWindow,
                                                                   tmp_path) -> None:
    first, second = make_shoot(tmp_path / "a"), make_shoot(tmp_path / "b")
    assert window.open_folder(first)
    project = window.project
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(second)], cwd=ROOT, stdout=subprocess.PIPE,
                              text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        seen = answer_next_question(QMessageBox.StandardButton.Ok)
        assert window.open_folder(second) is False
        assert seen and str(holder.pid) in seen[0]
    finally:
        holder.kill()
        holder.wait()
    assert window.project is project and (project.state_dir / "lock").exists()
    window.gallery.select([LOOSE])
    window.backgrounds.choose_marketplace("ozon")  # still the user's folder: choices are saved there
    assert Project(first).product(LOOSE).marketplace == "ozon"
