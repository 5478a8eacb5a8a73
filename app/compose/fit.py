"""Where the product goes on a marketplace canvas: its scale and offset, automatic or by hand.

The automatic placement fills ``CanvasSpec.fill`` of the canvas height (width permitting), never
beyond the photo's own pixels unless upscaling is allowed, centred, a bottom cut kept on the
canvas's bottom edge. A hand placement (``app.compose.placement.Placement``) may do both, and the
notes say what that costs.
"""

from __future__ import annotations

from dataclasses import dataclass

from app import formats
from app.compose.geometry import MaskGeometry
from app.compose.placement import Placement
from app.i18n import _
from app.marketplace import marketplaces

# Soft rim kept around the object's bbox when cropping: the bbox is taken at alpha ≥ 128, the
# fading edge lies just outside it.
_CROP_MARGIN = 0.02
_CROP_MARGIN_MIN_PX = 4
# A hand scale this close to 1 is the source size (the fill's float rounding), not an upscale.
_SAME_SCALE = 1e-6


@dataclass(frozen=True)
class CanvasSpec:
    """A fixed output canvas: the product's height is ``fill`` of the canvas height (width permitting)."""

    width: int
    height: int
    fill: float = 0.85
    allow_upscale: bool = False

    def __post_init__(self) -> None:
        if self.width < 1 or self.height < 1 or not 0.0 < self.fill <= 1.0:
            raise ValueError(f"bad canvas {self.width}×{self.height} fill {self.fill}")

    @classmethod
    def for_marketplace(cls, key: str, *, allow_upscale: bool = False) -> CanvasSpec:
        m = marketplaces.get(key)
        return cls(m.canvas_width, m.canvas_height, m.fill, allow_upscale)


@dataclass(frozen=True)
class Fit:
    scale: float
    dx: float  # canvas x = source x × scale + dx
    dy: float
    box: tuple[int, int, int, int]  # source crop
    notes: tuple[str, ...]


def crop_box(geometry: MaskGeometry) -> tuple[int, int, int, int]:
    """The object's bbox plus the soft rim around it (the bbox is taken at alpha ≥ 128)."""
    x0, y0, x1, y1 = geometry.bbox
    margin = max(_CROP_MARGIN_MIN_PX, round(_CROP_MARGIN * max(x1 - x0, y1 - y0)))
    return (
        max(0, x0 - margin),
        max(0, y0 - margin),
        min(geometry.width, x1 + margin),
        min(geometry.height, y1 + margin),
    )


def place(geometry: MaskGeometry, canvas: CanvasSpec) -> Fit:
    """Scale to the target fill (never beyond source pixels unless allowed), centre, keep it inside."""
    if geometry.empty:
        return Fit(1.0, 0.0, 0.0, (0, 0, 0, 0), ())
    x0, y0, x1, y1 = geometry.bbox
    notes: list[str] = []
    fit = min(canvas.fill * canvas.height / (y1 - y0), canvas.fill * canvas.width / (x1 - x0))
    scale = fit
    if fit > 1.0 and canvas.allow_upscale:
        notes.append(_upscale_note(fit))
    elif fit > 1.0:
        scale = 1.0
        notes.append(
            _("product kept at its source size: filling {fill} of the canvas would need "
              "{factor}× upscaling, so it fills {share} of the height").format(
                fill=formats.percent(canvas.fill), factor=formats.decimal(fit, 1),
                share=formats.percent((y1 - y0) / canvas.height))
        )
    dx, dy = _auto_offset(geometry, canvas, scale, notes)
    return Fit(scale, dx, dy, crop_box(geometry), tuple(notes))


def _upscale_note(factor: float) -> str:
    return _("product upscaled {factor}× beyond its source pixels — may look soft").format(
        factor=formats.decimal(factor, 1))


def _auto_offset(geometry: MaskGeometry, canvas: CanvasSpec, scale: float,
                 notes: list[str]) -> tuple[float, float]:
    """Where the automatic placement puts the object at ``scale``: centred, a bottom cut on the bottom."""
    x0, y0, x1, y1 = geometry.bbox
    dx = (canvas.width - (x1 - x0) * scale) / 2 - x0 * scale
    if geometry.touches_bottom:
        # Cut by the photo's bottom edge: keep the cut on the canvas's edge, where it reads as
        # "continues out of frame" rather than a floating slice.
        dy = canvas.height - y1 * scale
        notes.append(_("object is cut by the photo's bottom edge; placed on the canvas's bottom edge"))
    else:
        dy = (canvas.height - (y1 - y0) * scale) / 2 - y0 * scale
        if geometry.touches_frame:
            notes.append(_("object is cut by the photo's edge; the cut will show on the canvas"))
    return dx, dy


def hand_place(geometry: MaskGeometry, canvas: CanvasSpec, hand: Placement) -> Fit:
    """The user's size and place: the bbox height is ``fill`` of the canvas, its centre at (x, y).

    Unlike the automatic placement this may upscale beyond the source pixels and may cut the
    object at the canvas edge, because the user asked for it; the notes say what that costs.
    """
    if geometry.empty:
        return place(geometry, canvas)
    x0, y0, x1, y1 = geometry.bbox
    scale = hand.fill * canvas.height / (y1 - y0)
    notes: list[str] = []
    if scale > 1.0 + _SAME_SCALE:
        notes.append(_upscale_note(scale))
    if hand.x is not None and hand.y is not None:
        dx = hand.x * canvas.width - (x0 + x1) / 2 * scale
        dy = hand.y * canvas.height - (y0 + y1) / 2 * scale
        if geometry.touches_frame:
            notes.append(_("object is cut by the photo's edge; the cut will show on the canvas"))
    else:
        dx, dy = _auto_offset(geometry, canvas, scale, notes)
    left, top = round(x0 * scale + dx), round(y0 * scale + dy)
    right, bottom = round(x1 * scale + dx), round(y1 * scale + dy)
    if right - left > canvas.width:
        notes.append(_("filling {fill} of the height makes the product wider than the canvas: "
                       "its sides are cut").format(fill=formats.percent(hand.fill)))
    elif left < 0 or top < 0 or right > canvas.width or bottom > canvas.height:
        notes.append(_("product placed partly off the canvas: the part outside is cut"))
    return Fit(scale, dx, dy, crop_box(geometry), tuple(notes))


def relative(geometry: MaskGeometry, canvas: CanvasSpec, placed: Fit) -> Placement | None:
    """A placement in canvas shares: where the product landed, as a hand placement would say it."""
    if geometry.empty:
        return None
    x0, y0, x1, y1 = geometry.bbox
    s = placed.scale
    return Placement.clamped((y1 - y0) * s / canvas.height, ((x0 + x1) / 2 * s + placed.dx) / canvas.width,
                             ((y0 + y1) / 2 * s + placed.dy) / canvas.height)


def auto_placement(geometry: MaskGeometry, canvas: CanvasSpec) -> Placement | None:
    """Where ``compose`` puts the object on ``canvas`` by itself (None: no object in the mask)."""
    return relative(geometry, canvas, place(geometry, canvas))
