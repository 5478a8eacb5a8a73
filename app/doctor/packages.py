"""torch and torchvision from one build, and the libraries the project needs at the versions it supports."""

from __future__ import annotations

from collections.abc import Callable
from importlib import metadata

from packaging.requirements import Requirement
from packaging.version import InvalidVersion, Version

from app.doctor.findings import OK, PROBLEM, WARNING, Finding
from app.i18n import _

CHECKED = ("torch", "torchvision", "transformers", "timm", "gigachat")
VersionOf = Callable[[str], str | None]


def installed(name: str) -> str | None:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def supported() -> dict[str, str]:
    """The version ranges pyproject.toml asks for, as the installed distribution records them."""
    try:
        requires = metadata.requires("vitrina") or []
    except metadata.PackageNotFoundError:
        return {}
    ranges = {}
    for line in requires:
        req = Requirement(line)
        if req.marker is None and req.name in CHECKED:
            ranges[req.name] = str(req.specifier)
    return ranges


def check(version_of: VersionOf = installed, ranges: dict[str, str] | None = None,
          ops_work: Callable[[], str] | None = None) -> Finding:
    ranges = supported() if ranges is None else ranges
    versions = {name: version_of(name) for name in CHECKED}
    facts = {"versions": versions, "supported": ranges}
    missing = [n for n in ("torch", "torchvision", "transformers", "timm") if not versions[n]]
    if missing:
        return Finding("packages", PROBLEM, _("Not installed: {names}.").format(names=", ".join(missing)),
                       _("Install the project again: pip install -e ."), facts)
    torch_v, vision_v = versions["torch"] or "", versions["torchvision"] or ""
    if not _same_build(torch_v, vision_v):
        return Finding("packages", PROBLEM,
                       _("torch {torch} and torchvision {vision} are not from the same build: cutting out "
                         "will fail in torchvision.ops.").format(torch=torch_v, vision=vision_v),
                       _("Install both from one place: pip install --force-reinstall torch torchvision "
                         "(with the same --index-url for both, if you use one)."), facts)
    broken = (ops_work or _ops_work)()
    if broken:
        return Finding("packages", PROBLEM,
                       _("torchvision's operators do not run: {error}").format(error=broken),
                       _("Install torch and torchvision again from the same place."), facts)
    outside = []
    for name, spec in ranges.items():
        have = versions.get(name)
        if have and spec and not _satisfies(have, spec):
            outside.append(f"{name} {have} ({spec})")
    if outside:
        return Finding("packages", WARNING, _("Versions outside what Vitrina supports: {list}.").format(
            list="; ".join(outside)),
            _("Install the project again to get supported versions: pip install -e ."),
            facts)
    summary = _("torch {torch} with torchvision {vision}; transformers {tf}, timm {timm}, gigachat {gc}.")
    return Finding("packages", OK, summary.format(torch=torch_v, vision=vision_v, tf=versions["transformers"],
                                                  timm=versions["timm"], gc=versions["gigachat"] or "—"),
                   "", facts)


def _same_build(torch_v: str, vision_v: str) -> bool:
    """torchvision 0.(N+15) goes with torch 2.N, and both carry the same local tag (+cu130, +cpu)."""
    try:
        t, v = Version(torch_v), Version(vision_v)
    except InvalidVersion:
        return False
    if t.major == 2 and v.major == 0 and v.minor != t.minor + 15:
        return False
    return (t.local or "") == (v.local or "") or not (t.local and v.local)


def _satisfies(version: str, spec: str) -> bool:
    try:
        return Requirement(f"x{spec}").specifier.contains(Version(version), prereleases=True)
    except (InvalidVersion, ValueError):
        return False


def _ops_work() -> str:
    try:
        import torch
        from torchvision.ops import nms

        boxes = torch.tensor([[0.0, 0.0, 1.0, 1.0], [0.0, 0.0, 1.0, 1.0]])
        nms(boxes, torch.tensor([0.9, 0.8]), 0.5)
        return ""
    except Exception as err:  # the mismatch shows as an operator that is not registered
        return f"{type(err).__name__}: {str(err).splitlines()[0] if str(err) else ''}"
