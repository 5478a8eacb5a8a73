"""Russian card text: the Card value, writers behind one protocol, marketplace text rules.

Writers themselves are imported lazily through ``registry.make_writer`` (their SDKs are heavy).
"""

from app.cardtext.card import Card, CardWriter
from app.cardtext.registry import make_writer, register, writer_names
from app.cardtext.schema import CardSchemaError, CardTextError

__all__ = [
    "Card",
    "CardSchemaError",
    "CardTextError",
    "CardWriter",
    "make_writer",
    "register",
    "writer_names",
]
