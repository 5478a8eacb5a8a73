"""The gallery with its filter above it: all, pending, done, edited, needs review, error, and the
user's flags: approved, rejected, unflagged."""

from __future__ import annotations

from collections import Counter

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from app.studio import flag_of, photo_status
from ui.gallery import FLAG_FILTER, Gallery

COUNT_DELAY_MS = 300  # statuses change per photo during a run; recount a few times a second at most


class GalleryPane(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.gallery = Gallery()
        self.filter = QComboBox()
        self.filter.setToolTip(self.tr("Show only the photos with this status"))
        self._labels = {"": self.tr("All photos"), "pending": self.tr("Not processed"),
                        "done": self.tr("Done"), "edited": self.tr("Edited"),
                        "review": self.tr("Needs review"), "error": self.tr("Errors"),
                        f"{FLAG_FILTER}approved": self.tr("Approved"),
                        f"{FLAG_FILTER}rejected": self.tr("Rejected"), FLAG_FILTER: self.tr("Unflagged")}
        for status, label in self._labels.items():
            if status == f"{FLAG_FILTER}approved":
                self.filter.insertSeparator(self.filter.count())  # statuses above, the user's verdicts below
            self.filter.addItem(label, status)
        self.filter.currentIndexChanged.connect(self._on_filter)
        self.shown_count = QLabel()
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("Show:")))
        top.addWidget(self.filter, 1)
        top.addWidget(self.shown_count)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.gallery, 1)
        self._recount = QTimer(self)
        self._recount.setSingleShot(True)
        self._recount.setInterval(COUNT_DELAY_MS)
        self._recount.timeout.connect(self.update_counts)
        model = self.gallery.photos
        model.modelReset.connect(self._soon)
        model.dataChanged.connect(lambda _a, _b, roles=(): self._soon() if Qt.ItemDataRole.DecorationRole
                                  not in roles else None)  # a thumbnail arriving changes no status

    def _soon(self) -> None:
        if not self._recount.isActive():  # throttled, not debounced: counts move during a long run
            self._recount.start()

    def _on_filter(self, index: int) -> None:
        self.gallery.set_status_filter(self.filter.itemData(index))
        self._show_count()

    def _show_count(self) -> None:
        self.shown_count.setText(self.tr("%n shown", "", self.gallery.shown.rowCount()))

    def set_status(self, status: str) -> None:
        self.filter.setCurrentIndex(self.filter.findData(status))

    def update_counts(self) -> None:
        """Each filter entry says how many photos it holds (cheap: statuses and flags are in memory)."""
        model = self.gallery.photos
        counts: Counter[str] = Counter()
        project = model.project
        if project is not None:
            rels = [model.rel(row) for row in range(model.rowCount())]
            counts.update(photo_status(project, rel) for rel in rels)
            counts.update(FLAG_FILTER + flag_of(project, rel) for rel in rels)
        total = model.rowCount()
        for i in range(self.filter.count()):
            status = self.filter.itemData(i)
            if status is None:
                continue  # the separator
            self.filter.setItemText(i, f"{self._labels[status]} ({counts[status] if status else total})")
        self._show_count()
