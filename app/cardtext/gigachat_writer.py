"""Card writer on GigaChat (the official ``gigachat`` SDK, async client, non-streaming).

Retries are ours alone (the SDK's are off) so every wait is visible, bounded and honours
Retry-After; errors leave as GigaChatError with a ``kind`` the GUI can translate, and the key is
redacted from every message this module produces.
"""

from __future__ import annotations

import asyncio
import errno
import json
import logging
import random
import socket
import ssl
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from typing import Literal, TypeVar

import httpx
import pydantic
from gigachat import GigaChat
from gigachat.exceptions import (
    AuthenticationError,
    BadRequestError,
    ForbiddenError,
    GigaChatException,
    NotFoundError,
    RateLimitError,
    RequestEntityTooLargeError,
    ResponseError,
    ServerError,
    UnprocessableEntityError,
)
from gigachat.models import Chat, ChatCompletion, Messages, MessagesRole

from app.cardtext import credentials, prompt, rules, schema, tls
from app.cardtext.card import Card
from app.cardtext.schema import CardSchemaError, CardTextError
from app.describe.protocol import Description
from app.i18n import _
from app.marketplace.marketplaces import Marketplace
from app.os_errors import os_error_words

log = logging.getLogger(__name__)
T = TypeVar("T")
StructuredMode = Literal["auto", "json_schema", "function"]
FUNCTION_NAME = "write_product_card"
# Failures of the service or the wire, as opposed to a bad answer from the model.
_SERVICE_ERRORS = (GigaChatException, httpx.HTTPError, pydantic.ValidationError, json.JSONDecodeError)


class GigaChatError(CardTextError):
    """A GigaChat failure. ``kind``: auth, quota, rate_limit, refused, invalid_answer, truncated,
    network, tls, server, request, config — for the GUI to pick a translated text."""

    def __init__(self, message: str, kind: str) -> None:
        super().__init__(message)
        self.kind = kind


@dataclass
class GigaChatSettings:
    credentials: str | None = field(default=None, repr=False)  # None: keyring, then env
    scope: str = "GIGACHAT_API_PERS"
    model: str = "GigaChat-2"
    base_url: str | None = None  # None: the SDK default
    auth_url: str | None = None
    timeout: float = 60.0
    max_concurrency: int = 1  # personal accounts allow one request at a time
    max_retries: int = 3
    backoff_base: float = 1.0
    backoff_cap: float = 30.0
    retry_after_max: float = 120.0  # a longer Retry-After fails now instead of freezing the batch
    structured_mode: StructuredMode = "auto"
    temperature: float | None = None
    max_tokens: int | None = None

    def __post_init__(self) -> None:
        if self.structured_mode not in ("auto", "json_schema", "function"):
            message = _("unknown structured_mode {mode!r}").format(mode=self.structured_mode)
            raise GigaChatError(message, "config")
        if self.max_concurrency < 1 or self.max_retries < 0:
            raise GigaChatError(_("max_concurrency must be ≥ 1 and max_retries ≥ 0"), "config")


class _RetriesExhausted(Exception):
    def __init__(self, last: BaseException, attempts: int) -> None:
        super().__init__(f"{attempts} attempts")
        self.last, self.attempts = last, attempts


class _Truncated(Exception):
    """finish_reason == "length": the answer hit the output-token limit."""


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


class GigaChatWriter:
    """``CardWriter`` on GigaChat. Like the SDK's async client, one instance belongs to one event
    loop (the app's); ``write`` calls may run concurrently, gated to ``max_concurrency``."""

    name = "gigachat"

    def __init__(self, settings: GigaChatSettings | None = None) -> None:
        self.settings = settings or GigaChatSettings()
        key = self.settings.credentials or credentials.get_key()
        if not key:
            raise GigaChatError(_("no GigaChat key: add it in Settings"), "auth")
        self._key = credentials.normalize(key)
        s = self.settings
        self._client = GigaChat(
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
        self._gate = asyncio.Semaphore(s.max_concurrency)
        self._mode: str = "function" if s.structured_mode == "function" else "json_schema"
        self._not_before = 0.0  # monotonic time before which no request may start (Retry-After)

    def __repr__(self) -> str:
        return f"GigaChatWriter(model={self.settings.model!r}, base_url={self.settings.base_url!r})"

    async def aclose(self) -> None:
        await self._client.aclose()

    async def list_models(self) -> list[str]:
        try:
            models = await self._with_retries(self._client.aget_models)
        except (*_SERVICE_ERRORS, _RetriesExhausted) as exc:
            raise self._translate(exc) from exc
        return sorted(m.id_ for m in models.data)

    async def write(
        self, description: Description, *, product_name: str, marketplace: Marketplace
    ) -> Card:
        system = Messages(role=MessagesRole.SYSTEM, content=prompt.SYSTEM_PROMPT)
        request = prompt.user_prompt(description, product_name=product_name, marketplace=marketplace)

        async def rewrite(card: Card, instruction: str) -> Card | None:
            answer = Messages(role=MessagesRole.ASSISTANT, content=prompt.answer_json(card))
            follow_up = Messages(role=MessagesRole.USER, content=instruction)
            user = Messages(role=MessagesRole.USER, content=request)
            try:
                return self._card_from(await self._complete([system, user, answer, follow_up]))[0]
            except (*_SERVICE_ERRORS, _RetriesExhausted, _Truncated, CardTextError) as exc:
                # A valid card exists: cut and flag it rather than fail the product.
                log.info("rewrite for the marketplace rules failed (%s); trimming", type(exc).__name__)
                return None

        try:
            card, model = await self._first_card(system, description, product_name, marketplace)
            card = await rules.fit(card, marketplace, rewrite)
        except (*_SERVICE_ERRORS, _RetriesExhausted) as exc:
            raise self._translate(exc) from exc
        provenance = {
            "writer": self.name,
            "model": model,
            "describer": description.model_id,
            "created_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        }
        return replace(card, provenance=provenance)

    async def _first_card(
        self, system: Messages, description: Description, product_name: str, marketplace: Marketplace
    ) -> tuple[Card, str]:
        notes: list[str] = []
        corrected = shortened = False
        while True:
            text = prompt.user_prompt(
                description, product_name=product_name, marketplace=marketplace, notes=notes
            )
            completion = await self._complete([system, Messages(role=MessagesRole.USER, content=text)])
            try:
                return self._card_from(completion)
            except _Truncated:
                if shortened:
                    raise GigaChatError(
                        _("GigaChat's answer was cut off twice (length limit); raise max_tokens"), "truncated"
                    ) from None
                shortened = True
                notes.append(prompt.shorter_note(marketplace))
            except CardSchemaError as exc:
                if corrected:
                    raise GigaChatError(
                        _("GigaChat did not return a valid card for {product!r} even after a "
                          "corrective retry: {problems}").format(
                            product=product_name, problems=self._redact("; ".join(exc.problems))),
                        "invalid_answer",
                    ) from None
                corrected = True
                notes.append(prompt.correction_note("; ".join(exc.problems)))

    def _card_from(self, completion: ChatCompletion) -> tuple[Card, str]:
        if not completion.choices:
            raise CardSchemaError(["the response has no choices"])
        choice = completion.choices[0]
        if choice.finish_reason == "blacklist":
            raise GigaChatError(_("GigaChat refused to answer (blacklist)"), "refused")
        if choice.finish_reason == "length":
            raise _Truncated()
        call = choice.message.function_call
        if call is not None and call.arguments is not None:
            obj = call.arguments  # function mode: the SDK already parsed the arguments
        else:
            obj = schema.parse_json(choice.message.content)
        return schema.validate(obj), completion.model or self.settings.model

    def _chat(self, messages: list[Messages], mode: str) -> Chat:
        s, extra = self.settings, {}
        if mode == "json_schema":
            extra["response_format"] = {"type": "json_schema", "schema": schema.CARD_SCHEMA, "strict": True}
        else:
            parameters = {k: schema.CARD_SCHEMA[k] for k in ("type", "properties", "required")}
            extra["functions"] = [
                {"name": FUNCTION_NAME, "description": "Записать карточку товара", "parameters": parameters}
            ]
            extra["function_call"] = {"name": FUNCTION_NAME}
        return Chat(
            model=s.model, messages=messages, temperature=s.temperature, max_tokens=s.max_tokens, **extra
        )

    async def _complete(self, messages: list[Messages]) -> ChatCompletion:
        """One logical request: our retries, and the json_schema → function-call fallback."""
        sent: list[str] = []

        async def send(mode: str | None = None) -> ChatCompletion:
            # The mode is read inside the gate, so requests queued behind a fallback follow it.
            sent.append(mode or self._mode)
            return await self._client.achat(self._chat(messages, sent[-1]))

        try:
            return await self._with_retries(send)
        except (BadRequestError, UnprocessableEntityError) as exc:
            fallback = sent[-1] == "json_schema" and self.settings.structured_mode == "auto"
            if not fallback or self._is_auth_url(exc):
                raise
            log.info("GigaChat rejected response_format (%s); using a forced function call", exc.status_code)
        self._mode = "function"
        try:
            return await self._with_retries(lambda: send("function"))
        except (BadRequestError, UnprocessableEntityError):
            self._mode = "json_schema"  # rejected either way: the 400 was not about response_format
            raise

    async def _with_retries(self, call: Callable[[], Awaitable[T]]) -> T:
        s = self.settings
        for attempt in range(s.max_retries + 1):
            try:
                async with self._gate:
                    if (wait := self._not_before - time.monotonic()) > 0:
                        await asyncio.sleep(wait)
                    return await call()
            except Exception as exc:
                delay = self._retry_delay(exc, attempt)
                if delay is None:
                    raise
                if attempt == s.max_retries:
                    raise _RetriesExhausted(exc, attempt + 1) from exc
                reason = f"{type(exc).__name__} {getattr(exc, 'status_code', '')}".strip()
                log.info("GigaChat request failed (%s); retry %d in %.2f s", reason, attempt + 1, delay)
                await asyncio.sleep(delay)
        raise AssertionError("unreachable")

    def _retry_delay(self, exc: Exception, attempt: int) -> float | None:
        """Seconds to wait before retrying ``exc``, or None when it must not be retried."""
        s = self.settings
        backoff = min(s.backoff_cap, s.backoff_base * 2**attempt) * random.uniform(0.75, 1.0)
        if isinstance(exc, RateLimitError):
            if exc.retry_after > s.retry_after_max:
                return None
            if exc.retry_after > 0:
                # Every request waits, not just this one: they share the same quota.
                self._not_before = max(self._not_before, time.monotonic() + exc.retry_after)
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

    def _is_auth_url(self, exc: ResponseError) -> bool:
        return "/oauth" in str(exc.url) or (self.settings.auth_url or "\0") in str(exc.url)

    def _redact(self, text: str) -> str:
        return credentials.redact(text, self._key)

    def _translate(self, exc: BaseException) -> GigaChatError:
        message, kind = self._describe(exc)
        return GigaChatError(self._redact(message), kind)

    def _describe(self, exc: BaseException) -> tuple[str, str]:
        tries = ""
        if isinstance(exc, _RetriesExhausted):
            exc, tries = exc.last, _(" (after {count} attempts)").format(count=exc.attempts)
        s = self.settings
        if isinstance(exc, AuthenticationError) or (
            isinstance(exc, ResponseError) and exc.status_code in (400, 401) and self._is_auth_url(exc)
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
                  "Russian Trusted Root CA); refusing to connect").format(host=self._host(exc)),
                "tls",
            )
        if isinstance(exc, httpx.TimeoutException):
            return _("GigaChat did not answer within {seconds:g} s{tries}").format(
                seconds=s.timeout, tries=tries), "network"
        if isinstance(exc, httpx.TransportError):
            log.warning("cannot reach GigaChat at %s: %s: %s", self._host(exc), type(exc).__name__, exc)
            return _("cannot reach GigaChat at {host}{tries}: {reason}").format(
                host=self._host(exc), tries=tries, reason=_transport_words(exc)), "network"
        if isinstance(exc, (pydantic.ValidationError, json.JSONDecodeError)):
            return _("GigaChat sent a malformed response{tries}").format(tries=tries), "server"
        log.warning("unexpected GigaChat failure: %s: %s", type(exc).__name__, exc)
        return _("GigaChat failed in an unexpected way; the log has the details"), "server"

    @staticmethod
    def _host(exc: httpx.TransportError) -> str:
        try:
            url = exc.request.url
        except RuntimeError:  # raised before a request was attached
            return _("the configured address")
        return f"{url.host}:{url.port}" if url.port else url.host


def _transport_words(exc: BaseException) -> str:
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
