"""File → Publish to Wildberries…: which products, from which export folder, and how (a check only,
the sandbox, the bundles made again first), with the brand and package for the folder's products
without their own. Without a stored token it says so and offers Settings."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QGroupBox,
    QLabel,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from app.studio.publish import PackageDefaults
from ui.export_folder import FolderField
from ui.layout_pieces import with_button
from ui.publish_defaults import PackageDefaultsBox

_ERROR = "color: #c62828"
SCOPES = ("selected", "approved")


@dataclass(frozen=True)
class PublishChoice:
    scope: str  # "selected" | "approved"
    folder: str
    reexport: bool
    sandbox: bool
    dry_run: bool  # Check only: nothing is sent
    defaults: PackageDefaults = field(default_factory=PackageDefaults)  # for products without their own


@dataclass(frozen=True)
class ScopeCount:
    ready: int  # products of the scope that can be published
    unprocessed: int = 0  # products of the scope left out: no processed photo


class PublishDialog(QDialog):
    settings_requested = Signal()  # "Open Settings…": the token is added there

    def __init__(self, photos: Path, folder: str, counts: dict[str, ScopeCount], *, has_token: bool,
                 scope: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Publish to Wildberries"))
        self.photos, self.counts, self.has_token = photos, counts, has_token
        self.dry_run = False
        layout = QVBoxLayout(self)
        layout.addWidget(self._products_box(scope))
        layout.addWidget(self._folder_box(folder))
        self.defaults = PackageDefaultsBox()
        layout.addWidget(self.defaults)
        self.sandbox = QCheckBox(self.tr("Sandbox: publish to Wildberries' test environment (needs a sandbox "
                                         "token; cards there are apart from your real ones)"))
        layout.addWidget(self.sandbox)
        layout.addWidget(self._token_row())
        self.problem = QLabel()
        self.problem.setStyleSheet(_ERROR)
        self.problem.setWordWrap(True)
        layout.addWidget(self.problem)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.check_button = buttons.addButton(self.tr("Check only"), QDialogButtonBox.ButtonRole.ActionRole)
        self.check_button.setToolTip(self.tr("Check every product against Wildberries' rules and show what "
                                             "would be sent; nothing is sent"))
        self.publish_button = buttons.addButton(self.tr("Publish"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.publish_button.setToolTip(self.tr("Create or update the cards and upload their photos"))
        self.check_button.clicked.connect(self._check_only)
        buttons.accepted.connect(self._publish)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.folder.textChanged.connect(self._folder_changed)
        self.scopes.idToggled.connect(lambda *_: self._check())
        self._folder_changed()
        self.resize(max(self.sizeHint().width(), 640), self.sizeHint().height())

    def _products_box(self, scope: str) -> QGroupBox:
        box = QGroupBox(self.tr("Products"))
        column = QVBoxLayout(box)
        self.scopes = QButtonGroup(self)
        self.scope_buttons: dict[str, QRadioButton] = {}
        texts = {"selected": self.tr("The selected photos' products ({0})"),
                 "approved": self.tr("All approved products ({0})")}
        why_not = {"selected": self.tr("Nothing to publish in the selection: select processed photos in the "
                                       "gallery."),
                   "approved": self.tr("No product is approved yet: approve its photos with P (every photo "
                                       "flagged, at least one approved).")}
        notes = []
        for n, name in enumerate(SCOPES):
            count = self.counts.get(name, ScopeCount(0))
            button = QRadioButton(texts[name].format(count.ready))
            button.setEnabled(count.ready > 0)
            if not count.ready:
                button.setToolTip(why_not[name])
                notes.append(why_not[name])
            elif count.unprocessed:
                notes.append(self.tr("%n product(s) of the selection have no processed photo and are left "
                                     "out.", "", count.unprocessed) if name == "selected" else
                             self.tr("%n approved product(s) have no processed photo and are left out.", "",
                                     count.unprocessed))
            self.scopes.addButton(button, n)
            self.scope_buttons[name] = button
            column.addWidget(button)
        ready = [name for name in (scope, "approved", "selected")
                 if self.counts.get(name, ScopeCount(0)).ready]
        if ready:
            self.scope_buttons[ready[0]].setChecked(True)
        self.scope_note = QLabel(" ".join(notes))
        self.scope_note.setWordWrap(True)
        self.scope_note.setVisible(bool(notes))
        column.addWidget(self.scope_note)
        return box

    def _folder_box(self, folder: str) -> QGroupBox:
        box = QGroupBox(self.tr("From the export folder"))
        column = QVBoxLayout(box)
        self.folder_field = FolderField(folder, self.photos, self.tr("Publish the bundles of…"))
        self.folder = self.folder_field.edit
        column.addWidget(self.folder_field)
        note = QLabel(self.tr("Products not exported there yet, or whose masks, backgrounds or placement "
                              "changed since, are exported first. The others keep their images and take "
                              "your latest card text and Wildberries listing."))
        note.setWordWrap(True)
        column.addWidget(note)
        self.reexport = QCheckBox(self.tr("Export again first (make every bundle's images anew from your "
                                          "saved masks, backgrounds and placement)"))
        column.addWidget(self.reexport)
        return box

    def _token_row(self) -> QWidget:
        self.token_state = QLabel(self.tr("No Wildberries API token is stored: Publish needs one (category "
                                          "«Контент»). Check only works without it, but cannot check each "
                                          "category's characteristics."))
        self.token_state.setWordWrap(True)
        self.token_state.setStyleSheet(_ERROR)
        self.settings_button = QPushButton(self.tr("Open Settings…"))
        self.settings_button.setToolTip(self.tr("Add the token in Settings → Wildberries"))
        self.settings_button.clicked.connect(self._open_settings)
        row = with_button(self.token_state, self.settings_button)
        row.setVisible(not self.has_token)
        return row

    def choice(self) -> PublishChoice:
        checked = self.scopes.checkedId()
        return PublishChoice(scope=SCOPES[checked] if checked >= 0 else "", folder=self.folder_field.text(),
                             reexport=self.reexport.isChecked(), sandbox=self.sandbox.isChecked(),
                             dry_run=self.dry_run, defaults=self.defaults.value())

    def _open_settings(self) -> None:
        self.reject()
        self.settings_requested.emit()

    def _check_only(self) -> None:
        self.dry_run = True
        self.accept()

    def _publish(self) -> None:
        self.dry_run = False
        self.accept()

    def _folder_changed(self) -> None:
        if not self.folder_field.problem():
            self.defaults.load(self.folder_field.text())
        self._check()

    def _check(self) -> None:
        if self.scopes.checkedId() < 0:
            problem = self.tr("Nothing to publish: approve products, or select processed photos, first.")
        else:
            problem = self.folder_field.problem() or self.defaults.problem
        self.problem.setText(problem)
        self.problem.setVisible(bool(problem))
        self.check_button.setEnabled(not problem)
        self.publish_button.setEnabled(not problem and self.has_token)
