"""``OUT_DIR/.vitrina/publish.json``: what was decided and what Wildberries has, per product.

Saved (atomically) after every step that changes the marketplace — a card queued, an nmID seen, a
photo accepted — so a run stopped at any point, by Cancel, Ctrl-C or a power cut, resumes where it
was and never sends a card twice. The production and sandbox hosts are kept apart: a card on one is
not on the other. No token or other secret is ever written here.
"""

from __future__ import annotations

import json
import threading
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from app import atomic
from app.i18n import _
from app.publish.wb.listing import Defaults

VERSION = 1
QUEUED, CREATED, DONE, REJECTED = "queued", "created", "done", "rejected"


@dataclass
class Remote:
    """One product on one host."""

    vendor_code: str = ""
    nm_id: int | None = None
    card: str = ""  # the fingerprint of the card text last sent (create or update)
    queued_at: float = 0.0  # when the create/update was sent (the error list is read after it)
    photos: list[str] = field(default_factory=list)  # sha256 of the photo at each number, in order
    errors: list[str] = field(default_factory=list)
    status: str = ""

    @classmethod
    def from_json(cls, raw: Any) -> Remote:
        raw = raw if isinstance(raw, dict) else {}
        nm_id = raw.get("nm_id")
        return cls(vendor_code=str(raw.get("vendor_code") or ""),
                   nm_id=int(nm_id) if isinstance(nm_id, int) else None, card=str(raw.get("card") or ""),
                   queued_at=float(raw.get("queued_at") or 0.0),
                   photos=[str(p) for p in raw.get("photos") or []],
                   errors=[str(e) for e in raw.get("errors") or []], status=str(raw.get("status") or ""))


class PublishState:
    """The file's content with thread-safe updates; :meth:`save` writes it whole."""

    def __init__(self, path: Path, host: str) -> None:
        self.path, self.host = path, host
        self._lock = threading.Lock()
        raw = self._read()
        self.defaults = Defaults.from_json(raw.get("defaults"))
        self.chosen: dict[str, dict[str, Any]] = {
            str(k): dict(v) for k, v in (raw.get("products") or {}).items() if isinstance(v, dict)}
        self._hosts: dict[str, dict[str, Any]] = {
            str(k): dict(v) for k, v in (raw.get("hosts") or {}).items() if isinstance(v, dict)}
        self.remote: dict[str, Remote] = {
            name: Remote.from_json(value) for name, value in self._hosts.get(host, {}).items()}

    @classmethod
    def open(cls, out_dir: Path, *, sandbox: bool) -> PublishState:
        return cls(out_dir / ".vitrina" / "publish.json", "sandbox" if sandbox else "production")

    def _read(self) -> dict[str, Any]:
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as exc:
            # Never start over silently: an empty state would send every card again.
            from app.publish.wb.api import WBError

            raise WBError(_("{path} cannot be read ({why}); it records what is already on Wildberries. "
                            "Restore it, or move it away to start over.").format(path=self.path, why=exc)) \
                from None
        from app.publish.wb.api import WBError

        version = raw.get("version", 0) if isinstance(raw, dict) else None
        if not isinstance(version, int) or isinstance(version, bool):
            raise WBError(_("{path} is not a Vitrina publishing record; it should record what is already on "
                            "Wildberries. Restore it, or move it away to start over.").format(path=self.path))
        if version > VERSION:
            raise WBError(_("{path} was written by a newer Vitrina.").format(path=self.path))
        return raw

    def remote_of(self, bundle: str) -> Remote:
        with self._lock:
            return self.remote.setdefault(bundle, Remote())

    def choose(self, bundle: str, **values: Any) -> None:
        with self._lock:
            self.chosen.setdefault(bundle, {}).update(values)

    def vendor_codes_in_use(self) -> dict[str, str]:
        """vendor code (lower case) → bundle, for every product already sent to this host."""
        with self._lock:
            return {r.vendor_code.lower(): name for name, r in self.remote.items() if r.vendor_code}

    def save(self) -> None:
        with self._lock:
            hosts = {**self._hosts, self.host: {name: asdict(r) for name, r in sorted(self.remote.items())}}
            data = {"version": VERSION, "defaults": self.defaults.to_json(),
                    "products": dict(sorted(self.chosen.items())), "hosts": hosts}
            atomic.write_json(self.path, data)
