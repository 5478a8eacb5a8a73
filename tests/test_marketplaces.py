"""The marketplace data file: every number says where it comes from, and the loader reads it whole."""

from __future__ import annotations

import json
from pathlib import Path

from app.marketplace.marketplaces import get, marketplaces
from app.resources import resource_path

ROOT = Path(__file__).resolve().parent.parent
NOT_RULES = {"name", "sources"}


def _data() -> dict:
    return json.loads(resource_path("marketplaces.json").read_text(encoding="utf-8"))


def test_every_rule_of_every_marketplace_names_its_source() -> None:
    for key, m in _data()["marketplaces"].items():
        rules = set(m) - NOT_RULES
        sources = m["sources"]
        assert set(sources) == rules, (key, rules ^ set(sources))
        for rule, source in sources.items():
            # An official page (its address and what it says), or a plain statement that none was found
            # or that the number is Vitrina's own.
            assert source.startswith("https://") and " — " in source or source.startswith(
                ("no ", "Vitrina's")), (key, rule, source)


def test_the_note_points_to_a_page_that_exists() -> None:
    assert "docs/marketplaces.md" in _data()["_note"]
    assert (ROOT / "docs" / "marketplaces.md").is_file()


def test_the_loader_reads_the_checked_numbers() -> None:
    assert set(marketplaces()) == {"wb", "ozon", "ym"}
    wb, ozon, ym = get("wb"), get("ozon"), get("ym")
    assert (wb.min_width, wb.min_height, wb.max_file_mb, wb.max_photos) == (700, 900, 32, 30)
    assert wb.formats == ("jpg", "png", "bmp", "gif", "webp")
    assert (wb.title_max, wb.description_min, wb.description_max) == (60, 0, 2000)
    assert (wb.canvas_width, wb.canvas_height, wb.aspects) == (1200, 1600, ("3:4",))  # the card's 3:4
    assert (ozon.title_max, ozon.max_photos, ozon.aspects) == (500, 30, ("3:4",))
    assert ozon.formats == ym.formats == ("jpg", "png")
    assert (ym.title_max, ym.description_max, ym.max_photos, ym.transparency) == (256, 6000, 30, False)
