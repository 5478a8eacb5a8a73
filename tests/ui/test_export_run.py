"""One-click export: the first Export asks where (and never into the photo folder), later ones go
straight to the remembered folder with the remembered options, across sessions."""

from __future__ import annotations

import json
from pathlib import Path

from PIL import Image

from app.compose.backgrounds import BackgroundSpec
from app.project import ExportTarget, Project
from app.studio import set_marketplace, set_product_background
from tests.ui.shoot import LOOSE, PRODUCT
from tests.ui.test_main_window import run_task
from ui.export_dialog import ExportDialog
from ui.main_window import MainWindow


def _open_dialog(window: MainWindow) -> ExportDialog:
    assert window.export()  # nothing remembered yet: Export asks first
    dialog = window.dialog
    assert isinstance(dialog, ExportDialog) and dialog.isVisible()
    return dialog


def test_first_export_asks_then_one_click_goes_to_the_same_folder(qtbot, window, processed, tmp_path) -> None:
    dialog = _open_dialog(window)
    # The suggestion sits beside the photo folder, named after it.
    assert Path(dialog.folder.text()).parent == processed.parent
    assert processed.name in Path(dialog.folder.text()).name
    # Inside the photo folder the bundles would come back as photos: refused before anything runs.
    dialog.folder.setText(str(processed / "out"))
    assert not dialog.export_button.isEnabled() and dialog.problem.text()
    dialog.folder.setText("relative/folder")
    assert not dialog.export_button.isEnabled()
    out = tmp_path / "cards"
    dialog.folder.setText(str(out))
    assert dialog.export_button.isEnabled()
    result = run_task(qtbot, window, lambda: dialog.export_button.click() or True)
    assert sorted(result.bundles) == sorted([PRODUCT, LOOSE])
    window.export_box.close()
    assert str(out) in window.acts.export.toolTip()  # the one-click target is visible before clicking

    # A change, then Export: no dialog, the bundle is made again with the change (replace is on).
    set_product_background(window.project, [LOOSE], BackgroundSpec(kind="solid", color="#ff0000"))
    window.dialog = None
    result = run_task(qtbot, window, window.export)
    assert window.dialog is None  # no dialog: straight to the remembered folder
    assert sorted(result.bundles) == sorted([PRODUCT, LOOSE]) and not result.existing
    card = json.loads((out / "ball" / "card.json").read_text("utf-8"))
    assert card["background"]["color"] == "#ff0000"
    window.export_box.close()

    # The choice belongs to the photo folder: it is there for the next session.
    assert Project(processed).state.export == ExportTarget(folder=str(out), replace=True, fix=False)


def test_keep_existing_bundles_when_replace_is_off(qtbot, window, processed, tmp_path) -> None:
    out = tmp_path / "cards"
    dialog = _open_dialog(window)
    dialog.folder.setText(str(out))
    run_task(qtbot, window, lambda: dialog.export_button.click() or True)
    window.export_box.close()
    before = (out / "ball" / "01.jpg").stat().st_mtime_ns

    dialog = ExportDialog(processed, window.project.state.export, window)
    dialog.replace.setChecked(False)
    window.dialog = dialog
    dialog.accepted.connect(lambda: window.exports._chosen(dialog))
    result = run_task(qtbot, window, lambda: dialog.export_button.click() or True)
    assert sorted(result.existing) == sorted([PRODUCT, LOOSE]) and not result.bundles
    assert (out / "ball" / "01.jpg").stat().st_mtime_ns == before
    assert "kept" in window.statusBar().currentMessage()
    window.export_box.close()


def test_fix_for_the_marketplace_flattens_what_it_would_refuse(qtbot, window, processed, tmp_path) -> None:
    # Yandex Market takes no transparency; a transparent background makes a PNG with alpha.
    set_marketplace(window.project, [LOOSE], "ym")
    set_product_background(window.project, [LOOSE], BackgroundSpec(kind="transparent"))
    out = tmp_path / "cards"
    dialog = _open_dialog(window)
    dialog.folder.setText(str(out))
    dialog.fix.setChecked(True)
    run_task(qtbot, window, lambda: dialog.export_button.click() or True)
    window.export_box.close()
    report = json.loads((out / "ball" / "compliance.json").read_text("utf-8"))
    assert report["fixes"], report
    card = json.loads((out / "ball" / "card.json").read_text("utf-8"))
    image = out / "ball" / card["files"][0]["image"]
    with Image.open(image) as im:
        assert "A" not in im.getbands()
    assert any("fixed for" in line for line in window.log.lines())

    # Without the option the same bundle keeps its alpha and the check says it fails.
    window.export_to(tmp_path / "plain")
    qtbot.waitUntil(lambda: not window.runner.busy, timeout=60_000)
    window.export_box.close()
    plain = json.loads((tmp_path / "plain" / "ball" / "compliance.json").read_text("utf-8"))
    assert plain["status"] == "fail" and not plain["fixes"]


def test_a_remembered_folder_on_a_missing_disk_asks_again(qtbot, window, processed, tmp_path) -> None:
    """An unplugged drive: one click must not create the folder somewhere else; it asks instead."""
    from app.studio import remember_export_target

    gone = tmp_path / "unplugged-drive" / "cards"
    remember_export_target(window.project, ExportTarget(folder=str(gone)))
    assert window.export()
    dialog = window.dialog
    assert isinstance(dialog, ExportDialog) and dialog.folder.text() == str(gone)
    assert not dialog.export_button.isEnabled() and "unplugged-drive" in dialog.problem.text()
    dialog.reject()
    assert not window.runner.busy and not gone.parent.exists()
