"""A fast (``tokenizers``) tokenizer equivalent to the InternLM2 SentencePiece tokenizer of InternVL2.

The original ships ``tokenizer.model`` (a SentencePiece BPE model) and a remote-code tokenizer
class; the native processor needs a fast tokenizer that knows InternVL's image tokens. Built the
way transformers converts Llama's SentencePiece models: the pieces are the BPE vocabulary, merges
follow the piece scores, unknown bytes fall back to ``<0xNN>`` pieces.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from app.describe import sentencepiece_proto as spm
from app.errors import ModelError
from app.i18n import _

# The processor looks these up by role; the InternVL2 tokenizer has the first three.
IMAGE_TOKENS = {"start_image_token": "<img>", "end_image_token": "</img>",
                "context_image_token": "<IMG_CONTEXT>"}
# InternVL2 has no video token, but the native processor requires one. It gets a new id past the
# embeddings, so it must never reach the model: Vitrina sends photos only.
VIDEO_TOKEN = "<video>"


def fast_tokenizer(source: Path) -> Any:
    from tokenizers import AddedToken, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors
    from transformers import PreTrainedTokenizerFast
    from transformers.tokenization_utils_base import generate_merges

    try:
        proto = spm.parse((source / "tokenizer.model").read_bytes())
    except (OSError, ValueError, IndexError, UnicodeDecodeError) as err:
        raise ModelError(_("Could not read the InternVL2 tokenizer in {path}: {error}").format(
            path=source, error=err)) from err
    if proto.model_type != spm.BPE:
        raise ModelError(_("The InternVL2 tokenizer in {path} is not a BPE SentencePiece model.").format(
            path=source))
    settings = _settings(source)
    vocab = {p.piece: i for i, p in enumerate(proto.pieces)}
    scores = {p.piece: p.score for p in proto.pieces if p.type == spm.NORMAL}
    special = {p.piece for p in proto.pieces if p.type != spm.NORMAL}
    merges = generate_merges(vocab, scores, skip_tokens=special)
    unk = next((p.piece for p in proto.pieces if p.type == spm.UNKNOWN), None)
    raw = Tokenizer(models.BPE(vocab=vocab, merges=merges, unk_token=unk, fuse_unk=True,
                               byte_fallback=proto.byte_fallback))
    if proto.precompiled_charsmap:
        raw.normalizer = normalizers.Precompiled(proto.precompiled_charsmap)
    # SentencePiece encodes each stretch of text between special tokens on its own, adding the
    # dummy "▁" prefix to each when the model asks for it: Metaspace "always" does the same.
    prefix = proto.add_dummy_prefix
    raw.pre_tokenizer = pre_tokenizers.Metaspace(
        replacement="▁", prepend_scheme="always" if prefix else "never", split=False)
    steps = [decoders.Replace("▁", " "), decoders.ByteFallback(), decoders.Fuse()]
    strip = [decoders.Strip(content=" ", left=1, right=0)] if prefix else []
    raw.decoder = decoders.Sequence(steps + strip)

    # Control and user-defined pieces are matched whole, then the tokens added on top of the model.
    raw.add_special_tokens([AddedToken(p.piece, special=p.type != spm.USER_DEFINED, normalized=False)
                            for p in proto.pieces if p.type in (spm.CONTROL, spm.UNKNOWN, spm.USER_DEFINED)])
    for token_id, token in _added_tokens(source, settings):
        raw.add_special_tokens([AddedToken(token["content"], special=bool(token.get("special", True)),
                                           normalized=False, lstrip=bool(token.get("lstrip", False)),
                                           rstrip=bool(token.get("rstrip", False)))])
        if raw.token_to_id(token["content"]) != token_id:
            raise ModelError(_("The InternVL2 tokenizer in {path} puts {token} at an unexpected id.").format(
                path=source, token=token["content"]))
    for token in IMAGE_TOKENS.values():
        if raw.token_to_id(token) is None:
            raise ModelError(_("The InternVL2 tokenizer in {path} lacks the image token {token}.").format(
                path=source, token=token))

    bos, eos = _content(settings.get("bos_token", "<s>")), _content(settings.get("eos_token", "</s>"))
    add_bos, add_eos = settings.get("add_bos_token", True), settings.get("add_eos_token", False)
    single = [bos] * bool(add_bos) + ["$A"] + [eos] * bool(add_eos)
    pair = single + [bos] * bool(add_bos) + ["$B"] + [eos] * bool(add_eos)
    raw.post_processor = processors.TemplateProcessing(
        single=single, pair=pair,
        special_tokens=[(t, raw.token_to_id(t)) for t in {bos, eos} if raw.token_to_id(t) is not None],
    )
    return PreTrainedTokenizerFast(
        tokenizer_object=raw,
        bos_token=bos,
        eos_token=eos,
        unk_token=_content(settings.get("unk_token", unk)),
        pad_token=_content(settings.get("pad_token") or eos),
        model_max_length=int(settings.get("model_max_length") or 32768),
        clean_up_tokenization_spaces=False,
        extra_special_tokens={**IMAGE_TOKENS, "video_token": VIDEO_TOKEN},
    )


def _settings(source: Path) -> dict:
    try:
        settings = json.loads((source / "tokenizer_config.json").read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as err:
        raise ModelError(_("Could not read {path}: {error}").format(
            path=source / "tokenizer_config.json", error=err)) from err
    return settings if isinstance(settings, dict) else {}


def _added_tokens(source: Path, settings: dict) -> list[tuple[int, dict]]:
    """The tokens added on top of the SentencePiece model, in id order
    (tokenizer_config, else added_tokens.json)."""
    decoder = settings.get("added_tokens_decoder")
    if isinstance(decoder, dict) and decoder:
        return sorted((int(i), t) for i, t in decoder.items())
    try:
        added = json.loads((source / "added_tokens.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    return sorted((int(i), {"content": t, "special": True}) for t, i in added.items())


def _content(token: Any) -> Any:
    return token.get("content") if isinstance(token, dict) else token
