"""Where the model runs: the user's choice checked against what this machine has."""

from __future__ import annotations

from app.errors import ModelError
from app.events import EventSink, Notice, ignore
from app.i18n import _


def choose_device(requested: str = "auto", events: EventSink = ignore) -> str:
    """``"auto"`` → ``"cuda"`` when a usable GPU is present, else ``"cpu"``.

    An explicit ``"cuda"`` (or ``"cuda:N"``) that cannot be used is an error rather than a silent
    CPU run, because the user chose it and CPU is ~100x slower.
    """
    import torch

    requested = requested.strip().lower()
    if requested == "cpu":
        return "cpu"
    if requested == "auto":
        if not torch.cuda.is_available():
            return "cpu"
        problem = _cuda_problem("cuda")
        if problem:
            said = _("The GPU cannot be used ({problem}); segmenting on the CPU (much slower).")
            events(Notice(said.format(problem=problem)))
            return "cpu"
        return "cuda"
    if requested == "cuda" or requested.startswith("cuda:"):
        if not torch.cuda.is_available():
            raise ModelError(_(
                "The GPU (CUDA) was requested but is not available: no NVIDIA GPU/driver was found, "
                "or this build of PyTorch has no CUDA support. Choose 'auto' or 'cpu'."
            ))
        problem = _cuda_problem(requested)
        if problem:
            message = _("The GPU {device!r} cannot be used: {problem}. Choose 'auto' or 'cpu'.")
            raise ModelError(message.format(device=requested, problem=problem))
        return requested
    raise ModelError(_("Unknown device {device!r}: use 'auto', 'cuda' or 'cpu'.").format(device=requested))


def free_vram_bytes(device: str = "cuda") -> int | None:
    """Free memory on a CUDA device in bytes, or None when it cannot be asked (CPU, driver error)."""
    import torch

    if not device.startswith("cuda") or not torch.cuda.is_available():
        return None
    try:
        free, _total = torch.cuda.mem_get_info(torch.device(device))
    except (RuntimeError, AssertionError):
        return None
    return int(free)


def _cuda_problem(device: str) -> str:
    """A tiny allocation catches GPUs this PyTorch build cannot drive (too old arch, bad index)."""
    import torch

    try:
        torch.zeros(1, device=device)
    except (RuntimeError, AssertionError, ValueError) as err:
        return str(err).splitlines()[0] if str(err) else type(err).__name__
    return ""
