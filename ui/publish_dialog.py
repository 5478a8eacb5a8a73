"""File → Publish to Wildberries…: which products, from which export folder, and how (a check only,
the sandbox, the bundles made again first). Without a stored token it says so and offers Settings."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QCoreApplication, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from ui.export_dialog import inside

_ERROR = "color: #c62828"
SCOPES = ("selected", "approved")


@dataclass(frozen=True)
class PublishChoice:
    scope: str  # "selected" | "approved"
    folder: str
    reexport: bool
    sandbox: bool
    dry_run: bool  # Check only: nothing is sent


@dataclass(frozen=True)
class ScopeCount:
    ready: int  # products of the scope that can be published
    unprocessed: int = 0  # products of the scope left out: no processed photo


def suggested_folder(photos: Path) -> Path:
    """Where Export to… suggests, beside the photo folder (its translation is Export's own)."""
    return photos.parent / QCoreApplication.translate("ExportDialog", "{0} cards").format(photos.name)


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
        self.folder.textChanged.connect(self._check)
        self.scopes.idToggled.connect(lambda *_: self._check())
        self._check()
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
        self.folder = QLineEdit(folder or str(suggested_folder(self.photos)))
        self.folder.setMinimumWidth(420)
        browse = QPushButton(self.tr("Choose…"))
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.folder, 1)
        row.addWidget(browse)
        column.addLayout(row)
        note = QLabel(self.tr("Products not exported there yet are exported first. The others keep their "
                              "images and take your latest card text and Wildberries listing."))
        note.setWordWrap(True)
        column.addWidget(note)
        self.reexport = QCheckBox(self.tr("Export again first (make every bundle's images anew from your "
                                          "saved masks, backgrounds and placement)"))
        column.addWidget(self.reexport)
        return box

    def _token_row(self) -> QWidget:
        row = QWidget()
        line = QHBoxLayout(row)
        line.setContentsMargins(0, 0, 0, 0)
        self.token_state = QLabel(self.tr("No Wildberries API token is stored: Publish needs one (category "
                                          "«Контент»). Check only works without it, but cannot check each "
                                          "category's characteristics."))
        self.token_state.setWordWrap(True)
        self.token_state.setStyleSheet(_ERROR)
        self.settings_button = QPushButton(self.tr("Open Settings…"))
        self.settings_button.setToolTip(self.tr("Add the token in Settings → Wildberries"))
        self.settings_button.clicked.connect(self._open_settings)
        line.addWidget(self.token_state, 1)
        line.addWidget(self.settings_button)
        row.setVisible(not self.has_token)
        return row

    def choice(self) -> PublishChoice:
        checked = self.scopes.checkedId()
        return PublishChoice(scope=SCOPES[checked] if checked >= 0 else "", folder=self.folder.text().strip(),
                             reexport=self.reexport.isChecked(), sandbox=self.sandbox.isChecked(),
                             dry_run=self.dry_run)

    def _browse(self) -> None:
        start = self.folder.text().strip() or str(self.photos.parent)
        chosen = QFileDialog.getExistingDirectory(self, self.tr("Publish the bundles of…"), start)
        if chosen:
            self.folder.setText(chosen)

    def _open_settings(self) -> None:
        self.reject()
        self.settings_requested.emit()

    def _check_only(self) -> None:
        self.dry_run = True
        self.accept()

    def _publish(self) -> None:
        self.dry_run = False
        self.accept()

    def _check(self) -> None:
        text = self.folder.text().strip()
        problem = ""
        if self.scopes.checkedId() < 0:
            problem = self.tr("Nothing to publish: approve products, or select processed photos, first.")
        elif not text:
            problem = self.tr("Choose a folder.")
        elif not Path(text).is_absolute():
            problem = self.tr("Give the full path of the folder.")
        elif not Path(text).parent.is_dir():
            problem = self.tr("{0} does not exist (is the disk connected?). Choose another place.").format(
                Path(text).parent)
        elif inside(Path(text), self.photos):
            problem = self.tr("Choose a folder outside the photo folder: bundles there would be read as new "
                              "photos next time.")
        self.problem.setText(problem)
        self.problem.setVisible(bool(problem))
        self.check_button.setEnabled(not problem)
        self.publish_button.setEnabled(not problem and self.has_token)
