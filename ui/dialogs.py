"""The small dialogs and menus around folders: export target, confirm stop, recent folders."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QFileDialog, QMenu, QMessageBox, QWidget

from ui import settings

# Called by this name with literal strings so that pyside6-lupdate finds them (context "dialogs").
translate = QCoreApplication.translate


def choose_export(parent: QWidget) -> tuple[str, bool] | None:
    """The export folder and whether existing bundles may be replaced; None when cancelled."""
    folder = QFileDialog.getExistingDirectory(parent, translate("dialogs", "Export the card bundles into…"))
    if not folder:
        return None
    buttons = QMessageBox.StandardButton
    question = translate("dialogs", "Replace bundles that already exist in this folder?")
    title = translate("dialogs", "Export")
    replace = QMessageBox.question(parent, title, question, buttons.Yes | buttons.No, buttons.No)
    return folder, replace == buttons.Yes


def confirm_stop(parent: QWidget, task: str) -> bool:
    """Closing during a task: stop it (keeping what is done) and close, or keep working?"""
    buttons = QMessageBox.StandardButton
    text = translate("dialogs", "A task is still running ({0}). Stop it and close? Everything finished so "
                                "far is saved.").format(task)
    title = translate("dialogs", "Close Vitrina")
    answer = QMessageBox.question(parent, title, text, buttons.Yes | buttons.No, buttons.No)
    return answer == buttons.Yes


def fill_recent_menu(menu: QMenu, open_folder: Callable[[str], object]) -> None:
    menu.clear()
    for folder in settings.recent_folders():
        menu.addAction(folder, lambda f=folder: open_folder(f))
    if menu.isEmpty():
        menu.addAction(translate("dialogs", "(none yet)")).setEnabled(False)
    else:
        menu.addSeparator()
        menu.addAction(translate("dialogs", "Clear the list"), settings.clear_recent_folders)
