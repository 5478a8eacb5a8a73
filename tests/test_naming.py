from __future__ import annotations

import pytest

from app.naming import safe_name, unique_name


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Кружка керамическая", "Кружка керамическая"),
        ("../../etc/passwd", "_.._etc_passwd"),
        ("/abs/path", "_abs_path"),
        ("C:\\Windows\\system32", "C__Windows_system32"),
        ("CON", "CON_"),
        ("lpt1.txt", "lpt1_.txt"),  # "lpt1.txt_" would still be the printer port on Windows
        ("nul .jpg", "nul_ .jpg"),
        ("aux_", "aux_"),
        ("a\x00b\x1fc\nd", "abcd"),
        ('say "hi" | <b>?*', "say _hi_ _ _b___"),
        ("...", "product"),
        ("", "product"),
        ("trailing dot. ", "trailing dot"),
    ],
)
def test_safe_name_makes_one_harmless_path_component(raw: str, expected: str) -> None:
    assert safe_name(raw) == expected


@pytest.mark.parametrize("raw", ["CON", "lpt1.txt", "com9.tar.gz", "nul .jpg", "...", "a\x00b", " x. "])
def test_safe_name_is_stable(raw: str) -> None:
    assert safe_name(safe_name(raw)) == safe_name(raw)


def test_safe_name_caps_length_and_keeps_cyrillic() -> None:
    name = safe_name("Платье " * 60)
    assert len(name) <= 80 and name.startswith("Платье")


def test_unique_name_adds_suffixes_case_insensitively() -> None:
    taken = {"Mug", "mug (2)"}
    assert unique_name("MUG", taken) == "MUG (3)"
    assert unique_name("Vase", taken) == "Vase"
