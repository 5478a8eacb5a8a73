"""Card writer on GigaChat (the official ``gigachat`` SDK, async client, non-streaming).

The connection, the account's gate, retries and error messages live in ``gigachat_client`` (the
GigaChat describer uses the same); this module asks for a card and checks what comes back.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from typing import Literal

from gigachat.exceptions import BadRequestError, UnprocessableEntityError
from gigachat.models import Chat, ChatCompletion, Messages, MessagesRole

from app.cardtext import prompt, rules, schema
from app.cardtext.card import Card
from app.cardtext.gigachat_client import (
    SERVICE_ERRORS,
    Connection,
    ConnectionSettings,
    GigaChatError,
    RetriesExhausted,
)
from app.cardtext.gigachat_client import transport_words as _transport_words
from app.cardtext.schema import CardSchemaError, CardTextError
from app.describe.protocol import Description
from app.i18n import _
from app.marketplace.marketplaces import Marketplace

__all__ = ["FUNCTION_NAME", "GigaChatError", "GigaChatSettings", "GigaChatWriter", "_transport_words"]

log = logging.getLogger(__name__)
StructuredMode = Literal["auto", "json_schema", "function"]
FUNCTION_NAME = "write_product_card"


@dataclass
class GigaChatSettings(ConnectionSettings):
    structured_mode: StructuredMode = "auto"
    temperature: float | None = None
    max_tokens: int | None = None

    def __post_init__(self) -> None:
        if self.structured_mode not in ("auto", "json_schema", "function"):
            message = _("unknown structured_mode {mode!r}").format(mode=self.structured_mode)
            raise GigaChatError(message, "config")
        super().__post_init__()


class _Truncated(Exception):
    """finish_reason == "length": the answer hit the output-token limit."""


class GigaChatWriter:
    """``CardWriter`` on GigaChat. Like the SDK's async client, one instance belongs to one event
    loop (the app's); ``write`` calls may run concurrently, gated to ``max_concurrency``."""

    name = "gigachat"

    def __init__(self, settings: GigaChatSettings | None = None) -> None:
        self.settings = s = settings or GigaChatSettings()
        self._conn = Connection(s)
        self._mode: str = "function" if s.structured_mode == "function" else "json_schema"

    def __repr__(self) -> str:
        return f"GigaChatWriter(model={self.settings.model!r}, base_url={self.settings.base_url!r})"

    async def aclose(self) -> None:
        await self._conn.aclose()

    async def list_models(self) -> list[str]:
        """The chat models this key can use (what a model picker offers)."""
        return await self._conn.chat_models()

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
            except (*SERVICE_ERRORS, RetriesExhausted, _Truncated, CardTextError) as exc:
                # A valid card exists: cut and flag it rather than fail the product.
                log.info("rewrite for the marketplace rules failed (%s); trimming", type(exc).__name__)
                return None

        try:
            card, model = await self._first_card(system, description, product_name, marketplace)
            card = await rules.fit(card, marketplace, rewrite)
        except (*SERVICE_ERRORS, RetriesExhausted) as exc:
            raise self._conn.translate(exc) from exc
        provenance = {
            "writer": self.name,
            "model": model,
            "describer": description.model_id,
            "created_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        }
        return replace(card, provenance=provenance)

    async def answer(self, system: str, user: str) -> str:
        """One plain chat answer (no structured output) for prompts that ask for their own format."""
        s = self.settings
        messages = [
            Messages(role=MessagesRole.SYSTEM, content=system), Messages(role=MessagesRole.USER, content=user)
        ]
        chat = Chat(model=s.model, messages=messages, temperature=s.temperature, max_tokens=s.max_tokens)
        try:
            completion = await self._conn.call(lambda: self._conn.client.achat(chat))
        except (*SERVICE_ERRORS, RetriesExhausted) as exc:
            raise self._conn.translate(exc) from exc
        if not completion.choices:
            return ""
        if completion.choices[0].finish_reason == "blacklist":
            raise GigaChatError(_("GigaChat refused to answer (blacklist)"), "refused")
        return completion.choices[0].message.content or ""

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
                            product=product_name, problems=self._conn.redact("; ".join(exc.problems))),
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
            return await self._conn.client.achat(self._chat(messages, sent[-1]))

        try:
            return await self._conn.call(send)
        except (BadRequestError, UnprocessableEntityError) as exc:
            fallback = sent[-1] == "json_schema" and self.settings.structured_mode == "auto"
            if not fallback or self._conn.is_auth_url(exc):
                raise
            log.info("GigaChat rejected response_format (%s); using a forced function call", exc.status_code)
        self._mode = "function"
        try:
            return await self._conn.call(lambda: send("function"))
        except (BadRequestError, UnprocessableEntityError):
            self._mode = "json_schema"  # rejected either way: the 400 was not about response_format
            raise
