"""The loopback Wildberries fake (tests/fake_wb.py) itself: it must answer as WB's spec says, or tests
of the publishing client against it prove nothing."""

from __future__ import annotations

import hashlib
import io
import time
from collections.abc import Iterator
from functools import cache
from typing import Any

import httpx
import pytest
from PIL import Image

from tests.fake_wb import (
    CARDS_LIST,
    ERROR_LIST,
    MEDIA_FILE,
    NO_VENDOR_CODE,
    UPLOAD,
    VENDOR_CODE_USED,
    FakeWB,
)

TOKEN = "test-token"
MUG_CHARCS = [{"id": 14177449, "value": ["красный"]}, {"id": 17596, "value": ["керамика"]},
              {"id": 17462, "value": 350}]


@cache
def image(width: int = 900, height: int = 1200, fmt: str = "JPEG", color: str = "red") -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (width, height), color).save(buf, fmt)
    return buf.getvalue()


def mug(vendor_code: str, **changes: Any) -> dict[str, Any]:
    variant = {"vendorCode": vendor_code, "title": "Кружка керамическая красная", "brand": "Витрина",
               "description": "Красная кружка, 350 мл.", "characteristics": MUG_CHARCS,
               "dimensions": {"length": 12, "width": 9, "height": 10, "weightBrutto": 0.4},
               "sizes": [{"techSize": "0", "wbSize": "", "price": 990, "skus": ["2000000000011"]}]}
    return {**variant, **changes}


@pytest.fixture
def wb() -> Iterator[FakeWB]:
    with FakeWB(time_scale=0) as fake:  # no rate limit unless a test asks for one
        yield fake


@pytest.fixture
def http(wb: FakeWB) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=wb.url, headers={"Authorization": TOKEN}, timeout=5) as client:
        yield client


def search(http: httpx.Client, text: str, with_photo: int = -1) -> list[dict[str, Any]]:
    body = {"settings": {"cursor": {"limit": 100}, "filter": {"textSearch": text, "withPhoto": with_photo}}}
    response = http.post(CARDS_LIST, json=body)
    assert response.status_code == 200, response.text
    return response.json()["cards"]


def upload_visible(http: httpx.Client, wb: FakeWB, vendor_code: str) -> int:
    """Upload one mug and poll until it is created; its nmID."""
    assert http.post(UPLOAD, json=[{"subjectID": 2956, "variants": [mug(vendor_code)]}]).status_code == 200
    for _ in range(wb.polls_until_created + 1):
        search(http, vendor_code)
    nm_id = wb.created(vendor_code)
    assert nm_id is not None
    return nm_id


def post_photo(http: httpx.Client, nm_id: int | str, number: int | str, data: bytes) -> httpx.Response:
    headers = {"X-Nm-Id": str(nm_id), "X-Photo-Number": str(number)}
    return http.post(MEDIA_FILE, headers=headers, files={"uploadfile": ("photo.jpg", data, "image/jpeg")})


def errors(http: httpx.Client, **cursor: Any) -> dict[str, Any]:
    response = http.post(ERROR_LIST, json={"cursor": {"limit": 100, **cursor}, "order": {"ascending": True}})
    assert response.status_code == 200, response.text
    return response.json()


def test_every_request_needs_the_token(wb: FakeWB) -> None:
    with httpx.Client(base_url=wb.url) as client:
        response = client.get("/ping")
        assert response.status_code == 401
        body = response.json()
        assert body["title"] == "unauthorized" and body["status"] == 401
        assert body["statusText"] == "Unauthorized"
        assert {"detail", "code", "requestId", "origin", "timestamp"} <= body.keys()
        assert client.get("/ping", headers={"Authorization": "wrong"}).status_code == 401
        for auth in (TOKEN, f"Bearer {TOKEN}"):
            ok = client.get("/ping", headers={"Authorization": auth})
            assert ok.status_code == 200 and ok.json()["Status"] == "OK" and ok.json()["TS"]
    assert [r.path for r in wb.requests_to("/ping")] == ["/ping"] * 4


def test_forbidden_token_gets_403_everywhere(wb: FakeWB, http: httpx.Client) -> None:
    wb.forbid_content = True
    for response in (http.get("/content/v2/object/all"), http.post(UPLOAD, json=[])):
        assert response.status_code == 403
        assert response.json() == {"data": None, "error": True, "errorText": "Доступ запрещен",
                                   "additionalErrors": "Доступ запрещен"}


def test_subject_search_is_a_case_insensitive_substring(http: httpx.Client) -> None:
    found = http.get("/content/v2/object/all", params={"name": "КРУЖК"}).json()
    assert found["error"] is False and found["errorText"] == "" and found["additionalErrors"] is None
    assert [s["subjectID"] for s in found["data"]] == [2956, 2957]
    assert found["data"][0] == {"subjectID": 2956, "parentID": 1234, "subjectName": "Кружки",
                                "parentName": "Посуда и инвентарь"}
    page = http.get("/content/v2/object/all", params={"name": "кружк", "limit": 1, "offset": 1}).json()
    assert [s["subjectID"] for s in page["data"]] == [2957]
    assert len(http.get("/content/v2/object/all").json()["data"]) == 5
    assert http.get("/content/v2/object/all", params={"limit": 1001}).status_code == 400


def test_charcs_of_a_subject_and_unknown_subject(http: httpx.Client) -> None:
    charcs = http.get("/content/v2/object/charcs/2956").json()["data"]
    colour = next(c for c in charcs if c["name"] == "Цвет")
    assert colour == {"charcID": 14177449, "subjectName": "Кружки", "subjectID": 2956, "name": "Цвет",
                      "required": True, "unitName": "", "maxCount": 3, "popular": True, "charcType": 1}
    volume = next(c for c in charcs if c["charcID"] == 17462)
    assert (volume["charcType"], volume["unitName"], volume["required"]) == (4, "мл", False)
    unknown = http.get("/content/v2/object/charcs/999")
    assert unknown.status_code == 400
    assert unknown.json()["error"] is True and unknown.json()["data"] is None


def test_directories(http: httpx.Client) -> None:
    colors = http.get("/content/v2/directory/colors").json()["data"]
    assert {"name": "персиковый мелок", "parentName": "оранжевый"} in colors
    countries = http.get("/content/v2/directory/countries").json()["data"]
    assert {"name": "Китай", "fullName": "Китайская Народная Республика"} in countries
    assert "Женский" in http.get("/content/v2/directory/kinds").json()["data"]
    assert "демисезон" in http.get("/content/v2/directory/seasons").json()["data"]


def test_uploaded_card_shows_up_only_after_polls(wb: FakeWB, http: httpx.Client) -> None:
    response = http.post(UPLOAD, json=[{"subjectID": 2956, "variants": [mug("MUG-1")]}])
    assert response.status_code == 200
    assert response.json() == {"data": None, "error": False, "errorText": "", "additionalErrors": {}}
    assert wb.cards["MUG-1"]["nmID"] == 100000001 and wb.created("MUG-1") is None
    assert search(http, "MUG-1") == [] and search(http, "MUG-1") == []  # polls_until_created=2
    [card] = search(http, "MUG-1")
    assert wb.created("MUG-1") == card["nmID"] == 100000001
    assert card["subjectID"] == 2956 and card["subjectName"] == "Кружки" and card["brand"] == "Витрина"
    assert {"imtID", "nmUUID", "title", "description", "photos", "sizes", "createdAt", "updatedAt"} \
        <= card.keys()
    assert card["characteristics"][0] == {"id": 14177449, "name": "Цвет", "value": ["красный"]}
    assert card["dimensions"] == {"length": 12, "width": 9, "height": 10, "weightBrutto": 0.4,
                                  "isValid": True}
    assert card["sizes"][0]["skus"] == ["2000000000011"] and "chrtID" in card["sizes"][0]
    assert search(http, str(card["nmID"])) == [card]
    listing = {"settings": {"cursor": {"limit": 10}, "filter": {"withPhoto": -1}}}
    body = http.post(CARDS_LIST, json=listing).json()
    assert body["cursor"] == {"updatedAt": card["updatedAt"], "nmID": card["nmID"], "total": 1}


@pytest.mark.parametrize(
    ("body", "text"),
    [
        ({"subjectID": 2956, "variants": [mug("A")]}, "Invalid request format"),
        ([{"variants": [mug("A")]}], "Invalid request format"),
        ([{"subjectID": 2956}], "Invalid request format"),
        ([{"subjectID": 2956, "variants": [{"title": "Кружка"}]}], NO_VENDOR_CODE),
        ([{"subjectID": 2956, "variants": [mug("A", title="К" * 61)]}], None),
        ([{"subjectID": 2956, "variants": [mug(f"A{i}")]} for i in range(101)], None),
        ([{"subjectID": 777, "variants": [mug("A")]}], "This category does not exist"),
    ],
    ids=["not-an-array", "no-subject", "no-variants", "no-vendor-code", "long-title", "101-items",
         "unknown-subject"],
)
def test_malformed_upload_is_refused_at_once(
    wb: FakeWB, http: httpx.Client, body: Any, text: str | None
) -> None:
    response = http.post(UPLOAD, json=body)
    assert response.status_code == 400
    answer = response.json()
    assert answer["data"] is None and answer["error"] is True and answer["errorText"]
    assert text is None or answer["errorText"] == text
    assert wb.cards == {}


def test_duplicate_vendor_code_is_refused(wb: FakeWB, http: httpx.Client) -> None:
    assert http.post(UPLOAD, json=[{"subjectID": 2956, "variants": [mug("MUG-1")]}]).status_code == 200
    again = http.post(UPLOAD, json=[{"subjectID": 2956, "variants": [mug("MUG-1")]}])  # still pending
    assert again.status_code == 400
    assert again.json() == {"data": None, "error": True, "errorText": VENDOR_CODE_USED,
                            "additionalErrors": {}}
    twice = http.post(UPLOAD, json=[{"subjectID": 2956, "variants": [mug("MUG-2"), mug("MUG-2")]}])
    assert twice.status_code == 400 and "MUG-2" not in wb.cards


def test_refused_cards_land_in_the_error_list(wb: FakeWB, http: httpx.Client) -> None:
    emoji = "Поле Наименование не должно содержать запрещенные символы: 😈"
    wb.reject_vendor("MUG-BAD", [emoji])
    bad_charc = mug("MUG-CHARC", characteristics=[*MUG_CHARCS, {"id": 1, "value": ["x"]}])
    no_colour = mug("MUG-NOCOLOUR", characteristics=MUG_CHARCS[1:])
    body = [{"subjectID": 2956, "variants": [mug("MUG-OK"), mug("MUG-BAD")]},
            {"subjectID": 2956, "variants": [bad_charc, no_colour]}]
    assert http.post(UPLOAD, json=body).status_code == 200
    assert set(wb.cards) == {"MUG-OK"}  # only the valid card is created
    listing = errors(http)
    assert listing["error"] is False and listing["errorText"] == "" and listing["additionalErrors"] is None
    first, second = listing["data"]["items"]  # one batch per merged card of the request
    assert first.keys() == {"batchUUID", "subjects", "brands", "vendorCodes", "errors"}
    assert first["vendorCodes"] == ["MUG-BAD"] and first["errors"] == {"MUG-BAD": [emoji]}
    assert first["subjects"] == {"MUG-BAD": {"id": 2956, "name": "Кружки"}} and first["brands"] == {}
    assert second["vendorCodes"] == ["MUG-CHARC", "MUG-NOCOLOUR"]
    assert "Недопустимая характеристика" in second["errors"]["MUG-CHARC"][0]
    assert "Цвет" in second["errors"]["MUG-NOCOLOUR"][0]
    assert listing["data"]["cursor"]["next"] is False
    assert listing["data"]["cursor"]["batchUUID"] == second["batchUUID"]
    # A corrected re-send takes the card off the list; the rejection still holds for MUG-BAD.
    fixed = [{"subjectID": 2956, "variants": [mug("MUG-CHARC"), mug("MUG-NOCOLOUR")]}]
    assert http.post(UPLOAD, json=fixed).status_code == 200
    assert [item["vendorCodes"] for item in errors(http)["data"]["items"]] == [["MUG-BAD"]]
    for _ in range(3):
        assert search(http, "MUG-BAD") == []


def test_error_list_pages_by_cursor_limit(wb: FakeWB, http: httpx.Client) -> None:
    for code in ("E1", "E2", "E3"):
        wb.reject_vendor(code, ["Запрещено использовать E-Mail в поле Описание"], times=1)
    body = [{"subjectID": 2956, "variants": [mug(code)]} for code in ("E1", "E2", "E3")]
    assert http.post(UPLOAD, json=body).status_code == 200
    page = errors(http, limit=2)["data"]
    assert [i["vendorCodes"] for i in page["items"]] == [["E1"], ["E2"]] and page["cursor"]["next"] is True
    rest = errors(http, limit=2, batchUUID=page["cursor"]["batchUUID"],
                  updatedAt=page["cursor"]["updatedAt"])["data"]
    assert [i["vendorCodes"] for i in rest["items"]] == [["E3"]] and rest["cursor"]["next"] is False
    # times=1: the same card sent again is accepted.
    assert http.post(UPLOAD, json=body[:1]).status_code == 200 and "E1" in wb.cards


def test_media_upload_checks_and_order(wb: FakeWB, http: httpx.Client) -> None:
    nm_id = upload_visible(http, wb, "MUG-1")
    red, white, blue = image(), image(color="white"), image(1000, 1000, "PNG", "blue")
    ok = post_photo(http, nm_id, 1, red)
    assert ok.status_code == 200
    assert ok.json() == {"data": {}, "error": False, "errorText": "", "additionalErrors": None}
    assert post_photo(http, nm_id, 2, white).status_code == 200
    assert post_photo(http, nm_id, 1, blue).status_code == 200  # the same number replaces photo 1
    sha = [hashlib.sha256(data).hexdigest() for data in (blue, white)]
    assert wb.photos_of("MUG-1") == sha
    refused = {
        "unknown nmID": post_photo(http, 42, 1, red),
        "bad nmID": post_photo(http, "abc", 1, red),
        "number 0": post_photo(http, nm_id, 0, red),
        "gap": post_photo(http, nm_id, 4, red),
        "small": post_photo(http, nm_id, 3, image(699, 1200)),
        "not an image": post_photo(http, nm_id, 3, b"not an image at all"),
        "no header": http.post(MEDIA_FILE, files={"uploadfile": ("p.jpg", red, "image/jpeg")}),
        "no file": http.post(MEDIA_FILE, headers={"X-Nm-Id": str(nm_id), "X-Photo-Number": "3"},
                             files={"other": ("p.jpg", red, "image/jpeg")}),
    }
    for why, response in refused.items():
        assert response.status_code == 400, why
        body = response.json()
        assert body["error"] is True and body["data"] is None and body["additionalErrors"] is None, why
        assert body["errorText"], why
    boundary = http.post(MEDIA_FILE, headers={"X-Nm-Id": str(nm_id), "X-Photo-Number": "3",
                                              "Content-Type": "multipart/form-data"}, content=red)
    assert boundary.status_code == 400 and boundary.headers["content-type"].startswith("text/plain")
    assert boundary.text == "Invalid 'boundary' for 'multipart/form-data' request"
    assert wb.photos_of("MUG-1") == sha
    assert len(wb.media_requests()) == 3 + len(refused) + 1
    [card] = search(http, "MUG-1")
    assert [p["big"].rsplit("/", 1)[-1] for p in card["photos"]] == ["1.webp", "2.webp"]
    assert search(http, "MUG-1", with_photo=0) == []  # the spec's default filter: cards without photos


def test_thirty_photos_at_most(wb: FakeWB, http: httpx.Client) -> None:
    nm_id = upload_visible(http, wb, "MUG-1")
    wb.cards["MUG-1"]["photos"] = ["0" * 64] * 30
    assert post_photo(http, nm_id, 31, image()).status_code == 400
    assert post_photo(http, nm_id, 30, image()).status_code == 200


def test_rate_limit_answers_429_once_the_burst_is_spent() -> None:
    with FakeWB(time_scale=0.05) as wb, \
            httpx.Client(base_url=wb.url, headers={"Authorization": TOKEN}) as http:
        left = [http.post(ERROR_LIST, json={}).headers["X-Ratelimit-Remaining"] for _ in range(5)]
        assert left == ["4", "3", "2", "1", "0"]
        limited = http.post(ERROR_LIST, json={})
        assert limited.status_code == 429
        body = limited.json()
        assert body["title"] == "too many requests" and body["status"] == 429
        assert body["statusText"] == "Too Many Requests" and {"detail", "code", "requestId"} <= body.keys()
        retry = float(limited.headers["X-Ratelimit-Retry"])
        assert 0 < retry <= 0.3  # 6 s a token, scaled by 0.05
        assert limited.headers["X-Ratelimit-Limit"] == "5"
        assert retry <= float(limited.headers["X-Ratelimit-Reset"]) <= 1.5
        assert http.get("/ping").status_code == 200  # other methods have their own bucket
        time.sleep(retry)
        assert http.post(ERROR_LIST, json={}).status_code == 200


def test_throttle_next_and_fail_next(wb: FakeWB, http: httpx.Client) -> None:
    wb.throttle_next(2, retry=0.05)
    first, second = http.get("/ping"), http.get("/ping")
    assert first.status_code == second.status_code == 429
    assert first.headers["X-Ratelimit-Retry"] == "0.05" and first.headers["X-Ratelimit-Remaining"] == "0"
    assert http.get("/ping").status_code == 200
    wb.fail_next(UPLOAD, status=503)
    body = [{"subjectID": 2956, "variants": [mug("MUG-1")]}]
    assert http.post(UPLOAD, json=body).status_code == 503 and wb.cards == {}
    assert http.post(UPLOAD, json=body).status_code == 200
    assert len(wb.upload_requests()) == 2 and wb.upload_requests()[1].json() == body
