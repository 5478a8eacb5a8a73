"""Zoom and pan as plain numbers: widget ↔ image coordinates, no Qt, unit-testable.

Image coordinates are the mask core's: pixel ``(col, row)`` covers ``[col, col + 1)``, so a
widget point maps to an image point by undoing the pan and the zoom, nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass

MAX_ZOOM = 32.0
# Zooming out further than half the fit size only loses the photo in the middle of the widget.
MIN_ZOOM_OF_FIT = 0.5
FIT_MARGIN_PX = 8.0


@dataclass
class Viewport:
    zoom: float = 1.0  # widget pixels per image pixel
    ox: float = 0.0  # widget position of the image's top-left corner
    oy: float = 0.0

    def to_image(self, wx: float, wy: float) -> tuple[float, float]:
        return (wx - self.ox) / self.zoom, (wy - self.oy) / self.zoom

    def to_widget(self, ix: float, iy: float) -> tuple[float, float]:
        return ix * self.zoom + self.ox, iy * self.zoom + self.oy

    def pan(self, dx: float, dy: float) -> None:
        self.ox += dx
        self.oy += dy

    def zoom_at(self, zoom: float, wx: float, wy: float) -> None:
        """Change the zoom keeping the image point under the widget point ``(wx, wy)`` in place."""
        ix, iy = self.to_image(wx, wy)
        self.zoom = zoom
        self.ox = wx - ix * zoom
        self.oy = wy - iy * zoom


def fit_zoom(image_w: int, image_h: int, widget_w: float, widget_h: float) -> float:
    room_w = max(1.0, widget_w - 2 * FIT_MARGIN_PX)
    room_h = max(1.0, widget_h - 2 * FIT_MARGIN_PX)
    return min(room_w / image_w, room_h / image_h)


def fitted(image_w: int, image_h: int, widget_w: float, widget_h: float) -> Viewport:
    """The whole image, as large as fits, centred."""
    zoom = fit_zoom(image_w, image_h, widget_w, widget_h)
    return Viewport(zoom, (widget_w - image_w * zoom) / 2, (widget_h - image_h * zoom) / 2)


def zoom_limits(image_w: int, image_h: int, widget_w: float, widget_h: float) -> tuple[float, float]:
    fit = fit_zoom(image_w, image_h, widget_w, widget_h)
    return min(fit, 1.0) * MIN_ZOOM_OF_FIT, MAX_ZOOM
