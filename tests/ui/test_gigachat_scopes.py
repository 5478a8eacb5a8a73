"""The GigaChat scope is offered by the kind of account (физлицо / ИП и юрлицо), while the settings
keep storing the API's scope code that the connection needs."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import QComboBox

from app.settings import SCOPES
from ui import i18n
from ui.gigachat_scopes import fill_scopes


@pytest.fixture
def russian() -> Iterator[None]:
    assert i18n.install("ru")
    yield
    i18n.install("en")


def test_scopes_are_named_by_account_kind_and_keep_their_codes(qtbot, russian: None) -> None:  # noqa: ANN001
    combo = QComboBox()
    qtbot.addWidget(combo)
    fill_scopes(combo)
    shown = {combo.itemData(i): combo.itemText(i) for i in range(combo.count())}
    assert list(shown) == list(SCOPES)  # the data is still the code the settings store
    assert shown["GIGACHAT_API_PERS"] == "Физлицо (GIGACHAT_API_PERS)"
    assert shown["GIGACHAT_API_B2B"].startswith("ИП и юрлицо")
    assert shown["GIGACHAT_API_CORP"].startswith("ИП и юрлицо")
    assert shown["GIGACHAT_API_B2B"] != shown["GIGACHAT_API_CORP"]
