"""The studio's loaded models: kept between tasks, released when idle or when the choice changes,
and shown in the status bar with the memory they hold (``app.studio.kept_models``)."""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QLabel

from app import formats
from app import settings as app_settings
from app.studio.kept_models import KeptModels

IDLE_CHECK_MS = 30_000


def _choice(s: app_settings.Settings) -> tuple:
    """What the kept models were loaded for: a change releases them at once."""
    return (s.seg_model, s.vlm_model, s.writer_model, s.device, s.precision, s.describer, s.text_provider)


class ModelKeeping(QObject):
    _changed = Signal()  # KeptModels reports from the worker thread; the label changes on this one

    def __init__(self) -> None:
        super().__init__()
        chosen = app_settings.load()
        self.kept = KeptModels(idle_s=chosen.keep_models_minutes * 60)
        self._choice = _choice(chosen)
        self.label = QLabel()
        self.label.setToolTip(self.tr("Models stay loaded between tasks so the next Process or card text "
                                      "starts at once; they are released after the time set in Settings"))
        self.kept.changed = self._changed.emit
        self._changed.connect(self.show)
        self.timer = QTimer(self)
        self.timer.setInterval(IDLE_CHECK_MS)
        self.timer.timeout.connect(self.kept.release_idle)
        self.timer.start()
        self.show()

    def settings_saved(self) -> None:
        chosen = app_settings.load()
        self.kept.idle_s = chosen.keep_models_minutes * 60
        if _choice(chosen) != self._choice:
            self._choice = _choice(chosen)
            self.kept.release_all()
        self.kept.release_idle()

    def show(self) -> None:
        names = self.kept.loaded()
        if not names:
            self.label.setText(self.tr("No model loaded"))
            return
        text = self.tr("Loaded: {0}").format(", ".join(names))
        if weights := self.kept.memory_bytes():
            text += f" · {formats.size(weights)}"
        gpu = _gpu_bytes()
        if gpu:
            text += " · " + self.tr("GPU memory in use: {0}").format(formats.size(gpu))
        self.label.setText(text)

    def shutdown(self) -> None:
        self.timer.stop()
        self.kept.release_all()


def _gpu_bytes() -> int:
    torch = sys.modules.get("torch")  # never imported just for the status bar
    try:
        return int(torch.cuda.memory_allocated()) if torch is not None and torch.cuda.is_available() else 0
    except Exception:  # a driver problem: the models say so when they run
        return 0
