"""Is there an NVIDIA GPU, and can the installed PyTorch use it?

The card is looked for without torch (NVML through ``nvidia-ml-py``, else ``nvidia-smi``), so a
driver too old for the torch build, or a CPU-only torch, is named as such instead of reading as
"no GPU" and a run that is quietly 30× slower.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field

from app.doctor.findings import OK, PROBLEM, WARNING, Finding
from app.firstrun.hardware import CPU_SECONDS_2_CORES
from app.formats import decimal
from app.i18n import _

# The oldest driver each CUDA major runs on (NVIDIA's CUDA Toolkit release notes, "CUDA Driver"
# table, minor-version compatibility): Linux, Windows.
MIN_DRIVER = {13: ("580.65.06", "580.88"), 12: ("525.60.13", "527.41"), 11: ("450.80.02", "452.39")}
# The PyTorch wheel index for each CUDA major that still has builds for the current release.
TORCH_INDEX = {13: "cu130", 12: "cu126"}
GIB = 1024**3


@dataclass(frozen=True)
class NvidiaGpu:
    name: str
    driver: str
    vram_bytes: int
    compute: str  # "9.0"


@dataclass(frozen=True)
class TorchBuild:
    version: str = ""  # "" when torch cannot be imported
    cuda: str | None = None  # "13.0"; None for a CPU-only build
    available: bool = False
    archs: tuple[str, ...] = ()  # ("sm_80", "sm_90", …): the GPUs this build has kernels for
    error: str = ""  # why torch could not be imported or could not use the GPU


@dataclass(frozen=True)
class GpuProbe:
    gpus: list[NvidiaGpu] = field(default_factory=list)
    source: str = ""  # "nvml" | "nvidia-smi" | "" (neither is on this computer)
    torch: TorchBuild = field(default_factory=TorchBuild)
    windows: bool = sys.platform == "win32"
    cpu_cores: int = os.cpu_count() or 1


def probe() -> GpuProbe:
    """The NVIDIA cards (without torch) and the torch build. Never raises; imports torch (seconds)."""
    gpus, source = _nvml()
    if not source:
        gpus, source = _nvidia_smi()
    return GpuProbe(gpus=gpus, source=source, torch=torch_build())


def _nvml() -> tuple[list[NvidiaGpu], str]:
    try:
        import pynvml  # type: ignore[import-not-found]  # nvidia-ml-py, optional

        pynvml.nvmlInit()
    except Exception:
        return [], ""
    try:
        driver = _text(pynvml.nvmlSystemGetDriverVersion())
        gpus = []
        for i in range(pynvml.nvmlDeviceGetCount()):
            handle = pynvml.nvmlDeviceGetHandleByIndex(i)
            major, minor = pynvml.nvmlDeviceGetCudaComputeCapability(handle)
            gpus.append(NvidiaGpu(_text(pynvml.nvmlDeviceGetName(handle)), driver,
                                  int(pynvml.nvmlDeviceGetMemoryInfo(handle).total), f"{major}.{minor}"))
        return gpus, "nvml"
    except Exception:
        return [], ""
    finally:
        try:
            pynvml.nvmlShutdown()
        except Exception:
            pass


def _text(value: object) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


def _nvidia_smi() -> tuple[list[NvidiaGpu], str]:
    tool = shutil.which("nvidia-smi")
    if tool is None:
        return [], ""
    try:
        out = subprocess.run([tool, "--query-gpu=name,driver_version,memory.total,compute_cap",
                              "--format=csv,noheader,nounits"], capture_output=True, text=True, timeout=20)
    except (OSError, subprocess.SubprocessError):
        return [], ""
    if out.returncode != 0:
        return [], "nvidia-smi"  # the tool is there but finds no working card: a driver problem
    return parse_nvidia_smi(out.stdout), "nvidia-smi"


def parse_nvidia_smi(text: str) -> list[NvidiaGpu]:
    gpus = []
    for line in text.strip().splitlines():
        parts = [p.strip() for p in line.split(",")]
        if len(parts) == 4:
            name, driver, mib, compute = parts
            vram = int(float(mib) * 1024**2) if mib.replace(".", "", 1).isdigit() else 0
            gpus.append(NvidiaGpu(name, driver, vram, compute))
    return gpus


def torch_build() -> TorchBuild:
    try:
        import torch
    except Exception as err:
        return TorchBuild(error=f"{type(err).__name__}: {err}")
    archs: tuple[str, ...] = ()
    available, error = False, ""
    try:
        available = bool(torch.cuda.is_available())
        archs = tuple(torch.cuda.get_arch_list()) if torch.version.cuda else ()
    except Exception as err:
        error = f"{type(err).__name__}: {err}"
    return TorchBuild(torch.__version__, torch.version.cuda, available, archs, error)


def check(found: GpuProbe) -> Finding:
    gpus, build = found.gpus, found.torch
    facts = {"gpus": [vars(g) for g in gpus], "source": found.source, "torch": build.version,
             "torch_cuda": build.cuda, "cuda_available": build.available}
    if not build.version:
        return Finding("gpu", PROBLEM, _("PyTorch cannot be imported: nothing can be cut out."),
                       _("Install the project again: pip install -e . ({error})").format(error=build.error),
                       facts)
    if not gpus:
        seconds = CPU_SECONDS_2_CORES["birefnet-lite"] * 2 / max(1, min(found.cpu_cores, 16))
        summary = (_("No NVIDIA driver found (no nvidia-smi): Vitrina runs on the CPU.") if not found.source
                   else _("No NVIDIA GPU found: Vitrina runs on the CPU."))
        return Finding("gpu", WARNING, summary,
                       _("Expect about {seconds} s a photo with BiRefNet lite on {cores} CPU cores. With an "
                         "NVIDIA card, install its driver and run vitrina doctor again.").format(
                           seconds=decimal(seconds, 0 if seconds >= 5 else 1), cores=found.cpu_cores), facts)
    gpu = gpus[0]
    named = _("{name}, driver {driver}, {vram} GB, compute capability {compute}").format(
        name=gpu.name, driver=gpu.driver, vram=decimal(gpu.vram_bytes / GIB, 0), compute=gpu.compute)
    if build.cuda is None:
        return Finding("gpu", PROBLEM,
                       _("{gpu}: present, but this PyTorch {version} is a CPU-only build.").format(
            gpu=named, version=build.version), _install_advice(gpu, found.windows), facts)
    major = int(build.cuda.split(".")[0])
    if not build.available:
        needed = MIN_DRIVER.get(major, ("", ""))[1 if found.windows else 0]
        if needed and _older(gpu.driver, needed):
            return Finding("gpu", PROBLEM, _("{gpu}: driver {driver} is older than CUDA {cuda} needs "
                                             "({needed} or newer), so PyTorch cannot use the card.").format(
                gpu=named, driver=gpu.driver, cuda=build.cuda, needed=needed),
                _advice_for_old_driver(gpu.driver, needed, found.windows), facts)
        return Finding("gpu", PROBLEM, _("{gpu}: PyTorch {version} (CUDA {cuda}) cannot use it.").format(
            gpu=named, version=build.version, cuda=build.cuda),
            _("Restart the computer after a driver update; if that does not help, install PyTorch again: "
              "{command} ({error})").format(command=_pip(TORCH_INDEX.get(major, "cu130")),
                                            error=build.error or "torch.cuda.is_available() is False"), facts)
    arch = "sm_" + gpu.compute.replace(".", "")
    if build.archs and arch not in build.archs and not _ptx_covers(arch, build.archs):
        return Finding("gpu", PROBLEM, _("{gpu}: this PyTorch build has no code for compute capability "
                                         "{compute}.").format(gpu=named, compute=gpu.compute),
                       _("Install a PyTorch build that supports it (see pytorch.org/get-started)."), facts)
    return Finding("gpu", OK, _("{gpu}; PyTorch {version} (CUDA {cuda}) uses it.").format(
        gpu=named, version=build.version, cuda=build.cuda), "", facts)


def _advice_for_old_driver(driver: str, needed: str, windows: bool) -> str:
    oldest = MIN_DRIVER[min(TORCH_INDEX)][1 if windows else 0]
    if _older(driver, oldest):  # too old for every build PyTorch still makes
        return _("Update the NVIDIA driver to {needed} or newer.").format(needed=needed)
    return _("Update the NVIDIA driver, or install the PyTorch build for an older CUDA: {command}").format(
        command=_pip(_older_index(driver, windows)))


def _install_advice(gpu: NvidiaGpu, windows: bool) -> str:
    return _("Install the CUDA build of PyTorch into this environment: {command}").format(
        command=_pip(_older_index(gpu.driver, windows)))


def _pip(index: str) -> str:
    return ("pip install --force-reinstall --index-url "
            f"https://download.pytorch.org/whl/{index} torch torchvision")


def _older_index(driver: str, windows: bool) -> str:
    """The newest CUDA build this driver runs."""
    for major in sorted(TORCH_INDEX, reverse=True):
        if not _older(driver, MIN_DRIVER[major][1 if windows else 0]):
            return TORCH_INDEX[major]
    return TORCH_INDEX[min(TORCH_INDEX)]


def _older(version: str, than: str) -> bool:
    def parts(v: str) -> tuple[int, ...]:
        return tuple(int(p) for p in v.split(".") if p.isdigit())
    return parts(version) < parts(than)


def _ptx_covers(arch: str, archs: tuple[str, ...]) -> bool:
    """A build carries PTX for its newest arch, which the driver compiles for newer cards."""
    numbers = [int(a.split("_")[1]) for a in archs if a.startswith("sm_") and a[3:].isdigit()]
    return bool(numbers) and arch[3:].isdigit() and int(arch[3:]) > max(numbers)
