"""``vitrina batch --engine ray``: the same run spread over a Ray cluster with Ray Data.

The driver is this process. It does what only one may do — the input folder's lock, the project
state, the bundle names and plan, the reports — exactly as the local engine (it *is* a
``BatchRun``, with another ``_run``). The work streams through Ray Data (app/pipeline/ray_stages.py):
decode on CPU tasks, segmentation in an actor pool (one model per GPU), card text in another,
compose + export on CPU tasks, with Ray Data's back-pressure between them. Each finished product
comes back to the driver as plain values and is applied like a local one, so bundles,
manifest.csv and report.csv are the local engine's.

IN and OUT must be paths every node sees (a NAS mounted at the same place): the bundles are
written by the node that composed them, straight into OUT, atomically. This is checked before any
work by a probe file that every node must see.
"""

from __future__ import annotations

import logging
import os
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app import formats
from app.errors import Cancelled, ExportError, VitrinaError
from app.events import EventSink, ignore
from app.i18n import _
from app.pipeline import masks, report
from app.pipeline.batch import BatchRun, SegmenterFactory
from app.pipeline.options import BatchOptions
from app.pipeline.report import BatchResult
from app.project import Product
from app.project.store import mask_file
from app.publish.fields import bundle_fields

log = logging.getLogger(__name__)

INSTALL_HINT = "pip install 'vitrina[ray]'"
# Products a Ray Data block (a decode task, a finish task) carries. Every block costs the driver's
# executor, the raylet and a worker a fixed share of CPU; two products a block cut a 96-photo run
# from 12.3–12.8 s to 9.5–9.7 s on two cores (bench/ray.py), four made it no better (10.2 s): the
# last blocks then finish later.
PRODUCTS_PER_BLOCK = 2


@dataclass(frozen=True)
class RayOptions:
    address: str | None = None  # None: a Ray instance of this machine; "auto": the running cluster
    gpus: int | None = None  # segmentation actors (one per GPU); None: every GPU the cluster has, or 1
    # Tests and benches stand a model in (picklable: it is sent to the actors); None: the real loader.
    segmenter_factory: SegmenterFactory | None = None
    model_cpus: float = 1.0  # CPU each model actor reserves (its pre/post-processing); a stand-in needs less
    text_actors: int | None = None  # card-text actors; None: as many as segmentation actors


def require_ray() -> Any:
    try:
        import ray
        import ray.data  # noqa: F401
    except ImportError as exc:
        raise RayMissing(_("The Ray engine needs Ray: {command}").format(command=INSTALL_HINT)) from exc
    return ray


class RayMissing(VitrinaError):
    """``--engine ray`` without Ray installed."""


@contextmanager
def ray_session(address: str | None) -> Iterator[Any]:
    """Ray, joined (``auto``, HOST:PORT) or started for this run; a session someone else started
    (a test's, a notebook's) is used as it is and left running."""
    # Ray Data's INFO lines (execution plans, "progress bars disabled") are not the user's concern;
    # the run's own progress line says how far it is.
    logging.getLogger("ray.data").setLevel(logging.ERROR)
    ray = require_ray()
    if ray.is_initialized():
        yield ray
        return
    # The C++ core's advisory lines (actor restart caveats) too; real failures still raise.
    os.environ.setdefault("RAY_BACKEND_LOG_LEVEL", "fatal")
    try:
        ray.init(address=address, include_dashboard=False, logging_level=logging.WARNING,
                 log_to_driver=False)
    except (ConnectionError, RuntimeError, ValueError) as exc:
        raise VitrinaError(_("Cannot reach the Ray cluster at {address}: {error}").format(
            address=address or "local", error=exc)) from exc
    try:
        yield ray
    finally:
        ray.shutdown()


def _sees(probe: str, root: str) -> tuple[str, bool, bool]:
    import socket

    return socket.gethostname(), os.path.exists(probe), os.path.isdir(root)


def check_shared(ray: Any, output: Path, root: Path) -> None:
    """Every node must see OUT (a probe file the driver writes) and IN, at the same paths."""
    from ray.util.scheduling_strategies import NodeAffinitySchedulingStrategy

    probe = output / f".vitrina-probe-{uuid.uuid4().hex}"
    probe.write_text("vitrina\n", encoding="utf-8")
    try:
        sees = ray.remote(num_cpus=0)(_sees)
        nodes = [n["NodeID"] for n in ray.nodes() if n.get("Alive")]
        answers = ray.get([sees.options(scheduling_strategy=NodeAffinitySchedulingStrategy(node, soft=False))
                           .remote(str(probe), str(root)) for node in nodes])
    finally:
        probe.unlink(missing_ok=True)
    blind = [host for host, out_ok, in_ok in answers if not (out_ok and in_ok)]
    if blind:
        raise ExportError(_(
            "These cluster nodes do not see the input folder {input} or the output folder {output} at the "
            "same path: {nodes}. Put both on storage every node mounts at the same place (a NAS)."
        ).format(input=root, output=output, nodes=", ".join(sorted(set(blind)))))


class RayBatchRun(BatchRun):
    TEXT_ON_DRIVER = False  # the actors describe and write; the driver loads no model at all

    def __init__(self, input_dir: Path, output_dir: Path, options: BatchOptions, ray_options: RayOptions,
                 **kwargs: Any) -> None:
        super().__init__(input_dir, output_dir, options, **kwargs)
        self.ray_options = ray_options
        self._text_on = options.text.enabled
        self.limiter: Any = None

    @property
    def finish_context(self):  # noqa: ANN201 - the parent's, with the text that the actors write
        from dataclasses import replace

        return replace(super().finish_context, text_on=self._text_on)

    def _run(self) -> BatchResult:
        from app.pipeline.ray_stages import ITEM, unpack

        names, plan = self._plan()
        left = {p.key: p for p in plan.todo}
        if not left:  # everything is exported already: no cluster needed to say so
            self._close()
            self._write_reports(names)
            return self.result
        with ray_session(self.ray_options.address) as ray:
            check_shared(ray, self.output, self.project.root)
            from ray.data import DataContext

            DataContext.get_current().enable_progress_bars = False
            jobs = self._jobs(ray, plan.todo, names, set(plan.redo))
            rows = iter(self._dataset(ray, jobs).iter_rows()) if jobs else iter(())
            try:
                for row in rows:
                    if self.cancel.is_set():
                        raise Cancelled(_("cancelled by the user"))
                    job = unpack(row[ITEM])
                    self._take(job)
                    left.pop(job.key, None)
                    self.project.save(force=False)
            except (Cancelled, KeyboardInterrupt):
                self.result.cancelled = True
                self.cancel.set()
            finally:
                close = getattr(rows, "close", None)
                if close is not None:
                    close()  # stops the stages still streaming
        self._close()
        for product in left.values():
            for rel in product.photos:
                self.result.rows.append(report.ReportRow(rel, product.key, report.CANCELLED,
                                                         _("not processed: the run was cancelled")))
        self._write_reports(names)
        return self.result

    # -- the driver's side ---------------------------------------------------------------------
    def _jobs(self, ray: Any, todo: list[Product], names: dict[str, str], redo: set[str]) -> list:
        """One job per product: what the state knows of each photo (its hash, whether its cached
        mask fits the model), the duplicates, the card to keep.

        Each photo's content hash is taken where it is decoded, from the same read: a pass over
        the whole folder first would read every photo from the NAS twice and keep the GPUs waiting
        until it ended. Only photos of the same byte size as another (the only ones that can be
        duplicates) are hashed here first, on the cluster, to name the duplicates as the local
        engine does."""
        from app.pipeline.ray_stages import PhotoJob, ProductJob

        rels = [rel for product in todo for rel in product.photos]
        sizes = {rel: _size(self.project.photo_path(rel)) for rel in rels}
        count = Counter(size for size in sizes.values() if size is not None)
        twins = [rel for rel in rels if sizes[rel] is not None and count[sizes[rel]] > 1]
        hashes: dict[str, str] = {}
        if twins:
            hash_task = ray.remote(num_cpus=1)(_hash_photo)
            digests = ray.get([hash_task.remote(str(self.project.photo_path(rel))) for rel in twins])
            hashes = dict(zip(twins, digests, strict=True))
        first_of: dict[str, str] = {}
        jobs = []
        for product in todo:
            photos = []
            for rel in product.photos:
                digest = hashes.get(rel, "")
                if digest:
                    self.project.note_file(rel, digest)
                first = first_of.setdefault(digest, rel) if digest else rel
                known = self.project.photo(rel).content_hash
                photos.append(PhotoJob(
                    rel=rel, path=str(self.project.photo_path(rel)), content_hash=digest, known_hash=known,
                    mask_file=str(mask_file(self.project.state_dir, rel)),
                    mask_fits=bool(known) and self.project.has_current_mask(rel, known, self.model_key),
                    duplicate_of=first if first != rel else ""))
            state = self.project.product(product.key)
            keep = bool(state.card) and (state.card_edited or not self.options.regenerate_text)
            jobs.append(ProductJob(product.key, product.name, names[product.key], product.key in redo, photos,
                                   card=state.card if keep else None, card_edited=bool(state.card_edited),
                                   wants_text=self._text_on and not keep,
                                   publishing=bundle_fields(self.project, product)))
        return jobs

    def _take(self, job: Any) -> None:
        """A product back from the cluster: its photos' hashes, masks and card, its outcome into
        the state."""
        for photo in job.photos:
            if photo.content_hash:
                self.project.note_file(photo.rel, photo.content_hash, photo.file_key)
            if photo.made_by_model:
                self.project.record_mask(photo.rel, source="model", model=self.model_key)
            elif photo.from_file:
                self.project.record_mask(photo.rel, source="file")
        state = self.project.product(job.key)
        if job.wants_text:
            if job.card is not None:
                state.card, state.text_error = job.card, ""
            else:
                state.text_error = job.text_error
            self.project.mark_dirty()
        self.apply(job.finished)

    def _dataset(self, ray: Any, jobs: list) -> Any:
        from app.pipeline import ray_stages

        cuda = self._cluster_gpus(ray) > 0 and self.options.device != "cpu"
        actors = max(1, self.ray_options.gpus or (self._cluster_gpus(ray) if cuda else 1))
        text_actors = max(1, self.ray_options.text_actors or actors) if self._text_on else 0
        text_on_gpu = cuda and self._text_on and self.options.text.describer == "local"
        self._check_cpus(ray, actors + text_actors)
        ds = ray.data.from_items([{ray_stages.ITEM: ray_stages.pack(job)} for job in jobs],
                                 override_num_blocks=-(-len(jobs) // PRODUCTS_PER_BLOCK))
        ds = ds.map(ray_stages.decode, fn_kwargs={"max_pixels": self.options.max_pixels}, num_cpus=1)
        ds = segment_stage(ray, ds, self.options, self.ray_options, actors=actors, cuda=cuda,
                           gpu_share=0.5 if text_on_gpu else 1.0)
        if self._text_on:
            limit = int(self.options.text.writer_settings.get("max_concurrency") or 1)
            self.limiter = ray.remote(num_cpus=0)(ray_stages.GigaChatLimiter).remote(limit)
            ds = ds.map_batches(
                ray_stages.Text, batch_format="numpy",
                fn_constructor_kwargs={"text_options": self.options.text,
                                       "marketplace": self.options.marketplace or "wb",
                                       "limiter": self.limiter},
                batch_size=4, compute=ray.data.ActorPoolStrategy(size=text_actors),
                num_gpus=0.5 if text_on_gpu else 0, num_cpus=self.ray_options.model_cpus,
                runtime_env=_with_env(ray, _gigachat_env()))
        return ds.map(ray_stages.finish, fn_kwargs={"ctx": self.finish_context}, num_cpus=1)

    def _check_cpus(self, ray: Any, actors: int) -> None:
        """Model actors hold their CPUs for the whole run: with none left for decoding and
        composing, the run would wait forever. Say so before starting instead."""
        cpus = float(ray.cluster_resources().get("CPU", 0))
        held = actors * self.ray_options.model_cpus
        if cpus - held < 1:
            raise VitrinaError(_(
                "The cluster has {cpus} CPUs and the {actors} model actors would hold {held} of them, "
                "leaving none to decode and compose photos: use fewer --gpus, or add nodes."
            ).format(cpus=formats.decimal(cpus, 0), actors=actors, held=formats.decimal(held, 1)))

    @staticmethod
    def _cluster_gpus(ray: Any) -> int:
        return int(ray.cluster_resources().get("GPU", 0))


def segment_stage(ray: Any, ds: Any, options: BatchOptions, ray_options: RayOptions, *, actors: int,
                  cuda: bool, gpu_share: float = 1.0) -> Any:
    """The segmentation actors over ``ds`` (decoded rows): one model each, ``gpu_share`` of a GPU."""
    from app.pipeline import ray_stages

    return ds.map_batches(
        ray_stages.Segment, batch_format="numpy",
        fn_constructor_kwargs={"seg_model": options.seg_model, "device": options.device,
                               "batch_size": options.batch_size, "factory": ray_options.segmenter_factory},
        # Ray Data restarts a dead actor and retries its batch by default (max_restarts=-1,
        # max_task_retries=-1); tests/test_ray_engine.py kills one to hold it to that.
        batch_size=masks.GPU_CALL if cuda else 1, compute=_overlapping_pool(ray, actors),
        num_gpus=gpu_share if cuda else 0, num_cpus=ray_options.model_cpus)


def _overlapping_pool(ray: Any, size: int) -> Any:
    """Model actors that take their next batch in (and hand their last one on) while the model runs:
    two calls in flight per actor, the model itself still one call at a time (Ray Data runs the
    function of only one at once unless told otherwise; ``Segment`` holds a lock besides, for Ray
    versions before that). Without it the GPU waits while the actor's thread copies photos."""
    import inspect

    strategy = ray.data.ActorPoolStrategy
    if "max_concurrent_calls_per_actor" in inspect.signature(strategy).parameters:
        return strategy(size=size, max_concurrent_calls_per_actor=2)
    return strategy(size=size)


def _with_env(ray: Any, env: dict[str, str]) -> dict[str, Any]:
    """The job's runtime environment plus ``env``: a stage's own runtime_env replaces the job's."""
    job = dict(ray.get_runtime_context().runtime_env or {})
    job["env_vars"] = {**job.get("env_vars", {}), **env}
    return job


def _gigachat_env() -> dict[str, str]:
    """The GigaChat key (from this machine's keyring or environment) and API addresses, for the text
    actors: the other nodes have no keyring entry of their own. It travels inside the cluster as an
    environment variable of those actors only, and is written to no file."""
    from app.cardtext.credentials import ENV_VAR, get_key

    env = {name: value for name in ("GIGACHAT_BASE_URL", "GIGACHAT_AUTH_URL")
           if (value := os.environ.get(name))}
    key = get_key()
    if key:
        env[ENV_VAR] = key
    return env


def _size(path: Path) -> int | None:
    try:
        return path.stat().st_size
    except OSError:
        return None  # decoding says why, for this photo alone


def _hash_photo(path: str) -> str:
    """The file's content hash, or "" when it cannot be read (decoding says why, per photo)."""
    from app import imaging

    try:
        return imaging.content_hash(path)
    except (VitrinaError, OSError):
        return ""


def run_batch_ray(input_dir: Path, output_dir: Path, options: BatchOptions, ray_options: RayOptions, *,
                  events: EventSink = ignore, cancel: Any = None) -> BatchResult:
    require_ray()
    return RayBatchRun(input_dir, output_dir, options, ray_options, events=events, cancel=cancel).run()

