"""The characteristics of a product's Wildberries category, one line per characteristic: the
required ones first (a red star), a hint of what each takes, and the Wildberries list (colours,
countries…) offered as one types, value by value after each comma."""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import QCoreApplication, QModelIndex, Qt, Signal
from PySide6.QtWidgets import QCompleter, QFormLayout, QLabel, QLineEdit, QWidget

from app.publish.wb.charcs import Characteristic
from app.studio import wb_listing as wb

# Called by this name with literal strings so that pyside6-lupdate finds them; the words are the
# Wildberries section's own (its "WBListingPanel" translation context), wherever they are laid out.
translate = QCoreApplication.translate
REQUIRED_STAR = "color: #c62828"
_SPLIT = re.compile(r"[,;]")


class _ListCompleter(QCompleter):
    """Completes the value after the last comma, so "красный, бе" offers "белый"."""

    def splitPath(self, path: str) -> list[str]:  # noqa: N802 - Qt's name
        return [_SPLIT.split(path)[-1].strip()]

    def pathFromIndex(self, index: QModelIndex) -> str:  # noqa: N802 - Qt's name
        chosen = super().pathFromIndex(index)
        widget = self.widget()
        text = widget.text() if isinstance(widget, QLineEdit) else ""
        cut = max(text.rfind(","), text.rfind(";"))
        return f"{text[:cut + 1]} {chosen}" if cut >= 0 else chosen


class CharcsForm(QWidget):
    edited = Signal(int)  # the id of the characteristic the user typed into

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.form = QFormLayout(self)
        self.form.setContentsMargins(0, 0, 0, 0)
        self.form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self._editors: dict[int, tuple[Characteristic, QLineEdit]] = {}
        self._subject: int | None = None  # whose characteristics the form shows
        self._built = False

    def show_category(self, category: wb.Category | None) -> None:
        """Lines for this category's characteristics (None: none); the same category again keeps
        its lines, and what is typed in them."""
        subject = category.subject_id if category else None
        if self._built and subject == self._subject:
            return
        while self.form.rowCount():
            self.form.removeRow(0)
        self._editors.clear()
        self._subject, self._built = subject, True
        if category is None:
            return
        # Required first, then the ones buyers filter by; WB's own order within each.
        for charc in sorted(category.charcs, key=lambda c: (not c.required, not c.popular)):
            editor = QLineEdit()
            editor.setPlaceholderText(self._hint(charc, category))
            allowed = category.dictionary_for(charc)
            if allowed:
                completer = _ListCompleter(allowed, editor)
                completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
                completer.setFilterMode(Qt.MatchFlag.MatchContains)
                editor.setCompleter(completer)
            editor.textEdited.connect(lambda _t, cid=charc.id: self.edited.emit(cid))
            label = QLabel(_label(charc))
            label.setWordWrap(True)
            if charc.required:
                label.setToolTip(translate("WBListingPanel", "Required by Wildberries"))
            self.form.addRow(label, editor)
            self._editors[charc.id] = (charc, editor)

    def rebuild(self) -> None:
        """The next :meth:`show_category` builds the lines anew (its characteristics were reloaded)."""
        self._built = False

    def set_values(self, values: Mapping[int, Any]) -> None:
        for charc_id, (_charc, editor) in self._editors.items():
            editor.setText(wb.value_text(values.get(charc_id)))

    def value(self, charc_id: int) -> tuple[Characteristic, Any] | None:
        """The characteristic and what is typed for it, as the listing keeps it (None: not shown)."""
        found = self._editors.get(charc_id)
        if found is None:
            return None
        charc, editor = found
        return charc, wb.parse_value(charc, editor.text())

    def _hint(self, charc: Characteristic, category: wb.Category) -> str:
        if charc.kind == "number":
            if charc.unit:
                return translate("WBListingPanel", "a number in {0}").format(charc.unit)
            return translate("WBListingPanel", "a number")
        if category.dictionary_for(charc):
            return translate("WBListingPanel", "from the Wildberries list")
        if charc.max_count == 1:
            return translate("WBListingPanel", "one value")
        if charc.max_count:
            return translate("WBListingPanel", "up to {0}, comma-separated").format(charc.max_count)
        return translate("WBListingPanel", "comma-separated")


def _label(charc: Characteristic) -> str:
    text = html.escape(charc.name + (f", {charc.unit}" if charc.unit else ""))
    return text + (f" <span style='{REQUIRED_STAR}'>*</span>" if charc.required else "")
