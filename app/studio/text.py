"""Write card text for chosen products through the core's text stage, saving each card as it comes.

Runs on the studio's one worker thread: the describer runs here (it may use the GPU), the writer
calls run concurrently on the stage's own event loop. A card the user edited is never replaced,
except for products the user asked to regenerate (the GUI asks first) — and even then an edit
made *while* the new card was being written wins.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

from app import imaging
from app.cardtext.card import Card
from app.describe.protocol import Describer, Description
from app.errors import StateError, VitrinaError
from app.events import EventSink, ItemDone, ItemFailed, Notice, Progress, ignore
from app.i18n import _
from app.pipeline import text as text_stage
from app.pipeline.text import DescriberFactory, TextOptions, TextRequest, TextStage, WriterFactory
from app.project import Project
from app.settings import Settings
from app.studio.choices import text_marketplace

STAGE = "text"
STEP = 4  # products described per step: Cancel is noticed between steps
_PHOTO_SIDE = 1024  # the describer caps pixels far below this; smaller copies save memory


@dataclass
class TextResult:
    written: list[str] = field(default_factory=list)  # products that got a new card
    kept: list[str] = field(default_factory=list)  # products whose card (edited or earlier) was kept
    failed: dict[str, str] = field(default_factory=dict)  # product key -> message
    cancelled: bool = False


def needs_card(project: Project, key: str, regenerate: Iterable[str] = ()) -> bool:
    """A product gets a card when it has none (or the last try failed), or when asked to redo it."""
    return key in set(regenerate) or not project.product(key).card


class _SharedDescriber:
    """One describer for every marketplace group of a run: loaded once, closed by the run."""

    def __init__(self, factory: DescriberFactory) -> None:
        self._factory = factory
        self.real: Describer | None = None

    def __call__(self, options: TextOptions, events: EventSink) -> _SharedDescriber:
        if self.real is None:
            self.real = self._factory(options, events)
        return self

    @property
    def model_id(self) -> str:
        return self.real.model_id if self.real else ""

    @property
    def revision(self) -> str:
        return self.real.revision if self.real else ""

    def describe(self, products: Sequence[Sequence[np.ndarray]]) -> list[Description]:
        assert self.real is not None
        return self.real.describe(products)

    def close(self) -> None:
        pass  # the stage closes its describer; this one lives until the whole run ends

    def really_close(self) -> None:
        if self.real is not None:
            self.real.close()
            self.real = None


def write_cards(project: Project, keys: Sequence[str], options: TextOptions, *,
                regenerate: Iterable[str] = (), events: EventSink = ignore,
                cancel: threading.Event | None = None, describer_factory: DescriberFactory | None = None,
                writer_factory: WriterFactory | None = None) -> TextResult:
    """Write cards for ``keys`` (those that need one); the result says what happened to each."""
    if not options.enabled:
        raise VitrinaError(_("Card text is off: choose a text provider (GigaChat or local) in Settings."))
    cancel = cancel or threading.Event()
    forced = set(regenerate)
    result = TextResult()
    todo = []
    for key in dict.fromkeys(keys):
        (todo if needs_card(project, key, forced) else result.kept).append(key)
    before = {key: project.product(key).card for key in todo}  # to tell an edit made meanwhile
    names = {p.key: p.name for p in project.products}
    lock = threading.Lock()
    done = [0]

    def on_done(key: str, card: Card | None, error: str) -> None:  # on the stage's event loop
        try:
            _store(project, key, card, error, forced, before, result, lock, events)
        finally:  # counted even if saving failed, so the run never waits for a card forever
            with lock:
                done[0] += 1
                count = done[0]
            events(Progress(STAGE, count, len(todo), item=key))

    shared = _SharedDescriber(describer_factory or text_stage.default_describer)
    make_writer = writer_factory or text_stage.default_writer
    groups: dict[str, list[str]] = {}
    for key in todo:
        groups.setdefault(text_marketplace(project, key).key, []).append(key)
    events(Progress(STAGE, 0, len(todo)))
    expected = 0
    try:
        for group in groups.values():
            stage = TextStage(options, text_marketplace(project, group[0]), events=events,
                              describer_factory=shared, writer_factory=make_writer)
            try:
                for start in range(0, len(group), STEP):
                    if cancel.is_set():
                        break
                    chunk = group[start:start + STEP]
                    expected += len(chunk)
                    requests = [_request(project, key, names[key], on_done) for key in chunk]
                    stage.submit([r for r in requests if r is not None], on_done)
                # Not stage.wait(): a writer retrying a busy server must not hold up Cancel.
                while done[0] < expected and not cancel.wait(0.05):
                    pass
            finally:
                stage.close(cancel=cancel.is_set())
            if cancel.is_set():
                result.cancelled = True
                break
    finally:
        shared.really_close()
        _save(project, events, force=True)
    return result


def _store(project: Project, key: str, card: Card | None, error: str, forced: set[str],
           before: dict[str, object], result: TextResult, lock: threading.Lock, events: EventSink) -> None:
    state = project.product(key)
    if card is None:
        state.text_error = error
        with lock:
            result.failed[key] = error
        project.mark_dirty()
        events(ItemFailed(item=key, stage=STAGE, message=error))
        return
    if state.card_edited and (key not in forced or state.card != before[key]):
        with lock:
            result.kept.append(key)  # edited (or edited again while this card was written): the edit wins
        return
    state.card, state.card_edited, state.text_error = card.to_json(), False, ""
    with lock:
        result.written.append(key)
    project.mark_dirty()
    _save(project, events, force=False)
    events(ItemDone(item=key, stage=STAGE))


def _request(project: Project, key: str, name: str, on_done: text_stage.TextDone) -> TextRequest | None:
    """The product's photos for the describer (a few, downscaled); None when none can be read."""
    photos = []
    product = next(p for p in project.products if p.key == key)
    for rel in product.photos[:3]:
        try:
            photo = imaging.load_photo(project.photo_path(rel), at_least=_PHOTO_SIDE)
            photos.append(imaging.thumbnail(photo.rgb, _PHOTO_SIDE))
        except (VitrinaError, OSError):
            continue  # the gallery already shows why; the other photos still describe the product
    if not photos:
        on_done(key, None, _("card text failed: none of its photos can be read"))
        return None
    return TextRequest(key, name, photos)


def _save(project: Project, events: EventSink, *, force: bool) -> None:
    try:
        project.save(force=force)
    except StateError as exc:
        events(Notice(str(exc)))


def text_options(settings: Settings) -> TextOptions:
    """The text stage's options from the user's settings (the GigaChat scope goes to its writer)."""
    gigachat = {"scope": settings.gigachat_scope, "max_concurrency": settings.gigachat_concurrency}
    writer_settings = gigachat if settings.text_provider == "gigachat" else {}
    return TextOptions(provider=settings.text_provider, vlm_model=settings.vlm_model,
                       gigachat_model=settings.gigachat_model or None, device=settings.device,
                       writer_model=settings.writer_model or None, writer_settings=writer_settings,
                       describer=settings.describer, describer_settings=gigachat,
                       quantize=None if settings.precision == "auto" else settings.precision)
