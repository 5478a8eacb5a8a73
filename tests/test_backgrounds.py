"""Backgrounds a user can pick: the plane under the product, light presets, colours, own images."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from app.compose.backgrounds import (
    BackgroundSpec,
    parse_background,
    plane,
    presets,
    render,
)
from app.compose.geometry import MaskGeometry, geometry_of
from app.compose.layout import choose_layout
from app.errors import VitrinaError
from app.resources import resource_path
from tests.test_geometry import bottle_mask, box_mask

SIZE = (300, 400)  # width, height


def rgb(colour: str) -> np.ndarray:
    return np.array([int(colour[i : i + 2], 16) for i in (1, 3, 5)]) / 255


def luma(pixels: np.ndarray) -> np.ndarray:
    return pixels @ np.array([0.2126, 0.7152, 0.0722])


def transition_rows(column: np.ndarray, wall: np.ndarray, floor: np.ndarray) -> int:
    """Rows whose colour is measurably between wall and floor (the blend band)."""
    t = (column - wall) @ (floor - wall) / ((floor - wall) @ (floor - wall))
    return int(np.count_nonzero((t > 0.02) & (t < 0.98)))


def test_plane_puts_the_horizon_right_under_the_object() -> None:
    geometry = geometry_of(bottle_mask(*SIZE, base=330))
    bg = render(BackgroundSpec("plane"), SIZE, geometry)
    assert bg.horizon_y == 331 and bg.note is None
    assert bg.pixels is not None and bg.pixels.shape == (400, 300, 3) and bg.pixels.dtype == np.float32


def test_plane_has_wall_above_and_floor_below() -> None:
    spec = BackgroundSpec("plane", wall="#e0e8f0", floor="#c0b0a0", softness=0.05, wall_gradient=0.3,
                          floor_gradient=0.1)
    pixels = plane(SIZE, 300, spec)
    column = pixels[:, 150].astype(np.float64)
    wall, floor = rgb(spec.wall), rgb(spec.floor)
    # Just outside the band: the wall's and the floor's own colours.
    assert np.allclose(column[285], wall, atol=0.02)
    assert np.allclose(column[311], floor, atol=0.02)
    # Wall lighter toward the top (toward white by wall_gradient), floor darker toward the viewer.
    assert np.allclose(column[0], wall + (1 - wall) * 0.3, atol=0.005)
    assert np.allclose(column[-1], floor * 0.9, atol=0.005)
    assert np.all(np.diff(luma(column[:280])) <= 1e-6)
    # Every row is one colour, across the full width.
    assert np.array_equal(pixels[:, 0], pixels[:, -1])


def test_negative_floor_gradient_lightens_toward_the_viewer() -> None:
    spec = BackgroundSpec("plane", floor="#c0c0c0", floor_gradient=-0.5)
    column = plane(SIZE, 200, spec)[:, 0]
    assert np.allclose(column[-1], rgb("#c0c0c0") + (1 - rgb("#c0c0c0")) * 0.5, atol=0.005)


@pytest.mark.parametrize("softness", [0.02, 0.05, 0.1])
def test_blend_band_width_follows_softness(softness: float) -> None:
    spec = BackgroundSpec("plane", wall="#ffffff", floor="#808080", softness=softness, wall_gradient=0.0,
                          floor_gradient=0.0)
    column = plane(SIZE, 250, spec)[:, 0].astype(np.float64)
    band = transition_rows(column, rgb(spec.wall), rgb(spec.floor))
    # Smoothstep spends 83.5 % of the band between 2 % and 98 % of the way.
    assert band == pytest.approx(0.835 * softness * SIZE[1], abs=1.5)
    # ...and it is centred on the horizon (the top edge of its first floor row).
    assert np.allclose(column[249:251].mean(axis=0), (rgb(spec.wall) + rgb(spec.floor)) / 2, atol=0.005)


def test_object_cut_by_the_bottom_edge_gets_a_fallback_horizon() -> None:
    geometry = geometry_of(box_mask(300, 400, box=(80, 100, 220, 400)))
    bg = render(BackgroundSpec("plane"), SIZE, geometry)
    assert bg.horizon_y == 320
    assert bg.note and "bottom edge" in bg.note and "80%" in bg.note  # English CLDR: no space before %


def test_no_object_still_renders_a_plane() -> None:
    bg = render(BackgroundSpec("plane"), SIZE, MaskGeometry.nothing(*SIZE))
    assert bg.horizon_y == 320 and bg.note and bg.pixels is not None


def test_presets_come_from_the_data_file_and_are_all_light() -> None:
    data = json.loads(resource_path("backgrounds.json").read_text(encoding="utf-8"))["presets"]
    assert data == presets()
    assert {"white", "warm-grey", "cream", "pale-blue", "mint", "soft-pink"} <= set(data)
    geometry = geometry_of(bottle_mask(*SIZE))
    for name in data:
        bg = render(BackgroundSpec("preset", name=name), SIZE, geometry)
        assert bg.pixels is not None
        assert luma(bg.pixels.astype(np.float64)).min() > 0.8, name


def test_solid_and_gradient() -> None:
    geometry = MaskGeometry.nothing(*SIZE)
    solid = render(parse_background("solid:#336699"), SIZE, geometry).pixels
    assert solid is not None and np.allclose(solid, rgb("#336699"), atol=1e-6)
    grad = render(parse_background("gradient:#ffffff:#000000"), SIZE, geometry).pixels
    assert grad is not None
    assert np.allclose(grad[0, 0], 1 - 0.5 / 400, atol=1e-4)
    assert np.allclose(grad[-1, 0], 0.5 / 400, atol=1e-4)
    assert np.all(np.diff(grad[:, 0, 0]) < 0)


def test_transparent_has_no_pixels() -> None:
    assert render(parse_background("transparent"), SIZE, MaskGeometry.nothing(*SIZE)).pixels is None


def test_custom_image_covers_the_frame(tmp_path: Path) -> None:
    # 600×200: left third red, middle green, right third blue. A square frame shows the middle.
    strip = np.zeros((200, 600, 3), np.uint8)
    strip[:, :200] = (255, 0, 0)
    strip[:, 200:400] = (0, 255, 0)
    strip[:, 400:] = (0, 0, 255)
    path = tmp_path / "backdrop.png"
    Image.fromarray(strip).save(path)
    pixels = render(parse_background(f"image:{path}"), (100, 100), MaskGeometry.nothing(100, 100)).pixels
    assert pixels is not None and pixels.shape == (100, 100, 3)
    assert np.allclose(pixels[:, 3:-3], (0, 1, 0), atol=0.02)
    # Upscaling a small image to a taller frame still covers it, centred.
    tall = render(parse_background(f"image:{path}"), (90, 400), MaskGeometry.nothing(90, 400)).pixels
    assert tall is not None and tall.shape == (400, 90, 3)
    assert np.allclose(tall[:, 20:70], (0, 1, 0), atol=0.02)


def test_unreadable_custom_image_names_the_file(tmp_path: Path) -> None:
    broken = tmp_path / "not-a-picture.jpg"
    broken.write_bytes(b"hello")
    for path in (broken, tmp_path / "missing.png"):
        with pytest.raises(VitrinaError, match=path.name):
            render(BackgroundSpec("image", path=str(path)), SIZE, MaskGeometry.nothing(*SIZE))


def test_cli_forms_parse() -> None:
    assert parse_background("plane") == BackgroundSpec("plane")
    assert parse_background("warm-grey") == BackgroundSpec("preset", name="warm-grey")
    assert parse_background("solid:#FFFFFF").color == "#FFFFFF"
    assert parse_background("gradient:#ffffff:#eeeeee") == BackgroundSpec("gradient", top="#ffffff",
                                                                         bottom="#eeeeee")
    assert parse_background(r"image:C:\photos\wall.jpg").path == r"C:\photos\wall.jpg"
    assert parse_background("transparent").kind == "transparent"


@pytest.mark.parametrize("text", ["marble", "solid:red", "solid:", "gradient:#ffffff", "image:", "plane:x"])
def test_cli_rejects_unknown_forms_and_lists_choices(text: str) -> None:
    with pytest.raises(ValueError) as info:
        parse_background(text)
    message = str(info.value)
    assert text in message
    if text == "marble":
        assert "warm-grey" in message and "solid:#rrggbb" in message and "transparent" in message


def test_spec_round_trips_through_json() -> None:
    specs = [
        BackgroundSpec("plane", wall="#fafafa", softness=0.1),
        BackgroundSpec("preset", name="mint"),
        BackgroundSpec("solid", color="#123456"),
        BackgroundSpec("gradient", top="#ffffff", bottom="#dddddd"),
        BackgroundSpec("image", path="/tmp/wall.jpg"),
        BackgroundSpec("transparent"),
    ]
    for spec in specs:
        text = json.dumps(spec.to_json())
        assert BackgroundSpec.from_json(json.loads(text)) == spec
    assert BackgroundSpec("solid", color="#123456").to_json() == {"kind": "solid", "color": "#123456"}
    # A field from a newer version is ignored rather than refusing the whole project.
    assert BackgroundSpec.from_json({"kind": "solid", "color": "#123456", "grain": 0.2}).color == "#123456"
    with pytest.raises(ValueError):
        BackgroundSpec.from_json({"kind": "marble"})


def test_flat_backdrop_is_a_soft_vignette_without_a_horizon() -> None:
    spec = BackgroundSpec("flat", wall="#f0f0f0", vignette=0.1)
    bg = render(spec, SIZE, geometry_of(bottle_mask(*SIZE)))
    assert bg.horizon_y is None and bg.pixels is not None
    pixels = bg.pixels.astype(np.float64)
    centre, corner = pixels[200, 150], pixels[0, 0]
    assert np.allclose(centre, rgb("#f0f0f0"), atol=0.002)
    assert np.allclose(corner, rgb("#f0f0f0") * 0.9, atol=0.01)
    assert np.all(np.diff(luma(pixels[200, 150:])) <= 1e-6)  # darkening smoothly outward
    assert luma(pixels).min() > 0.8  # still a light marketplace background


def test_layout_from_the_object_and_the_describer_hint() -> None:
    bottle = geometry_of(bottle_mask(*SIZE))
    belt = geometry_of(box_mask(400, 300, box=(20, 130, 380, 170)))  # 9:1, lying
    shoe = geometry_of(box_mask(400, 300, box=(60, 120, 340, 230)))  # 2.5:1 side view, standing
    cut = geometry_of(box_mask(300, 400, box=(40, 100, 260, 400)))  # a shirt cut by the bottom edge
    assert choose_layout(bottle) == "plane" and choose_layout(shoe) == "plane"
    assert choose_layout(belt) == "flat" and choose_layout(cut) == "flat"
    assert choose_layout(bottle, "a T-shirt, flat-lay, shot from above") == "flat"
    assert choose_layout(bottle, "Folded shirt lying on a table") == "flat"
    assert choose_layout(belt, "bottle standing upright") == "plane"
    assert choose_layout(bottle, "a glass bottle with a hanging loop") == "plane"  # not "hanging on"
    assert choose_layout(MaskGeometry.nothing(*SIZE), None) == "plane"


def test_auto_background_picks_plane_or_flat_per_photo() -> None:
    from app.compose.compose import compose

    bottle = bottle_mask(*SIZE)
    rgb = np.zeros((*bottle.shape, 3), np.uint8)
    standing = compose(rgb, bottle, parse_background("auto"))
    assert standing.layout == "plane" and standing.horizon_y == 341
    lying = compose(rgb, bottle, parse_background("auto"), layout_hint="flat lay, top-down")
    assert lying.layout == "flat" and lying.horizon_y is None
    belt = box_mask(400, 300, box=(20, 130, 380, 170))
    assert compose(np.zeros((300, 400, 3), np.uint8), belt, BackgroundSpec("auto")).layout == "flat"


def test_new_kinds_parse_and_round_trip() -> None:
    assert parse_background("flat") == BackgroundSpec("flat")
    assert parse_background("AUTO") == BackgroundSpec("auto")
    for spec in (BackgroundSpec("flat", wall="#fafafa", vignette=0.2, shadow_opacity=0.1),
                 BackgroundSpec("auto", floor="#dddddd", vignette=0.0, reflection=0.2)):
        assert BackgroundSpec.from_json(json.loads(json.dumps(spec.to_json()))) == spec


def test_custom_image_is_read_again_when_the_file_changes(tmp_path: Path) -> None:
    path = tmp_path / "backdrop.png"
    geometry = MaskGeometry.nothing(40, 40)
    Image.new("RGB", (80, 80), (255, 0, 0)).save(path)
    first = render(parse_background(f"image:{path}"), (40, 40), geometry).pixels
    Image.new("RGB", (90, 90), (0, 0, 255)).save(path)  # another size: the cache key changes
    second = render(parse_background(f"image:{path}"), (40, 40), geometry).pixels
    assert np.allclose(first[20, 20], (1, 0, 0), atol=0.02)
    assert np.allclose(second[20, 20], (0, 0, 1), atol=0.02)
