"""A loopback GigaChat server for tests: the real SDK talks HTTP to it, nothing leaves the machine.

Speaks what the SDK sends and expects (see docs/gigachat.md): OAuth with Basic auth + RqUID +
scope, ``GET /api/v1/models``, ``POST /api/v1/chat/completions`` answered from a per-test script of
``Reply`` values (attachments must name uploaded files, one per message), ``POST /api/v1/files``
(multipart, at most 15 MB) and ``POST /api/v1/files/{id}/delete``. ``not_api`` makes it a web
server that is not the API: every API path answers that status with an HTML page. It records every
request (to assert retry counts, what was sent, and the most requests ever in flight) and stops
itself: delays end at ``stop()`` and a watchdog shuts it down after ``lifetime`` seconds even if a
test forgets.
"""

from __future__ import annotations

import json
import ssl
import threading
import time
import uuid
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import policy
from email.parser import BytesParser
from typing import Any
from urllib.parse import parse_qs

from tests.loopback import LoopbackServer, TrackedHandler

CARD = {
    "title": "Кружка керамическая красная 350 мл",
    "description": "Керамическая кружка красного цвета с белой ручкой.\n\nОбъём 350 мл.",
    "attributes": {"Материал": "керамика", "Цвет": "красный", "Объём": "350 мл"},
    "keywords": ["кружка", "керамическая кружка", "красная кружка"],
}
# What a vision model answers to the describer's prompt (app/describe/vlm.py PROMPT).
DESCRIPTION = {
    "description": "A red ceramic mug with a white handle.",
    "product_type": "mug",
    "colors": ["red", "white"],
    "material": "ceramic",
    "visible_text": "",
    "shape": "upright",
    "count": "1",
    "features": ["handle"],
}
MAX_UPLOAD_BYTES = 15 * 1000 * 1000  # the service refuses larger files (docs/gigachat.md)
UPLOAD_TYPES = ("image/jpeg", "image/png", "image/tiff", "image/bmp", "text/plain", "application/pdf")
NOT_API_PAGE = b"<!DOCTYPE html><html><head><title>Not Found</title></head><body>nginx</body></html>"


@dataclass
class Reply:
    """One scripted answer to ``POST /chat/completions``."""

    status: int = 200
    content: str = ""
    function_call: dict[str, Any] | None = None
    finish_reason: str = "stop"
    delay: float = 0.0  # seconds before answering (to provoke client timeouts)
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes | None = None  # raw body instead of a chat completion (garbled responses)
    drop: bool = False  # close the connection without answering

    @classmethod
    def card(cls, obj: dict[str, Any] | None = None, **kw: Any) -> Reply:
        return cls(content=json.dumps(CARD if obj is None else obj, ensure_ascii=False), **kw)

    @classmethod
    def description(cls, obj: dict[str, Any] | None = None, **kw: Any) -> Reply:
        return cls(content=json.dumps(DESCRIPTION if obj is None else obj, ensure_ascii=False), **kw)

    @classmethod
    def function(cls, obj: dict[str, Any] | None = None, name: str = "write_product_card") -> Reply:
        call = {"name": name, "arguments": CARD if obj is None else obj}
        return cls(function_call=call, finish_reason="function_call")

    @classmethod
    def error(cls, status: int, message: str = "error", retry_after: float | None = None) -> Reply:
        headers = {} if retry_after is None else {"Retry-After": f"{retry_after:g}"}
        body = json.dumps({"status": status, "message": message}).encode()
        return cls(status=status, body=body, headers=headers)


@dataclass(frozen=True)
class Recorded:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    at: float

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass(frozen=True)
class Uploaded:
    """A file the client uploaded, as the server parsed it from the multipart body."""

    id: str
    filename: str
    content_type: str
    data: bytes
    purpose: str


class FakeGigaChat(LoopbackServer):
    """Start with ``with FakeGigaChat(...) as server:``; point the SDK at ``base_url``/``auth_url``."""

    def __init__(
        self,
        *,
        key: str = "dGVzdC1jbGllbnQ6dGVzdC1zZWNyZXQtdmFsdWU=",  # base64("test-client:test-secret-value")
        scope: str = "GIGACHAT_API_PERS",
        models: tuple[str | tuple[str, str], ...] = ("GigaChat-2", "GigaChat-2-Pro", "GigaChat-2-Max"),
        response_format_supported: bool = True,
        default: Reply | None = None,
        tls: ssl.SSLContext | None = None,
        lifetime: float = 60.0,
        not_api: int | None = None,
        upload_delay: float = 0.0,
    ) -> None:
        self.key, self.scope = key, scope
        # A bare name is a chat model; (name, type) gives the type /models reports ("embedder"...).
        typed = [(m, "chat") if isinstance(m, str) else m for m in models]
        self.models = tuple(name for name, _type in typed)
        self.model_types = dict(typed)
        self.response_format_supported = response_format_supported
        self.default = default or Reply.card()
        self.not_api, self.upload_delay = not_api, upload_delay
        self.requests: list[Recorded] = []
        self.files: dict[str, Uploaded] = {}  # every upload, deleted ones too
        self.deleted: list[str] = []
        self.max_in_flight = 0  # chat, upload and delete requests at once (OAuth is another service)
        self._script: deque[Reply] = deque()
        self._tokens: set[str] = set()
        self._in_flight = 0
        self._lock = threading.Lock()
        self._start_server(_Handler, name="fake-gigachat", lifetime=lifetime, tls=tls)
        scheme = "https" if tls else "http"
        self.base_url = f"{scheme}://127.0.0.1:{self.port}/api/v1"
        self.auth_url = f"{scheme}://127.0.0.1:{self.port}/api/v2/oauth"

    def __enter__(self) -> FakeGigaChat:
        return super().__enter__()

    def script(self, *replies: Reply) -> None:
        """Queue answers for the next chat requests; when empty, ``default`` answers."""
        with self._lock:
            self._script.extend(replies)

    def chat_requests(self) -> list[Recorded]:
        return [r for r in self.requests if r.path.endswith("/chat/completions")]

    def oauth_requests(self) -> list[Recorded]:
        return [r for r in self.requests if r.path.endswith("/oauth")]

    def upload_requests(self) -> list[Recorded]:
        return [r for r in self.requests if r.path == "/api/v1/files"]

    def live_files(self) -> list[str]:
        """Uploaded and not deleted yet."""
        with self._lock:
            return [f for f in self.files if f not in self.deleted]

    @contextmanager
    def _counting(self) -> Iterator[None]:
        with self._lock:
            self._in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self._in_flight)
        try:
            yield
        finally:
            with self._lock:
                self._in_flight -= 1

    # -- called from handler threads ------------------------------------------------------------
    def _next_reply(self) -> Reply:
        with self._lock:
            return self._script.popleft() if self._script else self.default

    def _issue_token(self) -> str:
        token = f"token-{uuid.uuid4().hex}"
        with self._lock:
            self._tokens.add(token)
        return token

    def _token_ok(self, headers: dict[str, str]) -> bool:
        auth = headers.get("authorization", "")
        with self._lock:
            return auth.startswith("Bearer ") and auth[7:] in self._tokens

    def revoke_tokens(self) -> None:
        """Make every issued token invalid (the SDK must re-authenticate after a 401)."""
        with self._lock:
            self._tokens.clear()


class _Handler(TrackedHandler):
    def _send(
        self,
        status: int,
        payload: Any = None,
        *,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        data = body if body is not None else json.dumps(payload, ensure_ascii=False).encode()
        headers = headers or {}
        try:
            self.send_response(status)
            if not any(name.lower() == "content-type" for name in headers):
                self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)
        except OSError:
            self.close_connection = True  # the client gave up (timeout): nothing to answer

    def _record(self) -> tuple[dict[str, str], bytes]:
        headers = {k.lower(): v for k, v in self.headers.items()}
        body = self.rfile.read(int(headers.get("content-length", "0") or 0))
        self.fake.requests.append(Recorded(self.command, self.path, headers, body, time.monotonic()))
        return headers, body

    def _not_the_api(self) -> bool:
        """In ``not_api`` mode, answer an API path as a plain web server would (True: answered)."""
        status = self.fake.not_api
        if status is None or self.path == "/api/v2/oauth":
            return False
        self._send(status, body=NOT_API_PAGE, headers={"Content-Type": "text/html; charset=utf-8"})
        return True

    def do_GET(self) -> None:
        headers, _ = self._record()
        if self._not_the_api():
            return None
        if not self.path.startswith("/api/v1/models"):
            return self._send(404, {"status": 404, "message": "not found"})
        if not self.fake._token_ok(headers):
            return self._send(401, {"status": 401, "message": "Unauthorized"})
        data = [{"id": m, "object": "model", "owned_by": "sber", "type": self.fake.model_types[m]}
                for m in self.fake.models]
        self._send(200, {"object": "list", "data": data})

    def do_POST(self) -> None:
        headers, body = self._record()
        if self._not_the_api():
            return None
        if self.path == "/api/v2/oauth":
            return self._oauth(headers, body)
        known = self.path in ("/api/v1/chat/completions", "/api/v1/files") or (
            self.path.startswith("/api/v1/files/") and self.path.endswith("/delete"))
        if not known:
            return self._send(404, {"status": 404, "message": "not found"})
        if not self.fake._token_ok(headers):
            return self._send(401, {"status": 401, "message": "Unauthorized"})
        if self.path == "/api/v1/chat/completions":
            return self._chat(json.loads(body))
        if self.path == "/api/v1/files":
            with self.fake._counting():
                return self._upload(headers, body)
        if self.path.startswith("/api/v1/files/") and self.path.endswith("/delete"):
            with self.fake._counting():
                return self._delete(self.path.split("/")[-2])
        self._send(404, {"status": 404, "message": "not found"})

    def _oauth(self, headers: dict[str, str], body: bytes) -> None:
        form = parse_qs(body.decode())
        try:
            uuid.UUID(headers.get("rquid", ""))
        except ValueError:
            return self._send(400, {"code": 5, "message": "RqUID is not a UUID"})
        if headers.get("authorization") != f"Basic {self.fake.key}":
            return self._send(401, {"code": 6, "message": "credentials doesn't match db data"})
        if form.get("scope") != [self.fake.scope]:
            return self._send(401, {"code": 7, "message": "scope from db not fully includes consumed scope"})
        expires = int((time.time() + 1800) * 1000)
        self._send(200, {"access_token": self.fake._issue_token(), "expires_at": expires})

    def _chat(self, request: dict[str, Any]) -> None:
        fake = self.fake
        if "response_format" in request and not fake.response_format_supported:
            return self._send(400, {"status": 400, "message": "response_format is not supported"})
        if (problem := self._attachment_problem(request)) is not None:
            return self._send(400, {"status": 400, "message": problem})
        reply = fake._next_reply()
        with fake._counting():
            if reply.delay and fake._stopping.wait(reply.delay):
                self.close_connection = True
                return
            if reply.drop:
                self.close_connection = True
                return
            if reply.status != 200 or reply.body is not None:
                return self._send(reply.status, body=reply.body or b"{}", headers=reply.headers)
            message: dict[str, Any] = {"role": "assistant", "content": reply.content}
            if reply.function_call is not None:
                message["function_call"] = reply.function_call
            completion = {
                "choices": [{"message": message, "index": 0, "finish_reason": reply.finish_reason}],
                "created": int(time.time()),
                "model": request.get("model", "GigaChat-2") + ":2.0.0",
                "object": "chat.completion",
                "usage": {"prompt_tokens": 10, "completion_tokens": 20, "total_tokens": 30},
            }
            self._send(200, completion, headers=reply.headers)

    def _attachment_problem(self, request: dict[str, Any]) -> str | None:
        live = set(self.fake.live_files())
        for message in request.get("messages", []):
            attached = message.get("attachments") or []
            if len(attached) > 1:
                return "only one image per message"
            if any(file_id not in live for file_id in attached):
                return "attachment not found: upload the file first"
        return None

    def _upload(self, headers: dict[str, str], body: bytes) -> None:
        parts = _multipart(headers.get("content-type", ""), body)
        if "file" not in parts:
            return self._send(400, {"status": 400, "message": "multipart file expected"})
        filename, content_type, data = parts["file"]
        if len(data) > MAX_UPLOAD_BYTES:
            return self._send(413, {"status": 413, "message": "file is too large"})
        if content_type not in UPLOAD_TYPES:
            return self._send(422, {"status": 422, "message": f"unsupported file type {content_type}"})
        if self.fake.upload_delay and self.fake._stopping.wait(self.fake.upload_delay):
            self.close_connection = True
            return None
        purpose = parts.get("purpose", (None, "", b"general"))[2].decode() or "general"
        file = Uploaded(str(uuid.uuid4()), filename or "upload", content_type, data, purpose)
        with self.fake._lock:
            self.fake.files[file.id] = file
        self._send(200, {"id": file.id, "object": "file", "bytes": len(data), "created_at": int(time.time()),
                         "filename": file.filename, "purpose": purpose})

    def _delete(self, file_id: str) -> None:
        if file_id not in self.fake.live_files():
            return self._send(404, {"status": 404, "message": "file not found"})
        with self.fake._lock:
            self.fake.deleted.append(file_id)
        self._send(200, {"id": file_id, "deleted": True})


def _multipart(content_type: str, body: bytes) -> dict[str, tuple[str | None, str, bytes]]:
    """Form fields by name: (file name, content type, bytes); empty for a body that is not multipart."""
    if not content_type.startswith("multipart/form-data"):
        return {}
    head = f"Content-Type: {content_type}\r\n\r\n".encode()
    message = BytesParser(policy=policy.HTTP).parsebytes(head + body)
    fields: dict[str, tuple[str | None, str, bytes]] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if isinstance(name, str):
            data = part.get_payload(decode=True) or b""
            fields[name] = (part.get_filename(), part.get_content_type(), data)
    return fields
