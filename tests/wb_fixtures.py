"""Pointing the code under test at the loopback fakes: Wildberries (tests/fake_wb.py) and a GigaChat
writer (tests/gigachat_server.py), with WB's documented pace a hundred times faster."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from app.cardtext.gigachat_writer import GigaChatSettings, GigaChatWriter
from app.publish.wb import api, flow
from tests.fake_wb import FakeWB
from tests.gigachat_server import FakeGigaChat


@contextmanager
def serve_wb(monkeypatch: pytest.MonkeyPatch, **options: Any) -> Iterator[FakeWB]:
    """A FakeWB the client finds through the environment, its token in ``WB_API_TOKEN``, and the
    client's pacing (6 s between card uploads, 5 s between polls) scaled as the fake's is."""
    with FakeWB(time_scale=0.01, **options) as fake:
        monkeypatch.setenv(api.URL_ENV, fake.url)
        monkeypatch.setenv("WB_API_TOKEN", fake.token)
        monkeypatch.setattr(api, "LIMITS", {k: (i / 100, b) for k, (i, b) in api.LIMITS.items()})
        monkeypatch.setattr(flow, "POLL_INTERVAL", 0.02)
        yield fake


def gigachat_writer(server: FakeGigaChat) -> Callable[[], GigaChatWriter]:
    """A factory of real GigaChat writers talking to ``server``, quick to give up."""
    return lambda: GigaChatWriter(GigaChatSettings(
        credentials=server.key, base_url=server.base_url, auth_url=server.auth_url, timeout=2.0,
        max_retries=1, backoff_base=0.01, backoff_cap=0.05))
