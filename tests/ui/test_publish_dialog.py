"""File → Publish to Wildberries… against the loopback fake of the content API: the approved products
become cards with their photos, Check only sends nothing, Cancel then Publish again finishes without
a second card, and the token lives in the keyring only (Settings → Wildberries)."""

from __future__ import annotations

import hashlib
import json
import os
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import QThreadPool

from app.cardtext.card import Card
from app.publish.wb import api, flow
from app.publish.wb import token as wb_token
from app.studio import APPROVED, set_card, set_flag, set_marketplace
from app.studio.publish import StudioPublishResult
from tests.fake_wb import FakeWB
from tests.ui.shoot import LOOSE, PRODUCT
from tests.ui.test_main_window import run_task
from ui.main_window import MainWindow
from ui.publish_dialog import PublishDialog
from ui.publish_done import PublishDone
from ui.settings_dialog import SettingsDialog

LISTING = {"subject_id": 2956, "subject_name": "Кружки", "brand": "Витрина",
           "dimensions": {"length": 12, "width": 9, "height": 10, "weight": 0.4},
           "characteristics": {"14177449": ["красный"], "17596": ["керамика"]}}
MUG_CODE, BALL_CODE = "mug-350", "ball-green"


@pytest.fixture
def wb(monkeypatch: pytest.MonkeyPatch):
    with FakeWB(time_scale=0.01, polls_until_created=2) as fake:
        monkeypatch.setenv(api.URL_ENV, fake.url)
        monkeypatch.delenv(wb_token.ENV_VAR, raising=False)  # the token comes from the keyring here
        monkeypatch.setattr(api, "LIMITS", {k: (i / 100, b) for k, (i, b) in api.LIMITS.items()})
        monkeypatch.setattr(flow, "POLL_INTERVAL", 0.02)
        yield fake
        # The Card text tab asks WB too (a category's characteristics, once a token is there): those
        # answers come before the fake stops, or their retries would outlast the test.
        QThreadPool.globalInstance().waitForDone(10_000)


@pytest.fixture
def listed(window: MainWindow, processed: Path, tmp_path: Path) -> Path:
    """The processed shoot on the WB canvas with card text and listings; the mug approved, the ball
    not looked at. Returns the export folder (none exported yet)."""
    project = window.project
    keys = [p.key for p in project.products]
    set_marketplace(project, keys, "wb")
    set_card(project, PRODUCT, Card(title="Кружка керамическая красная 350 мл", description="Кружка."))
    set_card(project, LOOSE, Card(title="Мяч резиновый зелёный", description="Мяч."))
    project.product(PRODUCT).wb = dict(LISTING, vendor_code=MUG_CODE)
    project.product(LOOSE).wb = dict(LISTING, vendor_code=BALL_CODE)
    set_flag(project, next(p for p in project.products if p.key == PRODUCT).photos, APPROVED)
    project.save()
    return tmp_path / "cards"


@pytest.fixture
def token(keyring_store, wb: FakeWB) -> str:
    keyring_store[(wb_token.SERVICE, wb_token.USERNAME)] = wb.token
    return wb.token


def _open(window: MainWindow, folder: Path) -> PublishDialog:
    window.acts.publish.trigger()
    dialog = window.dialog
    assert isinstance(dialog, PublishDialog) and dialog.isVisible()
    dialog.folder.setText(str(folder))
    return dialog


def _digests(bundle: Path) -> list[str]:
    card = json.loads((bundle / "card.json").read_text("utf-8"))
    return [hashlib.sha256((bundle / f["image"]).read_bytes()).hexdigest() for f in card["files"]]


def test_the_approved_products_are_published_with_their_photos(qtbot, window, listed, wb, token) -> None:
    menu = window.menuBar().actions()[0].menu()
    actions = [a for a in menu.actions() if not a.isSeparator()]
    assert actions.index(window.acts.publish) == actions.index(window.acts.export_as) + 1
    assert window.acts.publish.isEnabled()
    dialog = _open(window, listed)
    approved = dialog.scope_buttons["approved"]
    assert approved.isChecked() and "(1)" in approved.text()
    assert dialog.publish_button.isEnabled() and not dialog.token_state.isVisible()
    result = run_task(qtbot, window, lambda: dialog.publish_button.click() or True)
    assert isinstance(result, StudioPublishResult)
    assert [(o.bundle, o.status) for o in result.outcomes] == [("Кружка", flow.PUBLISHED)]
    assert wb.created(MUG_CODE) is not None and wb.created(BALL_CODE) is None
    assert wb.photos_of(MUG_CODE) == _digests(listed / "Кружка")
    box = window.publish_box
    assert isinstance(box, PublishDone) and box.isVisible()
    assert box.status_of("Кружка") == "Published"
    assert str(wb.created(MUG_CODE)) in [box.table.item(0, c).text() for c in range(5)]
    assert "Published 1" in window.statusBar().currentMessage()
    assert window.project.state.export.folder == str(listed)  # Export now updates these bundles
    box.close()


def test_check_only_sends_nothing_and_says_what_blocks(qtbot, window, listed, wb, token) -> None:
    set_card(window.project, LOOSE, Card(title="Мяч " * 20, description=""))  # over WB's 60 characters
    window.gallery.select([LOOSE, f"{PRODUCT}/1.png"])
    dialog = _open(window, listed)
    dialog.scope_buttons["selected"].setChecked(True)
    result = run_task(qtbot, window, lambda: dialog.check_button.click() or True)
    assert {o.bundle: o.status for o in result.outcomes} == {"Кружка": flow.PLANNED, "ball": flow.BLOCKED}
    assert not [r for r in wb.requests if r.method == "POST"]
    box = window.publish_box
    assert box.status_of("ball").startswith("Blocked")
    assert "at most 60" in box.problems_of("ball")
    assert box.status_of("Кружка") == "Ready to send"
    assert "nothing was sent" in box.summary.text()
    box.close()


def test_cancel_mid_run_then_publish_again_makes_no_second_card(qtbot, window, listed, wb, token,
                                                                 monkeypatch) -> None:
    real = api.WBClient.upload_photo
    uploading, go_on = threading.Event(), threading.Event()

    def held(self, *args, **kwargs):  # the first photo is on its way when the user presses Cancel
        uploading.set()
        go_on.wait(10)
        return real(self, *args, **kwargs)

    monkeypatch.setattr(api.WBClient, "upload_photo", held)
    dialog = _open(window, listed)
    with qtbot.waitSignal(window.runner.finished, timeout=60_000) as finished:
        dialog.publish_button.click()
        qtbot.waitUntil(uploading.is_set, timeout=30_000)
        assert window.progress.isVisible() and "Publishing" in window.progress._title.text()
        window.progress.cancel_button.click()
        go_on.set()
    stopped = finished.args[1]
    assert stopped.cancelled and "Stopped" in window.publish_box.summary.text()
    assert len(wb.photos_of(MUG_CODE)) < 2
    window.publish_box.close()

    monkeypatch.setattr(api.WBClient, "upload_photo", real)
    dialog = _open(window, listed)
    again = run_task(qtbot, window, lambda: dialog.publish_button.click() or True)
    assert [o.status for o in again.outcomes] == [flow.PUBLISHED] and not again.cancelled
    assert len(wb.upload_requests()) == 1  # the card was made once
    assert wb.photos_of(MUG_CODE) == _digests(listed / "Кружка")
    window.publish_box.close()


def test_without_a_token_the_dialog_says_so_and_opens_settings(qtbot, window, listed, wb,
                                                              keyring_store) -> None:
    dialog = _open(window, listed)
    assert dialog.token_state.isVisible() and "No Wildberries API token" in dialog.token_state.text()
    assert not dialog.publish_button.isEnabled() and dialog.check_button.isEnabled()
    dialog.settings_button.click()
    settings = window.dialog
    assert isinstance(settings, SettingsDialog) and settings.isVisible() and not dialog.isVisible()
    settings.wb.token.setText(f"Bearer {wb.token}")
    settings.accept()
    assert keyring_store[(wb_token.SERVICE, wb_token.USERNAME)] == wb.token
    again = window.dialog  # back to Publish, now with the token
    assert isinstance(again, PublishDialog) and again.isVisible()
    assert again.publish_button.isEnabled() and not again.token_state.isVisible()
    again.reject()


def test_the_settings_token_goes_to_the_keyring_only(qtbot, window, wb, keyring_store, tmp_path) -> None:
    settings = window.open_settings()
    assert "No token yet" in settings.wb.state.text()
    settings.wb.token.setText("not-the-token")
    with qtbot.waitSignal(settings.wb.tested, timeout=30_000):
        settings.wb.test_button.click()
    assert "did not accept the API token" in settings.wb.result.text()
    assert "not-the-token" not in settings.wb.result.text()
    settings.wb.token.setText(wb.token)
    with qtbot.waitSignal(settings.wb.tested, timeout=30_000):
        settings.wb.test_button.click()
    assert settings.wb.result.text().startswith("Connected")
    settings.accept()
    assert keyring_store == {(wb_token.SERVICE, wb_token.USERNAME): wb.token}

    settings = window.open_settings()  # never shown back: the field is empty, the state says stored
    assert settings.wb.token.text() == "" and "A token is stored" in settings.wb.state.text()
    with qtbot.waitSignal(settings.wb.tested, timeout=30_000):
        settings.wb.test_button.click()  # nothing typed: the stored token is tested
    assert settings.wb.result.text().startswith("Connected")
    settings.reject()
    roots = [tmp_path] + [Path(os.environ[v]) for v in ("XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_DATA_HOME",
                                                        "XDG_CACHE_HOME") if v in os.environ]
    for root in roots:
        for path in root.rglob("*"):
            if path.is_file():
                assert wb.token.encode() not in path.read_bytes(), path

    settings = window.open_settings()
    settings.wb.forget()
    assert not keyring_store and "No token yet" in settings.wb.state.text()
    settings.reject()


def test_sandbox_and_export_again_do_what_they_say(qtbot, window, listed, wb, token) -> None:
    dialog = _open(window, listed)
    dialog.sandbox.setChecked(True)
    run_task(qtbot, window, lambda: dialog.publish_button.click() or True)
    window.publish_box.close()
    state = json.loads((listed / ".vitrina" / "publish.json").read_text("utf-8"))
    assert set(state["hosts"]) == {"sandbox"}  # the sandbox's cards are kept apart from production's
    image = listed / "Кружка" / "01.jpg"
    before, posts = image.stat().st_mtime_ns, len([r for r in wb.requests if r.method == "POST"])

    dialog = _open(window, listed)
    assert not dialog.reexport.isChecked()
    dialog.reexport.setChecked(True)
    run_task(qtbot, window, lambda: dialog.check_button.click() or True)
    window.publish_box.close()
    assert image.stat().st_mtime_ns != before  # made anew from the saved work
    assert len([r for r in wb.requests if r.method == "POST"]) == posts  # a check sends nothing


def test_a_refused_token_is_said_in_the_results_box(qtbot, window, listed, wb, keyring_store) -> None:
    keyring_store[(wb_token.SERVICE, wb_token.USERNAME)] = "not-the-token"
    dialog = _open(window, listed)
    with qtbot.waitSignal(window.runner.failed, timeout=60_000):
        dialog.publish_button.click()
    box = window.publish_box
    assert isinstance(box, PublishDone) and box.isVisible() and not box.table.isVisible()
    assert "did not accept the API token" in box.summary.text() and "not-the-token" not in box.summary.text()
    assert not wb.upload_requests()
    box.close()


def test_the_folders_brand_and_package_are_shown_kept_and_used_for_products_without_their_own(
        qtbot, window, listed, wb, token) -> None:
    listing = {k: v for k, v in LISTING.items() if k not in ("brand", "dimensions")}
    window.project.product(PRODUCT).wb = dict(listing, vendor_code=MUG_CODE)
    window.project.save()
    (listed / ".vitrina").mkdir(parents=True)
    (listed / ".vitrina" / "publish.json").write_text(json.dumps(
        {"version": 1, "defaults": {"brand": "Витрина", "price": 990,
                                    "dimensions": {"length": 12, "width": 9, "height": 10, "weight": 0.4}}}),
        encoding="utf-8")
    dialog = _open(window, listed)
    box = dialog.defaults
    assert box.isEnabled() and box.brand.text() == "Витрина"  # what the CLI or the last Publish gave
    assert (box.package.length.value(), box.package.weight.value()) == (12, 0.4)
    box.brand.clear()
    qtbot.keyClicks(box.brand, "Vitrina Home")
    box.package.height.setValue(11)
    result = run_task(qtbot, window, lambda: dialog.check_button.click() or True)
    window.publish_box.close()
    (outcome,) = result.outcomes
    variant = outcome.payload["variants"][0]
    assert variant["brand"] == "Vitrina Home" and variant["dimensions"]["height"] == 11
    defaults = json.loads((listed / ".vitrina" / "publish.json").read_text("utf-8"))["defaults"]
    assert defaults["brand"] == "Vitrina Home" and defaults["dimensions"]["height"] == 11
    assert defaults["price"] == 990  # what the dialog does not show stays as it was
    assert _open(window, listed).defaults.brand.text() == "Vitrina Home"  # there next time
    window.dialog.reject()


def test_an_unreadable_publish_json_is_said_before_anything_is_sent(qtbot, window, listed, wb, token) -> None:
    (listed / ".vitrina").mkdir(parents=True)
    (listed / ".vitrina" / "publish.json").write_text("{ broken", encoding="utf-8")
    dialog = _open(window, listed)
    assert "publish.json cannot be read" in dialog.problem.text() and dialog.problem.isVisible()
    assert not dialog.publish_button.isEnabled() and not dialog.check_button.isEnabled()
    assert not dialog.defaults.isEnabled()
    dialog.folder.setText(str(listed.parent / "elsewhere"))  # another folder: nothing in the way
    assert not dialog.problem.isVisible() and dialog.publish_button.isEnabled()
    assert dialog.defaults.isEnabled() and dialog.defaults.brand.text() == ""
    dialog.reject()
