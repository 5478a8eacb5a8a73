"""The CLI's side of pinning on first use: show the offer, then ``--trust`` or a y/N question.

Without a terminal there is nobody to ask, so an unpinned model is refused unless ``--trust`` was
given; a non-commercial licence needs its own ``--accept-non-commercial`` on top.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import TextIO

from app import formats
from app.i18n import _
from app.models.trust import Ask, Offer


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--trust", action="store_true",
                   help=_("accept the commit a model without a built-in pin has now on the hub (shown "
                          "first), without asking"))
    p.add_argument("--accept-non-commercial", action="store_true",
                   help=_("also accept a non-commercial licence (RMBG-2.0) without asking"))


def describe(offer: Offer) -> list[str]:
    """The lines the user reads before accepting ``offer``."""
    c = offer.candidate
    lines = [
        _("Model {name} ({role}) has no commit built into Vitrina. The hub offers:").format(
            name=c.name, role=_role(c.role)),
        _("  repository: {repo}").format(repo=c.repo),
        _("  commit:     {sha}").format(sha=offer.revision),
        _("  licence:    {licence}").format(licence=offer.licence or _("not stated")),
        _("  size:       {size}").format(size=formats.size(offer.size_bytes) if offer.size_bytes else "?"),
    ]
    if offer.is_update:
        lines.append(_("  replaces the commit accepted before: {sha}").format(sha=offer.current))
    if c.runs_code:
        lines.append(_("  Loading it runs Python code from this repository at this commit."))
    if offer.non_commercial:
        lines.append(_("  NON-COMMERCIAL licence: selling with its results needs an agreement with its "
                       "authors."))
    return lines


def asker(args: argparse.Namespace, *, stdin: TextIO | None = None, stdout: TextIO | None = None,
          stderr: TextIO | None = None) -> Ask | None:
    """The ``Ask`` for this command line: ``--trust`` answers yes, a terminal is asked. None when
    nobody can answer (no terminal, no ``--trust``): then the hub is not even asked."""
    stdin, stdout, stderr = stdin or sys.stdin, stdout or sys.stdout, stderr or sys.stderr
    if not args.trust and not stdin.isatty():
        return None

    def ask(offer: Offer) -> bool:
        for line in describe(offer):
            print(line, file=stdout)
        if not _agree(bool(args.trust), _("Accept this commit? [y/N] "), stdin, stdout):
            return False
        if offer.non_commercial and not _agree(bool(args.accept_non_commercial),
                                               _("Accept the non-commercial licence? [y/N] "), stdin, stdout):
            if not stdin.isatty() and not args.accept_non_commercial:
                print(_("vitrina: its licence is non-commercial: run again with --accept-non-commercial "
                        "to accept it."), file=stderr)
            return False
        return True

    return ask


def with_hint(err: Exception) -> str:
    """The error, plus how to answer from a script when it was a model nobody could accept."""
    from app.models.trust import NotPinned

    if isinstance(err, NotPinned):
        return _("{error} Without a terminal to ask, add --trust to accept the commit the hub shows.").format(
            error=err)
    return str(err)


def _agree(given: bool, question: str, stdin: TextIO, stdout: TextIO) -> bool:
    if given:
        return True
    if not stdin.isatty():
        return False
    stdout.write(question)
    stdout.flush()
    answer = stdin.readline().strip().lower()
    return answer in ("y", "yes", "д", "да")


def _role(role: str) -> str:
    names: dict[str, Callable[[], str]] = {
        "segmentation": lambda: _("segmentation"),
        "describer": lambda: _("describer"),
        "writer": lambda: _("local writer"),
    }
    return names.get(role, lambda: role)()
