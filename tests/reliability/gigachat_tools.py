"""GigaChat for batch-level tests: the real SDK against the loopback server, answering each product
by the name in its prompt, and a stand-in describer so no vision model has to run.

The routing matters because card writes run concurrently and retry: a script of replies in
arrival order would hand one product's fault to another.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from app.describe.protocol import Description
from tests.gigachat_server import FakeGigaChat, Reply, _Handler

NAME_LINE = "Имя товара у продавца"  # how app/cardtext/prompt.py introduces the product's name
CUT = "x-test-cut"  # a header that makes the server hang up halfway through its answer

Route = Reply | list[Reply] | Callable[[dict[str, Any]], Reply]


class StubDescriber:
    """Describes every product the same way, at once (stands in for the VLM on the GPU worker)."""

    model_id, revision = "stub-describer", "0"

    def describe(self, products: Sequence[Sequence[np.ndarray]]) -> list[Description]:
        return [Description("A red ceramic mug with a white handle.", {"color": "red"}, self.model_id)
                for _ in products]

    def close(self) -> None:
        pass


class _RoutedHandler(_Handler):
    def _chat(self, request: dict[str, Any]) -> None:
        self.fake._request.value = request  # type: ignore[attr-defined]
        super()._chat(request)

    def _send(self, status: int, payload: Any = None, *, body: bytes | None = None,
              headers: dict[str, str] | None = None) -> None:
        if not headers or CUT not in headers:
            return super()._send(status, payload, body=body, headers=headers)
        half = '{"choices": [{"message": {"role": "assistant", "content": "{\\"title\\": \\"Кру'
        data = body or half.encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data) * 3))  # promise more than is sent
        self.end_headers()
        self.wfile.write(data)
        self.wfile.flush()
        self.close_connection = True


class RoutedGigaChat(FakeGigaChat):
    """``routes`` maps a product name to its replies: one Reply (every time), a list (one per
    attempt, the last repeating) or a function of the request. Unrouted products get ``default``."""

    def __init__(self, routes: dict[str, Route], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.routes = routes
        self.attempts: dict[str, int] = {}
        self._request = threading.local()
        self._server.RequestHandlerClass = _RoutedHandler

    def _next_reply(self) -> Reply:
        request = getattr(self._request, "value", None) or {}
        name = product_name(request)
        route = self.routes.get(name)
        with self._lock:
            attempt = self.attempts[name] = self.attempts.get(name, 0) + 1
        if route is None:
            return self.default
        if callable(route):
            return route(request)
        if isinstance(route, list):
            return route[min(attempt, len(route)) - 1]
        return route


def product_name(request: dict[str, Any]) -> str:
    for message in request.get("messages", []):
        for line in str(message.get("content", "")).splitlines():
            if line.startswith(NAME_LINE):
                return line.split(": ", 1)[1].strip()
    return ""


def cut_reply() -> Reply:
    return Reply(headers={CUT: "1"})
