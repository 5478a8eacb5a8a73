"""What the GigaChat writer and the GigaChat describer share: the SDK client as we configure it, one
gate per account, our retries, and every failure turned into a GigaChatError in the user's words.

Retries are ours alone (the SDK's are off) so every wait is visible, bounded and honours
Retry-After; the key is redacted from every message this module produces.
"""

from __future__ import annotations

import asyncio
import errno
import hashlib
import json
import logging
import os
import random
import socket
import ssl
import threading
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any, TypeVar

import httpx
import pydantic
from gigachat import GigaChat
from gigachat.exceptions import (
    AuthenticationError,
    ForbiddenError,
    GigaChatException,
    NotFoundError,
    RateLimitError,
    RequestEntityTooLargeError,
    ResponseError,
    ServerError,
)
from gigachat.settings import BASE_URL as SDK_BASE_URL

from app.cardtext import credentials, tls
from app.cardtext.schema import CardTextError
from app.i18n import _
from app.os_errors import os_error_words

log = logging.getLogger(__name__)
T = TypeVar("T")
# Failures of the service or the wire, as opposed to a bad answer from the model.
SERVICE_ERRORS = (GigaChatException, httpx.HTTPError, pydantic.ValidationError, json.JSONDecodeError)
# Statuses the GigaChat API never gives for its own paths and methods: something else answered.
_NOT_THE_API = (404, 405)
# /models lists these next to the chat models; they cannot write or describe.
_NOT_CHAT = ("embed", "gigacheck")


class GigaChatError(CardTextError):
    """A GigaChat failure. ``kind``: auth, quota, rate_limit, refused, invalid_answer, truncated,
    network, tls, server, request, config — for the GUI to pick a translated text."""

    def __init__(self, message: str, kind: str) -> None:
        super().__init__(message)
        self.kind = kind


@dataclass
class ConnectionSettings:
    credentials: str | None = field(default=None, repr=False)  # None: keyring, then env
    scope: str = "GIGACHAT_API_PERS"
    model: str = "GigaChat-2"
    base_url: str | None = None  # None: GIGACHAT_BASE_URL, else the SDK default
    auth_url: str | None = None
    timeout: float = 60.0
    max_concurrency: int = 1  # personal accounts allow one request at a time
    max_retries: int = 3
    backoff_base: float = 1.0
    backoff_cap: float = 30.0
    retry_after_max: float = 120.0  # a longer Retry-After fails now instead of freezing the batch

    def __post_init__(self) -> None:
        if self.max_concurrency < 1 or self.max_retries < 0:
            raise GigaChatError(_("max_concurrency must be ≥ 1 and max_retries ≥ 0"), "config")


class AccountGate:
    """At most ``limit`` requests at once to one account, from any thread or event loop: the writer
    (on the text stage's loop) and the describer (on its own) draw from the same slots, and a
    Retry-After holds both off, because the account's limit and quota are shared."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._slots = threading.BoundedSemaphore(limit)
        self._lock = threading.Lock()
        self._not_before = 0.0  # monotonic time before which no request may start

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        # Polled rather than awaited: a threading semaphore has no asyncio side, and a task
        # cancelled while polling holds nothing, so no slot can leak.
        while not self._slots.acquire(blocking=False):
            await asyncio.sleep(0.01)
        try:
            if (wait := self.wait_left()) > 0:
                await asyncio.sleep(wait)
            yield
        finally:
            self._slots.release()

    def hold_off(self, seconds: float) -> None:
        with self._lock:
            self._not_before = max(self._not_before, time.monotonic() + seconds)

    def wait_left(self) -> float:
        with self._lock:
            return self._not_before - time.monotonic()


_GATES: dict[tuple[str, str, str], AccountGate] = {}
_GATES_LOCK = threading.Lock()


_GATE_FACTORY: Callable[[int], Any] | None = None


def set_gate_factory(factory: Callable[[int], Any] | None) -> None:
    """Gates from ``factory(limit)`` instead of this process's own: a Ray worker draws from one
    limiter for the whole cluster (app/pipeline/ray_stages.py). None goes back to the default."""
    global _GATE_FACTORY
    with _GATES_LOCK:
        _GATE_FACTORY = factory
        _GATES.clear()


def account_gate(address: str, scope: str, key: str, limit: int) -> AccountGate:
    """The gate of this account; a changed limit (the user edited Settings) starts a new one."""
    ident = (address, scope, hashlib.sha256(key.encode()).hexdigest())  # no second copy of the key
    with _GATES_LOCK:
        gate = _GATES.get(ident)
        if gate is None or gate.limit != limit:
            gate = _GATES[ident] = _GATE_FACTORY(limit) if _GATE_FACTORY is not None else AccountGate(limit)
        return gate


def chat_model_names(models: Iterable[Any]) -> list[str]:
    """Ids of the chat models in a /models answer, sorted: not Embeddings, not GigaCheck.

    The API marks each with ``type`` ("chat", "embedder", ...) but SDK 0.2.3 drops unknown fields,
    so the type is read when present and the name decides otherwise."""
    names = []
    for model in models:
        kind = getattr(model, "type_", None) or getattr(model, "type", None) \
            or (getattr(model, "model_extra", None) or {}).get("type")
        name = str(getattr(model, "id_", "") or "")
        if not name:
            continue
        if kind is not None:
            if str(kind).lower() == "chat":
                names.append(name)
        elif not any(word in name.lower() for word in _NOT_CHAT):
            names.append(name)
    return sorted(set(names))


class RetriesExhausted(Exception):
    def __init__(self, last: BaseException, attempts: int) -> None:
        super().__init__(f"{attempts} attempts")
        self.last, self.attempts = last, attempts


class Connection:
    """The SDK's async client with our settings, the account's gate, our retries and our messages.
    Like the client, one instance belongs to one event loop."""

    def __init__(self, settings: ConnectionSettings) -> None:
        self.settings = s = settings
        key = s.credentials or credentials.get_key()
        if not key:
            raise GigaChatError(_("no GigaChat key: add it in Settings"), "auth")
        self._key = credentials.normalize(key)
        self.address = (s.base_url or os.environ.get("GIGACHAT_BASE_URL") or SDK_BASE_URL).rstrip("/")
        self.client = GigaChat(
            credentials=self._key,
            scope=s.scope,
            model=s.model,
            base_url=s.base_url,
            auth_url=s.auth_url,
            timeout=s.timeout,
            ssl_context=tls.ssl_context(),
            verify_ssl_certs=True,
            max_connections=s.max_concurrency,
            max_retries=0,  # ours are the only retries
        )
        self.gate = account_gate(self.address, s.scope, self._key, s.max_concurrency)

    async def aclose(self) -> None:
        await self.client.aclose()

    async def call(self, request: Callable[[], Awaitable[T]]) -> T:
        """``request`` inside a slot of the account's gate, retried while retrying can help."""
        s = self.settings
        for attempt in range(s.max_retries + 1):
            try:
                async with self.gate.slot():
                    return await request()
            except Exception as exc:
                delay = self._retry_delay(exc, attempt)
                if delay is None:
                    raise
                if attempt == s.max_retries:
                    raise RetriesExhausted(exc, attempt + 1) from exc
                reason = f"{type(exc).__name__} {getattr(exc, 'status_code', '')}".strip()
                log.info("GigaChat request failed (%s); retry %d in %.2f s", reason, attempt + 1, delay)
                await asyncio.sleep(delay)
        raise AssertionError("unreachable")

    async def chat_models(self) -> list[str]:
        try:
            models = await self.call(self.client.aget_models)
        except (*SERVICE_ERRORS, RetriesExhausted) as exc:
            raise self.translate(exc) from exc
        return chat_model_names(models.data)

    def _retry_delay(self, exc: Exception, attempt: int) -> float | None:
        """Seconds to wait before retrying ``exc``, or None when it must not be retried."""
        s = self.settings
        backoff = min(s.backoff_cap, s.backoff_base * 2**attempt) * random.uniform(0.75, 1.0)
        if _wrong_address(exc):
            return None  # another server answered: asking it again gives the same page
        if isinstance(exc, RateLimitError):
            if exc.retry_after > s.retry_after_max:
                return None
            if exc.retry_after > 0:
                self.gate.hold_off(exc.retry_after)  # every request waits: they share the quota
                return exc.retry_after
            return backoff
        if isinstance(exc, ServerError):
            return backoff
        if isinstance(exc, httpx.TransportError):
            if _tls_failure(exc) or isinstance(exc, httpx.UnsupportedProtocol):
                return None  # a config fault: retrying cannot help
            return backoff
        if isinstance(exc, (pydantic.ValidationError, json.JSONDecodeError)):
            return backoff  # a garbled HTTP body: a server glitch, not the model's answer
        return None

    def is_auth_url(self, exc: ResponseError) -> bool:
        return "/oauth" in str(exc.url) or (self.settings.auth_url or "\0") in str(exc.url)

    def redact(self, text: str) -> str:
        return credentials.redact(text, self._key)

    def translate(self, exc: BaseException) -> GigaChatError:
        message, kind = self._describe(exc)
        return GigaChatError(self.redact(message), kind)

    def _describe(self, exc: BaseException) -> tuple[str, str]:
        tries = ""
        if isinstance(exc, RetriesExhausted):
            exc, tries = exc.last, _(" (after {count} attempts)").format(count=exc.attempts)
        s = self.settings
        if isinstance(exc, ResponseError) and _wrong_address(exc):
            address = str(exc.url) if self.is_auth_url(exc) else self.address
            return _("wrong API address: {address} does not answer as the GigaChat API (HTTP {status}); "
                     "check the address").format(address=address, status=exc.status_code), "config"
        if _wrong_address(exc):
            return _("wrong API address: {address} sent a web page instead of a GigaChat API answer; "
                     "check the address").format(address=self.address), "config"
        if isinstance(exc, AuthenticationError) or (
            isinstance(exc, ResponseError) and exc.status_code in (400, 401) and self.is_auth_url(exc)
        ):
            return _("the GigaChat key or scope is wrong (scope {scope}); check the key in Settings").format(
                scope=s.scope), "auth"
        if isinstance(exc, ResponseError) and exc.status_code == 402:
            return (_("GigaChat tokens are used up (402): top up the package or use another account"),
                    "quota")
        if isinstance(exc, RateLimitError):
            wait = ""
            if exc.retry_after:
                wait = _(", asked to wait {seconds:g} s").format(seconds=exc.retry_after)
            return _("GigaChat is rate-limiting requests (429{wait}){tries}; try again later").format(
                wait=wait, tries=tries), "rate_limit"
        if isinstance(exc, ForbiddenError):
            return _("GigaChat denied access (403): {message}").format(message=_server_message(exc)), "auth"
        if isinstance(exc, NotFoundError):
            return _("GigaChat has no model {model!r} or the API address is wrong (404)").format(
                model=s.model), "config"
        if isinstance(exc, RequestEntityTooLargeError):
            return _("the request is too large for GigaChat (413)"), "request"
        if isinstance(exc, ServerError):
            return _("GigaChat server error ({status}){tries}").format(
                status=exc.status_code, tries=tries), "server"
        if isinstance(exc, ResponseError):
            return _("GigaChat rejected the request ({status}): {message}").format(
                status=exc.status_code, message=_server_message(exc)), "request"
        if isinstance(exc, httpx.TransportError) and _tls_failure(exc):
            return (
                _("the TLS certificate of {host} is not trusted (neither a public root nor the "
                  "Russian Trusted Root CA); refusing to connect").format(host=_host(exc)),
                "tls",
            )
        if isinstance(exc, httpx.TimeoutException):
            return _("GigaChat did not answer within {seconds:g} s{tries}").format(
                seconds=s.timeout, tries=tries), "network"
        if isinstance(exc, httpx.TransportError):
            log.warning("cannot reach GigaChat at %s: %s: %s", _host(exc), type(exc).__name__, exc)
            return _("cannot reach GigaChat at {host}{tries}: {reason}").format(
                host=_host(exc), tries=tries, reason=transport_words(exc)), "network"
        if isinstance(exc, (pydantic.ValidationError, json.JSONDecodeError)):
            return _("GigaChat sent a malformed response{tries}").format(tries=tries), "server"
        log.warning("unexpected GigaChat failure: %s: %s", type(exc).__name__, exc)
        return _("GigaChat failed in an unexpected way; the log has the details"), "server"


def _wrong_address(exc: BaseException) -> bool:
    """Whether something other than the GigaChat API answered: a web server's 404/405 page, or an
    HTML page where JSON was due (a site that serves its front page on every path)."""
    if isinstance(exc, ResponseError):
        if exc.status_code not in _NOT_THE_API:
            return False
        # The API's own 404 ("no such model") is JSON with a message; a web server's is a page.
        return exc.status_code == 405 or not _is_api_error(exc.content) or "/chat/" not in str(exc.url)
    if isinstance(exc, json.JSONDecodeError):
        head = exc.doc.lstrip()[:512].lower()
        # A whole page; a bare "<html>502 Bad Gateway</html>" fragment is treated as a glitch.
        return head.startswith("<!doctype html") or "<head" in head
    return False


def _is_api_error(content: bytes | None) -> bool:
    try:
        body = json.loads(content or b"")
    except ValueError:
        return False
    return isinstance(body, dict) and "message" in body


def _tls_failure(exc: BaseException) -> bool:
    seen: BaseException | None = exc
    for _link in range(8):  # httpx → httpcore → ssl: the verify error sits a few links down
        if seen is None:
            return False
        if isinstance(seen, ssl.SSLCertVerificationError) or "CERTIFICATE_VERIFY_FAILED" in str(seen):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _server_message(exc: ResponseError) -> str:
    try:
        message = json.loads(exc.content or b"{}").get("message", "")
    except (ValueError, AttributeError):
        message = (exc.content or b"").decode("utf-8", "replace")
    return str(message)[:200]


def _host(exc: httpx.TransportError) -> str:
    try:
        url = exc.request.url
    except RuntimeError:  # raised before a request was attached
        return _("the configured address")
    return f"{url.host}:{url.port}" if url.port else url.host


def transport_words(exc: BaseException) -> str:
    """Why the connection failed, in words: the system's own error (often "[Errno -2] Name or
    service not known") sits in the exception's cause and goes to the log instead."""
    seen: BaseException | None = exc
    visited: set[int] = set()
    while seen is not None and id(seen) not in visited:  # a chain can loop back on itself
        visited.add(id(seen))
        if isinstance(seen, OSError):
            return os_error_words(seen)
        seen = seen.__cause__ or seen.__context__
    if isinstance(exc, (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError)):
        return os_error_words(ConnectionResetError(errno.ECONNRESET, str(exc)))  # cut mid-answer
    text = str(exc).lower()
    if "name or service not known" in text or "nodename nor servname" in text or "getaddrinfo" in text:
        return os_error_words(socket.gaierror(socket.EAI_NONAME, str(exc)))
    return _("no connection to the server")

