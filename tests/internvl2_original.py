"""A tiny checkpoint in the ORIGINAL InternVL2 layout (as OpenGVLab/InternVL2-2B ships it).

The config has the original shape (``internvl_chat`` with ``llm_config`` / ``vision_config``),
the tensors have the original names and shapes (fused InternLM2 ``wqkv``, InternViT ``attn.qkv``,
``mlp1.N``...) and are written directly with random values: nothing here knows the native names,
so the converter's forward mapping is what the tests exercise.

The tokenizer is a real SentencePiece BPE ``tokenizer.model``. sentencepiece itself is not
installed, so its pieces are learned with ``tokenizers``' BPE trainer and the protobuf file is
written by ``app.describe.sentencepiece_proto.serialize`` (the same wire format sentencepiece
reads). Like InternLM2's, it has byte fallback, the chat tokens as user-defined pieces, and
InternVL's image tokens added on top in tokenizer_config.json.
"""

from __future__ import annotations

import json
from pathlib import Path

from app.describe import sentencepiece_proto as spm
from tests.tiny_vlm import _CORPUS

SEED = 0
IMAGE_SIZE = 56  # 4 x 4 patches of 14 px; pixel shuffle 0.5 leaves 4 visual tokens per tile
PATCH = 14
VISION = {"hidden_size": 32, "heads": 2, "intermediate": 64, "layers": 2}
TEXT = {"hidden_size": 64, "heads": 4, "kv_heads": 2, "intermediate": 128, "layers": 2}
CHAT_PIECES = ["<|plugin|>", "<|interpreter|>", "<|action_end|>", "<|action_start|>",
               "<|im_end|>", "<|im_start|>"]
INTERNVL_ADDED = ["<img>", "</img>", "<IMG_CONTEXT>", "<quad>", "</quad>",
                  "<ref>", "</ref>", "<box>", "</box>"]
_PROMPT_WORDS = ("You are cataloguing a product for an online marketplace from its photos. "
                 "Reply with one JSON object")


def _spm_pieces() -> list[spm.Piece]:
    from tokenizers import Tokenizer, models, pre_tokenizers, trainers

    raw = Tokenizer(models.BPE())
    raw.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always", split=True)
    trainer = trainers.BpeTrainer(vocab_size=300, show_progress=False)
    raw.train_from_iterator([*_CORPUS, _PROMPT_WORDS], trainer=trainer)
    learned = sorted(raw.get_vocab().items(), key=lambda item: item[1])
    pieces = [spm.Piece("<unk>", 0.0, spm.UNKNOWN), spm.Piece("<s>", 0.0, spm.CONTROL),
              spm.Piece("</s>", 0.0, spm.CONTROL)]
    pieces += [spm.Piece(f"<0x{b:02X}>", 0.0, spm.BYTE) for b in range(256)]
    # SentencePiece BPE merges in score order: later merges score lower.
    pieces += [spm.Piece(text, -float(rank), spm.NORMAL) for rank, (text, _id) in enumerate(learned)]
    pieces += [spm.Piece(text, 0.0, spm.USER_DEFINED) for text in CHAT_PIECES]
    return pieces


def _write_tokenizer(out: Path) -> int:
    pieces = _spm_pieces()
    model = spm.SpmModel(pieces=pieces, model_type=spm.BPE, byte_fallback=True, add_dummy_prefix=True)
    (out / "tokenizer.model").write_bytes(spm.serialize(model))
    decoder = {}
    for text in CHAT_PIECES[-2:]:
        index = next(i for i, p in enumerate(pieces) if p.piece == text)
        decoder[str(index)] = {"content": text, "special": True}
    for offset, text in enumerate(INTERNVL_ADDED):
        decoder[str(len(pieces) + offset)] = {"content": text, "special": True, "lstrip": False,
                                              "rstrip": False, "normalized": False, "single_word": False}
    config = {
        "tokenizer_class": "InternLM2Tokenizer",  # remote code in the original: the converter ignores it
        "auto_map": {"AutoTokenizer": ["tokenization_internlm2.InternLM2Tokenizer", None]},
        "added_tokens_decoder": decoder,
        "bos_token": "<s>", "eos_token": "</s>", "pad_token": "</s>", "unk_token": "<unk>",
        "add_bos_token": True, "add_eos_token": False, "model_max_length": 8192,
    }
    (out / "tokenizer_config.json").write_text(json.dumps(config, indent=2), encoding="utf-8")
    return len(pieces) + len(INTERNVL_ADDED)


def original_config(vocab_size: int) -> dict:
    return {
        "architectures": ["InternVLChatModel"],
        "auto_map": {"AutoModel": "modeling_internvl_chat.InternVLChatModel"},
        "model_type": "internvl_chat",
        "template": "internlm2-chat",
        "downsample_ratio": 0.5,
        "dynamic_image_size": True,
        "force_image_size": IMAGE_SIZE,
        "max_dynamic_patch": 12,
        "min_dynamic_patch": 1,
        "ps_version": "v2",
        "select_layer": -1,
        "use_thumbnail": True,
        "torch_dtype": "float32",
        "llm_config": {
            "architectures": ["InternLM2ForCausalLM"],
            "model_type": "internlm2",
            "vocab_size": vocab_size,
            "hidden_size": TEXT["hidden_size"],
            "intermediate_size": TEXT["intermediate"],
            "num_hidden_layers": TEXT["layers"],
            "num_attention_heads": TEXT["heads"],
            "num_key_value_heads": TEXT["kv_heads"],
            "hidden_act": "silu",
            "max_position_embeddings": 4096,
            "rms_norm_eps": 1e-5,
            "rope_theta": 1000000,
            "rope_scaling": {"factor": 2.0, "type": "dynamic"},
            "bias": False,
            "tie_word_embeddings": False,
            "bos_token_id": 1, "eos_token_id": 2, "pad_token_id": 2,
        },
        "vision_config": {
            "architectures": ["InternVisionModel"],
            "model_type": "intern_vit_6b",
            "hidden_size": VISION["hidden_size"],
            "intermediate_size": VISION["intermediate"],
            "num_attention_heads": VISION["heads"],
            "num_hidden_layers": VISION["layers"],
            "image_size": IMAGE_SIZE,
            "patch_size": PATCH,
            "num_channels": 3,
            "hidden_act": "gelu",
            "layer_norm_eps": 1e-6,
            "norm_type": "layer_norm",
            "qkv_bias": True,
            "qk_normalization": False,
        },
    }


def original_tensors(config: dict) -> dict:
    """Random weights under the original names and shapes (InternVLChatModel's state dict)."""
    import torch

    gen = torch.Generator().manual_seed(SEED)

    def rand(*shape: int, scale: float = 0.2) -> torch.Tensor:
        return torch.randn(*shape, generator=gen) * scale

    def norm(size: int) -> torch.Tensor:
        return 1.0 + rand(size, scale=0.05)

    v, vi = VISION["hidden_size"], VISION["intermediate"]
    h, ti, vocab = TEXT["hidden_size"], TEXT["intermediate"], config["llm_config"]["vocab_size"]
    head_dim = h // TEXT["heads"]
    patches = (IMAGE_SIZE // PATCH) ** 2
    t: dict[str, torch.Tensor] = {
        "vision_model.embeddings.class_embedding": rand(1, 1, v),
        "vision_model.embeddings.patch_embedding.weight": rand(v, 3, PATCH, PATCH, scale=0.05),
        "vision_model.embeddings.patch_embedding.bias": rand(v),
        "vision_model.embeddings.position_embedding": rand(1, patches + 1, v),
    }
    for i in range(VISION["layers"]):
        p = f"vision_model.encoder.layers.{i}."
        t |= {p + "attn.qkv.weight": rand(3 * v, v), p + "attn.qkv.bias": rand(3 * v),
              p + "attn.proj.weight": rand(v, v), p + "attn.proj.bias": rand(v),
              p + "norm1.weight": norm(v), p + "norm1.bias": rand(v), p + "norm2.weight": norm(v),
              p + "norm2.bias": rand(v), p + "mlp.fc1.weight": rand(vi, v), p + "mlp.fc1.bias": rand(vi),
              p + "mlp.fc2.weight": rand(v, vi), p + "mlp.fc2.bias": rand(v),
              p + "ls1": rand(v, scale=0.5), p + "ls2": rand(v, scale=0.5)}
    t |= {"mlp1.0.weight": norm(4 * v), "mlp1.0.bias": rand(4 * v), "mlp1.1.weight": rand(h, 4 * v),
          "mlp1.1.bias": rand(h), "mlp1.3.weight": rand(h, h), "mlp1.3.bias": rand(h)}
    t["language_model.model.tok_embeddings.weight"] = rand(vocab, h, scale=1.0)
    for i in range(TEXT["layers"]):
        p = f"language_model.model.layers.{i}."
        t |= {p + "attention.wqkv.weight": rand((TEXT["heads"] + 2 * TEXT["kv_heads"]) * head_dim, h),
              p + "attention.wo.weight": rand(h, h), p + "feed_forward.w1.weight": rand(ti, h),
              p + "feed_forward.w3.weight": rand(ti, h), p + "feed_forward.w2.weight": rand(h, ti),
              p + "attention_norm.weight": norm(h), p + "ffn_norm.weight": norm(h)}
    t["language_model.model.norm.weight"] = norm(h)
    t["language_model.output.weight"] = rand(vocab, h, scale=0.5)
    return t


def make_tiny_original_internvl2(directory: str | Path, extra: dict | None = None) -> Path:
    """Write the tiny original-layout checkpoint to ``directory``; ``extra`` adds tensors (for tests)."""
    from safetensors.torch import save_file

    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    vocab_size = _write_tokenizer(out)
    config = original_config(vocab_size)
    (out / "config.json").write_text(json.dumps(config, indent=2), encoding="utf-8")
    tensors = original_tensors(config) | (extra or {})
    # Two shards with an index, as large hub checkpoints come.
    names = sorted(tensors)
    shards = {"model-00001-of-00002.safetensors": names[::2], "model-00002-of-00002.safetensors": names[1::2]}
    weight_map = {}
    for file, keys in shards.items():
        save_file({k: tensors[k] for k in keys}, str(out / file), metadata={"format": "pt"})
        weight_map |= dict.fromkeys(keys, file)
    index = {"metadata": {}, "weight_map": weight_map}
    (out / "model.safetensors.index.json").write_text(json.dumps(index), encoding="utf-8")
    return out
