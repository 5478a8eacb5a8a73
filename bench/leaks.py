"""Benchmark: does a long batch run leak memory?

    python bench/leaks.py [--quick] [--first N] [--total N]

In one process: a warm-up ``run_batch`` on 5 photos (imports, allocator, first-call caches), then
the real ``run_batch`` (decode → segment → mask → plane background → compose → bundle, no text)
on a folder of N small generated photos, RSS measured; then the remaining photos of the total in a
second folder, RSS measured again. ``gc.collect()`` runs before every measure. The model is
tests/tiny_birefnet.py's, loaded by the pipeline's own default factory from its folder on every
run, as the app does.

Ratio = RSS after the total ÷ RSS after the first N; target ≤ 1.05 (growth ≤ 5 %).
Default 100 then 1,000 photos (320×240); ``--quick``: 20 then 200. RSS is psutil's if installed,
else /proc/self/statm. VRAM on a GPU: pending (this bench runs the tiny model on the CPU).
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run from a checkout
from _table import row  # noqa: E402  (bench/ is on sys.path: these run as scripts)

os.environ["HF_HUB_OFFLINE"] = "1"  # a local folder only; nothing may reach a hub

from app.compose.backgrounds import parse_background  # noqa: E402
from app.pipeline.batch import run_batch  # noqa: E402
from app.pipeline.options import BatchOptions  # noqa: E402
from tests.tiny_birefnet import make_tiny_birefnet  # noqa: E402

TARGET = 1.05
WIDTH, HEIGHT = 320, 240


def rss_bytes() -> int:
    """Resident set size of this process."""
    try:
        import psutil
    except ImportError:
        with open("/proc/self/statm", encoding="ascii") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    return psutil.Process().memory_info().rss


def measure() -> int:
    gc.collect()
    return rss_bytes()


def make_photos(folder: Path, start: int, count: int) -> None:
    """Small product photos (one product each): light backdrop, a coloured box, sensor noise."""
    rng = np.random.default_rng(start)
    folder.mkdir(parents=True)
    for i in range(start, start + count):
        im = Image.new("RGB", (WIDTH, HEIGHT), (238, 236, 232))
        draw = ImageDraw.Draw(im)
        colour = tuple(int(c) for c in rng.integers(20, 180, 3))
        w, h = int(WIDTH * rng.uniform(0.25, 0.5)), int(HEIGHT * rng.uniform(0.4, 0.7))
        x0, y0 = (WIDTH - w) // 2, int(HEIGHT * 0.85) - h
        draw.rectangle((x0, y0, x0 + w, y0 + h), fill=colour)
        pixels = np.asarray(im, np.int16) + rng.normal(0, 4, (HEIGHT, WIDTH, 1)).astype(np.int16)
        photo = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))
        photo.save(folder / f"item-{i:04d}.jpg", quality=90)


def batch(source: Path, out: Path, options: BatchOptions) -> float:
    started = time.perf_counter()
    result = run_batch(source, out, options)
    count = sum(1 for _ in source.glob("*.jpg"))
    if result.done != count or result.failed:
        raise RuntimeError(f"run_batch on {source.name}: {result.done}/{count} done, {result.failed} failed")
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="20 then 200 photos")
    parser.add_argument("--first", type=int, help="photos before the first measure (default 100; quick 20)")
    parser.add_argument("--total", type=int, help="photos in all at the second measure (1000; quick 200)")
    args = parser.parse_args()
    first = args.first or (20 if args.quick else 100)
    total = args.total or (200 if args.quick else 1000)
    if total <= first:
        parser.error("--total must be more than --first")

    mb = 1 / 2**20
    with tempfile.TemporaryDirectory(prefix="vitrina-bench-") as tmp:
        work = Path(tmp)
        model = make_tiny_birefnet(work / "tiny-birefnet")
        options = BatchOptions(background=parse_background("plane"), seg_model=str(model), device="cpu")
        make_photos(work / "warm", 10_000, 5)
        make_photos(work / "first", 0, first)
        make_photos(work / "rest", first, total - first)
        rss_start = measure()

        batch(work / "warm", work / "out-warm", options)
        rss_warm = measure()
        t_first = batch(work / "first", work / "out-first", options)
        rss_first = measure()
        t_rest = batch(work / "rest", work / "out-rest", options)
        rss_total = measure()

    ratio = rss_total / rss_first
    source = "psutil" if _has_psutil() else "/proc/self/statm"
    print(f"run_batch, tiny BiRefNet on CPU (default factory, loaded per run), {WIDTH}×{HEIGHT} JPEGs, "
          f"--background plane, no text; RSS from {source}, gc.collect() before each measure")
    print(f"RSS before any run:          {rss_start * mb:7.1f} MB")
    print(f"RSS after warm-up (5):       {rss_warm * mb:7.1f} MB")
    print(f"RSS after {first:>5} photos:     {rss_first * mb:7.1f} MB   ({t_first:.1f} s, "
          f"{first / t_first:.1f} photos/s)")
    print(f"RSS after {total:>5} photos:     {rss_total * mb:7.1f} MB   (+{total - first} in {t_rest:.1f} s, "
          f"{(total - first) / t_rest:.1f} photos/s)")
    growth = (ratio - 1) * 100
    per_photo = (rss_total - rss_first) / 1024 / (total - first)
    print(f"ratio {ratio:.3f} (growth {growth:+.1f} %, {per_photo:.1f} KB/photo)   "
          f"target ≤ {TARGET:g}: {'ok' if ratio <= TARGET else 'over target'}")
    print("VRAM growth: pending (no GPU here; this bench's model runs on the CPU)")
    row("leaks", f"RSS after {total} photos ÷ after {first}", f"{ratio:.3f} ({growth:+.1f} %)",
        f"≤ {TARGET:g}", "met" if ratio <= TARGET else "missed")
    row("leaks", "VRAM growth on a GPU", "—", f"≤ {TARGET:g}", "pending: no GPU")
    return 0


def _has_psutil() -> bool:
    try:
        import psutil  # noqa: F401
    except ImportError:
        return False
    return True


if __name__ == "__main__":
    sys.exit(main())
