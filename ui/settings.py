"""The user's settings (QSettings, INI format so tests can redirect them): recent folders, model."""

from __future__ import annotations

from PySide6.QtCore import QSettings

ORGANIZATION = APPLICATION = "Vitrina"
MAX_RECENT = 8
DEFAULT_MODEL = "birefnet"


def settings() -> QSettings:
    return QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, ORGANIZATION, APPLICATION)


def _strings(value: object) -> list[str]:
    # INI stores a one-item list as a plain string, and an empty one as nothing.
    if value is None or value == "":
        return []
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value]  # type: ignore[union-attr]


def recent_folders() -> list[str]:
    return _strings(settings().value("recent/folders"))


def add_recent_folder(path: str) -> list[str]:
    folders = [path, *(f for f in recent_folders() if f != path)][:MAX_RECENT]
    settings().setValue("recent/folders", folders)
    return folders


def clear_recent_folders() -> None:
    settings().remove("recent/folders")


def seg_model() -> str:
    return str(settings().value("segmentation/model", DEFAULT_MODEL) or DEFAULT_MODEL)


def set_seg_model(value: str) -> None:
    settings().setValue("segmentation/model", value)


def model_folders() -> list[str]:
    """Model folders the user chose before, offered again in the model list."""
    return _strings(settings().value("segmentation/folders"))


def add_model_folder(path: str) -> None:
    folders = [path, *(f for f in model_folders() if f != path)][:MAX_RECENT]
    settings().setValue("segmentation/folders", folders)


def device() -> str:
    return str(settings().value("segmentation/device", "auto") or "auto")
