"""Atomic, durable file writes: a reader sees the old file or the new one, never half of either,
and after a power cut the file is one of the two as well.

Files get the permissions any tool's output gets (0666/0777 less the umask: 0644 and 0755 under
umask 022), not ``tempfile``'s private 0600/0700: bundles are handed to other people and tools.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

_WINDOWS = os.name == "nt"
# Directory fsync is unsupported on some filesystems (network mounts, FUSE), and a folder one may
# write but not read (mode 0300) cannot be opened: nothing more can be done there.
_DIR_SYNC_UNSUPPORTED = {errno.EINVAL, errno.ENOTSUP, getattr(errno, "EOPNOTSUPP", errno.ENOTSUP)}
_DIR_OPEN_REFUSED = {errno.EACCES, errno.EPERM}


def _umask_from_proc() -> int | None:
    """The umask as Linux reports it (``Umask:`` in /proc/self/status, kernel 4.7+); None elsewhere."""
    try:
        with open("/proc/self/status", "rb") as fh:
            for line in fh:
                if line.startswith(b"Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    return None


def _umask_by_swapping() -> int:
    """Read the umask the only portable way, by setting it and putting it back. Racy: a file another
    thread creates in between gets the stand-in mask, so the stand-in is the strictest one (077):
    such a file ends up too private, never world-readable or writable."""
    mask = os.umask(0o077)
    os.umask(mask)
    return mask


# Where /proc cannot tell (macOS, Windows), the umask is read once, at import: before the app
# starts its threads. Nothing in Vitrina changes it later.
_HAS_PROC_UMASK = _umask_from_proc() is not None
_UMASK_AT_IMPORT = 0 if _HAS_PROC_UMASK else _umask_by_swapping()


def current_umask() -> int:
    """The process umask, without the race of ``os.umask``: read at call time on Linux (so a later
    ``os.umask`` is seen), elsewhere the value at import time."""
    if _HAS_PROC_UMASK:
        mask = _umask_from_proc()
        if mask is not None:
            return mask
        return _umask_by_swapping()  # /proc went away (a chroot?): the racy way, still safe
    return _UMASK_AT_IMPORT


def file_mode() -> int:
    """The mode ``open()`` gives a new file: 0666 less the umask."""
    return 0o666 & ~current_umask()


def dir_mode() -> int:
    """The mode ``mkdir`` gives a new folder: 0777 less the umask."""
    return 0o777 & ~current_umask()


def chmod_like_new_dir(path: Path) -> None:
    """Give a ``tempfile.mkdtemp`` folder (0700) the mode of an ordinary new folder."""
    if _WINDOWS:  # only the read-only bit exists there; ACLs are inherited from the parent
        return
    # Filesystems without Unix permissions (vfat, some SMB mounts) refuse: not worth failing for.
    with contextlib.suppress(OSError):
        os.chmod(path, dir_mode())


def fsync_dir(path: Path) -> None:
    """Make the folder's entries (names created, renamed, removed in it) durable.

    Skipped on Windows, where a folder cannot be opened as a file (NTFS journals the metadata).
    """
    if _WINDOWS:
        return
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError as exc:
        if exc.errno in _DIR_OPEN_REFUSED:
            return
        raise
    try:
        os.fsync(fd)
    except OSError as exc:
        if exc.errno not in _DIR_SYNC_UNSUPPORTED:
            raise
    finally:
        os.close(fd)


def fsync_file(path: Path) -> None:
    """Flush a file that was written and closed already to the disk (the data, not a re-read).

    fsync works on the file, not the descriptor, so a fresh one reaches what an earlier one wrote.
    Windows needs a handle with write access to flush.
    """
    flags = (os.O_RDWR | getattr(os, "O_BINARY", 0)) if _WINDOWS else os.O_RDONLY
    fd = os.open(path, flags)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextlib.contextmanager
def atomic_open(path: Path, mode: str = "wb") -> Iterator[IO[Any]]:
    """Open a temp file beside ``path``; on success fsync and rename it over ``path``, then fsync
    the folder so the rename itself survives a power cut."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        # mkstemp makes the file 0600 whatever the umask. A replaced file gets the umask's mode
        # too, not its old one, as a tool writing a new file would: files an older version
        # wrote 0600 come out readable again. (Windows: no fchmod, and only the read-only bit.)
        if not _WINDOWS and hasattr(os, "fchmod"):
            with contextlib.suppress(OSError):  # filesystems without Unix permissions refuse
                os.fchmod(fd, file_mode())
        encoding = None if "b" in mode else "utf-8"
        newline = None if "b" in mode else ""
        with os.fdopen(fd, mode, encoding=encoding, newline=newline) as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    fsync_dir(path.parent)


def write_bytes(path: Path, data: bytes) -> None:
    with atomic_open(path, "wb") as fh:
        fh.write(data)


def write_json(path: Path, obj: Any) -> None:
    with atomic_open(path, "w") as fh:
        json.dump(obj, fh, ensure_ascii=False, indent=2, sort_keys=False)
        fh.write("\n")


def write_with(path: Path, writer: Callable[[IO[bytes]], None]) -> None:
    """Atomically write ``path`` with a callback that writes into a binary file object."""
    with atomic_open(path, "wb") as fh:
        writer(fh)


def write_direct(path: Path, writer: Callable[[IO[bytes]], None]) -> None:
    """Write ``path`` in place: no temp file, no rename, no fsync; a failure leaves half a file.

    For files inside a staging folder that is fsynced and renamed into place whole (a card
    bundle): a temp file and a rename per file would buy nothing there, and the folder's writer
    fsyncs every file once, in one pass, before the rename.
    """
    with open(path, "wb") as fh:  # a plain open: the umask's permissions, like any tool's output
        writer(fh)


def sync_folder(folder: Path) -> None:
    """fsync every file in a staging folder, then the folder (its entries), before its rename.

    One pass at the end rather than one fsync per write: it also reaches files rewritten after
    they were first written, and costs an open per file, no re-read. Without it the rename can
    reach the disk before the data: a power cut would then leave a folder of empty or truncated
    files under its final name.
    """
    with os.scandir(folder) as entries:
        for entry in entries:
            if entry.is_file(follow_symlinks=False):
                fsync_file(Path(entry.path))
    fsync_dir(folder)


def replace_folder(staged: Path, final: Path, aside_name: str) -> None:
    """Rename a finished staging folder to ``final``; an existing ``final`` is moved to
    ``aside_name`` (beside it) first and deleted after, or put back if the rename fails. Then the
    parent is fsynced, so the rename survives a power cut."""
    if not final.exists():
        os.rename(staged, final)
    else:
        old = final.with_name(aside_name)
        os.rename(final, old)
        try:
            os.rename(staged, final)
        except OSError:
            os.rename(old, final)  # put the previous folder back
            raise
        shutil.rmtree(old, ignore_errors=True)
    fsync_dir(final.parent)
