"""Sizes, speeds and durations in the user's language (decimal units, as the hub shows sizes)."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication


def _num(value: float, digits: int) -> str:
    # Russian writes 4,3 ГБ: the separator is a translated string like the units around it.
    return f"{value:.{digits}f}".replace(".", QCoreApplication.translate("units", ".", "decimal separator"))


def size(n: float) -> str:
    if n >= 1e9:
        return QCoreApplication.translate("units", "{0} GB").format(_num(n / 1e9, 1))
    if n >= 1e6:
        return QCoreApplication.translate("units", "{0} MB").format(_num(n / 1e6, 0))
    return QCoreApplication.translate("units", "{0} KB").format(_num(n / 1e3, 0))


def speed(bytes_per_s: float) -> str:
    if bytes_per_s >= 1e6:
        return QCoreApplication.translate("units", "{0} MB/s").format(_num(bytes_per_s / 1e6, 1))
    return QCoreApplication.translate("units", "{0} KB/s").format(_num(bytes_per_s / 1e3, 0))


def duration(seconds: float) -> str:
    """A time, rounded the way a person says it: "40 s", "12 min", "1 h 5 min"."""
    if seconds < 60:
        return QCoreApplication.translate("units", "{0} s").format(max(1, round(seconds)))
    minutes = round(seconds / 60)
    if minutes < 60:
        return QCoreApplication.translate("units", "{0} min").format(minutes)
    return QCoreApplication.translate("units", "{0} h {1} min").format(minutes // 60, minutes % 60)
