"""Downloads without internet stay readable: one line of ours per retry instead of the hub library's
raw warnings, and the byte line tells the speed and the time left."""

from __future__ import annotations

import io
import logging
import socket
import types

import pytest
from huggingface_hub import constants
from huggingface_hub.utils import _http

from app.cli import main
from app.cli.progress import ProgressPrinter
from app.events import Progress


def _closed_port() -> int:
    with socket.socket() as s:  # bound then closed: nothing listens there, connections are refused
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def unreachable_hub(monkeypatch, tmp_path):
    """The real huggingface_hub, online, pointed at a port that refuses; its back-off does not sleep."""
    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", False)
    monkeypatch.setattr(constants, "ENDPOINT", f"http://127.0.0.1:{_closed_port()}")
    monkeypatch.setattr(_http, "time", types.SimpleNamespace(sleep=lambda _s: None))
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "hub"))
    monkeypatch.setattr(constants, "HF_HUB_CACHE", str(tmp_path / "hub"))


def test_an_unreachable_hub_gives_one_line_per_retry_then_the_error(unreachable_hub, capsys) -> None:
    hub_logger = logging.getLogger("huggingface_hub")
    before = (hub_logger.handlers[:], hub_logger.propagate, hub_logger.level)

    assert main(["models", "download", "birefnet-lite"]) == 1

    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if line.strip()]
    retries = [line for line in lines if "Hugging Face does not answer; trying again in" in line]
    assert 1 <= len(retries) <= 10 and retries[0].startswith("! birefnet-lite:"), err
    assert "thrown while requesting" not in err and "Retrying in" not in err, err
    assert lines[-1].startswith("vitrina: error: Could not download segmentation model birefnet-lite"), err
    assert len(lines) == len(retries) + 1, err  # nothing else: no raw hub line, no log line
    # the library's own logging is back as it was for everything else
    assert (hub_logger.handlers, hub_logger.propagate, hub_logger.level) == before


def test_the_hub_offer_without_internet_is_quiet_too(unreachable_hub, capsys) -> None:
    assert main(["models", "update", "birefnet-hr", "--trust"]) == 1
    err = capsys.readouterr().err
    assert "Retrying in" not in err and "thrown while requesting" not in err, err
    assert "Could not ask the Hugging Face hub about ZhengPeng7/BiRefNet_HR" in err, err


def test_the_download_line_shows_speed_and_time_left(monkeypatch) -> None:
    clock = iter([0.0, 0.0, 2.0, 4.0, 6.0])
    monkeypatch.setattr("app.cli.progress.time.monotonic", lambda: next(clock))
    out = io.StringIO()
    printer = ProgressPrinter(out, interval=0)
    mb = 1_000_000
    for done in (0, 20 * mb, 40 * mb):
        printer(Progress("download", done, 100 * mb, item="birefnet-lite"))
    last = out.getvalue().splitlines()[-1]
    # 20 MB every 2 s is 10 MB/s; 60 MB to go is 6 s
    assert "40" in last and "100" in last, last
    assert "10.0\u00a0MB/s" in last and "0:06 left" in last, last

