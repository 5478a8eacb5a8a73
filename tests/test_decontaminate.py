"""Clean edges: a product shot on a saturated backdrop carries no rim of it onto its new background."""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

from app.compose.backgrounds import BackgroundSpec
from app.compose.compose import CanvasSpec, compose
from app.compose.decontaminate import estimate_foreground
from app.compose.edges import refine_alpha
from app.compose.geometry import geometry_of
from tests.test_geometry import box_mask

BLUE = np.array([20.0, 40.0, 230.0])
WHITE = BackgroundSpec("solid", color="#ffffff")


def blue_screen_shot(width: int = 320, height: int = 400, blur: float = 3.0) -> tuple:
    """An orange, textured product on a saturated blue backdrop, as a camera mixes them at the
    edge (I = αF + (1−α)B), with the soft mask a matting model gives: (photo, mask, true F)."""
    m = Image.new("L", (width, height), 0)
    ImageDraw.Draw(m).rounded_rectangle((90, 60, 230, 340), radius=40, fill=255)
    alpha = np.asarray(m.filter(ImageFilter.GaussianBlur(blur)))
    yy, xx = np.mgrid[:height, :width]
    fore = np.stack([210 + 25 * np.sin(xx / 9.0), 120 + 30 * np.cos(yy / 13.0), 50 + 0 * xx], -1)
    a = alpha[..., None] / 255.0
    photo = np.clip(np.rint(a * fore + (1 - a) * BLUE), 0, 255).astype(np.uint8)
    return photo, alpha, fore


def chroma(rgb: np.ndarray) -> np.ndarray:
    """(Cb, Cr) of BT.601: colour without lightness."""
    r, g, b = rgb[..., 0], rgb[..., 1], rgb[..., 2]
    return np.stack([-0.1687 * r - 0.3313 * g + 0.5 * b, 0.5 * r - 0.4187 * g - 0.0813 * b], -1)


def toward_blue(image: np.ndarray, ideal: np.ndarray, band: np.ndarray) -> float:
    """Mean chroma distance of the edge band from the ideal result, measured toward the backdrop."""
    unit = chroma(BLUE) / np.linalg.norm(chroma(BLUE))
    return float(((chroma(image.astype(float)) - chroma(ideal)) @ unit)[band].mean())


def test_edge_band_loses_the_blue_backdrop() -> None:
    photo, alpha, fore = blue_screen_shot()
    band = (alpha > 0) & (alpha < 255)
    assert band.sum() > 5000
    a = alpha[..., None] / 255.0
    ideal = a * fore + (1 - a) * 255.0  # the true product over white
    raw = toward_blue(compose(photo, alpha, WHITE, decontaminate=False).image, ideal, band)
    clean = toward_blue(compose(photo, alpha, WHITE).image, ideal, band)
    # Measured: 17.4 → 1.0 chroma units (of ~130 between this blue and white).
    assert raw > 12
    assert clean < 2.0 and clean < 0.12 * raw


def test_scaled_onto_a_canvas_the_edge_stays_clean() -> None:
    photo, alpha, _ = blue_screen_shot(640, 800, blur=5.0)
    photo = np.asarray(Image.fromarray(photo).resize((640, 800)))
    canvas = CanvasSpec(240, 320)

    def blueness(image: np.ndarray) -> float:
        ring = np.abs(image.astype(int) - 255).sum(axis=2) > 6  # anything not the white background
        return float((image[..., 2].astype(int) - image[..., 0])[ring].max())

    # The product is orange (B − R < −100 everywhere); blue shows as B − R rising toward +210.
    assert blueness(compose(photo, alpha, WHITE, canvas, decontaminate=False).image) > 30
    assert blueness(compose(photo, alpha, WHITE, canvas).image) < 0


def test_cutout_is_decontaminated_too() -> None:
    photo, alpha, fore = blue_screen_shot()
    band = (alpha > 25) & (alpha < 230)
    cutout = compose(photo, alpha, BackgroundSpec("plane"), CanvasSpec(150, 200)).cutout
    unit = chroma(BLUE) / np.linalg.norm(chroma(BLUE))
    before = float(((chroma(photo.astype(float)) - chroma(fore)) @ unit)[band].mean())
    after = float(((chroma(cutout[..., :3].astype(float)) - chroma(fore)) @ unit)[band].mean())
    assert np.array_equal(cutout[..., 3], alpha)
    assert before > 40 and abs(after) < 0.1 * before


def test_only_soft_pixels_change_and_a_box_matches_the_whole() -> None:
    photo, alpha, _ = blue_screen_shot()
    whole = estimate_foreground(photo, alpha)
    hard = (alpha == 0) | (alpha == 255)
    assert np.array_equal(whole[hard], photo[hard])
    box = (70, 40, 250, 360)
    part = estimate_foreground(photo, alpha, box).astype(int)
    assert np.abs(part - whole[40:360, 70:250]).max() <= 1  # float sums in another order
    assert np.array_equal(estimate_foreground(photo, alpha), whole)  # deterministic
    mask = box_mask()
    assert np.array_equal(estimate_foreground(photo[:300, :300], mask), photo[:300, :300])


def test_uniform_product_keeps_its_colour() -> None:
    _, alpha, _ = blue_screen_shot()
    flat = np.broadcast_to(np.array([30, 160, 90], np.uint8), (*alpha.shape, 3))
    assert np.abs(estimate_foreground(flat, alpha).astype(int) - flat).max() <= 1


def test_small_holes_fill_and_real_gaps_stay() -> None:
    mask = box_mask(300, 300, box=(50, 50, 250, 250))
    mask[100:104, 100:104] = 0  # a speck the model missed: 16 px
    mask[150:200, 120:200] = 0  # a real opening: 4000 px
    geometry = geometry_of(mask)
    assert refine_alpha(mask, geometry) is mask  # off by default
    filled = refine_alpha(mask, geometry, fill_holes=0.01)
    assert filled[100:104, 100:104].min() == 255
    assert filled[160:190, 130:190].max() == 0
    assert filled[:40].max() == 0  # the outside is not a hole


def test_feather_softens_the_edge_by_a_share_of_the_object() -> None:
    mask = box_mask(300, 300, box=(50, 50, 250, 250))
    soft = refine_alpha(mask, geometry_of(mask), feather=0.01)  # ~2 px for a 200 px object
    ramp = soft[150, 40:60]
    assert ramp[0] == 0 and ramp[-1] == 255
    assert 4 <= np.count_nonzero((ramp > 0) & (ramp < 255)) <= 12
    composed = compose(np.full((300, 300, 3), 90, np.uint8), mask, WHITE, feather=0.01)
    assert 4 <= np.count_nonzero((composed.image[150, 40:60, 0] > 90) & (composed.image[150, 40:60, 0] < 255))


def test_the_shared_edge_patch_looks_like_a_full_frame_estimate_on_white() -> None:
    """Decontamination runs once, over the object's box only, and both the canvas and cutout.png
    use it: on white, the visible edge stays within 2/255 of estimating F over the whole frame."""
    photo, alpha, _ = blue_screen_shot()
    result = compose(photo, alpha, BackgroundSpec("transparent"))
    full = estimate_foreground(photo, alpha)  # the whole frame, as before the shared patch
    a = alpha[..., None].astype(np.float64) / 255.0

    def on_white(rgb: np.ndarray) -> np.ndarray:
        return a * rgb.astype(np.float64) + (1 - a) * 255.0

    band = (alpha > 0) & (alpha < 255)
    assert band.sum() > 500
    for image in (result.cutout, result.image):
        diff = np.abs(on_white(image[..., :3]) - on_white(full))[band]
        assert diff.max() <= 2.0, diff.max()
    # The canvas path takes its colour from the same patch as the cut-out.
    canvas = compose(photo, alpha, BackgroundSpec("plane"), CanvasSpec(160, 200))
    assert np.array_equal(canvas.cutout, result.cutout)
