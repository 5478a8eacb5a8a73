"""The text stage overlaps describing (GPU worker) with writing (concurrent), and keeps going on errors."""

from __future__ import annotations

import asyncio
import threading
import time

import numpy as np

from app.cardtext.card import Card
from app.describe.protocol import Description
from app.errors import VitrinaError
from app.marketplace.marketplaces import get
from app.pipeline.text import TextOptions, TextRequest, TextStage


class SlowDescriber:
    model_id, revision, batch_size = "fake-vlm", "r1", 2

    def __init__(self, fail_for: str = "") -> None:
        self.finished_at: list[float] = []
        self.fail_for = fail_for

    def describe(self, products):
        time.sleep(0.2)
        self.finished_at.append(time.monotonic())
        if any(p[0][0, 0, 0] == 7 for p in products) and self.fail_for:
            raise VitrinaError(self.fail_for)
        seen = {"shape": "lying flat", "count": "2"}
        return [Description(f"item {i}", seen) for i, _ in enumerate(products)]

    def close(self) -> None:
        pass


class RecordingWriter:
    name = "fake"

    def __init__(self) -> None:
        self.started_at: list[float] = []
        self.closed = False

    async def write(self, description, *, product_name, marketplace) -> Card:
        self.started_at.append(time.monotonic())
        await asyncio.sleep(0.05)
        return Card(title=f"Товар {product_name}", description=description.text)

    async def aclose(self) -> None:
        self.closed = True


def _requests(n: int, poisoned: int = -1) -> list[TextRequest]:
    photo = np.zeros((4, 4, 3), np.uint8)
    bad = np.full((4, 4, 3), 7, np.uint8)
    return [TextRequest(f"p{i}", f"p{i}", [bad if i == poisoned else photo]) for i in range(n)]


def _stage(describer, writer) -> TextStage:
    return TextStage(TextOptions(provider="fake"), get("wb"), describer_factory=lambda o, e: describer,
                     writer_factory=lambda o, e: writer)


def test_writes_start_while_later_products_are_still_described() -> None:
    describer, writer = SlowDescriber(), RecordingWriter()
    stage = _stage(describer, writer)
    results: dict[str, Card | None] = {}
    lock = threading.Lock()

    def done(key, card, error):
        with lock:
            results[key] = card

    stage.submit(_requests(6), done)
    stage.close()
    assert len(describer.finished_at) == 3  # three describer batches of two
    assert min(writer.started_at) < describer.finished_at[-1]
    assert sorted(results) == [f"p{i}" for i in range(6)] and all(results.values())
    # The describer's pose and count travel with the card (layout and review read them).
    assert results["p0"].provenance["shape"] == "lying flat" and results["p0"].provenance["count"] == "2"
    assert writer.closed


def test_a_failed_describe_batch_fails_only_the_product_that_fails_alone() -> None:
    describer, writer = SlowDescriber(fail_for="VLM out of memory"), RecordingWriter()
    stage = _stage(describer, writer)
    outcome: dict[str, str] = {}
    stage.submit(_requests(4, poisoned=3), lambda key, card, error: outcome.__setitem__(key, error))
    stage.close()
    assert outcome["p0"] == outcome["p1"] == outcome["p2"] == ""  # p2 was in p3's batch
    assert "VLM out of memory" in outcome["p3"]
    assert len(describer.finished_at) == 4  # two batches, then p2 and p3 once more on their own


class PartlyDescriber:
    """A describer that describes a batch in one go and says which of its products failed."""

    model_id, revision, batch_size = "fake-remote", "r1", 8

    def __init__(self) -> None:
        self.calls = 0

    def describe(self, products):
        from app.describe.protocol import PartlyDescribed

        self.calls += 1
        results = [VitrinaError("GigaChat refused to describe the photos") if p[0][0, 0, 0] == 7
                   else Description(f"item {i}") for i, p in enumerate(products)]
        if any(isinstance(r, VitrinaError) for r in results):
            raise PartlyDescribed(results)
        return results

    def close(self) -> None:
        pass


def test_a_partly_described_batch_writes_the_others_and_asks_nothing_again() -> None:
    describer, writer = PartlyDescriber(), RecordingWriter()
    stage = _stage(describer, writer)
    cards: dict[str, Card | None] = {}
    errors: dict[str, str] = {}

    def done(key, card, error):
        cards[key], errors[key] = card, error

    stage.submit(_requests(3, poisoned=1), done)
    stage.close()
    assert describer.calls == 1  # the products already described are not sent again
    assert cards["p0"].description == "item 0" and cards["p2"].description == "item 2"
    assert cards["p1"] is None and "refused to describe" in errors["p1"]
