"""The product's card text: title, description, attributes and search keywords, checked against the
marketplace's limits and rules as the user types, and saved (debounced) through ``app.studio.set_card``."""

from __future__ import annotations

import re
from dataclasses import replace

from PySide6.QtCore import QTimer, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.cardtext.card import Card
from app.cardtext.render import card_text
from app.cardtext.rules import banned_found, emoji_found
from app.project import Project
from app.studio import card_of, set_card, text_marketplace
from ui.wb_listing_panel import WBListingPanel

SAVE_DELAY_MS = 600  # save after the user pauses typing, not on every key
_OVER = "color: #c62828; font-weight: bold"
_UNDER = "color: #b35900"


_KEYWORD_SEPARATORS = re.compile(r"[,;\n]")


def parse_keywords(text: str) -> list[str]:
    """Keywords as a seller types them: separated by commas (or semicolons), blanks and repeats
    (in any case) dropped, the first spelling kept."""
    words: list[str] = []
    for part in _KEYWORD_SEPARATORS.split(text):
        word = " ".join(part.split())
        if word and word.casefold() not in {w.casefold() for w in words}:
            words.append(word)
    return words


def clipboard_text(card: Card) -> str:
    """Title, description and attributes as a seller pastes them (card.txt without keywords/notes)."""
    return card_text(replace(card, keywords=[], flags=[])).strip() + "\n"


class CardPanel(QWidget):
    saved = Signal(str)  # product key
    regenerate_requested = Signal(str)  # product key: write its card again (the window asks first)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.project: Project | None = None
        self.key = ""
        self._base: Card | None = None  # what was loaded: keywords, provenance, flags carry over
        self._loading = False
        self.heading = QLabel()
        self.heading.setWordWrap(True)
        self.title = QLineEdit()
        self.title.setPlaceholderText(self.tr("Product title"))
        self.title_count = QLabel()
        self.description = QPlainTextEdit()
        self.description.setPlaceholderText(self.tr("Description for the marketplace"))
        self.description_count = QLabel()
        self.keywords = QLineEdit()
        self.keywords.setPlaceholderText(self.tr("Search words, separated by commas"))
        self.keywords.setToolTip(self.tr("What buyers type in the marketplace's search, e.g. "
                                         "“кружка, кружка для чая, керамика”"))
        self.keywords_count = QLabel()
        self.keywords_problem = QLabel()
        self.keywords_problem.setWordWrap(True)
        self.keywords_problem.setStyleSheet(_UNDER)
        self.attributes = QTableWidget(0, 2)
        self.attributes.setHorizontalHeaderLabels([self.tr("Attribute"), self.tr("Value")])
        self.attributes.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.attributes.verticalHeader().hide()
        self.attributes.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.add_button, self.remove = QPushButton(self.tr("Add attribute")), QPushButton(self.tr("Remove"))
        self.add_button.clicked.connect(self._add_row)
        self.remove.clicked.connect(self._remove_rows)
        self.regenerate = QPushButton(self.tr("Regenerate"))
        self.regenerate.setToolTip(self.tr("Write this product's card text again with the text provider "
                                           "from Settings (asks before replacing your edits)"))
        self.regenerate.clicked.connect(lambda: self.regenerate_requested.emit(self.key))
        self.copy = QPushButton(self.tr("Copy"))
        self.copy.setToolTip(self.tr("Copy the title, description and attributes to the clipboard"))
        self.copy.clicked.connect(self.copy_to_clipboard)
        self.flags = QLabel()
        self.flags.setWordWrap(True)
        self.flags.setStyleSheet(_UNDER)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SAVE_DELAY_MS)
        self._timer.timeout.connect(self.save_now)
        self.title.textChanged.connect(self._edited)
        self.description.textChanged.connect(self._edited)
        self.attributes.itemChanged.connect(self._edited)
        self.keywords.textChanged.connect(self._edited)

        rows = QHBoxLayout()
        rows.addWidget(self.add_button)
        rows.addWidget(self.remove)
        rows.addStretch(1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.regenerate)
        buttons.addWidget(self.copy)
        buttons.addStretch(1)
        text = QWidget()
        layout = QVBoxLayout(text)
        for label, editor, count in ((self.tr("Title"), self.title, self.title_count),
                                     (self.tr("Description"), self.description, self.description_count)):
            line = QHBoxLayout()
            line.addWidget(QLabel(f"<b>{label}</b>"))
            line.addStretch(1)
            line.addWidget(count)
            layout.addLayout(line)
            layout.addWidget(editor, 2 if editor is self.description else 0)
        # tr() outside f-strings: lupdate does not read calls inside one, so these stayed English.
        attributes, keywords = self.tr("Attributes"), self.tr("Keywords")
        layout.addWidget(QLabel(f"<b>{attributes}</b>"))
        layout.addWidget(self.attributes, 1)
        layout.addLayout(rows)
        line = QHBoxLayout()
        line.addWidget(QLabel(f"<b>{keywords}</b>"))
        line.addStretch(1)
        line.addWidget(self.keywords_count)
        layout.addLayout(line)
        layout.addWidget(self.keywords)
        layout.addWidget(self.keywords_problem)
        layout.addWidget(self.flags)
        layout.addLayout(buttons)
        # The Wildberries listing is a tab of its own: the side panel is too short for both at once.
        self.wb = WBListingPanel()
        self.wb.saved.connect(self.saved)
        self.sections = QTabWidget()
        self.sections.addTab(text, self.tr("Text"))
        self.sections.addTab(self.wb, self.tr("Wildberries"))
        self.wb.problems_changed.connect(self._show_wb_problems)
        outer = QVBoxLayout(self)
        outer.addWidget(self.heading)
        outer.addWidget(self.sections, 1)
        self.set_product(None, "")

    # -- which product --------------------------------------------------------------------------
    def set_product(self, project: Project | None, key: str) -> None:
        self.flush()
        self.project, self.key = project, key
        card = card_of(project, key) if project is not None and key else None
        self._base = card
        self._loading = True
        self.title.setText(card.title if card else "")
        self.description.setPlainText(card.description if card else "")
        self.attributes.setRowCount(0)
        for name, value in (card.attributes if card else {}).items():
            self._append(name, value)
        self.keywords.setText(", ".join(card.keywords) if card else "")
        self._loading = False
        enabled = project is not None and bool(key)
        for widget in (self.title, self.description, self.attributes, self.add_button, self.remove,
                       self.keywords, self.regenerate, self.copy):
            widget.setEnabled(enabled)
        self.heading.setText(self._heading(project, key))
        self.flags.setText("\n".join(f"• {flag}" for flag in card.flags) if card and card.flags else "")
        self._update_counts()
        self.wb.set_product(project, key)

    def _show_wb_problems(self, count: int) -> None:
        tab = self.tr("Wildberries")
        self.sections.setTabText(1, f"{tab} ({count})" if count else tab)
        said = self.tr("%n thing(s) would block publishing", "", count) if count else ""
        self.sections.setTabToolTip(1, said)

    def _heading(self, project: Project | None, key: str) -> str:
        if project is None or not key:
            return self.tr("Select a photo to edit its product's card text.")
        market = text_marketplace(project, key)
        state = project.product(key)
        origin = self.tr("edited by you") if state.card_edited else (
            self.tr("generated") if state.card else self.tr("no text yet"))
        return self.tr("<b>{0}</b> · limits of {1} · {2}").format(
            next(p.name for p in project.products if p.key == key), market.name, origin)

    # -- editing --------------------------------------------------------------------------------
    def card(self) -> Card:
        attributes = {}
        for row in range(self.attributes.rowCount()):
            name, value = (self.attributes.item(row, c) for c in (0, 1))
            name_text = name.text().strip() if name else ""
            if name_text:
                attributes[name_text] = value.text().strip() if value else ""
        base = self._base
        return Card(title=self.title.text().strip(), description=self.description.toPlainText().strip(),
                    attributes=attributes, keywords=parse_keywords(self.keywords.text()),
                    provenance=dict(base.provenance) if base else {},
                    flags=list(base.flags) if base else [])

    def copy_to_clipboard(self) -> None:
        QGuiApplication.clipboard().setText(clipboard_text(self.card()))

    def _edited(self, *_: object) -> None:
        self._update_counts()
        if not self._loading and self.project is not None and self.key:
            self._timer.start()

    def flush(self) -> None:
        """Save a pending edit now (switching product, closing the window)."""
        if self._timer.isActive():
            self._timer.stop()
            self.save_now()
        self.wb.flush()

    def save_now(self) -> None:
        if self.project is None or not self.key:
            return
        card = self.card()
        name = next((p.name for p in self.project.products if p.key == self.key), self.key)
        set_card(self.project, self.key, card, label=self.tr("Card text of {0}").format(name))
        self._base = card
        self.heading.setText(self._heading(self.project, self.key))
        self.wb.recheck()  # the title and description are checked for Wildberries too
        self.saved.emit(self.key)

    def _update_counts(self) -> None:
        if self.project is None or not self.key:
            self.title_count.setText("")
            self.description_count.setText("")
            self.keywords_count.setText("")
            self.keywords_problem.setText("")
            return
        market = text_marketplace(self.project, self.key)
        self._check_keywords(market.name)
        title, body = len(self.title.text()), len(self.description.toPlainText())
        self.title_count.setText(f"{title} / {market.title_max}")
        self.title_count.setStyleSheet(_OVER if title > market.title_max else "")
        self.title_count.setToolTip(self.tr("{0} allows at most {1} characters").format(
            market.name, market.title_max))
        self.description_count.setText(f"{body} / {market.description_min}–{market.description_max}")
        over, under = body > market.description_max, 0 < body < market.description_min
        self.description_count.setStyleSheet(_OVER if over else _UNDER if under else "")
        self.description_count.setToolTip(self.tr("{0} wants {1}–{2} characters").format(
            market.name, market.description_min, market.description_max))

    def _check_keywords(self, market: str) -> None:
        """The rules the marketplace applies to keywords (app.cardtext.rules.enforce drops a keyword
        with a promo word or an emoji): said while typing, so the seller can reword it."""
        words = parse_keywords(self.keywords.text())
        self.keywords_count.setText(self.tr("%n keyword(s)", "", len(words)))
        promo = [w for w in words if banned_found(w)]
        emoji = [w for w in words if emoji_found(w)]
        problems = []
        if promo:
            problems.append(self.tr("{0} does not allow promo words in keywords: {1}").format(
                market, ", ".join(promo)))
        if emoji:
            problems.append(self.tr("{0} does not allow emoji in keywords: {1}").format(
                market, ", ".join(emoji)))
        self.keywords_problem.setText("\n".join(problems))
        self.keywords_problem.setVisible(bool(problems))

    def title_over_limit(self) -> bool:
        return self.title_count.styleSheet() == _OVER

    def _append(self, name: str, value: str) -> None:
        row = self.attributes.rowCount()
        self.attributes.insertRow(row)
        self.attributes.setItem(row, 0, QTableWidgetItem(name))
        self.attributes.setItem(row, 1, QTableWidgetItem(value))

    def _add_row(self) -> None:
        self._append("", "")
        self.attributes.setCurrentCell(self.attributes.rowCount() - 1, 0)
        self.attributes.editItem(self.attributes.item(self.attributes.rowCount() - 1, 0))

    def _remove_rows(self) -> None:
        for row in sorted({i.row() for i in self.attributes.selectedIndexes()}, reverse=True):
            self.attributes.removeRow(row)
        self._edited()
