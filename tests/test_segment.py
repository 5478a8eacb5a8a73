"""The BiRefNet backend end to end on a tiny model: production loader, masks, strict weights."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import pytest
import torch
from safetensors.torch import load_file, save_file

from app.errors import ModelError
from app.events import Progress
from app.segment import load_segmenter
from app.segment.birefnet import load_model
from tests.tiny_birefnet import UNCERTAIN_GREY, make_tiny_birefnet, product_photo


@pytest.fixture(scope="module")
def tiny_dir(tiny_seg_model: Path) -> Path:
    return tiny_seg_model


@pytest.fixture(scope="module")
def segmenter(tiny_dir: Path):
    seg = load_segmenter(tiny_dir, device="cpu")
    yield seg
    seg.close()


def test_loads_the_folders_own_code_in_eval_mode_fp32(tiny_dir: Path) -> None:
    net = load_model(tiny_dir, "cpu")
    # The class comes from the folder (transformers' dynamic modules), not from anything we ship.
    assert type(net).__module__.startswith("transformers_modules")
    assert type(net).__name__ == "BiRefNet"
    assert not net.training
    assert all(p.dtype == torch.float32 for p in net.parameters())
    # The tiny model raises when bb_pretrained is left True, like the real one would download.
    assert net.config.bb_pretrained is False
    expected = load_file(str(tiny_dir / "model.safetensors"))
    for name, tensor in net.state_dict().items():
        assert torch.equal(tensor, expected[name]), name


def test_identity_of_a_local_folder(segmenter, tiny_dir: Path) -> None:
    digest = hashlib.sha256((tiny_dir / "model.safetensors").read_bytes()).hexdigest()
    assert segmenter.model_id == f"local:{tiny_dir.resolve()}"
    assert segmenter.revision == digest
    assert segmenter.device == "cpu"
    assert segmenter.input_size == (64, 64)  # the folder's own size hint


def test_masks_match_each_photo_size_and_find_the_product(segmenter) -> None:
    photos = [product_photo(120, 90), product_photo(333, 517), product_photo(64, 64), product_photo(7, 1500)]
    masks = segmenter.segment(photos)
    assert [m.shape for m in masks] == [p.shape[:2] for p in photos]
    assert all(m.dtype == np.uint8 for m in masks)
    for mask in masks[:3]:
        h, w = mask.shape
        assert mask[h // 2, w // 2] > 250, "centre of the red product is foreground"
        assert mask[h - 2, w - 2] < 10, "white background is background"


def test_alpha_is_soft_where_the_model_is_unsure(segmenter) -> None:
    photo = np.full((96, 96, 3), 255, dtype=np.uint8)
    photo[:, :48] = UNCERTAIN_GREY  # brightness 0.8: logit 0 for the tiny model
    mask = segmenter.segment([photo])[0]
    assert abs(int(mask[48, 10]) - 128) <= 3
    assert mask[48, 90] < 10
    values = np.unique(mask)
    assert any(20 < v < 235 for v in values), "not a hard 0/255 mask"


def test_a_batch_gives_the_same_masks_as_one_by_one(tiny_dir: Path) -> None:
    photos = [product_photo(100, 80), product_photo(64, 200), product_photo(150, 150, grey_band=False)]
    batched = load_segmenter(tiny_dir, device="cpu", batch_size=3).segment(photos)
    single = load_segmenter(tiny_dir, device="cpu", batch_size=1).segment(photos)
    for a, b in zip(batched, single, strict=True):
        np.testing.assert_array_equal(a, b)


def test_progress_is_reported_per_batch(tiny_dir: Path) -> None:
    events: list = []
    seg = load_segmenter(tiny_dir, device="cpu", batch_size=2, events=events.append)
    seg.segment([product_photo(40, 40)] * 5)
    assert [e for e in events if isinstance(e, Progress)] == [
        Progress("segment", 2, 5),
        Progress("segment", 4, 5),
        Progress("segment", 5, 5),
    ]


@pytest.mark.filterwarnings("error")
def test_read_only_and_strided_photos_are_fine(segmenter) -> None:
    photo = product_photo(64, 80)
    frozen = photo.copy()
    frozen.flags.writeable = False
    flipped = photo[:, ::-1]
    masks = segmenter.segment([frozen, flipped])
    np.testing.assert_array_equal(masks[0], segmenter.segment([photo])[0])
    np.testing.assert_array_equal(masks[1], segmenter.segment([photo])[0][:, ::-1])


def test_no_photos_no_masks(segmenter) -> None:
    assert segmenter.segment([]) == []


@pytest.mark.parametrize(
    "bad", [np.zeros((8, 8), np.uint8), np.zeros((8, 8, 4), np.uint8), np.zeros((8, 8, 3), np.float32)]
)
def test_rejects_photos_that_are_not_rgb_uint8(segmenter, bad: np.ndarray) -> None:
    with pytest.raises(ValueError, match="RGB uint8"):
        segmenter.segment([product_photo(8, 8), bad])


def test_input_size_can_be_overridden_but_must_be_a_multiple_of_32(tiny_dir: Path) -> None:
    seg = load_segmenter(tiny_dir, device="cpu", input_size=(96, 128))
    assert seg.input_size == (96, 128)
    assert seg.segment([product_photo(50, 70)])[0].shape == (50, 70)
    with pytest.raises(ModelError, match="multiples of 32"):
        load_segmenter(tiny_dir, device="cpu", input_size=100)


def test_closed_segmenter_says_so(tiny_dir: Path) -> None:
    seg = load_segmenter(tiny_dir, device="cpu")
    seg.close()
    with pytest.raises(ModelError, match="closed"):
        seg.segment([product_photo(8, 8)])


def _with_weights(tmp_path: Path, edit) -> Path:
    folder = make_tiny_birefnet(tmp_path / "edited")
    state = load_file(str(folder / "model.safetensors"))
    edit(state)
    save_file(state, str(folder / "model.safetensors"))
    return folder


def test_missing_weight_is_a_clear_error(tmp_path: Path) -> None:
    folder = _with_weights(tmp_path, lambda s: s.pop("squeeze.bias"))
    with pytest.raises(ModelError, match=r"missing 1: squeeze\.bias; unexpected 0"):
        load_segmenter(folder, device="cpu")


def test_unexpected_weight_is_a_clear_error(tmp_path: Path) -> None:
    folder = _with_weights(tmp_path, lambda s: s.update({"head.extra": torch.zeros(2)}))
    with pytest.raises(ModelError, match=r"unexpected 1: head\.extra"):
        load_segmenter(folder, device="cpu")


def test_wrong_weight_shape_is_a_clear_error(tmp_path: Path) -> None:
    folder = _with_weights(tmp_path, lambda s: s.update({"bb.bias": torch.zeros(5)}))
    with pytest.raises(ModelError, match="do not fit the model code"):
        load_segmenter(folder, device="cpu")


def test_damaged_weights_file_is_a_clear_error(tmp_path: Path) -> None:
    folder = make_tiny_birefnet(tmp_path / "damaged")
    (folder / "model.safetensors").write_bytes(b"\x00" * 20)
    with pytest.raises(ModelError, match="damaged or incomplete"):
        load_segmenter(folder, device="cpu")


def test_model_code_needing_a_missing_package_is_a_clear_error(tmp_path: Path) -> None:
    folder = make_tiny_birefnet(tmp_path / "needs-pkg")
    code = (folder / "birefnet.py").read_text()
    (folder / "birefnet.py").write_text("import vitrina_no_such_package\n" + code)
    with pytest.raises(ModelError, match="vitrina_no_such_package"):
        load_segmenter(folder, device="cpu")


def test_model_code_that_fails_to_build_is_a_clear_error(tmp_path: Path) -> None:
    folder = make_tiny_birefnet(tmp_path / "broken")
    code = (folder / "birefnet.py").read_text()
    (folder / "birefnet.py").write_text(code.replace("nn.BatchNorm2d(4)", "nn.BatchNorm2d(-4)"))
    with pytest.raises(ModelError, match="failed to build the model"):
        load_segmenter(folder, device="cpu")


def test_a_repo_prefixed_auto_map_only_runs_the_folders_own_code(tmp_path: Path) -> None:
    folder = make_tiny_birefnet(tmp_path / "prefixed")
    config = json.loads((folder / "config.json").read_text())
    config["auto_map"] = {k: f"someone/else--{v}" for k, v in config["auto_map"].items()}
    (folder / "config.json").write_text(json.dumps(config))
    net = load_model(folder)
    assert type(net).__name__ == "BiRefNet"
