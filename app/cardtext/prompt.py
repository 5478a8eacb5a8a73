"""Russian prompts for card writers: the facts come only from the describer's English description."""

from __future__ import annotations

import json

from app.cardtext.card import Card
from app.cardtext.schema import card_payload
from app.describe.protocol import Description
from app.marketplace.marketplaces import Marketplace

SYSTEM_PROMPT = """\
Ты — редактор карточек товаров для российских маркетплейсов. Ты пишешь название, описание, \
характеристики и ключевые слова на русском языке.

Правила:
1. Используй только факты из исходного описания и характеристик. Ничего не придумывай: никаких \
брендов, моделей, размеров, составов, стран производства, сертификатов, гарантий и отзывов, \
которых нет в исходных данных. Если факта нет — не упоминай его.
2. Название: сначала тип товара, затем главный признак (материал, цвет, размер или объём, если \
они известны). Без точки в конце, без кавычек.
3. Запрещены: слова ЗАГЛАВНЫМИ буквами (кроме общепринятых сокращений вроде USB, LED, XL), \
эмодзи, восклицательные знаки, рекламные слова («скидка», «акция», «хит», «распродажа», «лучший», \
«топ», «бесплатно», «выгодно», «№1» и подобные), сравнения с конкурентами, цены.
4. Описание: 2–4 коротких абзаца обычного текста, абзацы разделены пустой строкой. Без списков, \
заголовков, разметки Markdown и HTML.
5. Характеристики: пары «название → значение» (строки), только известные факты.
6. Ключевые слова: 5–10 коротких поисковых фраз на русском, без повторов и рекламных слов.
7. Ответ — только JSON-объект с полями title, description, attributes, keywords. Без пояснений \
до или после него.
"""


def _limits(marketplace: Marketplace) -> str:
    lines = [
        f"Маркетплейс: {marketplace.name}.",
        f"Название — не длиннее {marketplace.title_max} символов.",
    ]
    if marketplace.description_min > 0:
        lines.append(
            f"Описание — от {marketplace.description_min} до {marketplace.description_max} символов, "
            "но если фактов мало, лучше короче, чем с выдумкой."
        )
    else:
        lines.append(f"Описание — не длиннее {marketplace.description_max} символов.")
    return "\n".join(lines)


def user_prompt(
    description: Description,
    *,
    product_name: str,
    marketplace: Marketplace,
    notes: list[str] | tuple[str, ...] = (),
) -> str:
    """The request for one product; ``notes`` carry what went wrong on an earlier attempt."""
    parts = [_limits(marketplace)]
    if product_name.strip():
        # The seller's own name may be a file or folder name: useful context, not a fact source.
        parts.append(
            f"Имя товара у продавца (может быть именем файла; используй, только если оно осмысленное): "
            f"{product_name.strip()}"
        )
    parts.append("Исходное описание (на английском, по фотографиям):\n" + description.text.strip())
    if description.attributes:
        facts = "\n".join(f"- {k}: {v}" for k, v in description.attributes.items())
        parts.append("Исходные характеристики:\n" + facts)
    parts.append("Напиши карточку товара на русском по правилам.")
    parts.extend(notes)
    return "\n\n".join(parts)


def correction_note(error: str) -> str:
    """Tell the model why its previous answer was rejected (the error text is English)."""
    return (
        "Предыдущий ответ отклонён проверкой: " + error + ". "
        "Ответь заново одним корректным JSON-объектом с полями title (строка), description (строка), "
        "attributes (объект строк), keywords (массив строк)."
    )


def shorter_note(marketplace: Marketplace) -> str:
    """After a ``length`` finish: the answer did not fit the model's output budget."""
    return (
        "Предыдущий ответ оборвался, потому что был слишком длинным. Пиши короче: описание "
        f"не длиннее {min(marketplace.description_max, 1500)} символов, не больше 8 характеристик "
        "и 8 ключевых слов."
    )


def answer_json(card: Card) -> str:
    """A card as the model's own earlier answer, for a follow-up turn that asks to change it."""
    return json.dumps(card_payload(card), ensure_ascii=False)
