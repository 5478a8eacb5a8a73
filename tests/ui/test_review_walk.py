"""The review walk of issue 15, through the real window and its keys: process a folder, see the
results in the grid, flag with P/X, copy and paste settings, place one product by hand, export only
the approved products, and reopen the folder to find everything as it was."""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QDialogButtonBox

from app.studio import background_for, marketplace_of, placement_for
from app.studio import process as process_module
from app.studio.flags import APPROVED, REJECTED, flag_of
from app.studio.thumbs import has_result
from tests.ui.shoot import LOOSE, PRODUCT, FakeSegmenter, make_shoot
from tests.ui.test_main_window import run_task, show
from ui.main_window import MainWindow

ONE, TWO = f"{PRODUCT}/1.png", f"{PRODUCT}/2.jpg"
EXTRA = "extra-00.png"


def _key(window: MainWindow, key: Qt.Key, modifiers=Qt.KeyboardModifier.NoModifier) -> None:  # noqa: ANN001
    window.activateWindow()
    window.gallery.setFocus()
    QTest.keyClick(window.gallery, key, modifiers)


def test_process_review_flag_paste_place_export_approved_and_reopen(qtbot, window: MainWindow, tmp_path: Path,
                                                                     monkeypatch) -> None:
    monkeypatch.setattr(process_module, "load_default_segmenter", lambda *_: FakeSegmenter())
    shoot = make_shoot(tmp_path, extra=1)
    # 1. process the folder
    assert window.open_folder(shoot)
    run_task(qtbot, window, lambda: window.process(None))
    project = window.project
    assert project is not None

    # 2. the grid shows results, not originals, for every processed photo
    assert not window.acts.show_originals.isChecked()
    assert all(has_result(project, rel) for rel in (ONE, TWO, LOOSE, EXTRA))

    # 3. flag with the keys: the product's two photos and the loose one approved, the extra rejected
    show(qtbot, window, [ONE, TWO])
    _key(window, Qt.Key.Key_P)
    show(qtbot, window, [LOOSE])
    _key(window, Qt.Key.Key_P)
    show(qtbot, window, [EXTRA])
    _key(window, Qt.Key.Key_X)
    assert [flag_of(project, rel) for rel in (ONE, TWO, LOOSE, EXTRA)] == [APPROVED] * 3 + [REJECTED]

    # 4. copy the loose photo's settings (Mint on a Wildberries canvas) and paste them onto the product
    show(qtbot, window, [LOOSE])
    window.backgrounds.swatches["mint"][0].click()
    window.backgrounds.choose_marketplace("wb")
    chosen = background_for(project, LOOSE)
    _key(window, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    show(qtbot, window, [ONE, TWO])
    window.acts.paste_settings.trigger()
    dialog = window.clipboard.dialog
    assert dialog is not None
    for part, box in dialog.boxes.items():
        box.setChecked(part in ("background", "canvas"))
    with qtbot.waitSignal(window.preview.rendered, timeout=10_000):
        dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    assert background_for(project, ONE) == background_for(project, TWO) == chosen
    assert marketplace_of(project, PRODUCT) == "wb"

    # 5. the loose photo is small on its canvas: make it fill 60 % by hand
    show(qtbot, window, [LOOSE])
    bar = window.preview.placement
    with qtbot.waitSignal(window.preview.rendered, timeout=10_000):
        bar.fill_spin.setValue(60)
        bar.commit_fill()
    placed = placement_for(project, LOOSE)
    assert placed is not None and abs(placed.fill - 0.6) < 1e-6

    # 6. export only the approved products: the product and the loose photo, never the rejected extra
    out = tmp_path / "cards"
    with qtbot.waitSignal(window.runner.finished, timeout=60_000):
        assert window.export_to(out, scope="approved")
    bundles = sorted(p.name for p in out.iterdir() if p.is_dir())
    assert bundles == sorted([PRODUCT, Path(LOOSE).stem])
    card = json.loads((out / Path(LOOSE).stem / "card.json").read_text("utf-8"))
    assert card["marketplace"] == "wb"

    # 7. reopen: flags, backgrounds, canvas and placement are as they were
    window.close()
    again = MainWindow()
    qtbot.addWidget(again)
    again.show()
    try:
        assert again.open_folder(shoot)
        reopened = again.project
        assert reopened is not None and reopened is not project
        assert [flag_of(reopened, rel) for rel in (ONE, TWO, LOOSE, EXTRA)] == [APPROVED] * 3 + [REJECTED]
        assert background_for(reopened, ONE) == chosen and marketplace_of(reopened, PRODUCT) == "wb"
        assert placement_for(reopened, LOOSE) == placed
    finally:
        again.close()
