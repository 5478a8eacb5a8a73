"""One zoomable, pannable image with checks behind transparency, and an optional before/after split.

Zoom is relative to "fit" and the centre is in image fractions, so two views showing images of
different sizes (a photo and its canvas) can still follow each other. In split mode the "before"
image is drawn over the left part of the view, up to a vertical divider the user drags.

On a marketplace canvas the product can be placed by hand ("Place by hand" mode): a drag moves it
and the wheel scales it. The view only shows the gesture (the product's pixels follow the mouse at
once) and reports it; the owner stores the placement and renders the result again.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QImage, QKeyEvent, QMouseEvent, QPainter, QPen, QPixmap, QWheelEvent
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
_SCALE_STEP = 1.1  # the product's size per wheel notch when placing by hand
_GHOST_OPACITY = 0.85  # the product following the mouse, over the result as rendered
_MIN_MOVE = 0.5  # image pixels: less is a click, not a move


class ImageView(QGraphicsView):
    view_changed = Signal(float, float, float)  # zoom, centre x, centre y (0..1 of the image)
    split_moved = Signal(float)  # the divider's place, 0..1 of the image's width
    product_moved = Signal(float, float)  # placing by hand: the drag, in shares of the image's width/height
    product_scaled = Signal(float)  # placing by hand: the product's size is to be multiplied by this
    zoom_shown = Signal(float)  # screen pixels per pixel of the exported image (1.0 = "100 %")

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
        # Placing by hand: the product's box in image pixels, and the copy of it that follows the mouse.
        self._placing = False
        self._box: QRectF | None = None
        self._ghost = QGraphicsPixmapItem()
        self._ghost.setOpacity(_GHOST_OPACITY)
        self._ghost.setZValue(2)
        self._ghost.hide()
        self.scene().addItem(self._ghost)
        self._outline = QGraphicsRectItem()
        pen = QPen(QColor(40, 110, 220), 0, Qt.PenStyle.DashLine)  # cosmetic: one screen pixel at any zoom
        self._outline.setPen(pen)
        self._outline.setZValue(3)
        self._outline.hide()
        self.scene().addItem(self._outline)
        self._drag_from: QPointF | None = None  # the scene point a move started at
        self._ghost_from = QPointF()
        self._ghost_scale = 1.0
        self._full_width = 0  # the exported image's width this image stands for (0: its own)
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
        self._reset_ghost()  # the new render shows the product where the gesture put it
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
        if event.button() == Qt.MouseButton.LeftButton and self.can_place() and self._placing:
            self._start_move(self.mapToScene(event.position().toPoint()))
            event.accept()
            return
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._dragging_divider:
            self._move_divider(event)
            event.accept()
            return
        if self._drag_from is not None:
            self._follow(self.mapToScene(event.position().toPoint()))
            event.accept()
            return
        near = self._near_divider(event)
        placing = self._placing and self.can_place()
        idle = Qt.CursorShape.SizeAllCursor if placing else Qt.CursorShape.OpenHandCursor
        self.viewport().setCursor(Qt.CursorShape.SplitHCursor if near else idle)
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self._dragging_divider:
            self._dragging_divider = False
            event.accept()
            return
        if self._drag_from is not None and event.button() == Qt.MouseButton.LeftButton:
            self._finish_move(self.mapToScene(event.position().toPoint()))
            event.accept()
            return
        super().mouseReleaseEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if self._drag_from is not None and event.key() == Qt.Key.Key_Escape:
            self._drag_from = None  # the drag is called off: nothing is stored
            self._reset_ghost()
            event.accept()
            return
        super().keyPressEvent(event)

    # -- placing the product by hand ----------------------------------------------------------------
    def set_placing(self, on: bool) -> None:
        """Drag moves the product and the wheel scales it (Ctrl+wheel zooms); off: drag pans again."""
        self._placing = on
        self.setDragMode(QGraphicsView.DragMode.NoDrag if on else QGraphicsView.DragMode.ScrollHandDrag)
        if not on and self._drag_from is not None:
            self._drag_from = None
            self._reset_ghost()
        self._show_outline()

    def placing(self) -> bool:
        return self._placing

    def set_product_box(self, box: tuple[int, int, int, int] | None) -> None:
        """Where the product is in the image now (image pixels); None: it cannot be placed here."""
        self._box = QRectF(box[0], box[1], box[2] - box[0], box[3] - box[1]) if box is not None else None
        self._show_outline()

    def can_place(self) -> bool:
        return self._box is not None and not self._item.pixmap().isNull()

    def _show_outline(self) -> None:
        shown = self._placing and self.can_place()
        if shown and self._drag_from is None and self._box is not None and not self._ghost.isVisible():
            self._outline.setRect(self._box)
        self._outline.setVisible(shown)

    def _show_ghost(self) -> None:
        """The product's pixels as rendered, lifted off to follow the gesture (kept if already lifted:
        a move right after a wheel turn goes on from the scaled copy)."""
        if self._ghost.isVisible() or self._box is None:
            return
        box = self._box.toAlignedRect()
        self._ghost.setPixmap(self._item.pixmap().copy(box))
        self._ghost.setPos(box.topLeft())
        self._ghost.setTransformOriginPoint(box.width() / 2, box.height() / 2)
        self._ghost.show()

    def _start_move(self, at: QPointF) -> None:
        self._drag_from = at
        self._show_ghost()
        self._ghost_from = self._ghost.pos()

    def _follow(self, at: QPointF) -> None:
        assert self._drag_from is not None
        self._ghost.setPos(self._ghost_from + (at - self._drag_from))
        self._outline.setRect(self._ghost.sceneBoundingRect())

    def _finish_move(self, at: QPointF) -> None:
        assert self._drag_from is not None
        delta = at - self._drag_from
        rect = self._item.boundingRect()
        if abs(delta.x()) < _MIN_MOVE and abs(delta.y()) < _MIN_MOVE:
            self._drag_from = None
            if self._ghost_scale == 1.0:
                self._reset_ghost()
            return
        self._follow(at)  # the copy stays where it was dropped until the new render replaces it
        self._drag_from = None
        self.product_moved.emit(delta.x() / rect.width(), delta.y() / rect.height())

    def _scale_product(self, steps: float) -> None:
        factor = _SCALE_STEP**steps
        self._show_ghost()
        self._ghost_scale *= factor
        self._ghost.setScale(self._ghost_scale)
        self._outline.setRect(self._ghost.sceneBoundingRect())
        self.product_scaled.emit(factor)

    def _reset_ghost(self) -> None:
        self._ghost.hide()
        self._ghost.setScale(1.0)
        self._ghost_scale = 1.0
        self._show_outline()

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
        self._announce_zoom()

    def set_full_width(self, width: int) -> None:
        """The width of the exported image this (downsized) image stands for, for the zoom readout."""
        self._full_width = width
        self._announce_zoom()

    def export_zoom(self) -> float:
        """Screen pixels per exported pixel: "100 %" shows the export pixel for pixel."""
        shown = self._item.pixmap().width()
        if not shown:
            return self.pixel_scale()
        return self.pixel_scale() * shown / (self._full_width or shown)

    def _announce_zoom(self) -> None:
        if self.has_image():
            self.zoom_shown.emit(self.export_zoom())

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
        ctrl = bool(event.modifiers() & Qt.KeyboardModifier.ControlModifier)
        if self.can_place() and self._placing != ctrl:  # Ctrl swaps the wheel's job
            self._scale_product(steps)
            event.accept()
            return
        zoom = min(max(self._zoom * _ZOOM_STEP**steps, self._min_zoom()), _MAX_ZOOM)
        factor = zoom / self._zoom
        self._zoom = zoom
        self.scale(factor, factor)  # anchored under the mouse
        self._announce()
        self._announce_zoom()

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
