"""The GigaChat describer: the real SDK against the loopback server (tests/gigachat_server.py), which
only accepts attachments it received as uploads, refuses files over 15 MB and counts requests."""

from __future__ import annotations

import asyncio
import io
import threading
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest
from PIL import Image

from app.cardtext.gigachat_writer import GigaChatError, GigaChatSettings, GigaChatWriter
from app.describe.gigachat_describer import (
    MAX_UPLOAD_BYTES,
    GigaChatDescriber,
    GigaChatDescriberSettings,
    jpeg_for_upload,
)
from app.describe.protocol import Description
from app.describe.vlm import PROMPT
from app.marketplace.marketplaces import get
from app.pipeline.text import TextOptions, default_describer
from tests.gigachat_server import DESCRIPTION, FakeGigaChat, Reply

RED = np.zeros((48, 64, 3), np.uint8)
RED[..., 0] = 200


@pytest.fixture
def server() -> Iterator[FakeGigaChat]:
    with FakeGigaChat(default=Reply.description()) as fake:
        yield fake


def _settings(server: FakeGigaChat, **kw: Any) -> GigaChatDescriberSettings:
    options: dict[str, Any] = {"credentials": server.key, "base_url": server.base_url,
                               "auth_url": server.auth_url, "timeout": 5.0, "max_retries": 1,
                               "backoff_base": 0.01, "backoff_cap": 0.02}
    return GigaChatDescriberSettings(**{**options, **kw})


def _describe(server: FakeGigaChat, products: list[list[np.ndarray]], **kw: Any) -> list[Description]:
    describer = GigaChatDescriber(_settings(server, **kw))
    try:
        return describer.describe(products)
    finally:
        describer.close()


def test_photos_are_uploaded_as_jpeg_attached_one_per_message_and_deleted(server: FakeGigaChat) -> None:
    blue = np.zeros((30, 30, 3), np.uint8)
    blue[..., 2] = 255
    [description] = _describe(server, [[RED, blue]])
    assert description.text == DESCRIPTION["description"]
    assert description.attributes["colors"] == "red, white"
    assert description.attributes["material"] == "ceramic"
    assert description.model_id == "GigaChat-2-Pro"
    uploads = list(server.files.values())
    assert [u.content_type for u in uploads] == ["image/jpeg", "image/jpeg"]
    decoded = [Image.open(io.BytesIO(u.data)) for u in uploads]
    assert [(i.format, i.size) for i in decoded] == [("JPEG", (64, 48)), ("JPEG", (30, 30))]
    assert decoded[0].getpixel((10, 10))[0] > 150 and decoded[1].getpixel((10, 10))[2] > 200
    [chat] = server.chat_requests()
    sent = chat.json()
    assert sent["model"] == "GigaChat-2-Pro"
    assert [m["attachments"] for m in sent["messages"]] == [[u.id] for u in uploads]
    assert PROMPT in sent["messages"][-1]["content"]
    assert sorted(server.deleted) == sorted(server.files) and server.live_files() == []


def test_a_photo_over_15_mb_is_shrunk_under_the_limit(server: FakeGigaChat) -> None:
    noise = np.random.default_rng(0).integers(0, 256, (4000, 6000, 3), dtype=np.uint8)  # a 24 MP photo
    plain = io.BytesIO()
    Image.fromarray(noise).save(plain, "JPEG", quality=90)
    assert plain.tell() > MAX_UPLOAD_BYTES  # the premise: as it is, the service would refuse it
    [description] = _describe(server, [[noise]], max_pixels=None)
    assert description.text == DESCRIPTION["description"]
    [upload] = server.files.values()
    assert len(upload.data) <= MAX_UPLOAD_BYTES
    image = Image.open(io.BytesIO(upload.data))
    assert image.format == "JPEG" and abs(image.width / image.height - 1.5) < 0.01


def test_jpeg_for_upload_gets_smaller_until_it_fits() -> None:
    noise = np.random.default_rng(1).integers(0, 256, (600, 800, 3), dtype=np.uint8)
    data = jpeg_for_upload(noise, max_pixels=None, max_bytes=40_000)
    assert data is not None and len(data) <= 40_000
    assert Image.open(io.BytesIO(data)).width < 800
    capped = Image.open(io.BytesIO(jpeg_for_upload(noise, max_pixels=120_000) or b""))
    assert capped.width * capped.height <= 120_000


def test_bad_photos_never_crash_and_no_photo_sends_nothing(server: FakeGigaChat) -> None:
    cut_out = np.zeros((20, 20, 4), np.uint8)  # fully transparent: white, not black, goes up
    described = _describe(server, [[np.zeros((0, 0, 3), np.uint8), np.array(["x"], dtype=object)], [],
                                   [cut_out, np.full((20, 20), 70.5)]])
    assert [d.text for d in described] == ["", "", DESCRIPTION["description"]]
    first = Image.open(io.BytesIO(next(iter(server.files.values())).data))
    assert min(first.getpixel((5, 5))) > 240
    assert len(server.files) == 2 and len(server.chat_requests()) == 1


def test_a_refusal_is_a_clear_error_and_the_files_are_still_deleted(server: FakeGigaChat) -> None:
    server.script(Reply(content="Не могу", finish_reason="blacklist"))
    with pytest.raises(GigaChatError) as err:
        _describe(server, [[RED]])
    assert err.value.kind == "refused" and "refused to describe the photos" in str(err.value)
    assert len(server.files) == 1 and server.live_files() == []


def test_one_refused_product_leaves_the_others_described(server: FakeGigaChat) -> None:
    from app.describe.protocol import PartlyDescribed

    server.script(Reply(content="Не могу", finish_reason="blacklist"))  # the first request to arrive
    with pytest.raises(PartlyDescribed) as err:
        _describe(server, [[RED], [RED], [RED]])
    outcomes = err.value.results
    assert len(outcomes) == 3
    refused = [r for r in outcomes if isinstance(r, GigaChatError)]
    assert len(refused) == 1 and refused[0].kind == "refused"
    assert [r.text for r in outcomes if isinstance(r, Description)] == [DESCRIPTION["description"]] * 2
    assert "1 of 3 products could not be described" in str(err.value)
    assert server.live_files() == []


def test_service_errors_take_the_writers_path(server: FakeGigaChat) -> None:
    server.script(Reply.error(500), Reply.description())
    assert _describe(server, [[RED]])[0].text == DESCRIPTION["description"]  # retried
    server.script(Reply.error(402, "Payment Required"))
    with pytest.raises(GigaChatError, match=r"tokens are used up \(402\)") as err:
        _describe(server, [[RED]])
    assert err.value.kind == "quota" and server.live_files() == []


def test_a_closed_describer_says_so() -> None:
    with FakeGigaChat() as server:
        describer = GigaChatDescriber(_settings(server))
        describer.close()
        describer.close()  # twice is fine
        with pytest.raises(GigaChatError, match="closed"):
            describer.describe([[RED]])


@pytest.mark.parametrize("limit", [1, 2])
def test_requests_at_once_never_exceed_the_setting(limit: int) -> None:
    with FakeGigaChat(default=Reply.description(delay=0.15), upload_delay=0.05) as server:
        describer = GigaChatDescriber(_settings(server, max_concurrency=limit))
        try:
            assert describer.batch_size == limit
            assert len(describer.describe([[RED, RED]] * 4)) == 4
        finally:
            describer.close()
        assert server.max_in_flight == limit
        assert len(server.files) == 8 and server.live_files() == []


def test_the_writer_and_the_describer_share_the_accounts_limit() -> None:
    """Cards of one batch are written while the next is described: together they stay at 1."""
    with FakeGigaChat(default=Reply.card(delay=0.1)) as server:
        common = {"credentials": server.key, "base_url": server.base_url, "auth_url": server.auth_url,
                  "max_concurrency": 1}
        describer = GigaChatDescriber(GigaChatDescriberSettings(**common))
        described: list[Description] = []
        worker = threading.Thread(target=lambda: described.extend(describer.describe([[RED]] * 3)))

        async def write() -> None:
            writer = GigaChatWriter(GigaChatSettings(**common))
            try:
                facts = Description("A red mug.")
                await asyncio.gather(*(writer.write(facts, product_name=f"m{i}", marketplace=get("ozon"))
                                       for i in range(3)))
            finally:
                await writer.aclose()

        try:
            worker.start()
            asyncio.run(write())
            worker.join(10)
        finally:
            describer.close()
        assert len(described) == 3 and len(server.chat_requests()) == 6
        assert server.max_in_flight == 1


def test_text_options_choose_the_gigachat_describer_and_its_model(server: FakeGigaChat) -> None:
    common = {"credentials": server.key, "base_url": server.base_url, "auth_url": server.auth_url}
    cases = [(None, {}, "GigaChat-2-Pro"), ("GigaChat-2", {}, "GigaChat-2-Pro"),
             ("GigaChat-2-Max", {}, "GigaChat-2-Max"),
             ("GigaChat-2", {"model": "GigaChat-Pro"}, "GigaChat-Pro")]
    for gigachat_model, extra, expected in cases:
        options = TextOptions(provider="gigachat", describer="gigachat", gigachat_model=gigachat_model,
                              vlm_model="no-such-local-model",  # loading it would fail: it must not be tried
                              describer_settings={**common, "max_concurrency": 3, **extra})
        describer = default_describer(options, lambda event: None)
        try:
            assert isinstance(describer, GigaChatDescriber)
            assert (describer.model_id, describer.batch_size) == (expected, 3)
        finally:
            describer.close()
    bad = TextOptions(describer="gigachat", describer_settings={**common, "colour": "red"})
    with pytest.raises(GigaChatError, match="bad settings for the GigaChat describer"):
        default_describer(bad, lambda event: None)
