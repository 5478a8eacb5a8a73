"""The user's own presets in the Background tab: their swatches under "Your presets", Save as preset…
and Delete preset (the user's own only; the built-in backgrounds cannot be deleted)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMenu,
    QMessageBox,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.compose.backgrounds import BackgroundSpec
from app.errors import VitrinaError
from app.studio.choices import ORIGINAL_SIZE
from app.studio.presets import UserPreset, delete_preset, find, load_presets, save_preset

_COLUMNS = 4


class UserPresets(QWidget):
    chosen = Signal(object)  # a UserPreset the user clicked: apply it to the selected photos
    save_requested = Signal()  # Save as preset… was pressed
    changed = Signal()  # the list of presets changed: the panel shows which one is chosen again

    def __init__(self, swatch: Callable[[str, QIcon], QToolButton], icon: Callable[[BackgroundSpec], QIcon],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._swatch, self._icon = swatch, icon
        self.presets: list[UserPreset] = []
        self.buttons: dict[str, QToolButton] = {}  # preset name -> its swatch
        title = self.tr("Your presets")  # outside the f-string, where lupdate can read it
        self.title = QLabel(f"<b>{title}</b>")
        self.grid = QGridLayout()
        self.save_button = QPushButton(self.tr("Save as preset…"))
        self.save_button.setToolTip(self.tr("Keep this background, canvas and shadow under a name, to apply "
                                            "to other photos with one click"))
        self.save_button.clicked.connect(self.save_requested)
        self.delete_button = QToolButton()
        self.delete_button.setText(self.tr("Delete preset"))
        self.delete_button.setToolTip(self.tr("Delete one of your presets (the built-in ones stay)"))
        self.delete_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.delete_button.setMenu(QMenu(self.delete_button))
        row = QHBoxLayout()
        row.addWidget(self.save_button)
        row.addWidget(self.delete_button)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addLayout(self.grid)
        layout.addLayout(row)
        self._usable = False
        self.reload()

    def set_usable(self, usable: bool) -> None:
        """Photos are selected: the presets can be applied and the shown background saved."""
        self._usable = usable
        for button in (*self.buttons.values(), self.save_button):
            button.setEnabled(usable)

    def matching(self, spec: BackgroundSpec, market: str) -> QToolButton | None:
        """The swatch of the user's preset that is exactly this look (background, shadow and canvas)."""
        preset = next((p for p in self.presets if p.background == spec
                       and (p.marketplace if p.marketplace != ORIGINAL_SIZE else "") == market), None)
        return self.buttons[preset.name] if preset is not None else None

    def reload(self) -> None:
        """Show the presets file as it is now (another window may have saved one)."""
        for button in self.buttons.values():
            if button.group() is not None:
                button.group().removeButton(button)
            button.deleteLater()
        self.buttons.clear()
        self.presets = load_presets()
        for i, preset in enumerate(self.presets):
            button = self._swatch(preset.name, self._safe_icon(preset.background))
            tip = self.tr("Your preset “{0}”: its background, shadow and canvas")
            button.setToolTip(tip.format(preset.name))
            button.setEnabled(self._usable)
            button.clicked.connect(lambda _=False, p=preset: self.chosen.emit(p))
            self.buttons[preset.name] = button
            self.grid.addWidget(button, i // _COLUMNS, i % _COLUMNS)
        self.title.setVisible(bool(self.presets))
        menu = self.delete_button.menu()
        menu.clear()
        for preset in self.presets:
            action = menu.addAction(preset.name.replace("&", "&&"))
            action.triggered.connect(lambda _=False, name=preset.name: self.delete(name))
        self.delete_button.setEnabled(bool(self.presets))
        self.changed.emit()

    def _safe_icon(self, spec: BackgroundSpec) -> QIcon:
        try:
            return self._icon(spec)
        except VitrinaError:  # an image background whose file is gone: the preset stays usable
            return QIcon()

    def save(self, preset: UserPreset) -> bool:
        """Save it, asking first when one of the same name exists; False when not saved."""
        existing = find(self.presets, preset.name)
        if existing is not None and not self.ask_replace(existing.name):
            return False
        try:
            save_preset(preset)
        except VitrinaError as exc:
            QMessageBox.warning(self, self.tr("Save as preset"), str(exc))
            return False
        self.reload()
        return True

    def delete(self, name: str) -> None:
        """Forget one of the user's presets (asks first; photos that use its background keep it)."""
        buttons = QMessageBox.StandardButton
        answer = QMessageBox.question(self, self.tr("Delete preset"),
                                      self.tr("Delete your preset “{0}”? Photos keep their backgrounds.")
                                      .format(name), buttons.Yes | buttons.No, buttons.No)
        if answer != buttons.Yes:
            return
        try:
            delete_preset(name)
        except VitrinaError as exc:
            QMessageBox.warning(self, self.tr("Delete preset"), str(exc))
        self.reload()

    def ask_name(self) -> str:
        name, ok = QInputDialog.getText(self, self.tr("Save as preset"), self.tr("Preset name:"),
                                        QLineEdit.EchoMode.Normal, "")
        return " ".join(name.split()) if ok else ""

    def ask_replace(self, name: str) -> bool:
        buttons = QMessageBox.StandardButton
        answer = QMessageBox.question(self, self.tr("Save as preset"),
                                      self.tr("You already have a preset “{0}”. Replace it?").format(name),
                                      buttons.Yes | buttons.No, buttons.No)
        return answer == buttons.Yes
