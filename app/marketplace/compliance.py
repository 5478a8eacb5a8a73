"""Does a product's bundle meet its marketplace's rules? A pass/warn/fail report per rule.

Rules come from ``resources/marketplaces.json`` (via ``app.marketplace.marketplaces``) and, for the card text,
``app.cardtext.rules``. A fail is what the marketplace rejects (size, format, file size,
transparency, banned words, length); a warn is what it tolerates but shows worse (aspect, fill,
background, capitals). ``app.marketplace.autofix`` repairs what can be repaired without a person.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Union

import numpy as np
from PIL import Image

from app import formats
from app.cardtext.card import Card
from app.cardtext.rules import problems
from app.i18n import _
from app.marketplace.autofix import MB, encode, normalise_format
from app.marketplace.marketplaces import Marketplace, get

PASS, WARN, FAIL = "pass", "warn", "fail"
_ORDER = {PASS: 0, WARN: 1, FAIL: 2}
# Text problems a marketplace's moderation rejects; the rest only read worse.
_TEXT_FAILS = frozenset({"empty", "too_long", "promo"})
_ASPECT_TOLERANCE = 0.01
SUMMARY_ITEMS = 3  # problems named in the one-line summary before "and N more"
_ANALYSIS_SIDE = 400  # fill and background are judged on a copy this size
_OBJECT_DELTA = 20  # a pixel this far (max channel) from its row's backdrop is product (or shadow)
_NEUTRAL_CHROMA = 0.08  # mean |chroma| (0..1) of the backdrop above which it reads as coloured

Box = tuple[int, int, int, int]
ImageSource = Union[str, "os.PathLike[str]", np.ndarray]


@dataclass(frozen=True)
class RuleResult:
    rule: str  # "image.size", "image.format", "text.promo", …
    status: str  # pass | warn | fail
    message: str
    image: str | None = None  # which image ("01.jpg" or "#1"); None for bundle-wide rules
    fix: str | None = None  # what ``app.marketplace.autofix`` can do about it: resize | flatten | reencode


@dataclass
class Report:
    marketplace: str
    results: list[RuleResult] = field(default_factory=list)

    @property
    def status(self) -> str:
        return max((r.status for r in self.results), key=_ORDER.__getitem__, default=PASS)

    def failed(self) -> list[RuleResult]:
        return [r for r in self.results if r.status == FAIL]

    def warnings(self) -> list[RuleResult]:
        return [r for r in self.results if r.status == WARN]

    def fixable(self) -> list[RuleResult]:
        return [r for r in self.results if r.status != PASS and r.fix]

    def summary(self) -> str:
        """One line for the CLI: "Wildberries: fail — 1 fail, 2 warn (01.jpg: …)"."""
        name = get(self.marketplace).name
        bad = self.failed() + self.warnings()
        if not bad:
            return _("{marketplace}: pass").format(marketplace=name)
        # Every problem the counts count is named (the first few, then how many more): a line that
        # says "2 warn" and shows one leaves the seller looking for the other.
        shown = [f"{r.image}: {r.message}" if r.image else r.message for r in bad[:SUMMARY_ITEMS]]
        details = "; ".join(shown)
        if len(bad) > SUMMARY_ITEMS:
            details += _(" and {count} more").format(count=len(bad) - SUMMARY_ITEMS)
        counts = _("{fails} fail, {warns} warn").format(fails=len(self.failed()), warns=len(self.warnings()))
        line = (_("{marketplace}: fail — {counts} ({where}{message})") if self.status == FAIL
                else _("{marketplace}: warn — {counts} ({where}{message})"))
        return line.format(marketplace=name, counts=counts, where="", message=details)

    def to_json(self) -> dict[str, Any]:
        """What ``compliance.json`` holds."""
        return {
            "marketplace": self.marketplace,
            "status": self.status,
            "counts": {s: sum(r.status == s for r in self.results) for s in (PASS, WARN, FAIL)},
            "results": [asdict(r) for r in self.results],
        }


def check_bundle(
    images: Sequence[tuple[ImageSource, str]],
    card: Card | None,
    marketplace: str | Marketplace,
    *,
    object_boxes: Sequence[Box | None] | None = None,
) -> Report:
    """Check a bundle's images (file path or pixels, with its format: jpg/png/webp) and card.

    The first image is the main photo: fill and background are judged on it only. ``object_boxes``
    (where compose put the product, per image) makes fill exact; without it the product is found
    as whatever differs from each row's backdrop.
    """
    m = get(marketplace) if isinstance(marketplace, str) else marketplace
    report = Report(m.key)
    add = report.results.append
    count = len(images)
    add(RuleResult("photos.count", PASS if count <= m.max_photos else FAIL,
                   _("{count} photo(s); {marketplace} allows {limit}").format(
                       count=count, marketplace=m.name, limit=m.max_photos)))
    for index, (source, fmt) in enumerate(images):
        box = object_boxes[index] if object_boxes is not None else None
        for result in _image_rules(_read(source, fmt), m, _label(source, index), main=index == 0, box=box):
            add(result)
    if card is not None:
        for problem in problems(card, m):
            add(RuleResult(f"text.{problem.kind}", FAIL if problem.kind in _TEXT_FAILS else WARN,
                           problem.message))
        if not any(r.rule.startswith("text.") for r in report.results):
            add(RuleResult("text", PASS, _("title and description meet {marketplace}'s rules").format(
                marketplace=m.name)))
    return report


@dataclass(frozen=True)
class _Image:
    pixels: np.ndarray  # RGB or RGBA uint8
    fmt: str  # jpg | png | webp | other
    file_bytes: int


def _read(source: ImageSource, fmt: str) -> _Image:
    fmt = normalise_format(fmt)
    if isinstance(source, np.ndarray):
        # Measured as the export would write it (an unknown format: as JPEG, to have a number).
        return _Image(source, fmt, len(encode(source, fmt if fmt in ("jpg", "png", "webp") else "jpg")))
    path = Path(source)
    with Image.open(path) as im:
        im.load()
        mode = "RGBA" if im.mode in ("RGBA", "LA", "PA") or "transparency" in im.info else "RGB"
        pixels = np.asarray(im.convert(mode))
    return _Image(pixels, fmt, os.stat(path).st_size)


def _label(source: ImageSource, index: int) -> str:
    return f"#{index + 1}" if isinstance(source, np.ndarray) else Path(source).name


def _image_rules(im: _Image, m: Marketplace, label: str, *, main: bool, box: Box | None) -> list[RuleResult]:
    out: list[RuleResult] = []

    def add(rule: str, status: str, message: str, fix: str | None = None) -> None:
        out.append(RuleResult(rule, status, message, label, fix if status != PASS else None))

    h, w = im.pixels.shape[:2]
    allowed = ", ".join(f.upper() for f in m.formats)
    add("image.format", PASS if im.fmt in m.formats else FAIL,
        _("{format}; {marketplace} accepts {allowed}").format(
            format=im.fmt.upper(), marketplace=m.name, allowed=allowed), "reencode")
    small = w < m.min_width or h < m.min_height
    add("image.size", FAIL if small or max(w, h) > m.max_side else PASS,
        _("{width}×{height}; {marketplace} needs at least {min_width}×{min_height} and at most "
          "{max_side} px a side").format(width=w, height=h, marketplace=m.name, min_width=m.min_width,
                                         min_height=m.min_height, max_side=m.max_side),
        "resize")
    if m.aspects:
        fits = any(abs(w / h - _ratio(a)) <= _ASPECT_TOLERANCE * _ratio(a) for a in m.aspects)
        add("image.aspect", PASS if fits else WARN,
            _("aspect {ratio}; {marketplace} shows {aspects} whole").format(
                ratio=formats.decimal(w / h, 3), marketplace=m.name, aspects=_(" or ").join(m.aspects)))
    limit = m.max_file_mb * MB
    limit_digits = 0 if float(m.max_file_mb).is_integer() else 1  # «10 МБ», not «10,0 МБ»
    add("image.file_size", PASS if im.file_bytes <= limit else FAIL,
        _("{size}; {marketplace} allows {limit}").format(
            size=formats.size(im.file_bytes, digits=1), marketplace=m.name,
            limit=formats.size(limit, digits=limit_digits)),
        "reencode")
    see_through = im.pixels.shape[2] == 4 and int(im.pixels[..., 3].min()) < 255
    if not m.transparency:
        seen = (_("transparent pixels; {marketplace} does not support it") if see_through
                else _("no transparency; {marketplace} does not support it"))
        add("image.transparency", FAIL if see_through else PASS, seen.format(marketplace=m.name), "flatten")
    if main:
        fill, lightness, chroma = _measure(im.pixels, box)
        add("image.fill", PASS if fill >= m.min_fill else WARN,
            _("the product fills {fill} of the frame; aim for {target} or more").format(
                fill=formats.percent(fill), target=formats.percent(m.min_fill)))
        light_ok = lightness >= m.min_background_lightness and chroma <= _NEUTRAL_CHROMA
        add("image.background", PASS if light_ok else WARN,
            _("background lightness {lightness}, colourfulness {chroma}; {marketplace} wants light "
              "and neutral (≥ {min_lightness}, ≤ {max_chroma})").format(
                lightness=formats.decimal(lightness, 2), chroma=formats.decimal(chroma, 2),
                marketplace=m.name, min_lightness=formats.decimal(m.min_background_lightness, 2),
                max_chroma=formats.decimal(_NEUTRAL_CHROMA, 2)))
    return out


def _ratio(aspect: str) -> float:
    w, h = aspect.split(":")
    return float(w) / float(h)


def _measure(pixels: np.ndarray, box: Box | None) -> tuple[float, float, float]:
    """(product fill: larger of its height and width share; backdrop mean luma 0..1; backdrop mean
    chroma 0..1). A transparent backdrop counts as the white the marketplace shows under it."""
    h, w = pixels.shape[:2]
    im = Image.fromarray(pixels)
    if pixels.shape[2] == 4:
        white = Image.new("RGBA", im.size, (255, 255, 255, 255))
        im = Image.alpha_composite(white, im)
    k = max(1, max(h, w) // _ANALYSIS_SIDE)
    small = np.asarray(im.convert("RGB").reduce(k), np.float32)
    sh, sw = small.shape[:2]
    if box is not None:
        x0, y0, x1, y1 = box
        product = np.zeros((sh, sw), bool)
        product[y0 // k : -(-y1 // k), x0 // k : -(-x1 // k)] = True
        fill = max((y1 - y0) / h, (x1 - x0) / w)
    else:
        edge = max(1, sw // 50)
        # Generated backgrounds vary by row (plane, gradient) or slowly (flat): the backdrop of
        # each row is read from its two ends.
        row_backdrop = np.median(np.concatenate([small[:, :edge], small[:, -edge:]], axis=1), axis=1)
        product = np.abs(small - row_backdrop[:, None, :]).max(axis=2) > _OBJECT_DELTA
        ys, xs = np.nonzero(product)
        fill = 0.0 if ys.size == 0 else max((ys.max() + 1 - ys.min()) / sh, (xs.max() + 1 - xs.min()) / sw)
    backdrop = small[~product] / 255.0 if (~product).any() else small.reshape(-1, 3) / 255.0
    luma = backdrop @ np.array([0.2126, 0.7152, 0.0722], np.float32)
    chroma = backdrop.max(axis=1) - backdrop.min(axis=1)
    return float(fill), float(luma.mean()), float(chroma.mean())
