"""Flags (P / X / U): the user's verdict on each result — undoable, saved, settling "needs review",
and keeping rejected photos out of the bundles."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from app.project import Project
from app.project.state import ExportTarget, ProjectState
from app.studio import (
    APPROVED,
    REJECTED,
    UNFLAGGED,
    all_photos,
    approved_products,
    export_products,
    flag_of,
    history_of,
    photo_status,
    process_photos,
    set_flag,
)
from app.studio.items import REVIEW_PREFIX
from tests.ui.shoot import BROKEN, LOOSE, PRODUCT, FakeSegmenter, make_shoot

ONE, TWO = f"{PRODUCT}/1.png", f"{PRODUCT}/2.jpg"


@pytest.fixture
def project(tmp_path: Path) -> Project:
    return Project(make_shoot(tmp_path))


@pytest.fixture
def processed(project: Project) -> Project:
    process_photos(project, all_photos(project), seg_model="birefnet", device="cpu",
                   segmenter_factory=lambda *_: FakeSegmenter())
    return project


def _report(folder: Path) -> dict[str, tuple[str, str]]:
    with (folder / "report.csv").open(encoding="utf-8-sig") as fh:
        return {row["file"]: (row["status"], row["message"]) for row in csv.DictReader(fh)}


def test_a_flag_is_saved_at_once_and_one_undo_step(project: Project) -> None:
    assert set_flag(project, [ONE, TWO, LOOSE], APPROVED, label="Approved 3 photos") == 3
    assert {rel: flag_of(Project(project.root), rel) for rel in (ONE, TWO, LOOSE)} == dict.fromkeys(
        (ONE, TWO, LOOSE), APPROVED)  # on disk, not just in memory
    assert set_flag(project, [ONE, TWO], APPROVED) == 0  # already approved: nothing to undo
    history = history_of(project)
    assert history.undo_label == "Approved 3 photos" and history.steps == 1

    set_flag(project, [TWO], REJECTED, label="Rejected 1 photo")
    history.undo(project)
    assert flag_of(project, TWO) == APPROVED
    history.undo(project)
    assert [flag_of(project, rel) for rel in (ONE, TWO, LOOSE)] == [UNFLAGGED] * 3
    assert flag_of(Project(project.root), ONE) == UNFLAGGED  # undo is saved too
    history.redo(project)
    assert flag_of(project, LOOSE) == APPROVED


def test_deferred_saving_leaves_the_flag_for_the_next_save(project: Project) -> None:
    set_flag(project, [LOOSE], REJECTED, save=False)
    assert flag_of(Project(project.root), LOOSE) == UNFLAGGED  # not yet written…
    project.save(force=False, min_interval=0.0)  # …until the caller's coalesced save runs
    assert flag_of(Project(project.root), LOOSE) == REJECTED


def test_clearing_and_strange_input(project: Project) -> None:
    assert set_flag(project, [LOOSE, "not/a/photo.jpg"], UNFLAGGED) == 0
    assert "not/a/photo.jpg" not in project.state.photos and LOOSE not in project.state.photos
    with pytest.raises(ValueError, match="unknown flag"):
        set_flag(project, [LOOSE], "maybe")
    project.photo(LOOSE).flag = "something a newer version wrote"
    assert flag_of(project, LOOSE) == UNFLAGGED


def test_approved_products_are_reviewed_and_accepted(project: Project) -> None:
    assert approved_products(project) == []
    set_flag(project, [ONE], APPROVED)
    assert approved_products(project) == []  # its other photo has not been looked at
    set_flag(project, [TWO], REJECTED)
    assert approved_products(project) == [PRODUCT]
    set_flag(project, [ONE], REJECTED)
    assert approved_products(project) == []  # all rejected is reviewed, but not accepted
    set_flag(project, [LOOSE], APPROVED)
    assert approved_products(project) == [LOOSE]


def test_approving_settles_needs_review_but_not_edits_or_errors(processed: Project) -> None:
    processed.photo(LOOSE).notes = [REVIEW_PREFIX + "the object touches the frame"]
    assert photo_status(processed, LOOSE) == "review"
    set_flag(processed, [LOOSE], APPROVED)
    assert photo_status(processed, LOOSE) == "done"
    set_flag(processed, [LOOSE], UNFLAGGED)
    assert photo_status(processed, LOOSE) == "review"  # cleared: it needs a look again

    processed.photo(ONE).mask_source = "edited"
    set_flag(processed, [ONE, BROKEN], APPROVED)
    assert photo_status(processed, ONE) == "edited"
    assert photo_status(processed, BROKEN) == "error"


def test_rejected_photos_stay_out_of_the_bundle(processed: Project, tmp_path: Path) -> None:
    out = tmp_path / "cards"
    keys = [p.key for p in processed.products]
    first = export_products(processed, keys, out)
    listed = [f["source"] for f in json.loads((out / PRODUCT / "card.json").read_text("utf-8"))["files"]]
    assert listed == [ONE, TWO]

    set_flag(processed, [TWO], REJECTED)
    set_flag(processed, [LOOSE], REJECTED)
    again = export_products(processed, keys, out)  # not "replace": the bundle is redone all the same
    listed = [f["source"] for f in json.loads((out / PRODUCT / "card.json").read_text("utf-8"))["files"]]
    assert listed == [ONE]
    assert sorted(p.name for p in (out / PRODUCT).glob("*.jpg")) == ["01.jpg"]
    rows = _report(out)
    assert rows[TWO] == ("skipped", "not exported: rejected")
    assert rows[LOOSE] == ("skipped", "not exported: rejected")
    assert PRODUCT in again.bundles and LOOSE not in again.bundles
    assert first.bundles[LOOSE].exists()  # a fully rejected product's old bundle is not deleted


def test_export_scope_is_remembered_and_checked_on_load() -> None:
    data = ProjectState(export=ExportTarget(folder="/x", scope="approved")).to_json()
    assert ProjectState.from_json(data).export.scope == "approved"
    data["export"]["scope"] = "everything-new"
    assert ProjectState.from_json(data).export.scope == "all"
    del data["export"]["scope"]  # saved before scopes existed
    assert ProjectState.from_json(data).export == ExportTarget(folder="/x")
