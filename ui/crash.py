"""Unexpected errors: logged with their traceback, shown once in a dialog, and the app goes on.

PySide6 hands an exception raised in a slot to ``sys.excepthook`` and carries on with the event
loop, so the hook must neither exit nor block: the dialog is opened with ``open()``, never
``exec()``. Errors raised on other threads arrive through a queued signal. While the dialog is
up, further errors (a failing paint repeats on every frame) are only logged and counted.
"""

from __future__ import annotations

import logging
import sys
import threading
import traceback
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QObject, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from ui.logs import SECRETS

log = logging.getLogger("vitrina.crash")


def describe(kind: type[BaseException], value: BaseException,
             tb: TracebackType | None) -> tuple[str, str, str]:
    """(what happened, where — the innermost frame, the whole traceback), with secrets redacted."""
    what = f"{kind.__name__}: {value}" if str(value) else kind.__name__
    frames = traceback.extract_tb(tb)
    where = f"{Path(frames[-1].filename).name}:{frames[-1].lineno} ({frames[-1].name})" if frames else ""
    details = "".join(traceback.format_exception(kind, value, tb))
    return SECRETS.redact(what), where, SECRETS.redact(details)


class CrashReporter(QObject):
    reported = Signal(str, str, str)  # what, where, details

    def __init__(self, log_path: Path, keep_work: Callable[[], object] | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.log_path = log_path
        self.keep_work = keep_work  # saves what is not saved yet (a card text being typed)
        self.dialog: QMessageBox | None = None
        self.more = 0  # errors since the dialog opened
        self.reported.connect(self._show, Qt.ConnectionType.QueuedConnection)

    def install(self) -> None:
        sys.excepthook = self.excepthook
        threading.excepthook = self._thread_hook

    def excepthook(self, kind: type[BaseException], value: BaseException, tb: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, value, tb)
            return
        log.error("unexpected error", exc_info=(kind, value, tb))
        self._keep_work()
        self.reported.emit(*describe(kind, value, tb))

    def _thread_hook(self, args: threading.ExceptHookArgs) -> None:
        if args.exc_value is None:
            return
        self.excepthook(args.exc_type, args.exc_value, args.exc_traceback)

    def _keep_work(self) -> None:
        if self.keep_work is None or threading.current_thread() is not threading.main_thread():
            return
        try:
            self.keep_work()
        except Exception:  # the error may have broken what we try to save; it is logged, go on
            log.exception("saving pending edits after an error failed")

    def _show(self, what: str, where: str, details: str) -> None:
        if self.dialog is not None and self.dialog.isVisible():
            self.more += 1
            self.dialog.setInformativeText(self._info(where))
            return
        self.more = 0
        parent = QApplication.activeWindow()
        self.dialog = ErrorDialog(what, details, self.log_path.parent, parent)
        self.dialog.setInformativeText(self._info(where))
        self.dialog.open()

    def _info(self, where: str) -> str:
        text = self.tr("Where: {0}").format(where) + "\n\n" if where else ""
        text += self.tr("Your work is kept: masks, edits and choices are saved the moment you make them. "
                        "You can go on working; if something looks wrong, reopen the folder.")
        text += "\n\n" + self.tr("Details are in the log file: {0}").format(self.log_path)
        if self.more:
            text += "\n\n" + self.tr("%n more error(s) since this one (see the log).", "", self.more)
        return text


class ErrorDialog(QMessageBox):
    def __init__(self, what: str, details: str, log_folder: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.log_folder = log_folder
        self.setIcon(QMessageBox.Icon.Critical)
        self.setWindowTitle(self.tr("Vitrina: unexpected error"))
        self.setText(self.tr("Something went wrong: {0}").format(what))
        self.setDetailedText(details)
        self.setStandardButtons(QMessageBox.StandardButton.Close)
        self.open_log = self.addButton(self.tr("Open log folder"), QMessageBox.ButtonRole.ActionRole)
        self.open_log.clicked.connect(self._open_log_folder)

    def _open_log_folder(self) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.log_folder)))
