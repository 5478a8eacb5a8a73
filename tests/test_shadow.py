"""The product casts a soft shadow on the floor it stands on — under its base, and nowhere else."""

from __future__ import annotations

from argparse import Namespace
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from app.cli import main
from app.cli.batch import _with_shadow
from app.compose.backgrounds import BackgroundSpec, parse_background, resolve
from app.compose.compose import CanvasSpec, compose
from tests.test_compose import photo
from tests.test_geometry import bottle_mask, box_mask

SHADOWLESS = BackgroundSpec("plane", shadow_opacity=0.0)


def darkening(spec: BackgroundSpec, mask: np.ndarray, canvas: CanvasSpec | None = None) -> tuple:
    """How much darker each pixel is with ``spec``'s shadow than without, in % of its luma."""
    rgb = photo(mask)
    lit = compose(rgb, mask, replace(spec, shadow_opacity=0.0, reflection=0.0), canvas)
    shaded = compose(rgb, mask, spec, canvas)
    luma = np.array([0.299, 0.587, 0.114])
    before, after = lit.image.astype(float) @ luma, shaded.image.astype(float) @ luma
    return 100 * (before - after) / before, shaded


def test_shadow_sits_under_the_base_and_nowhere_else() -> None:
    mask = bottle_mask(300, 400, base=330)
    dark, result = darkening(BackgroundSpec("plane"), mask)
    horizon = result.horizon_y
    assert horizon == 331
    x0, _, x1, _ = result.object_box
    width = x1 - x0

    assert np.abs(dark[:horizon]).max() == 0  # nothing on the wall, not even one level
    assert dark.min() >= 0  # a shadow only darkens
    assert dark[horizon:horizon + 4, x0 + width // 4 : x1 - width // 4].mean() > 20  # visibly there
    ys, xs = np.nonzero(dark > 0.3)  # one level of 255
    spread = 3 * 0.06 * width + 3  # 3 σ of the blur, plus rounding
    assert xs.min() >= x0 - spread and xs.max() <= x1 + spread  # beside the base, not across the floor
    assert ys.max() <= horizon + 0.06 * 275 + spread  # reach + blur toward the viewer
    # Darkest at the contact line, fading toward the viewer.
    centre = dark[horizon:, (x0 + x1) // 2]
    assert centre[0] == centre.max() and centre[0] > 2 * centre[15]
    # A soft mask edge (matting output) changes none of this.
    soft_dark, _ = darkening(BackgroundSpec("plane"), bottle_mask(300, 400, base=330, soft=True))
    assert np.abs(soft_dark[:horizon]).max() == 0 and soft_dark[horizon + 2, (x0 + x1) // 2] > 20


def test_shadow_follows_the_product_onto_a_marketplace_canvas() -> None:
    mask = bottle_mask(600, 800, base=700, soft=True)
    dark, result = darkening(BackgroundSpec("plane"), mask, CanvasSpec(300, 400, fill=0.8))
    assert np.abs(dark[: result.horizon_y]).max() == 0
    x0, _, x1, _ = result.object_box
    assert dark[result.horizon_y + 2, (x0 + x1) // 2] > 20  # past the soft rim of the base
    assert dark[:, : x0 - 20].max() == 0 and dark[:, x1 + 20 :].max() == 0


def test_shadow_is_deterministic_and_follows_its_settings() -> None:
    mask = bottle_mask(300, 400, base=300, soft=True)
    rgb = photo(mask)
    spec = BackgroundSpec("plane")
    assert np.array_equal(compose(rgb, mask, spec).image, compose(rgb, mask, spec).image)

    base, _ = darkening(spec, mask)
    stronger, _ = darkening(replace(spec, shadow_opacity=0.7), mask)
    softer, _ = darkening(replace(spec, shadow_softness=0.2), mask)
    longer, _ = darkening(replace(spec, shadow_length=0.3), mask)
    right, _ = darkening(replace(spec, shadow_direction=1.0, shadow_length=0.2), mask)
    assert stronger.max() > 1.8 * base.max()
    assert np.count_nonzero(softer.max(axis=0) > 0.3) > np.count_nonzero(base.max(axis=0) > 0.3) + 20
    assert np.count_nonzero(longer.max(axis=1) > 0.3) > np.count_nonzero(base.max(axis=1) > 0.3) + 20

    def centre_x(d: np.ndarray) -> float:
        rows = d[305:]  # well in front of the contact
        return float((rows.sum(axis=0) * np.arange(d.shape[1])).sum() / rows.sum())

    assert centre_x(right) > centre_x(base) + 5  # leans right: light from the left


def test_no_shadow_when_the_base_is_not_visible() -> None:
    mask = box_mask(300, 400, box=(80, 100, 220, 400))  # cut by the bottom edge
    dark, _ = darkening(BackgroundSpec("plane"), mask)
    assert not dark.any()


def test_shadow_off_and_other_kinds_leave_the_background_alone() -> None:
    mask = bottle_mask(soft=True)
    rgb = photo(mask)
    for spec in (parse_background("solid:#ffffff"), parse_background("gradient:#ffffff:#dddddd")):
        off = replace(spec, shadow_opacity=0)
        assert np.array_equal(compose(rgb, mask, spec).image, compose(rgb, mask, off).image)
    dark, _ = darkening(SHADOWLESS, mask)
    assert not dark.any()


def test_reflection_mirrors_the_product_on_a_glossy_floor_only() -> None:
    mask = bottle_mask(300, 400, base=300, soft=True)
    rgb = photo(mask)  # a red product
    assert BackgroundSpec().reflection == 0  # off by default
    matte = compose(rgb, mask, SHADOWLESS).image.astype(int)
    glossy = compose(rgb, mask, replace(SHADOWLESS, reflection=0.4)).image.astype(int)
    changed = np.nonzero(np.any(glossy != matte, axis=2))
    assert changed[0].min() >= 301  # below the horizon only
    redder = (glossy[..., 0] - glossy[..., 2]) - (matte[..., 0] - matte[..., 2])
    assert redder[302, 150] > 30  # the product's colour right under it
    assert redder[302, 150] > redder[330, 150] > 0  # fading away from the contact


def test_flat_lay_gets_a_soft_drop_shadow_all_round() -> None:
    mask = box_mask(300, 300, box=(80, 60, 220, 250))
    dark, result = darkening(BackgroundSpec("flat"), mask)
    assert result.horizon_y is None
    assert dark[150, 70] > 1 and dark[150, 230] > 1 and dark[255, 150] > dark[55, 150] > 0
    assert dark[5, 5] == 0


def test_shadow_settings_are_saved_and_old_projects_get_the_defaults() -> None:
    spec = BackgroundSpec("plane", shadow_opacity=0.5, shadow_softness=0.1, shadow_length=0.2,
                          shadow_direction=-0.5, reflection=0.3)
    assert BackgroundSpec.from_json(spec.to_json()) == spec
    old = BackgroundSpec.from_json({"kind": "plane", "wall": "#ffffff", "floor": "#eeeeee"})
    assert old.shadow_opacity > 0 and old.reflection == 0  # on for planes made before shadows
    # A preset keeps its colours and takes the spec's shadow.
    preset = BackgroundSpec("preset", name="cream", shadow_opacity=0.6)
    assert BackgroundSpec.from_json(preset.to_json()) == preset
    assert resolve(preset).shadow_opacity == 0.6 and resolve(preset).wall == "#fbf5e8"
    with pytest.raises(ValueError):
        BackgroundSpec("plane", shadow_direction=2.0)


def test_cli_sets_the_shadow(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    flags = Namespace(shadow=0.5, shadow_softness=None, shadow_length=0.2, shadow_direction=None,
                      reflection=0.1)
    spec = _with_shadow(parse_background("cream"), flags)
    assert (spec.shadow_opacity, spec.shadow_length, spec.reflection) == (0.5, 0.2, 0.1)
    assert spec.shadow_softness == BackgroundSpec().shadow_softness
    (tmp_path / "in").mkdir()
    assert main(["batch", str(tmp_path / "in"), "-o", str(tmp_path / "o"), "--shadow", "1.5"]) == 2
    assert "shadow_opacity" in capsys.readouterr().err
