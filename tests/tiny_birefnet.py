"""A tiny BiRefNet in the real hub layout, so tests and benches run the production loader on CPU.

The folder mirrors a hub snapshot: ``config.json`` with an ``auto_map``, ``BiRefNet_config.py``
(a ``PretrainedConfig`` with ``bb_pretrained``), ``birefnet.py`` (a ``PreTrainedModel`` whose
forward returns a list of logits maps, the last at full resolution) and ``model.safetensors``.

Its weights are set by hand rather than trained: the mask is "darker than light grey", so a
coloured product on a white background is foreground, white is background, and mid-grey
(brightness 0.8) is exactly 50 % — the uncertain case. A BatchNorm layer makes a model left in
training mode visibly wrong (batch statistics), and ``bb_pretrained=True`` raises, standing in for
the real model's backbone download. About 3 KB on disk; loads in milliseconds.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

UNCERTAIN_GREY = 204  # brightness 0.8 → logit 0 → alpha ≈ 128
_SHARPNESS = 20.0
_MEAN = (0.485, 0.456, 0.406)
_STD = (0.229, 0.224, 0.225)

CONFIG_PY = '''\
from transformers import PretrainedConfig


class BiRefNetConfig(PretrainedConfig):
    model_type = "SegformerForSemanticSegmentation"

    def __init__(self, bb_pretrained=False, **kwargs):
        self.bb_pretrained = bb_pretrained
        super().__init__(**kwargs)
'''

MODEL_PY = '''\
import time
import warnings

import torch
import torch.nn as nn
import torch.nn.functional as F
from transformers import PreTrainedModel

from .BiRefNet_config import BiRefNetConfig


DELAY_PER_PHOTO = 0.0
# As BiRefNet's own code does through its timm imports: a warning meant for the model's author.
warnings.warn("Importing from timm.models.layers is deprecated, please import via timm.layers",
              FutureWarning, stacklevel=2)


class BiRefNet(PreTrainedModel):
    config_class = BiRefNetConfig

    def __init__(self, bb_pretrained=True, config=BiRefNetConfig()):
        super().__init__(config)
        if bb_pretrained or config.bb_pretrained:
            raise RuntimeError("tiny BiRefNet: bb_pretrained=True would download backbone weights")
        self.bb = nn.Conv2d(3, 4, kernel_size=1)
        self.norm = nn.BatchNorm2d(4)
        self.squeeze = nn.Conv2d(4, 1, kernel_size=3, padding=1, padding_mode="replicate")

    def forward(self, x):
        if DELAY_PER_PHOTO:  # a stand-in for a real model's seconds per photo on a CPU
            time.sleep(DELAY_PER_PHOTO * x.shape[0])
        full = self.squeeze(self.norm(self.bb(x)))
        coarse = F.avg_pool2d(full, 4)
        return [coarse, full]
'''


def make_tiny_birefnet(dir: Path, size: int = 64, *, sharpness: float = _SHARPNESS,
                       delay: float = 0.0) -> Path:
    """Write the tiny model into ``dir`` (created if needed); returns ``dir``.

    ``size`` is recorded as the folder's native input size (``vitrina_input_size`` in config.json);
    the network itself is fully convolutional and runs at any multiple of 32. ``sharpness`` is
    the head's steepness (logit per unit of brightness): the default leaves light backdrops a few
    percent opaque, which tests of soft edges want; ~200 gives a BiRefNet-like mask, 0 or 255
    everywhere but a band of a few pixels at the edges. ``delay``: seconds each photo's forward
    takes (sleeping, as a GPU wait would), a stand-in for a real model's speed on a CPU.
    """
    code = MODEL_PY.replace("DELAY_PER_PHOTO = 0.0", f"DELAY_PER_PHOTO = {float(delay)!r}")
    return write_hub_folder(dir, name="vitrina/tiny-birefnet", config_py=CONFIG_PY, model_py=code,
                            state=tiny_state_dict(sharpness), size=size)


def write_hub_folder(dir: Path, *, name: str, config_py: str, model_py: str, state: dict, size: int,
                     extra: dict | None = None) -> Path:
    """A model folder in BiRefNet's hub layout: config.json (auto_map to the two code files, and
    ``extra`` keys for the config class), ``BiRefNet_config.py``, ``birefnet.py``, the weights."""
    from safetensors.torch import save_file

    dir = Path(dir)
    dir.mkdir(parents=True, exist_ok=True)
    config = {
        "_name_or_path": name,
        "architectures": ["BiRefNet"],
        "auto_map": {
            "AutoConfig": "BiRefNet_config.BiRefNetConfig",
            "AutoModelForImageSegmentation": "birefnet.BiRefNet",
        },
        "bb_pretrained": False,
        **(extra or {}),
        "torch_dtype": "float32",
        "transformers_version": "4.57.0",
        "vitrina_input_size": size,
    }
    (dir / "config.json").write_text(json.dumps(config, indent=2) + "\n", encoding="utf-8")
    (dir / "BiRefNet_config.py").write_text(config_py, encoding="utf-8")
    (dir / "birefnet.py").write_text(model_py, encoding="utf-8")
    save_file(state, str(dir / "model.safetensors"))
    return dir


def tiny_state_dict(sharpness: float = _SHARPNESS) -> dict:
    """Hand-set weights: logit = sharpness · (0.8 − brightness), brightness averaged over 3x3 pixels."""
    import torch

    std, mean = torch.tensor(_STD), torch.tensor(_MEAN)
    # bb channel 0 undoes the ImageNet normalisation and averages the channels: brightness in 0..1.
    # Channels 1-3 recover R, G, B; they feed nothing but keep the layer a real 3→4 projection.
    bb_weight = torch.zeros(4, 3, 1, 1)
    bb_weight[0, :, 0, 0] = std / 3
    bb_bias = torch.zeros(4)
    bb_bias[0] = mean.sum() / 3
    for c in range(3):
        bb_weight[1 + c, c, 0, 0] = std[c]
        bb_bias[1 + c] = mean[c]
    squeeze_weight = torch.zeros(1, 4, 3, 3)
    squeeze_weight[0, 0] = -sharpness / 9
    return {
        "bb.weight": bb_weight,
        "bb.bias": bb_bias,
        # Identity statistics in eval mode; batch statistics (training mode) would shift the mask.
        "norm.weight": torch.ones(4),
        "norm.bias": torch.zeros(4),
        "norm.running_mean": torch.zeros(4),
        "norm.running_var": torch.ones(4),
        "norm.num_batches_tracked": torch.tensor(0, dtype=torch.int64),
        "squeeze.weight": squeeze_weight,
        "squeeze.bias": torch.tensor([sharpness * 0.8]),
    }


def product_photo(height: int, width: int, grey_band: bool = True) -> np.ndarray:
    """White background, a red product in the middle, and optionally a mid-grey (uncertain) band."""
    photo = np.full((height, width, 3), 255, dtype=np.uint8)
    photo[height // 4 : 3 * height // 4, width // 4 : 3 * width // 4] = (200, 30, 30)
    if grey_band:
        photo[: max(1, height // 8), :] = UNCERTAIN_GREY
    return photo
