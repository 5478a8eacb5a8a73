"""While Process runs, the gallery shows which photos wait for the model and which it is on right now;
when the run ends, however it ends, no photo is left looking busy."""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from app.errors import ModelError
from app.studio import process as process_module
from tests.ui.shoot import BROKEN, LOOSE, PRODUCT, fake_mask, make_shoot
from ui.gallery import ACTIVITY_COLOURS, QUEUED, RUNNING, ActivityRole, StatusRole
from ui.main_window import MainWindow

TIMEOUT_MS = 30_000
FIRST_BATCH = [f"{PRODUCT}/1.png", f"{PRODUCT}/2.jpg", LOOSE, "extra-00.png"]  # the studio's batch is 4
LAST = "extra-01.png"  # the fifth photo waits for the second batch


class _GatedSegmenter:
    """Each batch waits until the test lets it through, so the run can be looked at half-way."""

    # On a GPU the studio hands the model a batch of 4, and the gallery shows all four as in work
    # (on the CPU it goes photo by photo: tests/ui/test_main_window.py's cancel test).
    model_id, revision, device = "gated", "0", "cuda:0"

    def __init__(self) -> None:
        self.passes = threading.Semaphore(0)
        self.error: Exception | None = None

    def segment(self, images: Sequence[np.ndarray]) -> list[np.ndarray]:
        if not self.passes.acquire(timeout=2 * TIMEOUT_MS / 1000):  # outlasts the test's own waits
            raise TimeoutError("the test never let this batch through")
        if self.error is not None:
            raise self.error
        return [fake_mask(im) for im in images]

    def close(self) -> None:
        pass


@pytest.fixture
def model(monkeypatch, window: MainWindow, tmp_path, tiny_seg_model) -> Iterator[_GatedSegmenter]:
    segmenter = _GatedSegmenter()
    monkeypatch.setattr(process_module, "load_default_segmenter", lambda *_: segmenter)
    assert window.open_folder(make_shoot(tmp_path, extra=2))
    window.set_seg_model(str(tiny_seg_model))
    yield segmenter
    # Whatever the test did, the worker must not be left waiting when the window closes.
    segmenter.passes.release(100)
    window.runner.wait(TIMEOUT_MS)


def activity(window: MainWindow) -> dict[str, str]:
    photos = window.gallery.photos
    return {photos.rel(r): photos.index(r).data(ActivityRole) for r in range(photos.rowCount())}


def statuses(window: MainWindow) -> dict[str, str]:
    photos = window.gallery.photos
    return {photos.rel(r): photos.index(r).data(StatusRole) for r in range(photos.rowCount())}


def tooltip(window: MainWindow, rel: str) -> str:
    photos = window.gallery.photos
    return photos.index(photos.row_of(rel)).data(Qt.ItemDataRole.ToolTipRole)


def ring_pixels(window: MainWindow, rel: str, colour: QColor) -> int:
    """Pixels of ``colour`` in the corner of the photo's tile, as the gallery paints it on screen."""
    gallery = window.gallery
    index = gallery.shown.mapFromSource(gallery.photos.index(gallery.photos.row_of(rel)))
    gallery.scrollTo(index)
    rect = gallery.visualRect(index)
    image = gallery.viewport().grab().toImage()
    corner = [(x, y) for x in range(rect.right() - 28, rect.right() + 1)
              for y in range(rect.top(), rect.top() + 28)]
    return sum(1 for x, y in corner if _near(image.pixelColor(x, y), colour))


def _near(a: QColor, b: QColor) -> bool:
    return max(abs(a.red() - b.red()), abs(a.green() - b.green()), abs(a.blue() - b.blue())) <= 12


def wait_running(qtbot, window: MainWindow, rels: Sequence[str]) -> None:  # noqa: ANN001
    qtbot.waitUntil(lambda: all(activity(window)[rel] == RUNNING for rel in rels), timeout=TIMEOUT_MS)


def test_photos_show_queued_then_processing_then_nothing(qtbot, window, model) -> None:
    assert window.process([*FIRST_BATCH, LAST])
    # At once, before the worker says anything: the chosen photos wait; the one not chosen does not.
    assert activity(window) == {**dict.fromkeys([*FIRST_BATCH, LAST], QUEUED), BROKEN: ""}
    assert "queued for processing" in tooltip(window, LAST)
    assert "queued" not in tooltip(window, BROKEN)

    wait_running(qtbot, window, FIRST_BATCH)  # the model holds the first batch
    assert activity(window)[LAST] == QUEUED
    assert "processing…" in tooltip(window, LOOSE) and "not processed yet" in tooltip(window, LOOSE)
    assert ring_pixels(window, LOOSE, ACTIVITY_COLOURS[RUNNING]) > 20
    assert ring_pixels(window, LAST, ACTIVITY_COLOURS[QUEUED]) > 20
    assert ring_pixels(window, LAST, ACTIVITY_COLOURS[RUNNING]) == 0
    assert ring_pixels(window, BROKEN, ACTIVITY_COLOURS[QUEUED]) == 0
    # The filters still go by the photo's status: nothing is "done" yet, all are still "pending".
    window.gallery.set_status_filter("done")
    assert window.gallery.shown_rels() == []
    window.gallery.set_status_filter("pending")
    assert len(window.gallery.shown_rels()) == 6
    window.gallery.set_status_filter("")

    model.passes.release()  # the first batch is done; the model takes the last photo
    wait_running(qtbot, window, [LAST])
    assert all(activity(window)[rel] == "" for rel in FIRST_BATCH)
    assert all(statuses(window)[rel] == "done" for rel in FIRST_BATCH)
    assert "processing…" not in tooltip(window, LOOSE) and "mask ready" in tooltip(window, LOOSE)

    with qtbot.waitSignal(window.runner.finished, timeout=TIMEOUT_MS):
        model.passes.release()
    assert set(activity(window).values()) == {""}
    assert statuses(window) == {**dict.fromkeys([*FIRST_BATCH, LAST], "done"), BROKEN: "pending"}
    assert "processing…" not in tooltip(window, LAST) and "queued" not in tooltip(window, LAST)
    assert ring_pixels(window, LAST, ACTIVITY_COLOURS[RUNNING]) == 0


def test_cancel_clears_the_photos_the_run_never_reached(qtbot, window, model) -> None:
    assert window.process([*FIRST_BATCH, LAST])
    wait_running(qtbot, window, FIRST_BATCH)
    window.progress.cancel_button.click()
    assert activity(window)[LAST] == QUEUED  # still waiting: the run stops at the next batch
    with qtbot.waitSignal(window.runner.finished, timeout=TIMEOUT_MS) as ended:
        model.passes.release()
    assert ended.args[1].cancelled
    assert set(activity(window).values()) == {""}
    assert statuses(window)[LAST] == "pending" and statuses(window)[LOOSE] == "done"


def test_a_photo_the_model_fails_on_is_no_longer_shown_busy(qtbot, window, model) -> None:
    model.error = ModelError("CUDA out of memory")
    assert window.process([*FIRST_BATCH, LAST])
    wait_running(qtbot, window, FIRST_BATCH)
    model.passes.release()
    wait_running(qtbot, window, [LAST])
    assert all(activity(window)[rel] == "" and statuses(window)[rel] == "error" for rel in FIRST_BATCH)
    with qtbot.waitSignal(window.runner.finished, timeout=TIMEOUT_MS):
        model.passes.release()
    assert set(activity(window).values()) == {""}


def test_a_crashed_run_leaves_no_photo_busy(qtbot, window, model) -> None:
    model.error = RuntimeError("a bug in the model code")
    assert window.process([*FIRST_BATCH, LAST])
    wait_running(qtbot, window, FIRST_BATCH)
    with qtbot.waitSignal(window.runner.failed, timeout=TIMEOUT_MS):
        model.passes.release()
    assert set(activity(window).values()) == {""}
    assert any("a bug in the model code" in line for line in window.log.lines())


def test_a_change_of_activity_repaints_only_its_rows(window, model) -> None:
    photos = window.gallery.photos
    repainted: list[tuple[int, int]] = []
    photos.dataChanged.connect(
        lambda first, last, roles: ActivityRole in roles and repainted.append((first.row(), last.row())))
    photos.mark_queued([photos.rel(row) for row in (1, 2, 4)])
    photos.mark_running(photos.rel(2))
    photos.clear_activity(photos.rel(1))
    photos.clear_activity()
    assert repainted == [(1, 2), (4, 4), (2, 2), (1, 1), (2, 2), (4, 4)]
