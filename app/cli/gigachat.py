"""``vitrina gigachat set-key | forget-key | test`` — the key lives in the OS keyring, never a file."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import sys

from app.errors import VitrinaError
from app.i18n import _


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("gigachat", help=_("store the GigaChat key and test the connection"),
                              description=_("Store the GigaChat key and test the connection."))
    sub = p.add_subparsers(dest="gigachat_command", required=True, metavar="{set-key,forget-key,test}",
                           title=_("commands"))
    sub.add_parser("set-key", help=_("store the authorization key in the system keyring (asks for it)"),
                   description=_("Store the authorization key in the system keyring (asks for it).")) \
        .set_defaults(func=set_key)
    sub.add_parser("forget-key", help=_("remove the stored key"),
                   description=_("Remove the stored key.")).set_defaults(func=forget_key)
    t = sub.add_parser("test", help=_("sign in and list the models this key can use"),
                       description=_("Sign in and list the models this key can use."))
    t.add_argument("--scope", default="GIGACHAT_API_PERS",
                   choices=["GIGACHAT_API_PERS", "GIGACHAT_API_B2B", "GIGACHAT_API_CORP"],
                   help=_("who the key was issued to: GIGACHAT_API_PERS an individual (default), "
                          "GIGACHAT_API_B2B a sole trader or company with prepaid packages, "
                          "GIGACHAT_API_CORP pay as you go"))
    t.set_defaults(func=test)


def _print_error(exc: VitrinaError) -> None:
    print(_("vitrina: error: {error}").format(error=exc), file=sys.stderr)
    if exc.detail:  # on a server without a keyring the detail names the way out
        print(_("  details: {detail}").format(detail=exc.detail), file=sys.stderr)


def set_key(args: argparse.Namespace) -> int:
    from app.cardtext.credentials import set_key as store

    key = getpass.getpass(_("GigaChat authorization key (input hidden): ")) if sys.stdin.isatty() \
        else sys.stdin.readline()
    try:
        store(key)
    except VitrinaError as exc:
        _print_error(exc)
        return 1
    print(_("Saved in the system keyring. Check it with: vitrina gigachat test"))
    return 0


def forget_key(args: argparse.Namespace) -> int:
    from app.cardtext.credentials import delete_key

    try:
        delete_key()
    except VitrinaError as exc:
        _print_error(exc)
        return 1
    print(_("The stored GigaChat key was removed."))
    return 0


def test(args: argparse.Namespace) -> int:
    from app.cardtext.gigachat_writer import GigaChatSettings, GigaChatWriter

    async def models() -> list[str]:
        writer = GigaChatWriter(GigaChatSettings(scope=args.scope, max_retries=1))
        try:
            return await writer.list_models()
        finally:
            await writer.aclose()

    try:
        names = asyncio.run(models())
    except VitrinaError as exc:
        print(_("vitrina: GigaChat: {error}").format(error=exc), file=sys.stderr)
        return 1
    print(_("Connected. Models: {names}").format(names=", ".join(names)))
    return 0
