"""How the GigaChat scopes are shown: a seller knows whether they are an individual or a business,
not the API's scope codes. The code stays beside the name to match developers.sber.ru."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QComboBox

from app.settings import SCOPES


def scope_label(scope: str) -> str:
    """«Физлицо (GIGACHAT_API_PERS)»; an unknown code is shown as it is."""
    translate = QCoreApplication.translate
    names = {
        "GIGACHAT_API_PERS": translate("GigaChatScope", "Individual"),
        "GIGACHAT_API_B2B": translate("GigaChatScope", "Sole trader or company: prepaid packages"),
        "GIGACHAT_API_CORP": translate("GigaChatScope", "Sole trader or company: pay as you go"),
    }
    name = names.get(scope)
    return f"{name} ({scope})" if name else scope


def fill_scopes(combo: QComboBox) -> None:
    """Every scope, by its name; the item's data is the code the settings store."""
    for scope in SCOPES:
        combo.addItem(scope_label(scope), scope)
