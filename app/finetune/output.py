"""The fine-tuned model folder: the base's layout (config.json with auto_map, its code files,
model.safetensors) plus ``finetune-report.json``, so ``--seg-model OUT_DIR`` and Settings use it
as-is. Written whole into a staging folder beside OUT_DIR and renamed into place, as bundles are:
a failed or cancelled run never leaves half a model under that name. The base folder and the hub
cache are only ever read.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app import atomic
from app.errors import VitrinaError
from app.i18n import _
from app.segment.registry import CONFIG_FILE, SIZE_HINT_KEY, WEIGHTS_FILE

REPORT_FILE = "finetune-report.json"
STAGING_PREFIX = ".partial-finetune-"
FINETUNE_KEY = "vitrina_finetune"  # config.json: what this model was fine-tuned from

if TYPE_CHECKING:
    import torch


def work_folder(out_dir: Path) -> Path:
    """Where a run keeps what it needs to resume (checkpoint, working copies): beside OUT_DIR."""
    return out_dir.parent / f".{out_dir.name}.finetune"


def check_out_dir(out_dir: Path, base: Path) -> None:
    """Refuse an OUT_DIR that would harm the base, the hub cache or a folder that is not ours."""
    out, base = out_dir.expanduser().resolve(), base.resolve()
    if out == base or base in out.parents or out in base.parents:
        raise VitrinaError(_("The output folder {out} overlaps the base model's folder {base}: "
                             "choose a folder of its own, the base model is never changed.").format(
            out=out, base=base))
    hub_cache = _hub_cache()
    if hub_cache is not None and (out == hub_cache or hub_cache in out.parents):
        raise VitrinaError(_("The output folder {out} is inside the model download cache; choose "
                             "a folder of your own.").format(out=out))
    if out.is_file():
        raise VitrinaError(_("{out} is a file, not a folder.").format(out=out))
    if out.is_dir() and any(out.iterdir()) and not (out / REPORT_FILE).is_file():
        raise VitrinaError(_("{out} already holds files that are not a fine-tuned model; choose an "
                             "empty or new folder.").format(out=out))


def _hub_cache() -> Path | None:
    try:
        from huggingface_hub import constants
    except ImportError:
        return None
    return Path(constants.HF_HUB_CACHE).expanduser().resolve()


def publish(out_dir: Path, base: Path, weights: dict[str, torch.Tensor], report: dict[str, Any],
            *, input_size: tuple[int, int]) -> Path:
    """Write the model folder atomically; an earlier fine-tune in OUT_DIR is replaced whole."""
    from safetensors.torch import save_file

    out_dir = out_dir.expanduser().resolve()
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staged = Path(tempfile.mkdtemp(prefix=f"{STAGING_PREFIX}{os.getpid()}-", dir=out_dir.parent))
    atomic.chmod_like_new_dir(staged)
    try:
        for code in sorted(base.glob("*.py")):  # the model's own code: every module it may import
            shutil.copyfile(code, staged / code.name)
        config = json.loads((base / CONFIG_FILE).read_text(encoding="utf-8"))
        config[SIZE_HINT_KEY] = list(input_size)
        config[FINETUNE_KEY] = {"base": report["base"], "created": report["created"]}
        (staged / CONFIG_FILE).write_text(json.dumps(config, indent=2) + "\n", encoding="utf-8")
        dtype = _weights_dtype(base / WEIGHTS_FILE)
        state = {name: tensor.detach().to("cpu", dtype=dtype if tensor.is_floating_point() else tensor.dtype)
                 .contiguous() for name, tensor in weights.items()}
        save_file(state, str(staged / WEIGHTS_FILE), metadata={"format": "pt"})
        with contextlib.suppress(OSError):  # safetensors writes 0600; a model is read by others too
            os.chmod(staged / WEIGHTS_FILE, atomic.file_mode())
        (staged / REPORT_FILE).write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", "utf-8")
        atomic.sync_folder(staged)
        atomic.replace_folder(staged, out_dir, f".old-{out_dir.name}-{os.getpid()}")
    except OSError as exc:
        raise VitrinaError(_("Cannot write the fine-tuned model to {out}: {why}").format(
            out=out_dir, why=exc.strerror or exc)) from exc
    finally:
        if staged.exists():
            shutil.rmtree(staged, ignore_errors=True)
    return out_dir


def _weights_dtype(path: Path) -> torch.dtype:
    """The base's floating dtype (BiRefNet ships fp32; a half-precision base stays half)."""
    import torch
    from safetensors import safe_open

    with safe_open(str(path), framework="pt") as fh:
        for name in fh.keys():  # noqa: SIM118 - safe_open has no __iter__
            kind = fh.get_slice(name).get_dtype()
            dtype = {"F16": torch.float16, "BF16": torch.bfloat16, "F32": torch.float32}.get(kind)
            if dtype is not None:
                return dtype
    return torch.float32


def clean_staging(parent: Path) -> None:
    """Staging folders of runs killed mid-publish (their pid gone) are removed."""
    from app.processes import pid_alive

    if not parent.is_dir():
        return
    for entry in parent.iterdir():
        if entry.is_dir() and entry.name.startswith(STAGING_PREFIX):
            pid = entry.name[len(STAGING_PREFIX):].split("-", 1)[0]
            if not (pid.isdigit() and pid_alive(int(pid))):
                shutil.rmtree(entry, ignore_errors=True)
