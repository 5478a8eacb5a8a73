"""The core's messages in the user's language: every wrapped message has a Russian translation with
the same placeholders, Russian users get Russian per-file messages (CLI, report.csv), and "auto"
follows VITRINA_LANG and the locale."""

from __future__ import annotations

import ast
import csv
import json
import os
import re
import shutil
import string
import subprocess
import sys
from pathlib import Path

import pytest
import skimage.data

from app import i18n
from app.cli import main
from app.errors import BadPhotoError
from app.imaging import load_photo
from app.project import Project
from app.studio.items import REVIEW, photo_status

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / "resources" / "translations" / "core_ru.json"
CYRILLIC = re.compile("[А-Яа-яЁё]")
TEXT_AS_JPEG = "this is a text file, not a photo"


# -- the catalogue against the code ------------------------------------------------------------
def _calls() -> list[tuple[str, ast.Call, list[ast.AST]]]:
    """Every ``_(...)`` call in app/ with the chain of nodes around it (outermost first)."""
    found: list[tuple[str, ast.Call, list[ast.AST]]] = []

    def visit(node: ast.AST, where: str, parents: list[ast.AST]) -> None:
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "_":
            found.append((where, node, parents))
        for child in ast.iter_child_nodes(node):
            visit(child, where, [*parents, node])

    for path in sorted((ROOT / "app").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        visit(tree, str(path.relative_to(ROOT)), [])
    return found


def _where(path: str, call: ast.Call) -> str:
    return f"{path}:{call.lineno}"


def _fields(template: str) -> set[str]:
    return {name for _text, name, _spec, _conv in string.Formatter().parse(template) if name is not None}


@pytest.fixture(scope="module")
def calls() -> list[tuple[str, ast.Call, list[ast.AST]]]:
    return _calls()


@pytest.fixture(scope="module")
def russian() -> dict[str, str]:
    return json.loads(CATALOGUE.read_text(encoding="utf-8"))


def _key(call: ast.Call) -> str | None:
    if len(call.args) == 1 and not call.keywords and isinstance(call.args[0], ast.Constant) \
            and isinstance(call.args[0].value, str):
        return call.args[0].value
    return None


def test_every_message_is_a_literal_template(calls) -> None:
    # The catalogue key is the template: an f-string or a variable would never be found in it.
    assert calls, "no _() call found in app/"
    bad = [_where(path, call) for path, call, _parents in calls if _key(call) is None]
    assert bad == []


def test_every_message_has_a_russian_translation_with_the_same_placeholders(calls, russian) -> None:
    problems = []
    for path, call, _parents in calls:
        key = _key(call)
        if key is None:
            continue
        ru = russian.get(key)
        if ru is None:
            problems.append(f"{_where(path, call)}: no translation for {key!r}")
        elif not CYRILLIC.search(ru):
            problems.append(f"{_where(path, call)}: the translation of {key!r} is not Russian: {ru!r}")
        elif _fields(ru) != _fields(key):
            problems.append(f"{_where(path, call)}: placeholders differ: {key!r} → {ru!r}")
    assert problems == []


def _marked() -> list[tuple[str, ast.Call]]:
    """Every ``N_("…")`` in app/: module-level data (model notes) shown later through translated()."""
    found = []
    for path in sorted((ROOT / "app").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        found += [(str(path.relative_to(ROOT)), node) for node in ast.walk(tree)
                  if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "N_"]
    return found


def test_marked_data_is_literal_and_translated(russian) -> None:
    marked = _marked()
    assert marked, "no N_() found in app/ (the model notes use it)"
    problems = [f"{_where(path, call)}: {_key(call)!r}" for path, call in marked
                if _key(call) is None or not CYRILLIC.search(russian.get(_key(call) or "", ""))]
    assert problems == []


def test_no_translation_is_orphaned(calls, russian) -> None:
    used = {_key(call) for _path, call, _parents in calls} | {_key(call) for _path, call in _marked()}
    assert sorted(set(russian) - used) == []


def test_model_notes_are_shown_in_the_chosen_language(capsys) -> None:
    i18n.set_language("ru")
    assert main(["models", "list"]) == 0
    assert "лучшее качество (по умолчанию)" in capsys.readouterr().out
    i18n.set_language("en")
    assert main(["models", "list"]) == 0
    assert "best quality (default)" in capsys.readouterr().out


def test_messages_are_translated_when_made_not_at_import(calls) -> None:
    # A module-level _() would freeze the language before the studio sets it.
    functions = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)
    at_import = [_where(path, call) for path, call, parents in calls
                 if not any(isinstance(p, functions) for p in parents)]
    assert at_import == []


def _binds_underscore(function: ast.AST) -> bool:
    """True when ``function`` assigns ``_`` in its own scope (making ``_()`` a local: UnboundLocalError)."""
    scopes = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef,
              ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)

    def walk(node: ast.AST) -> bool:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, scopes):
                continue
            binds = isinstance(child, ast.Name) and isinstance(child.ctx, (ast.Store, ast.Del))
            if binds and child.id == "_":
                return True
            if walk(child):
                return True
        return False

    return walk(function)


def test_no_function_that_translates_shadows_the_translator(calls) -> None:
    functions = (ast.FunctionDef, ast.AsyncFunctionDef)
    shadowing = set()
    for path, _call, parents in calls:
        owner = next((p for p in reversed(parents) if isinstance(p, functions)), None)
        if owner is not None and _binds_underscore(owner):
            shadowing.add(f"{path}: {owner.name}")
    assert sorted(shadowing) == []


# -- what a Russian user sees ------------------------------------------------------------------
def test_a_text_file_named_jpg_is_explained_in_the_chosen_language(tmp_path) -> None:
    fake = tmp_path / "IMG_0001.jpg"
    fake.write_text(TEXT_AS_JPEG)
    i18n.set_language("ru")
    with pytest.raises(BadPhotoError) as russian:
        load_photo(fake)
    assert str(russian.value) == "это не изображение (похоже на текстовый файл)"
    i18n.set_language("en")
    with pytest.raises(BadPhotoError) as english:
        load_photo(fake)
    assert str(english.value) == "not an image (looks like a text file)"


def test_a_translated_message_is_filled_after_translation(tmp_path) -> None:
    i18n.set_language("ru")
    empty = tmp_path / "empty.jpg"
    empty.write_bytes(b"")
    with pytest.raises(BadPhotoError, match=r"^файл пустой \(0 байт\)$"):
        load_photo(empty)
    big = tmp_path / "big.png"
    from PIL import Image

    Image.new("RGB", (3000, 2000)).save(big)
    with pytest.raises(BadPhotoError) as err:
        load_photo(big, max_pixels=1_000_000)
    assert str(err.value) == "изображение 6,0\u00a0Мп (3000×2000), а предел — 1\u00a0Мп"


def _read_csv(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(path.read_text("utf-8-sig").splitlines()))


@pytest.fixture
def shoot(tmp_path: Path) -> Path:
    folder = tmp_path / "shoot"
    folder.mkdir()
    shutil.copy(Path(skimage.data.__file__).parent / "coffee.png", folder / "чашка.png")
    (folder / "notes.jpg").write_text(TEXT_AS_JPEG)
    return folder


def test_batch_speaks_russian_on_the_console_and_in_report_csv(shoot, tmp_path, tiny_seg_model,
                                                                capsys) -> None:
    i18n.set_language("ru")
    out = tmp_path / "cards"
    code = main(["batch", str(shoot), "-o", str(out), "--seg-model", str(tiny_seg_model), "--device", "cpu",
                 "--no-text", "--marketplace", "wb"])
    err = capsys.readouterr().err
    assert code == 1
    assert "✗ notes.jpg: это не изображение (похоже на текстовый файл)" in err
    assert "экспортировано сейчас: 1, уже были экспортированы (оставлены): 0, с ошибками: 1" in err
    report = {row["file"]: row for row in _read_csv(out / "report.csv")}
    # Machine-readable columns stay as they are; only the message is for the reader.
    assert list(report["notes.jpg"]) == ["file", "product", "status", "message", "bundle"]
    assert report["notes.jpg"]["status"] == "failed"
    assert report["notes.jpg"]["message"] == "это не изображение (похоже на текстовый файл)"
    assert report["чашка.png"]["status"] == "done"
    compliance = json.loads((out / "чашка" / "compliance.json").read_text("utf-8"))
    assert compliance["marketplace"] == "wb" and compliance["status"] in ("pass", "warn", "fail")
    assert {r["rule"] for r in compliance["results"]} >= {"image.size", "image.format"}
    assert all(CYRILLIC.search(r["message"]) for r in compliance["results"])


def test_batch_in_english_is_unchanged(shoot, tmp_path, tiny_seg_model, capsys) -> None:
    i18n.set_language("en")
    out = tmp_path / "cards"
    main(["batch", str(shoot), "-o", str(out), "--seg-model", str(tiny_seg_model), "--device", "cpu",
          "--no-text"])
    err = capsys.readouterr().err
    assert "✗ notes.jpg: not an image (looks like a text file)" in err
    assert "1 photo(s) exported now, 0 already exported (kept), 1 failed, 0 need review, 0 skipped" in err
    report = {row["file"]: row for row in _read_csv(out / "report.csv")}
    assert report["notes.jpg"]["message"] == "not an image (looks like a text file)"


def test_a_review_note_saved_in_russian_still_marks_the_photo(tmp_path) -> None:
    """Notes keep the language they were made in; reopening in English must not lose "needs review"."""
    shutil.copy(Path(skimage.data.__file__).parent / "coffee.png", tmp_path / "cup.png")
    project = Project(tmp_path)
    state = project.photo("cup.png")
    state.mask_source = "model"
    state.notes = ["нужна проверка: в маске не найден объект"]
    i18n.set_language("en")
    assert photo_status(project, "cup.png") == REVIEW
    state.notes = ["needs review: no object found in the mask"]
    i18n.set_language("ru")
    assert photo_status(project, "cup.png") == REVIEW


# -- "auto" ------------------------------------------------------------------------------------
@pytest.fixture
def no_locale(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in (i18n.LANG_ENV, "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(i18n.sys, "platform", "linux")
    return monkeypatch


def _auto() -> str:
    i18n.set_language("auto")
    return i18n.language()


def test_auto_follows_vitrina_lang_first(no_locale) -> None:
    no_locale.setenv("LANG", "ru_RU.UTF-8")
    no_locale.setenv(i18n.LANG_ENV, "en")
    assert _auto() == "en"
    no_locale.setenv("LANG", "en_US.UTF-8")
    no_locale.setenv(i18n.LANG_ENV, "ru")
    assert _auto() == "ru"
    assert i18n._("file is empty (0 bytes)") == "файл пустой (0 байт)"
    no_locale.setenv("LANG", "ru_RU.UTF-8")
    no_locale.setenv(i18n.LANG_ENV, "auto")  # the same as not set: the locale decides
    assert _auto() == "ru"


def test_auto_follows_the_posix_locale(no_locale) -> None:
    assert _auto() == "en"
    no_locale.setenv("LANG", "ru_RU.UTF-8")
    assert _auto() == "ru"
    no_locale.setenv("LC_ALL", "C.UTF-8")  # LC_ALL overrides LANG
    assert _auto() == "en"
    no_locale.delenv("LC_ALL")
    no_locale.setenv("LANG", "en_GB.UTF-8")
    no_locale.setenv("LC_MESSAGES", "ru_RU.UTF-8")
    assert _auto() == "ru"


def test_auto_on_windows_asks_the_system_locale(no_locale) -> None:
    no_locale.setattr(i18n.sys, "platform", "win32")
    no_locale.setattr(i18n.locale, "getlocale", lambda: ("Russian_Russia", "1251"))
    assert _auto() == "ru"
    no_locale.setattr(i18n.locale, "getlocale", lambda: ("English_United States", "1252"))
    assert _auto() == "en"


def test_a_chosen_language_wins_over_the_environment(no_locale) -> None:
    no_locale.setenv(i18n.LANG_ENV, "ru")
    i18n.set_language("en")
    assert i18n.language() == "en"
    assert i18n._("file is empty (0 bytes)") == "file is empty (0 bytes)"


def test_the_command_line_follows_vitrina_lang(tmp_path) -> None:
    """A fresh process: nothing set the language, so "auto" reads the environment."""
    folder = tmp_path / "shoot"
    folder.mkdir()
    (folder / "notes.jpg").write_text(TEXT_AS_JPEG)
    env = {k: v for k, v in os.environ.items() if k not in (i18n.LANG_ENV, "LC_ALL", "LC_MESSAGES", "LANG")}

    def run(**extra: str) -> str:
        done = subprocess.run([sys.executable, "-m", "app", "batch", str(folder), "-o", str(tmp_path / "out"),
                               "--no-text"], cwd=ROOT, env={**env, **extra}, capture_output=True,
                              text=True, encoding="utf-8", timeout=120)
        return done.stderr

    assert "это не изображение (похоже на текстовый файл)" in run(VITRINA_LANG="ru", LANG="C.UTF-8")
    assert "not an image (looks like a text file)" in run(VITRINA_LANG="en", LANG="ru_RU.UTF-8")
    assert "это не изображение" in run(LANG="ru_RU.UTF-8")
