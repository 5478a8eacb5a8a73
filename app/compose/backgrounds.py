"""Backgrounds: what a BackgroundSpec means, and the pixels it renders to.

Every generator is a pure function of (frame size, object geometry in that frame, parameters) and
returns float32 H×W×3 in [0, 1], or None for a transparent result. Plane, solid and gradient
backgrounds vary only by row, so they come back as a read-only broadcast view of one column:
no 12 MP float image is ever materialised for them (compose relies on this for speed).
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields, replace
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

from app import formats
from app.compose.geometry import MaskGeometry
from app.compose.layout import choose_layout
from app.errors import VitrinaError
from app.i18n import _
from app.resources import resource_path

KINDS = ("plane", "flat", "auto", "preset", "solid", "gradient", "image", "transparent")
# Shadow settings apply on top of any kind that has a floor or backdrop (a preset included).
SHADOW_FIELDS = ("shadow_opacity", "shadow_softness", "shadow_length", "shadow_direction", "reflection")
_PLANE_FIELDS = ("wall", "floor", "softness", "wall_gradient", "floor_gradient", *SHADOW_FIELDS)
# Which spec fields each kind uses; only these are written by to_json.
_KIND_FIELDS: dict[str, tuple[str, ...]] = {
    "plane": _PLANE_FIELDS,
    "flat": ("wall", "vignette", "shadow_opacity", "shadow_softness", "shadow_direction"),
    "auto": (*_PLANE_FIELDS, "vignette"),
    "preset": ("name", *SHADOW_FIELDS),
    "solid": ("color",),
    "gradient": ("top", "bottom"),
    "image": ("path",),
    "transparent": (),
}
# Where the floor starts when the object's own base cannot say (it is cut by the bottom edge).
FALLBACK_HORIZON = 0.8
_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")
_RANGES = (
    ("shadow_opacity", 0.0, 1.0),
    ("shadow_softness", 0.0, 1.0),
    ("shadow_length", 0.0, 1.0),
    ("shadow_direction", -1.0, 1.0),
    ("reflection", 0.0, 1.0),
    ("vignette", 0.0, 1.0),
)


@dataclass(frozen=True)
class BackgroundSpec:
    """A background choice, as stored in a project and given on the command line.

    plane: ``wall`` above and ``floor`` below a horizon at the object's base, blended over a band
    of ``softness`` × height; the wall lightens toward the top by ``wall_gradient`` (fraction of
    the way to white), the floor darkens toward the viewer by ``floor_gradient`` (negative:
    lightens). flat: a top-down backdrop for flat-lays, ``wall`` colour darkening by
    ``vignette`` toward the corners, no horizon. auto: plane or flat, chosen per photo from the
    object's shape and the describer's hint (``app.compose.layout``). preset: ``name`` from
    resources/backgrounds.json (its colours; the shadow settings stay this spec's). solid:
    ``color``. gradient: ``top`` to ``bottom``. image: ``path``, cover-fitted. transparent: none.

    Shadow (plane and flat): ``shadow_opacity`` is the darkest point's darkening (0 = no shadow),
    ``shadow_softness`` the blur as a share of the object's width, ``shadow_length`` how far the
    shade reaches toward the viewer as a share of its height, ``shadow_direction`` −1…1 leans it
    left/right. ``reflection`` (plane): opacity of a mirror image on a glossy floor (0 = off).
    """

    kind: str = "plane"
    wall: str = "#f4f3f1"
    floor: str = "#e3e1dd"
    softness: float = 0.04
    wall_gradient: float = 0.3
    floor_gradient: float = 0.06
    name: str = ""
    color: str = "#ffffff"
    top: str = "#ffffff"
    bottom: str = "#e6e6e6"
    path: str = ""
    shadow_opacity: float = 0.35
    shadow_softness: float = 0.06
    shadow_length: float = 0.06
    shadow_direction: float = 0.0
    reflection: float = 0.0
    vignette: float = 0.08

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(_("unknown background kind {kind!r}; choices: {choices}").format(
                kind=self.kind, choices=", ".join(KINDS)))
        for key in ("wall", "floor", "color", "top", "bottom"):
            if not _COLOUR.fullmatch(getattr(self, key)):
                raise ValueError(_("background {key} must be a #rrggbb colour, got {value!r}").format(
                    key=key, value=getattr(self, key)))
        if not 0.0 <= self.softness <= 1.0:
            raise ValueError(_("plane softness must be within 0..1, got {value}").format(value=self.softness))
        if not 0.0 <= self.wall_gradient <= 1.0 or not -1.0 <= self.floor_gradient <= 1.0:
            raise ValueError(_("plane gradients must be within 0..1 (wall) and -1..1 (floor)"))
        for key, lo, hi in _RANGES:
            if not lo <= getattr(self, key) <= hi:
                raise ValueError(_("background {key} must be within {low}..{high}, got {value}").format(
                    key=key, low=lo, high=hi, value=getattr(self, key)))
        if self.kind == "preset" and self.name not in presets():
            raise ValueError(_("unknown background preset {name!r}; choices: {choices}").format(
                name=self.name, choices=", ".join(presets())))
        if self.kind == "image" and not self.path:
            raise ValueError(_("an image background needs a path"))

    def to_json(self) -> dict[str, Any]:
        values = asdict(self)
        return {"kind": self.kind, **{key: values[key] for key in _KIND_FIELDS[self.kind]}}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> BackgroundSpec:
        # Unknown keys are ignored so a project saved by a newer version still opens.
        known = {f.name for f in fields(cls)}
        return cls(**{key: value for key, value in data.items() if key in known})


@dataclass(frozen=True)
class Background:
    """Rendered background: pixels (None = transparent), the floor's first row, and why it moved."""

    pixels: np.ndarray | None
    horizon_y: int | None = None
    note: str | None = None


@cache
def presets() -> dict[str, dict[str, Any]]:
    data = json.loads(resource_path("backgrounds.json").read_text(encoding="utf-8"))
    return data["presets"]


def resolve(spec: BackgroundSpec) -> BackgroundSpec:
    """The concrete spec a preset stands for (other kinds are returned as they are)."""
    if spec.kind != "preset":
        return spec
    data = presets()[spec.name]
    if data.get("kind") == "preset":
        raise ValueError(f"preset {spec.name!r} refers to another preset")
    return BackgroundSpec.from_json({**data, **{key: getattr(spec, key) for key in SHADOW_FIELDS}})


def parse_background(text: str) -> BackgroundSpec:
    """CLI form: plane | flat | auto | PRESET | solid:#rrggbb | gradient:#top:#bottom | image:PATH |
    transparent."""
    kind, _sep, rest = text.strip().partition(":")
    kind = kind.lower()
    try:
        if kind in ("plane", "flat", "auto", "transparent") and not rest:
            return BackgroundSpec(kind=kind)
        if kind in presets() and not rest:
            return BackgroundSpec(kind="preset", name=kind)
        if kind == "solid" and rest:
            return BackgroundSpec(kind="solid", color=rest)
        if kind == "gradient" and rest.count(":") == 1:
            top, bottom = rest.split(":")
            return BackgroundSpec(kind="gradient", top=top, bottom=bottom)
        if kind == "image" and rest:
            return BackgroundSpec(kind="image", path=rest)
    except ValueError as err:
        raise ValueError(_("bad background {text!r}: {error}").format(text=text, error=err)) from None
    choices = ["plane", "flat", "auto", *presets(), "solid:#rrggbb", "gradient:#rrggbb:#rrggbb", "image:PATH",
               "transparent"]
    message = _("unknown background {text!r}; choices: {choices}")
    raise ValueError(message.format(text=text, choices=", ".join(choices)))


def render(spec: BackgroundSpec, size: tuple[int, int], geometry: MaskGeometry) -> Background:
    """Background pixels for a width×height frame holding an object with this geometry."""
    spec = resolve(spec)
    width, height = size
    if spec.kind == "transparent":
        return Background(None)
    if spec.kind == "solid":
        return Background(_rows(np.repeat(_rgb(spec.color)[None], height, axis=0), width))
    if spec.kind == "gradient":
        return Background(vertical_gradient(size, _rgb(spec.top), _rgb(spec.bottom)))
    if spec.kind == "image":
        return Background(cover_image(Path(spec.path), size))
    if spec.kind == "auto":
        spec = replace(spec, kind=choose_layout(geometry, None))
    if spec.kind == "flat":
        return Background(flat(size, spec))
    horizon, note = plane_horizon(geometry)
    return Background(plane(size, horizon, spec), horizon, note)


def plane_horizon(geometry: MaskGeometry) -> tuple[int, str | None]:
    """The floor's first row for a plane: right under the object, unless its base is not visible."""
    fallback = round(FALLBACK_HORIZON * geometry.height)
    if geometry.empty:
        return fallback, _("no object to stand on; horizon set at {share}").format(
            share=formats.percent(FALLBACK_HORIZON))
    if geometry.touches_bottom:
        return fallback, _("object touches the bottom edge; horizon set at {share}").format(
            share=formats.percent(FALLBACK_HORIZON))
    return geometry.floor_y, None


def plane(size: tuple[int, int], horizon_y: int, spec: BackgroundSpec) -> np.ndarray:
    """Wall above ``horizon_y``, floor from it down, blended over a band centred on it."""
    width, height = size
    y = np.arange(height, dtype=np.float32) + 0.5
    wall, floor = _rgb(spec.wall), _rgb(spec.floor)
    # Wall: lightest at the top, its own colour at the horizon (and below, where the band reaches).
    up = np.clip(1.0 - y / max(horizon_y, 1), 0.0, 1.0)[:, None]
    wall_rows = wall + (1.0 - wall) * (spec.wall_gradient * up)
    # Floor: its own colour at the horizon, shading toward the viewer at the bottom edge.
    near = np.clip((y - horizon_y) / max(height - horizon_y, 1), 0.0, 1.0)[:, None]
    toward = floor * (1.0 - spec.floor_gradient) if spec.floor_gradient >= 0 else (
        floor + (1.0 - floor) * -spec.floor_gradient
    )
    floor_rows = floor + (toward - floor) * near
    band = max(spec.softness * height, 1.0)
    t = np.clip((y - horizon_y) / band + 0.5, 0.0, 1.0)
    mix = (t * t * (3.0 - 2.0 * t))[:, None]  # smoothstep: no visible kink where the band ends
    return _rows(wall_rows + (floor_rows - wall_rows) * mix, width)


def flat(size: tuple[int, int], spec: BackgroundSpec) -> np.ndarray:
    """A top-down backdrop: ``wall`` colour at the centre, ``vignette`` darker in the corners.

    The darkening is a sum of a row term and a column term (an elliptic paraboloid), so the
    frame is built with one broadcast pass.
    """
    width, height = size
    u = ((np.arange(width, dtype=np.float32) + 0.5) / width * 2 - 1) ** 2
    v = ((np.arange(height, dtype=np.float32) + 0.5) / height * 2 - 1) ** 2
    k = np.float32(spec.vignette / 2)
    colour = _rgb(spec.wall)
    pixels = np.empty((height, width, 3), np.float32)
    np.multiply(1 - k * (v[:, None] + u[None, :])[..., None], colour, out=pixels)
    return pixels


def vertical_gradient(size: tuple[int, int], top: np.ndarray, bottom: np.ndarray) -> np.ndarray:
    width, height = size
    t = ((np.arange(height, dtype=np.float32) + 0.5) / height)[:, None]
    return _rows(top + (bottom - top) * t, width)


def cover_image(path: Path, size: tuple[int, int]) -> np.ndarray:
    """The image at ``path`` scaled to cover the frame (centre crop), resampled with Lanczos."""
    width, height = size
    im = _background_source(Path(path))
    scale = max(width / im.width, height / im.height)
    crop_w, crop_h = width / scale, height / scale
    left, top = (im.width - crop_w) / 2, (im.height - crop_h) / 2
    box = (left, top, left + crop_w, top + crop_h)
    fitted = im.resize((width, height), Image.Resampling.LANCZOS, box=box, reducing_gap=3.0)
    return np.asarray(fitted, dtype=np.float32) * np.float32(1 / 255)


def _background_source(path: Path) -> Image.Image:
    """The custom background, read like any photo (EXIF, ICC → sRGB, pixel limit) and kept while the
    file is unchanged: a batch applies it to every photo, so it is decoded once, not per photo."""
    try:
        stat = path.stat()
    except OSError as err:
        raise VitrinaError(_("cannot read background image {path}: {why}").format(
            path=path, why=err.strerror or err)) from err
    return _decoded(str(path), stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=2)
def _decoded(path: str, _mtime_ns: int, _size: int) -> Image.Image:
    from app.imaging import load_photo

    try:
        photo = load_photo(path)
    except VitrinaError as err:
        message = _("cannot use {path} as the background: {error}")
        raise VitrinaError(message.format(path=path, error=err)) from err
    return Image.fromarray(np.ascontiguousarray(photo.rgb))


def is_row_constant(pixels: np.ndarray) -> bool:
    """True when every row is one colour (the broadcast views made here)."""
    return pixels.ndim == 3 and pixels.strides[1] == 0


def row_colours(pixels: np.ndarray) -> np.ndarray:
    """H×3 colours of a row-constant background."""
    return pixels[:, 0, :]


def _rows(colours: np.ndarray, width: int) -> np.ndarray:
    """An H×W×3 read-only view repeating one H×3 column across the width."""
    column = np.clip(colours, 0.0, 1.0).astype(np.float32)
    return np.broadcast_to(column[:, None, :], (column.shape[0], width, 3))


def _rgb(colour: str) -> np.ndarray:
    return np.array([int(colour[i : i + 2], 16) for i in (1, 3, 5)], np.float32) / np.float32(255)
