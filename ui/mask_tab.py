"""The Mask tab: the brush (ui/brush MaskEditor) on the current photo; every finished edit is saved."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QStackedLayout, QWidget

from app.errors import VitrinaError
from app.imaging import load_photo
from app.project import Project
from ui.brush import MaskEditor


class MaskTab(QWidget):
    maskSaved = Signal(str)  # the photo whose edited mask was just written
    saveFailed = Signal(str, str)  # photo, why

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.project: Project | None = None
        self.rel = ""
        self._made: np.ndarray | None = None  # the model's (or the file's) mask: edits measured against it
        self.editor = MaskEditor(self)
        self.message = QLabel(self.tr("Process this photo first"), self)
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._stack = QStackedLayout(self)
        self._stack.addWidget(self.message)
        self._stack.addWidget(self.editor)
        self.editor.maskChanged.connect(self._save)

    def show_photo(self, project: Project | None, rel: str) -> None:
        """Edit ``rel``'s mask over the full photo, or say why there is nothing to edit."""
        self.project, self.rel = project, rel
        self.editor.clear()  # no stroke may land on the previous photo's mask
        self._made = None
        mask = project.load_mask(rel) if project is not None and rel else None
        if project is None or mask is None:
            self._say(self.tr("Process this photo first") if rel else "")
            return
        try:
            rgb = load_photo(project.photo_path(rel)).rgb
            model = project.load_model_mask(rel)
            if model is not None and model.shape != mask.shape:
                model = None  # a stale copy: no reset rather than a wrong one
            self.editor.set_image(rgb, mask, model)
            self._made = model
        except (VitrinaError, OSError, ValueError) as exc:
            self._say(self.tr("Cannot edit this mask: {0}").format(exc))
            return
        self._stack.setCurrentWidget(self.editor)

    def _say(self, text: str) -> None:
        self.message.setText(text)
        self._stack.setCurrentWidget(self.message)

    def _save(self, alpha: np.ndarray) -> None:
        if self.project is None or not self.rel:
            return
        try:
            # Undone or reset back to exactly the made mask: the photo is the model's again, not
            # "edited" (and a later Process may replace it with a better model's mask).
            back = self._made is not None and np.array_equal(alpha, self._made)
            if back and self.project.photo(self.rel).mask_source != "edited":
                return  # the saved mask is this very made mask already
            if not (back and self.project.restore_made_mask(self.rel)):
                self.project.save_mask(self.rel, alpha, source="edited")
        except (VitrinaError, OSError) as exc:
            self.saveFailed.emit(self.rel, str(exc))
            return
        self.maskSaved.emit(self.rel)
