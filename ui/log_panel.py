"""A dock that lists what went wrong (and what the user should know) during a session."""

from __future__ import annotations

import logging
import time

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDockWidget, QPlainTextEdit, QPushButton, QVBoxLayout, QWidget

log = logging.getLogger("vitrina.session")


class LogPanel(QDockWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Log"), parent)
        self.setObjectName("log-panel")
        self.text = QPlainTextEdit()
        self.text.setReadOnly(True)
        self.text.setMaximumBlockCount(5000)
        clear = QPushButton(self.tr("Clear"))
        clear.clicked.connect(self.text.clear)
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.text)
        layout.addWidget(clear, alignment=Qt.AlignmentFlag.AlignRight)
        self.setWidget(body)

    def add(self, message: str, item: str = "", *, error: bool = False) -> None:
        line = f"{time.strftime('%H:%M:%S')}  {'✖ ' if error else ''}{item + ': ' if item else ''}{message}"
        self.text.appendPlainText(line)
        (log.warning if error else log.info)("%s%s", f"{item}: " if item else "", message)
        if error:
            self.show()  # an error the user cannot see is an error the user cannot fix

    def lines(self) -> list[str]:
        return self.text.toPlainText().splitlines()
