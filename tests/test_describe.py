"""The local describer, run for real through the production loader on a tiny random-weight Qwen3-VL."""

from __future__ import annotations

import gc
import subprocess
import sys
import weakref
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from app.describe import Description, load_describer
from app.describe.loading import pick_dtype, pretrained_kwargs
from app.describe.registry import DESCRIBERS, family_of
from app.describe.vlm import parse_description
from app.errors import ModelError
from tests.tiny_vlm import make_tiny_qwen3_5, make_tiny_qwen3_vl


@pytest.fixture(scope="module")
def tiny_vlm_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_tiny_qwen3_vl(tmp_path_factory.mktemp("models") / "tiny-qwen3-vl")


@pytest.fixture(scope="module")
def describer(tiny_vlm_dir: Path) -> Any:
    d = load_describer(str(tiny_vlm_dir), device="cpu", batch_size=3, max_new_tokens=8)
    yield d
    d.close()


def _photo(height: int, width: int, seed: int) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, 256, (height, width, 3), dtype=np.uint8)


PRODUCTS = [
    [_photo(120, 200, 1)],
    [_photo(64, 64, 2), _photo(300, 100, 3)],
    [_photo(480, 360, 4)],
]


def test_batch_of_products_gives_one_description_each_with_provenance(
    describer: Any, tiny_vlm_dir: Path
) -> None:
    out = describer.describe(PRODUCTS)
    assert len(out) == 3
    assert all(isinstance(d, Description) for d in out)
    assert {d.model_id for d in out} == {str(tiny_vlm_dir.resolve())}
    assert {d.revision for d in out} == {"local"}


def test_a_batch_says_the_same_as_single_runs(describer: Any) -> None:
    # Left padding must not change any row: rows of different lengths are padded here.
    batched = [d.text for d in describer.describe(PRODUCTS)]
    singles = [describer.describe([p])[0].text for p in PRODUCTS]
    assert batched == singles
    assert any(batched)


def test_qwen3_5_loads_natively_and_describes_a_batch_like_single_runs(tmp_path: Path) -> None:
    # Qwen3.5 mixes Gated-DeltaNet (linear attention) layers with full attention: left padding
    # must not leak into the recurrent state, or batched rows would differ from single ones.
    folder = make_tiny_qwen3_5(tmp_path / "tiny-qwen3.5")
    assert family_of(folder) == "qwen3_vl"
    d = load_describer(str(folder), device="cpu", batch_size=3, max_new_tokens=8)
    try:
        assert type(d._model).__name__ == "Qwen3_5ForConditionalGeneration"
        batched = [x.text for x in d.describe(PRODUCTS)]
        assert batched == [d.describe([p])[0].text for p in PRODUCTS] and all(batched)
    finally:
        d.close()


class _ProcessorSpy:
    """Delegates to the real processor and keeps what it produced."""

    def __init__(self, real: Any) -> None:
        self.real, self.calls = real, []

    def __call__(self, **kwargs: Any) -> Any:
        out = self.real(**kwargs)
        self.calls.append(out)
        return out

    def __getattr__(self, name: str) -> Any:
        return getattr(self.real, name)


def test_visual_tokens_and_photo_count_are_capped(tiny_vlm_dir: Path) -> None:
    cap = 32 * 32 * 4  # four visual tokens (one per 32x32 px), below the saved processor's own limit
    d = load_describer(str(tiny_vlm_dir), device="cpu", max_pixels=cap, max_photos=2, max_new_tokens=2)
    spy = _ProcessorSpy(d._processor)
    d._processor = spy
    d.describe([[_photo(900, 1200, 5)] * 5])
    (inputs,) = spy.calls
    grid = inputs["image_grid_thw"]
    assert grid.shape[0] == 2  # only the first two photos
    tokens_per_photo = grid.prod(dim=1) // 4  # merge 2x2 patches into one token
    assert int(tokens_per_photo.max()) <= cap // (32 * 32)
    image_tokens = int((inputs["input_ids"] == d._processor.image_token_id).sum())
    assert image_tokens == int(tokens_per_photo.sum()) <= 2 * cap // (32 * 32)
    d.close()


def test_unparseable_output_is_kept_as_text_and_json_is_read_leniently(
    describer: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    answers = [
        "I cannot see a product here.",
        'Sure! ```json\n{"description": "A red mug.", "colors": ["red", "white"], "material": "unknown"}```',
        '{"product_type": "mug", "count": "2", "visible_text": "ORGANIC TEA',  # cut off mid-string
    ]
    monkeypatch.setattr(describer, "_generate", lambda batch: answers[: len(batch)])
    plain, fenced, cut = describer.describe(PRODUCTS)
    assert plain == Description("I cannot see a product here.", {}, plain.model_id, plain.revision)
    assert fenced.text == "A red mug."
    assert fenced.attributes == {"colors": "red, white"}  # "unknown" is not a fact
    assert cut.attributes == {"product_type": "mug", "count": "2", "visible_text": "ORGANIC TEA"}
    assert "mug" in cut.text


def test_a_product_without_photos_gets_an_empty_description(describer: Any) -> None:
    empty, full = describer.describe([[], PRODUCTS[0]])
    assert empty.text == "" and empty.attributes == {}
    assert full == describer.describe([PRODUCTS[0]])[0]


def test_gpu_out_of_memory_halves_the_batch(describer: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    import torch

    sizes: list[int] = []

    def generate(batch: Any) -> list[str]:
        sizes.append(len(batch))
        if len(batch) > 1:
            raise torch.cuda.OutOfMemoryError("CUDA out of memory. Tried to allocate 2.00 GiB")
        return ['{"description": "A mug."}']

    monkeypatch.setattr(describer, "_generate", generate)
    assert [d.text for d in describer.describe(PRODUCTS)] == ["A mug."] * 3
    assert sizes == [3, 1, 2, 1, 1]


def test_out_of_memory_frees_the_failed_attempt_before_the_retry(
    describer: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import gc
    import weakref

    import torch

    from app.describe import vlm

    held: list[weakref.ref] = []
    freed_then: list[bool] = []

    class Activations:  # stands for the tensors the failed generate had allocated
        pass

    def generate(batch: Any) -> list[str]:
        if len(batch) > 1:
            taken = Activations()
            held.append(weakref.ref(taken))
            raise torch.cuda.OutOfMemoryError("CUDA out of memory.")
        return ['{"description": "A mug."}']

    def free_memory() -> None:
        gc.collect()
        freed_then.append(all(ref() is None for ref in held))

    monkeypatch.setattr(describer, "_generate", generate)
    monkeypatch.setattr(vlm, "free_memory", free_memory)
    assert [d.text for d in describer.describe(PRODUCTS[:2])] == ["A mug."] * 2
    assert freed_then == [True]  # nothing of the failed attempt was still alive when memory was freed


def test_precision_reaches_from_pretrained_for_describer_and_writer(
    tiny_vlm_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What --quantize / Settings precision hands to transformers (no CUDA here: the load is stopped
    at from_pretrained and its arguments are checked)."""
    import asyncio

    import torch
    import transformers

    from app.describe import loading
    from app.marketplace import marketplaces
    from app.pipeline.text import TextOptions, default_describer, default_writer

    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "is_bf16_supported", lambda *a, **k: True)
    monkeypatch.setattr(loading, "check_quantize_possible", lambda quantize, device: None)
    seen: list[dict] = []

    class Stop(Exception):
        pass

    def from_pretrained(path: Any, **kwargs: Any) -> Any:
        seen.append(kwargs)
        raise Stop

    monkeypatch.setattr(transformers.AutoModelForImageTextToText, "from_pretrained", from_pretrained)
    options = TextOptions(provider="local", vlm_model=str(tiny_vlm_dir), quantize="4bit")
    with pytest.raises(Stop):
        default_describer(options, lambda e: None)
    writer = default_writer(options, lambda e: None)
    with pytest.raises(Stop):
        asyncio.run(writer.write(Description("A mug."), product_name="mug",
                                 marketplace=marketplaces.get("wb")))
    assert len(seen) == 2
    for kwargs in seen:
        config = kwargs["quantization_config"]
        assert config.load_in_4bit and config.bnb_4bit_quant_type == "nf4"
        assert kwargs["device_map"] == {"": "cuda"} and kwargs["dtype"] is torch.bfloat16
        assert kwargs["trust_remote_code"] is False


def test_quantisation_on_the_processor_says_it_needs_an_nvidia_gpu() -> None:
    from app.describe.loading import check_quantize_possible

    with pytest.raises(ModelError, match="needs an NVIDIA GPU"):
        check_quantize_possible("4bit", "cpu")
    with pytest.raises(ModelError, match="needs an NVIDIA GPU"):
        check_quantize_possible("8bit", "auto")  # no CUDA on this machine


def test_parse_never_raises_on_odd_json() -> None:
    assert parse_description("[1, 2]").text == "[1, 2]"
    assert parse_description('{"description": null, "colors": {"main": "red"}}').text == "colors: main: red"
    assert parse_description("").text == ""


@pytest.mark.parametrize("name", [n for n, s in DESCRIBERS.items() if s.revision is None])
def test_unpinned_models_are_refused_with_a_clear_message(name: str) -> None:
    with pytest.raises(ModelError, match="no commit accepted.*vitrina models download.*folder"):
        load_describer(name, device="cpu")


def test_unknown_name_lists_the_known_models() -> None:
    with pytest.raises(ModelError, match="qwen3-vl-2b"):
        load_describer("no-such-model", device="cpu")


def test_a_pinned_name_downloads_exactly_that_commit_without_code(
    tiny_vlm_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import huggingface_hub

    asked: list[dict[str, Any]] = []

    def fake_snapshot_download(repo_id: str, **kwargs: Any) -> str:
        asked.append({"repo_id": repo_id, **kwargs})
        return str(tiny_vlm_dir)

    monkeypatch.setattr(huggingface_hub, "snapshot_download", fake_snapshot_download)
    d = load_describer("qwen3-vl-2b", device="cpu", max_new_tokens=2)
    assert (d.model_id, d.revision) == ("Qwen/Qwen3-VL-2B-Instruct", DESCRIBERS["qwen3-vl-2b"].revision)
    assert {a["revision"] for a in asked} == {DESCRIBERS["qwen3-vl-2b"].revision}
    assert not any(p.endswith(".py") for a in asked for p in a["allow_patterns"])
    assert d.describe([PRODUCTS[0]])[0].revision == DESCRIBERS["qwen3-vl-2b"].revision
    d.close()


def test_close_releases_the_model(tiny_vlm_dir: Path) -> None:
    d = load_describer(str(tiny_vlm_dir), device="cpu", max_new_tokens=2)
    model = weakref.ref(d._model)
    d.close()
    gc.collect()
    assert model() is None
    with pytest.raises(ModelError, match="closed"):
        d.describe([PRODUCTS[0]])


def test_quantisation_is_refused_on_the_cpu(tiny_vlm_dir: Path) -> None:
    with pytest.raises(ModelError, match="CUDA"):
        load_describer(str(tiny_vlm_dir), device="cpu", quantize="8bit")


def test_a_text_only_model_is_refused_as_a_describer(tmp_path: Path) -> None:
    (tmp_path / "config.json").write_text('{"model_type": "qwen2"}', encoding="utf-8")
    with pytest.raises(ModelError, match="not a supported image\\+text model"):
        load_describer(str(tmp_path), device="cpu")


def test_dtype_follows_the_device(monkeypatch: pytest.MonkeyPatch) -> None:
    import torch

    assert pick_dtype("cpu") is torch.float32
    assert pick_dtype("cpu", "bf16") is torch.bfloat16
    monkeypatch.setattr(torch.cuda, "is_bf16_supported", lambda *a, **k: False)
    assert pick_dtype("cuda") is torch.float16  # T4 and older: no bf16
    monkeypatch.setattr(torch.cuda, "is_bf16_supported", lambda *a, **k: True)
    assert pick_dtype("cuda") is torch.bfloat16
    with pytest.raises(ModelError, match="Unknown dtype"):
        pick_dtype("cpu", "int3")


def test_quantisation_names_what_is_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib.util

    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None)
    with pytest.raises(ModelError, match=r"pip install 'vitrina\[gpu\]'"):
        pretrained_kwargs("cuda", None, "4bit", ["visual"])
    with pytest.raises(ModelError, match="Unknown quantisation"):
        pretrained_kwargs("cuda", None, "3bit", [])
    assert pretrained_kwargs("cpu", None, None, [])["trust_remote_code"] is False


def test_importing_the_describer_and_writer_stays_cheap() -> None:
    code = (
        "import sys, app.describe, app.cardtext.local_writer; "
        "heavy = {'torch', 'transformers'} & set(sys.modules); assert not heavy, heavy"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=Path(__file__).resolve().parent.parent)
