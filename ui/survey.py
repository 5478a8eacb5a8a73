"""Survey: two to four results side by side at the same zoom, to pick the keepers (N, as in Lightroom).

Zooming or panning one view moves them all. The photo under the mouse — or, with the mouse
elsewhere, the one last clicked (framed) — is the one P / X / U flag here. Escape goes back.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QThreadPool, Signal
from PySide6.QtGui import QImage, QKeySequence, QShortcut
from PySide6.QtWidgets import QApplication, QFrame, QGridLayout, QLabel, QVBoxLayout, QWidget

from app.project import Project
from app.studio import APPROVED, REJECTED, flag_of
from ui.image_view import ImageView
from ui.preview import PREVIEW_SIDE, RenderJob, RenderSignals

MAX_PHOTOS = 4
_ACTIVE = "QFrame#survey-cell { border: 2px solid #2a6edc; }"
_IDLE = "QFrame#survey-cell { border: 2px solid transparent; }"


class _Cell(QFrame):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("survey-cell")
        self.title = QLabel()
        self.view = ImageView()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addWidget(self.title)
        layout.addWidget(self.view, 1)
        self.rel = ""


class SurveyView(QWidget):
    rendered = Signal()  # every shown photo has its result on screen
    leave = Signal()  # Escape: back to the preview

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.project: Project | None = None
        self.hint = QLabel(self.tr("Select 2 to 4 photos in the gallery and press N to compare their "
                                   "results side by side. P approves, X rejects, U clears the photo under "
                                   "the mouse."))
        self.hint.setWordWrap(True)
        self.hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.cells = [_Cell() for _ in range(MAX_PHOTOS)]
        grid = QGridLayout()  # two photos side by side in one row; three or four in two rows
        for i, cell in enumerate(self.cells):
            cell.view.view_changed.connect(lambda z, x, y, source=cell.view: self._follow(source, z, x, y))
            cell.view.viewport().installEventFilter(self)
            cell.hide()
            grid.addWidget(cell, i // 2, i % 2)
        layout = QVBoxLayout(self)
        layout.addWidget(self.hint)
        layout.addLayout(grid, 1)
        self._hovered: _Cell | None = None
        self._active: _Cell | None = None
        self._generation = 0
        self._waiting = 0
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(2)
        self._signals = RenderSignals()
        self._signals.done.connect(self._on_done)
        back = QShortcut(QKeySequence(Qt.Key.Key_Escape), self)
        back.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        back.activated.connect(self.leave)

    def rels(self) -> list[str]:
        """The photos shown, in order."""
        return [cell.rel for cell in self.cells if cell.rel]

    def show_photos(self, project: Project | None, rels: list[str]) -> None:
        """Show these photos' results (the first MAX_PHOTOS); the first one is framed."""
        self._generation += 1
        self.pool.clear()
        self.project = project
        chosen = rels[:MAX_PHOTOS] if project is not None else []
        for cell in self.cells:
            cell.rel = ""
            cell.view.set_image(None)
            cell.hide()
        for cell, rel in zip(self.cells, chosen, strict=False):
            cell.rel = rel
            cell.show()
        self.hint.setVisible(not chosen)
        self._hovered = None
        self._active = self.cells[0] if chosen else None
        self._waiting = len(chosen)
        self.refresh_flags()
        for index, rel in enumerate(chosen):
            assert project is not None
            request = self._generation * MAX_PHOTOS + index
            self.pool.start(RenderJob(request, project, rel, PREVIEW_SIDE, self._signals))
        if not chosen:
            self.rendered.emit()

    def refresh(self) -> None:
        """Render the same photos again (a choice changed)."""
        self.show_photos(self.project, self.rels())

    def has_attention(self) -> bool:
        """The mouse is over one of its photos or the keyboard focus is inside it: keys act here."""
        focus = QApplication.focusWidget()
        return self._hovered is not None or focus is self or (focus is not None and self.isAncestorOf(focus))

    def target_rels(self) -> list[str]:
        """What P / X / U flag here: the photo under the mouse, else the framed one."""
        cell = self._hovered or self._active
        return [cell.rel] if cell is not None and cell.rel else []

    def refresh_flags(self) -> None:
        """Each title names its photo and its flag; the target is framed."""
        for cell in self.cells:
            if not cell.rel or self.project is None:
                continue
            flag = flag_of(self.project, cell.rel)
            # tr() outside the f-string: lupdate cannot read a call inside one.
            approved, rejected = self.tr("Approved"), self.tr("Rejected")
            mark = {APPROVED: f"<span style='color:#2e9f43'>✔ {approved}</span>",
                    REJECTED: f"<span style='color:#d72d2d'>✖ {rejected}</span>"}.get(flag, "")
            name = cell.rel.rsplit("/", 1)[-1]
            cell.title.setText(f"<b>{_escape(name)}</b> {mark}")
            cell.title.setToolTip(cell.rel)
            cell.setStyleSheet(_ACTIVE if cell is self._active else _IDLE)

    def shutdown(self) -> None:
        self._generation += 1
        self.pool.clear()
        self.pool.waitForDone()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        cell = next((c for c in self.cells if c.view.viewport() is watched), None)
        if cell is not None:
            if event.type() == QEvent.Type.Enter:
                self._hovered = cell
            elif event.type() == QEvent.Type.Leave and self._hovered is cell:
                self._hovered = None
            elif event.type() == QEvent.Type.MouseButtonPress:
                self._active = cell
                self.refresh_flags()
        return super().eventFilter(watched, event)

    def _follow(self, source: ImageView, zoom: float, cx: float, cy: float) -> None:
        for cell in self.cells:
            if cell.view is not source and cell.rel:
                cell.view.apply_view(zoom, cx, cy)

    def _on_done(self, request: int, original: QImage | None, result: QImage | None, _before: object,
                 _notes: list[str], error: str) -> None:
        generation, index = divmod(request, MAX_PHOTOS)
        if generation != self._generation:
            return  # photos shown before the last N
        view = self.cells[index].view
        if error:
            view.set_image(None, self.tr("Cannot render the preview:\n{0}").format(error))
        elif result is None:
            view.set_image(original, self.tr("Not processed yet"))
        else:
            view.set_image(result)
        self._waiting -= 1
        if self._waiting == 0:
            self._align()
            self.rendered.emit()

    def _align(self) -> None:
        """All at fit to start with, so the same zoom shows the same share of every image."""
        for cell in self.cells:
            if cell.rel:
                cell.view.fit()


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
