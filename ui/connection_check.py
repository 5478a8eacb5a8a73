"""The "Test connection" of Settings and of the welcome page: its button, and the line that says
"Connecting…" while the test runs and then what the service answered (a failure in red)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPushButton

ERROR = "color: #c62828"


class ConnectionCheck:
    def __init__(self, text: str, tip: str, test: Callable[[], None]) -> None:
        """``test`` starts the test: it calls :meth:`testing`, then :meth:`answered` with the answer."""
        self.button = QPushButton(text)
        self.button.setToolTip(tip)
        self.button.clicked.connect(test)
        self.result = QLabel()
        self.result.setWordWrap(True)
        self.result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

    def testing(self, connecting: str) -> None:
        """The test started: the button waits for its answer."""
        self.button.setEnabled(False)
        self.result.setStyleSheet("")
        self.result.setText(connecting)

    def answered(self, error: str, connected: str = "") -> None:
        """``error`` "" when it worked; ``connected`` is then what to say."""
        self.button.setEnabled(True)
        self.result.setStyleSheet(ERROR if error else "")
        self.result.setText(error or connected)
