"""One zoomable, pannable image with checks behind transparency, and an optional before/after split.

Zoom is relative to "fit" and the centre is in image fractions, so two views showing images of
different sizes (a photo and its canvas) can still follow each other. In split mode the "before"
image is drawn over the left part of the view, up to a vertical divider the user drags.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QImage, QMouseEvent, QPainter, QPen, QPixmap, QWheelEvent
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsPixmapItem,
    QGraphicsRectItem,
    QGraphicsScene,
    QGraphicsView,
    QWidget,
)

from ui.images import checker_brush

_ZOOM_STEP = 1.25
_MAX_ZOOM = 32.0  # relative to "fit"
_SURROUND = QColor(128, 128, 128)
_GRAB = 8  # pixels either side of the divider that pick it up instead of panning


class ImageView(QGraphicsView):
    view_changed = Signal(float, float, float)  # zoom, centre x, centre y (0..1 of the image)
    split_moved = Signal(float)  # the divider's place, 0..1 of the image's width

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setScene(QGraphicsScene(self))
        self._item = QGraphicsPixmapItem()
        self._item.setTransformationMode(Qt.TransformationMode.SmoothTransformation)
        self.scene().addItem(self._item)
        # The "before" image sits in a clipping frame whose width is the divider's place.
        self._clip = QGraphicsRectItem()
        self._clip.setPen(QPen(Qt.PenStyle.NoPen))
        self._clip.setFlag(QGraphicsItem.GraphicsItemFlag.ItemClipsChildrenToShape)
        self._before = QGraphicsPixmapItem(self._clip)
        self._before.setTransformationMode(Qt.TransformationMode.SmoothTransformation)
        self.scene().addItem(self._clip)
        self._clip.hide()
        self._text = self.scene().addText("")
        self._text.setDefaultTextColor(QColor(245, 245, 245))
        self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        self._checks = checker_brush()
        self._zoom = 1.0
        self._quiet = False
        self._split = 0.5
        self._splitting = False
        self._dragging_divider = False
        self.horizontalScrollBar().valueChanged.connect(self._announce)
        self.verticalScrollBar().valueChanged.connect(self._announce)

    # -- the image --------------------------------------------------------------------------------
    def set_image(self, image: QImage | None, message: str = "") -> None:
        # A re-render (another background) keeps the user's zoom and place.
        cx, cy = self._centre() if not self._item.pixmap().isNull() else (0.5, 0.5)
        self._item.setPixmap(QPixmap.fromImage(image) if image is not None else QPixmap())
        self._text.setPlainText(message)
        self._text.setVisible(bool(message))
        rect = self._item.boundingRect() if image is not None else self._text.boundingRect()
        self.scene().setSceneRect(rect)
        self._place_before()
        self.apply_view(self._zoom, cx, cy)

    def image(self) -> QImage:
        return self._item.pixmap().toImage()

    def has_image(self) -> bool:
        return not self._item.pixmap().isNull()

    # -- before/after split ---------------------------------------------------------------------
    def set_before(self, image: QImage | None) -> None:
        """The image shown left of the divider in split mode (scaled into this view's image)."""
        self._before.setPixmap(QPixmap.fromImage(image) if image is not None else QPixmap())
        self._place_before()

    def set_split(self, on: bool) -> None:
        self._splitting = on
        self._place_before()

    def splitting(self) -> bool:
        return self._splitting

    def split_fraction(self) -> float:
        return self._split

    def set_split_fraction(self, fraction: float) -> None:
        self._split = min(max(fraction, 0.0), 1.0)
        self._place_before()
        self.split_moved.emit(self._split)

    def _place_before(self) -> None:
        target = self._item.boundingRect()
        source = self._before.pixmap()
        shown = self._splitting and not source.isNull() and not target.isEmpty()
        self._clip.setVisible(shown)
        if not shown:
            self.viewport().update()
            return
        # Fit the "before" image into the result, keeping its shape (a canvas may be taller).
        k = min(target.width() / source.width(), target.height() / source.height())
        self._before.setScale(k)
        self._before.setPos(target.left() + (target.width() - source.width() * k) / 2,
                            target.top() + (target.height() - source.height() * k) / 2)
        self._clip.setRect(QRectF(target.left(), target.top(), target.width() * self._split, target.height()))
        self.viewport().update()

    def _divider_x(self) -> float:
        """The divider's x in viewport pixels."""
        rect = self._item.boundingRect()
        return self.mapFromScene(QPointF(rect.left() + rect.width() * self._split, rect.top())).x()

    def _near_divider(self, event: QMouseEvent) -> bool:
        return self._clip.isVisible() and abs(event.position().x() - self._divider_x()) <= _GRAB

    def _move_divider(self, event: QMouseEvent) -> None:
        rect = self._item.boundingRect()
        x = self.mapToScene(event.position().toPoint()).x()
        self.set_split_fraction((x - rect.left()) / rect.width())

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self._near_divider(event):
            self._dragging_divider = True
            self._move_divider(event)
            event.accept()
            return
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._dragging_divider:
            self._move_divider(event)
            event.accept()
            return
        near = self._near_divider(event)
        self.viewport().setCursor(Qt.CursorShape.SplitHCursor if near else Qt.CursorShape.OpenHandCursor)
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self._dragging_divider:
            self._dragging_divider = False
            event.accept()
            return
        super().mouseReleaseEvent(event)

    # -- zoom and pan ---------------------------------------------------------------------------
    def _fit_scale(self) -> float:
        rect, view = self.scene().sceneRect(), self.viewport().rect()
        return min(view.width() / rect.width(), view.height() / rect.height()) if not rect.isEmpty() else 1.0

    def _min_zoom(self) -> float:
        # Never smaller than "fit", except to show a small image at its real size.
        return min(1.0, 1.0 / self._fit_scale())

    def zoom(self) -> float:
        return self._zoom

    def pixel_scale(self) -> float:
        """Screen pixels per image pixel now."""
        return self._fit_scale() * self._zoom

    def fit(self) -> None:
        self.apply_view(1.0, 0.5, 0.5)
        self._announce()

    def actual_size(self) -> None:
        """One image pixel per screen pixel, keeping the centre."""
        cx, cy = self._centre()
        self.apply_view(1.0 / self._fit_scale(), cx, cy)
        self._announce()

    def apply_view(self, zoom: float, cx: float, cy: float) -> None:
        """Show the image at ``zoom`` × fit, centred on (cx, cy); does not announce it."""
        rect = self.scene().sceneRect()
        if rect.isEmpty():
            return
        self._quiet = True
        self._zoom = min(max(zoom, self._min_zoom()), _MAX_ZOOM)
        fit = self._fit_scale()
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
        zoom = min(max(self._zoom * _ZOOM_STEP**steps, self._min_zoom()), _MAX_ZOOM)
        factor = zoom / self._zoom
        self._zoom = zoom
        self.scale(factor, factor)  # anchored under the mouse
        self._announce()

    def resizeEvent(self, event) -> None:  # noqa: ANN001 (Qt event)
        super().resizeEvent(event)
        cx, cy = self._centre()
        self.apply_view(self._zoom, cx, cy)

    # -- painting -------------------------------------------------------------------------------
    def drawBackground(self, painter: QPainter, rect: QRectF) -> None:
        # A mid-grey surround, so a light canvas's edges show (marketplace backgrounds are light).
        painter.fillRect(rect, _SURROUND)
        if not self._item.pixmap().isNull():
            painter.fillRect(self._item.boundingRect(), self._checks)

    def drawForeground(self, painter: QPainter, rect: QRectF) -> None:
        if not self._clip.isVisible():
            return
        # The divider and its labels in screen pixels, whatever the zoom.
        x = self._divider_x()
        painter.save()
        painter.resetTransform()
        height = self.viewport().height()
        painter.setPen(QPen(QColor(255, 255, 255), 2))
        painter.drawLine(QPointF(x, 0), QPointF(x, height))
        painter.setBrush(QColor(40, 110, 220))
        painter.drawEllipse(QPointF(x, height / 2), 7, 7)
        painter.setPen(QColor(255, 255, 255))
        painter.fillRect(QRectF(x - 62, 6, 56, 18), QColor(0, 0, 0, 120))
        painter.fillRect(QRectF(x + 6, 6, 56, 18), QColor(0, 0, 0, 120))
        painter.drawText(QRectF(x - 62, 6, 56, 18), Qt.AlignmentFlag.AlignCenter, self.tr("Before"))
        painter.drawText(QRectF(x + 6, 6, 56, 18), Qt.AlignmentFlag.AlignCenter, self.tr("After"))
        painter.restore()
