"""The user's settings: one typed dataclass, stored as JSON in the platformdirs config folder.

Every field can be overridden for one process with an environment variable ``VITRINA_<FIELD>``
(e.g. ``VITRINA_DEVICE=cpu``); overrides are applied on :func:`load` and never written back.
Secrets are not settings: the GigaChat key lives in the OS keyring (``app.cardtext.credentials``).
A file written by an older Vitrina is brought up to date by :func:`migrate`, one step per version.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path
from typing import Any

import platformdirs

from app import atomic

SCHEMA_VERSION = 2
ENV_PREFIX = "VITRINA_"
DEVICES = ("auto", "cuda", "cpu")
SCOPES = ("GIGACHAT_API_PERS", "GIGACHAT_API_B2B", "GIGACHAT_API_CORP")
LANGUAGES = ("auto", "ru", "en")
PRECISIONS = ("auto", "8bit", "4bit")  # the describer's and local writer's weights (8/4-bit: CUDA only)
DESCRIBER_SOURCES = ("local", "gigachat")  # who looks at the photos: a local VLM or GigaChat's vision
WELCOME_STATES = ("", "done", "skipped")  # "": the first-run dialog has not been answered yet
# Fields the hardware check may pick for the user; once the user picks one it is left alone.
HARDWARE_FIELDS = ("seg_model", "vlm_model")

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Settings:
    schema_version: int = SCHEMA_VERSION
    device: str = "auto"  # auto | cuda | cpu, for segmentation and the describer
    seg_model: str = "birefnet"  # a registry name or a model folder
    seg_folders: tuple[str, ...] = ()  # model folders chosen before, offered again
    vlm_model: str = "qwen3-vl-2b"  # the describer: a registry name or a folder
    writer_model: str = ""  # the local card writer: a registry name or a folder ("" = its default)
    text_provider: str = "none"  # gigachat | local | none
    gigachat_scope: str = "GIGACHAT_API_PERS"
    gigachat_model: str = "GigaChat-2"
    gigachat_concurrency: int = 1  # requests at once: 1 for a personal account, up to 10 for business
    describer: str = "local"  # local | gigachat
    precision: str = "auto"  # auto | 8bit | 4bit
    keep_models_minutes: int = 10  # loaded models are released after this long unused (0: at once)
    marketplace: str = ""  # default canvas for products with no choice ("" = the photo's own size)
    background: str = "plane"  # default background: "plane", a preset name or "transparent"
    language: str = "auto"  # auto (the system's) | ru | en
    welcome: str = ""  # "" | done | skipped: whether the first-run dialog may open by itself
    user_set: tuple[str, ...] = ()  # fields the user chose explicitly (defaults never overwrite them)

    def with_seg_folder(self, folder: str) -> Settings:
        folders = (folder, *(f for f in self.seg_folders if f != folder))[:8]
        return replace(self, seg_folders=folders)

    def chosen(self, **changes: Any) -> Settings:
        """These values, remembered as the user's own choice (hardware defaults will not replace them)."""
        marked = tuple(dict.fromkeys((*self.user_set, *changes)))
        return replace(self, user_set=marked, **changes)


def settings_path() -> Path:
    return Path(platformdirs.user_config_dir("vitrina", appauthor=False)) / "settings.json"


def _from_0(raw: dict[str, Any]) -> dict[str, Any]:
    # Files from before versioning hold the same fields as version 1.
    return raw


def _from_1(raw: dict[str, Any]) -> dict[str, Any]:
    # Version 2 lets the hardware check pick models. A model that differs from version 1's default
    # was picked by the user, so it is marked as theirs and the check leaves it alone.
    v1_defaults = {"seg_model": "birefnet", "vlm_model": "qwen3-vl-2b"}
    picked = [name for name, default in v1_defaults.items() if raw.get(name, default) != default]
    return {**raw, "user_set": list(dict.fromkeys([*raw.get("user_set", []), *picked]))}


# MIGRATIONS[n] turns a version-n file into a version n+1 one.
MIGRATIONS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {0: _from_0, 1: _from_1}


def migrate(data: dict[str, Any]) -> dict[str, Any]:
    """Bring a settings file's data from its ``schema_version`` up to SCHEMA_VERSION, step by step."""
    raw = dict(data)
    version = max(0, int(raw.get("schema_version", 0)))
    while version < SCHEMA_VERSION:
        raw = MIGRATIONS[version](raw)
        version += 1
        raw["schema_version"] = version
    return raw


def _coerce(name: str, value: Any, default: Any) -> Any:
    if isinstance(default, tuple):
        if isinstance(value, str):  # an env override: a list separated by the path separator
            return tuple(v for v in value.split(os.pathsep) if v)
        return tuple(str(v) for v in value) if isinstance(value, list | tuple) else default
    if isinstance(default, int) and not isinstance(default, bool):
        return int(value)
    return str(value)


# Fields with a closed set of values or a range: anything else falls back to the default.
_ALLOWED: dict[str, Callable[[Any], bool]] = {
    "precision": lambda v: v in PRECISIONS,
    "describer": lambda v: v in DESCRIBER_SOURCES,
    "gigachat_concurrency": lambda v: 1 <= v <= 10,
    "keep_models_minutes": lambda v: 0 <= v <= 24 * 60,
}


def _from_dict(raw: dict[str, Any]) -> Settings:
    defaults = Settings()
    values = {}
    for f in fields(Settings):
        if f.name in raw and f.name != "schema_version":
            try:
                value = _coerce(f.name, raw[f.name], getattr(defaults, f.name))
                if not _ALLOWED.get(f.name, lambda _v: True)(value):
                    raise ValueError(value)
                values[f.name] = value
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
            raw = migrate(data) if version < SCHEMA_VERSION else data
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
    for f in fields(Settings):
        if isinstance(data[f.name], tuple):
            data[f.name] = list(data[f.name])
    data["schema_version"] = SCHEMA_VERSION
    atomic.write_json(settings_path(), data)


def update(**changes: Any) -> Settings:
    """Change some fields of the saved settings (env overrides are not written) and save."""
    saved = replace(load(env=False), **changes)
    save(saved)
    return load()


def choose(**changes: Any) -> Settings:
    """Like :func:`update`, and the fields are remembered as the user's own choice."""
    save(load(env=False).chosen(**changes))
    return load()
