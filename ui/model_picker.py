"""The segmentation model chooser in the toolbar: pinned hub models, or a model folder on disk."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QFileDialog, QWidget

from app import formats
from app.errors import ModelError
from app.i18n import translated
from app.segment import VARIANTS, cached_path, validate_layout
from ui import settings

_CHOOSE = "\0choose"


def model_missing(value: str) -> bool:
    """Process could not load ``value`` now: a hub model not (completely) in the download cache, or
    a model folder that is gone or incomplete. Reads a few files only: no network, no model load."""
    variant = VARIANTS.get(value)
    if variant is not None:
        return cached_path(variant) is None
    try:
        validate_layout(Path(value.removeprefix("local:")).expanduser())
    except ModelError:
        return True
    return False


class ModelPicker(QComboBox):
    model_changed = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setToolTip(self.tr("Segmentation model (hub models download on first use)"))
        self.setMinimumContentsLength(16)
        self.refill()
        self.activated.connect(self._on_activated)

    def refill(self) -> None:
        self.blockSignals(True)
        self.clear()
        for variant in VARIANTS.values():  # one without a built-in commit asks before its download
            size = formats.size(variant.download_mb * 1_000_000)  # «885 МБ», not "885 MB"
            self.addItem(f"{variant.name} ({size})", variant.name)
            self.setItemData(self.count() - 1, translated(variant.note), Qt.ItemDataRole.ToolTipRole)
        for folder in settings.model_folders():
            self.addItem(self.tr("Folder: {0}").format(Path(folder).name), folder)
            self.setItemData(self.count() - 1, folder, Qt.ItemDataRole.ToolTipRole)
        self.addItem(self.tr("Choose a model folder…"), _CHOOSE)
        current = settings.seg_model()
        index = self.findData(current)
        if index < 0 and current:
            self.insertItem(self.count() - 1, Path(current).name, current)
            index = self.count() - 2
        self.setCurrentIndex(max(index, 0))
        self.blockSignals(False)

    def seg_model(self) -> str:
        return settings.seg_model()

    def set_model(self, value: str) -> None:
        """Use ``value`` (a registry name or a model folder) for the next runs, and remember it."""
        if value not in VARIANTS:
            settings.add_model_folder(value)
        settings.set_seg_model(value)
        self.refill()
        self.model_changed.emit(value)

    def _on_activated(self, index: int) -> None:
        value = self.itemData(index)
        if value != _CHOOSE:
            self.set_model(value)
            return
        title = self.tr("Model folder (config.json, model.safetensors)")
        folder = QFileDialog.getExistingDirectory(self, title)
        if folder:
            self.set_model(folder)
        else:
            self.refill()  # cancelled: show the model still in use
