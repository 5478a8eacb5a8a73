"""Window state in QSettings (INI format so tests can redirect it): geometry, recent folders."""

from __future__ import annotations

from PySide6.QtCore import QSettings

from app import settings as app_settings

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


# The model and device choices are typed settings shared with the core (app/settings.py), so the
# worker reads the same values the Settings dialog shows; only window state stays in QSettings.
def seg_model() -> str:
    return app_settings.load().seg_model or DEFAULT_MODEL


def set_seg_model(value: str) -> None:
    app_settings.choose(seg_model=value)  # the user's pick: the hardware check will not replace it


def model_folders() -> list[str]:
    """Model folders the user chose before, offered again in the model list."""
    return list(app_settings.load().seg_folders)


def add_model_folder(path: str) -> None:
    saved = app_settings.load(env=False)
    app_settings.save(saved.with_seg_folder(path))


def device() -> str:
    return app_settings.load().device
