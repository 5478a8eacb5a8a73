"""Benchmark: what the Ray engine costs over the local one, and how it scales with GPUs.

    python bench/ray.py [--quick] [--photos N] [--size WxH] [--stand-in-gpus N [N ...]]

Both engines run the whole batch path (scan, decode, segment, compose, bundle, reports) on the same
folder of generated product photos (1800×1200 unless --size says otherwise; 4000x3000 is a
12 MP shoot), plane background, no text. The model is a GPU stand-in:
it sleeps 58 ms per photo without using the CPU, as a CUDA sync does, and returns a product-shaped
mask. Each run gets a fresh copy of the folder and a fresh output, so nothing is reused.

1. Overhead: Ray wall ÷ local wall with one stand-in GPU (target ≤ 1.3 on this 2-core machine).
   The Ray instance is started once, before the timings (a cluster is up before a studio's day).
   Ray Data starts its model actors per run, so the bench also measures what a fresh actor costs
   here before it can take a photo, and prints the least ratio that leaves (its floor).
2. Scaling: images/s of the Ray engine with N stand-in GPUs (N = 1, 2, 4 by default), and the
   efficiency images/s(N) ÷ (N × images/s(1)) (target ≥ 0.9 for as many N as the CPU can feed).
   Where it drops, the CPU side (decode + compose + encode, ~1 core-s per 2 MP photo here) is the
   limit, not the GPUs: the bench prints the CPU's ceiling, cores ÷ CPU core-seconds per photo.
3. Feeding (``--feed``): how busy one segmentation actor keeps its stand-in GPU when decoded photos
   are already waiting in the object store — the actor's own overhead per photo (taking a batch in,
   handing it on), apart from the CPU side's limit. 100 % means the GPU never waits for its actor.
"""

from __future__ import annotations

import argparse
import logging
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

ROOT = Path(__file__).resolve().parent.parent
HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))  # run from a checkout
from _table import row  # noqa: E402  (bench/ is on sys.path: these run as scripts)

# This file is named ray.py: with bench/ first on sys.path, ``import ray`` would import it again.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]

os.environ["HF_HUB_OFFLINE"] = "1"

from app.compose.backgrounds import parse_background  # noqa: E402
from app.pipeline.batch import run_batch  # noqa: E402
from app.pipeline.options import BatchOptions  # noqa: E402

SECONDS_PER_IMAGE = 0.058
OVERHEAD_TARGET = 1.3
EFFICIENCY_TARGET = 0.9


class StandInGPU:
    """A model that waits 58 ms per photo without the CPU, and cuts out the middle of the photo."""

    device = "cuda"  # as a GPU segmenter: the pipeline hands it batches
    model_id, revision = "bench/stand-in-gpu", "0" * 40

    def __init__(self, busy_log: str | None = None) -> None:
        self.busy_log = busy_log  # where each call's start, end and photos go (--feed)

    def segment(self, images):
        started = time.time()
        time.sleep(SECONDS_PER_IMAGE * len(images))
        if self.busy_log:
            with open(self.busy_log, "a", encoding="utf-8") as log:
                log.write(f"{started} {time.time()} {len(images)}\n")
        masks = []
        for image in images:
            h, w = image.shape[:2]
            mask = np.zeros((h, w), np.uint8)
            mask[h // 5 : h * 4 // 5, w // 4 : w * 3 // 4] = 255
            masks.append(mask)
        return masks

    def close(self) -> None:
        pass


def stand_in(options, events):  # a module-level factory: the Ray actors import it by name
    return StandInGPU()


BUSY_LOG: str | None = None  # set before the feeding run; pickled with the factory below


def logging_stand_in(options, events):
    return StandInGPU(BUSY_LOG)


def make_photos(folder: Path, count: int, size: tuple[int, int] = (1800, 1200)) -> None:
    rng = np.random.default_rng(0)
    folder.mkdir(parents=True)
    w, h = size
    for n in range(count):
        image = Image.new("RGB", size, (236, 236, 232))
        draw = ImageDraw.Draw(image)
        colour = tuple(int(c) for c in rng.integers(30, 200, 3))
        draw.rectangle((w // 4, h // 5, w * 3 // 4, h * 4 // 5), fill=colour)
        product = folder / f"product-{n // 2:02d}"  # two photos a product
        product.mkdir(exist_ok=True)
        image.save(product / f"{n % 2 + 1}.jpg", quality=90)


def model_folder(tmp: Path) -> Path:
    from tests.tiny_birefnet import make_tiny_birefnet

    return make_tiny_birefnet(tmp / "model")  # resolves like a real local model; the stand-in runs


def machine_cpu_seconds() -> float:
    """Busy CPU time of the whole machine (/proc/stat): Ray's workers are not this process's children."""
    try:
        fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
    except OSError:
        return float("nan")
    user, nice, system, _idle, _iowait, irq, softirq = (int(v) for v in fields[:7])
    return (user + nice + system + irq + softirq) / os.sysconf("SC_CLK_TCK")


def fresh_actor_seconds(ray) -> float:
    """How long a new actor that imports Ray Data takes to answer on this warm instance: the least a
    run's segmentation actor costs before its first photo, since Ray Data starts its actors per run."""

    @ray.remote(num_cpus=0)
    class Fresh:
        def ready(self) -> bool:
            import ray.data  # noqa: F401 - what each of Ray Data's actors imports first

            return True

    took = []
    for _ in range(2):
        started = time.perf_counter()
        actor = Fresh.remote()
        ray.get(actor.ready.remote())
        took.append(time.perf_counter() - started)
        ray.kill(actor)
    return min(took)


def feeding(ray, source: Path, tmp: Path, model: Path) -> tuple[float, float]:
    """(photos/s through the model, its busy share) of one segmentation actor, built as the engine
    builds it (``segment_stage``), over photos decoded beforehand and waiting in the object store."""
    global BUSY_LOG
    from app.pipeline import ray_stages as rs
    from app.pipeline.ray_engine import RayOptions, segment_stage

    BUSY_LOG = str(tmp / "busy.log")
    Path(BUSY_LOG).unlink(missing_ok=True)
    jobs = []
    for folder in sorted(p for p in source.iterdir() if p.is_dir()):
        photos = [rs.PhotoJob(rel=f"{folder.name}/{p.name}", path=str(p), content_hash="",
                              mask_file=str(tmp / "masks" / folder.name / f"{p.stem}.png"))
                  for p in sorted(folder.iterdir())]
        jobs.append(rs.ProductJob(folder.name, folder.name, folder.name, False, photos))
    decoded = (ray.data.from_items([{rs.ITEM: rs.pack(job)} for job in jobs], override_num_blocks=len(jobs))
               .map(rs.decode, fn_kwargs={"max_pixels": None}, num_cpus=1).materialize())
    options = BatchOptions(background=None, seg_model=str(model), device="cpu")
    ray_options = RayOptions(segmenter_factory=logging_stand_in, model_cpus=0)
    staged = segment_stage(ray, decoded, options, ray_options, actors=1, cuda=False)
    for _ in staged.select_columns([rs.ITEM]).iter_batches(batch_size=1, prefetch_batches=0):
        pass  # only the jobs come back here: the pixels stay in the object store
    calls = [tuple(float(v) for v in line.split()) for line in Path(BUSY_LOG).read_text().splitlines()]
    span = max(end for _, end, _ in calls) - min(start for start, _, _ in calls)
    return sum(n for _, _, n in calls) / span, sum(end - start for start, end, _ in calls) / span


def timed(engine: str, source: Path, tmp: Path, label: str, model: Path, gpus: int) -> tuple[float, float]:
    """(wall seconds, the machine's busy CPU seconds) of one run on a fresh copy of the folder."""
    from app.pipeline.ray_engine import RayOptions, run_batch_ray

    shoot, out = tmp / f"in-{label}", tmp / f"out-{label}"
    shutil.copytree(source, shoot)
    options = BatchOptions(background=parse_background("plane"), seg_model=str(model), device="cpu",
                           marketplace="wb")
    started, cpu = time.perf_counter(), machine_cpu_seconds()
    if engine == "local":
        result = run_batch(shoot, out, options, segmenter_factory=stand_in)
    else:
        ray_options = RayOptions(gpus=gpus, segmenter_factory=stand_in, model_cpus=0)  # it waits, as a GPU
        result = run_batch_ray(shoot, out, options, ray_options)
    wall, cpu = time.perf_counter() - started, machine_cpu_seconds() - cpu
    assert result.done == len(list(source.rglob("*.jpg"))), result.done  # every photo made it
    return wall, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="8 photos, N = 1 and 2 only")
    parser.add_argument("--photos", type=int, help="photos per run (default 24)")
    parser.add_argument("--size", default="1800x1200", help="the photos' width x height (4000x3000: 12 MP)")
    parser.add_argument("--feed", action="store_true", help="only how busy one model actor keeps its GPU")
    parser.add_argument("--stand-in-gpus", type=int, nargs="+", help="the N to scale over (default 1 2 4)")
    args = parser.parse_args()
    photos = args.photos or (8 if args.quick else 24)
    counts = args.stand_in_gpus or ([1, 2] if args.quick else [1, 2, 4])
    size = tuple(int(v) for v in args.size.lower().split("x"))
    try:
        import ray
    except ImportError:
        print("Ray is not installed: pip install 'vitrina[ray]'")
        row("ray", "Ray wall ÷ local wall", "—", f"≤ {OVERHEAD_TARGET}", "Ray not installed")
        return
    cores = os.cpu_count() or 1
    # The stand-in lives in __main__, so Ray pickles it by value; the workers need only the checkout.
    env = {"PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1"}
    ray.init(num_cpus=cores, include_dashboard=False, logging_level=logging.WARNING, log_to_driver=False,
             runtime_env={"env_vars": env})
    try:
        with tempfile.TemporaryDirectory(prefix="vitrina-bench-ray-") as tmp_name:
            tmp = Path(tmp_name)
            source = tmp / "source"
            make_photos(source, photos, size)
            model = model_folder(tmp)
            if args.feed:
                feeding(ray, source, tmp, model)  # the workers' imports, as on a running cluster
                rate, busy = feeding(ray, source, tmp, model)
                shot = f"{size[0]}×{size[1]}"
                print(f"One segmentation actor, {photos} photos {shot} waiting: {rate:.1f} photos/s "
                      f"through the model (alone {1 / SECONDS_PER_IMAGE:.1f}/s), busy {busy:.0%}")
                row("ray", f"model actor's stand-in GPU busy, {shot}", f"{busy:.0%}", "100 %", "—")
                return
            timed("ray", source, tmp, "warm-up", model, 1)  # workers and imports, as on a running cluster
            actor_start = fresh_actor_seconds(ray)
            local_wall, local_cpu = timed("local", source, tmp, "local", model, 1)
            ray_wall, ray_cpu = timed("ray", source, tmp, "ray-1", model, 1)
            ratio = ray_wall / local_wall
            print(f"{photos} photos, 1 stand-in GPU ({SECONDS_PER_IMAGE * 1000:.0f} ms/photo): local "
                  f"{local_wall:.1f} s ({local_cpu / photos:.2f} machine core-s/photo), Ray {ray_wall:.1f} s "
                  f"({ray_cpu / photos:.2f} machine core-s/photo); ratio {ratio:.2f}")
            shot = f"{photos} photos {size[0]}×{size[1]}"
            row("ray", f"Ray wall ÷ local wall, {shot}, 1 stand-in", f"{ratio:.2f}",
                f"≤ {OVERHEAD_TARGET} (2 cores)", "met" if ratio <= OVERHEAD_TARGET else "missed")
            least = actor_start + photos * SECONDS_PER_IMAGE
            floor = least / local_wall
            print(f"A fresh actor answers {actor_start:.2f} s after it is asked for on this idle instance; "
                  f"with {photos} × {SECONDS_PER_IMAGE * 1000:.0f} ms on one model the Ray run needs at "
                  f"least {least:.1f} s: ratio ≥ {floor:.2f}")
            row("ray", "its floor: (fresh actor + model time) ÷ local wall", f"{floor:.2f}",
                f"≤ {OVERHEAD_TARGET} possible only below it", "—")
            per_photo_cpu = ray_cpu / photos
            ceiling = cores / per_photo_cpu if per_photo_cpu else float("inf")
            base = None
            for n in counts:
                wall, _ = ray_wall, None
                if n != 1:
                    wall, _ = timed("ray", source, tmp, f"ray-{n}", model, n)
                rate = photos / wall
                base = base or rate
                efficiency = rate / (n * base)
                print(f"N = {n}: {rate:.2f} images/s, efficiency {efficiency:.2f} "
                      f"(GPUs alone: {n / SECONDS_PER_IMAGE:.1f}/s; CPU ceiling ~{ceiling:.1f}/s)")
                if n > 1 and n / SECONDS_PER_IMAGE > ceiling:  # the target holds only while the CPU feeds N
                    verdict = "CPU-bound: this machine cannot feed N"
                elif n > 1 and args.quick:
                    verdict = "— (quick: too few photos to tell)"
                else:
                    verdict = "met" if efficiency >= EFFICIENCY_TARGET else "missed"
                row("ray", f"scaling efficiency, {n} stand-in GPU(s)", f"{efficiency:.2f}",
                    f"≥ {EFFICIENCY_TARGET} while the CPU feeds them", verdict)
    finally:
        ray.shutdown()


if __name__ == "__main__":
    main()
