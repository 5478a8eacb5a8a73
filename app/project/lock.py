"""One writer per project folder: a lock file in the state folder, with stale-lock detection.

Two processes on one folder would race on ``state.json`` and the mask cache, and the second
one's clean-up could remove the first one's bundles in progress. The lock file names its owner
(pid, host, what it is doing, since when, and on Linux the process's start time). A lock whose
process no longer runs on this computer, or whose pid now belongs to another process, was left by a
killed run and is taken over; a lock from another computer (a shared network
folder) cannot be checked, so it is respected and the message says which file to delete.

This guards against a person starting two runs, not against a determined race: two processes
taking over the same stale lock in the same millisecond could both win.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import time
import uuid
from dataclasses import asdict, dataclass
from pathlib import Path
from types import TracebackType

from app.errors import StateError
from app.i18n import _
from app.processes import pid_alive, process_start

LOCK_FILE = "lock"
# A lock file that cannot be parsed is being written by its owner for a moment; only an old one
# is debris (a crash between creating and writing it).
_UNREADABLE_GRACE_S = 10.0
_held: set[Path] = set()  # lock files this process holds (a reused pid must not look alive)


def this_host() -> str:
    return socket.gethostname() or "unknown"


@dataclass(frozen=True)
class LockOwner:
    pid: int
    host: str
    purpose: str  # "batch" | "studio"
    started: str  # local time, for the message
    token: str = ""
    proc_start: str = ""  # process_start(pid) when the lock was taken: tells a reused pid apart

    @classmethod
    def me(cls, purpose: str) -> LockOwner:
        return cls(os.getpid(), this_host(), purpose, time.strftime("%Y-%m-%d %H:%M:%S"), uuid.uuid4().hex,
                   process_start(os.getpid()))

    @classmethod
    def parse(cls, text: str) -> LockOwner | None:
        try:
            raw = json.loads(text)
            return cls(int(raw["pid"]), str(raw["host"]), str(raw.get("purpose", "")),
                       str(raw.get("started", "")), str(raw.get("token", "")), str(raw.get("proc_start", "")))
        except (ValueError, TypeError, KeyError):
            return None

    def describe(self) -> str:
        purposes = {"batch": _("a `vitrina batch` run"), "studio": _("the Vitrina studio")}
        what = purposes.get(self.purpose, "Vitrina")
        where = (_("on this computer") if self.host == this_host()
                 else _("on the computer {host!r}").format(host=self.host))
        return _("{what} (process {pid} {where}, since {started})").format(
            what=what, pid=self.pid, where=where, started=self.started or _("an unknown time"))


class ProjectLockedError(StateError):
    """Another process works on this folder. ``owner`` says who (None: its lock is unreadable)."""

    def __init__(self, message: str, owner: LockOwner | None, lock_path: Path) -> None:
        super().__init__(message)
        self.owner = owner
        self.lock_path = lock_path


class ProjectLock:
    """``with ProjectLock(project.state_dir, folder=project.root, purpose="batch"): ...``"""

    def __init__(self, state_dir: Path, *, folder: Path | None = None, purpose: str = "batch") -> None:
        self.path = Path(state_dir) / LOCK_FILE
        self.folder = folder or Path(state_dir).parent
        self.purpose = purpose
        self._owner: LockOwner | None = None

    @property
    def held(self) -> bool:
        return self._owner is not None

    def holder(self) -> LockOwner | None:
        """Who holds the lock now, if anyone (a stale owner is reported as nobody)."""
        owner, _age = self._read()
        return owner if owner is not None and not self._stale(owner) else None

    def acquire(self) -> None:
        """Take the lock, taking over a stale one; raise ProjectLockedError when it is held."""
        if self._owner is not None:
            return
        me = LockOwner.me(self.purpose)
        for _attempt in range(3):
            if self._create(me):
                self._owner = me
                _held.add(self.path.resolve())
                return
            owner, age = self._read()
            if owner is None and age is None:
                continue  # released between our two looks: try again
            if owner is None and age is not None and age < _UNREADABLE_GRACE_S:
                raise self._locked(None)
            if owner is not None and not self._stale(owner):
                raise self._locked(owner)
            self._remove_stale(owner)
        raise self._locked(self._read()[0])

    def release(self) -> None:
        if self._owner is None:
            return
        owner, _age = self._read()
        if owner is not None and owner.token == self._owner.token:
            with contextlib.suppress(OSError):
                self.path.unlink()
        _held.discard(self.path.resolve())
        self._owner = None

    def __enter__(self) -> ProjectLock:
        self.acquire()
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.release()

    # -- internals ----------------------------------------------------------------------------
    def _create(self, me: LockOwner) -> bool:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        except FileExistsError:
            return False
        except OSError as exc:
            raise StateError(_("Cannot create the lock file {path}: {why}").format(
                path=self.path, why=exc.strerror or exc)) from exc
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(asdict(me), fh)
            fh.flush()
            os.fsync(fh.fileno())
        return True

    def _read(self) -> tuple[LockOwner | None, float | None]:
        """(owner, age in seconds); (None, None) when there is no lock file."""
        try:
            text = self.path.read_text(encoding="utf-8")
            age = time.time() - self.path.stat().st_mtime
        except FileNotFoundError:
            return None, None
        except (OSError, UnicodeDecodeError):
            return None, 0.0
        return LockOwner.parse(text), age

    def _stale(self, owner: LockOwner) -> bool:
        if owner.host != this_host():
            return False  # its process cannot be checked from here
        if owner.pid == os.getpid():
            # Ours only if this process really holds it; otherwise a dead run's pid came back to us.
            return self.path.resolve() not in _held
        if not pid_alive(owner.pid):
            return True
        # Alive, but is it the owner? After a crash and a reboot (or a long time), another program
        # may run under the dead run's pid; that must not lock the folder for ever.
        now = process_start(owner.pid) if owner.proc_start else ""
        return bool(now) and now != owner.proc_start

    def _remove_stale(self, judged: LockOwner | None) -> None:
        # Look again right before removing, so a lock that someone just took stays in place.
        current, _age = self._read()
        if current != judged:
            return
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()

    def _locked(self, owner: LockOwner | None) -> ProjectLockedError:
        who = owner.describe() if owner is not None else _("another Vitrina")
        message = _("{folder} is in use by {who}. Wait for it to finish (or close it). "
                    "If no other Vitrina is running, delete {path} and try again.").format(
            folder=self.folder, who=who, path=self.path)
        return ProjectLockedError(message, owner, self.path)
