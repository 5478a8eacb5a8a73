"""What the user calls each built-in background, in the interface language.

The keys ("light-grey") are what settings, projects and the CLI store; these are the names the panel and
the settings dialog show, so both say the same thing. A preset added to backgrounds.json by hand has no
entry and shows its key, tidied ("Deep sea")."""

from __future__ import annotations

from app.i18n import N_, translated

_NAMES = {
    "plane": N_("Plane"),
    "white": N_("White"),
    "pure-white": N_("Pure white"),
    "light-grey": N_("Light grey"),
    "warm-grey": N_("Warm grey"),
    "cream": N_("Cream"),
    "pale-blue": N_("Pale blue"),
    "mint": N_("Mint"),
    "soft-pink": N_("Soft pink"),
    "transparent": N_("Transparent"),
}


def background_name(key: str) -> str:
    """``key``'s name in the current language (a preset we do not know: its key, tidied)."""
    if key in _NAMES:
        return translated(_NAMES[key])
    return key.replace("-", " ").capitalize()
