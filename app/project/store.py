"""A project: a scanned folder plus its sidecar state, saved atomically; originals are never touched."""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import threading
import time
from collections.abc import Collection
from dataclasses import replace
from pathlib import Path

import numpy as np
import platformdirs
from PIL import Image

from app import atomic
from app.errors import StateError
from app.i18n import _
from app.imaging.png import encode_png
from app.project.moves import follow_moves
from app.project.scan import STATE_DIR_NAME, Product, ScanResult, scan_folder
from app.project.state import PENDING, PhotoState, ProductState, ProjectState

STATE_FILE = "state.json"
_MADE = ("model", "file")  # mask sources that are not the user's edits


def _writable(folder: Path) -> bool:
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".probe-"):
            pass
        return True
    except OSError:
        return False


def state_dir_for(root: Path) -> Path:
    """``ROOT/.vitrina``, or a folder in the user's data dir when ROOT is read-only."""
    local = root / STATE_DIR_NAME
    if _writable(local):
        return local
    digest = hashlib.sha256(str(root.resolve()).encode("utf-8")).hexdigest()[:16]
    fallback = Path(platformdirs.user_data_dir("vitrina", appauthor=False)) / "projects" / digest
    if _writable(fallback):
        return fallback
    raise StateError(_("Cannot save project state: neither {local} nor {fallback} is writable.").format(
        local=local, fallback=fallback))


def mask_file(state_dir: Path, rel: str) -> Path:
    """Where a photo's mask is cached in a project's state folder (Ray workers write it there)."""
    digest = hashlib.sha1(rel.encode("utf-8")).hexdigest()
    return state_dir / "masks" / f"{digest}.png"


class Project:
    """Thread-safe: the pipeline's workers update photo state while the UI edits choices."""

    def __init__(self, root: Path, *, exclude: tuple[Path, ...] = ()) -> None:
        self.root = Path(root).resolve()
        if not self.root.is_dir():
            raise StateError(_("Not a folder: {folder}").format(folder=root))
        self.state_dir = state_dir_for(self.root)
        self.messages: list[str] = []
        self._lock = threading.RLock()
        self._dirty = False
        self._last_save = 0.0
        self._write_lock = threading.Lock()  # one writer of state.json at a time
        self._copies = 0  # state copies taken for saving …
        self._written = 0  # … and the newest of them on disk
        self.state = self._load_state()
        self._exclude = (*exclude, self.state_dir)
        self.scan: ScanResult = scan_folder(self.root, exclude=self._exclude)
        if moves := follow_moves(self.state, self.scan.products, self.root, self.state_dir):
            self.messages += moves
            self._dirty = True

    # -- state file -------------------------------------------------------------------------
    @property
    def state_path(self) -> Path:
        return self.state_dir / STATE_FILE

    def _load_state(self) -> ProjectState:
        path = self.state_path
        if not path.exists():
            return ProjectState()
        try:
            return ProjectState.from_json(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError, TypeError) as exc:
            aside = path.with_name(f"{STATE_FILE}.unreadable-{time.strftime('%Y%m%d-%H%M%S')}")
            try:
                os.replace(path, aside)
            except OSError:
                aside = path
            self.messages.append(
                _("The saved project state could not be read ({error}); it was kept as {name} "
                  "and the project starts fresh.").format(error=exc, name=aside.name)
            )
            return ProjectState()

    def save(self, *, force: bool = True, min_interval: float = 2.0) -> None:
        """Write the state now (``force``) or when the last write is ``min_interval`` s old.

        The state is copied under the lock and written outside it, so a slow disk holds up
        nobody who changes the state meanwhile (the studio saves flags from a thread). Saves that
        overlap land in the order they were copied: an older copy never replaces a newer one.
        """
        with self._lock:
            if not force and (not self._dirty or time.monotonic() - self._last_save < min_interval):
                return
            snapshot = self.state.to_json()
            self._dirty = False
            self._last_save = time.monotonic()
            self._copies += 1
            number = self._copies
        with self._write_lock:
            if number < self._written:
                return  # a newer copy is already on disk
            try:
                atomic.write_json(self.state_path, snapshot)
            except OSError as exc:
                self.mark_dirty()  # still to be written: the next save tries again
                raise StateError(_("Cannot save project state to {path}: {error}").format(
                    path=self.state_path, error=exc)) from exc
            self._written = number

    @property
    def lock(self) -> threading.RLock:
        """Held while several state fields must change together (re-entrant)."""
        return self._lock

    def mark_dirty(self) -> None:
        with self._lock:
            self._dirty = True

    def rescan(self, admit: Collection[str]) -> tuple[list[str], list[str]]:
        """Scan the folder again for photos copied in since it was opened (the studio's watch).

        Of the photos new to the scan only those in ``admit`` join it: the others may still be
        being copied, and a half-written file must not be read. Photos gone from the disk leave it,
        and a photo renamed or moved meanwhile keeps its state, as when the folder is reopened
        (app/project/moves.py). The lock and everything chosen so far stay as they are. Returns
        (the photos that joined, in scan order; what moved, for the user). Call it while no run is
        using the scan.
        """
        fresh = scan_folder(self.root, exclude=self._exclude)
        with self._lock:
            known = {rel for product in self.scan.products for rel in product.photos}
            wanted = known | set(admit)
            products = [replace(product, photos=kept) for product in fresh.products
                        if (kept := tuple(rel for rel in product.photos if rel in wanted))]
            self.scan = ScanResult(products=products, skipped=fresh.skipped)
            joined = [rel for product in products for rel in product.photos if rel not in known]
            moved = follow_moves(self.state, products, self.root, self.state_dir, arrived=joined)
            if moved:
                self._dirty = True
        return joined, moved

    # -- items ------------------------------------------------------------------------------
    @property
    def products(self) -> list[Product]:
        return self.scan.products

    def photo(self, rel: str) -> PhotoState:
        with self._lock:
            return self.state.photos.setdefault(rel, PhotoState())

    def product(self, key: str) -> ProductState:
        with self._lock:
            return self.state.products.setdefault(key, ProductState())

    def photo_path(self, rel: str) -> Path:
        return self.root / rel

    # -- masks ------------------------------------------------------------------------------
    def mask_path(self, rel: str) -> Path:
        return mask_file(self.state_dir, rel)

    def load_mask(self, rel: str) -> np.ndarray | None:
        return self._read_mask(self.mask_path(rel))

    @staticmethod
    def _read_mask(path: Path) -> np.ndarray | None:
        try:
            with Image.open(path) as im:
                return np.asarray(im.convert("L"))
        except (OSError, ValueError):
            return None

    def model_mask_path(self, rel: str) -> Path:
        """Where the model's mask is kept once the user edits it (so "reset" survives a reopen)."""
        return self.mask_path(rel).with_suffix(".model.png")

    def load_model_mask(self, rel: str) -> np.ndarray | None:
        """The made mask (model's, or the file's own alpha): the kept copy, else the current one if made."""
        kept = self.model_mask_path(rel)
        if kept.exists():
            return self._read_mask(kept)
        state = self.state.photos.get(rel)
        return self.load_mask(rel) if state is not None and state.mask_source in _MADE else None

    def save_mask(self, rel: str, alpha: np.ndarray, *, source: str, model: str = "") -> bool:
        """Store a mask; False when a made one was kept aside because the user's edit stands.

        A model result can land after the user started brushing (the model ran on another thread
        while they worked): it then only replaces the kept model copy, which Reset goes back to.
        A changed photo file clears ``mask_source`` first (app/pipeline/masks.py), so an edit made
        for the old picture does not block the new one's mask.
        """
        data = encode_png(np.ascontiguousarray(alpha, dtype=np.uint8))  # outside the lock: ~40 ms
        kept = self.model_mask_path(rel)
        # One lock over decide-and-write, so an edit and a model result for the same photo cannot
        # interleave (each would see the other's old state).
        with self._lock:
            state = self.photo(rel)
            if source in _MADE and state.mask_source == "edited":
                atomic.write_bytes(kept, data)
                if source == "model":
                    state.mask_model = model
                self._dirty = True
                return False
            if source == "edited" and state.mask_source in _MADE and not kept.exists():
                try:  # keep the model's mask before the first edit replaces it
                    atomic.write_bytes(kept, self.mask_path(rel).read_bytes())
                except FileNotFoundError:
                    pass
            elif source in _MADE:
                kept.unlink(missing_ok=True)  # a new model result: the old kept copy is stale
            atomic.write_bytes(self.mask_path(rel), data)
            state.mask_source = source
            if source == "model":
                state.mask_model = model
            self._dirty = True
        if source == "edited":
            self.save()  # the user's work is saved the moment it is made
        return True

    def record_mask(self, rel: str, *, source: str, model: str = "") -> None:
        """A made mask that another process wrote into ``mask_path(rel)`` (a Ray worker) is this
        photo's mask now. Never over an edit: the run only sends photos without one."""
        with self._lock:
            state = self.photo(rel)
            if state.mask_source == "edited":
                return
            self.model_mask_path(rel).unlink(missing_ok=True)
            state.mask_source, state.mask_model = source, model if source == "model" else ""
            self._dirty = True

    def restore_made_mask(self, rel: str) -> bool:
        """Every edit was taken back (undo, reset): the kept made mask is the photo's mask again, so
        the photo shows its model's status, not "edited". False when there is no kept copy."""
        kept = self.model_mask_path(rel)
        with self._lock:
            state = self.photo(rel)
            if state.mask_source != "edited" or not kept.exists():
                return False
            os.replace(kept, self.mask_path(rel))
            # mask_model is cleared whenever the file changes, so a model key left means the model made it.
            state.mask_source = "model" if state.mask_model else "file"
            self._dirty = True
        self.save()
        return True

    def note_file(self, rel: str, content_hash: str, file_key: str = "") -> None:
        """What the photo's file holds now (its content hash, read when its size and mtime were
        ``file_key``). A changed file invalidates everything derived from it, even an edited mask."""
        with self._lock:
            state = self.photo(rel)
            if state.content_hash != content_hash:
                state.content_hash, state.mask_source, state.mask_model = content_hash, "", ""
                state.status, state.error = PENDING, ""
                self._dirty = True
            if file_key and state.file_key != file_key:
                state.file_key = file_key
                self._dirty = True

    def has_current_mask(self, rel: str, content_hash: str, model: str) -> bool:
        """True when the cached mask still fits the photo file and the chosen model.

        An edited mask fits any model: the user's touch-ups are never replaced by a re-run.
        """
        state = self.state.photos.get(rel)
        if state is None or state.content_hash != content_hash or not self.mask_path(rel).exists():
            return False
        return state.mask_source == "edited" or (state.mask_source == "model" and state.mask_model == model)
