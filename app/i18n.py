"""The language of the core's messages for the user: Russian or English.

Messages are written in English in the code and wrapped in ``_()``; ``_`` looks the English text
up in ``resources/translations/core_ru.json`` (``{english template: russian}``) when the language
is Russian. A message with values is a template with named fields, translated first and filled
after: ``_("Cannot read {name}: {why}").format(name=..., why=...)``. Call ``_()`` when the message
is made, never at import time, so a later ``set_language`` applies.

The language is "auto" until someone sets it: ``VITRINA_LANG`` when set, else the POSIX locale
variables, else (on Windows) the system locale. The studio sets the interface's language.
"""

from __future__ import annotations

import json
import locale
import logging
import os
import sys
import threading

from app.resources import resource_path

LANGUAGES = ("auto", "ru", "en")
LANG_ENV = "VITRINA_LANG"
CATALOGUE = ("translations", "core_ru.json")
_LOCALE_ENV = ("LC_ALL", "LC_MESSAGES", "LANG")  # POSIX precedence: the first one set decides

log = logging.getLogger(__name__)

_language: str | None = None  # "ru" | "en"; None: resolve "auto" on first use
_catalogue: dict[str, str] | None = None
_load_lock = threading.Lock()


def set_language(language: str) -> None:
    """"ru", "en" or "auto" (``VITRINA_LANG``, then the system locale); others count as "auto"."""
    global _language
    _language = language if language in ("ru", "en") else None


def language() -> str:
    """The language messages are made in now: "ru" or "en"."""
    global _language
    if _language is None:
        _language = system_language()
    return _language


def system_language() -> str:
    """What "auto" means on this machine and in this environment: "ru" or "en"."""
    chosen = os.environ.get(LANG_ENV, "").strip().lower()
    if chosen not in ("", "auto"):
        return "ru" if chosen.startswith("ru") else "en"
    for name in _LOCALE_ENV:
        value = os.environ.get(name, "").strip()
        if value:
            return "ru" if value.lower().startswith("ru") else "en"
    if sys.platform == "win32":  # GUI apps on Windows get no locale variables
        try:
            name = locale.getlocale()[0] or ""
        except ValueError:
            name = ""
        return "ru" if name.lower().startswith(("ru", "russian")) else "en"
    return "en"


def _(text: str) -> str:
    """``text`` (an English message or template) in the current language."""
    return _lookup(text)


def _lookup(text: str) -> str:
    if language() != "ru":
        return text
    return _russian().get(text, text)


def N_(text: str) -> str:  # noqa: N802 (gettext's name for it)
    """Marks a literal kept in module-level data (a model's note) for the catalogue, untranslated:
    such data is made at import, before the language is known. Show it with :func:`translated`."""
    return text


def translated(text: str) -> str:
    """A message marked with :func:`N_`, in the current language (unknown text comes back as is)."""
    return _lookup(text)


def variants(text: str) -> tuple[str, ...]:
    """``text`` in every language, for recognising a message saved in another language."""
    return tuple(dict.fromkeys((text, _russian().get(text, text))))


def _russian() -> dict[str, str]:
    global _catalogue
    if _catalogue is None:
        with _load_lock:
            if _catalogue is None:
                _catalogue = _read_catalogue()
    return _catalogue


def _read_catalogue() -> dict[str, str]:
    path = resource_path(*CATALOGUE)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        log.warning("cannot read the Russian messages at %s (%s): messages stay in English", path, exc)
        return {}
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}
