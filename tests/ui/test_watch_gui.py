"""File → Watch this folder: a photo copied into the open folder appears in the gallery and is
processed, once; a file still being copied is not read until it has stopped growing; photos that
arrive during a run wait for it; the watch stops with its action or another folder."""

from __future__ import annotations

import io
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

from app.studio import all_photos, card_of
from app.studio import process as process_module
from tests.ui.shoot import LOOSE, fake_mask, make_shoot
from tests.ui.test_main_window import TASK_TIMEOUT_MS, badges, show
from ui import photo_tasks
from ui.main_window import MainWindow

NEW = "mug-03.png"


def _photo_bytes() -> bytes:
    im = Image.new("RGB", (200, 150), (255, 255, 255))
    ImageDraw.Draw(im).ellipse((60, 30, 140, 120), fill=(180, 60, 20))
    out = io.BytesIO()
    im.save(out, format="PNG")
    return out.getvalue()


def _count_runs(monkeypatch) -> list[list[str]]:  # noqa: ANN001
    """The photos of every Process run the window starts."""
    runs: list[list[str]] = []
    real = photo_tasks.process_photos

    def counted(project, rels, **kwargs):  # noqa: ANN001, ANN202
        runs.append(list(rels))
        return real(project, rels, **kwargs)

    monkeypatch.setattr(photo_tasks, "process_photos", counted)
    return runs


def _watch(window: MainWindow, settle: float) -> None:
    window.watch.settle = settle
    window.watch.timer.setInterval(100)
    window.acts.watch.trigger()  # File → Watch this folder
    assert window.watch.watching and window.acts.watch.isChecked()


def test_a_photo_copied_in_appears_and_is_processed_exactly_once_never_read_half_copied(
        qtbot, window: MainWindow, tmp_path: Path, tiny_seg_model, monkeypatch) -> None:
    shoot = make_shoot(tmp_path)
    assert window.open_folder(shoot)
    project = window.project
    window.set_seg_model(str(tiny_seg_model))
    assert not window.acts.watch.isChecked() and window.acts.watch.isEnabled()
    show(qtbot, window, [LOOSE])
    with qtbot.waitSignal(window.card.saved, timeout=5_000):
        window.card.title.setText("Мяч")  # something to undo: the watch must not lose the history
    runs = _count_runs(monkeypatch)
    _watch(window, settle=1.0)
    assert runs == []  # the photos the folder was opened with are not "new"

    # The tethering program writes the file over a second and a half: never read while it grows.
    data = _photo_bytes()
    cuts = np.linspace(len(data) // 4, len(data), 6).astype(int)
    with open(shoot / NEW, "wb") as fh:
        written = 0
        for cut in cuts:
            fh.write(data[written:cut])
            fh.flush()
            written = int(cut)
            qtbot.wait(250)
            if written < len(data):
                assert NEW not in all_photos(project)
                assert NEW not in badges(window)
    qtbot.waitUntil(lambda: badges(window).get(NEW) == "done", timeout=TASK_TIMEOUT_MS)
    qtbot.waitUntil(lambda: not window.runner.busy, timeout=TASK_TIMEOUT_MS)
    assert runs == [[NEW]]
    assert window.project is project  # the same project: its lock and undo history stay
    assert project.load_mask(NEW) is not None
    assert window.gallery.selected_rels() == [LOOSE]  # the user's selection is kept
    assert any(NEW in line for line in window.log.lines())
    qtbot.wait(600)  # more polls: nothing is processed twice
    assert runs == [[NEW]]

    window.acts.undo.trigger()
    assert card_of(project, LOOSE) is None  # the title edit before the arrival is still undoable

    window.acts.watch.trigger()  # unchecked: stopped
    assert not window.watch.watching and not window.watch.timer.isActive()
    (shoot / "later.png").write_bytes(data)
    qtbot.wait(1500)
    assert "later.png" not in badges(window) and runs == [[NEW]]


class _SlowSegmenter:
    def segment(self, images: Sequence[np.ndarray]) -> list[np.ndarray]:
        time.sleep(0.4)
        return [fake_mask(im) for im in images]

    def close(self) -> None:
        pass


def test_photos_arriving_during_a_run_wait_for_it_then_are_processed(
        qtbot, window: MainWindow, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(process_module, "load_default_segmenter", lambda *_: _SlowSegmenter())
    shoot = make_shoot(tmp_path, extra=6)
    assert window.open_folder(shoot)
    project = window.project
    runs = _count_runs(monkeypatch)
    _watch(window, settle=0.2)
    seen_at_the_end: list[bool] = []
    window.runner.finished.connect(lambda *_: seen_at_the_end.append(NEW in all_photos(project)))
    assert window.process(None)
    (shoot / NEW).write_bytes(_photo_bytes())  # lands while the model is busy
    qtbot.waitUntil(lambda: badges(window).get(NEW) == "done", timeout=TASK_TIMEOUT_MS)
    qtbot.waitUntil(lambda: not window.runner.busy, timeout=TASK_TIMEOUT_MS)
    assert seen_at_the_end[0] is False  # queued behind the run, not slipped into it
    assert len(runs) == 2 and runs[1] == [NEW] and NEW not in runs[0]


def test_opening_another_folder_stops_the_watch(qtbot, window: MainWindow, tmp_path: Path) -> None:
    first = make_shoot(tmp_path / "a")
    assert window.open_folder(first)
    _watch(window, settle=0.2)
    second = make_shoot(tmp_path / "b")
    assert window.open_folder(second)
    assert not window.watch.watching and not window.acts.watch.isChecked()
    (first / NEW).write_bytes(_photo_bytes())
    qtbot.wait(700)
    assert NEW not in badges(window)


def test_a_renamed_photo_keeps_its_work_and_a_photo_saved_again_is_processed_again(
        qtbot, window: MainWindow, processed: Path, monkeypatch) -> None:
    from app.compose.backgrounds import BackgroundSpec
    from app.studio import APPROVED, background_for, flag_of, set_photo_background
    from tests.ui.shoot import PRODUCT

    project = window.project
    red = BackgroundSpec(kind="solid", color="#ff0000")
    set_photo_background(project, [LOOSE], red)
    window.flags.apply(APPROVED, [LOOSE])
    runs = _count_runs(monkeypatch)
    _watch(window, settle=0.3)

    renamed = "мяч.png"
    (processed / LOOSE).rename(processed / renamed)  # the photographer names the file after the product
    qtbot.waitUntil(lambda: renamed in badges(window), timeout=TASK_TIMEOUT_MS)
    qtbot.waitUntil(lambda: not window.runner.busy, timeout=TASK_TIMEOUT_MS)
    assert LOOSE not in badges(window)
    assert badges(window)[renamed] == "done"  # its mask went with it: nothing to cut out again
    assert flag_of(project, renamed) == APPROVED and background_for(project, renamed) == red
    assert any("renamed" in line and renamed in line for line in window.log.lines())

    retouched = f"{PRODUCT}/1.png"
    before = project.photo(retouched).content_hash
    im = Image.new("RGB", (200, 150), (255, 255, 255))
    ImageDraw.Draw(im).rectangle((50, 40, 150, 120), fill=(20, 90, 200))
    time.sleep(0.01)
    im.save(processed / retouched)  # retouched and saved over itself
    qtbot.waitUntil(lambda: any(retouched in run for run in runs), timeout=TASK_TIMEOUT_MS)
    qtbot.waitUntil(lambda: not window.runner.busy, timeout=TASK_TIMEOUT_MS)
    assert project.photo(retouched).content_hash != before  # the mask is made from the new pixels
    assert badges(window)[retouched] == "done"
    assert any(retouched in line and "again" in line for line in window.log.lines())
