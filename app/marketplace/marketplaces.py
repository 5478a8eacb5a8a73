"""Marketplace rules, read from the one data file ``resources/marketplaces.json``."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache

from app.resources import resource_path


@dataclass(frozen=True)
class Marketplace:
    key: str
    name: str
    canvas_width: int
    canvas_height: int
    min_width: int
    min_height: int
    max_side: int
    max_file_mb: float
    formats: tuple[str, ...]
    transparency: bool
    fill: float
    title_max: int
    description_min: int
    description_max: int
    # Added after the first data file: defaults keep an older copy of it loading.
    aspects: tuple[str, ...] = field(default=())  # "3:4"; empty = any
    max_photos: int = 30
    min_fill: float = 0.65
    min_background_lightness: float = 0.85


@cache
def _data() -> dict:
    return json.loads(resource_path("marketplaces.json").read_text(encoding="utf-8"))


def marketplaces() -> dict[str, Marketplace]:
    out: dict[str, Marketplace] = {}
    for key, m in _data()["marketplaces"].items():
        out[key] = Marketplace(
            key=key,
            name=m["name"],
            canvas_width=m["canvas"]["width"],
            canvas_height=m["canvas"]["height"],
            min_width=m["min_size"]["width"],
            min_height=m["min_size"]["height"],
            max_side=m["max_side"],
            max_file_mb=m["max_file_mb"],
            formats=tuple(m["formats"]),
            transparency=m["transparency"],
            fill=m["fill"],
            title_max=m["title_max"],
            description_min=m["description_min"],
            description_max=m["description_max"],
            aspects=tuple(m.get("aspects", ())),
            max_photos=m.get("max_photos", 30),
            min_fill=m.get("min_fill", 0.65),
            min_background_lightness=m.get("min_background_lightness", 0.85),
        )
    return out


def get(key: str) -> Marketplace:
    try:
        return marketplaces()[key]
    except KeyError:
        known = ", ".join(sorted(marketplaces()))
        raise KeyError(f"unknown marketplace {key!r}; known: {known}") from None


def banned_words() -> tuple[str, ...]:
    return tuple(_data()["banned_words"])
