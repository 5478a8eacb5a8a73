"""The first-run dialog: models (with the hardware check), then card text (GigaChat or skip).

Opens by itself only on a first run (``app.firstrun.plan.needs_welcome``) and again from
Help → Set up models and GigaChat. "Skip setup", or closing it, is remembered: the app stays
usable without models (browsing, backgrounds on existing masks, manual masks) and models can be
downloaded later from here or on the first processing.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app import settings as app_settings
from ui.welcome.gigachat_page import GigaChatPage
from ui.welcome.models_page import ModelsPage


class WelcomeDialog(QDialog):
    settings_changed = Signal()  # models or text provider changed: the window refreshes its choices

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Welcome to Vitrina"))
        self.resize(880, 560)
        self.heading = QLabel()
        self.heading.setStyleSheet("font-size: 15pt; font-weight: 600")
        self.models = ModelsPage()
        self.text = GigaChatPage()
        self.pages = QStackedWidget()
        self.pages.addWidget(self.models)
        self.pages.addWidget(self.text)
        self.footer = QLabel()  # the running download, seen from either page
        self.skip_button = QPushButton(self.tr("Skip setup"))
        self.skip_button.setToolTip(self.tr("Use Vitrina without models for now: browse photos, edit masks "
                                            "by hand, put backgrounds on masks you already have"))
        self.back_button = QPushButton(self.tr("Back"))
        self.next_button = QPushButton()
        self.next_button.setDefault(True)
        self.skip_button.clicked.connect(self.skip)
        self.back_button.clicked.connect(lambda: self.show_page(0))
        self.next_button.clicked.connect(self._next)
        buttons = QHBoxLayout()
        buttons.addWidget(self.skip_button)
        buttons.addWidget(self.footer, 1)
        buttons.addWidget(self.back_button)
        buttons.addWidget(self.next_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.pages, 1)
        layout.addLayout(buttons)
        self.models.settings_changed.connect(self.settings_changed)
        self.models.status_changed.connect(self.footer.setText)
        self.models.busy_changed.connect(lambda _busy: self._update_buttons())
        self.outcome = ""  # "done" or "skipped" once answered
        self.show_page(0)

    def show_page(self, index: int) -> None:
        self.pages.setCurrentIndex(index)
        headings = (self.tr("Step 1 of 2: models for this computer"), self.tr("Step 2 of 2: card text"))
        self.heading.setText(headings[index])
        self._update_buttons()

    def _update_buttons(self) -> None:
        last = self.pages.currentIndex() == self.pages.count() - 1
        self.back_button.setVisible(last)
        self.next_button.setText(self.tr("Finish") if last else self.tr("Next"))
        # Finishing while a download runs would leave it running unseen; it can be cancelled first.
        self.next_button.setEnabled(not (last and self.models.downloading))
        self.next_button.setToolTip(self.tr("Wait for the download to finish, or cancel it")
                                    if last and self.models.downloading else "")

    def _next(self) -> None:
        if self.pages.currentIndex() < self.pages.count() - 1:
            self.show_page(self.pages.currentIndex() + 1)
        elif self.text.save():
            self.settings_changed.emit()
            self._answer("done")
            self.accept()

    def skip(self) -> None:
        self.reject()

    def done(self, result: int) -> None:  # every way out: Finish, Skip, Esc, the close box
        self.models.shutdown()
        self._answer("skipped" if not self.outcome else self.outcome)
        super().done(result)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.models.shutdown()
        super().closeEvent(event)

    def _answer(self, outcome: str) -> None:
        if self.outcome:
            return
        self.outcome = outcome
        # Remembered, so the dialog does not open by itself again; Help menu reopens it.
        app_settings.update(welcome=outcome)
