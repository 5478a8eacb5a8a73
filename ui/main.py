"""Start the studio: log file, language, a dialog for unexpected errors, the main window, and the
welcome dialog on a first run."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from app import i18n as core_i18n
from app import settings as app_settings
from app.firstrun.plan import needs_welcome
from app.resources import resource_path
from ui import i18n, settings
from ui.crash import CrashReporter
from ui.logs import setup_logging
from ui.main_window import MainWindow

log = logging.getLogger("vitrina")


def _first_run(chosen: app_settings.Settings) -> bool:
    try:
        return needs_welcome(chosen)
    except Exception:  # a broken hub cache must not stop the app from opening
        log.exception("cannot tell whether this is the first run")
        return False


def run_gui(folder: Path | None) -> int:
    app = QApplication.instance() or QApplication(sys.argv)
    app.setOrganizationName(settings.ORGANIZATION)
    app.setApplicationName(settings.APPLICATION)
    app.setWindowIcon(QIcon(str(resource_path("icons", "vitrina.svg"))))
    app.setDesktopFileName("vitrina")  # Wayland/GNOME match the window to vitrina.desktop's icon
    log_path = setup_logging()
    chosen = app_settings.load()
    language = i18n.language_for(chosen.language)
    i18n.install(language)  # before any widget exists: texts are translated when they are made
    core_i18n.set_language(language)  # the core's messages (log, tooltips, report.csv) match the interface
    log.info("Vitrina starts (language %s, log %s)", language, log_path)
    window = MainWindow()
    reporter = CrashReporter(log_path, keep_work=window.card.flush, parent=app)
    reporter.install()
    window.show()
    if folder is not None:
        window.open_folder(folder)
    if _first_run(chosen):
        window.show_welcome()
    return int(app.exec())


if __name__ == "__main__":
    sys.exit(run_gui(Path(sys.argv[1]) if len(sys.argv) > 1 else None))
