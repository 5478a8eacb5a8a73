"""Numbers shown to the user, in the user's language, through Babel (CLDR data).

Every number, percentage, size, duration and rate the core shows goes through here so that Russian
gets a decimal comma, grouped thousands, «85 %» and correct plurals without hand-written rules.
A number and its unit are joined by a non-breaking space so a line never splits «4,3 | ГБ».
"""

from __future__ import annotations

from babel import Locale
from babel.numbers import format_decimal, format_percent
from babel.units import format_unit

from app import i18n

NBSP = "\u00a0"
_LOCALES = {"ru": "ru_RU", "en": "en_US"}
# Decimal units, as marketplaces state their limits and as model downloads are listed; largest first.
_SIZE_UNITS = (
    (1000**4, "digital-terabyte"),
    (1000**3, "digital-gigabyte"),
    (1000**2, "digital-megabyte"),
    (1000, "digital-kilobyte"),
)


def locale_name() -> str:
    """The Babel locale of the current core language: "ru_RU" or "en_US"."""
    return _LOCALES.get(i18n.language(), "en_US")


def _keep_together(text: str) -> str:
    # CLDR patterns use ordinary or narrow spaces between number and unit; either could break a line.
    return text.replace(" ", NBSP).replace("\u202f", NBSP)


def decimal(value: float, digits: int = 1) -> str:
    """``value`` with exactly ``digits`` fraction digits: ru «1,7», en «1.7»; thousands grouped."""
    pattern = "#,##0" + ("." + "0" * digits if digits > 0 else "")
    return _keep_together(format_decimal(value, format=pattern, locale=locale_name()))


def integer(value: int | float) -> str:
    """A whole number with grouped thousands: ru «12 345» (NBSP), en «12,345»."""
    return _keep_together(format_decimal(round(value), format="#,##0", locale=locale_name()))


def percent(fraction: float, digits: int = 0) -> str:
    """``fraction`` (0.85) as a percentage: ru «85 %» (NBSP), en «85%»."""
    pattern = "#,##0" + ("." + "0" * digits if digits > 0 else "") + "%"
    text = format_percent(fraction, format=pattern, locale=locale_name())
    if i18n.language() == "ru" and NBSP not in text and "%" in text:
        text = text.replace("%", NBSP + "%")  # CLDR ru puts a space before %; a custom pattern drops it
    return _keep_together(text)


def size(num_bytes: int | float, digits: int | None = None) -> str:
    """A size in bytes: ru «4,3 ГБ», «885 МБ»; en «4.3 GB», «885 MB».

    ``digits`` fraction digits; by default one below 10 of a unit (4,3 ГБ) and none above (885 МБ).
    """
    for unit_bytes, unit in _SIZE_UNITS:
        if num_bytes >= unit_bytes:
            value = num_bytes / unit_bytes
            shown = digits if digits is not None else (1 if value < 10 else 0)
            pattern = "#,##0" + ("." + "0" * shown if shown > 0 else "")
            return _keep_together(
                format_unit(value, unit, length="short", format=pattern, locale=locale_name())
            )
    return _keep_together(
        format_unit(int(num_bytes), "digital-byte", length="short", format="#,##0", locale=locale_name())
    )


def duration(seconds: float) -> str:
    """One clock style for studio and console alike: «0:03», «12:40», «1:02:05» (h:mm:ss)."""
    total = max(0, int(round(seconds)))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}:{minutes:02d}:{secs:02d}"
    return f"{minutes}:{secs:02d}"


def plural_form(count: float) -> str:
    """The CLDR plural category of ``count`` in the current language: "one", "few", "many", "other"."""
    return Locale.parse(locale_name()).plural_form(count)


def plural(count: float, forms: dict[str, str]) -> str:
    """Pick the word for ``count`` from ``forms`` keyed by CLDR category; "other" is the fallback."""
    return forms.get(plural_form(count), forms["other"])


def rate(per_second: float, forms: dict[str, str], digits: int = 1) -> str:
    """«2 карточки/с», «1,5 карточки/с», «0,15/с» style rate; ``forms`` are the unit's plural words.

    A whole value is shown without fraction digits so "2.0" never picks the fractional plural.
    """
    rounded = round(per_second, digits)
    number = integer(rounded) if float(rounded).is_integer() else decimal(rounded, digits)
    word = plural(int(rounded) if float(rounded).is_integer() else rounded, forms)
    return f"{number}{NBSP}{word}/с" if i18n.language() == "ru" else f"{number}{NBSP}{word}/s"
