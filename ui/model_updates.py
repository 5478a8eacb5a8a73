"""Help → Check for model updates…: for each model pinned on first use, the hub's newest commit,
offered the same way as the first time (PinDialog); nothing changes unless the user accepts."""

from __future__ import annotations

import functools
from html import escape

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from app.errors import VitrinaError
from app.models import catalogue, pins, trust
from app.models.trust import Offer
from ui.welcome.pin_dialog import PinDialog
from ui.worker import TaskRunner

Checked = list[tuple[str, Offer | None, str]]  # (name, the hub's offer or None, error message)


def check_updates() -> Checked:
    """Every catalogue entry the user pinned, asked of the hub (network; runs on a worker)."""
    accepted = pins.load()
    found: Checked = []
    seen: set[str] = set()
    for c in catalogue.candidates():
        if c.built_in or c.repo not in accepted or c.repo in seen:
            continue
        seen.add(c.repo)
        try:
            found.append((c.name, trust.offer(c), ""))
        except VitrinaError as err:
            found.append((c.name, None, str(err)))
    return found


class ModelUpdatesDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Model updates"))
        self.resize(640, 240)
        self.text = QLabel(self.tr("Asking the hub about the models you accepted…"))
        self.text.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text, 1)
        layout.addWidget(buttons)
        self.pin_dialog: PinDialog | None = None
        self.checker = TaskRunner(self)
        self.checker.finished.connect(self._on_checked)
        self.checker.failed.connect(lambda _name, error: self.text.setText(escape(error)))
        self.checker.start("model-updates", lambda _events, _cancel: check_updates())

    def _on_checked(self, _name: str, found: Checked) -> None:
        if not found:
            self.text.setText(self.tr("No model was pinned on first use: the models in use are pinned in "
                                      "Vitrina itself and update with it."))
            return
        self._lines: list[str] = []
        self._next(list(found))

    def _next(self, found: Checked) -> None:
        """Report each model in turn; a newer commit opens a PinDialog and waits for its answer."""
        while found:
            name, offer, error = found.pop(0)
            if offer is None:
                self._lines.append(self.tr("{0}: could not check ({1})").format(escape(name), escape(error)))
            elif not offer.is_update:
                self._lines.append(self.tr("{0}: up to date ({1})").format(escape(name), offer.revision[:12]))
            else:
                self.text.setText("<br>".join(self._lines))
                dialog = PinDialog(offer, self)
                self.pin_dialog = dialog
                dialog.finished.connect(functools.partial(self._on_answer, dialog, name, found))
                dialog.open()
                return
        self.text.setText("<br>".join(self._lines))

    def _on_answer(self, dialog: PinDialog, name: str, rest: Checked, result: int) -> None:
        self.pin_dialog = None
        dialog.deleteLater()
        offer = dialog.offer
        if result == PinDialog.DialogCode.Accepted:
            trust.accept(offer)
            self._lines.append(self.tr("{0}: now at {1}; it downloads on its next use").format(
                escape(name), offer.revision[:12]))
        else:
            self._lines.append(self.tr("{0}: kept at {1} (newer: {2})").format(
                escape(name), (offer.current or "")[:12], offer.revision[:12]))
        self._next(rest)

    def done(self, result: int) -> None:
        self.checker.wait()
        super().done(result)
