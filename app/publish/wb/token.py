"""The Wildberries API token: kept in the OS keyring like the GigaChat key, never in a file or a log.

``WB_API_TOKEN`` is the fallback for machines without a keyring (a server, CI). A WB token is a
JWT; its payload says what it may do — ``s``, a bit mask of API categories (bit 1: «Контент»,
bit 30: read only), ``t`` (a sandbox token) and ``exp`` — so a refusal can say why in words. That
reading is a hint for the message only; the server's answer is what counts.
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
import os
from datetime import datetime, timezone
from typing import Any

import keyring
import keyring.errors

from app.errors import VitrinaError
from app.i18n import _

SERVICE, USERNAME = "vitrina", "wildberries"
ENV_VAR = "WB_API_TOKEN"
CONTENT_BIT, READ_ONLY_BIT = 1, 30

log = logging.getLogger(__name__)


class TokenError(VitrinaError):
    """The token could not be read, saved or removed."""


def get_token() -> str | None:
    """The stored token, else ``WB_API_TOKEN``, else None."""
    try:
        stored = keyring.get_password(SERVICE, USERNAME)
    except keyring.errors.NoKeyringError:
        stored = None
    except Exception as exc:  # a locked wallet, no D-Bus...: the environment still works
        log.warning("cannot read the Wildberries token from the system keyring (%s)", type(exc).__name__)
        stored = None
    return (stored or os.environ.get(ENV_VAR, "")).strip() or None


KEYRING, ENVIRONMENT = "keyring", "environment"


def token_source() -> str:
    """Where the token in use comes from: KEYRING, ENVIRONMENT, or "" when there is none — so the
    settings can say "stored" without ever reading the token back to the screen."""
    try:
        if keyring.get_password(SERVICE, USERNAME):
            return KEYRING
    except Exception:  # no keyring, a locked wallet: as get_token, the environment still counts
        pass
    return ENVIRONMENT if os.environ.get(ENV_VAR, "").strip() else ""


def set_token(token: str) -> None:
    token = normalize(token)
    if not token:
        raise TokenError(_("The Wildberries token is empty."))
    try:
        keyring.set_password(SERVICE, USERNAME, token)
    except Exception as exc:
        raise TokenError(_("The Wildberries token could not be saved in this computer's password store."),
                         detail=f"{type(exc).__name__}; without a keyring {ENV_VAR} can hold the token") \
            from None


def delete_token() -> None:
    try:
        keyring.delete_password(SERVICE, USERNAME)
    except keyring.errors.PasswordDeleteError:
        return  # nothing stored: already as wanted
    except Exception as exc:
        raise TokenError(_("The Wildberries token could not be removed from this computer's password store."),
                         detail=type(exc).__name__) from None


def normalize(token: str) -> str:
    """A token pasted with blanks or a "Bearer " prefix, as the portal and some guides show it."""
    token = token.strip()
    return token[7:].strip() if token.lower().startswith("bearer ") else token


def claims(token: str) -> dict[str, Any]:
    """The JWT payload, or {} when the token is not a readable JWT (the server decides anyway)."""
    parts = token.split(".")
    if len(parts) != 3:
        return {}
    payload = parts[1] + "=" * (-len(parts[1]) % 4)
    try:
        data = json.loads(base64.urlsafe_b64decode(payload))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        return {}
    return data if isinstance(data, dict) else {}


def describe_token_problem(token: str, *, sandbox: bool, now: datetime | None = None) -> str:
    """What the token's own payload says is wrong for the content API on this host ("" if nothing)."""
    data = claims(token)
    if not data:
        return ""
    problems = []
    expires = data.get("exp")
    now = now or datetime.now(timezone.utc)
    if isinstance(expires, (int, float)) and expires < now.timestamp():
        when = datetime.fromtimestamp(expires, timezone.utc).strftime("%Y-%m-%d")
        problems.append(_("The token expired on {date}.").format(date=when))
    bits = data.get("s")
    if isinstance(bits, int):
        if not bits >> CONTENT_BIT & 1:
            problems.append(_("The token has no «Контент» (Content) category."))
        if bits >> READ_ONLY_BIT & 1:
            problems.append(_("The token is read-only."))
    test_token = data.get("t") is True
    if test_token and not sandbox:
        problems.append(_("It is a sandbox (test) token: publish with --sandbox, or use a production token."))
    elif sandbox and "t" in data and not test_token:
        problems.append(_("It is a production token, and the sandbox takes only test tokens."))
    return " ".join(problems)


def redact(text: str, token: str | None) -> str:
    return text.replace(token, "***") if token else text
