"""The studio gives the core its interface language, so the log, tooltips and report.csv match it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest

import ui.main
from app import i18n as core_i18n
from app import settings as app_settings
from ui import i18n as ui_i18n


class _App:
    """The QApplication calls of ``run_gui`` as no-ops; ``exec`` returns at once."""

    def __getattr__(self, name: str):  # noqa: ANN204
        return lambda *args, **kwargs: None

    def exec(self) -> int:
        return 0


class _Window:
    def __init__(self) -> None:
        self.card = SimpleNamespace(flush=lambda: None)

    def show(self) -> None:
        pass

    def open_folder(self, folder: Path) -> None:
        pass

    def show_welcome(self) -> None:
        pass


class _Reporter:
    def __init__(self, *args: object, **kwargs: object) -> None:
        pass

    def install(self) -> None:
        pass


@pytest.fixture
def studio(qapp, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:  # noqa: ANN001
    """``run_gui`` without a window, a crash hook or a log file, and no translator left behind."""
    monkeypatch.setattr(ui.main, "QApplication", SimpleNamespace(instance=_App))
    monkeypatch.setattr(ui.main, "MainWindow", _Window)
    monkeypatch.setattr(ui.main, "CrashReporter", _Reporter)
    monkeypatch.setattr(ui.main, "setup_logging", lambda: tmp_path / "vitrina.log")
    monkeypatch.setattr(ui.main, "_first_run", lambda chosen: False)
    yield
    ui_i18n.install("en")


@pytest.mark.parametrize("setting", ["ru", "en", "auto"])
def test_the_core_speaks_the_language_of_the_interface(studio, setting: str) -> None:
    app_settings.save(app_settings.Settings(language=setting))
    expected = ui_i18n.language_for(setting)
    core_i18n.set_language("en" if expected == "ru" else "ru")  # the opposite, to see it change
    assert ui.main.run_gui(None) == 0
    assert core_i18n.language() == expected
    said = core_i18n._("file is empty (0 bytes)")
    assert said == ("файл пустой (0 байт)" if expected == "ru" else "file is empty (0 bytes)")
