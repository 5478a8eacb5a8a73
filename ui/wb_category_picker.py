"""Choosing a product's Wildberries category: search by name, or ask the card writer for a
suggestion; the categories found are listed, the chosen one named. The panel does the asking."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.studio import wb_listing as wb

# Called by this name with literal strings so that pyside6-lupdate finds them; the words are the
# Wildberries section's own (its "WBListingPanel" translation context), wherever they are laid out.
translate = QCoreApplication.translate
VISIBLE_RESULTS = 5  # the list is as tall as this many; more scroll


class CategoryPicker(QWidget):
    search_asked = Signal()  # Search, or Enter in the search field
    suggest_asked = Signal()
    picked = Signal(object)  # the wb.Subject clicked in the results

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.search = QLineEdit()
        self.search.setPlaceholderText(translate("WBListingPanel", "Search categories, e.g. «Кружки»"))
        self.search.returnPressed.connect(self.search_asked)
        self.search_button = QPushButton(translate("WBListingPanel", "Search"))
        self.search_button.clicked.connect(self.search_asked)
        self.suggest_button = QPushButton(translate("WBListingPanel", "Suggest"))
        self.suggest_button.setToolTip(translate("WBListingPanel", "Ask the card writer from Settings which "
                                                                   "category fits this card"))
        self.suggest_button.clicked.connect(self.suggest_asked)
        self.chosen = QLabel()
        self.chosen.setWordWrap(True)
        self.results = QListWidget()
        self.results.setToolTip(translate("WBListingPanel", "Click a category to choose it"))
        self.results.itemClicked.connect(self._on_result)
        self.results.itemActivated.connect(self._on_result)
        self.results.hide()
        find = QHBoxLayout()
        find.addWidget(self.search, 1)
        find.addWidget(self.search_button)
        find.addWidget(self.suggest_button)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        title = translate("WBListingPanel", "Category")
        column.addWidget(QLabel(f"<b>{title}</b>"))
        column.addLayout(find)
        column.addWidget(self.chosen)
        column.addWidget(self.results)

    def show_chosen(self, listing: wb.WBListing) -> None:
        if listing.subject_id is None:
            self.chosen.setText(translate("WBListingPanel", "No category chosen: search for one, or ask for "
                                                            "a suggestion."))
        else:
            self.chosen.setText(translate("WBListingPanel", "Chosen: «{0}» ({1})").format(
                listing.subject_name or "?", listing.subject_id))

    def show_results(self, found: list[wb.Subject], selected: int | None) -> None:
        """The categories found, ``selected`` (the chosen or suggested one's id) selected."""
        self.results.clear()
        for subject in found:
            text = f"{subject.name} — {subject.parent}" if subject.parent else subject.name
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, subject)
            item.setToolTip(f"{subject.id}")
            self.results.addItem(item)
            if subject.id == selected:
                self.results.setCurrentItem(item)
        if found:
            rows = min(len(found), VISIBLE_RESULTS)
            self.results.setFixedHeight(self.results.sizeHintForRow(0) * rows + 2 * self.results.frameWidth())
        self.results.setVisible(bool(found))

    def _on_result(self, item: QListWidgetItem) -> None:
        subject = item.data(Qt.ItemDataRole.UserRole)
        if isinstance(subject, wb.Subject):
            self.picked.emit(subject)
