"""Before the first download of a model with no commit built into Vitrina: what the hub offers
(repository, commit, licence, size, whether it runs code) and the user's yes or no.

A non-commercial licence has its own tick box, so accepting the commit never accepts it by the way.
"""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from app import formats
from app.models.trust import Offer


class PinDialog(QDialog):
    def __init__(self, offer: Offer, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.offer = offer
        c = offer.candidate
        self.setWindowTitle(self.tr("Accept {0}?").format(c.name))
        rows = [
            (self.tr("Repository"), f'<a href="https://huggingface.co/{escape(c.repo)}">{escape(c.repo)}</a>'),
            (self.tr("Commit"), f"<tt>{escape(offer.revision)}</tt>"),
            (self.tr("Licence"), escape(offer.licence or self.tr("not stated"))),
            (self.tr("Size"), formats.size(offer.size_bytes) if offer.size_bytes else "?"),
        ]
        if offer.is_update and offer.current:
            rows.append((self.tr("Replaces"), f"<tt>{escape(offer.current)}</tt>"))
        table = "".join(f"<tr><td>{k}:&nbsp;</td><td>{v}</td></tr>" for k, v in rows)
        intro = (self.tr("A newer commit of <b>{0}</b> is on the hub.") if offer.is_update else
                 self.tr("<b>{0}</b> has no commit built into Vitrina. The hub offers this one; once "
                         "you accept it, Vitrina uses only this commit until you accept another."))
        self.text = QLabel(intro.format(escape(c.name)) + f"<table>{table}</table>")
        self.text.setWordWrap(True)
        self.text.setOpenExternalLinks(True)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        if c.runs_code:
            code = QLabel(self.tr("Loading this model runs Python code from its repository at this commit."))
            code.setWordWrap(True)
            layout.addWidget(code)
        self.non_commercial = QCheckBox(self.tr("I accept the non-commercial licence: selling with its "
                                                "results needs an agreement with its authors"))
        self.non_commercial.setVisible(offer.non_commercial)
        layout.addWidget(self.non_commercial)
        buttons = QDialogButtonBox()
        self.accept_button = buttons.addButton(self.tr("Accept and download"),
                                               QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.non_commercial.toggled.connect(self._enable)
        self._enable()

    def _enable(self) -> None:
        self.accept_button.setEnabled(not self.offer.non_commercial or self.non_commercial.isChecked())
