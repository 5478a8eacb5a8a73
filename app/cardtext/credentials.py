"""The GigaChat authorization key: kept in the OS keyring, never in a plain file.

``GIGACHAT_CREDENTIALS`` is the fallback for machines without a keyring (CI, headless Linux).
Keyring backends fail in many ways (no D-Bus, a locked wallet, a denied prompt), so every call is
guarded: reading falls back to the environment, writing raises a CredentialsError with advice.
"""

from __future__ import annotations

import base64
import binascii
import logging
import os

import keyring
import keyring.errors

from app.cardtext.schema import CardTextError
from app.i18n import _

SERVICE = "vitrina"
USERNAME = "gigachat"
ENV_VAR = "GIGACHAT_CREDENTIALS"

log = logging.getLogger(__name__)


class CredentialsError(CardTextError):
    """The key could not be read, saved or removed."""


def normalize(key: str) -> str:
    """Accept a key pasted with surrounding blanks or with the "Basic " prefix from the docs."""
    key = key.strip()
    if key.lower().startswith("basic "):
        key = key[6:].strip()
    return key


KEYRING, ENVIRONMENT = "keyring", "environment"  # where the key in use comes from (key_source)


def get_key() -> str | None:
    """The stored key, else ``GIGACHAT_CREDENTIALS``, else None."""
    return _find_key()[0]


def key_source() -> str:
    """Where :func:`get_key` finds the key: KEYRING, ENVIRONMENT, or "" when there is none."""
    return _find_key()[1]


def _find_key() -> tuple[str | None, str]:
    try:
        stored = keyring.get_password(SERVICE, USERNAME)
    except keyring.errors.NoKeyringError:
        # No keyring service on this machine (a server, CI): the environment variable is the way.
        log.debug("no system keyring; using %s if set", ENV_VAR)
        stored = None
    except Exception as exc:  # any other backend failure: the env fallback still works
        log.warning("cannot read the GigaChat key from the system keyring (%s)", type(exc).__name__)
        stored = None
    if stored:
        return stored, KEYRING
    from_env = normalize(os.environ.get(ENV_VAR, ""))
    return (from_env, ENVIRONMENT) if from_env else (None, "")


def set_key(key: str) -> None:
    key = normalize(key)
    if not key:
        raise CredentialsError(_("the GigaChat key is empty"))
    try:
        keyring.set_password(SERVICE, USERNAME, key)
    except keyring.errors.NoKeyringError as exc:
        raise _failed(_("The GigaChat key could not be saved: this computer has no password store."),
                      exc) from None
    except Exception as exc:
        raise _failed(_("The GigaChat key could not be saved in this computer's password store."),
                      exc) from None


def _failed(message: str, exc: Exception) -> CredentialsError:
    """The error for the user, with the backend's exception and the headless fallback as its detail
    (also logged): a desktop user is not told to set environment variables."""
    detail = (f"{type(exc).__name__}: {exc}".rstrip(": ")
              + f"; without a keyring the {ENV_VAR} environment variable can hold the key")
    log.warning("GigaChat key store failed: %s", detail)
    return CredentialsError(message, detail=detail)


def delete_key() -> None:
    try:
        keyring.delete_password(SERVICE, USERNAME)
    except keyring.errors.PasswordDeleteError:
        return  # nothing stored: already in the wanted state
    except keyring.errors.NoKeyringError as exc:
        raise _failed(_("This computer has no password store, so no GigaChat key is kept there to forget."),
                      exc) from None
    except Exception as exc:
        raise _failed(_("The GigaChat key could not be removed from this computer's password store."),
                      exc) from None


def _secret_parts(secret: str) -> list[str]:
    # The key is base64("client_id:client_secret"); the decoded secret must not leak either.
    parts = [secret]
    try:
        decoded = base64.b64decode(secret, validate=True).decode("utf-8")
    except (binascii.Error, ValueError):
        return parts
    parts.append(decoded)
    parts.extend(p for p in decoded.split(":") if len(p) >= 8)
    return parts


def redact(text: str, secret: str | None) -> str:
    """``text`` with the key (and its decoded client secret) replaced by ``***``."""
    if not secret:
        return text
    for part in sorted(_secret_parts(secret), key=len, reverse=True):
        text = text.replace(part, "***")
    return text
