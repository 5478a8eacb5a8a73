"""The user's settings: one typed dataclass, stored as JSON in the platformdirs config folder.

Every field can be overridden for one process with an environment variable ``VITRINA_<FIELD>``
(e.g. ``VITRINA_DEVICE=cpu``); overrides are applied on :func:`load` and never written back.
Secrets are not settings: the GigaChat key lives in the OS keyring (``app.cardtext.credentials``).
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path
from typing import Any

import platformdirs

from app import atomic

SCHEMA_VERSION = 1
ENV_PREFIX = "VITRINA_"
DEVICES = ("auto", "cuda", "cpu")
SCOPES = ("GIGACHAT_API_PERS", "GIGACHAT_API_B2B", "GIGACHAT_API_CORP")

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Settings:
    schema_version: int = SCHEMA_VERSION
    device: str = "auto"  # auto | cuda | cpu, for segmentation and the describer
    seg_model: str = "birefnet"  # a registry name or a model folder
    seg_folders: tuple[str, ...] = ()  # model folders chosen before, offered again
    vlm_model: str = "qwen3-vl-2b"  # the describer: a registry name or a folder
    text_provider: str = "none"  # gigachat | local | none
    gigachat_scope: str = "GIGACHAT_API_PERS"
    gigachat_model: str = "GigaChat-2"
    marketplace: str = ""  # default canvas for products with no choice ("" = the photo's own size)
    background: str = "plane"  # default background: "plane", a preset name or "transparent"

    def with_seg_folder(self, folder: str) -> Settings:
        folders = (folder, *(f for f in self.seg_folders if f != folder))[:8]
        return replace(self, seg_folders=folders)


def settings_path() -> Path:
    return Path(platformdirs.user_config_dir("vitrina", appauthor=False)) / "settings.json"


def _migrate(raw: dict[str, Any]) -> dict[str, Any]:
    """Bring an older file up to SCHEMA_VERSION (one step per version as the schema grows)."""
    raw = dict(raw)
    raw["schema_version"] = SCHEMA_VERSION
    return raw


def _coerce(name: str, value: Any, default: Any) -> Any:
    if isinstance(default, tuple):
        if isinstance(value, str):  # an env override: a list separated by the path separator
            return tuple(v for v in value.split(os.pathsep) if v)
        return tuple(str(v) for v in value) if isinstance(value, list | tuple) else default
    if isinstance(default, int) and not isinstance(default, bool):
        return int(value)
    return str(value)


def _from_dict(raw: dict[str, Any]) -> Settings:
    defaults = Settings()
    values = {}
    for f in fields(Settings):
        if f.name in raw and f.name != "schema_version":
            try:
                values[f.name] = _coerce(f.name, raw[f.name], getattr(defaults, f.name))
            except (TypeError, ValueError):
                log.warning("setting %s has a bad value %r: the default is used", f.name, raw[f.name])
    return replace(defaults, **values)


def load(*, env: bool = True) -> Settings:
    """The saved settings (defaults when there is no readable file), with env overrides if asked."""
    raw: dict[str, Any] = {}
    path = settings_path()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(data, dict):
            version = int(data.get("schema_version", 0))
            if version > SCHEMA_VERSION:
                log.warning("%s was written by a newer Vitrina; reading the fields this one knows", path)
            raw = _migrate(data) if version < SCHEMA_VERSION else data
    except FileNotFoundError:
        pass
    except (OSError, ValueError) as exc:
        log.warning("cannot read %s (%s): defaults are used", path, exc)
    if env:
        for f in fields(Settings):
            value = os.environ.get(ENV_PREFIX + f.name.upper())
            if value is not None and f.name != "schema_version":
                raw[f.name] = value
    return _from_dict(raw)


def save(settings: Settings) -> None:
    data = asdict(settings)
    data["seg_folders"] = list(settings.seg_folders)
    data["schema_version"] = SCHEMA_VERSION
    atomic.write_json(settings_path(), data)


def update(**changes: Any) -> Settings:
    """Change some fields of the saved settings (env overrides are not written) and save."""
    saved = replace(load(env=False), **changes)
    save(saved)
    return load()


