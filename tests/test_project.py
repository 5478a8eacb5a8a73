"""Scanning a folder into products, and the sidecar state that makes runs resumable."""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from app.project import ExportTarget, Project, scan_folder
from app.project import store as store_module
from app.project.state import SCHEMA_VERSION


def _photo(path: Path, colour: tuple[int, int, int] = (200, 50, 50)) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (32, 24), colour).save(path)
    return path


def test_subfolders_are_products_and_loose_photos_are_products_of_one(tmp_path: Path) -> None:
    _photo(tmp_path / "Кружка" / "b.jpg")
    _photo(tmp_path / "Кружка" / "a.jpg")
    (tmp_path / "Кружка" / "notes.txt").write_text("shot list")
    _photo(tmp_path / "vase.png")
    _photo(tmp_path / "Bag" / "side.webp")
    (tmp_path / "empty").mkdir()
    result = scan_folder(tmp_path)
    assert [(p.key, p.name, p.photos) for p in result.products] == [
        ("Bag", "Bag", ("Bag/side.webp",)),
        ("vase.png", "vase", ("vase.png",)),
        ("Кружка", "Кружка", ("Кружка/a.jpg", "Кружка/b.jpg")),
    ]


def test_hidden_and_system_files_are_ignored(tmp_path: Path) -> None:
    _photo(tmp_path / "item.jpg")
    (tmp_path / "Thumbs.db").write_bytes(b"x")
    (tmp_path / ".DS_Store").write_bytes(b"x")
    _photo(tmp_path / "._item.jpg")
    _photo(tmp_path / ".hidden" / "x.jpg")
    assert [p.key for p in scan_folder(tmp_path).products] == ["item.jpg"]


def test_symlink_loop_and_dangling_link_are_reported_not_followed(tmp_path: Path) -> None:
    _photo(tmp_path / "box" / "1.jpg")
    os.symlink(tmp_path, tmp_path / "box" / "loop")
    os.symlink(tmp_path / "missing.jpg", tmp_path / "gone.jpg")
    result = scan_folder(tmp_path)
    assert [p.key for p in result.products] == ["box"]
    reasons = dict(result.skipped)
    assert "missing" in reasons["gone.jpg"]
    assert "not followed" in reasons["box/loop"]


def test_state_survives_reopening(tmp_path: Path) -> None:
    _photo(tmp_path / "a.jpg")
    project = Project(tmp_path)
    project.photo("a.jpg").content_hash = "abc"
    mask = np.tile(np.arange(32, dtype=np.uint8) * 8, (24, 1))
    project.save_mask("a.jpg", mask, source="edited")
    project.product("a.jpg").card = {"title": "Кружка"}
    project.save()
    again = Project(tmp_path)
    assert again.photo("a.jpg").mask_source == "edited"
    assert again.product("a.jpg").card == {"title": "Кружка"}
    assert np.array_equal(again.load_mask("a.jpg"), mask)
    assert again.has_current_mask("a.jpg", "abc", "any-model@rev")  # edits fit every model
    assert not again.has_current_mask("a.jpg", "changed-file", "any-model@rev")


@pytest.mark.parametrize("export", [None, "not a dict", {"folder": 5}, {"folder": "/x", "fix": 1, "junk": 2}])
def test_the_export_target_is_optional_and_never_costs_the_photos_state(tmp_path: Path, export) -> None:
    """Sidecars written before the export target existed, or with a broken one, still load with
    every mask and card; only a usable target is kept."""
    _photo(tmp_path / "a.jpg")
    data = {"schema_version": SCHEMA_VERSION, "photos": {"a.jpg": {"mask_source": "edited"}},
            "products": {"a.jpg": {"card": {"title": "Кружка"}}}}
    if export is not None:
        data["export"] = export
    (tmp_path / ".vitrina").mkdir()
    (tmp_path / ".vitrina" / "state.json").write_text(json.dumps(data), encoding="utf-8")
    project = Project(tmp_path)
    assert not project.messages
    assert project.photo("a.jpg").mask_source == "edited"
    assert project.product("a.jpg").card == {"title": "Кружка"}
    target = project.state.export
    if isinstance(export, dict) and isinstance(export.get("folder"), str):
        assert (target.folder, target.replace, target.fix) == ("/x", True, True)
    else:
        assert target == ExportTarget()


def test_model_mask_is_current_only_for_the_model_that_made_it(tmp_path: Path) -> None:
    _photo(tmp_path / "a.jpg")
    project = Project(tmp_path)
    project.photo("a.jpg").content_hash = "h"
    project.save_mask("a.jpg", np.zeros((24, 32), np.uint8), source="model", model="m@1")
    assert project.has_current_mask("a.jpg", "h", "m@1")
    assert not project.has_current_mask("a.jpg", "h", "m@2")


@pytest.mark.parametrize("content", ["{not json", json.dumps({"schema_version": SCHEMA_VERSION + 1})])
def test_unreadable_or_future_state_is_moved_aside_with_a_message(tmp_path: Path, content: str) -> None:
    _photo(tmp_path / "a.jpg")
    state_dir = tmp_path / ".vitrina"
    state_dir.mkdir()
    (state_dir / "state.json").write_text(content)
    project = Project(tmp_path)
    assert project.state.photos == {}
    assert len(project.messages) == 1 and "kept as" in project.messages[0]
    kept = [p for p in state_dir.iterdir() if p.name.startswith("state.json.unreadable-")]
    assert len(kept) == 1 and kept[0].read_text() == content


def test_read_only_folder_keeps_state_in_the_user_data_dir(tmp_path: Path, monkeypatch) -> None:
    _photo(tmp_path / "shoot" / "a.jpg")
    real = store_module._writable
    monkeypatch.setattr(store_module, "_writable",
                        lambda folder: ".vitrina" not in folder.parts and real(folder))
    project = Project(tmp_path / "shoot")
    project.save()
    assert not (tmp_path / "shoot" / ".vitrina").exists()
    assert project.state_path.exists()
    assert Path(os.environ["XDG_DATA_HOME"]) in project.state_path.parents


def test_state_writes_are_atomic(tmp_path: Path, monkeypatch) -> None:
    _photo(tmp_path / "a.jpg")
    project = Project(tmp_path)
    project.product("a.jpg").marketplace = "wb"
    project.save()
    before = project.state_path.read_bytes()
    project.product("a.jpg").marketplace = "ozon"

    def broken_dump(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(json, "dump", broken_dump)
    with pytest.raises(Exception, match="No space left"):
        project.save()
    assert project.state_path.read_bytes() == before
    assert [p.name for p in project.state_dir.iterdir() if p.name.endswith(".tmp")] == []


def test_a_failed_save_is_tried_again_by_the_next_one(tmp_path: Path, monkeypatch) -> None:
    _photo(tmp_path / "a.jpg")
    project = Project(tmp_path)
    project.product("a.jpg").marketplace = "ozon"
    project.mark_dirty()
    real_dump = json.dump
    monkeypatch.setattr(json, "dump", lambda *a, **k: (_ for _ in ()).throw(OSError(28, "disk full")))
    with pytest.raises(Exception, match="disk full"):
        project.save(force=False, min_interval=0.0)
    monkeypatch.setattr(json, "dump", real_dump)
    project.save(force=False, min_interval=0.0)  # "nothing unsaved" would lose the change
    assert Project(tmp_path).product("a.jpg").marketplace == "ozon"


def test_overlapping_saves_never_put_an_older_copy_over_a_newer_one(tmp_path: Path) -> None:
    """The studio saves flags from a thread while the UI thread may save a card edit: the thread
    that copied the state first may reach the disk last."""
    import threading

    _photo(tmp_path / "a.jpg")
    project = Project(tmp_path)
    real_lock, newer_written = project._write_lock, threading.Event()

    class LateForTheOlder:  # holds the first saver back between its copy and its write
        def __enter__(self):  # noqa: ANN204
            if threading.current_thread().name == "older":
                assert newer_written.wait(10)
            return real_lock.__enter__()

        def __exit__(self, *exc):  # noqa: ANN002, ANN204
            return real_lock.__exit__(*exc)

    project._write_lock = LateForTheOlder()
    project.product("a.jpg").marketplace = "wb"
    older = threading.Thread(target=project.save, name="older")
    older.start()
    while project._copies < 1:  # the older copy is taken …
        threading.Event().wait(0.01)
    project.product("a.jpg").marketplace = "ozon"  # … then the state changes and is saved
    project.save()
    newer_written.set()
    older.join(10)
    assert json.loads(project.state_path.read_text("utf-8"))["products"]["a.jpg"]["marketplace"] == "ozon"


def test_an_edit_keeps_the_model_mask_and_a_later_model_result_only_replaces_the_copy(tmp_path: Path) -> None:
    _photo(tmp_path / "a.jpg")
    project = Project(tmp_path)
    model = np.zeros((24, 32), np.uint8)
    model[5:15, 8:20] = 255
    project.save_mask("a.jpg", model, source="model", model="m@1")
    assert np.array_equal(project.load_model_mask("a.jpg"), model)
    edited = model.copy()
    edited[0:4, 0:4] = 255
    project.save_mask("a.jpg", edited, source="edited")
    project.save_mask("a.jpg", np.zeros_like(model), source="edited")  # a second edit keeps the first copy
    again = Project(tmp_path)
    assert np.array_equal(again.load_model_mask("a.jpg"), model)
    assert not again.load_mask("a.jpg").any()
    fresh = np.full_like(model, 255)
    assert again.save_mask("a.jpg", fresh, source="model", model="m@2") is False
    assert not again.load_mask("a.jpg").any()  # the person's edit stands
    assert again.photo("a.jpg").mask_source == "edited"
    assert np.array_equal(again.load_model_mask("a.jpg"), fresh)  # what Reset goes back to
