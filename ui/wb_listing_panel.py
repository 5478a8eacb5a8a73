"""The Card text tab's Wildberries section: category, vendor code, brand, package, price and the
category's characteristics, saved into the project as they are edited (``app.studio.wb_listing``),
with a live list of what would block publishing. Network and writer calls run in the background
(``ui.wb_listing_jobs``); an answer for a product no longer shown is stored for that product all
the same (when its project is still open) without touching the form."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.errors import VitrinaError
from app.project import Project
from app.publish.wb.listing import Defaults
from app.studio import wb_listing as wb
from app.studio.kept_models import KeptModels
from app.studio.publish import export_defaults
from ui.layout_pieces import scrolling_down
from ui.wb_category_picker import CategoryPicker
from ui.wb_charcs_form import CharcsForm
from ui.wb_listing_fields import ListingFields
from ui.wb_listing_jobs import Job, Kind, ListingJobs, card_writer, with_writer

SAVE_DELAY_MS = 600  # as the card text: saved when the user pauses typing
_PROBLEM, _OK, _NOTE = "color: #b35900", "color: #2e7d32", "color: #555"
_ERROR = "color: #c62828"


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
        # The window lends its own (a local writer then stays loaded between clicks); until then a
        # writer is released as soon as its job is done.
        self.kept = KeptModels(idle_s=0)
        self._loading = False
        self._token_told = False
        self._pending: set[str] = set()
        self._categories: dict[int, wb.Category] = {}  # loaded this session, by subject id
        self.jobs = ListingJobs(self)
        self.jobs.answered.connect(self._on_done)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SAVE_DELAY_MS)
        self._timer.timeout.connect(self.flush)
        self._build()
        self.set_product(None, "")

    # -- the widgets ----------------------------------------------------------------------------
    def _build(self) -> None:
        self.category = CategoryPicker()
        self.category.search_asked.connect(self.search_categories)
        self.category.suggest_asked.connect(self.suggest)
        self.category.picked.connect(self._on_picked)
        self.category_note = _note()
        self.fields = ListingFields()
        self.fields.edited.connect(self._edited)
        self.fill_button = QPushButton(self.tr("Fill from card text"))
        self.fill_button.setToolTip(self.tr("Ask the card writer from Settings for the empty "
                                            "characteristics (one request); your values are kept"))
        self.fill_button.clicked.connect(self.fill)
        self.charcs = CharcsForm()
        self.charcs.edited.connect(lambda charc_id: self._edited(f"charc:{charc_id}"))
        self.charcs_note = _note()
        self.fill_note = _note(_PROBLEM)
        self.blocking = _note(_PROBLEM)

        charcs_line = QHBoxLayout()
        characteristics = self.tr("Characteristics")
        charcs_line.addWidget(QLabel(f"<b>{characteristics}</b>"))
        charcs_line.addStretch(1)
        charcs_line.addWidget(self.fill_button)

        body = QWidget()
        column = QVBoxLayout(body)
        column.addWidget(self.blocking)
        column.addWidget(self.category)
        column.addWidget(self.category_note)
        column.addWidget(self.fields)
        column.addLayout(charcs_line)
        column.addWidget(self.charcs_note)
        column.addWidget(self.fill_note)
        column.addWidget(self.charcs)
        column.addStretch(1)
        self.scroll = scrolling_down(body)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.scroll, 1)

    # -- which product --------------------------------------------------------------------------
    def set_product(self, project: Project | None, key: str) -> None:
        """Show this product's listing (the same product again: its stored values, after an undo)."""
        self.flush()
        new = project is not self.project or key != self.key
        self.project, self.key = project, key
        enabled = project is not None and bool(key)
        for widget in (self.category, self.fields, self.fill_button, self.charcs):
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
                listing, vendor_code, folder = wb.WBListing(), "", Defaults()
            else:
                listing = wb.listing_of(self.project, self.key)
                vendor_code = wb.default_vendor_code(self.project, self.key)
                folder = self._folder_defaults(self.project)
            self.fields.show_listing(listing, vendor_code, folder)
            self._show_category(listing)
        finally:
            self._loading = False
        self.recheck()

    @staticmethod
    def _folder_defaults(project: Project) -> Defaults:
        try:
            return export_defaults(project)
        except VitrinaError:  # an unreadable publish.json: the list of what blocks publishing says so
            return Defaults()

    def _show_category(self, listing: wb.WBListing) -> None:
        subject = listing.subject_id
        self.category.show_chosen(listing)
        category = self._category(subject)
        if subject is not None and category is None:
            self._start(Kind.CATEGORY, self.tr("Loading the characteristics…"),
                        lambda: wb.characteristics(subject), subject)
        self.charcs.show_category(category)
        self.charcs.set_values(listing.characteristics)

    def _category(self, subject: int | None) -> wb.Category | None:
        if subject is None:
            return None
        if subject not in self._categories:
            cached = wb.cached_characteristics(subject)  # a file read: the cache answers offline
            if cached is None:
                return None
            self._categories[subject] = cached
        return self._categories[subject]

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
        if not field.startswith("charc:"):
            self.fields.store(project, key, field, label)
        elif typed := self.charcs.value(int(field[6:])):
            charc, value = typed
            wb.set_characteristic(project, key, charc.id, value, label=label)

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

    def _subject_shown(self) -> int | None:
        return wb.listing_of(self.project, self.key).subject_id if self.project is not None and self.key \
            else None

    def _name(self, key: str | None = None) -> str:
        key = self.key if key is None else key
        products = self.project.products if self.project is not None else []
        return next((p.name for p in products if p.key == key), key)

    # -- category -------------------------------------------------------------------------------
    def search_categories(self) -> None:
        text = " ".join(self.category.search.text().split())
        if not text:
            _say(self.category_note, self.tr("Type a part of the category's name, e.g. «кружк»."), _NOTE)
            return
        self._start(Kind.SEARCH, self.tr("Searching Wildberries…"), lambda: wb.subjects(text), text)

    def _on_picked(self, subject: wb.Subject) -> None:
        if self.project is not None and self.key:
            self.choose(subject)

    def choose(self, subject: wb.Subject) -> None:
        """Choose the category: its characteristics load first, so the values it lacks can go."""
        self.flush()
        self._start(Kind.CHOOSE, self.tr("Loading the characteristics of «{0}»…").format(subject.name),
                    lambda: wb.characteristics(subject.id), subject)

    def suggest(self) -> None:
        project, key = self.project, self.key

        def ask(make: Any) -> tuple[wb.Suggestion, wb.Category | None]:
            found = with_writer(make, lambda writer: wb.suggest(project, key, writer))
            return found, wb.characteristics(found.picked.id) if found.picked else None

        self._ask_writer(Kind.SUGGEST, self.tr("Asking the card writer for a category…"), ask)

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
        project, key = self.project, self.key
        subject = wb.listing_of(project, key).subject_id
        category = self._categories.get(subject) if subject is not None else None
        if category is None:
            _say(self.fill_note, self.tr("Choose the category first: its characteristics are what is "
                                         "filled."), _PROBLEM)
            return
        self._ask_writer(Kind.FILL, self.tr("Asking the card writer for the characteristics…"), lambda make: (
            with_writer(make, lambda writer: wb.ask_fill(project, key, writer, category))))

    def _ask_writer(self, kind: str, doing: str, ask: Callable[[Callable[[], Any]], Any]) -> None:
        """``ask(make)`` on the pool, ``make`` giving the card writer of the user's settings."""
        make = card_writer(self.kept)
        if make is None:
            _say(self.fill_note, self.tr("No card writer is chosen: choose GigaChat or a local writer as the "
                                         "text provider in Settings."), _PROBLEM)
            return
        self.flush()
        self._start(kind, doing, lambda: ask(make))

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
    def _start(self, kind: str, doing: str, work: Callable[[], Any], extra: Any = None) -> None:
        if self.jobs.start(Job(kind, self.project, self.key, extra), work):
            _say(self._note_for(kind), doing, _NOTE)
            self._busy_buttons()

    def _note_for(self, kind: str) -> QLabel:
        return self.charcs_note if kind in (Kind.CATEGORY, Kind.CHOOSE, Kind.FILL) else self.category_note

    def _busy_buttons(self) -> None:
        busy = self.jobs.busy()
        enabled = self.project is not None and bool(self.key)
        self.category.search_button.setEnabled(enabled and Kind.SEARCH not in busy)
        self.category.suggest_button.setEnabled(enabled and not busy & {Kind.SUGGEST, Kind.CHOOSE})
        self.fill_button.setEnabled(enabled and not busy & {Kind.FILL, Kind.CHOOSE, Kind.SUGGEST})

    def _on_done(self, job: Job, result: Any, error: str) -> None:
        self._busy_buttons()
        here = job.project is self.project and job.key == self.key
        if here:
            self.flush()  # the form is shown again from the state: typing not yet stored goes first
        if here or job.kind == Kind.SEARCH:
            _say(self._note_for(job.kind), error, _ERROR)
        if error or job.project is None or job.project is not self.project:
            return  # an error for another product is its to see when asked again; a closed project: gone
        try:
            self._answer(job, job.project, result, here)
        except VitrinaError as exc:  # stored in memory, but the save failed
            _say(self.fill_note, str(exc), _ERROR)
        if here and job.kind != Kind.SEARCH:
            self._load()

    def _answer(self, job: Job, project: Project, result: Any, here: bool) -> None:
        if job.kind == Kind.SEARCH:
            self.category.show_results(result, self._subject_shown())
            if not result:
                _say(self.category_note, self.tr("Wildberries has no category named like «{0}».")
                     .format(job.extra), _NOTE)
        elif job.kind == Kind.CATEGORY:
            self._categories[job.extra] = result
            self.charcs.rebuild()  # with the characteristics just loaded
        elif job.kind == Kind.CHOOSE:
            self._set_subject(project, job.key, job.extra, result)
            self.charcs.rebuild()
            if here:
                self.category.results.hide()
        elif job.kind == Kind.SUGGEST:
            self._suggested(project, job.key, result, here)
        elif job.kind == Kind.FILL:
            self._filled(project, job.key, result)

    def _suggested(self, project: Project, key: str, result: Any, here: bool) -> None:
        suggestion, category = result
        if suggestion.picked is not None:
            self._set_subject(project, key, suggestion.picked, category)
            self.charcs.rebuild()
        if not here:
            return
        self.category.show_results(list(suggestion.candidates), suggestion.picked.id if suggestion.picked
                                   else self._subject_shown())
        if suggestion.picked is not None:
            said = self.tr("The card writer suggests «{0}»; click another one to change it.")
            _say(self.category_note, said.format(suggestion.picked.name), _NOTE)
        elif suggestion.candidates:
            _say(self.category_note, self.tr("The card writer found none of these fits; click the "
                                             "right one."), _NOTE)
        else:
            _say(self.category_note, self.tr("Wildberries has no category for the card's words; "
                                             "search by name."), _NOTE)
