"""Settings → Wildberries: the API token, kept in the OS keyring (``app.publish.wb.token``) and
never shown back or written to a file, and "Test connection", which asks the content API's
``/ping`` on a pool thread and shows its answer (a 401/403 says what the token lacks)."""

from __future__ import annotations

import logging

from PySide6.QtCore import QCoreApplication, QObject, QRunnable, Qt, QThreadPool, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)

from app.errors import VitrinaError
from app.publish.wb import token as wb_token
from ui.error_details import DetailsButton, detail_of
from ui.logs import remember_secret

_WARN = "color: #b35900"
_ERROR = "color: #c62828"

log = logging.getLogger(__name__)


class _Signals(QObject):
    done = Signal(str, str)  # the host that answered, the error ("" when it worked)


class _Ping(QRunnable):
    def __init__(self, token: str | None, sandbox: bool, signals: _Signals) -> None:
        super().__init__()
        self.token, self.sandbox, self.signals = token, sandbox, signals

    def run(self) -> None:
        from app.publish.wb.api import WBClient

        try:
            token = self.token or wb_token.get_token() or ""
            with WBClient(token, sandbox=self.sandbox, timeout=20.0) as client:
                client.ping()
        except VitrinaError as exc:  # the client's messages never hold the token
            self.signals.done.emit("", str(exc))
        except Exception:  # a bug: still an answer, not a hang
            log.exception("Wildberries connection test failed unexpectedly")
            self.signals.done.emit("", QCoreApplication.translate(
                "WBSettings", "The connection test failed unexpectedly; the log has the details."))
        else:
            self.signals.done.emit(client.url, "")


class WBSettings(QGroupBox):
    tested = Signal(str)  # the answer shown, for whoever waits on it (tests)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Wildberries", parent)
        self.token = QLineEdit()
        self.token.setEchoMode(QLineEdit.EchoMode.Password)
        self.token.setToolTip(self.tr("The API token from the seller portal: Settings → API access, category "
                                      "«Контент» with write access"))
        forget = QPushButton(self.tr("Forget token"))
        forget.setToolTip(self.tr("Remove the token from the system keyring (a token in the WB_API_TOKEN "
                                  "environment variable stays)"))
        forget.clicked.connect(self.forget)
        self.state = QLabel()
        self.state.setWordWrap(True)
        self.details = DetailsButton()
        self.sandbox = QCheckBox(self.tr("Sandbox"))
        self.sandbox.setToolTip(self.tr("Test against Wildberries' sandbox (a test token)"))
        self.test_button = QPushButton(self.tr("Test connection"))
        self.test_button.setToolTip(self.tr("Ask the Wildberries content API whether it takes this token"))
        self.test_button.clicked.connect(self.test_connection)
        self.result = QLabel()
        self.result.setWordWrap(True)
        self.result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._signals = _Signals()  # no parent: a ping in flight keeps it alive past the dialog
        self._signals.done.connect(self._on_tested)
        state_row = QWidget()
        line = QHBoxLayout(state_row)
        line.setContentsMargins(0, 0, 0, 0)
        line.addWidget(self.state, 1)
        line.addWidget(self.details)
        line.addWidget(self.sandbox)
        line.addWidget(self.test_button)
        self.form = QFormLayout(self)
        self.form.addRow(self.tr("API token:"), _row(self.token, forget))
        self.form.addRow("", state_row)
        self.form.addRow("", self.result)
        self.form.setRowVisible(self.result, False)  # until there is an answer to show
        self.show_state()

    def show_state(self) -> None:
        source = wb_token.token_source()
        self.state.setStyleSheet("")
        self.details.set_detail("")
        if source == wb_token.ENVIRONMENT:
            self.state.setText(self.tr("The token in use comes from the WB_API_TOKEN environment variable; "
                                       "type one here to keep it in the system keyring instead."))
            self.token.setPlaceholderText(self.tr("from the WB_API_TOKEN environment variable"))
        elif source:
            self.state.setText(self.tr("A token is stored; type a new one to replace it."))
            self.token.setPlaceholderText(self.tr("stored in the system keyring"))
        else:
            self.state.setText(self.tr("No token yet: paste the API token from the seller portal (category "
                                       "«Контент») to publish cards."))
            self.token.setPlaceholderText("")

    def save(self) -> bool:
        """Store a typed token (nothing typed: the stored one stays); False, said here, if it failed."""
        typed = self.token.text()
        if not typed.strip():
            return True
        remember_secret(wb_token.normalize(typed))
        try:
            wb_token.set_token(typed)
        except VitrinaError as exc:
            self.state.setText(str(exc))
            self.state.setStyleSheet(_ERROR)
            self.details.set_detail(detail_of(exc))
            return False
        self.token.clear()
        self.show_state()
        return True

    def forget(self) -> None:
        try:
            wb_token.delete_token()
        except VitrinaError as exc:
            self.show_state()
            self.state.setText(str(exc))
            self.state.setStyleSheet(_WARN)
            self.details.set_detail(detail_of(exc))
            return
        self.token.clear()
        self.show_state()
        if wb_token.token_source() == wb_token.ENVIRONMENT:
            self.state.setText(self.tr("No token is stored in the system keyring. The token in use comes "
                                       "from the WB_API_TOKEN environment variable: unset it to stop using "
                                       "that token."))

    def test_connection(self) -> None:
        """The typed token, else the stored one, against the content API (or its sandbox)."""
        self.test_button.setEnabled(False)
        self.result.setStyleSheet("")
        self.result.setText(self.tr("Connecting…"))
        self.form.setRowVisible(self.result, True)
        typed = wb_token.normalize(self.token.text()) or None
        remember_secret(typed)  # an HTTP library's debug log must not carry it to the log file
        # The global pool: a dialog closed mid-test does not wait; the answer then goes nowhere.
        QThreadPool.globalInstance().start(_Ping(typed, self.sandbox.isChecked(), self._signals))

    def _on_tested(self, url: str, error: str) -> None:
        self.test_button.setEnabled(True)
        self.form.setRowVisible(self.result, True)
        if error:
            self.result.setStyleSheet(_ERROR)
            self.result.setText(error)
        else:
            self.result.setStyleSheet("")
            self.result.setText(self.tr("Connected: Wildberries takes this token ({0}).").format(url))
        self.tested.emit(self.result.text())


def _row(field: QWidget, button: QWidget) -> QWidget:
    row = QWidget()
    line = QHBoxLayout(row)
    line.setContentsMargins(0, 0, 0, 0)
    line.addWidget(field, 1)
    line.addWidget(button)
    return row
