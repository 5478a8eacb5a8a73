"""The user's own named presets (background, canvas and shadow), kept beside the built-in backgrounds.

Stored as JSON in the platformdirs config folder, next to the settings, and written atomically.
A file that cannot be read is moved aside (and logged), never a crash: the user starts with no
presets of their own and the old file stays on disk to recover by hand. An entry this version
cannot read (a newer app's background kind, say) is skipped, but kept in the file when it is saved.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app import atomic
from app.compose.backgrounds import BackgroundSpec
from app.errors import VitrinaError
from app.i18n import _
from app.project import Project
from app.settings import settings_path
from app.studio.choices import ORIGINAL_SIZE
from app.studio.clipboard import BACKGROUND, CANVAS, SHADOW, Settings, paste, shadow_fields

SCHEMA_VERSION = 1
MAX_NAME = 60  # fits under a swatch; longer names are cut, not refused

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class UserPreset:
    name: str
    background: BackgroundSpec  # its shadow fields are the preset's shadow
    marketplace: str = ORIGINAL_SIZE  # a marketplace key, or ORIGINAL_SIZE for the photo's own size

    def snapshot(self) -> Settings:
        spec = self.background
        return Settings(background=spec, marketplace=self.marketplace or ORIGINAL_SIZE, placement=None,
                        shadow={name: getattr(spec, name) for name in shadow_fields(spec)})

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "background": self.background.to_json(), "marketplace": self.marketplace}

    @classmethod
    def from_json(cls, raw: Any) -> UserPreset:
        if not isinstance(raw, dict) or not isinstance(raw.get("name"), str) or not raw["name"].strip():
            raise ValueError("a preset needs a name")
        background = raw.get("background")
        if not isinstance(background, dict):
            raise ValueError("a preset needs a background")
        marketplace = raw.get("marketplace", ORIGINAL_SIZE)
        if not isinstance(marketplace, str):
            raise ValueError("a preset's marketplace is a key")
        return cls(raw["name"].strip(), BackgroundSpec.from_json(background), marketplace or ORIGINAL_SIZE)


def presets_path() -> Path:
    return settings_path().parent / "presets.json"


def clean_name(name: str) -> str:
    return " ".join(name.split())[:MAX_NAME]


def same_name(a: str, b: str) -> bool:
    """"Mint " and "mint" are one preset to the user: saving one asks to replace the other."""
    return clean_name(a).casefold() == clean_name(b).casefold()


def find(presets: Iterable[UserPreset], name: str) -> UserPreset | None:
    return next((p for p in presets if same_name(p.name, name)), None)


def load_presets(path: Path | None = None) -> list[UserPreset]:
    """The user's presets in the order they were made; none when there is no readable file."""
    presets = []
    for raw in _read_entries(path or presets_path()):
        try:
            presets.append(UserPreset.from_json(raw))
        except (TypeError, ValueError) as exc:
            log.warning("a saved preset cannot be read and is not shown (%s): %.80r", exc, raw)
    return presets


def save_preset(preset: UserPreset, path: Path | None = None) -> list[UserPreset]:
    """Add the preset, replacing one with the same name (in its place); the presets now."""
    path = path or presets_path()
    entries = _read_entries(path, to_write=True)
    new = preset.to_json() | {"name": clean_name(preset.name)}
    if not new["name"]:
        raise VitrinaError(_("a preset needs a name"))
    at = next((i for i, raw in enumerate(entries) if same_name(_name_of(raw), preset.name)), None)
    if at is None:
        entries.append(new)
    else:
        entries[at] = new
    _write(path, entries)
    return load_presets(path)


def delete_preset(name: str, path: Path | None = None) -> list[UserPreset]:
    path = path or presets_path()
    entries = _read_entries(path, to_write=True)
    kept = [raw for raw in entries if not same_name(_name_of(raw), name)]
    if len(kept) != len(entries):
        _write(path, kept)
    return load_presets(path)


def apply_preset(project: Project, rels: Iterable[str], preset: UserPreset, *, label: str = "") -> int:
    """The preset's background (with its shadow) for these photos, its canvas for their products:
    one undo step."""
    return paste(project, rels, preset.snapshot(), (BACKGROUND, SHADOW, CANVAS), label=label)


def _name_of(raw: Any) -> str:
    return raw.get("name", "") if isinstance(raw, dict) and isinstance(raw.get("name"), str) else ""


def _read_entries(path: Path, *, to_write: bool = False) -> list[Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return []
    except OSError as exc:
        # Unreadable, not broken (permissions, a network folder gone): leave the file where it is,
        # and never write over presets that could not be read.
        if to_write:
            raise VitrinaError(_("cannot read the presets file {path}: {why}").format(
                path=path, why=exc.strerror or exc)) from exc
        log.warning("cannot read the presets file %s (%s): no presets of your own are shown", path, exc)
        return []
    except ValueError as exc:
        _move_aside(path, str(exc))
        return []
    if not isinstance(data, dict) or not isinstance(data.get("presets"), list):
        _move_aside(path, "no list of presets in it")
        return []
    if isinstance(data.get("schema_version"), int) and data["schema_version"] > SCHEMA_VERSION:
        log.warning("%s was written by a newer Vitrina; reading the presets this one knows", path)
    return list(data["presets"])


def _move_aside(path: Path, why: str) -> None:
    aside = path.with_name(f"{path.name}.broken-{time.strftime('%Y%m%d-%H%M%S')}")
    try:
        path.replace(aside)
    except OSError as exc:
        log.warning("the presets file %s is broken (%s) and cannot be moved aside (%s)", path, why, exc)
        return
    log.warning("the presets file %s is broken (%s): moved aside to %s", path, why, aside.name)


def _write(path: Path, entries: list[Any]) -> None:
    try:
        atomic.write_json(path, {"schema_version": SCHEMA_VERSION, "presets": entries})
    except OSError as exc:
        raise VitrinaError(_("cannot save the presets to {path}: {why}").format(
            path=path, why=exc.strerror or exc)) from exc
