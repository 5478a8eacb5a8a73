"""The Wildberries Content API, as its official reference describes it (dev.wildberries.ru, "Работа с
товарами"): one small client, paced to the documented limits, retrying 429s as the server says.

Limits (per seller account): card creation (``/content/v2/cards/upload``), card editing and the
error list each allow 10 requests a minute — one every 6 s, bursts of 5; every other content method
(categories, characteristics, the card list, photo upload) shares 100 a minute — one every 600 ms,
bursts of 5. The client keeps to those on its own side, and reads the server's word on top:
``X-Ratelimit-Remaining`` (requests left before a 429) and, on a 429, ``X-Ratelimit-Retry``
(seconds until a retry is allowed). The token goes in ``Authorization`` as it is and nowhere else:
never into a message, a log line or a file.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from app import __version__
from app.errors import Cancelled, VitrinaError
from app.i18n import _
from app.publish.wb.token import describe_token_problem

PRODUCTION = "https://content-api.wildberries.ru"
SANDBOX = "https://content-api-sandbox.wildberries.ru"
URL_ENV = "VITRINA_WB_CONTENT_URL"  # another address for the content API: a proxy, or a test server

log = logging.getLogger(__name__)


class WBError(VitrinaError):
    """Wildberries refused a request or could not be reached; the message says what to do."""


class WBAuthError(WBError):
    """401 or 403: the token is missing, wrong, expired, or lacks the Content category."""


@dataclass
class _Bucket:
    """The documented pace of one group of methods: one request per ``interval``, ``burst`` at once."""

    interval: float
    burst: int
    tokens: float = field(init=False)
    stamp: float = field(init=False, default=0.0)

    def __post_init__(self) -> None:
        self.tokens = float(self.burst)

    def wait_time(self, now: float) -> float:
        if self.stamp:
            self.tokens = min(self.burst, self.tokens + (now - self.stamp) / self.interval)
        self.stamp = now
        return 0.0 if self.tokens >= 1 else (1 - self.tokens) * self.interval

    def take(self) -> None:
        self.tokens -= 1

    def empty(self) -> None:
        self.tokens = min(self.tokens, 0.0)


def _group(path: str) -> str:
    if path.startswith(("/content/v2/cards/upload", "/content/v2/cards/update")):
        return "cards"
    if path.startswith("/content/v2/cards/error/list"):
        return "errors"
    return "content"


# (interval in seconds, burst) from the reference's limit tables.
LIMITS = {"cards": (6.0, 5), "errors": (6.0, 5), "content": (0.6, 5)}
MAX_429_RETRIES = 8
MAX_SERVER_RETRIES = 3


def base_url(sandbox: bool) -> str:
    return (os.environ.get(URL_ENV) or (SANDBOX if sandbox else PRODUCTION)).rstrip("/")


class WBClient:
    """Calls on one token and host. Thread-safe pacing; one instance per publishing run.

    ``sleep`` and ``cancelled`` let the caller stop a wait at once (the studio's Cancel, Ctrl-C);
    a cancelled wait raises :class:`Cancelled` before the next request is sent.
    """

    def __init__(self, token: str, *, sandbox: bool = False, url: str | None = None, timeout: float = 60.0,
                 sleep: Callable[[float], None] = time.sleep, cancelled: Callable[[], bool] = lambda: False,
                 time_scale: float = 1.0) -> None:
        if not token.strip():
            raise WBAuthError(_("No Wildberries API token is stored: add it with `vitrina wildberries "
                                "set-token` or in the studio's settings."))
        self.sandbox = sandbox
        self.url = (url or base_url(sandbox)).rstrip("/")
        self._token = token.strip()
        self._http = httpx.Client(base_url=self.url, timeout=httpx.Timeout(timeout, connect=15.0),
                                  headers={"Authorization": self._token,
                                           "User-Agent": f"vitrina/{__version__}"})
        self._sleep, self._cancelled = sleep, cancelled
        # time_scale shrinks the documented intervals for tests against a fake server.
        self._buckets = {name: _Bucket(interval * time_scale, burst)
                         for name, (interval, burst) in LIMITS.items()}
        self._lock = threading.Lock()
        self.requests_sent = 0

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> WBClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- the methods Vitrina uses -------------------------------------------------------------

    def ping(self) -> None:
        """Checks the token against this host (``GET /ping``: reachability, token, its category)."""
        self._call("GET", "/ping")

    def subjects(self, name: str, *, limit: int = 30) -> list[dict[str, Any]]:
        """WB categories (subjects) whose name contains ``name``: subjectID, subjectName, parentName."""
        body = self._call("GET", "/content/v2/object/all",
                          params={"name": name, "limit": limit, "locale": "ru"})
        return list(body.get("data") or [])

    def charcs(self, subject_id: int) -> dict[str, Any]:
        return self._call("GET", f"/content/v2/object/charcs/{int(subject_id)}", params={"locale": "ru"})

    def directory(self, kind: str) -> dict[str, Any]:
        """A dictionary of allowed values: ``colors``, ``kinds``, ``countries`` or ``seasons``."""
        return self._call("GET", f"/content/v2/directory/{kind}", params={"locale": "ru"})

    def upload_cards(self, cards: list[dict[str, Any]]) -> None:
        """Queues card creation (asynchronous: a card shows up in the card list later, or in the
        error list). Never retried after the request may have reached the server: a second send of
        a card that was created is refused as a duplicate vendor code, and the caller looks first."""
        self._call("POST", "/content/v2/cards/upload", json_body=cards, safe_to_repeat=False)

    def update_cards(self, cards: list[dict[str, Any]]) -> None:
        """Replaces the text, characteristics and dimensions of existing cards (by nmID)."""
        self._call("POST", "/content/v2/cards/update", json_body=cards, safe_to_repeat=False)

    def find_cards(self, text: str) -> list[dict[str, Any]]:
        """Cards whose vendor code, nmID or barcode is ``text`` (``/content/v2/get/cards/list``)."""
        return self.list_cards(text=text)[0]

    def list_cards(self, *, text: str = "", after: dict[str, Any] | None = None,
                   limit: int = 100) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
        """One page of the seller's cards, the most recently changed first, and the cursor of the
        next page (None after the last). ``withPhoto: -1``: cards with photos are not left out."""
        cursor: dict[str, Any] = {"limit": limit}
        if after:
            cursor.update(updatedAt=after.get("updatedAt"), nmID=after.get("nmID"))
        body = {"settings": {"sort": {"ascending": False}, "cursor": cursor,
                             "filter": {"textSearch": text, "withPhoto": -1}}}
        answer = self._call("POST", "/content/v2/get/cards/list", json_body=body)
        cards = [card for card in answer.get("cards") or [] if isinstance(card, dict)]
        page = answer.get("cursor") or {}
        more = len(cards) >= limit and page.get("nmID")  # the docs: a page shorter than limit is the last
        return cards, ({"updatedAt": page.get("updatedAt"), "nmID": page.get("nmID")} if more else None)

    def error_list(self) -> list[dict[str, Any]]:
        """Every batch of the error list (cards WB did not create or update, with why), all pages."""
        items: list[dict[str, Any]] = []
        cursor: dict[str, Any] = {"limit": 100}
        for _page in range(100):  # 10,000 batches: far past any studio's drafts, and never a loop
            answer = self._call("POST", "/content/v2/cards/error/list",
                                json_body={"cursor": cursor, "order": {"ascending": True}},
                                params={"locale": "ru"})
            data = answer.get("data") or {}
            items.extend(item for item in data.get("items") or [] if isinstance(item, dict))
            page = data.get("cursor") or {}
            if not page.get("next"):
                break
            cursor = {"limit": 100, "updatedAt": page.get("updatedAt"), "batchUUID": page.get("batchUUID")}
        return items

    def upload_photo(self, nm_id: int, number: int, data: bytes, filename: str, mime: str) -> None:
        """Puts one photo at position ``number`` (from 1) of card ``nm_id``; the same number again
        replaces that photo, so a repeat after a lost answer does no harm."""
        self._call("POST", "/content/v3/media/file", files={"uploadfile": (filename, data, mime)},
                   headers={"X-Nm-Id": str(int(nm_id)), "X-Photo-Number": str(int(number))})

    # --- transport ----------------------------------------------------------------------------

    def wait(self, seconds: float) -> None:
        """Sleep in short steps, so a Cancel or Ctrl-C is seen within a quarter of a second."""
        end = time.monotonic() + seconds
        while True:
            if self._cancelled():
                raise Cancelled(_("Publishing stopped."))
            left = end - time.monotonic()
            if left <= 0:
                return
            self._sleep(min(left, 0.25))

    def _pace(self, group: str) -> None:
        bucket = self._buckets[group]
        while True:
            with self._lock:
                delay = bucket.wait_time(time.monotonic())
                if delay <= 0:
                    bucket.take()
                    return
            self.wait(delay)

    def _call(self, method: str, path: str, *, params: dict[str, Any] | None = None,
              json_body: Any = None, files: dict[str, Any] | None = None,
              headers: dict[str, str] | None = None, safe_to_repeat: bool = True) -> dict[str, Any]:
        group = _group(path)
        limited = server_failures = 0
        while True:
            self._pace(group)
            if self._cancelled():
                raise Cancelled(_("Publishing stopped."))
            try:
                self.requests_sent += 1
                response = self._http.request(method, path, params=params, json=json_body, files=files,
                                              headers=headers)
            except httpx.ConnectError as exc:  # nothing reached the server: always safe to repeat
                server_failures += 1
                if server_failures > MAX_SERVER_RETRIES:
                    raise WBError(_("Cannot reach Wildberries at {url}: {why}").format(url=self.url, why=exc),
                                  detail=type(exc).__name__) from None
                self.wait(2.0 ** server_failures)
                continue
            except httpx.HTTPError as exc:
                server_failures += 1
                if not safe_to_repeat or server_failures > MAX_SERVER_RETRIES:
                    raise WBError(_("Wildberries did not answer in time ({url}{path}): {why}").format(
                        url=self.url, path=path, why=type(exc).__name__), detail=type(exc).__name__) from None
                self.wait(2.0 ** server_failures)
                continue
            self._read_limit(group, response)
            status = response.status_code
            if status == 429:
                limited += 1
                if limited > MAX_429_RETRIES:
                    raise WBError(_("Wildberries kept refusing requests as too many ({path}); try again "
                                    "in a few minutes.").format(path=path), detail=_detail(response))
                retry = _seconds(response.headers.get("X-Ratelimit-Retry")) \
                    or _seconds(response.headers.get("Retry-After")) or self._buckets[group].interval
                log.info("WB 429 on %s: waiting %.2f s as the server says", path, retry)
                self.wait(retry)
                continue
            if status >= 500 and safe_to_repeat and server_failures < MAX_SERVER_RETRIES:
                server_failures += 1
                self.wait(2.0 ** server_failures)
                continue
            return self._answer(path, response)

    def _read_limit(self, group: str, response: httpx.Response) -> None:
        remaining = response.headers.get("X-Ratelimit-Remaining")
        if remaining is not None and remaining.strip() in ("0", "0.0"):
            with self._lock:
                self._buckets[group].empty()  # the server says the burst is spent: wait one interval

    def _answer(self, path: str, response: httpx.Response) -> dict[str, Any]:
        status = response.status_code
        body = _json(response)
        if status in (401, 403):
            raise self._auth_error(status, body, response)
        if status == 413:
            raise WBError(_("Wildberries refused the request as too large ({path}); send fewer cards at "
                            "once.").format(path=path), detail=_detail(response))
        if status >= 400 or (isinstance(body, dict) and body.get("error") is True):
            text = _error_text(body) or response.reason_phrase
            raise WBError(_("Wildberries refused {path} ({status}): {text}").format(path=path, status=status,
                                                                                    text=text),
                          detail=_detail(response))
        return body if isinstance(body, dict) else {"data": body}

    def _auth_error(self, status: int, body: Any, response: httpx.Response) -> WBAuthError:
        hint = describe_token_problem(self._token, sandbox=self.sandbox)
        if status == 401:
            said = _error_text(body) or "unauthorized"
            message = _("Wildberries did not accept the API token ({said}).").format(said=said)
        else:
            message = _("Wildberries refused this token access to the content API: it needs the "
                        "«Контент» (Content) category with write access, not read-only.")
        if hint:
            message += " " + hint
        message += " " + _("Create a token in the seller portal: Settings → API access, category «Контент».")
        return WBAuthError(message, detail=_detail(response))


def _json(response: httpx.Response) -> Any:
    try:
        return response.json()
    except (json.JSONDecodeError, UnicodeDecodeError, ValueError):
        return {"errorText": response.text.strip()[:300]}


def _error_text(body: Any) -> str:
    if not isinstance(body, dict):
        return ""
    parts = [str(body.get(key) or "").strip() for key in ("errorText", "title", "detail")]
    extra = body.get("additionalErrors")
    if isinstance(extra, dict):
        parts.extend(f"{k}: {v}" for k, v in extra.items() if v)
    elif isinstance(extra, str) and extra.strip():
        parts.append(extra.strip())
    return "; ".join(dict.fromkeys(p for p in parts if p))


def _detail(response: httpx.Response) -> str:
    request_id = ""
    body = _json(response)
    if isinstance(body, dict):
        request_id = str(body.get("requestId") or "")
    return f"HTTP {response.status_code} {response.request.method} {response.request.url.path}" + \
        (f", requestId {request_id}" if request_id else "")


def _seconds(value: str | None) -> float:
    try:
        return max(0.0, float(value)) if value else 0.0
    except ValueError:
        return 0.0
