"""Before a Process that needs a model this computer does not have: download it (with progress) or
choose a folder with its files, then the run starts. Cancel leaves every photo as it was.

Without this, a run would spend its first seconds "Processing" and then mark every photo failed
with the loader's message; nothing is started until the model is there.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from app.firstrun.plan import SEGMENTATION
from ui import settings
from ui.model_picker import model_missing
from ui.welcome.models_page import ModelsPage


class ModelSetupDialog(QDialog):
    settings_changed = Signal()  # a folder was chosen: the window's model picker follows
    ready = Signal()  # the model is there now: the caller starts its run

    def __init__(self, model: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("The cut-out model is needed"))
        self.resize(820, 360)
        heading = QLabel(self.tr("<b>The cut-out model {0} is not on this computer yet.</b> Download it "
                                 "once (it is kept for every later run), or choose a folder with its "
                                 "files. Processing starts as soon as it is there.").format(model))
        heading.setWordWrap(True)
        self.models = ModelsPage(roles=(SEGMENTATION,), seg_model=model)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(self.models, 1)
        layout.addWidget(self.buttons)
        self.models.settings_changed.connect(self._settings_changed)
        self.models.busy_changed.connect(self._busy_changed)

    def _settings_changed(self) -> None:
        self.settings_changed.emit()
        self._done_if_ready()

    def _busy_changed(self, busy: bool) -> None:
        if not busy:
            self._done_if_ready()

    def _done_if_ready(self) -> None:
        # Whatever happened (a download, a folder), the model the run will use is what counts.
        if not self.models.downloading and not model_missing(settings.seg_model()):
            self.accept()
            self.ready.emit()

    def done(self, result: int) -> None:  # Cancel, Esc, the close box: the download stops (kept)
        self.models.shutdown()
        super().done(result)
