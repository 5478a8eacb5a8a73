"""The interface language: Russian or English, from the settings or the system locale.

The translations are Qt Linguist files in ``resources/translations``: ``vitrina_ru.ts`` is the
source, ``vitrina_ru.qm`` is compiled from it by ``resources/translations/build.py`` and committed,
so a checkout (and the packaged app) starts translated without a build step. English is the
language of the source strings, so it needs no file. Qt's own strings (OK, Cancel, the file
dialog) come from Qt's ``qtbase_ru.qm`` shipped with PySide6.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from app.resources import resource_path

log = logging.getLogger(__name__)

TRANSLATIONS = resource_path("translations")
_installed: list[QTranslator] = []  # kept alive: Qt holds only a pointer


def language_for(setting: str, system: QLocale | None = None) -> str:
    """"ru" or "en": the setting when it names one, else the system locale's language."""
    if setting in ("ru", "en"):
        return setting
    system = system or QLocale.system()
    return "ru" if system.language() == QLocale.Language.Russian else "en"


def install(language: str) -> bool:
    """Translate the interface into ``language`` ("en" removes translations); True when loaded."""
    app = QCoreApplication.instance()
    assert app is not None, "create the QApplication first"
    for old in _installed:
        app.removeTranslator(old)
    _installed.clear()
    if language != "ru":
        return language == "en"
    ours = QTranslator()
    if not ours.load(str(TRANSLATIONS / "vitrina_ru.qm")):
        log.warning("no Russian translation at %s: the interface stays in English", TRANSLATIONS)
        return False
    qt_own = QTranslator()
    if qt_own.load("qtbase_ru", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        _installed.append(qt_own)
    _installed.append(ours)
    for translator in _installed:
        app.installTranslator(translator)
    return True
