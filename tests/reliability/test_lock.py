"""Two instances on one folder: a lock file in the state folder, stale locks taken over."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.processes import pid_alive, process_start
from app.project import Project
from app.project.lock import LOCK_FILE, ProjectLock, ProjectLockedError, this_host
from tests.reliability.conftest import images_only


@pytest.fixture
def other_process() -> Iterator[subprocess.Popen]:
    """A live process that is not us, to own a lock."""
    proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    yield proc
    proc.kill()
    proc.wait()


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()  # reaped: its pid is free
    return proc.pid


def _plant(state_dir: Path, pid: int, host: str | None = None, purpose: str = "studio",
           proc_start: str | None = None) -> Path:
    state_dir.mkdir(parents=True, exist_ok=True)
    path = state_dir / LOCK_FILE
    owner = {"pid": pid, "host": host or this_host(), "purpose": purpose, "started": "2025-01-01 09:00:00"}
    if proc_start is not None:
        owner["proc_start"] = proc_start
    path.write_text(json.dumps(owner), "utf-8")
    return path


def test_the_lock_names_its_owner_and_goes_away_on_release(tmp_path) -> None:
    with ProjectLock(tmp_path / ".vitrina", purpose="batch") as held:
        owner = json.loads(held.path.read_text("utf-8"))
        assert (owner["pid"], owner["host"], owner["purpose"]) == (os.getpid(), this_host(), "batch")
        with pytest.raises(ProjectLockedError):  # a second holder in this very process is refused too
            ProjectLock(tmp_path / ".vitrina").acquire()
    assert not (tmp_path / ".vitrina" / LOCK_FILE).exists()


def test_a_live_owner_keeps_the_lock_and_the_message_says_who_and_what_to_do(tmp_path, other_process) -> None:
    path = _plant(tmp_path / ".vitrina", other_process.pid)
    with pytest.raises(ProjectLockedError) as err:
        ProjectLock(tmp_path / ".vitrina", folder=tmp_path).acquire()
    message = str(err.value)
    who = f"the Vitrina studio (process {other_process.pid} on this computer"
    assert f"{tmp_path} is in use by {who}" in message
    assert f"If no other Vitrina is running, delete {path}" in message
    assert err.value.owner is not None and err.value.owner.pid == other_process.pid
    assert json.loads(path.read_text("utf-8"))["pid"] == other_process.pid  # untouched


def test_a_dead_owner_s_lock_is_taken_over(tmp_path) -> None:
    path = _plant(tmp_path / ".vitrina", _dead_pid())
    lock = ProjectLock(tmp_path / ".vitrina")
    assert lock.holder() is None
    lock.acquire()
    assert json.loads(path.read_text("utf-8"))["pid"] == os.getpid()
    lock.release()


def test_a_lock_with_our_pid_from_an_earlier_life_is_stale(tmp_path) -> None:
    _plant(tmp_path / ".vitrina", os.getpid())  # a killed run whose pid came back to us
    with ProjectLock(tmp_path / ".vitrina"):
        pass


@pytest.mark.skipif(not process_start(os.getpid()), reason="start times come from Linux /proc")
def test_a_reused_pid_of_a_dead_run_does_not_lock_the_folder(tmp_path, other_process) -> None:
    # The lock was taken by a process that started at another time: the live one is not its owner.
    path = _plant(tmp_path / ".vitrina", other_process.pid, proc_start="an-earlier-boot:12345")
    with ProjectLock(tmp_path / ".vitrina"):
        assert json.loads(path.read_text("utf-8"))["pid"] == os.getpid()
    # The same live process, recorded as the owner it really is, keeps the lock.
    _plant(tmp_path / ".vitrina", other_process.pid, proc_start=process_start(other_process.pid))
    with pytest.raises(ProjectLockedError):
        ProjectLock(tmp_path / ".vitrina").acquire()


def test_a_lock_from_another_computer_is_respected(tmp_path) -> None:
    _plant(tmp_path / ".vitrina", _dead_pid(), host="studio-pc-2")
    with pytest.raises(ProjectLockedError, match="on the computer 'studio-pc-2'"):
        ProjectLock(tmp_path / ".vitrina").acquire()


def test_an_unreadable_lock_is_respected_briefly_then_taken_over(tmp_path, monkeypatch) -> None:
    path = tmp_path / ".vitrina" / LOCK_FILE
    path.parent.mkdir()
    path.write_bytes(b"")  # its owner is between creating and writing it
    with pytest.raises(ProjectLockedError, match="in use by another Vitrina"):
        ProjectLock(tmp_path / ".vitrina").acquire()
    old = time.time() - 60
    os.utime(path, (old, old))  # a crash left it empty long ago
    with ProjectLock(tmp_path / ".vitrina"):
        assert json.loads(path.read_text("utf-8"))["pid"] == os.getpid()


def test_pid_alive() -> None:
    assert pid_alive(os.getpid())
    assert not pid_alive(_dead_pid())
    assert not pid_alive(0) and not pid_alive(-1)


@pytest.mark.skipif(os.name != "posix", reason="zombies are a POSIX thing")
def test_a_killed_but_unreaped_owner_counts_as_dead(tmp_path) -> None:
    proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        proc.kill()
        deadline = time.monotonic() + 10
        while pid_alive(proc.pid) and time.monotonic() < deadline:
            time.sleep(0.02)
        assert not pid_alive(proc.pid)  # a zombie until we wait() for it
        _plant(tmp_path / ".vitrina", proc.pid)
        with ProjectLock(tmp_path / ".vitrina"):
            pass
    finally:
        proc.wait()


def test_a_second_batch_on_a_locked_folder_is_refused_and_touches_nothing(shoot, tmp_path, tiny_seg_model,
                                                                         vitrina, other_process) -> None:
    out = tmp_path / "cards"
    path = _plant(Project(shoot).state_dir, other_process.pid)
    state_before = sorted(p.name for p in path.parent.iterdir())

    run = vitrina(*images_only(shoot, out, tiny_seg_model))

    assert run.code == 2
    who = f"the Vitrina studio (process {other_process.pid}"
    assert f"vitrina: error: {shoot.resolve()} is in use by {who}" in run.err
    assert "Traceback" not in run.text
    assert not out.exists()
    assert sorted(p.name for p in path.parent.iterdir()) == state_before
    assert json.loads(path.read_text("utf-8"))["pid"] == other_process.pid

    other_process.kill()
    other_process.wait()
    assert vitrina(*images_only(shoot, out, tiny_seg_model)).code == 0  # its lock is stale now

