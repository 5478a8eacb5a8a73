"""Pins on first use: the hub's commit is shown, accepted once, recorded, and then the only one used."""

from __future__ import annotations

import io
from argparse import Namespace
from pathlib import Path

import huggingface_hub
import pytest

from app.cli import main
from app.cli import trust as cli_trust
from app.errors import ModelError
from app.models import catalogue, pins, trust
from app.models.trust import NotPinned, Offer
from app.segment import VARIANTS, cached_path
from app.segment import download as download_segmentation
from app.segment import resolve as resolve_segmentation
from tests.fake_hub import FakeHub


@pytest.fixture
def hub(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> FakeHub:
    fake = FakeHub(tmp_path / "hub")
    fake.add_segmentation("ZhengPeng7/BiRefNet_HR")
    fake.add_segmentation("briaai/RMBG-2.0")
    fake.add_describer("OpenGVLab/InternVL3-1B-hf")
    fake.licences["ZhengPeng7/BiRefNet_HR"] = "mit"
    monkeypatch.setattr(huggingface_hub, "snapshot_download", fake)
    monkeypatch.setattr(huggingface_hub, "model_info", fake.model_info)
    return fake


def _asked(answer: bool = True) -> tuple[list[Offer], trust.Ask]:
    seen: list[Offer] = []

    def ask(offer: Offer) -> bool:
        seen.append(offer)
        return answer

    return seen, ask


def test_first_download_shows_the_commit_licence_size_and_code_then_later_runs_use_only_it(
    hub: FakeHub,
) -> None:
    seen, ask = _asked()
    sha = trust.ensure(catalogue.find("birefnet-hr"), ask)
    assert len(seen) == 1
    offer = seen[0]
    assert (offer.candidate.repo, offer.revision, offer.licence) == ("ZhengPeng7/BiRefNet_HR", sha, "mit")
    assert offer.size_bytes == sum(len(c) if isinstance(c, bytes) else c
                                   for c in hub.repos["ZhengPeng7/BiRefNet_HR"].values())
    assert offer.candidate.runs_code and not offer.is_update
    assert pins.revision_for("ZhengPeng7/BiRefNet_HR") == sha

    variant = resolve_segmentation("birefnet-hr")
    assert variant.revision == sha
    folder = download_segmentation(VARIANTS["birefnet-hr"])
    assert folder == hub.folder("ZhengPeng7/BiRefNet_HR", sha)  # fetched at the accepted commit

    hub.heads["ZhengPeng7/BiRefNet_HR"] = "f" * 40  # the branch moves on the hub
    assert trust.ensure(catalogue.find("birefnet-hr"), ask) == sha  # no second question, no hub call
    assert len(seen) == 1 and hub.info_calls == ["ZhengPeng7/BiRefNet_HR"]
    assert cached_path(VARIANTS["birefnet-hr"]) == folder


def test_nobody_to_ask_means_refused_with_the_way_to_pin_it(hub: FakeHub) -> None:
    with pytest.raises(NotPinned, match="vitrina models download birefnet-hr"):
        trust.ensure(catalogue.find("birefnet-hr"), None)
    with pytest.raises(ModelError, match="vitrina models download birefnet-hr"):
        download_segmentation(VARIANTS["birefnet-hr"])
    assert hub.calls == [] and hub.info_calls == []  # nothing fetched at an unchecked commit


def test_declined_offer_records_nothing(hub: FakeHub) -> None:
    _seen, ask = _asked(False)
    with pytest.raises(ModelError, match="not accepted"):
        trust.ensure(catalogue.find("birefnet-hr"), ask)
    assert pins.load() == {}


def test_update_offers_the_new_commit_and_replaces_the_pin_only_when_accepted(hub: FakeHub) -> None:
    _seen, ask = _asked()
    first = trust.ensure(catalogue.find("internvl3-1b"), ask)
    hub.heads["OpenGVLab/InternVL3-1B-hf"] = "e" * 40
    offer = trust.offer(catalogue.find("internvl3-1b"))
    assert offer.is_update and offer.current == first and offer.revision == "e" * 40
    assert pins.revision_for("OpenGVLab/InternVL3-1B-hf") == first  # asking changes nothing
    trust.accept(offer)
    assert pins.revision_for("OpenGVLab/InternVL3-1B-hf") == "e" * 40


def test_known_pins_stay_in_the_registry_and_never_ask_the_hub(hub: FakeHub) -> None:
    _seen, ask = _asked()
    assert trust.ensure(catalogue.find("birefnet"), ask) == VARIANTS["birefnet"].revision
    assert hub.info_calls == []


def test_a_damaged_pins_file_means_asking_again_not_running_an_unknown_commit(hub: FakeHub) -> None:
    pins.pins_path().parent.mkdir(parents=True, exist_ok=True)
    pins.pins_path().write_text('{"pins": {"ZhengPeng7/BiRefNet_HR": {"revision": "main"}}}', "utf-8")
    assert pins.revision_for("ZhengPeng7/BiRefNet_HR") is None  # a branch name is not a pin
    pins.pins_path().write_text("{not json", "utf-8")
    assert pins.load() == {}


def test_offline_offer_is_one_plain_message(hub: FakeHub) -> None:
    hub.offline = True
    with pytest.raises(ModelError, match="could not be reached"):
        trust.offer(catalogue.find("birefnet-hr"))


def _args(**flags: bool) -> Namespace:
    return Namespace(trust=flags.get("trust", False), accept_non_commercial=flags.get("nc", False))


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_cli_asks_y_n_on_a_terminal_and_refuses_without_one(hub: FakeHub) -> None:
    offer = trust.offer(catalogue.find("birefnet-hr"))
    out, err = io.StringIO(), io.StringIO()
    assert cli_trust.asker(_args(), stdin=_Tty("y\n"), stdout=out, stderr=err)(offer)
    assert offer.revision in out.getvalue() and "runs Python code" in out.getvalue()
    assert not cli_trust.asker(_args(), stdin=_Tty("\n"), stdout=out, stderr=err)(offer)  # default: no
    assert cli_trust.asker(_args(), stdin=io.StringIO(""), stdout=out, stderr=err) is None  # nobody to ask
    assert cli_trust.asker(_args(trust=True), stdin=io.StringIO(""), stdout=out, stderr=err)(offer)


def test_a_non_commercial_licence_is_accepted_separately(hub: FakeHub) -> None:
    offer = trust.offer(catalogue.find("rmbg-2.0"))
    assert offer.non_commercial
    out, err = io.StringIO(), io.StringIO()
    assert not cli_trust.asker(_args(trust=True), stdin=io.StringIO(""), stdout=out, stderr=err)(offer)
    assert "--accept-non-commercial" in err.getvalue() and "NON-COMMERCIAL" in out.getvalue()
    assert not cli_trust.asker(_args(), stdin=_Tty("y\nn\n"), stdout=out, stderr=err)(offer)
    assert cli_trust.asker(_args(trust=True, nc=True), stdin=io.StringIO(""), stdout=out, stderr=err)(offer)
    trust.accept(offer)
    assert pins.load()["briaai/RMBG-2.0"].non_commercial_accepted


def test_models_download_and_update_commands(hub: FakeHub, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["models", "download", "birefnet-hr"]) == 1  # no terminal in a test run, no --trust
    assert "--trust" in capsys.readouterr().err and pins.load() == {} and hub.info_calls == []
    assert main(["models", "download", "birefnet-hr", "--trust"]) == 0
    sha = pins.revision_for("ZhengPeng7/BiRefNet_HR")
    out = capsys.readouterr().out
    assert sha and sha in out and "ready in" in out
    assert main(["models", "update", "birefnet-hr"]) == 0
    assert "up to date" in capsys.readouterr().out
    hub.heads["ZhengPeng7/BiRefNet_HR"] = "d" * 40
    assert main(["models", "update", "birefnet-hr"]) == 1  # shown, but nobody to accept it
    assert "d" * 40 in capsys.readouterr().out and pins.revision_for("ZhengPeng7/BiRefNet_HR") == sha
    assert main(["models", "update", "birefnet-hr", "--trust"]) == 0
    assert pins.revision_for("ZhengPeng7/BiRefNet_HR") == "d" * 40
    assert hub.folder("ZhengPeng7/BiRefNet_HR", "d" * 40).is_dir()  # the new commit is downloaded
    assert main(["models", "update", "birefnet"]) == 0
    assert "pinned in Vitrina itself" in capsys.readouterr().out


def test_models_list_covers_every_role_with_licences(
    hub: FakeHub, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["models", "list"]) == 0
    out = capsys.readouterr().out
    for name in ("birefnet", "rmbg-2.0", "qwen3-vl-2b", "internvl2-2b", "vikhr-qwen2.5-1.5b"):
        assert name in out
    assert "describer" in out and "writer" in out and "NON-COMMERCIAL" in out
    assert "asks on first download" in out


def test_models_download_of_a_describer_by_name(hub: FakeHub, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["models", "download", "internvl3-1b", "--trust"]) == 0
    sha = pins.revision_for("OpenGVLab/InternVL3-1B-hf")
    assert str(hub.folder("OpenGVLab/InternVL3-1B-hf", sha)) in capsys.readouterr().out
