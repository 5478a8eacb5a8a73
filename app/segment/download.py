"""Fetch a pinned hub model into the hub cache (resumable), reporting progress as events."""

from __future__ import annotations

import errno
import logging
import threading
from pathlib import Path
from typing import Any

from app.errors import ModelError
from app.events import EventSink, Progress, ignore
from app.hub_quiet import quiet_hub
from app.i18n import _
from app.os_errors import os_error_words
from app.segment.registry import LocalModel, ModelSpec, Variant, validate_layout, with_pin

log = logging.getLogger(__name__)

STAGE = "download"  # done/total in bytes
FILES_STAGE = "download-files"  # done/total in files


def cache_dir() -> Path:
    from huggingface_hub import constants

    return Path(constants.HF_HUB_CACHE)


def require_pin(variant: Variant) -> str:
    """Hub code runs on load, so only a pinned commit (built in, or accepted by the user) is fetched."""
    variant = with_pin(variant)
    if not variant.revision:
        from app.models.trust import Candidate, NotPinned

        raise NotPinned(Candidate(variant.name, "segmentation", variant.repo, None, variant.licence,
                                  variant.commercial_use, runs_code=True))
    return variant.revision


def cached_path(variant: Variant) -> Path | None:
    """The complete snapshot folder if this exact revision is already cached, else None. No network."""
    variant = with_pin(variant)
    if not variant.revision:
        return None
    from huggingface_hub import snapshot_download

    try:
        folder = Path(snapshot_download(variant.repo, revision=variant.revision, local_files_only=True))
        validate_layout(folder)
    except (ModelError, OSError, ValueError):
        # Not cached, partly cached, or unreadable: all mean "download it".
        return None
    except Exception as err:  # hub errors that are not OSError subclasses in some versions
        if _is_hub_error(err):
            return None
        raise
    return folder


def download(variant: ModelSpec, events: EventSink = ignore) -> Path:
    """Download (or resume) the pinned snapshot; returns its folder in the hub cache.

    Files already in the cache are not fetched again, so an interrupted download resumes.
    Every failure becomes a ModelError that tells the user how to work offline.
    A local model folder is already "downloaded": its path is returned as is.
    """
    if isinstance(variant, LocalModel):
        return variant.path
    variant = with_pin(variant)
    revision = require_pin(variant)
    from huggingface_hub import snapshot_download

    progress = DownloadProgress(events, variant.name)
    try:
        with quiet_hub(events, variant.name):
            folder = Path(snapshot_download(variant.repo, revision=revision, tqdm_class=progress.tqdm_class))
    except Exception as err:
        if isinstance(err, ModelError) or not (_is_hub_error(err) or isinstance(err, OSError)):
            raise
        raise ModelError(_failure_message(variant, err)) from err
    validate_layout(folder)
    progress.finish()
    return folder


def _failure_message(variant: Variant, err: Exception) -> str:
    from huggingface_hub.errors import (
        GatedRepoError,
        LocalEntryNotFoundError,
        RepositoryNotFoundError,
        RevisionNotFoundError,
    )

    where = f"{variant.name} ({variant.repo}@{variant.revision[:8] if variant.revision else '?'})"
    offline = _(
        "The download cache is {cache}. Without internet, download the model folder elsewhere "
        "and pass that local directory instead."
    ).format(cache=cache_dir())
    # GatedRepoError subclasses RepositoryNotFoundError, so it is checked first.
    if isinstance(err, GatedRepoError):
        reason = _("the model is gated: log in to Hugging Face and accept its terms first")
    elif isinstance(err, RevisionNotFoundError):
        reason = _("the pinned revision no longer exists on the hub")
    elif isinstance(err, RepositoryNotFoundError):
        reason = _("the repository was not found on the hub")
    elif isinstance(err, LocalEntryNotFoundError):
        reason = _("the hub could not be reached and the model is not in the download cache")
    elif isinstance(err, OSError) and "no space" in str(err).lower() and err.errno is None:
        reason = os_error_words(OSError(errno.ENOSPC, str(err)))
    elif isinstance(err, OSError):
        reason = _("the model could not be downloaded: {why}").format(why=os_error_words(err))
    else:
        reason = _("the hub could not be reached")
    # The user reads words; the exception's type and system text are for the log.
    log.info("download of %s failed: %s: %s", where, type(err).__name__, _first_line(err))
    return _("Could not download segmentation model {model}: {reason}. {offline}").format(
        model=where, reason=reason, offline=offline)


def _first_line(err: Exception) -> str:
    text = str(err).strip()
    return text.splitlines()[0] if text else _("no details")


def _is_hub_error(err: Exception) -> bool:
    """Network/hub failures across huggingface_hub (requests or httpx) versions, by module name."""
    module = type(err).__module__ or ""
    return isinstance(err, (ConnectionError, TimeoutError)) or module.split(".")[0] in (
        "huggingface_hub",
        "requests",
        "urllib3",
        "httpx",
        "httpx2",
        "httpcore",
    )


class DownloadProgress:
    """Turns the hub's tqdm bars into events: bytes as ``Progress("download")``, file counts as
    ``Progress("download-files")``.

    snapshot_download may open two byte bars (network transfer and bytes written); only the
    first one that moves is reported, so a listener sees one steady byte count. Older
    huggingface_hub versions drive only the file-count bar. Updates come from the hub's
    download threads, so the event sink must be thread-safe (the pipeline's is).
    """

    def __init__(self, events: EventSink, name: str) -> None:
        self.events = events
        self.name = name
        self._byte_bar: object | None = None
        self._lock = threading.Lock()
        self.last_bytes: tuple[int, int] | None = None
        self.tqdm_class = self._make_class()

    def finish(self) -> None:
        if self.last_bytes is not None:
            total = max(self.last_bytes)  # transfer bars may end below their estimated total
            self.events(Progress(STAGE, total, total, item=self.name))

    def _report(self, bar: Any) -> None:
        done, total = int(bar.n), int(bar.total or 0)
        if getattr(bar, "unit", "") != "B":
            self.events(Progress(FILES_STAGE, done, total, item=self.name))
            return
        with self._lock:
            if self._byte_bar is None:
                self._byte_bar = bar
            if bar is not self._byte_bar:
                return
            self.last_bytes = (done, total)
        self.events(Progress(STAGE, done, total, item=self.name))

    def _make_class(self) -> type:
        from tqdm.auto import tqdm

        report = self._report

        class EventTqdm(tqdm):  # type: ignore[misc, valid-type]
            def __init__(self, *args: Any, **kwargs: Any) -> None:
                kwargs.pop("name", None)  # huggingface_hub's own tqdm takes it; plain tqdm rejects it
                kwargs["disable"] = False  # a disabled tqdm stops counting, and we need the counts
                kwargs["file"] = _NullWriter()  # the GUI has no console
                super().__init__(*args, **kwargs)

            def update(self, n: float | None = 1) -> bool | None:
                shown = super().update(n)
                report(self)
                return shown

        return EventTqdm


class _NullWriter:
    def write(self, _text: str) -> int:
        return 0

    def flush(self) -> None:
        pass
