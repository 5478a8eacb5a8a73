"""The original InternVL2 layout converts to the native one and describes products without remote code."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from app.describe.internvl2_convert import MARKER, convert, converted_folder, is_original_internvl
from app.describe.registry import ResolvedModel
from app.errors import ModelError
from app.events import Notice
from tests.internvl2_original import (
    INTERNVL_ADDED,
    make_tiny_original_internvl2,
    original_config,
    original_tensors,
)

REVISION = "0123456789abcdef0123456789abcdef01234567"


@pytest.fixture(scope="module")
def original_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_tiny_original_internvl2(tmp_path_factory.mktemp("hub") / "InternVL2-tiny")


@pytest.fixture(scope="module")
def native_dir(original_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return converted_folder(original_dir, tmp_path_factory.mktemp("converted"), REVISION)


@pytest.fixture(scope="module")
def native_model(native_dir: Path) -> Any:
    from transformers import InternVLForConditionalGeneration

    return InternVLForConditionalGeneration.from_pretrained(native_dir).eval()


@pytest.fixture(scope="module")
def source() -> tuple[dict, dict]:
    """The original tensors and config, exactly as the fixture wrote them."""

    return None, None  # replaced below by _source (kept for readability of test signatures)


def _source(original_dir: Path) -> tuple[dict, dict]:
    import json

    from safetensors.torch import load_file

    tensors: dict = {}
    for shard in sorted(original_dir.glob("*.safetensors")):
        tensors |= load_file(str(shard))
    config = json.loads((original_dir / "config.json").read_text(encoding="utf-8"))
    return tensors, config


def test_every_original_weight_loads_into_the_native_model(native_dir: Path, original_dir: Path) -> None:
    from transformers import InternVLForConditionalGeneration

    assert is_original_internvl(original_dir) and not is_original_internvl(native_dir)
    _model, info = InternVLForConditionalGeneration.from_pretrained(native_dir, output_loading_info=True)
    assert info["missing_keys"] == set()
    assert info["unexpected_keys"] == set()
    assert info["mismatched_keys"] == set()


def test_fused_qkv_is_split_by_internlm2s_grouped_layout(native_model: Any, original_dir: Path) -> None:
    import torch

    tensors, config = _source(original_dir)
    llm = config["llm_config"]
    heads, kv, hidden = llm["num_attention_heads"], llm["num_key_value_heads"], llm["hidden_size"]
    head_dim, groups = hidden // heads, heads // kv
    # InternLM2Attention: rearrange(qkv, "b q (h gs d) -> b q h gs d", gs=groups + 2).
    wqkv = tensors["language_model.model.layers.0.attention.wqkv.weight"]
    blocks = wqkv.view(kv, groups + 2, head_dim, hidden)
    attention = native_model.model.language_model.layers[0].self_attn
    assert torch.equal(attention.q_proj.weight, blocks[:, :groups].reshape(-1, hidden))
    assert torch.equal(attention.k_proj.weight, blocks[:, -2].reshape(-1, hidden))
    assert torch.equal(attention.v_proj.weight, blocks[:, -1].reshape(-1, hidden))


def test_text_logits_match_internlm2_computed_from_the_original_tensors(
    native_model: Any, original_dir: Path
) -> None:
    import torch

    tensors, config = _source(original_dir)
    ids = torch.tensor([[1, 40, 77, 300, 12, 250, 99, 5]])
    with torch.inference_mode():
        native = native_model(input_ids=ids).logits
    original = _internlm2_logits(tensors, config["llm_config"], ids)
    torch.testing.assert_close(native, original, atol=1e-4, rtol=1e-4)


def test_image_features_match_internvit_computed_from_the_original_tensors(
    native_model: Any, original_dir: Path
) -> None:
    import torch

    tensors, config = _source(original_dir)
    size = config["force_image_size"]
    pixels = torch.randn(2, 3, size, size, generator=torch.Generator().manual_seed(1))
    with torch.inference_mode():
        native = native_model.model.get_image_features(pixel_values=pixels).pooler_output
    torch.testing.assert_close(native, _internvit_features(tensors, config, pixels), atol=1e-4, rtol=1e-4)


def test_the_processor_speaks_internvl2s_prompt_and_tokens(native_dir: Path, original_dir: Path) -> None:
    import json

    from transformers import AutoProcessor

    processor = AutoProcessor.from_pretrained(native_dir)
    assert type(processor).__name__ == "InternVLProcessor"
    tokenizer = processor.tokenizer
    assert tokenizer.is_fast
    decoder = json.loads((original_dir / "tokenizer_config.json").read_text())["added_tokens_decoder"]
    for token_id, token in decoder.items():  # the ids the original model was trained with
        assert tokenizer.convert_tokens_to_ids(token["content"]) == int(token_id)
    assert (processor.image_token, processor.start_image_token, processor.end_image_token) == (
        "<IMG_CONTEXT>", "<img>", "</img>")
    assert processor.image_seq_length == 4  # (56 / 14)^2 patches, pixel shuffle 0.5
    assert processor.image_processor.size.height == 56  # force_image_size

    text = "A red mug, кружка 350 мл, 你好 ✓"  # characters outside the tiny vocab take the byte fallback
    ids = tokenizer(text).input_ids
    assert ids[0] == tokenizer.bos_token_id
    assert tokenizer.decode(ids, skip_special_tokens=True) == text

    messages = [{"role": "user", "content": [{"type": "image"}, {"type": "text", "text": "Describe."}]}]
    prompt = processor.apply_chat_template(messages, tokenize=False, add_generation_prompt=True)
    assert prompt.endswith(
        "<|im_end|><|im_start|>user\n<IMG_CONTEXT>\nDescribe.<|im_end|><|im_start|>assistant\n")
    assert prompt.startswith("<|im_start|>system\n")
    photo = np.zeros((56, 56, 3), dtype=np.uint8)
    inputs = processor(text=[prompt], images=[photo], return_tensors="pt")
    row = tokenizer.convert_ids_to_tokens(inputs["input_ids"][0].tolist())
    start = row.index("<img>")
    assert row[start : start + 6] == ["<img>"] + ["<IMG_CONTEXT>"] * 4 + ["</img>"]


def test_a_converted_checkpoint_describes_a_batch_of_products(native_dir: Path) -> None:
    from app.describe.vlm import VLMDescriber

    model = ResolvedModel(native_dir, "OpenGVLab/InternVL2-2B", REVISION, "internvl")
    describer = VLMDescriber(model, device="cpu", batch_size=2, max_new_tokens=6)
    rng = np.random.default_rng(3)
    products = [[rng.integers(0, 256, (80, 120, 3), dtype=np.uint8)],
                [rng.integers(0, 256, (64, 64, 3), dtype=np.uint8),
                 rng.integers(0, 256, (90, 50, 3), dtype=np.uint8)]]
    try:
        out = describer.describe(products)
    finally:
        describer.close()
    assert len(out) == 2
    assert all(d.text for d in out)  # random weights still generate tokens for each product
    assert {(d.model_id, d.revision) for d in out} == {("OpenGVLab/InternVL2-2B", REVISION)}


def test_a_finished_conversion_is_reused(original_dir: Path, tmp_path: Path) -> None:
    events: list = []
    first = converted_folder(original_dir, tmp_path, REVISION, events.append)
    assert first == tmp_path / f"internvl2-{REVISION[:12]}"
    assert any(isinstance(e, Notice) for e in events)
    stamp = (first / MARKER).stat().st_mtime_ns
    events.clear()
    assert converted_folder(original_dir, tmp_path, REVISION, events.append) == first
    assert events == [] and (first / MARKER).stat().st_mtime_ns == stamp


def test_a_folder_without_the_marker_is_converted_again(original_dir: Path, tmp_path: Path) -> None:
    half = tmp_path / f"internvl2-{REVISION[:12]}"
    half.mkdir()
    (half / "config.json").write_text("{}")  # what an interrupted copy could leave
    folder = converted_folder(original_dir, tmp_path, REVISION)
    assert (folder / MARKER).is_file() and (folder / "tokenizer.json").is_file()
    assert [p.name for p in tmp_path.iterdir()] == [half.name]  # no temp folders left behind


def test_an_unknown_weight_is_named_not_dropped(tmp_path: Path) -> None:
    import torch

    odd = "vision_model.encoder.layers.0.attn.mystery_gate"
    source = make_tiny_original_internvl2(tmp_path / "odd", extra={odd: torch.ones(4)})
    with pytest.raises(ModelError, match="mystery_gate"):
        convert(source, tmp_path / "native")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["odd"]


def test_the_fixture_is_in_the_original_layout() -> None:
    # Guards the test itself: the converter must be fed original names, never native ones.
    names = set(original_tensors(original_config(400)))
    assert "language_model.model.layers.0.attention.wqkv.weight" in names
    assert "vision_model.encoder.layers.0.attn.qkv.weight" in names
    assert not any(n.startswith("model.") or "q_proj" in n for n in names)
    assert "<IMG_CONTEXT>" in INTERNVL_ADDED


# Reference forwards written from the original modelling code (InternLM2 + InternViT), on the
# original tensors: a wrong mapping or split changes their numbers.

def _internlm2_logits(t: dict, llm: dict, ids: Any) -> Any:
    import torch
    import torch.nn.functional as F

    hidden, heads, kv = llm["hidden_size"], llm["num_attention_heads"], llm["num_key_value_heads"]
    d, groups, n = hidden // heads, heads // kv, ids.shape[1]
    eps = llm["rms_norm_eps"]

    def rms(x: Any, w: Any) -> Any:
        return w * x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps)

    def rotate(x: Any) -> Any:
        return torch.cat([-x[..., d // 2 :], x[..., : d // 2]], -1)

    inv = 1.0 / (llm["rope_theta"] ** (torch.arange(0, d, 2).float() / d))
    angles = torch.outer(torch.arange(n).float(), inv)
    cos, sin = torch.cat([angles, angles], -1).cos(), torch.cat([angles, angles], -1).sin()
    mask = torch.full((n, n), float("-inf")).triu(1)
    x = t["language_model.model.tok_embeddings.weight"][ids]
    for i in range(llm["num_hidden_layers"]):
        p = f"language_model.model.layers.{i}."
        h = rms(x, t[p + "attention_norm.weight"])
        qkv = (h @ t[p + "attention.wqkv.weight"].T).view(1, n, kv, groups + 2, d)
        q = qkv[..., :groups, :].reshape(1, n, heads, d).transpose(1, 2)
        k, v = qkv[..., -2, :].transpose(1, 2), qkv[..., -1, :].transpose(1, 2)
        q, k = q * cos + rotate(q) * sin, k * cos + rotate(k) * sin
        k, v = k.repeat_interleave(groups, 1), v.repeat_interleave(groups, 1)
        attended = torch.softmax(q @ k.transpose(-1, -2) / d**0.5 + mask, -1) @ v
        x = x + attended.transpose(1, 2).reshape(1, n, hidden) @ t[p + "attention.wo.weight"].T
        h = rms(x, t[p + "ffn_norm.weight"])
        gate = F.silu(h @ t[p + "feed_forward.w1.weight"].T) * (h @ t[p + "feed_forward.w3.weight"].T)
        x = x + gate @ t[p + "feed_forward.w2.weight"].T
    return rms(x, t["language_model.model.norm.weight"]) @ t["language_model.output.weight"].T


def _internvit_features(t: dict, config: dict, pixels: Any) -> Any:
    import torch
    import torch.nn.functional as F

    vision = config["vision_config"]
    heads, eps = vision["num_attention_heads"], vision["layer_norm_eps"]
    e = "vision_model.embeddings."
    x = F.conv2d(pixels, t[e + "patch_embedding.weight"], t[e + "patch_embedding.bias"],
                 stride=vision["patch_size"])
    x = x.flatten(2).transpose(1, 2)
    b, n, c = x.shape[0], x.shape[1] + 1, x.shape[2]
    x = torch.cat([t[e + "class_embedding"].expand(b, -1, -1), x], 1) + t[e + "position_embedding"]
    for i in range(vision["num_hidden_layers"]):
        p = f"vision_model.encoder.layers.{i}."
        h = F.layer_norm(x, (c,), t[p + "norm1.weight"], t[p + "norm1.bias"], eps)
        qkv = (h @ t[p + "attn.qkv.weight"].T + t[p + "attn.qkv.bias"]).reshape(b, n, 3, heads, c // heads)
        q, k, v = qkv.permute(2, 0, 3, 1, 4).unbind(0)
        attended = (torch.softmax(q @ k.transpose(-1, -2) * (c // heads) ** -0.5, -1) @ v)
        attended = attended.transpose(1, 2).reshape(b, n, c)
        attended = attended @ t[p + "attn.proj.weight"].T + t[p + "attn.proj.bias"]
        x = x + attended * t[p + "ls1"]
        h = F.layer_norm(x, (c,), t[p + "norm2.weight"], t[p + "norm2.bias"], eps)
        h = F.gelu(h @ t[p + "mlp.fc1.weight"].T + t[p + "mlp.fc1.bias"]) @ t[p + "mlp.fc2.weight"].T
        x = x + (h + t[p + "mlp.fc2.bias"]) * t[p + "ls2"]
    side = int((n - 1) ** 0.5)
    x = x[:, 1:].reshape(b, side, side, c)
    # InternVLChatModel.pixel_shuffle, ps_version v2, scale 0.5.
    x = x.view(b, side, side // 2, c * 2).permute(0, 2, 1, 3).contiguous()
    x = x.view(b, side // 2, side // 2, c * 4).permute(0, 2, 1, 3).contiguous().reshape(b, -1, c * 4)
    x = F.layer_norm(x, (c * 4,), t["mlp1.0.weight"], t["mlp1.0.bias"])
    x = F.gelu(x @ t["mlp1.1.weight"].T + t["mlp1.1.bias"])
    return x @ t["mlp1.3.weight"].T + t["mlp1.3.bias"]
