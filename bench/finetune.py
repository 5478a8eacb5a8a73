"""Benchmark: seconds per fine-tuning step and peak memory, through the real ``vitrina finetune`` path.

    python bench/finetune.py [--quick] [--model DIR [--random-init]] [--size PX] [--batch-size N]
                             [--steps N] [--device auto|cpu|cuda] [--checkpointing auto|on|off]

A project folder of generated product photos whose masks "the user corrected" is built first
(tests/tiny_trainable_birefnet.py), then ``app.finetune.trainer.finetune`` runs on it for one epoch
of ``--steps`` steps: loading the working copies, augmentation, forward in training mode, BiRefNet's
losses, backward, the optimiser step, and each epoch's validation, exactly as the command does.
Per step: wall seconds and CPU core-seconds of this process (median of the steps after the first,
which warms up), and the peak memory: CUDA's max allocated on a GPU, the process's peak RSS on the
CPU.

Without ``--model`` the model is the trainable tiny BiRefNet (real conv layers, BiRefNet's training
output), a check that the path works, not a speed figure for a real model. For the record in
docs/PERFORMANCE.md, on a GPU: ``--model <a BiRefNet_lite snapshot> --random-init --size 1024
--batch-size 2`` (random weights of the real shape; mixed precision is the trainer's default on
CUDA).
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run from a checkout
from _table import row  # noqa: E402  (bench/ is on sys.path: these run as scripts)

os.environ["HF_HUB_OFFLINE"] = "1"  # a local folder only; nothing may reach a hub

import torch  # noqa: E402

from app.events import Event, Notice, TrainingStep  # noqa: E402
from app.finetune.pairs import collect  # noqa: E402
from app.finetune.trainer import Settings, finetune  # noqa: E402
from tests.tiny_trainable_birefnet import make_corrected_project, make_trainable_birefnet  # noqa: E402


def random_copy(model: Path, into: Path) -> Path:
    """The model folder with every layer re-initialised: the real shape, random weights."""
    from safetensors.torch import save_file

    from app.segment.birefnet import build_model

    shutil.copytree(model, into, ignore=shutil.ignore_patterns("*.safetensors", "*.bin"))
    shutil.copyfile(model / "model.safetensors", into / "model.safetensors")
    net = build_model(into)
    torch.manual_seed(0)
    for module in net.modules():
        reset = getattr(module, "reset_parameters", None)
        if callable(reset):
            reset()
    save_file({k: v.contiguous() for k, v in net.state_dict().items()}, str(into / "model.safetensors"))
    return into


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="the tiny model at 64 px, 6 steps")
    parser.add_argument("--model", type=Path,
                        help="a BiRefNet model folder (default: the tiny trainable one)")
    parser.add_argument("--random-init", action="store_true", help="re-initialise --model's weights first")
    parser.add_argument("--size", type=int, help="training side (default 1024 with --model, else 256)")
    parser.add_argument("--batch-size", type=int, default=2)
    parser.add_argument("--steps", type=int, help="training steps to time (default 12, quick 6)")
    parser.add_argument("--device", default="auto", choices=["auto", "cpu", "cuda"])
    parser.add_argument("--checkpointing", default="auto", choices=["auto", "on", "off"])
    args = parser.parse_args()
    size = args.size or (64 if args.quick else (1024 if args.model else 256))
    steps = args.steps or (6 if args.quick else 12)

    with tempfile.TemporaryDirectory(prefix="vitrina-bench-finetune-") as tmp_name:
        tmp = Path(tmp_name)
        if args.model is None:
            model = make_trainable_birefnet(tmp / "model", size)
        elif args.random_init:
            model = random_copy(args.model, tmp / "model")
        else:
            model = args.model
        # Two shots a product, 1 of every 5 products held out: about `steps` steps in the one epoch.
        products = max(5, round(steps * args.batch_size / (2 * 0.8)))
        started = time.monotonic()
        base_for_masks = model if args.model is None else make_trainable_birefnet(tmp / "masker", size)
        project = make_corrected_project(tmp / "shoot", base_for_masks, products=products, shots=2, size=size)
        print(f"data: {products * 2} corrected photos at {size}², made in {time.monotonic() - started:.1f} s")
        found = collect([project])
        times: list[tuple[float, float]] = []

        def events(event: Event) -> None:
            if isinstance(event, TrainingStep):
                times.append((time.perf_counter(), time.process_time()))
            elif isinstance(event, Notice):
                print("notice:", event.message)

        settings = Settings(epochs=1, size=size, batch_size=args.batch_size, device=args.device,
                            checkpointing=args.checkpointing, lr=1e-4)
        cuda = torch.cuda.is_available() and args.device != "cpu"
        if cuda:
            torch.cuda.reset_peak_memory_stats()
        begin = (time.perf_counter(), time.process_time())
        result = finetune(found, model, tmp / "out", settings, events=events)
        end = (time.perf_counter(), time.process_time())
        marks = [begin, *times]
        walls = [b[0] - a[0] for a, b in zip(marks, marks[1:], strict=False)][1:]
        cpus = [b[1] - a[1] for a, b in zip(marks, marks[1:], strict=False)][1:]
        made = result.report or {}
        chosen = made.get("settings", {})
        name = f"{args.model or 'tiny trainable BiRefNet'}{' (random weights)' if args.random_init else ''}"
        print(f"model: {name}; device {chosen.get('device', '?')}, precision {chosen.get('precision', '?')}, "
              f"checkpointing {chosen.get('gradient_checkpointing', '?')}, batch {args.batch_size}, {size}²")
        wall, cpu = statistics.median(walls), statistics.median(cpus)
        print(f"steps timed: {len(walls)} (after the first); per step: {wall:.3f} s wall, "
              f"{cpu:.3f} CPU core-s; whole run {end[0] - begin[0]:.1f} s wall, "
              f"{end[1] - begin[1]:.1f} core-s")
        if cuda:
            peak = torch.cuda.max_memory_allocated() / 1024**3
            print(f"peak GPU memory (allocated): {peak:.2f} GiB")
            measure = f"s/step, {size}², batch {args.batch_size}, GPU"
            row("finetune", measure, f"{wall:.3f} s", "recorded", "met")
            row("finetune", "peak VRAM", f"{peak:.2f} GiB", "recorded", "met")
        else:
            rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2  # KiB on Linux
            print(f"peak RSS of the process: {rss:.2f} GiB")
            verdict = "pending" if args.model is None else "met"
            row("finetune", f"s/step, {size}², batch {args.batch_size}, CPU", f"{wall:.3f} s", "GPU figure",
                verdict)


if __name__ == "__main__":
    main()
