"""The trust step before a hub model without a built-in commit is first downloaded.

``offer`` asks the hub (one metadata call) which commit the branch points at now, what the files
weigh and what licence the card states; the caller shows that and asks. ``accept`` records the pin.
The question is the caller's (a dialog in the studio, y/N or ``--trust`` in the CLI), so this module
has no UI and no prompts.
"""

from __future__ import annotations

import fnmatch
import logging
from collections.abc import Callable
from dataclasses import dataclass

from app.errors import ModelError
from app.events import EventSink, ignore
from app.hub_quiet import quiet_hub
from app.i18n import _
from app.models import pins

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Candidate:
    """A registry entry that may need a pin: what the registries know before asking the hub."""

    name: str
    role: str  # "segmentation" | "describer" | "writer"
    repo: str
    built_in: str | None  # the commit pinned in the code, if any
    licence: str
    commercial_use: bool
    runs_code: bool  # BiRefNet-family repos: loading runs Python code from the repository
    allow_patterns: tuple[str, ...] = ()  # files a download fetches (empty: all)
    note: str = ""  # marked with N_: shown through i18n.translated

    @property
    def revision(self) -> str | None:
        """The commit runs use: the built-in one, else the one the user accepted, else None."""
        return self.built_in or pins.revision_for(self.repo)


@dataclass(frozen=True)
class Offer:
    """What the user is asked to accept."""

    candidate: Candidate
    revision: str  # the full commit the branch points at now
    licence: str  # from the model card, else the registry's
    size_bytes: int
    current: str | None  # the commit pinned now (an update offers a different one)

    @property
    def is_update(self) -> bool:
        return self.current is not None and self.current != self.revision

    @property
    def non_commercial(self) -> bool:
        return not self.candidate.commercial_use


Ask = Callable[[Offer], bool]  # True: the user accepted this exact offer


def offer(candidate: Candidate, branch: str = "main", events: EventSink = ignore) -> Offer:
    """The hub's answer for ``candidate`` now (network). Raises ModelError with plain words;
    retries reach ``events`` as one notice each."""
    import huggingface_hub

    try:
        with quiet_hub(events, candidate.name):
            info = huggingface_hub.model_info(candidate.repo, revision=branch, files_metadata=True)
    except Exception as err:  # offline, gated, gone: one message, the type goes to the log
        log.info("model_info(%s) failed: %s: %s", candidate.repo, type(err).__name__, err)
        raise ModelError(_(
            "Could not ask the Hugging Face hub about {repo}: {why}. Without internet, download the "
            "model folder elsewhere and choose that folder instead."
        ).format(repo=candidate.repo, why=_hub_words(err))) from None
    sha = str(getattr(info, "sha", "") or "")
    if not pins.is_commit(sha):
        raise ModelError(_("The hub gave no commit for {repo}; try again later.").format(repo=candidate.repo))
    size = sum(int(getattr(s, "size", 0) or 0) for s in (info.siblings or [])
               if _wanted(s.rfilename, candidate.allow_patterns))
    return Offer(candidate, sha, _licence(info) or candidate.licence, size,
                 candidate.built_in or pins.revision_for(candidate.repo))


def accept(offer: Offer) -> str:
    pins.record(offer.candidate.repo, offer.revision, offer.licence,
                non_commercial_accepted=offer.non_commercial)
    return offer.revision


def ensure(candidate: Candidate, ask: Ask | None, events: EventSink = ignore) -> str:
    """The commit to use for ``candidate``: pinned already, or offered, asked and recorded now.

    ``ask=None`` means nobody can be asked (no terminal, a background run): an unpinned model is
    refused with the way to pin it, never fetched at an unchecked commit.
    """
    revision = candidate.revision
    if revision:
        return revision
    if ask is None:
        raise NotPinned(candidate)
    found = offer(candidate, events=events)
    if not ask(found):
        raise ModelError(_("{name} was not accepted, so it is not downloaded.").format(name=candidate.name))
    return accept(found)


class NotPinned(ModelError):
    def __init__(self, candidate: Candidate) -> None:
        super().__init__(_(
            "{name} ({repo}) has no commit accepted on this computer yet. Download it once with "
            "`vitrina models download {name}` (or Download in the studio): it shows the commit, the "
            "licence and the size, and asks you to accept them. Or use a folder with the model's files "
            "instead."
        ).format(name=candidate.name, repo=candidate.repo))
        self.candidate = candidate


def _wanted(filename: str, patterns: tuple[str, ...]) -> bool:
    return not patterns or any(fnmatch.fnmatch(filename, p) for p in patterns)


def _licence(info: object) -> str:
    card = getattr(info, "card_data", None)
    value = card.get("license") if card is not None and hasattr(card, "get") else None
    if value:
        return str(value)
    tags = getattr(info, "tags", None) or []
    return next((t.split(":", 1)[1] for t in tags if t.startswith("license:")), "")


def _hub_words(err: Exception) -> str:
    from huggingface_hub.errors import GatedRepoError, RepositoryNotFoundError

    if isinstance(err, GatedRepoError):
        return _("the model is gated: log in to Hugging Face and accept its terms first")
    if isinstance(err, RepositoryNotFoundError):
        return _("the repository was not found on the hub")
    return _("the hub could not be reached")
