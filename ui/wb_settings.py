"""Settings → Wildberries: the API token, kept in the OS keyring (``app.publish.wb.token``) and
never shown back or written to a file, and "Test connection", which asks the content API's
``/ping`` on a pool thread and shows its answer (a 401/403 says what the token lacks)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QFormLayout, QGroupBox, QHBoxLayout, QWidget

from app.publish.wb import token as wb_token
from ui.connection_check import ConnectionCheck
from ui.layout_pieces import with_button
from ui.pool_job import PoolJobs
from ui.secret_field import SecretField, SecretStore, SecretTexts

STORE = SecretStore(source=wb_token.token_source, save=wb_token.set_token, delete=wb_token.delete_token,
                    normalize=wb_token.normalize)


def _ping(token: str | None, sandbox: bool) -> str:
    """The host that answered; a VitrinaError (never holding the token) when it did not."""
    from app.publish.wb.api import WBClient

    with WBClient(token or wb_token.get_token() or "", sandbox=sandbox, timeout=20.0) as client:
        client.ping()
    return client.url


class WBSettings(QGroupBox):
    tested = Signal(str)  # the answer shown, for whoever waits on it (tests)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Wildberries", parent)
        texts = SecretTexts(
            from_environment=self.tr("The token in use comes from the WB_API_TOKEN environment variable; "
                                     "type one here to keep it in the system keyring instead."),
            environment_placeholder=self.tr("from the WB_API_TOKEN environment variable"),
            stored=self.tr("A token is stored; type a new one to replace it."),
            stored_placeholder=self.tr("stored in the system keyring"),
            none_yet=self.tr("No token yet: paste the API token from the seller portal (category «Контент») "
                             "to publish cards."),
            forgotten_but_environment=self.tr(
                "No token is stored in the system keyring. The token in use comes from the WB_API_TOKEN "
                "environment variable: unset it to stop using that token."),
            environment_in_use="")  # a failed Forget says only what failed
        self.secret = SecretField(STORE, texts, self.tr("Forget token"),
                                  self.tr("Remove the token from the system keyring (a token in the "
                                          "WB_API_TOKEN environment variable stays)"))
        self.token, self.state, self.details = self.secret.field, self.secret.state, self.secret.details
        self.token.setToolTip(self.tr("The API token from the seller portal: Settings → API access, category "
                                      "«Контент» with write access"))
        self.state.setWordWrap(True)
        self.sandbox = QCheckBox(self.tr("Sandbox"))
        self.sandbox.setToolTip(self.tr("Test against Wildberries' sandbox (a test token)"))
        self.check = ConnectionCheck(self.tr("Test connection"), self.tr(
            "Ask the Wildberries content API whether it takes this token"), self.test_connection)
        self.test_button, self.result = self.check.button, self.check.result
        self._jobs = PoolJobs(self)
        self._jobs.answered.connect(self._on_tested)
        state_row = QWidget()
        line = QHBoxLayout(state_row)
        line.setContentsMargins(0, 0, 0, 0)
        line.addWidget(self.state, 1)
        line.addWidget(self.details)
        line.addWidget(self.sandbox)
        line.addWidget(self.test_button)
        self.form = QFormLayout(self)
        self.form.addRow(self.tr("API token:"), with_button(self.token, self.secret.forget_button))
        self.form.addRow("", state_row)
        self.form.addRow("", self.result)
        self.form.setRowVisible(self.result, False)  # until there is an answer to show

    def save(self) -> bool:
        """Store a typed token (nothing typed: the stored one stays); False, said here, if it failed."""
        return self.secret.save()

    def forget(self) -> None:
        self.secret.forget()

    def test_connection(self) -> None:
        """The typed token, else the stored one, against the content API (or its sandbox)."""
        self.check.testing(self.tr("Connecting…"))
        self.form.setRowVisible(self.result, True)
        typed, sandbox = self.secret.typed(), self.sandbox.isChecked()
        self._jobs.start(lambda: _ping(typed, sandbox), what="Wildberries connection test",
                         unexpected=self.tr("The connection test failed unexpectedly; the log has the "
                                            "details."))

    def _on_tested(self, _number: int, url: str | None, error: str) -> None:
        self.check.answered(error, self.tr("Connected: Wildberries takes this token ({0}).").format(url))
        self.tested.emit(self.result.text())
