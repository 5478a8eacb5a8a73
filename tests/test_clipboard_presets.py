"""Copying one photo's settings onto others, and the user's own presets (studio clipboard, presets)."""

from __future__ import annotations

import json
import logging
from dataclasses import replace
from pathlib import Path

import pytest

from app.compose.backgrounds import BackgroundSpec
from app.project import Project
from app.studio import background_for, history_of, marketplace_of, set_marketplace, set_photo_background
from app.studio.clipboard import (
    BACKGROUND,
    CANVAS,
    PLACEMENT,
    SHADOW,
    Settings,
    available_parts,
    paste,
    set_shadow,
    shadow_fields,
)
from app.studio.presets import (
    UserPreset,
    apply_preset,
    delete_preset,
    load_presets,
    presets_path,
    save_preset,
)
from tests.ui.shoot import LOOSE, PRODUCT, make_shoot

ONE, TWO = f"{PRODUCT}/1.png", f"{PRODUCT}/2.jpg"
MINT = BackgroundSpec(kind="preset", name="mint")
RED = BackgroundSpec(kind="solid", color="#ff0000")
LONG_SHADOW = {"shadow_opacity": 0.8, "shadow_softness": 0.2, "shadow_length": 0.5,
               "shadow_direction": -0.6, "reflection": 0.3}
WARM = BackgroundSpec(kind="preset", name="warm-grey")


@pytest.fixture
def project(tmp_path: Path) -> Project:
    return Project(make_shoot(tmp_path))


def _shadow(spec: BackgroundSpec) -> dict[str, float]:
    return {name: getattr(spec, name) for name in LONG_SHADOW}


def _source(project: Project) -> Settings:
    """The loose photo: mint with a long shadow, a Wildberries canvas, moved by hand."""
    set_photo_background(project, [LOOSE], replace(MINT, **LONG_SHADOW))
    set_marketplace(project, [LOOSE], "wb")
    project.photo(LOOSE).placement = {"fill": 0.7, "x": 0.4, "y": 0.55}
    return Settings.take(project, LOOSE)


def test_the_snapshot_is_what_the_photo_shows(project: Project) -> None:
    snapshot = _source(project)
    assert snapshot.background == replace(MINT, **LONG_SHADOW)
    assert snapshot.marketplace == "wb"
    assert snapshot.placement == {"fill": 0.7, "x": 0.4, "y": 0.55}
    assert snapshot.shadow == LONG_SHADOW
    project.photo(LOOSE).placement["x"] = 0.1  # later edits of the photo do not change the copy
    assert snapshot.placement["x"] == 0.4


def test_pasting_background_keeps_each_targets_own_shadow(project: Project) -> None:
    snapshot = _source(project)
    own = replace(WARM, shadow_opacity=0.1, shadow_direction=0.5)
    set_photo_background(project, [ONE], own)

    paste(project, [ONE, TWO], snapshot, {BACKGROUND}, label="Pasted background to 2 photos")

    assert background_for(project, ONE) == replace(MINT, **_shadow(own))
    assert background_for(project, TWO) == MINT  # it followed the default shadow, and still has it
    assert marketplace_of(project, PRODUCT) == ""  # the canvas was not asked for
    assert project.photo(ONE).placement is None


def test_pasting_background_and_shadow_is_one_undo_step_saved_at_once(project: Project) -> None:
    snapshot = _source(project)
    before = {rel: background_for(project, rel) for rel in (ONE, TWO)}

    paste(project, [ONE, TWO], snapshot, {BACKGROUND, SHADOW, CANVAS, PLACEMENT}, label="Pasted all")

    reopened = Project(project.root)
    for rel in (ONE, TWO):
        assert background_for(reopened, rel) == replace(MINT, **LONG_SHADOW)
        assert reopened.photo(rel).placement == {"fill": 0.7, "x": 0.4, "y": 0.55}
    assert marketplace_of(reopened, PRODUCT) == "wb"
    history = history_of(project)
    assert history.undo_label == "Pasted all"
    history.undo(project)
    assert {rel: background_for(project, rel) for rel in (ONE, TWO)} == before
    assert marketplace_of(Project(project.root), PRODUCT) == ""
    assert Project(project.root).photo(ONE).placement is None


def test_pasting_only_the_shadow_keeps_each_targets_background(project: Project) -> None:
    snapshot = _source(project)
    set_photo_background(project, [ONE], WARM)
    set_photo_background(project, [TWO], RED)  # a solid colour draws no shadow: left alone

    changed = paste(project, [ONE, TWO], snapshot, {SHADOW}, label="Pasted shadow")

    assert background_for(project, ONE) == replace(WARM, **LONG_SHADOW)
    assert background_for(project, TWO) == RED
    assert changed == 1


def test_a_flat_backdrop_takes_only_the_shadow_fields_it_draws(project: Project) -> None:
    snapshot = _source(project)
    flat = BackgroundSpec(kind="flat")
    set_photo_background(project, [ONE], flat)
    paste(project, [ONE], snapshot, {SHADOW})
    got = background_for(project, ONE)
    assert (got.shadow_opacity, got.shadow_softness, got.shadow_direction) == (0.8, 0.2, -0.6)
    assert got.to_json() == replace(flat, shadow_opacity=0.8, shadow_softness=0.2,
                                    shadow_direction=-0.6).to_json()


def test_a_shadowless_source_offers_no_shadow_and_a_preset_for_a_colour_has_none(project: Project) -> None:
    set_photo_background(project, [LOOSE], RED)
    assert SHADOW not in available_parts(Settings.take(project, LOOSE))
    assert shadow_fields(BackgroundSpec(kind="preset", name="pure-white")) == ()
    assert shadow_fields(MINT) == tuple(LONG_SHADOW)


def test_a_touched_shadow_field_changes_only_that_field_of_each_photo(project: Project) -> None:
    set_photo_background(project, [ONE], replace(WARM, shadow_softness=0.3))
    set_photo_background(project, [TWO], BackgroundSpec(kind="plane", wall="#ffffff", shadow_softness=0.1))
    set_shadow(project, [ONE, TWO], {"shadow_opacity": 0.9}, label="Shadow")
    assert background_for(project, ONE) == replace(WARM, shadow_softness=0.3, shadow_opacity=0.9)
    assert background_for(project, TWO) == BackgroundSpec(kind="plane", wall="#ffffff", shadow_softness=0.1,
                                                          shadow_opacity=0.9)
    assert background_for(project, LOOSE) == BackgroundSpec()  # not selected: untouched


def test_one_drag_of_a_slider_is_one_undo_step(project: Project) -> None:
    before = background_for(project, ONE)
    for value in (0.4, 0.5, 0.6, 0.7):
        set_shadow(project, [ONE], {"shadow_length": value}, label="Shadow length", group="drag-1")
    history = history_of(project)
    assert history.steps == 1
    history.undo(project)
    assert background_for(project, ONE) == before


def test_unknown_parts_are_refused(project: Project) -> None:
    with pytest.raises(ValueError):
        paste(project, [ONE], _source(project), {"colour"})


# -- the user's presets ---------------------------------------------------------------------------
def test_presets_are_saved_replaced_by_name_and_deleted() -> None:
    assert load_presets() == []
    sunny = UserPreset("Sunny", replace(WARM, shadow_direction=0.7), "ozon")
    save_preset(sunny)
    save_preset(UserPreset("Studio", RED, "none"))
    assert [p.name for p in load_presets()] == ["Sunny", "Studio"]
    assert load_presets()[0] == sunny

    newer = UserPreset(" sunny ", MINT, "wb")  # the same name to the user: replaces, in its place
    assert [p.name for p in save_preset(newer)] == ["sunny", "Studio"]
    assert load_presets()[0].background == MINT

    assert [p.name for p in delete_preset("SUNNY")] == ["Studio"]
    assert json.loads(presets_path().read_text(encoding="utf-8"))["presets"][0]["name"] == "Studio"


def test_a_corrupt_presets_file_is_moved_aside_and_logged(caplog: pytest.LogCaptureFixture) -> None:
    path = presets_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("{not json", encoding="utf-8")
    with caplog.at_level(logging.WARNING):
        assert load_presets() == []
    assert not path.exists()
    aside = list(path.parent.glob("presets.json.broken-*"))
    assert len(aside) == 1 and aside[0].read_text(encoding="utf-8") == "{not json"
    assert "moved aside" in caplog.text
    save_preset(UserPreset("Fresh", MINT))  # and the user can go on saving
    assert [p.name for p in load_presets()] == ["Fresh"]


def test_an_entry_this_version_cannot_read_is_skipped_but_kept() -> None:
    path = presets_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    future = {"name": "Hologram", "background": {"kind": "hologram"}}
    path.write_text(json.dumps({"schema_version": 1, "presets": [future]}), encoding="utf-8")
    assert load_presets() == []
    save_preset(UserPreset("Mint", MINT))
    assert json.loads(path.read_text(encoding="utf-8"))["presets"][0] == future


def test_applying_a_preset_sets_background_shadow_and_canvas_in_one_step(project: Project) -> None:
    preset = UserPreset("Sunny", replace(WARM, **LONG_SHADOW), "ozon")
    apply_preset(project, [ONE], preset, label="Sunny for 1 photo")
    assert background_for(project, ONE) == replace(WARM, **LONG_SHADOW)
    assert background_for(project, TWO) == BackgroundSpec()  # the photo, not its whole product
    assert marketplace_of(project, PRODUCT) == "ozon"
    history_of(project).undo(project)
    assert background_for(project, ONE) == BackgroundSpec() and marketplace_of(project, PRODUCT) == ""
