"""The log file: rotating, Qt messages in it, the GigaChat key never in it; unexpected errors show a
dialog that says where the log is, and the app goes on."""

from __future__ import annotations

import base64
import logging
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer, qInstallMessageHandler, qWarning

from app.cardtext import credentials
from ui import logs
from ui.crash import CrashReporter

KEY = base64.b64encode(b"0193aa5e-client-id:b7c1-super-secret-4f2a").decode()


@pytest.fixture
def log_path(tmp_path: Path, keyring_store: dict) -> Iterator[Path]:
    path = logs.setup_logging(tmp_path / "logs")
    yield path
    root = logging.getLogger()
    for handler in [h for h in root.handlers if getattr(h, "vitrina", False)]:
        root.removeHandler(handler)
        handler.close()
    qInstallMessageHandler(None)
    logs.SECRETS._secrets.clear()


def read(path: Path) -> str:
    for handler in logging.getLogger().handlers:
        handler.flush()
    return "".join(p.read_text("utf-8") for p in sorted(path.parent.glob("vitrina.log*")))


def test_the_log_file_rotates_and_holds_qt_messages(log_path: Path) -> None:
    assert log_path.name == "vitrina.log"
    logging.getLogger("vitrina.test").info("opened a folder")
    qWarning("a warning from Qt")
    text = read(log_path)
    assert "opened a folder" in text and "a warning from Qt" in text and " qt: " in text

    handler = next(h for h in logging.getLogger().handlers if getattr(h, "baseFilename", "") == str(log_path))
    handler.maxBytes = 2_000  # type: ignore[attr-defined]
    for n in range(200):
        logging.getLogger("vitrina.test").info("line %d of a long session", n)
    assert (log_path.parent / "vitrina.log.1").is_file()
    assert len(list(log_path.parent.glob("vitrina.log*"))) <= 1 + logs.BACKUPS


def test_the_gigachat_key_never_reaches_the_log(log_path: Path, keyring_store: dict) -> None:
    log = logging.getLogger("vitrina.test")
    logs.remember_secret(f"Basic {KEY}")  # as typed into a dialog, "Basic " and all
    log.warning("signing in with %s", KEY)
    log.info("client secret b7c1-super-secret-4f2a in a message")
    try:
        raise RuntimeError(f"the server refused {KEY}")
    except RuntimeError:
        log.exception("request failed")
    text = read(log_path)
    assert KEY not in text and "b7c1-super-secret-4f2a" not in text
    assert text.count("***") >= 3 and "request failed" in text and "Traceback" in text


def test_a_stored_key_is_redacted_from_the_first_line(tmp_path: Path, keyring_store: dict) -> None:
    keyring_store[(credentials.SERVICE, credentials.USERNAME)] = KEY
    logs.SECRETS._secrets.clear()
    path = logs.setup_logging(tmp_path / "logs")
    try:
        logging.getLogger("vitrina.test").info("key %s", KEY)
        assert KEY not in read(path) and "key ***" in read(path)
    finally:
        for handler in [h for h in logging.getLogger().handlers if getattr(h, "vitrina", False)]:
            logging.getLogger().removeHandler(handler)
            handler.close()
        qInstallMessageHandler(None)
        logs.SECRETS._secrets.clear()


@pytest.mark.qt_no_exception_capture
def test_an_unexpected_error_shows_what_and_where_and_the_app_goes_on(qtbot, log_path: Path) -> None:
    saved: list[str] = []
    reporter = CrashReporter(log_path, keep_work=lambda: saved.append("flushed"))
    hooks = sys.excepthook, threading.excepthook
    reporter.install()
    try:
        def broken_slot() -> None:
            raise ValueError(f"bad crop box for {KEY}")

        logs.remember_secret(KEY)
        QTimer.singleShot(0, broken_slot)
        qtbot.waitUntil(lambda: reporter.dialog is not None and reporter.dialog.isVisible(), timeout=5_000)
        dialog = reporter.dialog
        assert "ValueError: bad crop box" in dialog.text() and KEY not in dialog.text()
        assert "test_logs.py" in dialog.informativeText() and "broken_slot" in dialog.informativeText()
        assert str(log_path) in dialog.informativeText() and "kept" in dialog.informativeText()
        assert KEY not in dialog.detailedText() and "Traceback" in dialog.detailedText()
        assert saved == ["flushed"]  # pending edits were saved

        # The event loop goes on; a second error (here on another thread) is counted, not stacked.
        alive: list[bool] = []
        QTimer.singleShot(0, lambda: alive.append(True))
        worker = threading.Thread(target=lambda: 1 / 0)
        worker.start()
        worker.join()
        qtbot.waitUntil(lambda: bool(alive) and reporter.more == 1, timeout=5_000)
        assert "1 more error" in dialog.informativeText()
        text = read(log_path)
        assert "ZeroDivisionError" in text and "bad crop box" in text and KEY not in text
        dialog.close()
    finally:
        sys.excepthook, threading.excepthook = hooks
