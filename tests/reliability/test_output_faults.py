"""The output folder is read-only or the disk fills up: a clear error, no half-written bundle, and
the input folder untouched. Simulated by refusing writes at the OS-call level (portable), and for
real on a small tmpfs where this machine lets the test mount one (root on Linux)."""

from __future__ import annotations

import builtins
import contextlib
import errno
import io
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pytest

from tests.photo_corpus import noise_rgb, write_image
from tests.reliability.conftest import (
    assert_complete_bundle,
    bundles,
    images_only,
    leftovers,
    read_report,
    snapshot,
)


class RefusedWrites:
    """Makes every file or folder creation below ``folder`` fail with ``code`` while ``when()`` is
    true — what a read-only mount (always) or a disk that has filled up looks like to the code."""

    def __init__(self, folder: Path, code: int, when: Callable[[], bool] = lambda: True) -> None:
        self.folder, self.code, self.when = str(folder.resolve()), code, when

    def _check(self, path: object) -> None:
        target = os.path.abspath(os.fspath(path))  # type: ignore[arg-type]
        if target.startswith(self.folder) and self.when():
            raise OSError(self.code, os.strerror(self.code), target)

    def install(self, monkeypatch: pytest.MonkeyPatch) -> None:
        real_open, real_os_open, real_mkdir = builtins.open, os.open, os.mkdir

        def guarded_open(file, mode="r", *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
            if isinstance(file, (str, bytes, os.PathLike)) and any(c in mode for c in "wax+"):
                self._check(file)
            return real_open(file, mode, *args, **kwargs)

        def guarded_os_open(path, flags, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
            if flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT):
                self._check(path)
            return real_os_open(path, flags, *args, **kwargs)

        def guarded_mkdir(path, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
            self._check(path)
            return real_mkdir(path, *args, **kwargs)

        monkeypatch.setattr(builtins, "open", guarded_open)
        monkeypatch.setattr(io, "open", guarded_open)
        monkeypatch.setattr(os, "open", guarded_os_open)
        monkeypatch.setattr(os, "mkdir", guarded_mkdir)


def _big_products(src: Path, count: int = 3) -> None:
    """Photos whose bundles take ~270 KB each (noise compresses badly), so a small disk fills up."""
    src.mkdir(parents=True)
    for i in range(count):
        pixels = noise_rgb(300, 200, seed=i)
        pixels[50:150, 80:220] = (200, 30, 30)
        write_image(src / f"p{i}.png", pixels)


@contextlib.contextmanager
def _tmpfs(where: Path, options: str) -> Iterator[Path]:
    where.mkdir(parents=True, exist_ok=True)
    if sys.platform != "linux" or os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root on Linux")
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(where)],
                             capture_output=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode(errors='replace').strip()}")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


def _assert_read_only_refused(run, src: Path, out: Path, before: dict[str, str], why: str) -> None:  # noqa: ANN001
    assert run.code == 2 and "Traceback" not in run.text
    assert f"vitrina: error: Cannot write to the output folder {out.resolve()}: {why}" in run.err
    assert list(out.iterdir()) == []  # not even a temp folder
    assert snapshot(src) == before


def test_a_read_only_output_folder_is_refused_before_any_work(shoot, tmp_path, tiny_seg_model, vitrina,
                                                              monkeypatch) -> None:
    out = tmp_path / "cards"
    out.mkdir()
    before = snapshot(shoot)
    RefusedWrites(out, errno.EACCES).install(monkeypatch)
    run = vitrina(*images_only(shoot, out, tiny_seg_model))
    _assert_read_only_refused(run, shoot, out, before, "Permission denied")


def test_a_read_only_mount_as_output_is_refused(shoot, tmp_path, tiny_seg_model, vitrina) -> None:
    before = snapshot(shoot)
    with _tmpfs(tmp_path / "cards", "ro,size=1m") as out:
        run = vitrina(*images_only(shoot, out, tiny_seg_model))
        _assert_read_only_refused(run, shoot, out, before, "Read-only file system")


def _assert_disk_full_outcome(run, src: Path, out: Path, before: dict[str, str]) -> None:  # noqa: ANN001
    assert run.code == 1 and "Traceback" not in run.text
    report = read_report(out)
    done = {f for f, r in report.items() if r["status"] == "done"}
    failed = {f: r["message"] for f, r in report.items() if r["status"] == "failed"}
    assert done and failed and len(done) + len(failed) == len(report)
    for name, message in failed.items():
        assert message.startswith("export failed: ") and message.endswith("No space left on device")
        assert f"✗ {name}: {message}" in run.err
    # What was exported is whole; what failed left nothing behind.
    assert [p.name for p in bundles(out)] == sorted(Path(f).stem for f in done)
    for folder in bundles(out):
        assert_complete_bundle(folder)
    assert not leftovers(out)
    assert snapshot(src) == before


def test_a_disk_that_fills_up_mid_run_fails_the_rest_cleanly(tmp_path, tiny_seg_model, vitrina,
                                                             monkeypatch) -> None:
    src, out = tmp_path / "shoot", tmp_path / "cards"
    _big_products(src)
    before = snapshot(src)
    out.mkdir()
    # The disk is full as soon as the first bundle is in place.
    RefusedWrites(out, errno.ENOSPC, when=lambda: bool(bundles(out))).install(monkeypatch)
    run = vitrina(*images_only(src, out, tiny_seg_model, "--batch-size", "1"))
    monkeypatch.undo()
    # report.csv could not be written either: stderr said so, and said which bundles failed.
    assert "Cannot write report.csv/manifest.csv" in run.err
    assert run.code == 1 and "Traceback" not in run.text
    assert run.err.count("No space left on device") >= 2
    # Bundles are written on parallel threads: one whose files were all on disk before the first
    # rename (only its fsyncs and rename were left, which RefusedWrites lets through) is whole.
    assert 1 <= len(bundles(out)) < 3 and not leftovers(out)
    for folder in bundles(out):
        assert_complete_bundle(folder)
    assert snapshot(src) == before


def test_a_real_full_disk_fails_the_bundles_that_do_not_fit(tmp_path, tiny_seg_model, vitrina) -> None:
    src = tmp_path / "shoot"
    _big_products(src)
    before = snapshot(src)
    with _tmpfs(tmp_path / "cards", "size=600k") as out:
        run = vitrina(*images_only(src, out, tiny_seg_model))
        _assert_disk_full_outcome(run, src, out, before)


def test_an_input_disk_that_cannot_take_the_mask_cache_still_exports(shoot, tmp_path, tiny_seg_model, vitrina,
                                                                     monkeypatch) -> None:
    """The state folder sits in the input folder; when it stops taking writes mid-run (allowed:
    the state folder itself), the photos are still exported and the user is told resume is lost."""
    out = tmp_path / "cards"
    before = snapshot(shoot)
    masks = shoot / ".vitrina" / "masks"
    RefusedWrites(shoot / ".vitrina", errno.ENOSPC, when=masks.exists).install(monkeypatch)
    run = vitrina(*images_only(shoot, out, tiny_seg_model))
    monkeypatch.undo()
    assert run.code == 0 and "Traceback" not in run.text
    assert run.err.count("a re-run will have to segment them again") == 1
    assert "Cannot save project state" in run.err
    assert len(bundles(out)) == 3 and np.all([r["status"] == "done" for r in read_report(out).values()])
    assert snapshot(shoot) == before


def test_the_input_folder_as_output_is_refused(shoot, tiny_seg_model, vitrina) -> None:
    before, entries = snapshot(shoot), sorted(p.name for p in shoot.iterdir())
    run = vitrina(*images_only(shoot, shoot, tiny_seg_model))
    assert run.code == 2 and "the output folder must not be the input folder" in run.err
    assert snapshot(shoot) == before
    assert sorted(p.name for p in shoot.iterdir() if p.name != ".vitrina") == entries


def test_an_image_that_only_partly_fits_on_the_disk_is_an_error_not_a_short_file(tmp_path) -> None:
    """Pillow's encoder, handed a real file, checks write(2) only for -1: on a nearly full disk
    the last chunk is written short and the save "succeeds" with a truncated file. The bundle
    around it then looked whole (seen once in CI as a truncated 01.jpg in a "done" bundle)."""
    from app.errors import ExportError
    from app.imaging import save_image

    rng = np.random.default_rng(1)
    noisy = rng.integers(0, 256, (96, 128, 3), dtype=np.uint8)  # ~30 KB as JPEG: one encoder chunk
    with _tmpfs(tmp_path / "disk", "size=64k") as disk:
        filler = disk / "filler"
        with open(filler, "wb", buffering=0) as fh:  # the disk filled up, then about 8 KB freed
            try:
                while fh.write(b"\0" * 4096):
                    pass
            except OSError:
                pass
        os.truncate(filler, filler.stat().st_size - 8 * 1024)
        target = disk / "01.jpg"
        with pytest.raises(ExportError, match="No space left on device"):
            save_image(target, noisy, quality=95, direct=True)
