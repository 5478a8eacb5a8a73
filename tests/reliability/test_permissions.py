"""Bundles are readable by whoever they are handed to, and a power cut leaves a whole bundle or none.

Permissions: every file Vitrina writes gets 0666 less the umask and every folder 0777 less the
umask, as any tool's output (``tempfile`` alone would give 0600/0700). Durability: every file of a
bundle and its temp folder are fsynced before the folder is renamed into place, and the output
folder after, so the rename can never reach the disk ahead of the data.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from app import atomic
from app.export import Bundle, BundlePhoto, write_bundle
from app.imaging import save_image

posix_only = pytest.mark.skipif(os.name == "nt", reason="POSIX permission bits")


def _bundle(name: str = "Кружка", photos: int = 2) -> Bundle:
    items = []
    for i in range(photos):
        rgb = np.full((40, 30, 3), 100 + i, np.uint8)
        mask = np.full((40, 30), 255, np.uint8)
        items.append(BundlePhoto(f"{name}/{i}.jpg", rgb, np.dstack([rgb, mask]), mask))
    return Bundle(name=name, product_key=name, photos=items, card={"product": name}, card_text="Кружка\n")


def _inspector(folder: Path, files: list[dict]) -> dict:
    """Like the compliance step: rewrites an image in place (plain write) and adds compliance.json."""
    (folder / files[0]["image"]).write_bytes((folder / files[0]["image"]).read_bytes())
    return {"compliance.json": {"ok": True}}


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def umask(monkeypatch: pytest.MonkeyPatch) -> Iterator[object]:
    """``umask(0o022)`` sets the process umask for the test (restored after). Where the module
    cannot read it at call time (no /proc: it keeps the import-time value), it is told too."""
    saved = os.umask(0o022)
    os.umask(saved)

    def set_mask(mask: int) -> None:
        os.umask(mask)
        if atomic.current_umask() != mask:
            monkeypatch.setattr(atomic, "current_umask", lambda: mask)

    yield set_mask
    os.umask(saved)


@posix_only
@pytest.mark.parametrize(("mask", "file_mode", "dir_mode"), [(0o022, 0o644, 0o755), (0o002, 0o664, 0o775)],
                         ids=["umask022", "umask002"])
def test_every_file_of_a_bundle_gets_the_umask_permissions(tmp_path: Path, umask, mask: int, file_mode: int,
                                                          dir_mode: int) -> None:
    umask(mask)
    folder = write_bundle(tmp_path / "cards", _bundle(), inspect=_inspector)
    names = sorted(p.name for p in folder.iterdir())
    assert names == ["01.jpg", "02.jpg", "card.json", "card.txt", "compliance.json", "cutout-01.png",
                     "cutout-02.png", "mask-01.png", "mask-02.png"]
    assert {name: oct(_mode(folder / name)) for name in names} == {name: oct(file_mode) for name in names}
    assert oct(_mode(folder)) == oct(dir_mode)
    assert oct(_mode(tmp_path / "cards")) == oct(dir_mode)


@posix_only
def test_a_replaced_bundle_gets_the_umask_permissions_too(tmp_path: Path, umask) -> None:
    umask(0o022)
    write_bundle(tmp_path, _bundle())
    folder = write_bundle(tmp_path, _bundle(photos=1), overwrite=True)
    assert {oct(_mode(p)) for p in folder.iterdir()} == {"0o644"}
    assert oct(_mode(folder)) == "0o755"


@posix_only
@pytest.mark.parametrize(("mask", "expected"), [(0o022, 0o644), (0o002, 0o664), (0o077, 0o600)],
                         ids=["umask022", "umask002", "umask077"])
def test_atomic_writes_get_the_umask_permissions(tmp_path: Path, umask, mask: int, expected: int) -> None:
    umask(mask)
    atomic.write_bytes(tmp_path / "report.csv", b"a,b\n")
    atomic.write_json(tmp_path / "state.json", {"a": 1})
    save_image(tmp_path / "thumb.jpg", np.full((8, 8, 3), 9, np.uint8))
    assert {p.name: oct(_mode(p)) for p in tmp_path.iterdir()} == {
        "report.csv": oct(expected), "state.json": oct(expected), "thumb.jpg": oct(expected)}


@posix_only
def test_replacing_a_private_file_gives_the_umask_mode(tmp_path: Path, umask) -> None:
    """A file an older version wrote 0600 comes out readable on its next save."""
    umask(0o022)
    path = tmp_path / "settings.json"
    path.write_text("{}")
    path.chmod(0o600)
    atomic.write_json(path, {"a": 1})
    assert oct(_mode(path)) == "0o644"


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="Linux /proc")
def test_the_umask_is_read_at_call_time_without_changing_it(umask) -> None:
    umask(0o027)
    assert atomic.current_umask() == 0o027
    assert atomic.file_mode() == 0o640 and atomic.dir_mode() == 0o750
    umask(0o002)
    assert atomic.current_umask() == 0o002
    assert os.umask(0o002) == 0o002  # reading it left it as it was


@posix_only
def test_the_fallback_reading_puts_the_umask_back(umask) -> None:
    umask(0o027)
    assert atomic._umask_by_swapping() == 0o027
    assert os.umask(0o027) == 0o027


class SyncLog:
    """Records, in order, what was fsynced (by inode, as fsync gets a descriptor) and renamed."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.events: list[tuple[str, object]] = []
        real_fsync, real_rename, real_replace = os.fsync, os.rename, os.replace

        def fsync(fd: int) -> None:
            st = os.fstat(fd)
            self.events.append(("fsync", (st.st_dev, st.st_ino)))
            real_fsync(fd)

        def rename(src, dst, *args, **kwargs) -> None:  # noqa: ANN001, ANN002, ANN003
            self.events.append(("rename", (Path(src).name, Path(dst).name)))
            real_rename(src, dst, *args, **kwargs)

        def replace(src, dst, *args, **kwargs) -> None:  # noqa: ANN001, ANN002, ANN003
            self.events.append(("replace", (Path(src).name, Path(dst).name)))
            real_replace(src, dst, *args, **kwargs)

        monkeypatch.setattr(os, "fsync", fsync)
        monkeypatch.setattr(os, "rename", rename)
        monkeypatch.setattr(os, "replace", replace)

    def index(self, kind: str, what: object) -> int:
        return self.events.index((kind, what))

    def synced_at(self, path: Path) -> list[int]:
        st = path.stat()
        return [i for i, event in enumerate(self.events) if event == ("fsync", (st.st_dev, st.st_ino))]

    def renames(self) -> list[int]:
        return [i for i, (kind, _) in enumerate(self.events) if kind in ("rename", "replace")]


def _partial_rename(log: SyncLog, final: Path) -> int:
    """Where the temp folder was renamed to the bundle's name."""
    [at] = [i for i in log.renames() if log.events[i][1][1] == final.name  # type: ignore[index]
            and str(log.events[i][1][0]).startswith(".partial-")]  # type: ignore[index]
    return at


@pytest.mark.parametrize("overwrite", [False, True], ids=["new", "replaced"])
def test_every_file_and_the_folder_are_fsynced_before_the_bundle_is_renamed(tmp_path: Path, monkeypatch,
                                                                            overwrite: bool) -> None:
    out = tmp_path / "cards"
    if overwrite:
        write_bundle(out, _bundle(photos=1))
    log = SyncLog(monkeypatch)
    folder = write_bundle(out, _bundle(), inspect=_inspector, overwrite=overwrite)
    at = _partial_rename(log, folder)  # rename keeps inodes: the bundle's are the temp folder's
    files = sorted(folder.iterdir())
    assert len(files) == 9
    for path in files:
        synced = log.synced_at(path)
        assert synced and max(synced) < at, f"{path.name} not fsynced before the rename"
        assert len(synced) == 1, f"{path.name} fsynced {len(synced)} times: once is enough"
    if os.name != "nt":  # directories cannot be fsynced there
        assert any(i < at for i in log.synced_at(folder)), "the temp folder not fsynced before its rename"
        assert any(i > max(log.renames()) for i in log.synced_at(out)), "the output folder not fsynced"
    # Nothing inside the temp folder went through a temp file and a rename of its own.
    assert log.renames() == ([at - 1, at] if overwrite else [at])


def test_an_atomic_write_fsyncs_the_file_then_its_folder_after_the_replace(tmp_path: Path,
                                                                          monkeypatch) -> None:
    log = SyncLog(monkeypatch)
    path = tmp_path / "report.csv"
    atomic.write_bytes(path, b"a,b\n")
    [at] = log.renames()
    assert log.events[at][0] == "replace" and log.events[at][1][1] == "report.csv"  # type: ignore[index]
    assert log.synced_at(path) and max(log.synced_at(path)) < at
    if os.name != "nt":
        assert any(i > at for i in log.synced_at(tmp_path))


def test_a_failed_fsync_fails_the_bundle_and_leaves_nothing(tmp_path: Path, monkeypatch) -> None:
    from app.errors import ExportError

    def no_sync(fd: int) -> None:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(os, "fsync", no_sync)
    with pytest.raises(ExportError, match="Input/output error"):
        write_bundle(tmp_path, _bundle())
    assert list(tmp_path.iterdir()) == []


def test_folders_that_cannot_be_fsynced_are_skipped(tmp_path: Path, monkeypatch) -> None:
    """Some network and FUSE filesystems answer EINVAL to a folder's fsync: not an export failure."""
    real_fsync = os.fsync

    def files_only(fd: int) -> None:
        if stat.S_ISDIR(os.fstat(fd).st_mode):
            raise OSError(22, "Invalid argument")
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", files_only)
    folder = write_bundle(tmp_path, _bundle())
    assert (folder / "card.json").exists()


@posix_only
def test_without_proc_the_umask_read_at_import_is_used(tmp_path: Path, umask, monkeypatch) -> None:
    """macOS and Windows have no /proc/self/status: the value read once at import is used."""
    umask(0o022)
    monkeypatch.setattr(atomic, "_HAS_PROC_UMASK", False)
    monkeypatch.setattr(atomic, "_UMASK_AT_IMPORT", 0o027)
    assert atomic.current_umask() == 0o027
    atomic.write_bytes(tmp_path / "a.txt", b"a")
    assert oct(_mode(tmp_path / "a.txt")) == "0o640"


def test_the_windows_paths_write_a_whole_bundle(tmp_path: Path, monkeypatch) -> None:
    """Windows: no fchmod or folder fsync, files flushed through a writable handle; nothing fails."""
    monkeypatch.setattr(atomic, "_WINDOWS", True)
    folder = write_bundle(tmp_path, _bundle(), inspect=_inspector)
    assert len(list(folder.iterdir())) == 9
    atomic.write_json(tmp_path / "settings.json", {"a": 1})
    assert (tmp_path / "settings.json").read_text("utf-8").startswith("{")
