"""Undo history of the user's choices (app/studio/history.py): what it takes back, what it leaves."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import pytest

from app.cardtext.card import Card
from app.compose.backgrounds import BackgroundSpec
from app.project import Project
from app.studio import (
    all_photos,
    background_for,
    card_of,
    history_of,
    marketplace_of,
    photos_with_own_background,
    set_all_backgrounds,
    set_card,
    set_marketplace,
    set_photo_background,
)
from app.studio.history import PHOTO, Change, History
from tests.ui.shoot import LOOSE, PRODUCT, make_shoot

MINT = BackgroundSpec(kind="preset", name="mint")
RED = BackgroundSpec(kind="solid", color="#ff0000")
ONE, TWO = f"{PRODUCT}/1.png", f"{PRODUCT}/2.jpg"


@pytest.fixture
def project(tmp_path: Path) -> Project:
    return Project(make_shoot(tmp_path))


def test_undo_takes_a_choice_back_and_saves_redo_makes_it_again(project: Project) -> None:
    before = background_for(project, LOOSE)
    set_photo_background(project, [LOOSE], RED, label="Red for 1 photo")
    history = history_of(project)
    assert history.undo_label == "Red for 1 photo" and not history.can_redo

    outcome = history.undo(project)
    assert outcome is not None and outcome.restored == 1 and outcome.kept == 0
    assert background_for(Project(project.root), LOOSE) == before  # saved at once
    assert history.redo_label == "Red for 1 photo"
    history.redo(project)
    assert background_for(Project(project.root), LOOSE) == RED
    assert history.undo(project) and history.undo(project) is None  # one step, then nothing


def test_a_choice_that_changes_nothing_is_no_step(project: Project) -> None:
    set_photo_background(project, [LOOSE], RED, label="red")
    assert set_photo_background(project, [LOOSE], RED, label="red again") == 0
    assert history_of(project).steps == 1 and history_of(project).undo_label == "red"


def test_apply_to_all_names_the_photos_it_would_overwrite_and_can_keep_them(project: Project) -> None:
    set_photo_background(project, [TWO], RED)
    set_photo_background(project, [LOOSE], MINT)  # its own choice, but already Mint: nothing to lose
    set_marketplace(project, [PRODUCT], "wb")
    assert photos_with_own_background(project, MINT) == [TWO]

    set_all_backgrounds(project, MINT, keep_own=True, label="keep")
    assert background_for(project, TWO) == RED
    assert {background_for(project, rel) for rel in all_photos(project) if rel != TWO} == {MINT}
    history_of(project).undo(project)

    set_all_backgrounds(project, MINT, label="replace")
    assert {background_for(project, rel) for rel in all_photos(project)} == {MINT}
    assert marketplace_of(project, PRODUCT) == "wb"  # only the background: the canvas stays the product's
    history_of(project).undo(project)
    assert background_for(project, TWO) == RED and background_for(project, LOOSE) == MINT
    assert project.product(PRODUCT).background is None  # exactly as before, not just "looks the same"


def test_undo_leaves_alone_what_something_else_changed_since(project: Project) -> None:
    set_card(project, LOOSE, Card(title="Мой мяч", description="Мой текст."), label="card")
    written = Card(title="Новый мяч", description="Написано заново.")
    state = project.product(LOOSE)
    state.card, state.card_edited = written.to_json(), False  # what a regenerate run does
    outcome = history_of(project).undo(project)
    assert outcome is not None and outcome.kept == 2 and outcome.restored == 0
    assert card_of(project, LOOSE) == written


def test_saves_of_one_card_close_together_are_one_step(project: Project) -> None:
    now = [0.0]
    history = History(clock=lambda: now[0], merge_s=10)
    change = lambda v0, v1: [Change(PHOTO, LOOSE, "background", v0, v1)]  # noqa: E731
    history.record("a", change(None, 1), group="card:x")
    now[0] = 5
    history.record("ab", change(1, 2), group="card:x")
    assert history.steps == 1 and history.undo_label == "ab"
    now[0] = 30
    history.record("abc", change(2, 3), group="card:x")
    assert history.steps == 2
    history.record("other", change(3, 4), group="card:y")
    assert history.steps == 3

    typed_back = History(clock=lambda: 0.0)
    typed_back.record("x", change(None, 1), group="g")
    typed_back.record("back", change(1, None), group="g")
    assert typed_back.steps == 0  # typed and typed back: nothing to undo


def test_the_panel_saving_as_the_user_types_makes_one_step(project: Project) -> None:
    for title in ("М", "Мя", "Мяч"):
        set_card(project, LOOSE, Card(title=title, description=""), label=f"card {title}")
    history = history_of(project)
    assert history.steps == 1
    history.undo(project)
    assert project.product(LOOSE).card is None and not project.product(LOOSE).card_edited


def test_history_is_bounded_and_a_new_choice_drops_the_redo(project: Project) -> None:
    history = History(depth=3)
    for i in range(5):
        history.record(f"step {i}", [Change(PHOTO, LOOSE, "background", i, i + 1)])
    assert history.steps == 3 and history.undo_label == "step 4"
    history.undo(project)
    history.record("new", [Change(PHOTO, LOOSE, "background", 0, 1)])
    assert not history.can_redo


def test_a_bulk_step_on_5000_photos_stays_small(tmp_path: Path) -> None:
    folder = tmp_path / "big"
    folder.mkdir()
    for i in range(5000):
        (folder / f"IMG_{i:04d}.jpg").touch()  # the scan goes by name; nothing here reads pixels
    project = Project(folder)
    for rel in all_photos(project):  # as after a run: every photo and product has its state
        project.photo(rel), project.product(rel)
    set_photo_background(project, ["IMG_0007.jpg"], RED)
    tracemalloc.start()
    try:
        set_all_backgrounds(project, MINT, label="Mint applied to 5,000 photos")
        kept, _peak = tracemalloc.get_traced_memory()  # what is still held: the step (the values are shared)
    finally:
        tracemalloc.stop()
    history = history_of(project)
    assert history.change_count() - 1 == 5001  # 5,000 products and one photo's own choice
    assert kept < 2 * 2**20, kept
    history.undo(project)
    assert background_for(project, "IMG_0007.jpg") == RED
    assert project.product("IMG_0001.jpg").background is None
