"""The log file: rotating, in the platformdirs log folder, with Qt's own messages and no secrets.

The GigaChat key must never reach a file a user may attach to a bug report, so every handler
carries :data:`SECRETS`, a filter that redacts the key (and its decoded client secret) from the
message, its arguments and any traceback. Keys typed in a dialog are added with
:func:`remember_secret` before they are used.
"""

from __future__ import annotations

import logging
import sys
from logging.handlers import RotatingFileHandler
from pathlib import Path

import platformdirs
from PySide6.QtCore import QMessageLogContext, QtMsgType, qInstallMessageHandler

from app.cardtext import credentials

MAX_BYTES = 2_000_000
BACKUPS = 3
FORMAT = "%(asctime)s %(levelname)s %(threadName)s %(name)s: %(message)s"
_QT_LEVELS = {QtMsgType.QtDebugMsg: logging.DEBUG, QtMsgType.QtInfoMsg: logging.INFO,
              QtMsgType.QtWarningMsg: logging.WARNING, QtMsgType.QtCriticalMsg: logging.ERROR,
              QtMsgType.QtFatalMsg: logging.CRITICAL}


class RedactSecrets(logging.Filter):
    def __init__(self) -> None:
        super().__init__()
        self._secrets: list[str] = []

    def add(self, secret: str | None) -> None:
        secret = credentials.normalize(secret or "")
        if secret and secret not in self._secrets:
            self._secrets.append(secret)

    def redact(self, text: str) -> str:
        for secret in self._secrets:
            text = credentials.redact(text, secret)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        if not self._secrets:
            return True
        record.msg, record.args = self.redact(record.getMessage()), ()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True


SECRETS = RedactSecrets()


def remember_secret(key: str | None) -> None:
    """Redact ``key`` from everything logged from now on (call before the key is used or stored)."""
    SECRETS.add(key)


def log_dir() -> Path:
    return Path(platformdirs.user_log_dir("vitrina", appauthor=False))


def _qt_message(kind: QtMsgType, context: QMessageLogContext, message: str) -> None:
    where = f" ({context.file}:{context.line})" if context.file else ""
    logging.getLogger("qt").log(_QT_LEVELS.get(kind, logging.INFO), "%s%s", message, where)


def setup_logging(folder: Path | None = None) -> Path:
    """Log to ``vitrina.log`` in ``folder`` (the platformdirs log folder by default); returns its path.

    Calling it again replaces the handlers it installed before (tests, a second window).
    """
    folder = folder or log_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "vitrina.log"
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, "vitrina", False)]:
        root.removeHandler(old)
        old.close()
    handlers: list[logging.Handler] = [
        RotatingFileHandler(path, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8")]
    if sys.stderr is not None:  # a windowed (frozen) app on Windows has no console
        console = logging.StreamHandler()
        console.setLevel(logging.WARNING)
        handlers.append(console)
    for handler in handlers:
        handler.setFormatter(logging.Formatter(FORMAT))
        handler.addFilter(SECRETS)
        handler.vitrina = True  # type: ignore[attr-defined]
        root.addHandler(handler)
    root.setLevel(logging.INFO)
    SECRETS.add(credentials.get_key())  # the stored key (or GIGACHAT_CREDENTIALS), before any use
    qInstallMessageHandler(_qt_message)
    return path
