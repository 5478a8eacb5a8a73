"""The Card text tab's Wildberries section: category, vendor code, brand, package, price and the
category's characteristics, saved into the project as they are edited (``app.studio.wb_listing``),
with a live list of what would block publishing. Network and writer calls run on the global thread
pool; their answers come back as signals, and an answer for a product no longer shown is stored
for that product all the same (when its project is still open) without touching the form."""

from __future__ import annotations

import asyncio
import html
import logging
import re
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, QModelIndex, QObject, QRunnable, Qt, QThreadPool, QTimer, Signal
from PySide6.QtGui import QShowEvent, QWheelEvent
from PySide6.QtWidgets import (
    QCompleter,
    QDoubleSpinBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app import settings as app_settings
from app.errors import VitrinaError
from app.events import ignore
from app.project import Project
from app.publish.wb.charcs import Characteristic
from app.publish.wb.listing import Dimensions
from app.studio import text_options
from app.studio import wb_listing as wb

SAVE_DELAY_MS = 600  # as the card text: saved when the user pauses typing
_PROBLEM, _OK, _NOTE = "color: #b35900", "color: #2e7d32", "color: #555"
_ERROR = "color: #c62828"
_SPLIT = re.compile(r"[,;]")

log = logging.getLogger(__name__)


def settings_writer() -> Any:
    """The card writer of the user's settings, as the text run makes it (GigaChat or local)."""
    from app.pipeline.text import default_writer

    return default_writer(text_options(app_settings.load()), ignore)


def writer_chosen() -> bool:
    return text_options(app_settings.load()).enabled


def _with_writer(make: Callable[[], Any], job: Callable[[Any], Any]) -> Any:
    """Run ``job(writer)`` on an event loop of this thread: an async client belongs to the loop it
    was first used on, so the writer is made, used and closed on the same one."""
    async def run() -> Any:
        writer = make()
        try:
            return await job(writer)
        finally:
            close = getattr(writer, "aclose", None)
            if close is not None:
                await close()

    return asyncio.run(run())


class _Signals(QObject):
    done = Signal(int, object, str)  # job number, result, error ("" when it worked)


class _Job(QRunnable):
    def __init__(self, number: int, work: Callable[[], Any], signals: _Signals) -> None:
        super().__init__()
        self.number, self.work, self.signals = number, work, signals

    def run(self) -> None:
        try:
            result = self.work()
        except VitrinaError as exc:  # the core's messages are for the user and never hold a token
            self.signals.done.emit(self.number, None, str(exc))
        except Exception:  # a bug or a service surprise: still an answer in the panel, not a crash
            log.exception("a Wildberries panel job failed unexpectedly")
            self.signals.done.emit(self.number, None, QCoreApplication.translate(
                "WBListingPanel", "That failed unexpectedly; the log has the details."))
        else:
            self.signals.done.emit(self.number, result, "")


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


class _Spin(QSpinBox):
    """Ignores the wheel unless focused: scrolling the section must not change a number."""

    def wheelEvent(self, event: QWheelEvent) -> None:  # noqa: N802 - Qt's name
        if self.hasFocus():
            super().wheelEvent(event)
        else:
            event.ignore()


class _DoubleSpin(QDoubleSpinBox):
    def wheelEvent(self, event: QWheelEvent) -> None:  # noqa: N802 - Qt's name
        if self.hasFocus():
            super().wheelEvent(event)
        else:
            event.ignore()


def _note(style: str = _NOTE) -> QLabel:
    label = QLabel()
    label.setWordWrap(True)
    label.setStyleSheet(style)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.hide()
    return label


def _say(label: QLabel, text: str, style: str | None = None) -> None:
    label.setText(text)
    if style is not None:
        label.setStyleSheet(style)
    label.setVisible(bool(text))


def _bullets(lines: list[str]) -> str:
    return "\n".join(f"• {line}" for line in lines)


class WBListingPanel(QWidget):
    saved = Signal(str)  # product key: a listing edit was stored (the window refreshes Undo)
    problems_changed = Signal(int)  # how many things would block publishing the product shown

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.project: Project | None = None
        self.key = ""
        self.writer_factory: Callable[[], Any] = settings_writer  # made on the job's thread
        self._loading = False
        self._token_told = False
        self._pending: set[str] = set()
        self._categories: dict[int, wb.Category] = {}  # loaded this session, by subject id
        self._form_subject: int | None = None  # whose characteristics the form shows
        self._editors: dict[int, tuple[Characteristic, QLineEdit]] = {}
        self._jobs: dict[int, tuple[str, Project | None, str, Any]] = {}
        self._job_number = 0
        self._signals = _Signals()  # no parent: a job running past the panel's life still has it
        self._signals.done.connect(self._on_done)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SAVE_DELAY_MS)
        self._timer.timeout.connect(self.flush)
        self._build()
        self.set_product(None, "")

    # -- the widgets ----------------------------------------------------------------------------
    def _build(self) -> None:
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("Search categories, e.g. «Кружки»"))
        self.search.returnPressed.connect(self.search_categories)
        self.search_button = QPushButton(self.tr("Search"))
        self.search_button.clicked.connect(self.search_categories)
        self.suggest_button = QPushButton(self.tr("Suggest"))
        self.suggest_button.setToolTip(self.tr("Ask the card writer from Settings which category fits "
                                               "this card"))
        self.suggest_button.clicked.connect(self.suggest)
        self.chosen = QLabel()
        self.chosen.setWordWrap(True)
        self.results = QListWidget()
        self.results.setToolTip(self.tr("Click a category to choose it"))
        self.results.itemClicked.connect(self._on_result)
        self.results.itemActivated.connect(self._on_result)
        self.results.hide()
        self.category_note = _note()
        self.vendor_code = QLineEdit()
        self.brand = QLineEdit()
        self.brand.setPlaceholderText(self.tr("As registered on Wildberries"))
        self.length, self.width, self.height = (_Spin() for _i in range(3))
        for spin, tip in ((self.length, self.tr("Length")), (self.width, self.tr("Width")),
                          (self.height, self.tr("Height"))):
            spin.setRange(0, 1000)
            spin.setSpecialValueText("—")
            spin.setToolTip(self.tr("{0} of the package in cm").format(tip))
        self.weight = _DoubleSpin()
        self.weight.setRange(0, 1000)
        self.weight.setDecimals(3)
        self.weight.setSingleStep(0.1)
        self.weight.setSpecialValueText("—")
        self.weight.setToolTip(self.tr("Weight of the packed product in kg"))
        self.price = _Spin()
        self.price.setRange(0, 10_000_000)
        self.price.setSpecialValueText(self.tr("not set"))
        self.price.setSuffix(" ₽")
        self.price.setToolTip(self.tr("Price for a new card (optional; later prices are set in the "
                                      "seller portal)"))
        self.fill_button = QPushButton(self.tr("Fill from card text"))
        self.fill_button.setToolTip(self.tr("Ask the card writer from Settings for the empty "
                                            "characteristics (one request); your values are kept"))
        self.fill_button.clicked.connect(self.fill)
        self.charcs_box = QWidget()
        self.charcs_form = QFormLayout(self.charcs_box)
        self.charcs_form.setContentsMargins(0, 0, 0, 0)
        self.charcs_form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.charcs_note = _note()
        self.fill_note = _note(_PROBLEM)
        self.blocking = _note(_PROBLEM)

        self.vendor_code.textEdited.connect(lambda _t: self._edited("vendor_code"))
        self.brand.textEdited.connect(lambda _t: self._edited("brand"))
        for spin in (self.length, self.width, self.height, self.weight):
            spin.valueChanged.connect(lambda _v: self._edited("dimensions"))
        self.price.valueChanged.connect(lambda _v: self._edited("price"))

        find = QHBoxLayout()
        find.addWidget(self.search, 1)
        find.addWidget(self.search_button)
        find.addWidget(self.suggest_button)
        package = QHBoxLayout()
        for n, spin in enumerate((self.length, self.width, self.height)):
            if n:
                package.addWidget(QLabel("×"))
            package.addWidget(spin, 1)
        fields = QFormLayout()
        fields.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        fields.addRow(self.tr("Vendor code"), self.vendor_code)
        fields.addRow(self.tr("Brand"), self.brand)
        fields.addRow(self.tr("L × W × H, cm"), package)
        fields.addRow(self.tr("Weight, kg"), self.weight)
        fields.addRow(self.tr("Price"), self.price)
        charcs_line = QHBoxLayout()
        characteristics, category = self.tr("Characteristics"), self.tr("Category")
        charcs_line.addWidget(QLabel(f"<b>{characteristics}</b>"))
        charcs_line.addStretch(1)
        charcs_line.addWidget(self.fill_button)

        body = QWidget()
        column = QVBoxLayout(body)
        column.addWidget(self.blocking)
        column.addWidget(QLabel(f"<b>{category}</b>"))
        column.addLayout(find)
        column.addWidget(self.chosen)
        column.addWidget(self.results)
        column.addWidget(self.category_note)
        column.addLayout(fields)
        column.addLayout(charcs_line)
        column.addWidget(self.charcs_note)
        column.addWidget(self.fill_note)
        column.addWidget(self.charcs_box)
        column.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(body)
        self.scroll = scroll
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll, 1)

    # -- which product --------------------------------------------------------------------------
    def set_product(self, project: Project | None, key: str) -> None:
        """Show this product's listing (the same product again: its stored values, after an undo)."""
        self.flush()
        new = project is not self.project or key != self.key
        self.project, self.key = project, key
        enabled = project is not None and bool(key)
        for widget in (self.search, self.search_button, self.suggest_button, self.vendor_code, self.brand,
                       self.length, self.width, self.height, self.weight, self.price, self.fill_button,
                       self.charcs_box):
            widget.setEnabled(enabled)
        if new:
            for label in (self.fill_note, self.charcs_note, self.category_note):
                _say(label, "")
            self._token_told = False
            if self.isVisible():
                self._tell_token()
        self._load()
        self._busy_buttons()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)
        self._tell_token()

    def _tell_token(self) -> None:
        """Say how to add a token before the user searches in vain. Asked only once the section is
        on screen: reading the keyring may prompt to unlock it, which nobody should meet unasked."""
        if self._token_told or self.project is None or not self.key:
            return
        self._token_told = True
        if not wb.has_token():
            _say(self.category_note, str(wb.no_token()), _PROBLEM)

    def _load(self) -> None:
        self._loading = True
        try:
            if self.project is None or not self.key:
                listing = wb.WBListing()
                self.vendor_code.setPlaceholderText("")
            else:
                listing = wb.listing_of(self.project, self.key)
                self.vendor_code.setPlaceholderText(wb.default_vendor_code(self.project, self.key))
            self.vendor_code.setText(listing.vendor_code)
            self.brand.setText(listing.brand)
            dims = listing.dimensions
            self.length.setValue(dims.length if dims else 0)
            self.width.setValue(dims.width if dims else 0)
            self.height.setValue(dims.height if dims else 0)
            self.weight.setValue(dims.weight if dims else 0.0)
            self.price.setValue(listing.price or 0)
            self._show_category(listing)
        finally:
            self._loading = False
        self.recheck()

    def _show_category(self, listing: wb.WBListing) -> None:
        subject = listing.subject_id
        if subject is None:
            self.chosen.setText(self.tr("No category chosen: search for one, or ask for a suggestion."))
        else:
            self.chosen.setText(self.tr("Chosen: «{0}» ({1})").format(listing.subject_name or "?", subject))
        category = self._category(subject)
        if subject is not None and category is None:
            self._start("category", self.tr("Loading the characteristics…"),
                        lambda: wb.characteristics(subject), subject)
        self._build_form(category if subject is not None else None)
        for charc_id, (_charc, editor) in self._editors.items():
            editor.setText(wb.value_text(listing.characteristics.get(charc_id)))

    def _category(self, subject: int | None) -> wb.Category | None:
        if subject is None:
            return None
        if subject not in self._categories:
            cached = wb.cached_characteristics(subject)  # a file read: the cache answers offline
            if cached is None:
                return None
            self._categories[subject] = cached
        return self._categories[subject]

    def _build_form(self, category: wb.Category | None) -> None:
        subject = category.subject_id if category else None
        if subject == self._form_subject and (category is None or self._editors):
            return
        while self.charcs_form.rowCount():
            self.charcs_form.removeRow(0)
        self._editors.clear()
        self._form_subject = subject
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
            editor.textEdited.connect(lambda _t, cid=charc.id: self._edited(f"charc:{cid}"))
            label = QLabel(self._label(charc))
            label.setWordWrap(True)
            if charc.required:
                label.setToolTip(self.tr("Required by Wildberries"))
            self.charcs_form.addRow(label, editor)
            self._editors[charc.id] = (charc, editor)

    def _label(self, charc: Characteristic) -> str:
        text = html.escape(charc.name + (f", {charc.unit}" if charc.unit else ""))
        return text + (f" <span style='{_ERROR}'>*</span>" if charc.required else "")

    def _hint(self, charc: Characteristic, category: wb.Category) -> str:
        if charc.kind == "number":
            return self.tr("a number in {0}").format(charc.unit) if charc.unit else self.tr("a number")
        if category.dictionary_for(charc):
            return self.tr("from the Wildberries list")
        if charc.max_count == 1:
            return self.tr("one value")
        if charc.max_count:
            return self.tr("up to {0}, comma-separated").format(charc.max_count)
        return self.tr("comma-separated")

    # -- edits ----------------------------------------------------------------------------------
    def _edited(self, field: str) -> None:
        if self._loading or self.project is None or not self.key:
            return
        self._pending.add(field)
        self._timer.start()

    def flush(self) -> None:
        """Store the edits waiting for the pause (switching product, undo, closing the window)."""
        self._timer.stop()
        pending, self._pending = self._pending, set()
        if not pending or self.project is None or not self.key:
            return
        project, key = self.project, self.key
        label = self.tr("Wildberries listing of {0}").format(self._name())
        try:
            for field in sorted(pending):
                self._store(project, key, field, label)
        except VitrinaError as exc:  # kept in memory; the save failed: said where the user looks
            _say(self.fill_note, str(exc), _ERROR)
        self.recheck()
        self.saved.emit(key)

    def _store(self, project: Project, key: str, field: str, label: str) -> None:
        if field == "vendor_code":
            wb.set_vendor_code(project, key, self.vendor_code.text(), label=label)
        elif field == "brand":
            wb.set_brand(project, key, self.brand.text(), label=label)
        elif field == "dimensions":
            dims = Dimensions(self.length.value(), self.width.value(), self.height.value(),
                              round(self.weight.value(), 3))
            wb.set_dimensions(project, key, dims, label=label)
        elif field == "price":
            wb.set_price(project, key, self.price.value() or None, label=label)
        elif field.startswith("charc:") and (found := self._editors.get(int(field[6:]))):
            charc, editor = found
            wb.set_characteristic(project, key, charc.id, wb.parse_value(charc, editor.text()), label=label)

    def recheck(self) -> None:
        """The live list of what would block publishing (no network: the loaded category or the cache)."""
        if self.project is None or not self.key:
            _say(self.blocking, "")
            self.problems_changed.emit(0)
            return
        subject = wb.listing_of(self.project, self.key).subject_id
        problems = wb.check(self.project, self.key, self._categories.get(subject) if subject else None)
        if problems:
            head = self.tr("Publishing would be blocked by:")
            _say(self.blocking, head + "\n" + _bullets(problems), _PROBLEM)
        else:
            _say(self.blocking, self.tr("Nothing blocks publishing (the photos are checked when the bundle "
                                        "is exported)."), _OK)
        self.problems_changed.emit(len(problems))

    def _name(self, key: str | None = None) -> str:
        key = self.key if key is None else key
        products = self.project.products if self.project is not None else []
        return next((p.name for p in products if p.key == key), key)

    # -- category -------------------------------------------------------------------------------
    def search_categories(self) -> None:
        text = " ".join(self.search.text().split())
        if not text:
            _say(self.category_note, self.tr("Type a part of the category's name, e.g. «кружк»."), _NOTE)
            return
        self._start("search", self.tr("Searching Wildberries…"), lambda: wb.subjects(text), text)

    def _show_results(self, found: list[wb.Subject], picked: wb.Subject | None = None) -> None:
        """The categories found, the chosen (or suggested) one selected; as tall as five of them."""
        chosen = picked.id if picked else (wb.listing_of(self.project, self.key).subject_id
                                           if self.project is not None and self.key else None)
        self.results.clear()
        for subject in found:
            text = f"{subject.name} — {subject.parent}" if subject.parent else subject.name
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, subject)
            item.setToolTip(f"{subject.id}")
            self.results.addItem(item)
            if subject.id == chosen:
                self.results.setCurrentItem(item)
        if found:
            rows = min(len(found), 5)
            self.results.setFixedHeight(self.results.sizeHintForRow(0) * rows + 2 * self.results.frameWidth())
        self.results.setVisible(bool(found))

    def _on_result(self, item: QListWidgetItem) -> None:
        subject = item.data(Qt.ItemDataRole.UserRole)
        if isinstance(subject, wb.Subject) and self.project is not None and self.key:
            self.choose(subject)

    def choose(self, subject: wb.Subject) -> None:
        """Choose the category: its characteristics load first, so the values it lacks can go."""
        self.flush()
        self._start("choose", self.tr("Loading the characteristics of «{0}»…").format(subject.name),
                    lambda: wb.characteristics(subject.id), subject)

    def suggest(self) -> None:
        if not self._writer_ready():
            return
        self.flush()
        project, key, make = self.project, self.key, self.writer_factory

        def work() -> tuple[wb.Suggestion, wb.Category | None]:
            found = _with_writer(make, lambda writer: wb.suggest(project, key, writer))
            return found, wb.characteristics(found.picked.id) if found.picked else None

        self._start("suggest", self.tr("Asking the card writer for a category…"), work, None)

    def _set_subject(self, project: Project, key: str, subject: wb.Subject,
                     category: wb.Category | None) -> None:
        if category is not None:
            self._categories[subject.id] = category
        label = self.tr("Wildberries category of {0}").format(self._name(key))
        wb.set_subject(project, key, subject, keep={c.id for c in category.charcs} if category else None,
                       label=label)
        self.saved.emit(key)

    # -- fill -----------------------------------------------------------------------------------
    def fill(self) -> None:
        if self.project is None or not self.key:
            return
        subject = wb.listing_of(self.project, self.key).subject_id
        category = self._categories.get(subject) if subject is not None else None
        if category is None:
            _say(self.fill_note, self.tr("Choose the category first: its characteristics are what is "
                                         "filled."), _PROBLEM)
            return
        if not self._writer_ready():
            return
        self.flush()
        project, key, make = self.project, self.key, self.writer_factory

        def work() -> Any:
            return _with_writer(make, lambda writer: wb.ask_fill(project, key, writer, category))

        self._start("fill", self.tr("Asking the card writer for the characteristics…"), work, None)

    def _writer_ready(self) -> bool:
        if writer_chosen():
            return True
        _say(self.fill_note, self.tr("No card writer is chosen: choose GigaChat or a local writer as the "
                                     "text provider in Settings."), _PROBLEM)
        return False

    def _filled(self, project: Project, key: str, result: Any) -> None:
        label = self.tr("Characteristics of {0} filled from the card text").format(self._name(key))
        stored = wb.store_fill(project, key, result, label=label)
        if stored:
            self.saved.emit(key)
        if key != self.key:
            return
        if not result.raw and not result.problems:
            text = self.tr("Every characteristic has a value already; clear one to have it filled.")
        else:
            text = self.tr("Filled %n characteristic(s) from the card text.", "", stored)
        if result.problems:
            text += "\n" + self.tr("Not used:") + "\n" + _bullets(result.problems)
        _say(self.fill_note, text, _PROBLEM if result.problems else _NOTE)

    # -- background jobs ------------------------------------------------------------------------
    def _start(self, kind: str, doing: str, work: Callable[[], Any], extra: Any) -> None:
        same = (kind, extra if kind == "category" else None)
        if any((job[0], job[3] if job[0] == "category" else None) == same for job in self._jobs.values()):
            return  # the same question is on its way; its answer comes once
        self._job_number += 1
        self._jobs[self._job_number] = (kind, self.project, self.key, extra)
        _say(self._note_for(kind), doing, _NOTE)
        self._busy_buttons()
        QThreadPool.globalInstance().start(_Job(self._job_number, work, self._signals))

    def _note_for(self, kind: str) -> QLabel:
        return self.charcs_note if kind in ("category", "choose", "fill") else self.category_note

    def _busy_buttons(self) -> None:
        busy = {job[0] for job in self._jobs.values()}
        enabled = self.project is not None and bool(self.key)
        self.search_button.setEnabled(enabled and "search" not in busy)
        self.suggest_button.setEnabled(enabled and not busy & {"suggest", "choose"})
        self.fill_button.setEnabled(enabled and not busy & {"fill", "choose", "suggest"})

    def _on_done(self, number: int, result: Any, error: str) -> None:
        kind, project, key, extra = self._jobs.pop(number, ("", None, "", None))
        self._busy_buttons()
        here = project is self.project and key == self.key
        if here:
            self.flush()  # the form is shown again from the state: typing not yet stored goes first
        if here or kind == "search":
            _say(self._note_for(kind), error, _ERROR)
        if error or project is None or project is not self.project:
            return  # an error for another product is its to see when asked again; a closed project: gone
        try:
            self._answer(kind, project, key, extra, result, here)
        except VitrinaError as exc:  # stored in memory, but the save failed
            _say(self.fill_note, str(exc), _ERROR)
        if here and kind != "search":
            self._load()

    def _answer(self, kind: str, project: Project, key: str, extra: Any, result: Any, here: bool) -> None:
        if kind == "search":
            self._show_results(result)
            if not result:
                _say(self.category_note, self.tr("Wildberries has no category named like «{0}».")
                     .format(extra), _NOTE)
        elif kind == "category":
            self._categories[extra] = result
            self._form_subject = None  # the form is built anew with the loaded characteristics
        elif kind == "choose":
            self._set_subject(project, key, extra, result)
            self._form_subject = None
            if here:
                self.results.hide()
        elif kind == "suggest":
            suggestion, category = result
            if suggestion.picked is not None:
                self._set_subject(project, key, suggestion.picked, category)
                self._form_subject = None
            if not here:
                return
            self._show_results(list(suggestion.candidates), suggestion.picked)
            if suggestion.picked is not None:
                said = self.tr("The card writer suggests «{0}»; click another one to change it.")
                _say(self.category_note, said.format(suggestion.picked.name), _NOTE)
            elif suggestion.candidates:
                _say(self.category_note, self.tr("The card writer found none of these fits; click the "
                                                 "right one."), _NOTE)
            else:
                _say(self.category_note, self.tr("Wildberries has no category for the card's words; "
                                                 "search by name."), _NOTE)
        elif kind == "fill":
            self._filled(project, key, result)
