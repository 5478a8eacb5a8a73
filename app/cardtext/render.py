"""``card.txt``: the card as a seller reads and pastes it."""

from __future__ import annotations

from app.cardtext.card import Card


def card_text(card: Card, *, marketplace_name: str = "") -> str:
    lines = ["Название:", card.title, "", "Описание:", card.description.strip(), ""]
    if card.attributes:
        lines.append("Характеристики:")
        lines += [f"- {name}: {value}" for name, value in card.attributes.items()]
        lines.append("")
    if card.keywords:
        lines += ["Ключевые слова:", ", ".join(card.keywords), ""]
    if card.flags:
        lines.append("Проверьте" + (f" ({marketplace_name})" if marketplace_name else "") + ":")
        lines += [f"- {flag}" for flag in card.flags]
        lines.append("")
    return "\n".join(lines)
