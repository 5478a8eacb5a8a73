"""The studio as a user drives it: drop a folder, process, choose, edit, export, cancel, reopen."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QWheelEvent
from PySide6.QtWidgets import QApplication

from app import imaging
from app.compose.backgrounds import BackgroundSpec
from app.compose.compose import compose
from app.project import Project
from app.studio import all_photos, background_for, canvas_for, card_of
from app.studio import process as process_module
from tests.ui.shoot import BROKEN, LOOSE, PRODUCT, fake_mask, make_shoot
from ui import settings
from ui.gallery import StatusRole
from ui.images import qimage_pixel
from ui.main_window import MainWindow
from ui.progress import progress_text

ROOT = Path(__file__).resolve().parents[2]
RED = BackgroundSpec(kind="solid", color="#ff0000")
TASK_TIMEOUT_MS = 60_000  # the first run imports torch


def drop_folder(window: MainWindow, folder: Path) -> None:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(folder))])
    enter = QDragEnterEvent(QPoint(50, 50), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                            Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(window, enter)
    assert enter.isAccepted()
    drop = QDropEvent(QPoint(50, 50), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                      Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(window, drop)


def run_task(qtbot, window: MainWindow, start) -> object:  # noqa: ANN001
    with qtbot.waitSignal(window.runner.finished, timeout=TASK_TIMEOUT_MS) as blocker:
        assert start()
    return blocker.args[1]


def show(qtbot, window: MainWindow, rels: Sequence[str]) -> None:  # noqa: ANN001
    with qtbot.waitSignal(window.preview.rendered, timeout=10_000):
        window.gallery.select(list(rels))


def result_pixel(window: MainWindow, x: int = 2, y: int = 2) -> tuple[int, int, int]:
    return qimage_pixel(window.preview.result.image(), x, y)


def badges(window: MainWindow) -> dict[str, str]:
    """What the gallery's status dots say, photo by photo."""
    photos = window.gallery.photos
    return {photos.rel(r): photos.index(r).data(StatusRole) for r in range(photos.rowCount())}


def near(colour: tuple[int, int, int], expected: tuple[int, int, int]) -> bool:
    """The tiny model leaves ~2 % alpha on white, so the background shows through at 98 %."""
    return max(abs(a - b) for a, b in zip(colour, expected, strict=True)) <= 8


def test_a_session_from_drop_to_export_and_back(qtbot, window, tmp_path, tiny_seg_model) -> None:
    shoot = make_shoot(tmp_path)
    drop_folder(window, shoot)
    assert window.project is not None and window.gallery.photos.rowCount() == 4
    window.set_seg_model(str(tiny_seg_model))

    result = run_task(qtbot, window, lambda: window.process(None))
    assert list(result.failed) == [BROKEN]
    assert badges(window) == {f"{PRODUCT}/1.png": "done", f"{PRODUCT}/2.jpg": "done", LOOSE: "done",
                              BROKEN: "error"}
    assert any(BROKEN in line for line in window.log.lines())

    # Choose a background: it is saved at once and the preview shows it.
    show(qtbot, window, [LOOSE])
    with qtbot.waitSignal(window.preview.rendered, timeout=10_000):
        window.backgrounds.choose(RED)
    assert near(result_pixel(window), (255, 0, 0))
    with qtbot.waitSignal(window.preview.rendered, timeout=10_000):
        window.backgrounds.swatches["pure-white"][0].click()
    assert near(result_pixel(window), (255, 255, 255))
    assert window.backgrounds.swatches["pure-white"][0].isChecked()

    # Edit the card title: saved (debounced) into the sidecar; a later run leaves it alone.
    with qtbot.waitSignal(window.card.saved, timeout=5_000):
        window.card.title.setText("Зелёный мяч")
    state = json.loads((shoot / ".vitrina" / "state.json").read_text("utf-8"))
    assert state["products"][LOOSE]["card"]["title"] == "Зелёный мяч"
    assert state["products"][LOOSE]["card_edited"] is True
    run_task(qtbot, window, lambda: window.process(None))
    assert window.card.title.text() == "Зелёный мяч"

    # Export: the bundle's image is the composition of the same choices.
    out = tmp_path / "cards"
    exported = run_task(qtbot, window, lambda: window.export_to(out))
    assert sorted(exported.bundles) == sorted([PRODUCT, LOOSE])
    project = window.project
    photo = imaging.load_photo(shoot / LOOSE)
    expected = compose(photo.rgb, project.load_mask(LOOSE), background_for(project, LOOSE),
                       canvas_for(project, LOOSE)).image
    saved = np.asarray(Image.open(out / "ball" / "01.jpg").convert("RGB"), np.int16)
    assert np.abs(saved - expected).mean() < 2
    assert json.loads((out / "ball" / "card.json").read_text("utf-8"))["card"]["title"] == "Зелёный мяч"
    assert window.export_box is not None and window.export_box.isVisible()
    window.export_box.close()

    # Close and reopen: masks, choices and text are all still there.
    window.close()
    again = MainWindow()
    again.show()
    try:
        assert again.open_folder(shoot)
        with qtbot.waitSignal(again.preview.rendered, timeout=10_000):
            again.gallery.select([LOOSE])
        assert again.backgrounds.swatches["pure-white"][0].isChecked()
        assert again.card.title.text() == "Зелёный мяч"
        assert near(result_pixel(again), (255, 255, 255))
        assert badges(again)[LOOSE] == "done"
        assert settings.recent_folders()[0] == str(shoot.resolve())
    finally:
        again.close()


class _SlowSegmenter:
    model_id, revision, device = "slow", "0", "cpu"

    def segment(self, images: Sequence[np.ndarray]) -> list[np.ndarray]:
        time.sleep(0.3)  # long enough for Cancel to arrive while photos are still waiting
        return [fake_mask(im) for im in images]

    def close(self) -> None:
        pass


def test_cancel_stops_the_run_and_keeps_what_is_done(qtbot, window, tmp_path, tiny_seg_model,
                                                     monkeypatch) -> None:
    monkeypatch.setattr(process_module, "load_default_segmenter", lambda *_: _SlowSegmenter())
    assert window.open_folder(make_shoot(tmp_path, extra=10))
    window.set_seg_model(str(tiny_seg_model))
    details: list[str] = []
    window.runner.progress.connect(lambda *_: details.append(window.progress.detail()))
    # Cancel as soon as the first photo is in. On the CPU the model takes one photo per call, so
    # the run stops after the photo in work, not after a batch of them.
    window.runner.item_done.connect(lambda *_: window.progress.cancel_button.click())
    result = run_task(qtbot, window, lambda: window.process(None))
    assert result.cancelled and 1 <= len(result.done) <= 2
    assert "Stopped" in window.statusBar().currentMessage()
    assert any(d.startswith("1 / 14 · ") for d in details)  # the count moves photo by photo
    shown = list(badges(window).values())
    assert shown.count("done") == len(result.done) and "pending" in shown
    assert window.acts.process_all.isEnabled()  # ready for the next run


def test_title_counter_turns_red_over_the_marketplace_limit(qtbot, window, tmp_path) -> None:
    assert window.open_folder(make_shoot(tmp_path))
    show(qtbot, window, [LOOSE])
    window.card.title.setText("я" * 60)
    assert window.card.title_count.text() == "60 / 60" and not window.card.title_over_limit()
    window.card.title.setText("я" * 61)
    assert window.card.title_over_limit()
    window.backgrounds.choose_marketplace("ozon")  # Ozon allows 500 characters (/v3/product/import)
    assert window.card.title_count.text() == "61 / 500" and not window.card.title_over_limit()
    window.card.title.setText("я" * 501)
    assert window.card.title_over_limit()


def test_the_two_views_zoom_together_and_thumbnails_load(qtbot, window, tmp_path) -> None:
    assert window.open_folder(make_shoot(tmp_path))
    show(qtbot, window, [LOOSE])
    view = window.preview.original
    wheel = QWheelEvent(QPointF(20, 20), QPointF(20, 20), QPoint(0, 0), QPoint(0, 240),
                        Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase,
                        False)
    view.wheelEvent(wheel)
    assert window.preview.result._zoom == pytest.approx(1.25**2)
    window.preview.fit()
    assert window.preview.result._zoom == 1.0
    thumbs = window.project.state_dir / "thumbs"
    qtbot.waitUntil(lambda: thumbs.is_dir() and len(list(thumbs.iterdir())) == 3, timeout=10_000)


def test_recent_folders_reopen_and_drops_of_files_are_refused(qtbot, window, tmp_path) -> None:
    shoot = make_shoot(tmp_path)
    assert window.open_folder(shoot)
    window.acts.recent_menu.aboutToShow.emit()
    actions = [a for a in window.acts.recent_menu.actions() if a.text() == str(shoot.resolve())]
    assert actions
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(shoot / LOOSE))])
    enter = QDragEnterEvent(QPoint(5, 5), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                            Qt.KeyboardModifier.NoModifier)
    enter.ignore()
    QApplication.sendEvent(window, enter)
    assert not enter.isAccepted()


def test_progress_text_tells_rate_and_time_left() -> None:
    assert progress_text(0, 10, 0.0, "photos") == "0 / 10"
    assert progress_text(5, 10, 2.5, "photos") == "5 / 10 · 2.0 photos/s · 0:02 left"
    assert progress_text(1, 3, 4.0, "photos") == "1 / 3 · 4.0\u00a0s each · 0:08 left"


def test_the_window_opens_without_loading_torch(tmp_path) -> None:
    code = (
        "import sys; from PySide6.QtWidgets import QApplication; app = QApplication([]);"
        "from ui.main_window import MainWindow; w = MainWindow(); w.show(); app.processEvents();"
        "print(','.join(m for m in sys.modules if m.split('.')[0] in ('torch', 'transformers')))"
    )
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_CONFIG_HOME": str(tmp_path)}
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                         check=True, timeout=60)
    assert out.stdout.strip() == ""


def test_apply_to_all_and_attributes_are_saved(qtbot, window, tmp_path) -> None:
    shoot = make_shoot(tmp_path)
    assert window.open_folder(shoot)
    show(qtbot, window, [LOOSE])
    window.backgrounds.choose(RED)
    window.backgrounds.choose_marketplace("ozon")
    window.backgrounds.apply_all.click()
    project = window.project
    assert {background_for(project, rel) for rel in all_photos(project)} == {RED}
    # Only the background: the canvas stays each product's own choice.
    assert {p.key: project.product(p.key).marketplace for p in project.products} == {
        PRODUCT: "", LOOSE: "ozon", BROKEN: ""}

    show(qtbot, window, [f"{PRODUCT}/2.jpg"])
    window.card.add_button.click()
    window.card.attributes.item(0, 0).setText("Материал")
    with qtbot.waitSignal(window.card.saved, timeout=5_000):
        window.card.attributes.item(0, 1).setText("керамика")
    assert card_of(Project(shoot), PRODUCT).attributes == {"Материал": "керамика"}
