"""Test-wide setup: offline, offscreen, and no developer's real settings or secrets leak in."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Nothing in the suite may reach a model hub; a test that tries fails fast instead of hanging.
os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["HF_HUB_DISABLE_TELEMETRY"] = "1"
os.environ.setdefault("NO_PROXY", "127.0.0.1,localhost")
for name in list(os.environ):
    if (name.startswith("GIGACHAT_") or name.startswith("VITRINA_")) and name != "VITRINA_PACKAGING_TEST":
        del os.environ[name]
# `vitrina` run as a child process speaks English too, whatever the developer's locale.
os.environ["VITRINA_LANG"] = "en"


@pytest.fixture(autouse=True)
def _private_user_dirs(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """platformdirs folders (state fallback, settings, logs) point into a temp dir per test."""
    home = tmp_path_factory.mktemp("home")
    for var in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
        monkeypatch.setenv(var, str(home / var.lower()))


@pytest.fixture(autouse=True)
def _core_in_english(monkeypatch: pytest.MonkeyPatch) -> None:
    """The core's messages are English in every test, whatever the developer's locale (a test that
    wants Russian sets it itself); the language in force before the test comes back after it."""
    from app import i18n

    monkeypatch.setattr(i18n, "_language", "en")


@pytest.fixture(scope="session")
def tiny_seg_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A BiRefNet-layout model folder with tiny hand-set weights (built once per session)."""
    from tests.tiny_birefnet import make_tiny_birefnet

    return make_tiny_birefnet(tmp_path_factory.mktemp("models") / "tiny-birefnet")


@pytest.fixture(scope="session")
def tiny_vlm_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A Qwen3-VL model folder (native classes) with tiny random weights, built once per session."""
    from tests.tiny_vlm import make_tiny_qwen3_vl

    return make_tiny_qwen3_vl(tmp_path_factory.mktemp("models") / "tiny-qwen3-vl")
