"""The commits the user accepted for models that have none built in, kept beside the settings.

One JSON file (``pins.json`` in the settings folder): repo → the accepted commit, its licence and
when it was accepted. Written atomically; an unreadable file counts as "nothing pinned yet" and is
logged, so a damaged file costs a question, never a run on an unknown commit.
"""

from __future__ import annotations

import json
import logging
import threading
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path

from app import atomic
from app.settings import settings_path

log = logging.getLogger(__name__)
_lock = threading.Lock()


@dataclass(frozen=True)
class Pin:
    repo: str
    revision: str  # a full 40-character commit sha
    licence: str
    accepted_at: str  # ISO time, for "pinned on …" in lists
    non_commercial_accepted: bool = False


def pins_path() -> Path:
    return settings_path().with_name("pins.json")


def load() -> dict[str, Pin]:
    path = pins_path()
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as err:
        log.warning("cannot read %s (%s): no model pins are used", path, err)
        return {}
    pins = {}
    for repo, entry in (raw.get("pins", {}) if isinstance(raw, dict) else {}).items():
        try:
            pin = Pin(repo=repo, revision=str(entry["revision"]), licence=str(entry.get("licence", "")),
                      accepted_at=str(entry.get("accepted_at", "")),
                      non_commercial_accepted=bool(entry.get("non_commercial_accepted", False)))
        except (KeyError, TypeError, AttributeError):
            log.warning("model pin for %s in %s is damaged: it is ignored", repo, path)
            continue
        if is_commit(pin.revision):
            pins[repo] = pin
    return pins


def revision_for(repo: str) -> str | None:
    pin = load().get(repo)
    return pin.revision if pin else None


def record(repo: str, revision: str, licence: str, *, non_commercial_accepted: bool = False) -> Pin:
    if not is_commit(revision):
        raise ValueError(f"not a full commit sha: {revision!r}")
    pin = Pin(repo, revision, licence, datetime.now(timezone.utc).isoformat(timespec="seconds"),
              non_commercial_accepted)
    with _lock:  # read-modify-write: two downloads accepted at once must both be kept
        pins = load()
        pins[repo] = pin
        data = {"pins": {r: {k: v for k, v in asdict(p).items() if k != "repo"} for r, p in pins.items()}}
        atomic.write_json(pins_path(), data)
    return pin


def is_commit(revision: str) -> bool:
    return len(revision) == 40 and all(c in "0123456789abcdef" for c in revision)
