"""After Publish to Wildberries: one row per product — what happened in words, its nmID, the photos
sent, and what to fix or what Wildberries said against that product. Copy puts the table on the
clipboard as text, for the seller portal's support or a colleague."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QBrush, QColor, QGuiApplication, QResizeEvent, QShowEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.publish.wb import flow
from app.studio.publish import StudioPublishResult

BAD = QColor("#c62828")
GOOD = QColor("#2e7d32")
LEFT_OUT = "left out"  # a product the studio could not make a bundle of (not a Publisher status)
_BAD = (flow.BLOCKED, flow.UNREADABLE, flow.REJECTED, flow.FAILED, LEFT_OUT)
_GOOD = (flow.PUBLISHED, flow.UNCHANGED, flow.PLANNED)
_SENDING = (flow.PUBLISHED, flow.UNCHANGED, flow.FAILED)  # the runs that may have sent photos


class PublishDone(QDialog):
    def __init__(self, summary: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Publish to Wildberries: results"))
        self.summary = QLabel(summary)
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.table = QTableWidget(0, 5)
        self.table.setHorizontalHeaderLabels([
            self.tr("Product"), self.tr("Result"), self.tr("nmID"), self.tr("Photos sent"),
            self.tr("What to fix / what Wildberries said")])
        self.table.verticalHeader().hide()
        self.table.setWordWrap(True)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        header = self.table.horizontalHeader()
        for column in range(4):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        buttons = QDialogButtonBox()
        self.copy_button = buttons.addButton(self.tr("Copy"), QDialogButtonBox.ButtonRole.ActionRole)
        self.copy_button.setToolTip(self.tr("Put the table on the clipboard as text"))
        self.copy_button.clicked.connect(self.copy)
        self.close_button = buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.close_button.clicked.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
        self._fitted = False
        self.resize(960, 200)

    def show_result(self, result: StudioPublishResult, names: dict[str, str]) -> None:
        """``names``: product key -> the name the studio shows."""
        words = self._words()
        rows: list[tuple[str, str, str, str, str, str]] = []
        for outcome in result.outcomes:
            key = result.products.get(outcome.bundle, outcome.bundle)
            problems = list(outcome.problems)
            if outcome.status == flow.PLANNED and outcome.payload:
                problems = [self._planned(outcome.payload)]
            rows.append((names.get(key, key), outcome.status, words.get(outcome.status, outcome.status),
                         str(outcome.nm_id) if outcome.nm_id is not None else "",
                         str(outcome.photos_sent) if outcome.status in _SENDING else "",
                         "\n".join(problems)))
        for key, why in result.left_out.items():
            rows.append((names.get(key, key), LEFT_OUT, words[LEFT_OUT], "", "", why))
        rows.sort(key=lambda r: (r[1] not in _BAD, r[0].casefold()))  # what needs the user first
        self.table.setRowCount(len(rows))
        for row, (name, status, word, nm_id, photos, problems) in enumerate(rows):
            cells = [name, word, nm_id, photos, problems]
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column in (2, 3):
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
                else:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
                if column == 1 and status in _BAD:
                    item.setForeground(QBrush(BAD))
                elif column == 1 and status in _GOOD:
                    item.setForeground(QBrush(GOOD))
                if column in (0, 4) and text:
                    item.setToolTip(text)
                self.table.setItem(row, column, item)
        self.close_button.setFocus()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)
        QTimer.singleShot(0, self._fit_first)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        # Wrapped problems take the height the column's width as shown needs (the table lays out after us).
        QTimer.singleShot(0, self.table.resizeRowsToContents)

    def _fit_first(self) -> None:
        """Up to ten rows in view at first, more when the dialog is made taller; no blank rows below."""
        self.table.resizeRowsToContents()
        if self._fitted or not self.table.isVisible():
            return
        self._fitted = True
        edge = self.table.horizontalHeader().height() + 2 * self.table.frameWidth() + 2
        shown = sum(self.table.rowHeight(r) for r in range(min(self.table.rowCount(), 10)))
        wanted = edge + max(shown, self.table.verticalHeader().defaultSectionSize())
        self.resize(self.width(), self.height() - self.table.height() + wanted)

    def status_of(self, name: str) -> str:
        """The Result column's words for the product shown as ``name`` ("" if it is not listed)."""
        for row in range(self.table.rowCount()):
            if self.table.item(row, 0).text() == name:
                return self.table.item(row, 1).text()
        return ""

    def problems_of(self, name: str) -> str:
        for row in range(self.table.rowCount()):
            if self.table.item(row, 0).text() == name:
                return self.table.item(row, 4).text()
        return ""

    def copy(self) -> None:
        columns = range(self.table.columnCount())
        lines = ["\t".join(self.table.horizontalHeaderItem(c).text() for c in columns)]
        for row in range(self.table.rowCount()):
            lines.append("\t".join(self.table.item(row, c).text().replace("\n", "; ") for c in columns))
        QGuiApplication.clipboard().setText(self.summary.text() + "\n\n" + "\n".join(lines) + "\n")
        self.copy_button.setText(self.tr("Copied"))

    def _words(self) -> dict[str, str]:
        return {flow.PUBLISHED: self.tr("Published"), flow.UNCHANGED: self.tr("Up to date"),
                flow.WAITING: self.tr("Wildberries is still creating the card"),
                flow.REJECTED: self.tr("Refused by Wildberries"), flow.FAILED: self.tr("Failed"),
                flow.BLOCKED: self.tr("Blocked: fix first"), flow.UNREADABLE: self.tr("Bundle unreadable"),
                flow.SKIPPED: self.tr("Skipped"), flow.PLANNED: self.tr("Ready to send"),
                LEFT_OUT: self.tr("Not published")}

    def _planned(self, payload: dict) -> str:
        variant = (payload.get("variants") or [{}])[0]
        return self.tr("Would send «{0}», category {1}, {2} characteristic(s)").format(
            variant.get("title", ""), payload.get("subjectID"), len(variant.get("characteristics") or []))


def publish_finished(parent: QWidget, summary: str, result: StudioPublishResult | None,
                     names: dict[str, str]) -> PublishDone:
    """Shown with open(), not exec(), so nothing waits on it; ``result`` None: the run failed and
    ``summary`` says why."""
    box = PublishDone(summary, parent)
    if result is not None:
        box.show_result(result, names)
    else:
        box.table.hide()
        box.summary.setStyleSheet(f"color: {BAD.name()}")
        box.resize(640, box.layout().totalHeightForWidth(640))
    box.open()
    return box
