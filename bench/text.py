"""Benchmark: does the card-text stage overlap describing with writing?

    python bench/text.py [--quick]

In one process: the real describer (the tiny random-weight Qwen3-VL from tests/tiny_vlm.py through
``load_describer``; its CPU generate costs about what a real writer round-trip does, so neither side
hides the other) and the real ``GigaChatWriter`` against a ``FakeGigaChat`` loopback server that
answers a valid card after a fixed delay, ``max_concurrency`` 4. Timed, interleaved, medians:

  describe  every product through ``describe`` alone, in the groups the pipeline submits;
  write     every card through the writer alone, all at once (the writer gates them to 4);
  staged    the real ``TextStage``: ``submit`` each group as products resolve, then ``wait``.

Ratio = staged ÷ max(describe, write), target ≤ 1.15. Because the last group's cards can only be
written after it is described, even a perfect overlap costs more than max(describe, write); the
bench therefore also simulates the ideal schedule from the staged run's own describe times and
prints staged ÷ ideal (the stage's own overhead) next to the floor the target has to live with.

The server runs in a child process: the real service is remote, so its HTTP handling must not
compete with the stage for this process's GIL.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run from a checkout
from _photos import product_photo  # noqa: E402
from _table import row  # noqa: E402  (bench/ is on sys.path: these run as scripts)

# Loopback only, never a proxy; nothing may reach a model hub.
os.environ["NO_PROXY"] = os.environ["no_proxy"] = "127.0.0.1,localhost"
os.environ["HF_HUB_OFFLINE"] = "1"
os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")

from app.cardtext.gigachat_writer import GigaChatSettings, GigaChatWriter  # noqa: E402
from app.describe.protocol import Description  # noqa: E402
from app.marketplace.marketplaces import get as get_marketplace  # noqa: E402
from app.pipeline.text import TextOptions, TextRequest, TextStage  # noqa: E402

TARGET = 1.15
CONCURRENCY = 4
DESCRIBE_BATCH = 4  # the describer's own batch (load_describer's default)

# The fake service, in its own interpreter. It prints its URLs, answers "stats" lines with what it
# saw since the last one, and stops at EOF on stdin (the bench exited, even by a crash) or when its
# watchdog fires: it can never outlive the bench by more than ``lifetime`` seconds.
_SERVER = """
import json, sys
sys.path.insert(0, sys.argv[1])
from tests.gigachat_server import FakeGigaChat, Reply
with FakeGigaChat(default=Reply.card(delay=float(sys.argv[2])), lifetime=float(sys.argv[3])) as s:
    print(json.dumps({"key": s.key, "base_url": s.base_url, "auth_url": s.auth_url}), flush=True)
    seen = 0
    for line in sys.stdin:
        chats = s.chat_requests()
        with s._lock:
            peak, s.max_in_flight = s.max_in_flight, 0
        print(json.dumps({"chats": len(chats) - seen, "max_in_flight": peak}), flush=True)
        seen = len(chats)
"""


class FakeService:
    """The loopback GigaChat in a child process."""

    def __init__(self, delay: float, lifetime: float) -> None:
        self._proc = subprocess.Popen(
            [sys.executable, "-c", _SERVER, str(ROOT), str(delay), str(lifetime)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=ROOT,
        )
        assert self._proc.stdout is not None and self._proc.stdin is not None
        line = self._proc.stdout.readline()
        if not line:
            raise RuntimeError("the fake GigaChat server did not start")
        self.urls: dict[str, str] = json.loads(line)

    def stats(self) -> dict[str, int]:
        """Chat requests and the most in flight since the previous call."""
        assert self._proc.stdin is not None and self._proc.stdout is not None
        self._proc.stdin.write("stats\n")
        self._proc.stdin.flush()
        return json.loads(self._proc.stdout.readline())

    def settings(self) -> GigaChatSettings:
        return GigaChatSettings(
            credentials=self.urls["key"], base_url=self.urls["base_url"], auth_url=self.urls["auth_url"],
            max_concurrency=CONCURRENCY, timeout=10.0, max_retries=1, backoff_base=0.05,
        )

    def close(self) -> None:
        assert self._proc.stdin is not None
        self._proc.stdin.close()
        try:
            self._proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait()


@dataclass
class TimedDescriber:
    """Wraps the loaded describer: records each call's span; ``close`` is a no-op so one model
    serves every run (TextStage.close would otherwise release it)."""

    inner: Any
    spans: list[tuple[float, float]] = field(default_factory=list)
    sizes: list[int] = field(default_factory=list)  # products per call, in the order of ``spans``

    @property
    def batch_size(self) -> int:
        return self.inner.batch_size

    @property
    def model_id(self) -> str:
        return self.inner.model_id

    @property
    def revision(self) -> str:
        return self.inner.revision

    def describe(self, products: Sequence[Sequence[np.ndarray]]) -> list[Description]:
        start = time.perf_counter()
        try:
            return self.inner.describe(products)
        finally:
            self.spans.append((start, time.perf_counter()))
            self.sizes.append(len(products))

    def close(self) -> None:
        pass


def make_requests(count: int, side: int) -> list[TextRequest]:
    return [TextRequest(f"product-{i:02d}", f"Товар {i}", [product_photo(i, side)]) for i in range(count)]


def groups(requests: list[TextRequest], size: int) -> list[list[TextRequest]]:
    return [requests[i : i + size] for i in range(0, len(requests), size)]


def describe_only(describer: TimedDescriber, requests: list[TextRequest], group: int) -> float:
    start = time.perf_counter()
    for chunk in groups(requests, group):
        describer.describe([r.photos for r in chunk])
    return time.perf_counter() - start


def write_only(service: FakeService, descriptions: list[Description],
               names: list[str]) -> tuple[float, list[float]]:
    """All cards at once on a fresh writer (its OAuth included, as in the staged run); per-card latencies."""
    marketplace = get_marketplace("wb")

    async def run() -> list[float]:
        writer = GigaChatWriter(service.settings())

        async def one(description: Description, name: str) -> float:
            start = time.perf_counter()
            await writer.write(description, product_name=name, marketplace=marketplace)
            return time.perf_counter() - start

        try:
            return list(await asyncio.gather(*(one(d, n) for d, n in zip(descriptions, names, strict=True))))
        finally:
            await writer.aclose()

    start = time.perf_counter()
    latencies = asyncio.run(run())
    return time.perf_counter() - start, latencies


def staged(service: FakeService, describer: TimedDescriber, requests: list[TextRequest],
           group: int) -> tuple[float, list[float], list[int], int]:
    """The real TextStage as the pipeline drives it; returns wall, describe-call durations, failures."""
    failures: list[str] = []
    lock = threading.Lock()

    def on_done(key: str, card: object, error: str) -> None:
        if card is None:
            with lock:
                failures.append(f"{key}: {error}")

    stage = TextStage(
        TextOptions(provider="gigachat"), get_marketplace("wb"),
        describer_factory=lambda _o, _e: describer,
        writer_factory=lambda _o, _e: GigaChatWriter(service.settings()),
    )
    describer.spans.clear()
    describer.sizes.clear()
    try:
        start = time.perf_counter()
        for chunk in groups(requests, group):
            stage.submit(chunk, on_done)
        stage.wait()
        wall = time.perf_counter() - start
    finally:
        stage.close()
    if failures:
        print("  failed cards:", *failures[:3], sep="\n    ")
    return wall, [end - begin for begin, end in describer.spans], list(describer.sizes), len(failures)


def ideal_schedule(describe_times: list[float], group_sizes: list[int], write_time: float, slots: int,
                   startup: float) -> float:
    """Makespan of a perfect stage: group i's cards start the moment it is described, on any free
    slot of ``slots``, each taking ``write_time``; describing never slows down. ``startup`` is the
    writer's one-off cost before its first card (client, TLS context, OAuth), paid after the first
    group is described because the stage makes its writer lazily."""
    free = [describe_times[0] + startup] * slots
    ready, end = 0.0, 0.0
    for spent, size in zip(describe_times, group_sizes, strict=True):
        ready += spent
        for _ in range(size):
            slot = min(range(slots), key=free.__getitem__)
            free[slot] = max(free[slot], ready) + write_time
            end = max(end, free[slot])
    return max(end, ready)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="6 products, fewer runs")
    parser.add_argument("--delay", type=float, default=0.3, help="the fake server's answer delay, s")
    parser.add_argument("--new-tokens", type=int, default=64,
                        help="describer max_new_tokens: sets the describe cost per batch")
    parser.add_argument("--switch-interval", type=float,
                        help="sys.setswitchinterval for this run (the GIL experiment in docs/PERFORMANCE.md)")
    args = parser.parse_args()
    if args.switch_interval:
        sys.setswitchinterval(args.switch_interval)
    count, runs = (6, 2) if args.quick else (20, 5)

    import torch

    from app.describe import load_describer
    from tests.tiny_vlm import make_tiny_qwen3_vl

    # The describer stands in for a GPU model, whose generate keeps one CPU thread busy launching
    # kernels, not every core. Two OpenMP threads on a shared 2-core box also oversubscribe it
    # (measured: the same describe call 5-6x slower and far noisier), which would swamp the overlap.
    torch.set_num_threads(1)

    requests = make_requests(count, side=256)
    names = [r.name for r in requests]
    # (label, products per submit): the pipeline submits what one segmentation batch resolved.
    # 4 = the describer's batch (CPU, or a GPU batch of 4); 16 = a full GPU batch (auto, ≥ 56 GB free).
    scenarios = [("per 4 resolved", DESCRIBE_BATCH)] + ([] if args.quick else [("per 16 resolved", 16)])

    service = FakeService(args.delay, lifetime=120.0 if args.quick else 900.0)
    with tempfile.TemporaryDirectory(prefix="vitrina-bench-") as tmp:
        try:
            folder = make_tiny_qwen3_vl(Path(tmp) / "tiny-vlm")
            describer = TimedDescriber(load_describer(
                str(folder), device="cpu", batch_size=DESCRIBE_BATCH, max_new_tokens=args.new_tokens))
            # Warm-up, and the writer's input.
            descriptions = describer.inner.describe([r.photos for r in requests])
            write_only(service, descriptions[:CONCURRENCY], names[:CONCURRENCY])  # warm the SDK's imports
            service.stats()

            d_runs: list[float] = []
            w_runs: list[float] = []
            latencies: list[float] = []
            # label -> (wall, describe-call durations, products per describe call) per run
            s_runs: dict[str, list[tuple[float, list[float], list[int]]]] = {lb: [] for lb, _ in scenarios}
            peaks: list[int] = []
            chats = failures = 0
            for _ in range(runs):  # interleaved: drift in the shared machine's load hits every side
                d_runs.append(describe_only(describer, requests, DESCRIBE_BATCH))
                w_runs.append(write_only(service, descriptions, names)[0])
                # One card's service time: a round of ≤ max_concurrency cards waits on no gate.
                latencies.extend(write_only(service, descriptions[:CONCURRENCY], names[:CONCURRENCY])[1])
                seen = service.stats()
                peaks.append(seen["max_in_flight"])
                chats += seen["chats"]
                for label, group in scenarios:
                    wall, spans, sizes, failed = staged(service, describer, requests, group)
                    s_runs[label].append((wall, spans, sizes))
                    failures += failed
                    seen = service.stats()
                    peaks.append(seen["max_in_flight"])
                    chats += seen["chats"]
        finally:
            service.close()

    t_describe, t_write = statistics.median(d_runs), statistics.median(w_runs)
    t_card = statistics.median(latencies)
    base = max(t_describe, t_write)
    # What write-only spent beyond its rounds of cards: the writer's fixed start-up cost.
    startup = max(0.0, t_write - -(-count // CONCURRENCY) * t_card)
    print(f"{count} products, 1 photo each; tiny Qwen3-VL on CPU (describer batch {DESCRIBE_BATCH}, "
          f"max_new_tokens {args.new_tokens}); GigaChatWriter → loopback server, answer delay "
          f"{args.delay:g} s, max_concurrency {CONCURRENCY}; GIL switch interval "
          f"{sys.getswitchinterval() * 1000:g} ms; median of {runs} interleaved runs")
    print(f"describe only:   {t_describe:6.2f} s   ({t_describe / count * 1000:.0f} ms/product)")
    print(f"write only:      {t_write:6.2f} s   (one card {t_card * 1000:.0f} ms median; "
          f"{chats / (runs * (1 + len(scenarios)) * count + runs * CONCURRENCY):.2f} chat requests/card; "
          f"server saw ≤ {max(peaks)} in flight; writer start-up {startup * 1000:.0f} ms)")
    summary: tuple[float, float, float] | None = None  # the first scenario's ratio, floor, overhead
    for label, _group in scenarios:
        walls = [w for w, _, _ in s_runs[label]]
        median_index = sorted(range(len(walls)), key=walls.__getitem__)[len(walls) // 2]
        wall, spans, sizes = s_runs[label][median_index]
        ideal = ideal_schedule(spans, sizes, t_card, CONCURRENCY, startup)
        print(f"staged, submit {label}: {wall:5.2f} s   ratio {wall / base:.2f}   describe inside it "
              f"{sum(spans):.2f} s; ideal schedule {ideal:.2f} s (floor ratio {ideal / base:.2f}); "
              f"staged ÷ ideal {wall / ideal:.2f}")
        summary = summary or (wall / base, ideal / base, wall / ideal)
    if failures:
        print(f"WARNING: {failures} cards failed; the timings above include those failures")
    assert summary is not None
    ratio, floor, overhead = summary
    verdict = "ok" if ratio <= TARGET else (
        "over target, but no schedule could do better here" if floor > TARGET and overhead <= 1.05
        else "OVER TARGET")
    print(f"ratio {ratio:.2f} (target ≤ {TARGET}; floor for this shape {floor:.2f}, "
          f"stage overhead {overhead:.2f}) {verdict}")
    bound = floor > TARGET and overhead <= 1.05
    row("text", f"wall ÷ max(describe, write), {count} products", f"{ratio:.2f}", f"≤ {TARGET} (20 products)",
        "met" if ratio <= TARGET else (f"floor-bound (floor {floor:.2f})" if bound else "missed"))

if __name__ == "__main__":
    main()
