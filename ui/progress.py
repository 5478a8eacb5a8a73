"""The status bar's progress: count, rate, time left, and a Cancel that really stops the task."""

from __future__ import annotations

import time

from PySide6.QtCore import QCoreApplication, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QWidget

from app import formats

# Called by this name with literal strings so that pyside6-lupdate finds them (context "progress").
translate = QCoreApplication.translate


def progress_text(done: int, total: int, elapsed: float, unit: str) -> str:
    """``12 / 40 · 3.1 photos/s · 0:09 left`` (rate and time left once there is a rate to tell)."""
    text = f"{done} / {total}"
    if done <= 0 or elapsed <= 0:
        return text
    rate = done / elapsed
    if rate >= 1:
        text += " · " + translate("progress", "{0} {1}/s").format(formats.decimal(rate, 1), unit)
    else:
        text += " · " + translate("progress", "{0}\u00a0s each").format(formats.decimal(1 / rate, 1))
    if total > done:
        left = round((total - done) / rate)
        text += " · " + translate("progress", "{0} left").format(formats.duration(left))
    return text


class ProgressStatus(QWidget):
    cancel_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._title = QLabel()
        self._bar = QProgressBar()
        self._bar.setMaximumWidth(220)
        self._bar.setTextVisible(False)
        self._detail = QLabel()
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.clicked.connect(self._cancel)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for widget in (self._title, self._bar, self._detail, self.cancel_button):
            layout.addWidget(widget)
        self._started = 0.0
        self._unit = ""
        self.hide()

    def start(self, title: str, unit: str) -> None:
        self._title.setText(title)
        self._unit = unit
        self._started = time.monotonic()
        self._bar.setRange(0, 0)  # busy until the first count arrives (e.g. while the model loads)
        self._detail.setText("")
        self.cancel_button.setEnabled(True)
        self.cancel_button.setText(self.tr("Cancel"))
        self.show()

    def switch(self, title: str, unit: str) -> None:
        """Another stage of the same task (a model download before the photos): restart the clock."""
        if title != self._title.text():
            self.start(title, unit)

    def update_count(self, done: int, total: int) -> None:
        self._bar.setRange(0, max(total, 1))
        self._bar.setValue(done)
        self._detail.setText(progress_text(done, total, time.monotonic() - self._started, self._unit))

    def detail(self) -> str:
        return self._detail.text()

    def finish(self) -> None:
        self.hide()

    def stopping(self) -> None:
        """Cancel was asked (here or elsewhere): the task stops at its next safe point."""
        self.cancel_button.setEnabled(False)
        self.cancel_button.setText(self.tr("Stopping…"))

    def _cancel(self) -> None:
        # Say so rather than look frozen until the batch in flight ends.
        self.stopping()
        self.cancel_requested.emit()
