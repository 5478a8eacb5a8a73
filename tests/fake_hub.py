"""A stand-in for ``huggingface_hub.snapshot_download``: no network, real files, real progress bars.

Each repo is a few files written chunk by chunk (with an optional delay) through the caller's
``tqdm_class``, like the hub does. Files finished earlier are kept and skipped (the hub cache's
resume), a partly written file stays as ``.incomplete``. ``offline`` makes every download fail
the way the hub does without a connection; ``fail_after`` breaks one repo after some bytes.
"""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path
from typing import Any

SEG_CONFIG = {"auto_map": {"AutoConfig": "birefnet_config.BiRefNetConfig",
                           "AutoModelForImageSegmentation": "birefnet.BiRefNet"}}
VLM_CONFIG = {"model_type": "qwen3_vl", "vision_config": {}}


def write_segmentation_folder(folder: Path, weights: int = 1000) -> Path:
    """A folder with the layout ``validate_layout`` checks (no usable weights)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "config.json").write_text(json.dumps(SEG_CONFIG), "utf-8")
    (folder / "birefnet.py").write_text("", "utf-8")
    (folder / "birefnet_config.py").write_text("", "utf-8")
    (folder / "model.safetensors").write_bytes(b"\0" * weights)
    return folder


class FakeHub:
    def __init__(self, root: Path, *, chunk: int = 50_000, delay: float = 0.0) -> None:
        self.root, self.chunk, self.delay = root, chunk, delay
        self.repos: dict[str, dict[str, bytes | int]] = {}
        self.offline = False
        self.fail_after: dict[str, int] = {}  # repo -> bytes written before the connection drops
        self.calls: list[tuple[str, bool]] = []  # (repo, local_files_only)
        self.written: list[str] = []  # files fetched (not those already in the cache)
        self.started = threading.Event()  # the first byte of some download went through
        self.heads: dict[str, str] = {}  # repo -> the commit its main branch points at now
        self.licences: dict[str, str] = {}
        self.info_calls: list[str] = []

    def model_info(self, repo_id: str, *, revision: str | None = None, files_metadata: bool = False,
                   **_kwargs: Any) -> Any:
        """``huggingface_hub.model_info``: the branch's commit, file sizes and the card's licence."""
        from types import SimpleNamespace

        from huggingface_hub.errors import LocalEntryNotFoundError, RepositoryNotFoundError

        self.info_calls.append(repo_id)
        if self.offline:
            raise LocalEntryNotFoundError("offline")
        if repo_id not in self.repos:
            raise RepositoryNotFoundError(f"404 {repo_id}")
        head = self.heads.setdefault(repo_id, f"{len(self.heads) + 1:040x}")
        siblings = [SimpleNamespace(rfilename=name, size=len(c) if isinstance(c, bytes) else c)
                    for name, c in self.repos[repo_id].items()]
        card = {"license": self.licences[repo_id]} if repo_id in self.licences else None
        return SimpleNamespace(id=repo_id, sha=head, siblings=siblings, card_data=card, tags=[])

    def add_segmentation(self, repo: str, weights: int = 400_000) -> None:
        self.repos[repo] = {"config.json": json.dumps(SEG_CONFIG).encode(), "birefnet.py": b"",
                            "birefnet_config.py": b"", "model.safetensors": weights}

    def add_describer(self, repo: str, weights: int = 400_000) -> None:
        self.repos[repo] = {"config.json": json.dumps(VLM_CONFIG).encode(), "model.safetensors": weights}

    def folder(self, repo: str, revision: str | None) -> Path:
        return self.root / repo.replace("/", "--") / (revision or "main")

    def cache(self, repo: str, revision: str | None) -> Path:
        """Put a repo in the cache at once, as an earlier run would have."""
        for name, content in self.repos[repo].items():
            self._write_all(self.folder(repo, revision) / name, content)
        return self.folder(repo, revision)

    def __call__(self, repo_id: str, *, revision: str | None = None, local_files_only: bool = False,
                 tqdm_class: Any = None, **_kwargs: Any) -> str:
        from huggingface_hub.errors import LocalEntryNotFoundError

        self.calls.append((repo_id, local_files_only))
        folder = self.folder(repo_id, revision)
        files = self.repos.get(repo_id, {})
        if local_files_only or self.offline:
            if files and all((folder / name).is_file() for name in files):
                return str(folder)
            raise LocalEntryNotFoundError("Cannot find the requested files in the disk cache and outgoing "
                                          "traffic has been disabled.")
        sizes = {name: len(c) if isinstance(c, bytes) else c for name, c in files.items()}
        bar = tqdm_class(total=sum(sizes.values()), unit="B", unit_scale=True) if tqdm_class else None
        sent = 0
        for name, content in files.items():
            target = folder / name
            if target.is_file():
                if bar is not None:
                    bar.update(sizes[name])  # already in the cache: counted, not fetched
                continue
            data = content if isinstance(content, bytes) else b"\0" * content
            part = target.with_name(name + ".incomplete")
            part.parent.mkdir(parents=True, exist_ok=True)
            start = part.stat().st_size if part.exists() else 0
            if bar is not None and start:
                bar.update(start)
            with part.open("ab") as fh:
                for at in range(start, len(data), self.chunk) if data else []:
                    if repo_id in self.fail_after and sent >= self.fail_after[repo_id]:
                        raise ConnectionError("Connection reset by peer")
                    piece = data[at:at + self.chunk]
                    fh.write(piece)
                    fh.flush()
                    sent += len(piece)
                    self.started.set()
                    if self.delay:
                        time.sleep(self.delay)
                    if bar is not None:
                        bar.update(len(piece))
            part.rename(target)
            self.written.append(f"{repo_id}/{name}")
        if bar is not None:
            bar.close()
        return str(folder)

    @staticmethod
    def _write_all(path: Path, content: bytes | int) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content if isinstance(content, bytes) else b"\0" * content)
