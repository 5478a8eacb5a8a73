"""``vitrina finetune``: BiRefNet trained further on the photographer's corrected masks.

The model comes from the base folder's own code through the inference loader (dynamic class,
strict weights). Training follows BiRefNet's own: its training-mode output (every scaled logit map
supervised at the mask's size), its pixel losses and weights, AdamW with weight decay 1e-2. Mixed
precision on CUDA, fp32 on the CPU. Validation, held out by product, runs each epoch; the best
epoch by validation IoU is what is published, and a run stops early when validation stops
improving. Everything needed to resume sits in a work folder beside OUT_DIR: a cancelled run
(Ctrl-C, Cancel) keeps it and publishes the best epoch so far; the same command resumes.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import shutil
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import numpy as np

from app import atomic
from app.errors import Cancelled, ModelError, VitrinaError
from app.events import EventSink, ItemFailed, Notice, Progress, TrainingStep, ignore
from app.finetune import output, report
from app.finetune.augment import Augment, augment, resize_pair
from app.finetune.data import Sample, prepare
from app.finetune.pairs import BadPair, Collected
from app.finetune.split import split_by_product
from app.i18n import _
from app.pipeline.prefetch import prefetch

log = logging.getLogger(__name__)

MIN_PAIRS = 8
STAGE_PREPARE = "prepare"
RESUME_FILE, BEST_FILE = "resume.pt", "best.safetensors"
MEAN = (0.485, 0.456, 0.406)
STD = (0.229, 0.224, 0.225)


@dataclass
class Settings:
    epochs: int = 10
    val_fraction: float = 0.2
    size: int | None = None  # training side in px; None = the base model's input size
    batch_size: int = 2
    lr: float | None = None  # None = BiRefNet's rule for its General task: 1e-5 · √(batch / 4)
    device: str = "auto"
    checkpointing: str = "auto"  # on | off | auto (on for CUDA cards under 16 GB)
    patience: int = 3  # epochs without a better validation IoU before stopping early
    seed: int = 0
    augment: Augment = field(default_factory=Augment)

    def learning_rate(self) -> float:
        return self.lr if self.lr is not None else 1e-5 * math.sqrt(self.batch_size / 4)


@dataclass
class Result:
    out_dir: Path | None  # None when not a single validation finished (nothing to publish)
    report: dict[str, Any] | None
    cancelled: bool
    resumed: bool


def check_settings(settings: Settings) -> None:
    problems = []
    if settings.epochs < 1:
        problems.append(_("--epochs must be at least 1"))
    if settings.batch_size < 1:
        problems.append(_("--batch-size must be at least 1"))
    if settings.size is not None and (settings.size < 32 or settings.size % 32):
        problems.append(_("--size must be a multiple of 32 (at least 32)"))
    if settings.lr is not None and not settings.lr > 0:
        problems.append(_("--lr must be above 0"))
    if problems:
        raise VitrinaError("; ".join(problems))


def finetune(collected: Collected, base: str | Path, out_dir: Path, settings: Settings, *,
             events: EventSink = ignore, should_stop: Callable[[], bool] = lambda: False) -> Result:
    """Train, validate, publish OUT_DIR. Raises ``VitrinaError`` (with the reason) when it cannot
    start; a cancel returns a ``Result`` with ``cancelled`` set."""
    check_settings(settings)
    if len(collected.pairs) < MIN_PAIRS:
        raise VitrinaError(_(
            "Fine-tuning needs at least {minimum} corrected photos; {count} usable found. Correct "
            "the masks of more photos with the brush (or add a folder with --data) and run again."
        ).format(minimum=MIN_PAIRS, count=len(collected.pairs)))
    return _Run(collected, base, Path(out_dir), settings, events, should_stop).run()


class _Run:
    def __init__(self, collected: Collected, base: str | Path, out_dir: Path, settings: Settings,
                 events: EventSink, should_stop: Callable[[], bool]) -> None:
        from app.segment import resolve
        from app.segment.birefnet import model_folder

        self.collected, self.settings = collected, settings
        self.events, self.should_stop = events, should_stop
        self.spec = resolve(base) if isinstance(base, str) else resolve(Path(base))
        self.base_name = str(base)
        self.base_folder = model_folder(self.spec, events)
        self.out_dir = out_dir.expanduser().resolve()
        output.check_out_dir(self.out_dir, self.base_folder)
        self.work = output.work_folder(self.out_dir)
        side = settings.size or max(self.spec.input_size)
        self.size = (side, side)
        self.bad = list(collected.bad)

    # -- the whole run -----------------------------------------------------------------------
    def run(self) -> Result:

        from app.segment.birefnet import build_model
        from app.segment.device import choose_device

        train_pairs, val_pairs = split_by_product(self.collected.pairs, self.settings.val_fraction)
        self.work.mkdir(parents=True, exist_ok=True)
        output.clean_staging(self.out_dir.parent)
        try:
            samples = self._prepare([*train_pairs, *val_pairs])
        except Cancelled:
            return Result(None, None, cancelled=True, resumed=False)
        held_out = {pair.product for pair in val_pairs}
        self.train = [s for s in samples if s.product not in held_out]
        self.val = [s for s in samples if s.product in held_out]
        if len(self.train) + len(self.val) < MIN_PAIRS or not self.train or not self.val:
            raise VitrinaError(_("Too few photos could be read for training ({count}).").format(
                count=len(self.train) + len(self.val)))
        self.device = choose_device(self.settings.device, self.events)
        self.net = build_model(self.base_folder).to(self.device)
        self._setup_training()
        state, resumed = self._resume_or_start()
        cancelled = self._epochs(state)
        return self._finish(state, cancelled, resumed)

    def _prepare(self, pairs: Sequence) -> list[Sample]:
        def bad(pair: BadPair) -> None:  # readable when collected, unreadable now: said like the others
            self.bad.append(pair)
            self.events(ItemFailed(pair.label, STAGE_PREPARE, pair.reason))

        total = len(pairs)
        return prepare(pairs, self.size, self.work / "data", bad, should_stop=self.should_stop,
                       on_progress=lambda done, _total: self.events(Progress(STAGE_PREPARE, done, total)))

    def _setup_training(self) -> None:
        import torch

        from app.finetune.model_io import enable_checkpointing, precision_for, wants_checkpointing

        self.precision = precision_for(self.device)
        self.checkpointing = ""
        if wants_checkpointing(self.settings.checkpointing, self.device):
            self.checkpointing = enable_checkpointing(self.net)
            if not self.checkpointing:
                self.events(Notice(_("This model's code offers no gradient checkpointing; training "
                                     "uses the full memory.")))
        params = [p for p in self.net.parameters() if p.requires_grad]
        self.optimizer = torch.optim.AdamW(params, lr=self.settings.learning_rate(), weight_decay=1e-2)
        self.scaler = torch.amp.GradScaler("cuda", enabled=self.precision.scaled)

    # -- resume ------------------------------------------------------------------------------
    def _fingerprint(self) -> str:
        what = {
            "base": [self.spec.model_id, self.spec.revision],
            "train": sorted(s.image.name for s in self.train), "val": sorted(s.image.name for s in self.val),
            "size": self.size, "batch": self.settings.batch_size, "lr": self.settings.learning_rate(),
            "seed": self.settings.seed, "augment": asdict(self.settings.augment),
        }
        return hashlib.sha256(json.dumps(what, sort_keys=True).encode("utf-8")).hexdigest()

    def _resume_or_start(self) -> tuple[dict[str, Any], bool]:
        import torch

        path = self.work / RESUME_FILE
        fingerprint = self._fingerprint()
        if path.is_file():
            try:
                state = torch.load(path, map_location="cpu", weights_only=True)
            except Exception as exc:  # a damaged file: start over rather than refuse
                log.warning("resume state %s unreadable: %s", path, exc)
                state = None
            if state is not None and state.get("fingerprint") == fingerprint:
                self.net.load_state_dict(state.pop("model"))
                self.optimizer.load_state_dict(state.pop("optimizer"))
                self.scaler.load_state_dict(state.pop("scaler"))
                self.events(Notice(_("Resuming the earlier run from epoch {epoch}, step {step}.").format(
                    epoch=state["epoch"] + 1, step=state["step"] + 1)))
                return state, True
            self.events(Notice(_("The photos or settings changed since the unfinished run in {folder}; "
                                 "starting over.").format(folder=self.work)))
            (self.work / BEST_FILE).unlink(missing_ok=True)
        base_metrics = self._validate()
        state = {"fingerprint": fingerprint, "epoch": 0, "step": 0, "loss_sum": 0.0, "loss_steps": 0,
                 "best_iou": -1.0, "best_epoch": 0, "stale": 0, "history": [], "base": base_metrics,
                 "best": [], "finished": False, "early": False}
        return state, False

    def _save(self, state: dict[str, Any]) -> None:
        import torch

        full = {**state, "model": self.net.state_dict(), "optimizer": self.optimizer.state_dict(),
                "scaler": self.scaler.state_dict()}
        atomic.write_with(self.work / RESUME_FILE, lambda fh: torch.save(full, fh))

    # -- training ----------------------------------------------------------------------------
    def _epochs(self, state: dict[str, Any]) -> bool:
        """Train from where ``state`` stands; True when cancelled."""
        steps_per_epoch = math.ceil(len(self.train) / self.settings.batch_size)
        total = self.settings.epochs * steps_per_epoch
        clock = _StepClock()
        while state["epoch"] < self.settings.epochs and not state["finished"]:
            epoch = state["epoch"]
            order = np.random.default_rng([self.settings.seed, epoch]).permutation(len(self.train))
            self.net.train()
            # The next batches are read and augmented on two CPU threads while this one trains
            # (~0.1 core-s a photo at 1024²); each step's randomness is its own, so a resume
            # repeats exactly what an uninterrupted run would have done.
            batches = prefetch(range(state["step"], steps_per_epoch),
                               lambda step, epoch=epoch, order=order: self._batch(epoch, order, step),
                               workers=2, depth=3)
            try:
                for images, masks in batches:
                    if self.should_stop():
                        self._save(state)
                        return True
                    started = time.monotonic()
                    loss = self._step(images, masks, state)
                    clock.add(time.monotonic() - started)
                    state["loss_sum"] += loss
                    state["loss_steps"] += 1
                    state["step"] += 1
                    done = epoch * steps_per_epoch + state["step"]
                    self.events(TrainingStep(
                        epoch=epoch + 1, epochs=self.settings.epochs, step=done, steps=total,
                        loss=state["loss_sum"] / state["loss_steps"], val_iou=_last_iou(state),
                        seconds_left=clock.left(total - done, self.settings.epochs - epoch)))
            finally:
                batches.close()
            self._end_epoch(state, clock)
        return False

    def _batch(self, epoch: int, order: np.ndarray, step: int) -> tuple[np.ndarray, np.ndarray]:
        """Step ``step``'s photos and masks, loaded and augmented (runs on a prefetch thread)."""
        first = step * self.settings.batch_size
        chunk = [self.train[i] for i in order[first : first + self.settings.batch_size]]
        rng = np.random.default_rng([self.settings.seed, epoch, step])
        images, masks = zip(*(augment(*sample.load(), self.size, rng, self.settings.augment)
                              for sample in chunk), strict=True)
        return np.stack(images), np.stack(masks)

    def _step(self, images: np.ndarray, masks: np.ndarray, state: dict[str, Any]) -> float:
        import torch

        from app.finetune.losses import gradient_loss, pixel_loss
        from app.finetune.model_io import training_output
        from app.gpu_gate import gate

        x = self._input(images)
        target = torch.from_numpy(masks).to(self.device).float().div_(255.0)[:, None]
        try:
            with gate(self.device), self._autocast():
                out = training_output(self.net(x), len(images))
                loss, _parts = pixel_loss(out.maps, target)
                if out.gradient is not None:
                    loss = loss + gradient_loss(*out.gradient)
                self.optimizer.zero_grad(set_to_none=True)
                self.scaler.scale(loss).backward()
                self.scaler.step(self.optimizer)
                self.scaler.update()
        except ModelError:
            raise
        except Exception as exc:
            from app.segment.birefnet import is_oom

            if not is_oom(exc):
                why = f"{type(exc).__name__}: {exc}"
                raise ModelError(_("Training failed: {error}").format(error=why)) from exc
            oom = True
        else:
            oom = False
        if oom:  # outside the except block, so the failed step's tensors are freed before saving
            self.optimizer.zero_grad(set_to_none=True)
            self._save(state)
            raise ModelError(_(
                "Out of memory while training at {side} px, batch {batch}. Run again with "
                "--batch-size 1, a smaller --size or --checkpointing on; it resumes from here."
            ).format(side=self.size[0], batch=self.settings.batch_size))
        value = float(loss.detach())
        if not math.isfinite(value):
            raise ModelError(_("Training diverged (the loss is {value}); run again with a lower "
                               "--lr.").format(value=value))
        return value

    def _autocast(self) -> Any:
        import contextlib

        import torch

        if self.precision.dtype is None:
            return contextlib.nullcontext()
        return torch.autocast(device_type="cuda", dtype=self.precision.dtype)

    def _input(self, images: np.ndarray) -> Any:
        import torch

        x = torch.from_numpy(images).to(self.device).permute(0, 3, 1, 2).float().div_(255.0)
        mean = torch.tensor(MEAN, device=x.device).view(1, 3, 1, 1)
        std = torch.tensor(STD, device=x.device).view(1, 3, 1, 1)
        return (x - mean) / std

    def _end_epoch(self, state: dict[str, Any], clock: _StepClock) -> None:
        started = time.monotonic()
        metrics = self._validate()
        clock.validation = time.monotonic() - started
        mean_iou = report.mean(metrics, "iou")
        epoch = state["epoch"] + 1
        state["history"].append({"epoch": epoch, "loss": state["loss_sum"] / max(1, state["loss_steps"]),
                                 "val_iou": mean_iou, "val_boundary_f": report.mean(metrics, "boundary_f")})
        if mean_iou > state["best_iou"] + 1e-6:
            from safetensors.torch import save_file

            state.update(best_iou=mean_iou, best_epoch=epoch, best=metrics, stale=0)
            weights = {k: v.detach().cpu().contiguous() for k, v in self.net.state_dict().items()}
            save_file(weights, str(self.work / BEST_FILE))  # the resume state below names it
        else:
            state["stale"] += 1
        state.update(epoch=epoch, step=0, loss_sum=0.0, loss_steps=0)
        if state["stale"] >= self.settings.patience and epoch < self.settings.epochs:
            state["finished"] = state["early"] = True
            said = _("Validation IoU has not improved for {count} epochs: stopping early with epoch {best}.")
            self.events(Notice(said.format(count=state["stale"], best=state["best_epoch"])))
        self._save(state)

    def _validate(self) -> list[dict[str, Any]]:
        """IoU and boundary F of every validation photo, the prediction at the training size
        brought back to the working copy's size."""
        import torch
        import torch.nn.functional as F

        from app.finetune.metrics import boundary_f, iou
        from app.finetune.model_io import eval_logits
        from app.gpu_gate import gate

        was_training = self.net.training
        self.net.eval()
        rows = []
        try:
            for sample in self.val:
                image, truth = sample.load()
                small, _mask = resize_pair(image, truth, self.size)
                with torch.no_grad(), gate(self.device), self._autocast():
                    logits = eval_logits(self.net(self._input(small[None])))
                prob = F.interpolate(logits.float(), size=truth.shape, mode="bilinear", align_corners=False)
                pred = prob.sigmoid_()[0, 0].mul_(255.0).round_().to(torch.uint8).cpu().numpy()
                rows.append({"photo": sample.label, "product": sample.product,
                             "iou": iou(pred, truth), "boundary_f": boundary_f(pred, truth, tolerance=3)})
        finally:
            self.net.train(was_training)
        return rows

    # -- the end -----------------------------------------------------------------------------
    def _finish(self, state: dict[str, Any], cancelled: bool, resumed: bool) -> Result:
        from safetensors.torch import load_file

        best = self.work / BEST_FILE
        if not best.is_file():  # cancelled before the first validation: nothing better to keep
            return Result(None, None, cancelled, resumed)
        made = report.build(
            base={"model": self.base_name, "id": self.spec.model_id, "revision": self.spec.revision},
            created=datetime.now(timezone.utc).isoformat(timespec="seconds"),
            state=state, cancelled=cancelled,
            data={"pairs": len(self.collected.pairs), "bad": [asdict(b) for b in self.bad],
                  "train_photos": len(self.train), "val_photos": len(self.val),
                  "train_products": len({s.product for s in self.train}),
                  "val_products": len({s.product for s in self.val})},
            settings={"epochs": self.settings.epochs, "val_fraction": self.settings.val_fraction,
                      "size": self.size[0], "batch_size": self.settings.batch_size,
                      "lr": self.settings.learning_rate(), "device": self.device,
                      "precision": self.precision.name, "gradient_checkpointing": self.checkpointing or "off",
                      "patience": self.settings.patience, "seed": self.settings.seed,
                      "augment": asdict(self.settings.augment)},
        )
        out = output.publish(self.out_dir, self.base_folder, load_file(str(best)), made, input_size=self.size)
        if not cancelled:
            shutil.rmtree(self.work, ignore_errors=True)  # finished: nothing left to resume
        return Result(out, made, cancelled, resumed)


def _last_iou(state: dict[str, Any]) -> float | None:
    return state["history"][-1]["val_iou"] if state["history"] else None


class _StepClock:
    """Seconds left: the recent step time for the steps to go, plus a validation per epoch to go."""

    def __init__(self) -> None:
        self.recent: list[float] = []
        self.validation = 0.0

    def add(self, seconds: float) -> None:
        self.recent = [*self.recent[-19:], seconds]

    def left(self, steps: int, epochs: int) -> float | None:
        if len(self.recent) < 2:
            return None
        per_step = sorted(self.recent[1:])[len(self.recent[1:]) // 2]  # median; the first step warms up
        return steps * per_step + epochs * self.validation
