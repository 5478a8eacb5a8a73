"""Tools of the reliability suite: run ``vitrina`` as a user does, then read what it left on disk.

Every test here breaks something on purpose and asserts what the user sees: the exit code, the
lines on stderr, ``report.csv``, the bundles (complete or absent) and the input folder (unchanged).
"""

from __future__ import annotations

import csv
import hashlib
import json
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from PIL import Image

from app.cli import main
from app.project.scan import STATE_DIR_NAME
from tests.photo_corpus import write_image
from tests.tiny_birefnet import make_tiny_birefnet, product_photo

ROOT = Path(__file__).resolve().parents[2]
# The counting model reads these at every forward pass (see ``counting_seg_model``).
SEG_DELAY_ENV, SEG_CALLS_ENV = "TINY_SEG_DELAY", "TINY_SEG_CALLS"


@dataclass(frozen=True)
class Run:
    code: int
    out: str
    err: str

    @property
    def text(self) -> str:
        return self.out + self.err


@pytest.fixture
def vitrina(capsys: pytest.CaptureFixture[str]) -> Callable[..., Run]:
    """``vitrina(*argv)`` runs the real command line in this process and captures what it printed."""

    def run(*argv: str | Path) -> Run:
        capsys.readouterr()
        code = main([str(a) for a in argv])
        captured = capsys.readouterr()
        return Run(code, captured.out, captured.err)

    return run


def images_only(src: Path, out: Path, model: Path, *extra: str) -> list[str]:
    return ["batch", str(src), "-o", str(out), "--seg-model", str(model), "--device", "cpu", "--no-text",
            *extra]


def write_products(folder: Path, names: list[str], size: tuple[int, int] = (48, 64)) -> list[Path]:
    """One small product photo (red object on white) per name; ``a/b.png`` makes product ``a``."""
    paths = []
    for index, name in enumerate(names):
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        pixels = product_photo(*size, grey_band=False)
        pixels[0, index % size[1]] = (index * 37 % 256, 90, 90)  # no two photos are the same file
        paths.append(write_image(path, pixels, format="JPEG" if path.suffix == ".jpg" else "PNG"))
    return paths


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def read_report(out: Path) -> dict[str, dict[str, str]]:
    rows = read_csv(out / "report.csv")
    files = [r["file"] for r in rows]
    assert len(files) == len(set(files)), "every input file has exactly one row"
    return {r["file"]: r for r in rows}


def bundles(out: Path) -> list[Path]:
    return sorted(p for p in out.iterdir() if p.is_dir() and not p.name.startswith("."))


def leftovers(out: Path) -> list[str]:
    """Temp folders of half-written bundles (``.partial-*``, ``.old-*``) and probe files."""
    return sorted(p.name for p in out.iterdir() if p.name.startswith((".partial-", ".old-", ".probe-")))


def assert_complete_bundle(folder: Path) -> dict:
    """card.json parses and every file it lists exists and decodes; nothing else is in the folder."""
    card = json.loads((folder / "card.json").read_text("utf-8"))
    listed = {"card.json"} | ({"card.txt"} if (folder / "card.txt").exists() else set())
    if card.get("marketplace"):  # bundles made for a marketplace carry its compliance report
        compliance = json.loads((folder / "compliance.json").read_text("utf-8"))
        assert compliance["marketplace"] == card["marketplace"]
        listed.add("compliance.json")
    for entry in card["files"]:
        for key in ("image", "cutout", "mask"):
            with Image.open(folder / entry[key]) as im:
                im.load()
            listed.add(entry[key])
    assert {p.name for p in folder.iterdir()} == listed, f"stray files in {folder.name}"
    return card


def snapshot(folder: Path) -> dict[str, str]:
    """sha256 of every file under ``folder`` except Vitrina's own state folder."""
    found = {}
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder)
        if STATE_DIR_NAME in rel.parts or not path.is_file() or path.is_symlink():
            continue
        found[rel.as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


_COUNT_AND_WAIT = """\
        _log = os.environ.get("TINY_SEG_CALLS")
        if _log:
            with open(_log, "a") as _fh:
                _fh.write(f"{x.shape[0]}\\n")
        time.sleep(float(os.environ.get("TINY_SEG_DELAY") or 0))
"""


@pytest.fixture(scope="session")
def counting_seg_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tiny BiRefNet whose forward pass logs each photo to $TINY_SEG_CALLS and sleeps
    $TINY_SEG_DELAY seconds: a model slow enough to kill mid-run, and one that counts its work.
    It still loads through the production loader (the folder's own code, strict weights)."""
    folder = make_tiny_birefnet(tmp_path_factory.mktemp("models") / "counting-birefnet")
    code = (folder / "birefnet.py").read_text("utf-8")
    marker = "    def forward(self, x):\n"
    assert marker in code
    code = "import os\nimport time\n" + code.replace(marker, marker + _COUNT_AND_WAIT)
    (folder / "birefnet.py").write_text(code, "utf-8")
    return folder


def model_calls(log: Path) -> int:
    """Photos the counting model has segmented (one line per batch, holding its size)."""
    return sum(int(n) for n in log.read_text().split()) if log.exists() else 0


@pytest.fixture
def shoot(tmp_path: Path) -> Iterator[Path]:
    """A small valid shoot: a product of two photos and two loose photos."""
    folder = tmp_path / "shoot"
    write_products(folder, ["Кружка/1.png", "Кружка/2.png", "vase.png", "bag.jpg"])
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def fast_gigachat(monkeypatch: pytest.MonkeyPatch) -> None:
    """`vitrina batch --text-provider gigachat` as shipped, but with short timeouts and backoff so
    faults resolve in milliseconds, and a stand-in describer instead of the vision model. No key
    from the developer's keyring may leak in: only the environment's test key is seen."""
    import app.describe
    from app.cardtext import registry
    from app.cardtext.gigachat_writer import GigaChatSettings, GigaChatWriter
    from tests.reliability.gigachat_tools import StubDescriber

    def fast_writer(**settings: object) -> GigaChatWriter:
        quick = {"timeout": 0.5, "max_retries": 1, "backoff_base": 0.01, "backoff_cap": 0.02, **settings}
        return GigaChatWriter(GigaChatSettings(**quick))  # type: ignore[arg-type]

    monkeypatch.setitem(registry.WRITERS, "gigachat", fast_writer)
    monkeypatch.setattr(app.describe, "load_describer", lambda *a, **k: StubDescriber())
    monkeypatch.setattr("keyring.get_password", lambda *a: None)


def point_sdk_at(monkeypatch: pytest.MonkeyPatch, server: object, key: str | None = None) -> None:
    """The real SDK reads these like a user's environment; the key is the fake server's."""
    monkeypatch.setenv("GIGACHAT_CREDENTIALS", key or server.key)  # type: ignore[attr-defined]
    monkeypatch.setenv("GIGACHAT_BASE_URL", server.base_url)  # type: ignore[attr-defined]
    monkeypatch.setenv("GIGACHAT_AUTH_URL", server.auth_url)  # type: ignore[attr-defined]
