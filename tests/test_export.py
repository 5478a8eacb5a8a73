"""Card bundles are written whole or not at all, and never replace a bundle silently."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pytest

from app.errors import ExportError
from app.export import Bundle, BundlePhoto, clean_partials, csv_text, write_bundle
from app.export import bundle as bundle_module


def _bundle(name: str = "Кружка", photos: int = 2, transparent: bool = False) -> Bundle:
    items = []
    for i in range(photos):
        rgb = np.full((40, 30, 3), 100 + i, np.uint8)
        mask = np.full((40, 30), 255, np.uint8)
        image = np.dstack([rgb, mask]) if transparent else rgb
        items.append(BundlePhoto(f"{name}/{i}.jpg", image, np.dstack([rgb, mask]), mask))
    return Bundle(name=name, product_key=name, photos=items, card={"product": name})


def test_bundle_layout_for_a_product_with_several_photos(tmp_path: Path) -> None:
    folder = write_bundle(tmp_path, _bundle())
    assert sorted(p.name for p in folder.iterdir()) == [
        "01.jpg",
        "02.jpg",
        "card.json",
        "cutout-01.png",
        "cutout-02.png",
        "mask-01.png",
        "mask-02.png",
    ]
    card = json.loads((folder / "card.json").read_text("utf-8"))
    assert card["product"] == "Кружка"
    assert [f["image"] for f in card["files"]] == ["01.jpg", "02.jpg"]


def test_single_photo_bundle_uses_plain_names_and_png_when_transparent(tmp_path: Path) -> None:
    folder = write_bundle(tmp_path, _bundle("vase", photos=1, transparent=True))
    assert sorted(p.name for p in folder.iterdir()) == ["01.png", "card.json", "cutout.png", "mask.png"]


def test_existing_bundle_is_not_replaced_without_overwrite(tmp_path: Path) -> None:
    write_bundle(tmp_path, _bundle())
    with pytest.raises(ExportError, match="--overwrite"):
        write_bundle(tmp_path, _bundle())
    write_bundle(tmp_path, _bundle(photos=1), overwrite=True)
    assert sorted(p.name for p in (tmp_path / "Кружка").iterdir()) == [
        "01.jpg",
        "card.json",
        "cutout.png",
        "mask.png",
    ]


def test_failure_midway_leaves_no_partial_bundle_and_keeps_the_old_one(tmp_path: Path, monkeypatch) -> None:
    write_bundle(tmp_path, _bundle(photos=1))
    before = sorted(p.name for p in (tmp_path / "Кружка").iterdir())
    real_save = bundle_module.save_image
    calls = {"n": 0}

    def failing_save(path, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 3:
            raise OSError(28, "No space left on device")
        return real_save(path, *args, **kwargs)

    monkeypatch.setattr(bundle_module, "save_image", failing_save)
    with pytest.raises(ExportError, match="No space left"):
        write_bundle(tmp_path, _bundle(photos=2), overwrite=True)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["Кружка"]
    assert sorted(p.name for p in (tmp_path / "Кружка").iterdir()) == before


def test_leftovers_of_a_killed_run_are_cleaned_and_a_moved_bundle_is_restored(tmp_path: Path) -> None:
    (tmp_path / ".partial-abc").mkdir()
    (tmp_path / ".partial-abc" / "01.jpg").write_bytes(b"half")
    (tmp_path / ".old-Кружка-123").mkdir()
    (tmp_path / ".old-Кружка-123" / "card.json").write_text("{}")
    clean_partials(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["Кружка"]
    assert (tmp_path / "Кружка" / "card.json").exists()


def test_csv_cells_that_look_like_formulas_are_neutralised() -> None:
    text = csv_text(("a", "b"), [('=HYPERLINK("x")', 'Кружка, "белая"\nвторая строка'), ("-1", "@x")])
    assert text.startswith("\ufeff")
    rows = list(csv.reader(text.lstrip("\ufeff").splitlines(keepends=True)))
    assert rows[1] == ['\'=HYPERLINK("x")', 'Кружка, "белая"\nвторая строка']
    assert rows[2] == ["'-1", "'@x"]
