"""Original and result side by side, zoomed and panned together, with checks behind transparency.

Rendering (decode, downscale, compose) runs on a one-thread pool; only the newest request is
shown, so clicking through photos quickly never queues up stale work on screen.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QPointF, QRectF, QRunnable, Qt, QThreadPool, Signal
from PySide6.QtGui import QColor, QImage, QPainter, QPixmap, QWheelEvent
from PySide6.QtWidgets import (
    QGraphicsPixmapItem,
    QGraphicsScene,
    QGraphicsView,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.project import Project
from app.studio import render_preview
from ui.images import checker_brush, to_qimage

PREVIEW_SIDE = 1024
_ZOOM_STEP = 1.25
_MAX_ZOOM = 16.0  # relative to "fit"
_SURROUND = QColor(128, 128, 128)


class ImageView(QGraphicsView):
    """One image. Zoom is relative to "fit", the centre is in image fractions, so two views showing
    images of different sizes (a photo and its canvas) can still follow each other."""

    view_changed = Signal(float, float, float)  # zoom, centre x, centre y (0..1 of the image)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setScene(QGraphicsScene(self))
        self._item = QGraphicsPixmapItem()
        self._item.setTransformationMode(Qt.TransformationMode.SmoothTransformation)
        self.scene().addItem(self._item)
        self._text = self.scene().addText("")
        self._text.setDefaultTextColor(QColor(245, 245, 245))
        self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        self._checks = checker_brush()
        self._zoom = 1.0
        self._quiet = False
        self.horizontalScrollBar().valueChanged.connect(self._announce)
        self.verticalScrollBar().valueChanged.connect(self._announce)

    def set_image(self, image: QImage | None, message: str = "") -> None:
        # A re-render (another background) keeps the user's zoom and place.
        cx, cy = self._centre() if not self._item.pixmap().isNull() else (0.5, 0.5)
        self._item.setPixmap(QPixmap.fromImage(image) if image is not None else QPixmap())
        self._text.setPlainText(message)
        self._text.setVisible(bool(message))
        rect = self._item.boundingRect() if image is not None else self._text.boundingRect()
        self.scene().setSceneRect(rect)
        self.apply_view(self._zoom, cx, cy)

    def image(self) -> QImage:
        return self._item.pixmap().toImage()

    def fit(self) -> None:
        self.apply_view(1.0, 0.5, 0.5)
        self._announce()

    def apply_view(self, zoom: float, cx: float, cy: float) -> None:
        """Show the image at ``zoom`` × fit, centred on (cx, cy); does not announce it."""
        rect = self.scene().sceneRect()
        if rect.isEmpty():
            return
        self._quiet = True
        self._zoom = min(max(zoom, 1.0), _MAX_ZOOM)
        view = self.viewport().rect()
        fit = min(view.width() / rect.width(), view.height() / rect.height())
        self.resetTransform()
        self.scale(fit * self._zoom, fit * self._zoom)
        self.centerOn(QPointF(rect.left() + cx * rect.width(), rect.top() + cy * rect.height()))
        self._quiet = False

    def _centre(self) -> tuple[float, float]:
        rect = self.scene().sceneRect()
        centre = self.mapToScene(self.viewport().rect().center())
        if rect.isEmpty():
            return 0.5, 0.5
        return (centre.x() - rect.left()) / rect.width(), (centre.y() - rect.top()) / rect.height()

    def _announce(self, *_: object) -> None:
        if not self._quiet:
            self.view_changed.emit(self._zoom, *self._centre())

    def wheelEvent(self, event: QWheelEvent) -> None:
        steps = event.angleDelta().y() / 120
        if not steps:
            return
        zoom = min(max(self._zoom * _ZOOM_STEP**steps, 1.0), _MAX_ZOOM)
        factor = zoom / self._zoom
        self._zoom = zoom
        self.scale(factor, factor)  # anchored under the mouse
        self._announce()

    def resizeEvent(self, event) -> None:  # noqa: ANN001 (Qt event)
        super().resizeEvent(event)
        cx, cy = self._centre()
        self.apply_view(self._zoom, cx, cy)

    def drawBackground(self, painter: QPainter, rect: QRectF) -> None:
        # A mid-grey surround, so a light canvas's edges show (marketplace backgrounds are light).
        painter.fillRect(rect, _SURROUND)
        if not self._item.pixmap().isNull():
            painter.fillRect(self._item.boundingRect(), self._checks)


class _RenderSignals(QObject):
    done = Signal(int, object, object, list, str)  # request id, original, result, notes, error


class _RenderJob(QRunnable):
    def __init__(self, request: int, project: Project, rel: str, signals: _RenderSignals) -> None:
        super().__init__()
        self.request, self.project, self.rel, self.signals = request, project, rel, signals

    def run(self) -> None:
        try:
            preview = render_preview(self.project, self.rel, max_side=PREVIEW_SIDE)
        except Exception as exc:  # shown in the pane; unreadable photos and bad images end here
            self.signals.done.emit(self.request, None, None, [], str(exc) or type(exc).__name__)
            return
        result = to_qimage(preview.result) if preview.result is not None else None
        self.signals.done.emit(self.request, to_qimage(preview.original), result, preview.notes, "")


class PreviewPane(QWidget):
    rendered = Signal(str)  # the photo now shown (tests and the status bar wait on it)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.original, self.result = ImageView(), ImageView()
        self.original.view_changed.connect(self.result.apply_view)
        self.result.view_changed.connect(self.original.apply_view)
        fit = QPushButton(self.tr("Fit"))
        fit.setToolTip(self.tr("Show the whole image (mouse wheel zooms, drag pans)"))
        fit.clicked.connect(self.fit)
        self.notes = QLabel()
        self.notes.setWordWrap(True)
        self.notes.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        views = QHBoxLayout()
        for title, view in ((self.tr("Original"), self.original), (self.tr("Result"), self.result)):
            column = QVBoxLayout()
            column.addWidget(QLabel(f"<b>{title}</b>"))
            column.addWidget(view, 1)
            views.addLayout(column, 1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.notes, 1)
        bottom.addWidget(fit, 0, Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(self)
        layout.addLayout(views, 1)
        layout.addLayout(bottom)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)
        self._signals = _RenderSignals()
        self._signals.done.connect(self._on_done)
        self._request = 0
        self._rels: dict[int, str] = {}
        self.rel = ""

    def show_photo(self, project: Project | None, rel: str) -> None:
        """Render ``rel`` (again) with its current choices; "" clears the pane."""
        self._request += 1
        self.rel = rel
        if project is None or not rel:
            self.original.set_image(None)
            self.result.set_image(None)
            self.notes.setText("")
            return
        self._rels[self._request] = rel
        self.pool.clear()  # drop queued renders nobody will look at
        self.pool.start(_RenderJob(self._request, project, rel, self._signals))

    def fit(self) -> None:
        self.original.fit()
        self.result.fit()

    def shutdown(self) -> None:
        self._request += 1
        self.pool.clear()
        self.pool.waitForDone()

    def _on_done(self, request: int, original: QImage | None, result: QImage | None, notes: list[str],
                 error: str) -> None:
        rel = self._rels.pop(request, "")
        if request != self._request:
            return  # an older request finished after a newer one was made
        if error:
            self.original.set_image(None, self.tr("Cannot render the preview:\n{0}").format(error))
            self.result.set_image(None)
            self.notes.setText("")
        else:
            message = "" if result is not None else self.tr("Not processed yet:\npress Process to cut it out")
            self.original.set_image(original)
            self.result.set_image(result, message)
            self.notes.setText("\n".join(f"• {note}" for note in notes))
        self.rendered.emit(rel)
