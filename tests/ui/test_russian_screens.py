"""Each main screen in Russian at 1366×768 (a common laptop screen): every visible text fits its widget,
and no English word is left on screen.

"Fits" means the widget is at least as wide as it asks to be (its size hint): a label or button drawn
narrower than that has its text cut. An elided label that carries the full text in its tooltip is fine.
"No English" means no Latin-letter word outside WHITELIST, in labels, buttons, tabs, menus, actions,
tooltips, window titles, table headers and combo box items."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QApplication,
    QComboBox,
    QGroupBox,
    QLabel,
    QTabBar,
    QTabWidget,
    QWidget,
)

from ui.main_window import MainWindow

SCREEN = (1366, 768)

# Names the Russian interface keeps in Latin letters: brands, file formats and standards that Russian
# marketplaces and users write this way, and the key names Qt prints in shortcuts.
WHITELIST = {
    "GigaChat", "Sber", "Wildberries", "WB", "Ozon", "BiRefNet", "Hugging", "Face", "HuggingFace",  # names
    "sRGB", "JPEG", "JPG", "PNG", "WebP", "TIFF", "HEIC", "CSV", "XLSX", "ZIP", "URL", "API",  # formats
    "CUDA", "GPU", "CPU", "MPS", "ONNX", "RAM", "ID",  # hardware the device menu names
    "Ctrl", "Shift", "Alt", "Del", "Esc", "Space", "Tab", "Enter", "Backspace", "PgUp", "PgDown",  # keys
    "Vitrina",  # the product's name
    "NVIDIA", "MIT", "Apache", "CC", "BY", "NC",  # a graphics card's maker; the models' licences, verbatim
    "English",  # the language menu names each language in itself
    "OK",  # Qt's own button; its Russian catalogue keeps "OK"
    "Pro", "Max",  # GigaChat-2-Pro and GigaChat-2-Max, the model names
    "pip", "install", "vitrina", "gpu",  # the command that adds 8/4-bit support, typed as is
    "IoU",  # intersection over union, the mask measure fine-tuning reports; Russian writes it so
}
WORD = re.compile(r"[A-Za-z][A-Za-z]+")
TAG = re.compile(r"<[^>]*>|&[a-z]+;|&#\d+;")
# File names and paths are the user's data, not interface text.
DATA = re.compile(r"\S*[/\\]\S*|\w*_\w*|https?://\S+|\S+\.(?:ru|com|org|io|net)\b"
                  r"|\S+\.(?:jpe?g|png|webp|tiff?|heic|csv|xlsx|json|txt|qm|ts|safetensors)\b", re.IGNORECASE)



def data_words(folder: Path | None = None) -> set[str]:
    """Words that are the user's data or identifiers, not interface text: the names of the folder and its
    photos and products, and the cut-out models' ids (as the model hub spells them)."""
    from app.cardtext.local_writer import WRITER_MODELS
    from app.describe import registry as describers
    from app.segment import VARIANTS

    names = [str(key) for table in (VARIANTS, WRITER_MODELS, describers.DESCRIBERS) for key in table]
    if folder is not None:
        names += [folder.name, *(p.stem for p in folder.rglob("*"))]
    return {w for name in names for w in WORD.findall(name)}


def english_words(text: str, data: set[str] = frozenset()) -> list[str]:
    text = DATA.sub(" ", TAG.sub(" ", text.replace("&&", "&")))
    return [w for w in WORD.findall(text) if w not in WHITELIST and w not in data]


def _shown(widget: QWidget, top: QWidget) -> bool:
    return (widget.isVisibleTo(top) and widget.width() > 0
            and widget.visibleRegion().boundingRect().width() > 0)


def texts_of(top: QWidget) -> Iterator[tuple[str, str]]:
    """(where, text) for every user-visible string in ``top`` and its visible children."""
    yield f"{type(top).__name__} title", top.windowTitle()
    for widget in [top, *top.findChildren(QWidget)]:
        if widget is not top and not widget.isVisibleTo(top):
            continue
        name = type(widget).__name__ + (f" {widget.objectName()!r}" if widget.objectName() else "")
        if widget.toolTip():
            yield f"{name} tooltip", widget.toolTip()
        if isinstance(widget, QLabel):
            yield name, widget.text()
        elif isinstance(widget, QAbstractButton):
            yield name, widget.text()
        elif isinstance(widget, QGroupBox):
            yield name, widget.title()
        elif isinstance(widget, QComboBox):
            for i in range(widget.count()):
                yield f"{name} item {i}", widget.itemText(i)
        elif isinstance(widget, QTabBar):
            for i in range(widget.count()):
                yield f"{name} tab {i}", widget.tabText(i)
                yield f"{name} tab {i} tooltip", widget.tabToolTip(i)
        elif isinstance(widget, QAbstractItemView) and widget.model() is not None:
            model = widget.model()
            for orientation, count in ((Qt.Orientation.Horizontal, model.columnCount()),
                                       (Qt.Orientation.Vertical, 0)):
                for i in range(count):
                    yield f"{name} header {i}", str(model.headerData(i, orientation) or "")
    for action in top.findChildren(QAction):
        if action.isVisible() and not action.isSeparator():
            yield f"action {action.objectName() or action.text()!r}", action.text()
            if action.toolTip() != action.text().replace("&", ""):
                yield f"action {action.text()!r} tooltip", action.toolTip()


def cut_texts(top: QWidget) -> list[str]:
    """Visible labels, buttons and combo boxes drawn narrower than their text needs."""
    found = []
    for widget in top.findChildren(QWidget):
        if not _shown(widget, top):
            continue
        if widget.objectName() == "qt_toolbar_ext_button":  # the toolbar's » menu: some tools do not fit
            bar = widget.parent()
            hidden = [a.text() or (bar.widgetForAction(a).__class__.__name__) for a in bar.actions()
                      if a.isVisible() and not a.isSeparator()
                      and (bar.widgetForAction(a) is None or not bar.widgetForAction(a).isVisible())]
            found.append(f"toolbar {widget.parent().objectName()!r} hides tools behind »: {hidden}")
            continue
        if isinstance(widget, QLabel):
            picture = widget.pixmap() is not None and not widget.pixmap().isNull()
            if not widget.text() or widget.wordWrap() or picture:
                continue
            if widget.toolTip() and TAG.sub("", widget.text()).rstrip("…") in widget.toolTip():
                continue  # elided with the full text in its tooltip
            need = widget.minimumSizeHint().width()
        elif isinstance(widget, QAbstractButton):
            if not widget.text():
                continue
            if widget.toolTip() and widget.text().replace("&", "") in widget.toolTip().replace("&", ""):
                continue
            need = max(widget.minimumSizeHint().width(), widget.sizeHint().width())
        elif isinstance(widget, QComboBox):
            # The current item must fit; the drop-down list shows the rest in full.
            need = widget.fontMetrics().horizontalAdvance(widget.currentText()) + 24
        else:
            continue
        if need > widget.width() + 1:
            text = widget.currentText() if isinstance(widget, QComboBox) else widget.text()
            found.append(f"{type(widget).__name__} {text!r}: needs {need} px, has {widget.width()}")
    return found


def english_texts(top: QWidget, data: set[str]) -> list[str]:
    return [f"{where}: {text!r} ({', '.join(words)})" for where, text in texts_of(top)
            if (words := english_words(text, data))]


def check(top: QWidget, screen: str, folder: Path | None = None) -> list[str]:
    QApplication.processEvents()
    return ([f"{screen}: cut {c}" for c in cut_texts(top)]
            + [f"{screen}: English {e}" for e in english_texts(top, data_words(folder))])


def _settle(qtbot, ms: int = 200) -> None:
    qtbot.wait(ms)


def test_the_english_word_finder_keeps_brands_and_paths_and_flags_english() -> None:
    assert english_words("Ключ GigaChat для Wildberries (JPEG, sRGB), Ctrl+O") == []
    assert english_words("Папка /tmp/shoot/IMG_0001.jpg") == []
    assert english_words("<b>Фон</b> Light grey") == ["Light", "grey"]


def test_the_main_window_and_each_tab_fit_in_russian(qtbot, russian: None, window: MainWindow,
                                                      processed: Path) -> None:
    window.showNormal()
    window.resize(*SCREEN)
    _settle(qtbot, 500)
    problems = check(window, "main window", processed)
    for tabs in window.findChildren(QTabWidget):
        if not tabs.isVisibleTo(window):
            continue
        for i in range(tabs.count()):
            tabs.setCurrentIndex(i)
            _settle(qtbot)
            problems += check(tabs.widget(i), f"tab {tabs.tabText(i)!r}", processed)
        tabs.setCurrentIndex(0)
    assert not sorted(set(problems)), "\n".join(sorted(set(problems)))


def _dialogs(window: MainWindow, processed: Path) -> Iterator[tuple[str, QWidget]]:
    from app import settings as app_settings
    from ui.about import AboutDialog
    from ui.export_dialog import ExportDialog
    from ui.publish_dialog import PublishDialog
    from ui.settings_dialog import SettingsDialog
    from ui.welcome.dialog import WelcomeDialog
    from ui.welcome.model_setup import ModelSetupDialog

    yield "settings", SettingsDialog(app_settings.load(env=False), window)
    yield "export", ExportDialog(processed, window.project.state.export, window)
    yield "publish", PublishDialog(processed, "", window.publishing.counts(), has_token=False, parent=window)
    yield "publish results", _publish_results(window)
    yield "about", AboutDialog(window)
    yield "model setup", ModelSetupDialog("ZhengPeng7/BiRefNet", window)
    welcome = WelcomeDialog(window)
    for page in range(welcome.pages.count()):
        welcome.show_page(page)
        yield f"welcome page {page + 1}", welcome


def _publish_results(window: MainWindow) -> QWidget:
    """Publish to Wildberries' results with a row of each kind (their words are the dialog's)."""
    from app.publish.wb import flow
    from app.studio.publish import StudioPublishResult
    from ui.publish_done import PublishDone

    statuses = (flow.PUBLISHED, flow.UNCHANGED, flow.WAITING, flow.REJECTED, flow.FAILED, flow.BLOCKED,
                flow.UNREADABLE, flow.SKIPPED)
    outcomes = [flow.Outcome(f"товар-{n}", status, ["Наименование: запрещённые символы"] if n % 2 else [],
                             nm_id=100000000 + n, photos_sent=n) for n, status in enumerate(statuses)]
    outcomes.append(flow.Outcome("товар-план", flow.PLANNED, payload={
        "subjectID": 2956, "variants": [{"title": "Кружка", "characteristics": [{"id": 1, "value": 2}]}]}))
    box = PublishDone(window.publishing.summary(StudioPublishResult(outcomes), dry_run=False), window)
    box.show_result(StudioPublishResult(outcomes, left_out={"новый": "нет обработанных фото"}), {})
    return box


@pytest.mark.parametrize("kind", ["settings", "export", "publish", "about", "model setup", "welcome",
                                  "paste"])
def test_each_dialog_fits_in_russian(qtbot, russian: None, window: MainWindow, processed: Path,
                                     kind: str) -> None:
    problems: list[str] = []
    if kind == "paste":
        window.acts.copy_settings.trigger()
        window.acts.paste_settings.trigger()
        dialog = window.clipboard.dialog
        assert dialog is not None
        _settle(qtbot)
        problems = check(dialog, "paste dialog", processed)
        dialog.reject()
    else:
        for name, dialog in _dialogs(window, processed):
            if not name.startswith(kind):
                continue
            dialog.show()
            _settle(qtbot)
            for tabs in [dialog, *dialog.findChildren(QTabWidget)] if isinstance(dialog, QTabWidget) \
                    else dialog.findChildren(QTabWidget) or [None]:
                if tabs is None:
                    problems += check(dialog, name, processed)
                    continue
                for i in range(tabs.count()):
                    tabs.setCurrentIndex(i)
                    _settle(qtbot, 100)
                    problems += check(dialog, f"{name}, tab {tabs.tabText(i)!r}", processed)
            dialog.close()
    # The settings dialog checks the hardware and the chosen models in the background.
    from ui.worker import running_threads

    qtbot.waitUntil(lambda: not running_threads(), timeout=10_000)
    problems = sorted(set(problems))
    assert not problems, "\n".join(problems)


def test_a_1366_by_768_laptop_opens_the_window_maximised() -> None:
    from PySide6.QtCore import QRect

    from ui.window_geometry import first_geometry

    assert first_geometry(QRect(0, 0, *SCREEN)) is None  # None: maximised
    assert first_geometry(QRect(0, 0, 1366, 728)) is None  # the same laptop, less its taskbar


def test_the_mask_toolbar_hides_nothing_at_1280_in_russian(qtbot, russian: None, window: MainWindow,
                                                           processed: Path) -> None:
    window.showNormal()
    window.resize(1280, 720)
    mask = next(i for i in range(window.editors.count()) if window.editors.tabText(i) == "Маска")
    window.editors.setCurrentIndex(mask)
    _settle(qtbot, 500)
    problems = check(window.editors.widget(mask), "Mask tab at 1280", processed)
    assert not problems, "\n".join(problems)
