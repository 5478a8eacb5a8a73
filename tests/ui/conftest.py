"""GUI tests: private settings, and no test may leave a worker thread or a window behind."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, QThreadPool
from PySide6.QtWidgets import QApplication

from app.studio import Defaults, set_defaults
from tests.gigachat_server import FakeGigaChat
from ui.main_window import MainWindow
from ui.worker import running_threads


@pytest.fixture(autouse=True)
def _private_settings(qapp: QApplication, tmp_path: Path) -> None:
    """QSettings (recent folders, chosen model) go to a temp INI file, never the developer's."""
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "settings"))


@pytest.fixture(autouse=True)
def _studio_defaults() -> Iterator[None]:
    """A window applies the settings' defaults process-wide; the next test starts from the built-in ones."""
    yield
    set_defaults(Defaults())


@pytest.fixture(autouse=True)
def _model_present(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """GUI tests stand their own segmenter in for the hub's model, which no test machine has: the
    studio's "is the model downloaded?" check would open the model setup before every Process.
    Tests marked ``model_check`` (tests/ui/test_model_setup.py) run the real check."""
    if request.node.get_closest_marker("model_check") is None:
        import ui.photo_tasks

        monkeypatch.setattr(ui.photo_tasks, "model_missing", lambda _value: False)


@pytest.fixture(autouse=True)
def _nothing_left_running(qapp: QApplication) -> Iterator[None]:
    before = set(qapp.topLevelWidgets())
    yield
    left = running_threads()
    for thread in left:
        thread.wait(10_000)  # do not let a stray thread crash the next test
    assert not left, f"test left task threads running: {[t.objectName() for t in left]}"
    assert QThreadPool.globalInstance().waitForDone(5_000)
    windows = [w for w in qapp.topLevelWidgets() if w not in before and w.isVisible()]
    for widget in windows:
        widget.close()
    assert not windows, f"test left windows open: {windows}"


@pytest.fixture
def window(qapp: QApplication) -> Iterator[MainWindow]:
    win = MainWindow()
    win.resize(1400, 900)
    win.show()
    yield win
    win.close()  # cancels and waits for its task, stops its thread pools
    win.deleteLater()
    qapp.processEvents()


@pytest.fixture
def processed(qtbot, window: MainWindow, tmp_path: Path, monkeypatch) -> Path:
    """The window with tests/ui/shoot.py's folder open and processed by the stand-in segmenter."""
    from app.studio import process as process_module
    from tests.ui.shoot import FakeSegmenter, make_shoot
    from tests.ui.test_main_window import run_task

    monkeypatch.setattr(process_module, "load_default_segmenter", lambda *_: FakeSegmenter())
    shoot = make_shoot(tmp_path)
    assert window.open_folder(shoot)
    run_task(qtbot, window, lambda: window.process(None))
    return shoot


@pytest.fixture
def keyring_store(monkeypatch) -> dict[tuple[str, str], str]:
    """An in-memory OS keyring: what the app stores there, and nothing on disk."""
    store: dict[tuple[str, str], str] = {}
    monkeypatch.setattr("keyring.get_password", lambda s, u: store.get((s, u)))
    monkeypatch.setattr("keyring.set_password", lambda s, u, p: store.__setitem__((s, u), p))
    monkeypatch.setattr("keyring.delete_password", lambda s, u: store.pop((s, u), None))
    return store


@pytest.fixture
def gigachat(monkeypatch) -> Iterator[FakeGigaChat]:
    # Only the addresses: the key must come from the dialog (then the keyring), not the environment.
    with FakeGigaChat(lifetime=120) as server:
        monkeypatch.setenv("GIGACHAT_BASE_URL", server.base_url)
        monkeypatch.setenv("GIGACHAT_AUTH_URL", server.auth_url)
        yield server


@pytest.fixture
def russian() -> Iterator[None]:
    """The interface and the core's messages in Russian for one test, English again after it."""
    from app import i18n as core_i18n
    from ui import i18n

    assert i18n.install("ru")
    core_i18n.set_language("ru")
    yield
    i18n.install("en")
    core_i18n.set_language("en")
