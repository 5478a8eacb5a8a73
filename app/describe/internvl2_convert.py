"""Convert an original-layout InternVL2 checkpoint (``internvl_chat``, InternLM2 inside) to the native
transformers ``InternVLForConditionalGeneration`` layout, once, so it loads without remote code.

The original repo needs its own modelling code; the native classes need other key names, a Llama
text config (InternLM2 is a Llama with fused q/k/v), a fast tokenizer and an InternVL processor.
Every original key must map to a native one: a dropped weight would load as random noise.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path
from typing import Any

from app.atomic import write_json
from app.errors import ModelError
from app.events import EventSink, Notice, Progress, ignore
from app.i18n import _

MARKER = ".vitrina-converted.json"  # written last: a folder without it is not a finished conversion
CONVERTER_VERSION = 1  # bump when the output changes, so old conversions are redone

IMAGENET_MEAN = (0.485, 0.456, 0.406)  # what InternVL2's own preprocessing normalises with
IMAGENET_STD = (0.229, 0.224, 0.225)
# InternVL2's "internlm2-chat" template always starts with this system message unless given one.
DEFAULT_SYSTEM = (
    "你是由上海人工智能实验室联合商汤科技开发的书生多模态大模型，"
    "英文名叫InternVL, 是一个有用无害的人工智能助手。"
)
# The original MPT-style prompt: "<|im_start|>role\n" + text + "<|im_end|>", no newline between
# turns; an image is "<image>\n" before the question, numbered "Image-1: " when there are several.
CHAT_TEMPLATE = (  # every literal is a {{ }} expression, so whitespace control never eats a newline
    "{%- set ns = namespace(system='" + DEFAULT_SYSTEM + "') -%}"
    "{%- if messages and messages[0]['role'] == 'system' -%}"
    "{%- if messages[0]['content'] is string -%}{%- set ns.system = messages[0]['content'] -%}"
    "{%- else -%}{%- set ns.system = messages[0]['content'] | map(attribute='text') | join('') -%}"
    "{%- endif -%}{%- endif -%}"
    "{{- '<|im_start|>system\\n' + ns.system + '<|im_end|>' -}}"
    "{%- for message in messages if message['role'] != 'system' -%}"
    "{{- '<|im_start|>' + message['role'] + '\\n' -}}"
    "{%- if message['content'] is string -%}{{- message['content'] -}}"
    "{%- else -%}"
    "{%- set images = message['content'] | selectattr('type', 'equalto', 'image') | list | length -%}"
    "{%- set count = namespace(n=0) -%}"
    "{%- for part in message['content'] -%}"
    "{%- if part['type'] == 'image' -%}{%- set count.n = count.n + 1 -%}"
    "{%- if images > 1 -%}{{- 'Image-' + count.n | string + ': ' -}}{%- endif -%}"
    "{{- '<IMG_CONTEXT>\\n' -}}"
    "{%- elif part['type'] == 'text' -%}{{- part['text'] -}}{%- endif -%}"
    "{%- endfor -%}{%- endif -%}"
    "{{- '<|im_end|>' -}}"
    "{%- endfor -%}"
    "{%- if add_generation_prompt -%}{{- '<|im_start|>assistant\\n' -}}{%- endif -%}"
)

_L = r"language_model\.model\.layers\.(\d+)\."
_NV = "model.vision_tower."
_NL = "model.language_model.layers.{0}."

# (original key pattern, native name template(s) formatted with the groups, how to split the tensor)
_RULES: list[tuple[str, tuple[str, ...], str]] = [
    (r"vision_model\.embeddings\.class_embedding", (_NV + "embeddings.cls_token",), ""),
    (r"vision_model\.embeddings\.position_embedding", (_NV + "embeddings.position_embeddings",), ""),
    (r"vision_model\.embeddings\.patch_embedding\.(weight|bias)",
     (_NV + "embeddings.patch_embeddings.projection.{0}",), ""),
    (r"vision_model\.encoder\.layers\.(\d+)\.ls([12])", (_NV + "encoder.layer.{0}.lambda_{1}",), ""),
    (r"vision_model\.encoder\.layers\.(\d+)\.norm1\.(weight|bias)",
     (_NV + "encoder.layer.{0}.layernorm_before.{1}",), ""),
    (r"vision_model\.encoder\.layers\.(\d+)\.norm2\.(weight|bias)",
     (_NV + "encoder.layer.{0}.layernorm_after.{1}",), ""),
    (r"vision_model\.encoder\.layers\.(\d+)\.attn\.proj\.(weight|bias)",
     (_NV + "encoder.layer.{0}.attention.projection_layer.{1}",), ""),
    (r"vision_model\.encoder\.layers\.(\d+)\.attn\.(q|k)_norm\.weight",
     (_NV + "encoder.layer.{0}.attention.{1}_norm.weight",), ""),
    (r"vision_model\.encoder\.layers\.(\d+)\.mlp\.(fc[12])\.(weight|bias)",
     (_NV + "encoder.layer.{0}.mlp.{1}.{2}",), ""),
    # InternViT's qkv is q, k and v stacked (reshape(B, N, 3, heads, d) in its attention).
    (r"vision_model\.encoder\.layers\.(\d+)\.attn\.qkv\.(weight|bias)",
     tuple(_NV + "encoder.layer.{0}.attention." + p + "_proj.{1}" for p in "qkv"), "thirds"),
    (r"mlp1\.0\.(weight|bias)", ("model.multi_modal_projector.layer_norm.{0}",), ""),
    (r"mlp1\.1\.(weight|bias)", ("model.multi_modal_projector.linear_1.{0}",), ""),
    (r"mlp1\.3\.(weight|bias)", ("model.multi_modal_projector.linear_2.{0}",), ""),
    (r"language_model\.model\.tok_embeddings\.weight", ("model.language_model.embed_tokens.weight",), ""),
    (r"language_model\.model\.norm\.weight", ("model.language_model.norm.weight",), ""),
    (r"language_model\.output\.weight", ("lm_head.weight",), ""),
    (_L + r"attention\.wo\.(weight|bias)", (_NL + "self_attn.o_proj.{1}",), ""),
    (_L + r"feed_forward\.w1\.weight", (_NL + "mlp.gate_proj.weight",), ""),
    (_L + r"feed_forward\.w3\.weight", (_NL + "mlp.up_proj.weight",), ""),
    (_L + r"feed_forward\.w2\.weight", (_NL + "mlp.down_proj.weight",), ""),
    (_L + r"attention_norm\.weight", (_NL + "input_layernorm.weight",), ""),
    (_L + r"ffn_norm\.weight", (_NL + "post_attention_layernorm.weight",), ""),
    (_L + r"attention\.wqkv\.(weight|bias)",
     tuple(_NL + f"self_attn.{p}_proj.{{1}}" for p in "qkv"), "grouped"),
]
_COMPILED = [(re.compile(pattern), names, split) for pattern, names, split in _RULES]
# Derived buffers some exports include; the native model recomputes them.
_DERIVED = re.compile(r".*rotary_emb\.inv_freq")


def is_original_internvl(folder: Path) -> bool:
    try:
        config = json.loads((Path(folder) / "config.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(config, dict) and config.get("model_type") == "internvl_chat"


def converted_folder(source: Path, cache_root: Path, revision: str, events: EventSink = ignore) -> Path:
    """The native conversion of ``source``, made on first use and reused afterwards."""
    target = Path(cache_root) / f"internvl2-{revision[:12]}"
    if _is_complete(target):
        return target
    return convert(source, target, events)


def convert(source: Path, target: Path, events: EventSink = ignore) -> Path:
    """Write the native checkpoint of ``source`` to ``target`` (replacing it) and return ``target``."""
    source, target = Path(source), Path(target)
    original = _read_json(source / "config.json")
    _check_supported(original, source)
    events(Notice(_("Converting InternVL2 to the native layout (once)…")))
    target.parent.mkdir(parents=True, exist_ok=True)
    # Built beside the target and renamed into place: an interrupted run leaves only a temp folder.
    work = target.parent / f".{target.name}.partial-{os.getpid()}"
    shutil.rmtree(work, ignore_errors=True)
    try:
        work.mkdir()
        tokenizer = write_tokenizer_and_processor(source, work, original)
        config = native_config(original, tokenizer)
        _write_weights(source, work, config, events)
        config.save_pretrained(work)
        _generation_config(config, tokenizer).save_pretrained(work)
        write_json(work / MARKER, {"converter_version": CONVERTER_VERSION, "source": str(source)})
        _replace(work, target)
    except OSError as err:
        raise ModelError(_("Could not convert {source} to the native InternVL layout: {error}").format(
            source=source, error=err)) from err
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return target


def native_names(key: str) -> tuple[tuple[str, ...], str] | None:
    """The native name(s) of one original key and how its tensor splits; None when nothing maps it."""
    for pattern, names, split in _COMPILED:
        match = pattern.fullmatch(key)
        if match:
            groups = [g for g in match.groups() if g is not None]
            return tuple(n.format(*groups) for n in names), split
    return None


def split_grouped_qkv(tensor: Any, num_heads: int, num_kv_heads: int, head_dim: int) -> tuple[Any, Any, Any]:
    """InternLM2's fused ``wqkv`` as Llama's q, k and v.

    Its rows are grouped per key/value head: for each kv head, that head's ``groups`` query heads,
    then its key, then its value (InternLM2Attention reshapes to ``(h, groups + 2, d)``). Query head
    ``h * groups + g`` is therefore kv head ``h``'s ``g``-th, as Llama's repeat_kv expects.
    """
    groups = num_heads // num_kv_heads
    rest = tensor.shape[1:]
    blocks = tensor.reshape(num_kv_heads, groups + 2, head_dim, *rest)
    q = blocks[:, :groups].reshape(num_heads * head_dim, *rest)
    k = blocks[:, -2].reshape(num_kv_heads * head_dim, *rest)
    v = blocks[:, -1].reshape(num_kv_heads * head_dim, *rest)
    return q.clone(), k.clone(), v.clone()


def native_tensors(tensors: dict[str, Any], original: dict) -> dict[str, Any]:
    """Original tensors under their native names; raises ModelError naming any key it cannot map."""
    llm = original["llm_config"]
    heads, kv_heads = llm["num_attention_heads"], llm.get("num_key_value_heads") or llm["num_attention_heads"]
    head_dim = llm["hidden_size"] // heads
    _raise_unmapped([k for k in tensors if native_names(k) is None and not _DERIVED.fullmatch(k)])
    out: dict[str, Any] = {}
    for key, tensor in tensors.items():
        mapped = native_names(key)
        if mapped is None:
            continue  # a derived buffer (checked above)
        names, split = mapped
        if split == "grouped":
            parts = split_grouped_qkv(tensor, heads, kv_heads, head_dim)
        elif split == "thirds":
            parts = tuple(p.clone() for p in tensor.chunk(3, dim=0))
        else:
            parts = (tensor.contiguous(),)
        out.update(zip(names, parts, strict=True))
    return out


def native_config(original: dict, tokenizer: Any) -> Any:
    """The native ``InternVLConfig``: InternLM2 as a Llama text config, InternViT as the vision tower."""
    from transformers import InternVLConfig

    llm, vision = original["llm_config"], original["vision_config"]
    image_size = int(original.get("force_image_size") or vision["image_size"])
    patch = int(vision["patch_size"])
    ratio = float(original.get("downsample_ratio", 0.5))
    rope: dict[str, Any] = {"rope_type": "default", "rope_theta": float(llm.get("rope_theta", 10000.0))}
    scaling = llm.get("rope_scaling") or {}
    if scaling:
        kind = scaling.get("rope_type") or scaling.get("type")
        if kind not in ("dynamic", "linear"):
            raise ModelError(_("This InternVL2 checkpoint uses an unsupported rope scaling: {kind}").format(
                kind=kind))
        rope.update(rope_type=kind, factor=float(scaling["factor"]))
    tie = bool(llm.get("tie_word_embeddings", False))
    text_config = {
        "model_type": "llama",
        "vocab_size": llm["vocab_size"],
        "hidden_size": llm["hidden_size"],
        "intermediate_size": llm["intermediate_size"],
        "num_hidden_layers": llm["num_hidden_layers"],
        "num_attention_heads": llm["num_attention_heads"],
        "num_key_value_heads": llm.get("num_key_value_heads") or llm["num_attention_heads"],
        "head_dim": llm["hidden_size"] // llm["num_attention_heads"],
        "hidden_act": llm.get("hidden_act", "silu"),
        "max_position_embeddings": llm.get("max_position_embeddings", 32768),
        "rms_norm_eps": llm.get("rms_norm_eps", 1e-5),
        "rope_parameters": rope,
        "attention_bias": bool(llm.get("bias", False)),  # InternLM2's bias covers wqkv and wo only
        "mlp_bias": False,
        "tie_word_embeddings": tie,
        "bos_token_id": tokenizer.bos_token_id,
        "eos_token_id": tokenizer.eos_token_id,
        "pad_token_id": tokenizer.pad_token_id,
    }
    vision_config = {
        "hidden_size": vision["hidden_size"],
        "num_hidden_layers": vision["num_hidden_layers"],
        "num_attention_heads": vision["num_attention_heads"],
        "intermediate_size": vision["intermediate_size"],
        "hidden_act": vision.get("hidden_act", "gelu"),
        "layer_norm_eps": vision.get("layer_norm_eps", 1e-6),
        "norm_type": vision.get("norm_type", "layer_norm"),
        "attention_bias": bool(vision.get("qkv_bias", True)),
        "use_qk_norm": bool(vision.get("qk_normalization", False)),
        "image_size": image_size,
        "patch_size": patch,
        "num_channels": vision.get("num_channels", 3),
        "use_mean_pooling": True,  # InternViT has no final layer norm: keep the identity there
    }
    config = InternVLConfig(
        text_config=text_config,
        vision_config=vision_config,
        image_token_id=tokenizer.context_image_token_id,
        image_seq_length=image_seq_length(original),
        downsample_ratio=ratio,
        projector_hidden_act="gelu",
        vision_feature_layer=int(original.get("select_layer", -1)),
        vision_feature_select_strategy="default",  # the original drops the CLS token too
        tie_word_embeddings=tie,
    )
    dtype = original.get("torch_dtype") or llm.get("torch_dtype")
    if dtype:
        config.dtype = dtype
    return config


def image_seq_length(original: dict) -> int:
    """Visual tokens per 448 px tile, as InternVLChatModel computes ``num_image_token``."""
    vision = original["vision_config"]
    image_size = int(original.get("force_image_size") or vision["image_size"])
    ratio = float(original.get("downsample_ratio", 0.5))
    return int((image_size // int(vision["patch_size"])) ** 2 * ratio**2)


def write_tokenizer_and_processor(source: Path, out: Path, original: dict) -> Any:
    """Save an InternVL processor (fast tokenizer + tiling image processor) to ``out``;
    return its tokenizer."""
    from transformers import GotOcr2ImageProcessor, InternVLProcessor, InternVLVideoProcessor

    from app.describe.internvl2_tokenizer import fast_tokenizer

    tokenizer = fast_tokenizer(source)
    size = int(original.get("force_image_size") or original["vision_config"]["image_size"])
    image_processor = GotOcr2ImageProcessor(
        size={"height": size, "width": size},
        crop_to_patches=bool(original.get("dynamic_image_size", True)),
        min_patches=int(original.get("min_dynamic_patch", 1)),
        max_patches=int(original.get("max_dynamic_patch", 12)),
        image_mean=IMAGENET_MEAN,
        image_std=IMAGENET_STD,
        do_convert_rgb=True,
    )
    processor = InternVLProcessor(
        image_processor=image_processor,
        tokenizer=tokenizer,
        video_processor=InternVLVideoProcessor(),
        image_seq_length=image_seq_length(original),
        chat_template=CHAT_TEMPLATE,
    )
    processor.save_pretrained(out)
    return tokenizer


def _check_supported(original: dict, source: Path) -> None:
    if original.get("model_type") != "internvl_chat":
        raise ModelError(_("{path} is not an original InternVL2 checkpoint.").format(path=source))
    llm = original.get("llm_config") or {}
    architectures = llm.get("architectures") or []
    if "InternLM2ForCausalLM" not in architectures:
        raise ModelError(_("Only InternVL2 checkpoints with an InternLM2 language model can be converted; "
                           "{path} has {arch}.").format(path=source, arch=", ".join(architectures) or "?"))
    if original.get("ps_version", "v2") != "v2":
        raise ModelError(_("Only InternVL2 checkpoints with pixel shuffle v2 can be converted."))


def _weight_files(source: Path) -> list[Path]:
    index = source / "model.safetensors.index.json"
    if index.is_file():
        names = sorted(set(_read_json(index)["weight_map"].values()))
        return [source / name for name in names]
    single = source / "model.safetensors"
    if single.is_file():
        return [single]
    raise ModelError(_("{path} has no safetensors weights to convert.").format(path=source))


def _write_weights(source: Path, out: Path, config: Any, events: EventSink) -> None:
    """Map every shard's keys (all checked before any tensor is read), then write one shard per shard."""
    from safetensors import safe_open
    from safetensors.torch import save_file

    original = _read_json(source / "config.json")
    files = _weight_files(source)
    keys: dict[Path, list[str]] = {}
    for path in files:
        with safe_open(path, framework="pt") as handle:
            keys[path] = list(handle.keys())
    every = [k for names in keys.values() for k in names]
    _raise_unmapped([k for k in every if native_names(k) is None and not _DERIVED.fullmatch(k)])
    _raise_missing(every, config)

    weight_map: dict[str, str] = {}
    for number, path in enumerate(files, start=1):
        name = ("model.safetensors" if len(files) == 1
                else f"model-{number:05d}-of-{len(files):05d}.safetensors")
        with safe_open(path, framework="pt") as handle:
            tensors = native_tensors({k: handle.get_tensor(k) for k in keys[path]}, original)
        save_file(tensors, str(out / name), metadata={"format": "pt"})
        weight_map.update(dict.fromkeys(tensors, name))
        del tensors
        events(Progress("convert", number, len(files)))
    if len(files) > 1:
        write_json(out / "model.safetensors.index.json", {"metadata": {}, "weight_map": weight_map})


def _raise_unmapped(keys: list[str]) -> None:
    if keys:
        raise ModelError(_("The InternVL2 checkpoint has weights the converter does not know: {keys}").format(
            keys=", ".join(sorted(keys)[:10]) + (" …" if len(keys) > 10 else "")))


def _raise_missing(original_keys: list[str], config: Any) -> None:
    """Every native weight must come from the checkpoint; a missing one would be left random."""
    import torch
    from transformers import InternVLForConditionalGeneration

    produced = {n for k in original_keys if (m := native_names(k)) for n in m[0]}
    with torch.device("meta"):
        expected = set(InternVLForConditionalGeneration(config).state_dict())
    if config.tie_word_embeddings:
        expected.discard("lm_head.weight")
    missing = sorted(expected - produced)
    if missing:
        raise ModelError(_("The InternVL2 checkpoint lacks weights the native model needs: {keys}").format(
            keys=", ".join(missing[:10]) + (" …" if len(missing) > 10 else "")))


def _generation_config(config: Any, tokenizer: Any) -> Any:
    from transformers import GenerationConfig

    # InternVL2 stops at </s> or at the end of its turn, "<|im_end|>".
    stops = [tokenizer.eos_token_id]
    im_end = tokenizer.convert_tokens_to_ids("<|im_end|>")
    if isinstance(im_end, int) and im_end != tokenizer.unk_token_id:
        stops.append(im_end)
    return GenerationConfig(bos_token_id=tokenizer.bos_token_id, eos_token_id=stops,
                            pad_token_id=tokenizer.pad_token_id)


def _is_complete(folder: Path) -> bool:
    try:
        marker = json.loads((folder / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(marker, dict) and marker.get("converter_version") == CONVERTER_VERSION


def _replace(work: Path, target: Path) -> None:
    """Move the finished ``work`` folder to ``target``; an older or unfinished target goes first."""
    if target.exists():
        old = target.parent / f".{target.name}.old-{os.getpid()}"
        os.replace(target, old)
        shutil.rmtree(old, ignore_errors=True)
    os.replace(work, target)


def _read_json(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise ModelError(_("Could not read {path}: {error}").format(path=path, error=err)) from err

