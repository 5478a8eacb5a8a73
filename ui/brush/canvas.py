"""The painting surface: photo + mask overlay + brush outline, zoom and pan, mouse → image points.

It knows nothing of undo or brushes beyond the outline's size: it reports strokes in image
coordinates and repaints the boxes it is told changed.
"""

from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import QEvent, QPointF, QRect, QRectF, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFocusEvent,
    QHideEvent,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
    QResizeEvent,
    QWheelEvent,
)
from PySide6.QtWidgets import QWidget

from app.maskedit import Box
from ui.brush.images import MaskOverlay, PhotoPyramid
from ui.brush.viewport import Viewport, fitted, zoom_limits

_WHEEL_STEP = 1.25  # zoom factor per wheel notch
_BACKDROP = QColor(48, 48, 52)


class MaskCanvas(QWidget):
    strokeBegan = Signal(float, float)  # image coordinates
    strokeMoved = Signal(float, float)
    strokeEnded = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMouseTracking(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setCursor(Qt.CursorShape.CrossCursor)
        self.setMinimumSize(120, 90)
        self.viewport = Viewport()
        self.brush_radius = 20.0
        self._photo: PhotoPyramid | None = None
        self._overlay: MaskOverlay | None = None
        self._auto_fit = True  # follow the widget's size until the user zooms or pans
        self._cursor: QPointF | None = None
        self._pan_from: QPointF | None = None
        self._space_held = False
        self._stroking = False

    # -- content --------------------------------------------------------------------------------
    def set_content(self, rgb: np.ndarray, live_alpha: np.ndarray) -> None:
        """Show ``rgb`` with the overlay of ``live_alpha``, an array the caller edits in place."""
        self._stroking = False
        self._photo = PhotoPyramid(rgb)
        self._overlay = MaskOverlay(live_alpha)
        self.fit_to_window()

    def clear(self) -> None:
        self._stroking = False
        self._photo = self._overlay = None
        self.update()

    @property
    def overlay(self) -> MaskOverlay | None:
        return self._overlay

    @property
    def has_content(self) -> bool:
        return self._photo is not None

    def set_layers(self, *, show_mask: bool, show_band: bool) -> None:
        if self._overlay is not None:
            self._overlay.set_layers(show_mask=show_mask, show_band=show_band)
            self.update()

    def refresh(self, box: Box | None) -> None:
        """Repaint the part of the widget showing image ``box`` (after the mask changed there)."""
        if box is not None:
            self.update(self._widget_rect(box).adjusted(-1, -1, 1, 1))

    def set_brush_radius(self, radius: float) -> None:
        old = self._cursor_rect()
        self.brush_radius = radius
        self.update(old.united(self._cursor_rect()))

    # -- view -----------------------------------------------------------------------------------
    def fit_to_window(self) -> None:
        self._auto_fit = True
        if self._photo is not None:
            self.viewport = fitted(self._photo.width, self._photo.height, self.width(), self.height())
        self.update()

    def set_view(self, zoom: float, ox: float, oy: float) -> None:
        """Zoom (widget px per image px) with the image's top-left corner at widget ``(ox, oy)``."""
        self._auto_fit = False
        self.viewport = Viewport(zoom, ox, oy)
        self.update()

    def zoom_by(self, factor: float, at: QPointF) -> None:
        if self._photo is None:
            return
        lo, hi = zoom_limits(self._photo.width, self._photo.height, self.width(), self.height())
        zoom = min(hi, max(lo, self.viewport.zoom * factor))
        self._auto_fit = False
        self.viewport.zoom_at(zoom, at.x(), at.y())
        self.update()

    def image_point(self, pos: QPointF) -> tuple[float, float]:
        return self.viewport.to_image(pos.x(), pos.y())

    # -- painting: an ordered list of small layers ---------------------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        for draw in (self._draw_backdrop, self._draw_photo, self._draw_mask, self._draw_cursor):
            draw(painter, event.rect())
        painter.end()

    def _draw_backdrop(self, painter: QPainter, rect: QRect) -> None:
        painter.fillRect(rect, _BACKDROP)
        if self._photo is None:
            painter.setPen(QColor(170, 170, 170))
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, self.tr("No photo selected"))

    def _draw_photo(self, painter: QPainter, rect: QRect) -> None:
        visible = self._visible_box(rect)
        if self._photo is None or visible is None:
            return
        image, sx, sy = self._photo.level_for(self.viewport.zoom)
        source = QRectF(visible.x0 * sx, visible.y0 * sy, visible.width * sx, visible.height * sy)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, self.viewport.zoom < 1.0)
        painter.drawImage(self._widget_rectf(visible), image, source)

    def _draw_mask(self, painter: QPainter, rect: QRect) -> None:
        visible = self._visible_box(rect)
        if self._overlay is None or not self._overlay.visible or visible is None:
            return
        # Nearest sampling: its cost follows the widget's size, not the 12 MP mask's.
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, False)
        source = QRectF(visible.x0, visible.y0, visible.width, visible.height)
        painter.drawImage(self._widget_rectf(visible), self._overlay.image, source)

    def _draw_cursor(self, painter: QPainter, rect: QRect) -> None:
        if self._cursor is None or self._pan_from is not None or self._space_held or self._photo is None:
            return
        radius = self.brush_radius * self.viewport.zoom
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        # Dark under light: the outline stays visible on any photo.
        painter.setPen(QPen(QColor(0, 0, 0, 200), 3.0))
        painter.drawEllipse(self._cursor, radius, radius)
        painter.setPen(QPen(QColor(255, 255, 255, 230), 1.0))
        painter.drawEllipse(self._cursor, radius, radius)

    # -- geometry -------------------------------------------------------------------------------
    def _visible_box(self, rect: QRect) -> Box | None:
        """Image pixels that land in widget ``rect``, clipped to the image."""
        if self._photo is None:
            return None
        x0, y0 = self.viewport.to_image(rect.left(), rect.top())
        x1, y1 = self.viewport.to_image(rect.right() + 1, rect.bottom() + 1)
        box = Box(
            max(0, math.floor(x0)),
            max(0, math.floor(y0)),
            min(self._photo.width, math.ceil(x1)),
            min(self._photo.height, math.ceil(y1)),
        )
        return None if box.empty else box

    def _widget_rectf(self, box: Box) -> QRectF:
        x0, y0 = self.viewport.to_widget(box.x0, box.y0)
        x1, y1 = self.viewport.to_widget(box.x1, box.y1)
        return QRectF(x0, y0, x1 - x0, y1 - y0)

    def _widget_rect(self, box: Box) -> QRect:
        return self._widget_rectf(box).toAlignedRect()

    def _cursor_rect(self) -> QRect:
        if self._cursor is None:
            return QRect()
        r = self.brush_radius * self.viewport.zoom + 3
        return QRectF(self._cursor.x() - r, self._cursor.y() - r, 2 * r, 2 * r).toAlignedRect()

    def _move_cursor(self, pos: QPointF | None) -> None:
        old = self._cursor_rect()
        self._cursor = pos
        self.update(old.united(self._cursor_rect()))

    # -- input ----------------------------------------------------------------------------------
    def mousePressEvent(self, event: QMouseEvent) -> None:
        pos = event.position()
        button = event.button()
        if button == Qt.MouseButton.MiddleButton or (
            button == Qt.MouseButton.LeftButton and self._space_held
        ):
            self._pan_from = pos
            self.setCursor(Qt.CursorShape.ClosedHandCursor)
        elif button == Qt.MouseButton.LeftButton and self._photo is not None and not self._stroking:
            self._stroking = True
            self.strokeBegan.emit(*self.image_point(pos))
        self._move_cursor(pos)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        pos = event.position()
        if self._pan_from is not None:
            self._auto_fit = False
            self.viewport.pan(pos.x() - self._pan_from.x(), pos.y() - self._pan_from.y())
            self._pan_from = pos
            self.update()
        elif self._stroking:
            if event.buttons() & Qt.MouseButton.LeftButton:
                self.strokeMoved.emit(*self.image_point(pos))
            else:  # the release went elsewhere (a popup grabbed the mouse): end the stroke here
                self._end_stroke()
        self._move_cursor(pos)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self._pan_from is not None and event.button() in (
            Qt.MouseButton.MiddleButton,
            Qt.MouseButton.LeftButton,
        ):
            self._pan_from = None
            self.setCursor(Qt.CursorShape.OpenHandCursor if self._space_held else Qt.CursorShape.CrossCursor)
        elif event.button() == Qt.MouseButton.LeftButton:
            self._end_stroke()

    def wheelEvent(self, event: QWheelEvent) -> None:
        notches = event.angleDelta().y() / 120.0
        if notches:
            self.zoom_by(_WHEEL_STEP**notches, event.position())
        event.accept()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Space and not event.isAutoRepeat():
            self._space_held = True
            if self._pan_from is None:
                self.setCursor(Qt.CursorShape.OpenHandCursor)
            self.update(self._cursor_rect())
            return
        super().keyPressEvent(event)

    def keyReleaseEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Space and not event.isAutoRepeat():
            self._space_held = False
            if self._pan_from is None:
                self.setCursor(Qt.CursorShape.CrossCursor)
            self.update(self._cursor_rect())
            return
        super().keyReleaseEvent(event)

    def leaveEvent(self, event: QEvent) -> None:
        self._move_cursor(None)
        super().leaveEvent(event)

    def focusOutEvent(self, event: QFocusEvent) -> None:
        self._space_held = False  # the release may go to another widget
        super().focusOutEvent(event)

    def hideEvent(self, event: QHideEvent) -> None:
        self._end_stroke()
        super().hideEvent(event)

    def resizeEvent(self, event: QResizeEvent) -> None:
        if self._auto_fit:
            self.fit_to_window()
        super().resizeEvent(event)

    def _end_stroke(self) -> None:
        if self._stroking:
            self._stroking = False
            self.strokeEnded.emit()
