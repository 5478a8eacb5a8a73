"""Which models a CLI run uses when none is named: the studio's pick for this computer, said once.

The same rule as the first-run dialog (``app.firstrun.hardware``): on a processor or a small GPU
the light cut-out model, which is about three times faster there; the full one on a real GPU.
"""

from __future__ import annotations

import argparse

from app import formats
from app.events import EventSink, Notice
from app.firstrun import hardware
from app.i18n import _


def pick(args: argparse.Namespace, events: EventSink, *, describes: bool) -> tuple[str, str]:
    """(cut-out model, describer) for ``args``: what was asked for, else this computer's pick."""
    if args.seg_model and (args.vlm_model or not describes):
        return args.seg_model, args.vlm_model or "qwen3-vl-2b"
    found = hardware.Hardware(cpu_cores=hardware.os.cpu_count() or 1) if args.device == "cpu" \
        else hardware.probe()
    rec = hardware.recommend(found)
    seg, vlm = args.seg_model or rec.seg_model, args.vlm_model or rec.vlm_model
    picked = [_("cut-out {name}").format(name=seg)] if not args.seg_model else []
    if describes and not args.vlm_model:
        picked.append(_("describer {name}").format(name=vlm))
    why = _why(rec.reason, found, args.device)
    events(Notice(_("Models for this computer: {models} ({why}). Choose others with --seg-model / "
                    "--vlm-model.").format(models=", ".join(picked), why=why)))
    return seg, vlm


def _why(reason: str, found: hardware.Hardware, device: str) -> str:
    if reason == "cpu":
        if device == "cpu":
            return _("--device cpu: the light cut-out model is about 3× faster on the processor")
        return _("no usable NVIDIA GPU: the light cut-out model is about 3× faster on the processor")
    memory = formats.size(found.vram_bytes)
    if reason == "small-gpu":
        return _("{gpu} has {memory}: the light models fit it").format(gpu=found.gpu_name, memory=memory)
    return _("{gpu} with {memory}").format(gpu=found.gpu_name, memory=memory)
