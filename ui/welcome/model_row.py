"""One model in the welcome list: tick box, what it is for, size and licence, and its progress."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QCheckBox, QGridLayout, QLabel, QProgressBar, QWidget

from app import formats
from app.firstrun.plan import DESCRIBER, SEGMENTATION, WRITER, ModelItem
from ui.welcome import units


def role_title(role: str) -> str:
    titles = {
        SEGMENTATION: QCoreApplication.translate("ModelRow", "Cut-out model"),
        DESCRIBER: QCoreApplication.translate("ModelRow", "Describer"),
        WRITER: QCoreApplication.translate("ModelRow", "Local card writer (optional)"),
    }
    return titles[role]


def role_purpose(role: str) -> str:
    purposes = {
        SEGMENTATION: QCoreApplication.translate("ModelRow", "separates the product from the background"),
        DESCRIBER: QCoreApplication.translate("ModelRow", "looks at the photos to write the card text"),
        WRITER: QCoreApplication.translate("ModelRow", "writes the card text on this computer, without "
                                                       "GigaChat"),
    }
    return purposes[role]


class ModelRow:
    """Widgets placed in the page's grid (one row), so the columns line up across models."""

    def __init__(self, item: ModelItem, grid: QGridLayout, row: int, parent: QWidget) -> None:
        self.item = item
        self.check = QCheckBox(role_title(item.role), parent)
        self.detail = QLabel(parent)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.progress = QProgressBar(parent)
        self.progress.setRange(0, 1000)
        self.progress.setTextVisible(False)
        self.progress.setFixedWidth(140)
        self.status = QLabel(parent)
        self.status.setMinimumWidth(250)
        grid.addWidget(self.check, row, 0)
        grid.addWidget(self.detail, row, 1)
        grid.addWidget(self.progress, row, 2)
        grid.addWidget(self.status, row, 3)
        self.set_item(item)

    def set_item(self, item: ModelItem) -> None:
        self.item = item
        if item.folder:
            what = QCoreApplication.translate("ModelRow", "folder {0}").format(item.folder)
        else:
            what = f"{item.name} · {units.size(item.size_bytes)} · {item.licence}"
        self.detail.setText(f"<b>{what}</b><br><small>{role_purpose(item.role)}</small>")
        self.detail.setToolTip(item.folder or f"https://huggingface.co/{item.repo}")
        self.check.setEnabled(item.needs_download)
        self.check.setChecked(item.needs_download and not item.optional)
        self.progress.setValue(1000 if not item.needs_download else 0)
        self.progress.setVisible(not item.same_as)
        self.set_status(self._rest_status())

    def _rest_status(self) -> str:
        item = self.item
        if item.folder:
            return QCoreApplication.translate("ModelRow", "On disk (your folder)")
        if item.same_as:
            return QCoreApplication.translate("ModelRow", "Same files as the describer")
        if item.cached:
            return QCoreApplication.translate("ModelRow", "Downloaded")
        return QCoreApplication.translate("ModelRow", "Not downloaded")

    @property
    def wanted(self) -> bool:
        return self.check.isChecked() and self.item.needs_download

    def set_status(self, text: str, *, error: bool = False) -> None:
        self.status.setText(text)
        self.status.setStyleSheet("color: #c62828" if error else "")

    def show_progress(self, done: int, total: int, rate: float | None, left: float | None) -> None:
        total = total or self.item.size_bytes
        self.progress.setValue(int(1000 * min(done, total) / total) if total else 0)
        parts = [formats.percent(done / total) if total else units.size(done)]
        if rate:
            parts.append(units.speed(rate))
        if left is not None:
            parts.append(QCoreApplication.translate("ModelRow", "{0} left").format(units.duration(left)))
        self.set_status(" · ".join(parts))

    def finished(self) -> None:
        self.item = replace(self.item, cached=True)
        self.progress.setValue(1000)
        self.check.setChecked(False)
        self.check.setEnabled(False)
        self.set_status(QCoreApplication.translate("ModelRow", "Downloaded"))
