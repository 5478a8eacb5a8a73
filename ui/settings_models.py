"""The Settings dialog's rows about how models run: precision, how long they stay loaded, who
looks at the photos, and GigaChat's requests at once. Kept apart so the dialog stays readable."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QComboBox, QSpinBox

from app.settings import Settings

translate = QCoreApplication.translate  # literal texts, so lupdate files them under "SettingsDialog"


def _combo(choices: tuple[tuple[str, str], ...], current: str, tip: str) -> QComboBox:
    box = QComboBox()
    for value, label in choices:
        box.addItem(label, value)
    box.setCurrentIndex(max(0, box.findData(current)))
    box.setToolTip(tip)
    return box


def _spin(low: int, high: int, value: int, tip: str) -> QSpinBox:
    box = QSpinBox()
    box.setRange(low, high)
    box.setValue(value)
    box.setToolTip(tip)
    return box


def precision_box(settings: Settings) -> QComboBox:
    return _combo((("auto", translate("SettingsDialog", "Automatic (full precision)")),
                   ("8bit", translate("SettingsDialog", "8-bit")),
                   ("4bit", translate("SettingsDialog", "4-bit"))), settings.precision, translate(
        "SettingsDialog",
        "8-bit and 4-bit fit the describer and the local writer into a smaller NVIDIA GPU "
        "at a small cost in quality. NVIDIA GPU only; needs pip install 'vitrina[gpu]'."))


def keep_minutes_box(settings: Settings) -> QSpinBox:
    box = _spin(0, 240, settings.keep_models_minutes, translate(
        "SettingsDialog",
        "Loaded models stay in memory this long after their last task, so the next "
        "Process or card text starts at once"))
    box.setSuffix(translate("SettingsDialog", " min"))
    box.setSpecialValueText(translate("SettingsDialog", "release after each task"))
    return box


def describer_box(settings: Settings) -> QComboBox:
    return _combo((("local", translate("SettingsDialog", "A model on this computer")),
                   ("gigachat", translate("SettingsDialog", "GigaChat (the photos are sent to GigaChat)"))),
                  settings.describer, translate(
        "SettingsDialog",
        "Who looks at the photos to describe the product. GigaChat needs no local model "
        "but receives the photos (GigaChat-2-Pro or Max)."))


def concurrency_box(settings: Settings) -> QSpinBox:
    return _spin(1, 10, settings.gigachat_concurrency, translate(
        "SettingsDialog",
        "How many requests GigaChat takes at once on your account: 1 for a personal "
        "account, up to 10 for a business one"))
