"""Tiny random-weight models of the real classes, so tests run the production loaders on CPU.

Nothing is downloaded: a ~400-token byte-level BPE tokenizer is trained on a few sentences, the
configs use tiny sizes, and everything is written with ``save_pretrained`` exactly as a hub
snapshot would be laid out. Each directory is well under 1 MB and builds in about a second.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

SEED = 0

_CORPUS = [
    "A red ceramic mug with a white handle on a wooden table.",
    "Two black leather shoes, laces visible, photographed from the side.",
    "The label reads ORGANIC TEA 100 g. The box is green and square.",
    'Answer with JSON: {"product_type": "mug", "colors": ["red", "white"], "count": 1}',
    "Красная керамическая кружка с белой ручкой, объём 350 мл.",
    'Ответь только JSON: {"title": "Кружка", "description": "Кружка из керамики", '
    '"attributes": {"Цвет": "красный"}, "keywords": ["кружка", "чашка"]}',
    "Чёрные кожаные туфли, шнурки, размер не виден. Материал: кожа, хлопок, металл.",
]

QWEN_SPECIAL = [
    "<|endoftext|>",
    "<|im_start|>",
    "<|im_end|>",
    "<|vision_start|>",
    "<|vision_end|>",
    "<|image_pad|>",
    "<|video_pad|>",
]

# Same shape as the Qwen templates: a content list may mix images and text; each image becomes
# the vision placeholder that the processor expands to the image's visual tokens.
CHAT_TEMPLATE = (
    "{% for message in messages %}<|im_start|>{{ message['role'] }}\n"
    "{% if message['content'] is string %}{{ message['content'] }}"
    "{% else %}{% for part in message['content'] %}"
    "{% if part['type'] == 'image' %}<|vision_start|><|image_pad|><|vision_end|>"
    "{% elif part['type'] == 'text' %}{{ part['text'] }}{% endif %}"
    "{% endfor %}{% endif %}<|im_end|>\n{% endfor %}"
    "{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
)


def make_tokenizer(vocab_size: int = 400):
    """A byte-level BPE tokenizer with the Qwen special tokens (any text encodes, Russian too)."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    raw = Tokenizer(models.BPE())
    raw.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    raw.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        special_tokens=QWEN_SPECIAL,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    raw.train_from_iterator(_CORPUS, trainer=trainer)
    tok = PreTrainedTokenizerFast(
        tokenizer_object=raw,
        eos_token="<|im_end|>",
        pad_token="<|endoftext|>",
        additional_special_tokens=QWEN_SPECIAL[1:],
    )
    tok.chat_template = CHAT_TEMPLATE
    return tok


def make_tiny_qwen3_vl(directory: str | Path) -> Path:
    """Write a tiny Qwen3-VL (model + processor) to ``directory`` and return it."""
    from transformers import Qwen3VLConfig, Qwen3VLForConditionalGeneration

    return _make_tiny_qwen(directory, Qwen3VLConfig, Qwen3VLForConditionalGeneration, {}, {
        "deepstack_visual_indexes": [1]})


def make_tiny_qwen3_5(directory: str | Path) -> Path:
    """A tiny Qwen3.5 (model_type "qwen3_5": hybrid Gated-DeltaNet + full attention layers, a
    Qwen3-VL processor) — the same loading path as the real Qwen3.5 small models."""
    from transformers import Qwen3_5Config, Qwen3_5ForConditionalGeneration

    text = {"layer_types": ["linear_attention", "full_attention"], "linear_num_key_heads": 2,
            "linear_num_value_heads": 4, "linear_key_head_dim": 16, "linear_value_head_dim": 16}
    return _make_tiny_qwen(directory, Qwen3_5Config, Qwen3_5ForConditionalGeneration, text, {})


def _make_tiny_qwen(directory: str | Path, config_class: Any, model_class: Any,
                    text_extra: dict[str, Any], vision_extra: dict[str, Any]) -> Path:
    import torch
    from transformers import Qwen2VLImageProcessor, Qwen3VLProcessor, Qwen3VLVideoProcessor

    out = Path(directory)
    tok = make_tokenizer()
    ids = {t: tok.convert_tokens_to_ids(t) for t in QWEN_SPECIAL}
    head_dim = 16
    config = config_class(
        text_config={
            **text_extra,
            "vocab_size": len(tok),
            "hidden_size": 64,
            "intermediate_size": 128,
            "num_hidden_layers": 2,
            "num_attention_heads": 4,
            "num_key_value_heads": 2,
            "head_dim": head_dim,
            "max_position_embeddings": 2048,
            # Multimodal rope splits head_dim/2 frequencies over (t, h, w).
            "rope_parameters": {
                "rope_type": "default",
                "rope_theta": 10000.0,
                "mrope_section": [4, 2, 2],
                "mrope_interleaved": True,
            },
            "pad_token_id": ids["<|endoftext|>"],
            # A wider init spreads the logits, so greedy decoding has no near-ties that could
            # flip between a batched and a single run.
            "initializer_range": 0.2,
        },
        vision_config={
            "depth": 2,
            "hidden_size": 32,
            "intermediate_size": 64,
            "num_heads": 2,
            "patch_size": 16,
            "spatial_merge_size": 2,
            "temporal_patch_size": 2,
            "out_hidden_size": 64,
            "num_position_embeddings": 64,
            **vision_extra,
        },
        # Like the real 2B checkpoint; it also keeps the directory under 1 MB.
        tie_word_embeddings=True,
        image_token_id=ids["<|image_pad|>"],
        video_token_id=ids["<|video_pad|>"],
        vision_start_token_id=ids["<|vision_start|>"],
        vision_end_token_id=ids["<|vision_end|>"],
    )
    with torch.random.fork_rng():  # seeded weights without touching the caller's RNG
        torch.manual_seed(SEED)
        model = model_class(config).eval()
    model.generation_config.eos_token_id = [ids["<|im_end|>"], ids["<|endoftext|>"]]
    model.generation_config.pad_token_id = ids["<|endoftext|>"]
    # The real checkpoints ship sampling defaults; the describer must still decode greedily.
    model.generation_config.do_sample = True
    model.generation_config.temperature = 0.7
    model.generation_config.top_k = 20
    model.generation_config.top_p = 0.8
    model.save_pretrained(out)

    # 32 px = patch 16 x merge 2 is one visual token; the defaults allow 4..64 tokens per photo.
    image_processor = Qwen2VLImageProcessor(
        patch_size=16,
        merge_size=2,
        temporal_patch_size=2,
        size={"shortest_edge": 32 * 32 * 4, "longest_edge": 32 * 32 * 64},
    )
    processor = Qwen3VLProcessor(
        image_processor=image_processor,
        tokenizer=tok,
        video_processor=Qwen3VLVideoProcessor(),
        chat_template=CHAT_TEMPLATE,
    )
    processor.save_pretrained(out)
    return out


def make_tiny_causal_lm(directory: str | Path) -> Path:
    """Write a tiny Qwen2 causal LM with a chat template to ``directory`` and return it."""
    import torch
    from transformers import Qwen2Config, Qwen2ForCausalLM

    out = Path(directory)
    tok = make_tokenizer()
    config = Qwen2Config(
        vocab_size=len(tok),
        hidden_size=32,
        intermediate_size=64,
        num_hidden_layers=2,
        num_attention_heads=2,
        num_key_value_heads=1,
        max_position_embeddings=2048,
        tie_word_embeddings=True,
        pad_token_id=tok.pad_token_id,
        eos_token_id=tok.eos_token_id,
    )
    with torch.random.fork_rng():
        torch.manual_seed(SEED)
        model = Qwen2ForCausalLM(config).eval()
    model.generation_config.eos_token_id = tok.eos_token_id
    model.generation_config.pad_token_id = tok.pad_token_id
    model.save_pretrained(out)
    tok.save_pretrained(out)
    return out
