"""Copy settings (Ctrl+Shift+C) from the current photo and paste them (Ctrl+Shift+V) onto the selected
ones, choosing in a small dialog what to paste; the last choice of parts is remembered."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QCheckBox, QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from app.project import Project
from app.studio.clipboard import (
    BACKGROUND,
    CANVAS,
    PARTS,
    PLACEMENT,
    SHADOW,
    Settings,
    available_parts,
    paste,
)
from ui import settings

PARTS_KEY = "paste/parts"
DEFAULT_PARTS = (BACKGROUND, CANVAS, SHADOW)  # placement is a photo's own framing: asked for, not assumed


def remembered_parts() -> set[str]:
    raw = settings.settings().value(PARTS_KEY)
    if raw is None:
        return set(DEFAULT_PARTS)
    values = raw.split(",") if isinstance(raw, str) else list(raw) if isinstance(raw, list | tuple) else []
    # A hand-edited INI file cannot break it: what is not a part is dropped.
    return {v.strip() for v in values if isinstance(v, str) and v.strip() in PARTS}


def remember_parts(parts: set[str]) -> None:
    # One comma-joined string: QSettings' INI turns a one-item list into a plain string. "none" (no
    # part at all) must not read back as "never chosen", which would bring the defaults back.
    settings.settings().setValue(PARTS_KEY, ",".join(p for p in PARTS if p in parts) or "none")


class PasteDialog(QDialog):
    """Which of the copied settings to paste onto the selected photos."""

    def __init__(self, snapshot: Settings, count: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Paste settings"))
        self.setWindowModality(Qt.WindowModality.WindowModal)
        names = {BACKGROUND: self.tr("Background"), CANVAS: self.tr("Canvas (marketplace)"),
                 PLACEMENT: self.tr("Placement"), SHADOW: self.tr("Shadow and reflection")}
        usable = available_parts(snapshot)
        chosen = remembered_parts()
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("Paste onto %n selected photo(s):", "", count)))
        self.boxes: dict[str, QCheckBox] = {}
        for part in PARTS:
            box = QCheckBox(names[part])
            box.setEnabled(part in usable)
            box.setChecked(part in usable and part in chosen)
            if part not in usable:
                box.setToolTip(self.tr("The copied background draws no shadow"))
            box.toggled.connect(self._update_ok)
            layout.addWidget(box)
            self.boxes[part] = box
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Paste"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self._update_ok()

    def parts(self) -> set[str]:
        return {part for part, box in self.boxes.items() if box.isChecked() and box.isEnabled()}

    def _update_ok(self) -> None:
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(bool(self.parts()))

    def accept(self) -> None:
        # Only the parts the user could see and change: a shadowless copy does not forget "Shadow".
        remembered = remembered_parts() - {p for p, box in self.boxes.items() if box.isEnabled()}
        remember_parts(remembered | self.parts())
        super().accept()


class SettingsClipboard(QObject):
    """The copied settings and the paste that applies them (one undo step, saved at once)."""

    copied = Signal(str)  # what was copied, for the status bar
    pasted = Signal(str)  # the undo label of the paste: the window shows the photos again

    def __init__(self, parent: QWidget, *, project: Callable[[], Project | None], current: Callable[[], str],
                 selected: Callable[[], list[str]]) -> None:
        super().__init__(parent)
        self._parent, self._project, self._current, self._selected = parent, project, current, selected
        self.snapshot: Settings | None = None  # kept across folders: backgrounds and canvases travel
        self.dialog: PasteDialog | None = None

    def copy(self) -> bool:
        project, rel = self._project(), self._current()
        if project is None or not rel:
            return False
        self.snapshot = Settings.take(project, rel)
        self.copied.emit(self.tr("Copied the settings of {0}").format(rel))
        return True

    def paste(self) -> PasteDialog | None:
        """Ask what to paste (the dialog is returned open; it pastes when the user presses Paste)."""
        project, rels, snapshot = self._project(), self._selected(), self.snapshot
        if project is None or not rels or snapshot is None:
            return None
        dialog = PasteDialog(snapshot, len(rels), self._parent)
        dialog.accepted.connect(lambda: self.paste_parts(project, rels, snapshot, dialog.parts()))
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        self.dialog = dialog
        return dialog

    def paste_parts(self, project: Project, rels: list[str], snapshot: Settings, parts: set[str]) -> str:
        if not parts:
            return ""
        words = {BACKGROUND: self.tr("background"), CANVAS: self.tr("canvas"),
                 PLACEMENT: self.tr("placement"), SHADOW: self.tr("shadow")}
        what = self.tr(", ").join(words[p] for p in PARTS if p in parts)
        label = self.tr("Pasted {0} to %n photo(s)", "", len(rels)).format(what)
        paste(project, rels, snapshot, parts, label=label)
        self.pasted.emit(label)
        return label
