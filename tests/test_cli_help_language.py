"""`vitrina --help` and every subcommand's help speak the user's language, argparse's own phrases too."""

from __future__ import annotations

import argparse
import gettext
import re

import pytest

from app import i18n
from app.cli import _parser, main

# Words a Russian help may keep in Latin letters: the program, products and formats, and the values
# the user types (choices, background names, scope names, commands).
ALLOWED_LATIN = {
    "vitrina", "GigaChat", "GigaChat-2-Pro", "Wildberries", "Ozon", "BiRefNet", "JPEG", "PNG", "WebP",
    "NVIDIA", "Ctrl-C", "compliance.json", "GPU", "Qt", "JSON", "TLS",
    "batch", "watch", "models", "gigachat", "doctor", "list", "download", "set-key", "forget-key", "test",
    "plane", "flat", "auto", "white", "warm-grey", "cream", "pale-blue", "mint", "soft-pink", "solid",
    "RRGGBB", "gradient", "image", "transparent", "wb", "ozon", "ym", "none", "cuda", "cpu", "local",
    "GIGACHAT_API_PERS", "GIGACHAT_API_B2B", "GIGACHAT_API_CORP",
    "update", "Vitrina", "Hugging", "Face", "RMBG-2.0", "pip", "install", "gpu",  # names; a command to type
    "finetune", "corrections", "export", "birefnet", "DIS", "im", "gt", "NAME.jpg", "NAME.png",
    "ray", "Ray", "vitrina[ray]", "HOST", "PORT",
    "publish", "wildberries", "set-token", "forget-token", "API", "OUT_DIR", "ID", "NAME", "BRAND", "LxWxH",
    "KG", "RUB",
}
OPTION = re.compile(r"(?<![\w-])--?[a-z][a-z0-9-]*")
CHOICES = re.compile(r"\{[^}]*\}")
WORD = re.compile(r"[A-Za-z](?:[A-Za-z0-9_.-]*[A-Za-z0-9])?")


def _command_paths(parser: argparse.ArgumentParser, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Every command line that has a help of its own: (), ("batch",), ("models", "list"), …"""
    paths = [path]
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                paths += _command_paths(sub, (*path, name))
    return paths


def _help(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    with pytest.raises(SystemExit) as exit_:
        main([*args, "--help"])
    assert exit_.value.code == 0
    return capsys.readouterr().out


def _latin_words(text: str) -> set[str]:
    text = CHOICES.sub(" ", OPTION.sub(" ", text))
    return set(WORD.findall(text)) - ALLOWED_LATIN


@pytest.fixture
def russian():
    i18n.set_language("ru")
    yield
    i18n.set_language("en")


def test_every_command_is_covered():
    paths = _command_paths(_parser())
    assert {("batch",), ("watch",), ("models", "download"), ("gigachat", "test")} <= set(paths)


@pytest.mark.parametrize("path", _command_paths(_parser()), ids=lambda p: " ".join(p) or "vitrina")
def test_russian_help_has_no_english_words(russian, capsys, path):
    text = _help(capsys, *path)
    assert "использование:" in text
    assert "показать эту справку и выйти" in text
    assert _latin_words(text) == set(), text


@pytest.mark.parametrize("path", _command_paths(_parser()), ids=lambda p: " ".join(p) or "vitrina")
def test_english_help_stays_english(capsys, path):
    text = _help(capsys, *path)
    assert text.startswith("usage: vitrina")
    assert "show this help message and exit" in text
    assert not re.search("[а-яА-ЯёЁ]", text), text


def test_russian_usage_error_is_russian(russian, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["batch"])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert "ошибка: не указаны обязательные аргументы" in err
    assert "required" not in err and "usage" not in err


def test_russian_wrong_choice_is_russian(russian, capsys, tmp_path):
    with pytest.raises(SystemExit):
        main(["batch", str(tmp_path), "-o", str(tmp_path), "--device", "gpu"])
    err = capsys.readouterr().err
    assert "недопустимое значение: 'gpu'" in err
    assert "invalid choice" not in err


def test_other_parsers_keep_argparse_untouched(russian, capsys):
    """Our parser lends argparse our catalogue only while it works: any other parser is as before."""
    _help(capsys, "batch")
    assert argparse._ is gettext.gettext
    assert "show this help message and exit" in argparse.ArgumentParser(prog="x").format_help()
