"""Turn names from files (or from a model) into safe folder names on Windows, macOS and Linux."""

from __future__ import annotations

import re
import unicodedata

# Windows refuses these as file names whatever the extension ("con.txt" too).
_RESERVED = {
    "con", "prn", "aux", "nul",
    *(f"com{i}" for i in range(1, 10)),
    *(f"lpt{i}" for i in range(1, 10)),
}
_FORBIDDEN = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]')
MAX_NAME_CHARS = 80


def safe_name(name: str, *, fallback: str = "product", max_chars: int = MAX_NAME_CHARS) -> str:
    """A single path component: no separators, control or reserved characters; Cyrillic kept."""
    text = unicodedata.normalize("NFC", name)
    text = "".join(ch for ch in text if unicodedata.category(ch) not in ("Cc", "Cf", "Cs"))
    text = _FORBIDDEN.sub("_", text)
    text = re.sub(r"\s+", " ", text).strip()
    # Leading dots would hide the folder; trailing dots/spaces are stripped by Windows.
    text = text.strip(". ")
    if len(text) > max_chars:
        text = text[:max_chars].rstrip(". ")
    if not text:
        return fallback
    stem, dot, rest = text.partition(".")
    # Windows reserves the device name whatever follows the dot ("lpt1.txt_" too) and ignores
    # blanks before it, so the mark goes on the stem itself.
    if stem.rstrip(" ").lower() in _RESERVED:
        text = f"{stem.rstrip(' ')}_{stem[len(stem.rstrip(' ')):]}{dot}{rest}"
    return text


def unique_name(name: str, taken: set[str]) -> str:
    """``name``, or ``name (2)``, ``name (3)`` … whichever is not taken (case-insensitively)."""
    lowered = {t.casefold() for t in taken}
    if name.casefold() not in lowered:
        return name
    i = 2
    while f"{name} ({i})".casefold() in lowered:
        i += 1
    return f"{name} ({i})"
