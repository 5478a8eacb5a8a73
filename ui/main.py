"""Start the studio: Qt application, log file, a dialog for unexpected errors, the main window."""

from __future__ import annotations

import logging
import sys
import traceback
from logging.handlers import RotatingFileHandler
from pathlib import Path
from types import TracebackType

import platformdirs
from PySide6.QtCore import QtMsgType, qInstallMessageHandler
from PySide6.QtWidgets import QApplication, QMessageBox

from ui import settings
from ui.main_window import MainWindow

log = logging.getLogger("vitrina")


def _setup_logging() -> Path:
    folder = Path(platformdirs.user_log_dir("vitrina", appauthor=False))
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "vitrina.log"
    handler = RotatingFileHandler(path, maxBytes=2_000_000, backupCount=3, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    levels = {QtMsgType.QtDebugMsg: logging.DEBUG, QtMsgType.QtInfoMsg: logging.INFO,
              QtMsgType.QtWarningMsg: logging.WARNING, QtMsgType.QtCriticalMsg: logging.ERROR,
              QtMsgType.QtFatalMsg: logging.CRITICAL}
    qInstallMessageHandler(lambda kind, _context, message: logging.getLogger("qt").log(
        levels.get(kind, logging.INFO), message))
    return path


def _excepthook_for(log_path: Path):  # noqa: ANN202 (returns sys.excepthook's type)
    def hook(kind: type[BaseException], value: BaseException, tb: TracebackType | None) -> None:
        # A bug in a slot must not kill the user's session silently: log it and say so.
        log.error("unexpected error\n%s", "".join(traceback.format_exception(kind, value, tb)))
        if QApplication.instance() is not None:
            QMessageBox.critical(None, "Vitrina", f"Unexpected error: {kind.__name__}: {value}\n\n"
                                 f"Details are in {log_path}.")

    return hook


def run_gui(folder: Path | None) -> int:
    app = QApplication.instance() or QApplication(sys.argv)
    app.setOrganizationName(settings.ORGANIZATION)
    app.setApplicationName(settings.APPLICATION)
    sys.excepthook = _excepthook_for(_setup_logging())
    window = MainWindow()
    window.show()
    if folder is not None:
        window.open_folder(folder)
    return int(app.exec())


if __name__ == "__main__":
    sys.exit(run_gui(Path(sys.argv[1]) if len(sys.argv) > 1 else None))
