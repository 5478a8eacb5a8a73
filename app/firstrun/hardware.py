"""What this computer can run: the GPU (name, memory) or the CPU, and the models that suit it.

``probe`` imports torch, which takes seconds: call it off the UI thread. Everything else is cheap.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, replace

from app.i18n import _
from app.settings import HARDWARE_FIELDS, Settings

log = logging.getLogger(__name__)

GIB = 1024**3
# Below this the full BiRefNet (and a 4 B describer) leaves too little room: the lite model and the
# 2 B describer are picked. The 4 B describer needs ~9 GB in bf16, so it is picked only well above.
SMALL_GPU_BYTES = 8 * GIB
LARGE_DESCRIBER_BYTES = 16 * GIB
# Measured on 2 CPU cores, fp32, 1024² (docs/models.md): seconds per photo.
CPU_SECONDS_2_CORES = {"birefnet": 24.0, "birefnet-lite": 9.0}


@dataclass(frozen=True)
class Hardware:
    gpu_name: str = ""  # "" when no usable CUDA GPU
    vram_bytes: int = 0
    cpu_cores: int = 1
    problem: str = ""  # why the GPU (or torch) cannot be used, for the user

    @property
    def has_gpu(self) -> bool:
        return bool(self.gpu_name)


@dataclass(frozen=True)
class Recommendation:
    seg_model: str
    vlm_model: str
    reason: str  # "gpu", "small-gpu" or "cpu": the UI words it


def probe() -> Hardware:
    """The first CUDA GPU torch can use, or the CPU. Never raises: a broken driver means CPU."""
    cores = os.cpu_count() or 1
    try:
        import torch
    except Exception as err:  # a build without torch still browses and edits masks
        log.warning("torch cannot be imported: %s", err)
        return Hardware(cpu_cores=cores, problem=_("PyTorch is not available ({kind})").format(
            kind=type(err).__name__))
    try:
        if not torch.cuda.is_available():
            return Hardware(cpu_cores=cores, problem=_card_torch_cannot_use())
        props = torch.cuda.get_device_properties(0)
        torch.zeros(1, device="cuda")  # catches GPUs this build cannot drive (too old, bad driver)
        return Hardware(gpu_name=str(props.name), vram_bytes=int(props.total_memory), cpu_cores=cores)
    except Exception as err:
        log.warning("the GPU cannot be used: %s", err)
        first = str(err).splitlines()[0] if str(err) else type(err).__name__
        return Hardware(cpu_cores=cores, problem=first)


def _card_torch_cannot_use() -> str:
    """"" when there is no NVIDIA card; else why torch cannot use the one there is, with the fix
    (``vitrina doctor``'s GPU check, which looks for the card without torch)."""
    from app.doctor import gpu

    found = gpu.probe()
    if not found.gpus:
        return ""
    finding = gpu.check(found)
    return f"{finding.summary} {finding.advice}".strip()


def recommend(hardware: Hardware) -> Recommendation:
    if not hardware.has_gpu:
        return Recommendation("birefnet-lite", "qwen3-vl-2b", "cpu")
    if hardware.vram_bytes < SMALL_GPU_BYTES:
        return Recommendation("birefnet-lite", "qwen3-vl-2b", "small-gpu")
    describer = "qwen3-vl-4b" if hardware.vram_bytes >= LARGE_DESCRIBER_BYTES else "qwen3-vl-2b"
    return Recommendation("birefnet", describer, "gpu")


def apply(settings: Settings, rec: Recommendation) -> Settings:
    """The recommended models, except where the user already chose one."""
    picks = {"seg_model": rec.seg_model, "vlm_model": rec.vlm_model}
    assert set(picks) == set(HARDWARE_FIELDS)
    return replace(settings, **{k: v for k, v in picks.items() if k not in settings.user_set})


def cpu_seconds_per_photo(model: str, cores: int) -> float:
    """A rough CPU time per photo. More cores help, but far from linearly (memory-bound convolutions),
    so the 2-core figure is scaled by the square root of the core ratio and never below a third."""
    base = CPU_SECONDS_2_CORES.get(model, CPU_SECONDS_2_CORES["birefnet"])
    return base * max(1 / 3, min(1.0, (2 / max(cores, 1)) ** 0.5))
