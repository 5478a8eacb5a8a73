"""A *trainable* tiny BiRefNet in the hub layout, for fine-tuning tests and ``bench/finetune.py``.

Unlike ``tests/tiny_birefnet.py`` (one fixed rule), this one learns: a 1x1 projection, a residual
3x3 conv block (ReLU) and two heads, coarse and full. It follows BiRefNet's hub code where the
trainer depends on it:

- eval mode returns the list of logit maps (coarse first, full resolution last);
- training mode returns ``[scaled_preds, class_preds_lst]`` with ``class_preds_lst == [None]``
  (no auxiliary classification), and with ``out_ref`` in the config the decoder's
  ``([gdt_preds, gdt_labels], scaled_preds)`` in place of ``scaled_preds``;
- its residual block has a ``use_checkpoint`` flag, as Swin's ``BasicLayer`` in BiRefNet has,
  which recomputes the block in the backward pass (gradient checkpointing);
- BatchNorm, so train and eval modes really differ.

The weights start as a hand-set *wrong* rule: "darker than brightness 0.6 is product". A light-grey
product (brightness ≈ 0.74, ``LIGHT_PRODUCT``) on white is then background to the base model, the
systematic failure (white product on white) that corrections teach it out of.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

LIGHT_PRODUCT = (192, 189, 186)  # brightness ≈ 0.74: the base model calls it background
DARK_PRODUCT = (150, 40, 40)
_SHARPNESS = 20.0
_THRESHOLD = 0.6  # the base rule: darker than this is product
_MEAN = (0.485, 0.456, 0.406)
_STD = (0.229, 0.224, 0.225)
CHANNELS = 6

CONFIG_PY = '''\
from transformers import PretrainedConfig


class BiRefNetConfig(PretrainedConfig):
    model_type = "SegformerForSemanticSegmentation"

    def __init__(self, bb_pretrained=False, out_ref=False, **kwargs):
        self.bb_pretrained = bb_pretrained
        self.out_ref = out_ref
        super().__init__(**kwargs)
'''

MODEL_PY = '''\
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.utils.checkpoint as checkpoint
from transformers import PreTrainedModel

from .BiRefNet_config import BiRefNetConfig

CHANNELS = 6


class Block(nn.Module):
    def __init__(self, channels):
        super().__init__()
        self.conv1 = nn.Conv2d(channels, channels, 3, padding=1)
        self.norm = nn.BatchNorm2d(channels)
        self.conv2 = nn.Conv2d(channels, channels, 3, padding=1)
        self.use_checkpoint = False

    def _forward(self, x):
        return x + self.conv2(F.relu(self.norm(self.conv1(x))))

    def forward(self, x):
        if self.use_checkpoint and self.training:
            return checkpoint.checkpoint(self._forward, x, use_reentrant=False)
        return self._forward(x)


class BiRefNet(PreTrainedModel):
    config_class = BiRefNetConfig

    def __init__(self, bb_pretrained=True, config=BiRefNetConfig()):
        super().__init__(config)
        if bb_pretrained or config.bb_pretrained:
            raise RuntimeError("tiny BiRefNet: bb_pretrained=True would download backbone weights")
        self.config = config
        self.bb = nn.Conv2d(3, CHANNELS, kernel_size=1)
        self.block = Block(CHANNELS)
        self.head = nn.Conv2d(CHANNELS, 1, kernel_size=3, padding=1, padding_mode="replicate")
        self.coarse_head = nn.Conv2d(CHANNELS, 1, kernel_size=1)

    def forward(self, x):
        features = self.block(self.bb(x))
        full = self.head(features)
        coarse = self.coarse_head(F.avg_pool2d(features, 4))
        scaled_preds = [coarse, full]
        if not self.training:
            return scaled_preds
        if getattr(self.config, "out_ref", False):
            grey = x.mean(dim=1, keepdim=True)
            label = grey - F.avg_pool2d(grey, 5, stride=1, padding=2)
            scaled_preds = ([[F.avg_pool2d(full, 2)], [label]], scaled_preds)
        return [scaled_preds, [None]]
'''


def make_trainable_birefnet(dir: Path, size: int = 64, *, out_ref: bool = False) -> Path:
    """Write the model into ``dir`` (created); ``size`` is its native input size."""
    from tests.tiny_birefnet import write_hub_folder

    return write_hub_folder(dir, name="vitrina/tiny-trainable-birefnet", config_py=CONFIG_PY,
                            model_py=MODEL_PY, state=_base_weights(), size=size, extra={"out_ref": out_ref})


def _base_weights() -> dict:
    """logit = sharpness · (0.6 − brightness): channel 0 carries the brightness through the block
    (whose second conv starts at zero, so the block starts as the identity); the other channels
    carry R, G, B for the model to learn from."""
    import torch

    generator = torch.Generator().manual_seed(0)
    std, mean = torch.tensor(_STD), torch.tensor(_MEAN)
    bb_weight = torch.zeros(CHANNELS, 3, 1, 1)
    bb_bias = torch.zeros(CHANNELS)
    bb_weight[0, :, 0, 0] = std / 3
    bb_bias[0] = mean.sum() / 3
    for c in range(3):
        bb_weight[1 + c, c, 0, 0] = std[c]
        bb_bias[1 + c] = mean[c]
    head = torch.zeros(1, CHANNELS, 3, 3)
    head[0, 0] = -_SHARPNESS / 9
    coarse = torch.zeros(1, CHANNELS, 1, 1)
    coarse[0, 0] = -_SHARPNESS
    return {
        "bb.weight": bb_weight,
        "bb.bias": bb_bias,
        "block.conv1.weight": torch.randn(CHANNELS, CHANNELS, 3, 3, generator=generator) * 0.1,
        "block.conv1.bias": torch.zeros(CHANNELS),
        "block.norm.weight": torch.ones(CHANNELS),
        "block.norm.bias": torch.zeros(CHANNELS),
        "block.norm.running_mean": torch.zeros(CHANNELS),
        "block.norm.running_var": torch.ones(CHANNELS),
        "block.norm.num_batches_tracked": torch.tensor(0, dtype=torch.int64),
        "block.conv2.weight": torch.zeros(CHANNELS, CHANNELS, 3, 3),
        "block.conv2.bias": torch.zeros(CHANNELS),
        "head.weight": head,
        "head.bias": torch.tensor([_SHARPNESS * _THRESHOLD]),
        "coarse_head.weight": coarse,
        "coarse_head.bias": torch.tensor([_SHARPNESS * _THRESHOLD]),
    }


def product_shot(size: int, rng: np.random.Generator, colour=LIGHT_PRODUCT) -> tuple[np.ndarray, np.ndarray]:
    """A product photo on white and its true mask: a box of random size and place, a few shades
    of noise so no two shots are alike."""
    photo = np.full((size, size, 3), 255, dtype=np.uint8)
    mask = np.zeros((size, size), dtype=np.uint8)
    h, w = rng.integers(size // 3, size * 2 // 3, size=2)
    top, left = rng.integers(2, size - h - 2), rng.integers(2, size - w - 2)
    shade = rng.integers(-4, 5, size=(h, w, 1))
    photo[top : top + h, left : left + w] = np.clip(np.array(colour)[None, None] + shade, 0, 255)
    mask[top : top + h, left : left + w] = 255
    return photo, mask


def make_corrected_project(root: Path, model_dir: Path, *, products: int = 12, shots: int = 2,
                           size: int = 64, seed: int = 0) -> Path:
    """A project folder as the studio leaves it after the user fixed the base model's masks: one
    subfolder per light-grey product, the model's mask kept aside and the corrected (true) mask
    as the photo's edited mask. Returns ``root``."""
    from PIL import Image

    from app import imaging
    from app.pipeline.masks import model_key
    from app.project import Project
    from app.segment.birefnet import load_segmenter

    rng = np.random.default_rng(seed)
    truths = {}
    for p in range(products):
        for s in range(shots):
            photo, truth = product_shot(size, rng)
            path = root / f"product-{p:02d}" / f"shot-{s}.png"
            path.parent.mkdir(parents=True, exist_ok=True)
            Image.fromarray(photo).save(path)
            truths[f"product-{p:02d}/shot-{s}.png"] = (photo, truth)
    project = Project(root)
    segmenter = load_segmenter(str(model_dir), device="cpu")
    key = model_key(str(model_dir))
    for rel, (photo, truth) in truths.items():
        project.photo(rel).content_hash = imaging.content_hash(project.photo_path(rel))
        project.save_mask(rel, segmenter.segment([photo])[0], source="model", model=key)
        project.save_mask(rel, truth, source="edited")
    project.save()
    return root
