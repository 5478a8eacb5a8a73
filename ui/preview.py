"""Original and result side by side (or one view split before/after), zoomed and panned together.

Rendering (decode, downscale, compose) runs on a one-thread pool; only the newest request is
shown, so clicking through photos quickly never queues up stale work on screen.

After a change to the photo's result (background, canvas, mask, placement) the result shown just
before stays at hand: "Previous" (Y) shows it in the result view, until the next change or photo.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app.project import Project
from app.studio import Preview, render_preview
from ui.image_view import ImageView
from ui.images import to_qimage
from ui.placement_bar import PlacementBar

PREVIEW_SIDE = 1024
FULL_SIDE = 1 << 15  # "100 %" renders at the export's own size (the photo's, or the canvas's)


class RenderSignals(QObject):
    done = Signal(int, object, object, object, list, str)  # request, original, result, before, notes, error
    details = Signal(int, object)  # request, its Preview (placement, sizes): just before ``done``


class RenderJob(QRunnable):
    """One render_preview on a pool thread; the answer comes back on ``signals.done``."""

    def __init__(self, request: int, project: Project, rel: str, side: int, signals: RenderSignals) -> None:
        super().__init__()
        self.request, self.project, self.rel, self.side, self.signals = request, project, rel, side, signals

    def run(self) -> None:
        try:
            preview = render_preview(self.project, self.rel, max_side=self.side)
        except Exception as exc:  # shown in the pane; unreadable photos and bad images end here
            self.signals.done.emit(self.request, None, None, None, [], str(exc) or type(exc).__name__)
            return
        result = to_qimage(preview.result) if preview.result is not None else None
        before = to_qimage(preview.before) if preview.before is not None else None
        self.signals.details.emit(self.request, preview)
        self.signals.done.emit(self.request, to_qimage(preview.original), result, before, preview.notes, "")


class PreviewPane(QWidget):
    rendered = Signal(str)  # the photo now shown (tests and the status bar wait on it)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.original, self.result = ImageView(), ImageView()
        self.original.view_changed.connect(self.result.apply_view)
        self.result.view_changed.connect(self.original.apply_view)
        self.fit_button = QPushButton(self.tr("Fit"))
        self.fit_button.setToolTip(self.tr("Show the whole image (Ctrl+0); the mouse wheel zooms, drag pans"))
        self.fit_button.clicked.connect(self.fit)
        self.actual_button = QPushButton(self.tr("100 %"))
        self.actual_button.setToolTip(self.tr("One pixel of the exported image per screen pixel (Ctrl+1)"))
        self.actual_button.clicked.connect(self.actual_size)
        self.split_button = QPushButton(self.tr("Before/after"))
        self.split_button.setCheckable(True)
        self.split_button.setToolTip(self.tr("One view with a divider to drag between the original and the "
                                             "result (Ctrl+B)"))
        self.split_button.toggled.connect(self.set_split)
        self.previous_button = QPushButton(self.tr("Previous"))
        self.previous_button.setCheckable(True)
        self.previous_button.setEnabled(False)
        self.previous_button.setToolTip(self.tr("Show the result as it was before the last change, to "
                                                "compare (Y); kept until the next change or another photo"))
        self.previous_button.toggled.connect(self._show_previous)
        self.notes = QLabel()
        self.notes.setWordWrap(True)
        self.notes.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        views = QHBoxLayout()
        self._titles: dict[ImageView, QLabel] = {}
        self._columns: dict[ImageView, QWidget] = {}
        for title, view in ((self.tr("Original"), self.original), (self.tr("Result"), self.result)):
            self._columns[view] = QWidget()
            column = QVBoxLayout(self._columns[view])
            column.setContentsMargins(0, 0, 0, 0)
            self._titles[view] = QLabel(f"<b>{title}</b>")
            column.addWidget(self._titles[view])
            column.addWidget(view, 1)
            views.addWidget(self._columns[view], 1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.notes, 1)
        for button in (self.previous_button, self.split_button, self.actual_button, self.fit_button):
            bottom.addWidget(button, 0, Qt.AlignmentFlag.AlignTop)
        # The zoom now, in pixels of the exported image, beside Fit / 100 %.
        self.zoom_label = QLabel()
        self.zoom_label.setToolTip(self.tr("Zoom: 100 % shows one pixel of the exported image per screen "
                                           "pixel"))
        bottom.addWidget(self.zoom_label, 0, Qt.AlignmentFlag.AlignTop)
        for view in (self.original, self.result):
            view.zoom_shown.connect(lambda zoom, view=view: self._show_zoom(view, zoom))
        self.placement = PlacementBar(self.result)  # placing the product by hand on its canvas
        self.placement.changed.connect(lambda _label: self.show_photo(self.project, self.rel))
        layout = QVBoxLayout(self)
        layout.addLayout(views, 1)
        layout.addWidget(self.placement)
        layout.addLayout(bottom)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)
        self._signals = RenderSignals()
        self._signals.done.connect(self._on_done)
        self._signals.details.connect(self._on_details)
        self._request = 0
        self._rels: dict[int, str] = {}
        self._sides: dict[int, int] = {}
        # The result now shown and the one before the last change (A/B), with what they were made of.
        self._current: QImage | None = None
        self._previous: QImage | None = None
        self._shown: tuple[str, int] = ("", 0)  # (rel, render side) of ``_current``
        self._full = False  # rendering at export size (after "100 %") until another photo is shown
        self._actual_pending = False
        self.project: Project | None = None
        self.rel = ""

    def show_photo(self, project: Project | None, rel: str) -> None:
        """Render ``rel`` (again) with its current choices; "" clears the pane."""
        if rel != self.rel or project is not self.project:
            self._full = False  # a new photo starts at preview size (fast); 100 % renders it fully
        self._request += 1
        self.project, self.rel = project, rel
        self.placement.set_photo(project, rel)
        if project is None or not rel:
            for view in (self.original, self.result):
                view.set_image(None)
                view.set_before(None)
            self.notes.setText("")
            self._keep_result(None, "", 0)
            return
        self._rels[self._request] = rel
        side = FULL_SIDE if self._full else PREVIEW_SIDE
        self._sides[self._request] = side
        self.pool.clear()  # drop queued renders nobody will look at
        self.pool.start(RenderJob(self._request, project, rel, side, self._signals))

    def fit(self) -> None:
        self.original.fit()
        self.result.fit()

    def actual_size(self) -> None:
        """Show the result at its exported size, pixel for pixel (rendered at full size first)."""
        if self._full or self.project is None or not self.rel:
            (self.result if self.result.has_image() else self.original).actual_size()
            return
        self._full, self._actual_pending = True, True
        self.show_photo(self.project, self.rel)

    def set_split(self, on: bool) -> None:
        """Before/after in one view: the original left of a draggable divider, the result right."""
        if self.split_button.isChecked() != on:
            self.split_button.setChecked(on)  # toggled calls back here
            return
        self._columns[self.original].setVisible(not on)  # the result view takes the whole width
        self.result.set_split(on)
        self._titles[self.result].setText(f"<b>{self._result_title()}</b>")

    def shutdown(self) -> None:
        self._request += 1
        self.pool.clear()
        self.pool.waitForDone()

    def _on_done(self, request: int, original: QImage | None, result: QImage | None, before: QImage | None,
                 notes: list[str], error: str) -> None:
        rel = self._rels.pop(request, "")
        side = self._sides.pop(request, 0)
        if request != self._request:
            return  # an older request finished after a newer one was made
        self._keep_result(None if error else result, rel, side)
        if error:
            self.original.set_image(None, self.tr("Cannot render the preview:\n{0}").format(error))
            self.result.set_image(None)
            self.result.set_before(None)
            self.notes.setText("")
        else:
            message = "" if result is not None else self.tr("Not processed yet:\npress Process to cut it out")
            self.original.set_image(original)
            self.result.set_image(result, message)
            self.result.set_before(before)
            self.notes.setText("\n".join(f"• {note}" for note in notes))
            if self._actual_pending:
                self._actual_pending = False
                (self.result if result is not None else self.original).actual_size()
        self.rendered.emit(rel)

    def _on_details(self, request: int, preview: Preview) -> None:
        """What the render knows beyond its pictures: where the product landed, the export's size."""
        if request != self._request:
            return
        self.original.set_full_width(preview.photo_size[0])
        self.result.set_full_width(preview.export_size[0])
        self.placement.set_rendered(preview.placement, preview.object_box)

    def _show_zoom(self, view: ImageView, zoom: float) -> None:
        # The result's zoom when it shows a result, else the photo's (the views follow each other).
        if view is self.result or not self.result.has_image():
            self.zoom_label.setText(self.tr("{0} %").format(round(zoom * 100)))

    # -- A/B: the result before the last change ---------------------------------------------------
    def has_previous(self) -> bool:
        return self._previous is not None

    def toggle_previous(self) -> None:
        """Y: flip between the result now and the one before the last change (when there is one)."""
        if self.previous_button.isEnabled():
            self.previous_button.toggle()

    def _keep_result(self, result: QImage | None, rel: str, side: int) -> None:
        """A new render replaces the shown result: the old one becomes "previous" when it was the same
        photo at the same size and looks different (a re-render of an unchanged photo is no change)."""
        if (rel, side) != self._shown or result is None or self._current is None:
            self._previous = None  # another photo or size: comparing with it would mislead
        elif result != self._current:
            self._previous = self._current
        self._current, self._shown = result, (rel, side)
        self.previous_button.blockSignals(True)  # the new render is on screen: the toggle is off
        self.previous_button.setChecked(False)
        self.previous_button.blockSignals(False)
        self.previous_button.setEnabled(self._previous is not None)
        self._titles[self.result].setText(f"<b>{self._result_title()}</b>")

    def _show_previous(self, on: bool) -> None:
        shown = self._previous if on and self._previous is not None else self._current
        if shown is not None:
            self.result.set_image(shown)
        self._titles[self.result].setText(f"<b>{self._result_title()}</b>")

    def _result_title(self) -> str:
        if self.previous_button.isChecked():
            return self.tr("Result before the last change")
        return self.tr("Before / after") if self.result.splitting() else self.tr("Result")
