"""A card writer that runs entirely on this machine: a local LLM turns the description into a card.

A text LLM (Vikhr, T-lite: ``AutoModelForCausalLM``) or a VLM used for text only (Qwen3-VL-4B)
is asked, in Russian, for the card's JSON object alone; the answer is prefilled with "{" so even
a small model starts where it should. Decoding is greedy. A wrong answer gets one corrective
retry that quotes the problems back; a second wrong answer fails this product only.
"""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from app.cardtext import prompt, rules, schema
from app.cardtext.card import Card
from app.cardtext.schema import CardSchemaError, CardTextError
from app.describe.jsonish import first_json_object
from app.describe.protocol import Description
from app.describe.registry import DESCRIBERS, ModelSpec, check, resolve
from app.errors import ModelError
from app.events import EventSink, ignore
from app.i18n import N_, _
from app.marketplace.marketplaces import Marketplace

# The default is the describer's own Qwen3-VL-2B (Apache-2.0, pinned): once the describer is on disk
# the offline writer needs no second download, and its licence allows selling with its text.
WRITER_MODELS: dict[str, ModelSpec] = {
    "qwen3-vl-2b": DESCRIBERS["qwen3-vl-2b"],
    "qwen3-vl-4b": DESCRIBERS["qwen3-vl-4b"],
    "vikhr-qwen2.5-1.5b": ModelSpec(
        "vikhr-qwen2.5-1.5b", "Vikhrmodels/Vikhr-Qwen-2.5-1.5B-Instruct", None, 3.1, "Apache-2.0",
        "causal_lm",
        N_("a Russian-tuned 1.5 B text model; pinned on first download"),
    ),
    "t-lite-it-1.0": ModelSpec(
        "t-lite-it-1.0",
        "t-tech/T-lite-it-1.0",
        None,
        15.2,
        "Qwen licence",
        "causal_lm",
        N_("7.6 B parameters, strong Russian; 4-bit needs about 5.5 GB of GPU memory"),
    ),
}
DEFAULT_WRITER_MODEL = "qwen3-vl-2b"


def default_writer_model(vlm_model: str = "") -> str:
    """With no writer chosen, the describer's own model writes when it can (no second download):
    a registry VLM that writes, or the describer's model folder."""
    if vlm_model in WRITER_MODELS or (vlm_model and Path(vlm_model).expanduser().is_dir()):
        return vlm_model
    return DEFAULT_WRITER_MODEL
DEFAULT_MAX_NEW_TOKENS = 768
PREFILL = "{"

# Small local models follow a shape they can see far better than a list of field names.
ANSWER_SHAPE = (
    '\nФормат ответа: {"title": "...", "description": "...", '
    '"attributes": {"Характеристика": "значение"}, "keywords": ["...", "..."]}'
)


class LocalWriter:
    """The ``CardWriter`` for local models. The model loads on the first ``write``, in a thread."""

    name = "local"

    def __init__(
        self,
        model: str | Path = DEFAULT_WRITER_MODEL,
        *,
        device: str = "auto",
        dtype: Any = None,
        quantize: str | None = None,
        max_new_tokens: int = DEFAULT_MAX_NEW_TOKENS,
        events: EventSink = ignore,
    ) -> None:
        check(model, WRITER_MODELS)  # refuse an unknown or unpinned name now, not mid-run
        self._model_ref = model
        self._device_choice = device
        self._dtype = dtype
        self._quantize = quantize
        self.max_new_tokens = max_new_tokens
        self._events = events
        self.model_id = ""
        self.revision = ""
        self._net: Any = None
        self._tokenizer: Any = None
        self._templater: Any = None  # the tokenizer, or a VLM's processor (it holds the template)
        self._vlm = False

    async def write(self, description: Description, *, product_name: str, marketplace: Marketplace) -> Card:
        def ask(notes: list[str]) -> list[dict[str, str]]:
            user = prompt.user_prompt(
                description, product_name=product_name, marketplace=marketplace, notes=notes
            )
            return [_message("system", prompt.SYSTEM_PROMPT + ANSWER_SHAPE), _message("user", user)]

        raw, cut_off = await asyncio.to_thread(self._complete, ask([]))
        flags: list[str] = []
        try:
            if cut_off:
                raise CardSchemaError(["the answer was cut off at the output limit"])
            card = parse_card(raw)
        except CardSchemaError as first:
            note = (
                prompt.shorter_note(marketplace)
                if cut_off
                else prompt.correction_note("; ".join(first.problems))
            )
            raw, cut_off = await asyncio.to_thread(self._complete, ask([note]))
            try:
                card = parse_card(raw)  # a cut-off answer is closed leniently: better than no card
            except CardSchemaError as second:
                message = _("The local model ({model}) wrote no valid card for {product!r}, "
                            "even after a corrective retry: {problems}.")
                problems = "; ".join(second.problems)
                raise CardTextError(message.format(
                    model=self.model_id, product=product_name, problems=problems)) from second
            if cut_off:
                flags.append(_("the model's answer was cut off at its output limit; "
                               "check the end of the text"))

        async def rewrite(current: Card, instruction: str) -> Card | None:
            asked = [
                *ask([]),
                _message("assistant", prompt.answer_json(current)),
                _message("user", instruction),
            ]
            answer, _cut_off = await asyncio.to_thread(self._complete, asked)
            try:
                return parse_card(answer)
            except CardSchemaError:
                return None  # rules.fit then trims and flags the first card instead

        provenance = {
            "writer": self.name,
            "model": self.model_id,
            "revision": self.revision,
            "describer": description.model_id,
            "describer_revision": description.revision,
            "created_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        }
        card = replace(card, provenance={**card.provenance, **provenance}, flags=[*card.flags, *flags])
        return await rules.fit(card, marketplace, rewrite)

    async def answer(self, system: str, user: str) -> str:
        """One greedy answer to a plain prompt. It begins with PREFILL ("{"): the prompts that use
        this ask for a JSON object, and a cut-off one is closed by the lenient JSON reader."""
        text, _cut_off = await asyncio.to_thread(
            self._complete, [_message("system", system), _message("user", user)]
        )
        return text

    def _complete(self, messages: list[dict[str, str]]) -> tuple[str, bool]:
        """One greedy answer to a chat, and whether it hit ``max_new_tokens``.

        Runs in a worker thread; the GPU lock keeps it to one model call at a time.
        """
        from app.describe.loading import GPU_LOCK

        with GPU_LOCK:
            self._ensure_loaded()
            text, cut_off = self._generate(self._prompt(messages))
        return PREFILL + text, cut_off

    def _prompt(self, messages: list[dict[str, str]]) -> str:
        chat: list[dict[str, Any]] = messages
        if self._vlm:  # VLM templates read content as a list of typed parts
            chat = [
                {"role": m["role"], "content": [{"type": "text", "text": m["content"]}]} for m in messages
            ]
        text = self._templater.apply_chat_template(chat, tokenize=False, add_generation_prompt=True)
        return text + PREFILL

    def _generate(self, prompt: str) -> tuple[str, bool]:
        import torch

        from app.describe.loading import free_memory, is_out_of_memory

        inputs = self._tokenizer(prompt, return_tensors="pt", add_special_tokens=False).to(self._net.device)
        try:
            with torch.inference_mode():
                out = self._net.generate(
                    **inputs,
                    max_new_tokens=self.max_new_tokens,
                    do_sample=False,
                    num_beams=1,
                    pad_token_id=self._tokenizer.pad_token_id,
                )
        except Exception as err:
            if not is_out_of_memory(err):
                raise
            free_memory()
            raise ModelError(
                _("The GPU ran out of memory writing a card; try 4-bit or a smaller model.")
            ) from err
        new_tokens = out[0, inputs["input_ids"].shape[1] :]
        # Greedy decoding that used the whole budget without an end token was cut off.
        eos = self._net.generation_config.eos_token_id
        eos_ids = set(eos if isinstance(eos, list) else [eos])
        cut_off = len(new_tokens) >= self.max_new_tokens and int(new_tokens[-1]) not in eos_ids
        return self._tokenizer.decode(new_tokens, skip_special_tokens=True), cut_off

    def _ensure_loaded(self) -> None:
        if self._net is not None:
            return
        from app.describe.loading import pick_device, pick_dtype, place, pretrained_kwargs

        model = resolve(self._model_ref, WRITER_MODELS, events=self._events)
        device = pick_device(self._device_choice, self._events)
        dtype = pick_dtype(device, self._dtype)
        self._vlm = model.family != "causal_lm"
        skip = ["visual", "vision_tower", "multi_modal_projector", "lm_head"] if self._vlm else ["lm_head"]
        kwargs = pretrained_kwargs(device, dtype, self._quantize, skip)
        try:
            if self._vlm:
                from transformers import AutoModelForImageTextToText, AutoProcessor

                self._templater = AutoProcessor.from_pretrained(model.path, trust_remote_code=False)
                self._tokenizer = self._templater.tokenizer
                net = AutoModelForImageTextToText.from_pretrained(model.path, **kwargs)
            else:
                from transformers import AutoModelForCausalLM, AutoTokenizer

                self._tokenizer = self._templater = AutoTokenizer.from_pretrained(
                    model.path, trust_remote_code=False
                )
                net = AutoModelForCausalLM.from_pretrained(model.path, **kwargs)
        except (OSError, ValueError, KeyError, RuntimeError, ImportError) as err:
            raise ModelError(_("Could not load the local card writer from {path}: {error}").format(
                path=model.path, error=err)) from err
        if not getattr(self._templater, "chat_template", None):
            raise ModelError(_("{model} has no chat template; use an instruction-tuned model.").format(
                model=model.model_id))
        self._net = place(net, device, self._quantize)
        self.model_id, self.revision = model.model_id, model.revision

    async def aclose(self) -> None:
        await asyncio.to_thread(self._release)

    def _release(self) -> None:
        from app.describe.loading import GPU_LOCK, free_memory

        with GPU_LOCK:
            self._net = self._tokenizer = self._templater = None
            free_memory()


def parse_card(raw: str) -> Card:
    """The first JSON object in ``raw`` (cut-off answers closed) validated as a Card."""
    obj = first_json_object(raw)
    return schema.validate(obj if obj is not None else raw)


def _message(role: str, text: str) -> dict[str, str]:
    return {"role": role, "content": text}

