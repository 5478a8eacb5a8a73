"""Russian and English: every visible string in ui/ has a Russian translation, the committed .qm
is compiled from the committed .ts, and the window speaks Russian when asked to."""

from __future__ import annotations

import ast
import importlib.util
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QLocale

from ui import i18n
from ui.main_window import MainWindow

ROOT = Path(__file__).resolve().parents[2]
HERE = ROOT / "resources" / "translations"
_spec = importlib.util.spec_from_file_location("translations_build", HERE / "build.py")
build = importlib.util.module_from_spec(_spec)  # type: ignore[arg-type]
_spec.loader.exec_module(build)  # type: ignore[union-attr]
PLACEHOLDER = re.compile(r"\{\d*\}|%n")

Key = tuple[str, str, str]  # context, source, disambiguation comment


def messages(ts: Path) -> dict[Key, list[str]]:
    """Each message's translation forms ([] while unfinished)."""
    found: dict[Key, list[str]] = {}
    for context in ET.parse(ts).getroot().iter("context"):
        name = context.findtext("name", "")
        for message in context.iter("message"):
            key = (name, message.findtext("source", ""), message.findtext("comment", ""))
            translation = message.find("translation")
            assert translation is not None
            done = translation.get("type") not in ("unfinished", "obsolete", "vanished")
            forms = [f.text or "" for f in translation.iter("numerusform")] or [translation.text or ""]
            found[key] = forms if done and all(f.strip() for f in forms) else []
    return found


def test_every_visible_string_in_ui_has_a_russian_translation(tmp_path: Path) -> None:
    # lupdate reads the sources now, so a new self.tr("…") fails here until it is translated.
    fresh = tmp_path / "fresh.ts"
    build.lupdate(fresh, build.sources())
    wanted = set(messages(fresh))
    assert len(wanted) > 250, "lupdate found too few strings: is it reading ui/?"
    committed = messages(build.ts_path("ru"))
    untranslated = sorted(k for k in wanted if not committed.get(k))
    assert not untranslated, ("strings without a Russian translation (run resources/translations/build.py, "
                              f"then translate in pyside6-linguist): {untranslated}")


def test_translations_keep_their_placeholders() -> None:
    for (context, source, _), forms in messages(build.ts_path("ru")).items():
        for form in forms:
            if "%n" in source:
                assert "%n" in form, (context, source, form)
            assert set(PLACEHOLDER.findall(source)) - {"%n"} == set(PLACEHOLDER.findall(form)) - {"%n"}, (
                context, source, form)


def _tr_text_arguments(tree: ast.AST) -> Iterator[ast.expr]:
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        position = {"tr": 0, "translate": 1}.get(name)
        if position is not None and len(node.args) > position:
            yield node.args[position]


def test_translated_strings_are_literals_that_lupdate_can_read() -> None:
    # tr(f"…") or tr(variable) compiles and runs, but lupdate cannot extract it: it stays English.
    bad = []
    for path in build.sources():
        for arg in _tr_text_arguments(ast.parse(path.read_text("utf-8"))):
            if not (isinstance(arg, ast.Constant) and isinstance(arg.value, str)):
                bad.append(f"{path.relative_to(ROOT)}:{arg.lineno}")
    assert not bad, f"tr()/translate() with a non-literal text: {bad}"


def test_the_committed_qm_is_compiled_from_the_committed_ts(tmp_path: Path) -> None:
    compiled = tmp_path / "vitrina_ru.qm"
    build.lrelease(build.ts_path("ru"), compiled)
    assert compiled.read_bytes() == build.qm_path("ru").read_bytes(), (
        "vitrina_ru.qm is stale: run python resources/translations/build.py --release")


@pytest.fixture
def russian() -> Iterator[None]:
    assert i18n.install("ru")
    yield
    i18n.install("en")


def test_the_main_window_speaks_russian_with_the_ru_translator(qtbot, russian: None) -> None:
    window = MainWindow()
    qtbot.addWidget(window)
    menus = [a.text() for a in window.menuBar().actions()]
    assert menus == ["&Файл", "&Правка", "&Обработка", "&Вид", "&Справка"]
    assert window.acts.open.text() == "&Открыть папку…" and window.acts.export.text() == "&Экспорт"
    assert window.acts.process_selected.text() == "Обработать &выбранные"
    assert [window.side.tabText(i) for i in range(window.side.count())] == ["Фон", "Текст карточки"]
    tabs = [window.editors.tabText(i) for i in range(window.editors.count())]
    assert tabs == ["Просмотр", "Маска", "Сравнение"]
    assert "Ctrl+O" in window.acts.open.toolTip() and "фото" in window.acts.open.toolTip()
    window.close()


def test_the_language_follows_the_setting_then_the_system() -> None:
    russian, english = QLocale(QLocale.Language.Russian), QLocale(QLocale.Language.English)
    assert i18n.language_for("auto", russian) == "ru" and i18n.language_for("auto", english) == "en"
    assert i18n.language_for("en", russian) == "en" and i18n.language_for("ru", english) == "ru"
