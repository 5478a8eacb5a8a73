"""Card writers by name: a dict of factories, so a new backend is one ``register`` call.

Factories import their backend lazily: the GigaChat SDK (pydantic, httpx) or a local LLM stack
must not slow down opening the GUI.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from app.cardtext.card import CardWriter
from app.cardtext.schema import CardTextError
from app.i18n import _

WriterFactory = Callable[..., CardWriter]


class UnknownWriterError(CardTextError):
    """No writer of that name, or settings it does not take."""


def _gigachat(**settings: Any) -> CardWriter:
    from app.cardtext.gigachat_writer import GigaChatSettings, GigaChatWriter

    return GigaChatWriter(GigaChatSettings(**settings))


def _local(**settings: Any) -> CardWriter:
    from app.cardtext.local_writer import LocalWriter

    return LocalWriter(**settings)


WRITERS: dict[str, WriterFactory] = {"gigachat": _gigachat, "local": _local}


def register(name: str, factory: WriterFactory) -> None:
    WRITERS[name] = factory


def writer_names() -> list[str]:
    return sorted(WRITERS)


def make_writer(name: str, **settings: Any) -> CardWriter:
    try:
        factory = WRITERS[name]
    except KeyError:
        raise UnknownWriterError(_("unknown card writer {name!r}; known: {known}").format(
            name=name, known=", ".join(writer_names()))) from None
    try:
        return factory(**settings)
    except TypeError as exc:
        # Unknown settings keys surface as TypeError from the settings dataclass.
        raise UnknownWriterError(_("bad settings for the {name!r} card writer: {error}").format(
            name=name, error=exc)) from None
