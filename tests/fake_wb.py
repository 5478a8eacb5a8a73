"""A loopback Wildberries Content API for tests: the publishing client talks HTTP to it, nothing leaves.

It follows WB's official OpenAPI spec ("Работа с товарами", content-api.wildberries.ru): the paths,
the ``{"data", "error", "errorText", "additionalErrors"}`` envelopes, the gateway bodies of 401/413/429
and the ``X-Ratelimit-*`` headers. What it models:

* the catalogue: subjects (``object/all``), their characteristics (``object/charcs/{id}``) and the
  colour / country / kind / season directories, seeded with a few real-looking rows;
* ``cards/upload`` checks the request shape synchronously (400) but creates cards asynchronously: a
  card shows up in ``get/cards/list`` only after ``polls_until_created`` searches for its vendor
  code, and a card WB refuses later (an unknown or missing required characteristic, or a test's
  ``reject_vendor``) is never created and lands in ``cards/error/list`` instead, one batch per
  request and merged card (imt), as WB reports it;
* ``media/file`` stores photos by number on a created card, with WB's size/count/format checks;
* per-seller token buckets (burst 5; 6 s a token for ``cards/upload`` and ``cards/error/list``
  each, 600 ms for every other method), scaled by ``time_scale`` so tests need not wait minutes.

It records every request, takes hooks to inject failures (``fail_next``, ``throttle_next``,
``reject_vendor``, ``forbid_content``) and stops itself: a watchdog shuts it down after
``lifetime`` seconds even if a test forgets ``stop()``.
"""

from __future__ import annotations

import copy
import hashlib
import io
import json
import math
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email import policy
from email.parser import BytesParser
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qs, urlsplit

from PIL import Image, UnidentifiedImageError

from tests.loopback import LoopbackServer, TrackedHandler

UPLOAD = "/content/v2/cards/upload"
UPDATE = "/content/v2/cards/update"
CARDS_LIST = "/content/v2/get/cards/list"
ERROR_LIST = "/content/v2/cards/error/list"
MEDIA_FILE = "/content/v3/media/file"
CHARCS_PREFIX = "/content/v2/object/charcs/"

# Seed catalogue: (subjectID, subjectName, parentID, parentName).
SUBJECTS: list[dict[str, Any]] = [
    {"subjectID": sid, "parentID": pid, "subjectName": name, "parentName": parent}
    for sid, name, pid, parent in (
        (2956, "Кружки", 1234, "Посуда и инвентарь"),
        (2957, "Кружки для пива", 1234, "Посуда и инвентарь"),
        (105, "Кроссовки", 8, "Обувь"),
        (184, "Рубашки", 1, "Одежда"),
        (3318, "Вазы", 25, "Для дома"),
    )
]


def _charc(subject: tuple[int, str], charc_id: int, name: str, charc_type: int, max_count: int,
           required: bool, unit: str = "", popular: bool = False) -> dict[str, Any]:
    return {"charcID": charc_id, "subjectName": subject[1], "subjectID": subject[0], "name": name,
            "required": required, "unitName": unit, "maxCount": max_count, "popular": popular,
            "charcType": charc_type}


_MUGS, _SNEAKERS = (2956, "Кружки"), (105, "Кроссовки")
# charcType 1: an array of strings (at most maxCount values, 0 = any number); 4: one number.
CHARCS: dict[int, list[dict[str, Any]]] = {
    2956: [
        _charc(_MUGS, 14177449, "Цвет", 1, 3, True, popular=True),
        _charc(_MUGS, 17596, "Материал изделия", 1, 3, True),
        _charc(_MUGS, 17462, "Объем", 4, 0, False, unit="мл"),
        _charc(_MUGS, 14177451, "Страна производства", 1, 1, False),
    ],
    105: [  # both rows as in the spec's examples
        _charc(_SNEAKERS, 14177449, "Цвет", 1, 3, False, popular=True),
        _charc(_SNEAKERS, 54337, "Размер", 4, 0, False, unit="см"),
    ],
}
COLORS = [{"name": n, "parentName": p} for n, p in (
    ("красный", "красный"), ("белый", "белый"), ("черный", "черный"), ("синий", "синий"),
    ("персиковый мелок", "оранжевый"), ("светло-бежевый", "бежевый"))]
COUNTRIES = [{"name": "Россия", "fullName": "Российская Федерация"},
             {"name": "Китай", "fullName": "Китайская Народная Республика"}]
KINDS = ["Мужской", "Женский", "Детский", "Девочки", "Мальчики"]
SEASONS = ["демисезон", "зима", "круглогодичный", "лето"]

# Texts of WB's own examples (components/examples), so a client can be tested against the real wording.
INVALID_FORMAT = "Invalid request format"
NO_VENDOR_CODE = "A card cannot be created without a vendorCode"
VENDOR_CODE_USED = "bad request; Unexpected the specified card's vendor code is used in other cards"
UNKNOWN_CATEGORY = "This category does not exist"
TOO_MANY_VARIANTS = ("В группу можно объединить не больше 30 карточек. "
                     "В результате запроса будет превышен лимит")
FORBIDDEN = "Доступ запрещен"
BAD_BOUNDARY = "Invalid 'boundary' for 'multipart/form-data' request"
UNDECODABLE = "Request body can not be decoded"

MAX_IMTS, MAX_VARIANTS, MAX_TITLE, MAX_VENDOR_CODE = 100, 30, 60, 72
MAX_UPLOAD_BODY = 10 * 1024 * 1024  # "Максимальный размер запроса 10 Мб"
MAX_PHOTO_BYTES = 32 * 1024 * 1024
MAX_PHOTOS, MIN_PHOTO_SIZE = 30, (700, 900)
PHOTO_FORMATS = {"JPEG", "PNG", "BMP", "GIF", "WEBP"}
FIRST_NM_ID, FIRST_IMT_ID, FIRST_CHRT_ID = 100000001, 200000001, 300000001

# Rate-limit groups: (burst, seconds per token). cards/upload and cards/error/list each have their own.
LIMITS: dict[str, tuple[int, float]] = {"upload": (5, 6.0), "update": (5, 6.0), "errors": (5, 6.0),
                                        "content": (5, 0.6)}


@dataclass(frozen=True)
class Recorded:
    method: str
    path: str  # without the query string (that is in ``query``)
    headers: dict[str, str]  # names lower-cased
    body: bytes
    at: float  # time.monotonic()
    query: dict[str, str] = field(default_factory=dict)
    answered: list[int] = field(default_factory=list)  # the status it got (set once answered)

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class _Reply:
    status: int
    payload: Any = None
    text: str | None = None  # a text/plain body instead of JSON
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class _Request:
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes


class _Bucket:
    """WB's token bucket: holds at most ``burst`` requests, one more every ``interval`` seconds."""

    def __init__(self, burst: int, interval: float) -> None:
        self.burst, self.interval = burst, interval
        self._tokens, self._stamp = float(burst), time.monotonic()

    def _refill(self) -> None:
        now = time.monotonic()
        if self.interval <= 0:  # time_scale=0: no limit at all
            self._tokens = float(self.burst)
        else:
            self._tokens = min(self.burst, self._tokens + (now - self._stamp) / self.interval)
        self._stamp = now

    def take(self) -> bool:
        self._refill()
        if self._tokens < 1:
            return False
        self._tokens -= 1
        return True

    def remaining(self) -> int:
        self._refill()
        return math.floor(self._tokens)

    def retry_after(self) -> float:
        """Seconds until one whole token is back."""
        self._refill()
        return max(0.0, 1 - self._tokens) * self.interval

    def reset_after(self) -> float:
        """Seconds until the bucket is full again."""
        self._refill()
        return (self.burst - self._tokens) * self.interval


def _now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="microseconds").replace("+00:00", "Z")


def _seconds(value: float) -> str:
    """A header value in seconds, up to 3 decimals, rounded up so waiting that long is enough."""
    return f"{math.ceil(value * 1000) / 1000:.3f}".rstrip("0").rstrip(".")


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _envelope(data: Any, additional: Any = None) -> dict[str, Any]:
    return {"data": data, "error": False, "errorText": "", "additionalErrors": additional}


def _content_error(text: str, additional: Any = None) -> _Reply:
    """A 400 with responseBodyContentError400."""
    return _Reply(400, {"data": None, "error": True, "errorText": text, "additionalErrors": additional})


def _gateway_error(status: int, title: str, detail: str, *, timestamp: bool = True) -> dict[str, Any]:
    """The body WB's API gateway answers 401/413/429 with (components/responses)."""
    body: dict[str, Any] = {
        "title": title, "detail": detail, "code": uuid.uuid4().hex[:12], "requestId": uuid.uuid4().hex,
        "origin": "s2s-api-auth-content", "status": status, "statusText": HTTPStatus(status).phrase,
    }
    if timestamp:
        body["timestamp"] = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    return body


def _photo_urls(nm_id: int, number: int) -> dict[str, str]:
    base = f"https://basket-01.wbbasket.ru/vol{nm_id // 100000}/part{nm_id // 1000}/{nm_id}/images"
    return {size: f"{base}/{size}/{number}.webp" for size in ("big", "c246x328", "c516x688", "square", "tm")}


class FakeWB(LoopbackServer):
    """Start with ``with FakeWB(...) as wb:``; point the client at ``wb.url``."""

    def __init__(
        self,
        *,
        token: str = "test-token",
        polls_until_created: int = 2,
        time_scale: float = 1.0,
        lifetime: float = 120.0,
        forbid_content: bool = False,
    ) -> None:
        self.token = token  # the Authorization header WB wants: the raw token ("Bearer <token>" passes too)
        # get/cards/list searches for a vendor code that still find nothing: creation is asynchronous.
        self.polls_until_created = polls_until_created
        self.forbid_content = forbid_content  # every endpoint answers 403 (a token without Content)
        # The catalogue; tests may replace or edit these before the client asks.
        self.subjects = copy.deepcopy(SUBJECTS)
        self.charcs = copy.deepcopy(CHARCS)
        self.colors, self.countries = copy.deepcopy(COLORS), copy.deepcopy(COUNTRIES)
        self.kinds, self.seasons = list(KINDS), list(SEASONS)
        self.requests: list[Recorded] = []
        self.cards: dict[str, dict[str, Any]] = {}  # vendorCode -> every accepted card, pending ones too
        self.error_batches: list[dict[str, Any]] = []  # as cards/error/list reports them, oldest first
        self.updates: list[dict[str, Any]] = []  # every card cards/update received, in order
        self._lock = threading.RLock()
        # time_scale shrinks WB's intervals (0.01: 6 s becomes 60 ms); 0 switches the limits off.
        self._buckets = {name: _Bucket(burst, interval * time_scale)
                         for name, (burst, interval) in LIMITS.items()}
        self._rejections: dict[str, tuple[list[str], int | None]] = {}
        self._failures: dict[str, deque[int]] = {}
        self._throttle: deque[float] = deque()
        self._by_nm: dict[int, str] = {}
        self._next_nm, self._next_imt, self._next_chrt = FIRST_NM_ID, FIRST_IMT_ID, FIRST_CHRT_ID
        self._routes: dict[tuple[str, str], Callable[[_Request], _Reply]] = {
            ("GET", "/ping"): self._ping,
            ("GET", "/content/v2/object/all"): self._subjects,
            ("GET", "/content/v2/directory/colors"): lambda _r: _Reply(200, _envelope(self.colors)),
            ("GET", "/content/v2/directory/countries"): lambda _r: _Reply(200, _envelope(self.countries)),
            ("GET", "/content/v2/directory/kinds"): lambda _r: _Reply(200, _envelope(self.kinds)),
            ("GET", "/content/v2/directory/seasons"): lambda _r: _Reply(200, _envelope(self.seasons)),
            ("POST", UPLOAD): self._upload,
            ("POST", UPDATE): self._update,
            ("POST", CARDS_LIST): self._cards_list,
            ("POST", ERROR_LIST): self._error_list,
            ("POST", MEDIA_FILE): self._media_file,
        }
        self._start_server(_Handler, name="fake-wb", lifetime=lifetime)
        self.url = f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> FakeWB:
        return super().__enter__()

    # -- test hooks -----------------------------------------------------------------------------
    def reject_vendor(self, vendor_code: str, messages: list[str], *, times: int | None = None) -> None:
        """WB will refuse this vendor code after accepting the upload: the card is not created and
        ``messages`` appear in the error list. ``times``: for that many uploads (None: every one)."""
        with self._lock:
            self._rejections[vendor_code] = (list(messages), times)

    def fail_next(self, path: str, status: int = 500) -> None:
        """The next request to ``path`` (after auth and rate limit) answers ``status``; calls stack."""
        with self._lock:
            self._failures.setdefault(path, deque()).append(status)

    def throttle_next(self, n: int, retry: float = 0.05) -> None:
        """The next ``n`` authorised requests answer 429 with ``X-Ratelimit-Retry: retry``."""
        with self._lock:
            self._throttle.extend([retry] * n)

    # -- inspection -----------------------------------------------------------------------------
    def requests_to(self, path: str) -> list[Recorded]:
        with self._lock:
            return [r for r in self.requests if r.path == path]

    def upload_requests(self) -> list[Recorded]:
        return self.requests_to(UPLOAD)

    def media_requests(self) -> list[Recorded]:
        return self.requests_to(MEDIA_FILE)

    def created(self, vendor_code: str) -> int | None:
        """The nmID once the card is visible in get/cards/list, else None."""
        with self._lock:
            card = self.cards.get(vendor_code)
            return card["nmID"] if card is not None and card["visible"] else None

    def photos_of(self, vendor_code: str) -> list[str]:
        """sha256 of the card's photos, in photo-number order."""
        with self._lock:
            card = self.cards.get(vendor_code)
            return list(card["photos"]) if card is not None else []

    # -- called from handler threads ------------------------------------------------------------
    def _handle(self, method: str, target: str, headers: dict[str, str], body: bytes) -> _Reply:
        parts = urlsplit(target)
        query = {k: v[-1] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
        request = _Request(parts.path, query, headers, body)
        with self._lock:  # one request at a time: the state is small and the answers are quick
            recorded = Recorded(method, parts.path, headers, body, time.monotonic(), query)
            self.requests.append(recorded)
            bucket = self._buckets[_group(parts.path)]
            route = self._route(method, parts.path)
            if route is None:
                known = parts.path.startswith(CHARCS_PREFIX) or any(p == parts.path for _m, p in self._routes)
                status = 405 if known else 404
                reply = _Reply(status, _gateway_error(status, HTTPStatus(status).phrase.lower(), parts.path))
            elif (refused := self._gate(request, bucket)) is not None:
                reply = refused
            elif failures := self._failures.get(parts.path):
                status = failures.popleft()
                reply = _Reply(status, _gateway_error(status, HTTPStatus(status).phrase.lower(),
                                                      "injected by FakeWB.fail_next"))
            else:
                reply = route(request)
            # Every answer tells the tokens left (a 429 says 0 itself).
            reply.headers.setdefault("X-Ratelimit-Remaining", str(bucket.remaining()))
            recorded.answered.append(reply.status)
            return reply

    def _route(self, method: str, path: str) -> Callable[[_Request], _Reply] | None:
        if method == "GET" and path.startswith(CHARCS_PREFIX):
            return self._charcs
        return self._routes.get((method, path))

    def _gate(self, request: _Request, bucket: _Bucket) -> _Reply | None:
        """What WB's gateway answers before the method runs (None: it passes, having spent a token)."""
        if request.headers.get("authorization", "").removeprefix("Bearer ") != self.token:
            return _Reply(401, _gateway_error(401, "unauthorized", "token problem; token is malformed"))
        if self.forbid_content:
            return _Reply(403, {"data": None, "error": True, "errorText": FORBIDDEN,
                                "additionalErrors": FORBIDDEN})
        if self._throttle:
            retry = self._throttle.popleft()
            return self._too_many(bucket.burst, retry, retry)
        if not bucket.take():
            return self._too_many(bucket.burst, bucket.retry_after(), bucket.reset_after())
        return None

    @staticmethod
    def _too_many(burst: int, retry: float, reset: float) -> _Reply:
        body = _gateway_error(429, "too many requests", f"limited by {uuid.uuid4()}")
        return _Reply(429, body, headers={
            "X-Ratelimit-Remaining": "0", "X-Ratelimit-Retry": _seconds(retry),
            "X-Ratelimit-Limit": str(burst), "X-Ratelimit-Reset": _seconds(reset)})

    # -- catalogue ------------------------------------------------------------------------------
    def _ping(self, _request: _Request) -> _Reply:
        return _Reply(200, {"TS": _now_iso(), "Status": "OK"})

    def _subjects(self, request: _Request) -> _Reply:
        try:
            limit = int(request.query.get("limit") or 30)
            offset = int(request.query.get("offset") or 0)
            parent = int(request.query["parentID"]) if request.query.get("parentID") else None
        except ValueError:
            return _content_error("Некорректные параметры запроса")
        if not 0 < limit <= 1000 or offset < 0:
            return _content_error("Некорректные параметры запроса")
        name = request.query.get("name", "").casefold()
        found = [s for s in self.subjects if name in s["subjectName"].casefold()
                 and (parent is None or s["parentID"] == parent)]
        return _Reply(200, _envelope(copy.deepcopy(found[offset:offset + limit])))

    def _charcs(self, request: _Request) -> _Reply:
        raw = request.path.removeprefix(CHARCS_PREFIX)
        subject = int(raw) if raw.isdigit() else None
        if subject is None or (subject not in self.charcs and self._subject(subject) is None):
            return _content_error("Некорректный ID предмета")
        return _Reply(200, _envelope(copy.deepcopy(self.charcs.get(subject, []))))

    def _subject(self, subject_id: int) -> dict[str, Any] | None:
        return next((s for s in self.subjects if s["subjectID"] == subject_id), None)

    # -- cards ----------------------------------------------------------------------------------
    def _upload(self, request: _Request) -> _Reply:
        if len(request.body) > MAX_UPLOAD_BODY:
            body = _gateway_error(413, "request body too long",
                                  "https://openapi.wildberries.ru/content/api/ru/", timestamp=False)
            return _Reply(413, body)
        try:
            items = json.loads(request.body)
        except ValueError:
            return _content_error(INVALID_FORMAT, {})
        if (problem := self._upload_problem(items)) is not None:
            return problem
        for item in items:
            self._accept_imt(item)
        return _Reply(200, _envelope(None, {}))

    def _upload_problem(self, items: Any) -> _Reply | None:
        """The synchronous checks of cards/upload; the first problem found, as WB answers it."""
        if not isinstance(items, list) or not items:
            return _content_error(INVALID_FORMAT, {})
        if len(items) > MAX_IMTS:
            text = f"В одном запросе можно создать не больше {MAX_IMTS} объединённых карточек товаров"
            return _content_error(text, {"error": text})
        seen: set[str] = set()
        for item in items:
            if not isinstance(item, dict) or not _is_int(item.get("subjectID")) \
                    or not isinstance(item.get("variants"), list) or not item["variants"]:
                return _content_error(INVALID_FORMAT, {})
            if self._subject(item["subjectID"]) is None:
                return _content_error(UNKNOWN_CATEGORY, {"id": str(item["subjectID"])})
            if len(item["variants"]) > MAX_VARIANTS:
                return _content_error(TOO_MANY_VARIANTS, {"error": TOO_MANY_VARIANTS})
            for variant in item["variants"]:
                if not isinstance(variant, dict) or not _variant_shape_ok(variant):
                    return _content_error(INVALID_FORMAT, {})
                code = variant.get("vendorCode")
                if not isinstance(code, str) or not code.strip():
                    return _content_error(NO_VENDOR_CODE, {})
                if len(code) > MAX_VENDOR_CODE:
                    return _content_error(f"Артикул продавца длиннее {MAX_VENDOR_CODE} символов", {})
                if len(variant.get("title", "")) > MAX_TITLE:
                    return _content_error(f"Наименование товара длиннее {MAX_TITLE} символов", {})
                if code in self.cards or code in seen:
                    return _content_error(VENDOR_CODE_USED, {})
                seen.add(code)
        return None

    def _accept_imt(self, item: dict[str, Any]) -> None:
        """Queue one merged card: valid variants become pending cards, refused ones one error batch."""
        subject = self._subject(item["subjectID"])
        assert subject is not None  # checked by _upload_problem
        imt_id, self._next_imt = self._next_imt, self._next_imt + 1
        errors: dict[str, list[str]] = {}
        for variant in item["variants"]:
            code = variant["vendorCode"]
            self._forget_errors(code)  # a re-send replaces what WB said about the earlier one
            if messages := self._async_problems(item["subjectID"], variant):
                errors[code] = messages
            else:
                self._create_pending(subject, imt_id, variant)
        if errors:
            self.error_batches.append({
                "batchUUID": str(uuid.uuid4()),
                "subjects": {c: {"id": subject["subjectID"], "name": subject["subjectName"]} for c in errors},
                "brands": {}, "vendorCodes": list(errors), "errors": errors, "updatedAt": _now_iso()})

    def _forget_errors(self, code: str) -> None:
        for batch in self.error_batches:
            if code in batch["errors"]:
                batch["vendorCodes"].remove(code)
                for key in ("errors", "subjects", "brands"):
                    batch[key].pop(code, None)
        self.error_batches = [b for b in self.error_batches if b["vendorCodes"]]

    def _async_problems(self, subject_id: int, variant: dict[str, Any]) -> list[str]:
        """What WB finds after accepting the request: the test's rejections, then characteristics."""
        code = variant["vendorCode"]
        problems: list[str] = []
        if code in self._rejections:
            messages, times = self._rejections[code]
            problems.extend(messages)
            if times is not None:
                if times <= 1:
                    del self._rejections[code]
                else:
                    self._rejections[code] = (messages, times - 1)
        charcs = {c["charcID"]: c for c in self.charcs.get(subject_id, [])}
        given = {c["id"]: c["value"] for c in variant.get("characteristics", [])}
        for charc_id, value in given.items():
            charc = charcs.get(charc_id)
            if charc is None:
                problems.append(f"Недопустимая характеристика {charc_id} для предмета {subject_id}")
            elif (message := _value_problem(charc, value)) is not None:
                problems.append(message)
        for charc in charcs.values():
            if charc["required"] and charc["charcID"] not in given:
                problems.append(f"Не заполнена обязательная характеристика «{charc['name']}»")
        return problems

    def _create_pending(self, subject: dict[str, Any], imt_id: int, variant: dict[str, Any]) -> None:
        nm_id, self._next_nm = self._next_nm, self._next_nm + 1
        names = {c["charcID"]: c["name"] for c in self.charcs.get(subject["subjectID"], [])}
        sizes = []
        for size in variant.get("sizes") or [{"techSize": "0", "wbSize": ""}]:
            chrt_id, self._next_chrt = self._next_chrt, self._next_chrt + 1
            skus = size.get("skus") or [f"20{chrt_id:011d}"]  # WB makes up a barcode when none is sent
            sizes.append({"chrtID": chrt_id, "techSize": size.get("techSize", "0"),
                          "wbSize": size.get("wbSize", ""), "skus": list(skus)})
        dimensions = {k: variant.get("dimensions", {}).get(k, 0)
                      for k in ("length", "width", "height", "weightBrutto")}
        now = _now_iso()
        self.cards[variant["vendorCode"]] = {
            "nmID": nm_id, "imtID": imt_id, "nmUUID": str(uuid.uuid4()),
            "subjectID": subject["subjectID"], "subjectName": subject["subjectName"],
            "vendorCode": variant["vendorCode"], "brand": variant.get("brand", ""),
            "title": variant.get("title", ""), "description": variant.get("description", ""),
            "wholesale": variant.get("wholesale", {"enabled": False, "quantum": 0}),
            "dimensions": dimensions,
            "characteristics": [{"id": c["id"], "name": names[c["id"]], "value": c["value"]}
                                for c in variant.get("characteristics", [])],
            "sizes": sizes, "photos": [], "createdAt": now, "updatedAt": now,
            "visible": False, "polls_left": self.polls_until_created,
        }
        self._by_nm[nm_id] = variant["vendorCode"]

    def _update(self, request: _Request) -> _Reply:
        """cards/update: the whole card is overwritten (the docs: send what is not changing too);
        ``nmID``, ``vendorCode`` and ``sizes`` are required, existing sizes by their ``chrtID``."""
        items = _json_list(request.body)
        if not items:
            return _content_error(INVALID_FORMAT, {})
        for item in items:
            if not isinstance(item, dict) or not _is_int(item.get("nmID")) \
                    or not isinstance(item.get("sizes"), list) or not isinstance(item.get("vendorCode"), str):
                return _content_error(INVALID_FORMAT, {})
            code = self._by_nm.get(item["nmID"])
            if code is None or not self.cards[code]["visible"]:
                return _content_error(f"Карточка товара {item['nmID']} не найдена", {})
            known = {s["chrtID"] for s in self.cards[code]["sizes"]}
            sizes = [s for s in item["sizes"] if isinstance(s, dict)]
            if not sizes or any(s.get("chrtID") not in known for s in sizes):
                return _content_error("Для существующих размеров нужен chrtID", {})
        self.updates.extend(items)
        for item in items:
            card = self.cards[self._by_nm[item["nmID"]]]
            self._forget_errors(card["vendorCode"])
            if problems := self._async_problems(card["subjectID"], item):
                self.error_batches.append({
                    "batchUUID": str(uuid.uuid4()), "subjects": {}, "brands": {},
                    "vendorCodes": [card["vendorCode"]], "errors": {card["vendorCode"]: problems},
                    "updatedAt": _now_iso()})
                continue
            names = {c["charcID"]: c["name"] for c in self.charcs.get(card["subjectID"], [])}
            card.update(title=item.get("title", ""), description=item.get("description", ""),
                        brand=item.get("brand", ""), updatedAt=_now_iso(),
                        characteristics=[{"id": c["id"], "name": names.get(c["id"], ""), "value": c["value"]}
                                         for c in item.get("characteristics", [])])
            if isinstance(item.get("dimensions"), dict):
                card["dimensions"] = dict(item["dimensions"])
        return _Reply(200, _envelope(None, {}))

    def _cards_list(self, request: _Request) -> _Reply:
        settings = _section(_json_object(request.body), "settings")
        cursor, flt, sort = (_section(settings, key) for key in ("cursor", "filter", "sort"))
        if cursor is None or flt is None or sort is None:
            return _Reply(400, text=UNDECODABLE)
        ascending = bool(sort.get("ascending", False))
        limit = cursor.get("limit", 100)
        if not _is_int(limit) or not 0 < limit <= 100:
            return _content_error("Некорректный лимит: от 1 до 100")
        text = str(flt.get("textSearch", "")).strip()
        self._poll(text)
        with_photo = flt.get("withPhoto", 0)  # the spec's default: only cards WITHOUT photos
        found = [c for c in self.cards.values() if c["visible"] and _matches(c, flt, text, with_photo)]
        found.sort(key=lambda c: (c["updatedAt"], c["nmID"]), reverse=not ascending)
        if cursor.get("nmID") and cursor.get("updatedAt"):
            mark = (cursor["updatedAt"], cursor["nmID"])
            found = [c for c in found if ((c["updatedAt"], c["nmID"]) > mark) == ascending
                     and (c["updatedAt"], c["nmID"]) != mark]
        page = found[:limit]
        out_cursor = {"updatedAt": page[-1]["updatedAt"] if page else "",
                      "nmID": page[-1]["nmID"] if page else 0, "total": len(page)}
        return _Reply(200, {"cards": [self._card_view(c) for c in page], "cursor": out_cursor})

    def _poll(self, text: str) -> None:
        """A look at the card list brings pending cards one step closer to created: the cards a
        search names, or all of them when the whole list is read (WB finishes them meanwhile)."""
        for card in self.cards.values():
            if not card["visible"] and (not text or text in (card["vendorCode"], str(card["nmID"]))):
                if card["polls_left"] > 0:
                    card["polls_left"] -= 1
                else:
                    card["visible"] = True

    def _card_view(self, card: dict[str, Any]) -> dict[str, Any]:
        view = {k: copy.deepcopy(v) for k, v in card.items() if k not in ("visible", "polls_left", "photos")}
        view["needKiz"] = False
        view["photos"] = [_photo_urls(card["nmID"], n) for n in range(1, len(card["photos"]) + 1)]
        view["dimensions"]["isValid"] = all(view["dimensions"].values())
        view["tags"] = []
        return view

    def _error_list(self, request: _Request) -> _Reply:
        payload = _json_object(request.body or b"{}")
        cursor, order = _section(payload, "cursor"), _section(payload, "order")
        if cursor is None or order is None:
            return _content_error(INVALID_FORMAT)
        ascending = bool(order.get("ascending", True))
        limit = cursor.get("limit", 100)
        if not _is_int(limit) or not 0 < limit <= 100:
            return _content_error("Некорректный лимит: от 1 до 100")
        batches = self.error_batches if ascending else self.error_batches[::-1]
        after = next((i for i, b in enumerate(batches) if b["batchUUID"] == cursor.get("batchUUID")), None)
        if after is not None:
            batches = batches[after + 1:]
        elif cursor.get("updatedAt"):  # that batch is gone (its cards were re-sent): go by the time
            batches = [b for b in batches if (b["updatedAt"] > cursor["updatedAt"]) == ascending
                       and b["updatedAt"] != cursor["updatedAt"]]
        page = batches[:limit]
        items = [{k: copy.deepcopy(v) for k, v in b.items() if k != "updatedAt"} for b in page]
        out_cursor = {"next": len(batches) > limit,
                      "updatedAt": page[-1]["updatedAt"] if page else cursor.get("updatedAt", ""),
                      "batchUUID": page[-1]["batchUUID"] if page else cursor.get("batchUUID", "")}
        return _Reply(200, _envelope({"items": items, "cursor": out_cursor}))

    # -- media ----------------------------------------------------------------------------------
    def _media_file(self, request: _Request) -> _Reply:
        fields = _multipart(request.headers.get("content-type", ""), request.body)
        if fields is None:
            return _Reply(400, text=BAD_BOUNDARY)
        nm_raw, number_raw = request.headers.get("x-nm-id", ""), request.headers.get("x-photo-number", "")
        if not nm_raw.strip().isdigit():
            return _media_error("Некорректный заголовок X-Nm-Id")
        code = self._by_nm.get(int(nm_raw))
        card = self.cards.get(code) if code is not None else None
        if card is None or not card["visible"]:
            return _media_error(f"Карточка товара с артикулом WB {nm_raw.strip()} не найдена")
        if not number_raw.strip().isdigit() or int(number_raw) < 1:
            return _media_error("Некорректный заголовок X-Photo-Number: целое число от 1")
        number, photos = int(number_raw), card["photos"]
        if number > len(photos) + 1:
            return _media_error(f"Номер медиафайла {number} больше, чем загружено медиафайлов + 1")
        if number > MAX_PHOTOS:
            return _media_error(f"Больше {MAX_PHOTOS} изображений в карточке товара нельзя")
        if "uploadfile" not in fields:
            return _media_error("Нет файла в поле uploadfile")
        data = fields["uploadfile"]
        if len(data) > MAX_PHOTO_BYTES:
            return _media_error("Размер файла больше 32 Мб")
        if (problem := _image_problem(data)) is not None:
            return _media_error(problem)
        digest = hashlib.sha256(data).hexdigest()
        if number <= len(photos):
            photos[number - 1] = digest  # the same number replaces that photo
        else:
            photos.append(digest)
        card["updatedAt"] = _now_iso()
        return _Reply(200, _envelope({}))


def _json_list(body: bytes) -> list[Any]:
    try:
        value = json.loads(body)
    except ValueError:
        return []
    return value if isinstance(value, list) else []


def _json_object(body: bytes) -> dict[str, Any] | None:
    try:
        value = json.loads(body)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def _section(obj: dict[str, Any] | None, key: str) -> dict[str, Any] | None:
    """``obj[key]`` when it is an object or absent ({}); None when obj or it is not an object."""
    value = {} if obj is None else obj.get(key, {})
    return value if obj is not None and isinstance(value, dict) else None


def _group(path: str) -> str:
    return {UPLOAD: "upload", UPDATE: "update", ERROR_LIST: "errors"}.get(path, "content")


def _media_error(text: str) -> _Reply:
    return _Reply(400, {"additionalErrors": None, "data": None, "error": True, "errorText": text})


def _variant_shape_ok(variant: dict[str, Any]) -> bool:
    """Types the spec fixes for one variant (a wrong one makes WB refuse the request as malformed)."""
    for key in ("title", "description", "brand"):
        if key in variant and not isinstance(variant[key], str):
            return False
    dimensions = variant.get("dimensions", {})
    if not isinstance(dimensions, dict) or not all(
            _is_int(dimensions[k]) for k in ("length", "width", "height") if k in dimensions):
        return False
    if "weightBrutto" in dimensions and not _is_number(dimensions["weightBrutto"]):
        return False
    charcs = variant.get("characteristics", [])
    if not isinstance(charcs, list) or not all(
            isinstance(c, dict) and _is_int(c.get("id")) and "value" in c for c in charcs):
        return False
    sizes = variant.get("sizes", [])
    return isinstance(sizes, list) and all(
        isinstance(s, dict) and isinstance(s.get("skus", []), list) and _is_int(s.get("price", 0))
        for s in sizes)


def _value_problem(charc: dict[str, Any], value: Any) -> str | None:
    """charcType 1 wants a list of strings (at most maxCount unless 0), 4 a single number."""
    name = charc["name"]
    if charc["charcType"] == 4:
        return None if _is_number(value) else f"Значение характеристики «{name}» должно быть числом"
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        return f"Значение характеристики «{name}» должно быть массивом строк"
    if charc["maxCount"] and len(value) > charc["maxCount"]:
        return f"У характеристики «{name}» не больше {charc['maxCount']} значений"
    return None


def _matches(card: dict[str, Any], flt: dict[str, Any], text: str, with_photo: Any) -> bool:
    if text and text not in (card["vendorCode"], str(card["nmID"])):
        return False
    if with_photo == 0 and card["photos"] or with_photo == 1 and not card["photos"]:
        return False
    if flt.get("objectIDs") and card["subjectID"] not in flt["objectIDs"]:
        return False
    if flt.get("brands") and card["brand"] not in flt["brands"]:
        return False
    return not flt.get("imtID") or card["imtID"] == flt["imtID"]


def _image_problem(data: bytes) -> str | None:
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.load()  # decode it all: a truncated file fails here, not later at WB
            fmt, (width, height) = image.format, image.size
            frames = getattr(image, "n_frames", 1)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        return "Файл не является изображением"
    if fmt not in PHOTO_FORMATS or frames > 1:
        return "Формат не поддерживается: JPG, PNG, BMP, GIF (статичные), WebP"
    if width < MIN_PHOTO_SIZE[0] or height < MIN_PHOTO_SIZE[1]:
        return f"Разрешение {width}x{height} меньше минимального 700x900"
    return None


def _multipart(content_type: str, body: bytes) -> dict[str, bytes] | None:
    """Form fields by name; None when the body is not multipart with the boundary it declares."""
    head = f"Content-Type: {content_type}\r\n\r\n".encode()
    message = BytesParser(policy=policy.HTTP).parsebytes(head + body)
    boundary = message.get_boundary() if message.get_content_type() == "multipart/form-data" else None
    if not boundary or f"--{boundary}".encode() not in body:
        return None
    fields: dict[str, bytes] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if isinstance(name, str):
            fields[name] = part.get_payload(decode=True) or b""
    return fields


class _Handler(TrackedHandler):
    disable_nagle_algorithm = True  # headers and body go out in two writes: no 40 ms delayed-ACK stall

    def do_GET(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    def _serve(self) -> None:
        headers = {k.lower(): v for k, v in self.headers.items()}
        reply = self.fake._handle(self.command, self.path, headers, self._read_body(headers))
        if reply.text is not None:
            data, kind = reply.text.encode(), "text/plain; charset=utf-8"
        else:
            data, kind = json.dumps(reply.payload, ensure_ascii=False).encode(), "application/json"
        try:
            self.send_response(reply.status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(data)))
            for name, value in reply.headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)
        except OSError:
            self.close_connection = True  # the client gave up: nothing to answer

    def _read_body(self, headers: dict[str, str]) -> bytes:
        if "chunked" not in headers.get("transfer-encoding", "").lower():
            return self.rfile.read(int(headers.get("content-length") or 0))
        chunks = []  # a streamed upload (httpx sends one when it cannot tell the size up front)
        while size := int(self.rfile.readline().split(b";")[0].strip() or b"0", 16):
            chunks.append(self.rfile.read(size))
            self.rfile.readline()
        while self.rfile.readline().strip():  # trailers up to the empty line
            pass
        return b"".join(chunks)
