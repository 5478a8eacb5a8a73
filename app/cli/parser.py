"""The command line's argument parser, speaking the user's language.

Our own help texts go through ``_()`` where each parser is built. argparse's fixed phrases
("usage:", "options", "show this help message and exit", "the following arguments are required…")
are looked up through the name ``_`` (and ``ngettext``) in the argparse module when the text is
made; while one of our parsers builds itself, formats help or parses, that name points to our
catalogue instead of the system's gettext, so those phrases come out in Russian too and no other
parser in the process is affected afterwards. The CLI parses on one thread, so the swap is safe.
"""

from __future__ import annotations

import argparse
import contextlib
from collections.abc import Iterator, Sequence
from typing import Any, NoReturn

from app.i18n import N_, _, translated

# argparse's own phrases our parsers can show, by the English text argparse asks for them with:
# marked here so the catalogue keeps their Russian.
ARGPARSE_PHRASES = (
    N_("usage: "), N_("positional arguments"), N_("options"), N_("show this help message and exit"),
    N_("the following arguments are required: %s"), N_("%(prog)s: error: %(message)s\n"),
    N_("argument %(argument_name)s: %(message)s"), N_("invalid choice: %(value)r (choose from %(choices)s)"),
    N_("invalid %(type)s value: %(value)r"), N_("unrecognized arguments: %s"), N_("expected one argument"),
    N_("expected at most one argument"), N_("expected at least one argument"),
    N_("ambiguous option: %(option)s could match %(matches)s"), N_("not allowed with argument %s"),
    N_("ignored explicit argument %r"), N_("one of the arguments %s is required"),
    N_("unknown parser %(parser_name)r (choices: %(choices)s)"), N_("can't open '%(filename)s': %(error)s"),
    N_("unexpected option string: %s"),
)


def _ngettext(singular: str, plural: str, n: int) -> str:
    # The catalogue has no plural forms; argparse only counts here for nargs=N, which we do not use.
    return translated(singular if n == 1 else plural)


@contextlib.contextmanager
def _argparse_speaks_our_language() -> Iterator[None]:
    saved = argparse._, argparse.ngettext  # type: ignore[attr-defined]
    argparse._, argparse.ngettext = _, _ngettext  # type: ignore[attr-defined]
    try:
        yield
    finally:
        argparse._, argparse.ngettext = saved  # type: ignore[attr-defined]


class Parser(argparse.ArgumentParser):
    """An ``ArgumentParser`` whose own phrases follow the core's language (subparsers inherit it)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        with _argparse_speaks_our_language():  # group titles and the -h help are made here
            super().__init__(*args, **kwargs)

    def parse_known_args(self, args: Sequence[str] | None = None,  # type: ignore[override]
                         namespace: argparse.Namespace | None = None) -> tuple[argparse.Namespace, list[str]]:
        with _argparse_speaks_our_language():
            return super().parse_known_args(args, namespace)

    def format_usage(self) -> str:
        with _argparse_speaks_our_language():
            return super().format_usage()

    def format_help(self) -> str:
        with _argparse_speaks_our_language():
            return super().format_help()

    def error(self, message: str) -> NoReturn:
        with _argparse_speaks_our_language():
            super().error(message)
