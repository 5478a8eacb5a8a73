"""A secret typed into Settings — the GigaChat key, the Wildberries token — that goes to the OS
keyring and is never shown back: its field, "Forget", and a line saying where the one in use comes
from (the keyring, or an environment variable on machines without one)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtWidgets import QLabel, QLineEdit, QPushButton

from app.errors import VitrinaError
from ui.error_details import DetailsButton, detail_of
from ui.logs import remember_secret

ENVIRONMENT = "environment"  # what both stores' ``source`` says for a secret from the environment
WARN, ERROR = "color: #b35900", "color: #c62828"


@dataclass(frozen=True)
class SecretStore:
    """Where the secret is kept (``app.cardtext.credentials``, ``app.publish.wb.token``)."""

    source: Callable[[], str]  # "keyring", ENVIRONMENT, or "" when there is none
    save: Callable[[str], None]  # raises a VitrinaError (with a detail) when the keyring refuses
    delete: Callable[[], None]
    normalize: Callable[[str], str]  # a pasted "Basic …" / "Bearer …" as it is stored


@dataclass(frozen=True)
class SecretTexts:
    """The section's own words, translated by the section."""

    from_environment: str  # the state line while the environment variable supplies the secret
    environment_placeholder: str
    stored: str
    stored_placeholder: str
    none_yet: str
    forgotten_but_environment: str  # after Forget, while the environment variable still supplies one
    environment_in_use: str  # said after a failed Forget while it does ("": nothing more to say)


class SecretField:
    def __init__(self, store: SecretStore, texts: SecretTexts, forget_text: str, forget_tip: str) -> None:
        self.store, self.texts = store, texts
        self.field = QLineEdit()
        self.field.setEchoMode(QLineEdit.EchoMode.Password)
        self.state = QLabel()
        self.details = DetailsButton()  # the keyring's own words, for whoever helps the user
        self.forget_button = QPushButton(forget_text)
        self.forget_button.setToolTip(forget_tip)
        self.forget_button.clicked.connect(self.forget)
        self.show_state()

    def show_state(self) -> None:
        source = self.store.source()
        self.state.setStyleSheet("")
        self.details.set_detail("")
        if source == ENVIRONMENT:
            self.state.setText(self.texts.from_environment)
            self.field.setPlaceholderText(self.texts.environment_placeholder)
        elif source:
            self.state.setText(self.texts.stored)
            self.field.setPlaceholderText(self.texts.stored_placeholder)
        else:
            self.state.setText(self.texts.none_yet)
            self.field.setPlaceholderText("")

    def typed(self) -> str | None:
        """What is typed, as it would be stored (None: nothing); from now on it is kept out of the
        log file, where an HTTP library's or SDK's debug log could carry it."""
        typed = self.store.normalize(self.field.text()) or None
        remember_secret(typed)
        return typed

    def save(self) -> bool:
        """Store a typed secret (nothing typed: the stored one stays); False, said here, if it failed."""
        typed = self.typed()
        if typed is None:
            return True
        try:
            self.store.save(typed)
        except VitrinaError as exc:
            self.state.setText(str(exc))
            self.state.setStyleSheet(ERROR)
            self.details.set_detail(detail_of(exc))
            return False
        self.field.clear()
        self.show_state()
        return True

    def forget(self) -> None:
        try:
            self.store.delete()
        except VitrinaError as exc:
            self.show_state()
            self.state.setText(self._after_forget(str(exc)))
            self.state.setStyleSheet(WARN)
            self.details.set_detail(detail_of(exc))
            return
        self.field.clear()
        self.show_state()
        if self.store.source() == ENVIRONMENT:
            self.state.setText(self.texts.forgotten_but_environment)

    def _after_forget(self, what_happened: str) -> str:
        """What Forget did, and why a secret may still be in use (the environment is not ours to clear)."""
        if self.store.source() != ENVIRONMENT or not self.texts.environment_in_use:
            return what_happened
        return what_happened + " " + self.texts.environment_in_use
