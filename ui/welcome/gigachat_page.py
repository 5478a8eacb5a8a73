"""Welcome, step 2: card text. GigaChat with the user's key (tested, then kept in the OS keyring),
or skip it: the local writer, or no card text for now."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from app import settings as app_settings
from app.cardtext import credentials
from app.cardtext.local_writer import WRITER_MODELS
from app.errors import VitrinaError
from app.firstrun.plan import default_writer
from ui.connection_check import ConnectionCheck
from ui.connection_test import ConnectionTest
from ui.gigachat_scopes import fill_scopes
from ui.logs import remember_secret
from ui.welcome import units

PORTAL = "https://developers.sber.ru/portal/products/gigachat-api"
_ERROR = "color: #c62828"


class GigaChatPage(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        about = QLabel(self.tr(
            "The card's title, description and attributes are written in Russian by GigaChat, Sber's "
            "language model, under your own account (a personal account has a free monthly allowance)."))
        about.setWordWrap(True)
        self.how = how = QLabel(self.tr(
            "How to get a key: open <a href=\"{0}\">developers.sber.ru → GigaChat API</a> and sign in with "
            "Sber ID; create a project for individuals (GIGACHAT_API_PERS); in the project press "
            "“Get key” and copy the <b>Authorization key</b>.").format(PORTAL))
        how.setWordWrap(True)
        how.setOpenExternalLinks(True)
        how.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)

        self.use_gigachat = QRadioButton(self.tr("Use GigaChat with this key"))
        writer = WRITER_MODELS.get(default_writer(app_settings.load(env=False).vlm_model),
                                   WRITER_MODELS[default_writer()])
        local = self.tr("Skip — write the text with the local model {0} on this computer (slower; {1} to "
                        "download)").format(writer.name, units.size(writer.size_gb * 1e9))
        self.use_local = QRadioButton(local)
        self.use_none = QRadioButton(self.tr("Skip — no card text for now (add a key later in Settings)"))
        self.choice = QButtonGroup(self)
        for value, button in (("gigachat", self.use_gigachat), ("local", self.use_local),
                              ("none", self.use_none)):
            self.choice.addButton(button)
            button.setProperty("provider", value)
        self.key = QLineEdit()
        self.key.setEchoMode(QLineEdit.EchoMode.Password)
        self.key.setPlaceholderText(self.tr("paste the Authorization key here"))
        self.scope = QComboBox()
        fill_scopes(self.scope)
        self.check = ConnectionCheck(self.tr("Test connection"), "", self.test_connection)
        self.test_button, self.result = self.check.button, self.check.result
        self.tester = ConnectionTest(self)
        self.tester.finished.connect(self._on_tested)

        key_row = QHBoxLayout()
        key_row.addWidget(self.key, 1)
        key_row.addWidget(self.test_button)
        form = QFormLayout()
        form.addRow(self.tr("Authorization key:"), key_row)
        form.addRow(self.tr("Scope:"), self.scope)
        form.addRow("", self.result)
        self.key_fields = QWidget()
        self.key_fields.setLayout(form)
        layout = QVBoxLayout(self)
        layout.addWidget(about)
        layout.addWidget(how)
        layout.addWidget(self.use_gigachat)
        layout.addWidget(self.key_fields)
        layout.addWidget(self.use_local)
        layout.addWidget(self.use_none)
        layout.addStretch(1)
        self.choice.buttonToggled.connect(self._enable_key)
        self.load()

    def _enable_key(self) -> None:
        self.key_fields.setEnabled(self.use_gigachat.isChecked())

    def load(self) -> None:
        saved = app_settings.load()
        stored = credentials.get_key() is not None
        if stored:
            self.key.setPlaceholderText(self.tr("a key is stored in the system keyring; paste a new one to "
                                                "replace it"))
        provider = saved.text_provider if saved.text_provider != "none" or saved.welcome else "gigachat"
        {"local": self.use_local, "none": self.use_none}.get(provider, self.use_gigachat).setChecked(True)
        index = self.scope.findData(saved.gigachat_scope)
        self.scope.setCurrentIndex(max(index, 0))

    @property
    def provider(self) -> str:
        button = self.choice.checkedButton()
        return str(button.property("provider")) if button is not None else "none"

    def test_connection(self) -> None:
        typed = credentials.normalize(self.key.text()) or None
        remember_secret(typed)  # the SDK may log the request; the key must not reach the log file
        self.check.testing(self.tr("Connecting…"))
        self.tester.start(typed, self.scope.currentData())

    def _on_tested(self, models: list[str], error: str) -> None:
        self.check.answered(error, self.tr("Connected. Models: {0}").format(", ".join(models)))

    def save(self) -> bool:
        """Store the key (keyring) and the choice; False, with the reason shown, when it cannot."""
        provider = self.provider
        typed = self.key.text()
        if provider == "gigachat":
            if typed.strip():
                remember_secret(credentials.normalize(typed))
                try:
                    credentials.set_key(typed)
                except VitrinaError as exc:
                    self.result.setStyleSheet(_ERROR)
                    self.result.setText(str(exc))
                    return False
                self.key.clear()
            elif credentials.get_key() is None:
                self.result.setStyleSheet(_ERROR)
                self.result.setText(self.tr("Paste the key first, or choose one of the “Skip” options."))
                return False
        changes = {"text_provider": provider, "gigachat_scope": self.scope.currentData()}
        saved = app_settings.load(env=False)
        if provider == "local" and not saved.writer_model:
            # the describer's own model writes too: its files are on disk already, pinned, Apache-2.0
            changes["writer_model"] = default_writer(saved.vlm_model)
        app_settings.update(**changes)
        return True
