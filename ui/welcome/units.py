"""Sizes, speeds and durations in the user's language (decimal units, as the hub shows sizes)."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from app import formats


def size(n: float) -> str:
    """«4,3 ГБ» / «4.3 GB»: the core's one size format (Babel/CLDR; the studio sets its language)."""
    return formats.size(n)


def speed(bytes_per_s: float) -> str:
    return QCoreApplication.translate("units", "{0}/s").format(formats.size(bytes_per_s, digits=1))


def duration(seconds: float) -> str:
    """A time, rounded the way a person says it: "40 s", "12 min", "1 h 5 min"."""
    if seconds < 60:
        return QCoreApplication.translate("units", "{0}\u00a0s").format(max(1, round(seconds)))
    minutes = round(seconds / 60)
    if minutes < 60:
        return QCoreApplication.translate("units", "{0}\u00a0min").format(minutes)
    return QCoreApplication.translate("units", "{0}\u00a0h {1}\u00a0min").format(minutes // 60, minutes % 60)
