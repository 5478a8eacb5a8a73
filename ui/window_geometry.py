"""Where the window opens the first time (no saved geometry): most of the screen, not Qt's guess.

Qt sizes a new main window from its contents' hints (about 1066×666 here), which wastes most of
a 1600×1000 screen on the first start; a saved geometry always wins over this.
"""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

SHARE = 0.9  # of the available screen, centred, so the desktop still shows around it
# Below this, 90 % would squeeze gallery, preview and side panels: use the whole screen instead. A
# 1366×768 laptop is below it: at 90 % (1229×691) the Mask toolbar and the Russian labels did not fit.
SMALL_SCREEN = QSize(1440, 800)


def first_geometry(available: QRect) -> QRect | None:
    """The window's rectangle on a screen with this available area; None: open maximised."""
    if available.width() < SMALL_SCREEN.width() or available.height() < SMALL_SCREEN.height():
        return None
    rect = QRect(0, 0, round(available.width() * SHARE), round(available.height() * SHARE))
    rect.moveCenter(available.center())
    return rect


def place_first_time(window: QWidget) -> None:
    """Size ``window`` for its screen; called before it is first shown."""
    screen = window.screen() or QGuiApplication.primaryScreen()
    if screen is None:
        return
    target = first_geometry(screen.availableGeometry())
    if target is None:
        window.setWindowState(window.windowState() | Qt.WindowState.WindowMaximized)
    else:
        window.setGeometry(target)
