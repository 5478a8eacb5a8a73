"""The models on disk, the key's keyring, GigaChat's TLS and the clock, and the folders Vitrina writes."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import socket
import tempfile
from collections.abc import Callable
from pathlib import Path

import platformdirs

from app.doctor.findings import OK, PROBLEM, WARNING, Finding
from app.firstrun.plan import ModelItem
from app.formats import size
from app.i18n import N_, _, translated

LOW_DISK_BYTES = 10 * 1000**3  # a second describer or a writer needs about this much
EARLIEST_CLOCK = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)  # before this release: the clock is wrong
ROLE_WORDS = {"segmentation": N_("cut-out model"), "describer": N_("describer"), "writer": N_("local writer")}


def models(items: list[ModelItem], cache: Path, free_bytes: Callable[[Path], int] | None = None) -> Finding:
    """Each configured model on disk (the hub cache or a chosen folder), and the disk left for more."""
    free = (free_bytes or _free)(cache)
    facts = {"models": [{"role": i.role, "name": i.name, "repo": i.repo, "bytes": i.size_bytes,
                         "present": not i.needs_download, "folder": i.folder} for i in items],
             "cache": str(cache), "free_bytes": free}
    missing = [i for i in items if i.needs_download and not i.optional]
    # Without the cut-out model nothing is processed; without the describer only card text waits.
    blocking = any(i.role == "segmentation" for i in missing)
    if missing:
        names = ", ".join(f"{translated(ROLE_WORDS.get(i.role, i.role))} {i.name} ({size(i.size_bytes)})"
                          for i in missing)
        commands = "; ".join(f"vitrina models download {i.name}" for i in missing)
        return Finding("models", PROBLEM if blocking else WARNING, _("Not downloaded yet: {names}.").format(
                           names=names),
                       _("Download in the studio (Help → Set up models and GigaChat) or run: "
                         "{commands}").format(commands=commands), facts)
    there = ", ".join(i.name for i in items if not i.needs_download)
    if free < LOW_DISK_BYTES:
        return Finding("models", WARNING, _("Models on disk: {names}; only {free} free in {cache}.").format(
            names=there, free=size(free), cache=cache),
            _("Free some disk space before downloading more models."),
            facts)
    return Finding("models", OK, _("Models on disk: {names}; {free} free in {cache}.").format(
        names=there, free=size(free), cache=cache), "", facts)


def _free(path: Path) -> int:
    for folder in (path, *path.parents):
        try:
            return shutil.disk_usage(folder).free
        except OSError:
            continue
    return 0


def keyring_backend(get_backend: Callable[[], object] | None = None) -> Finding:
    try:
        import keyring

        backend = (get_backend or keyring.get_keyring)()
        priority = float(getattr(backend, "priority", 1))
    except Exception as err:
        backend, priority = err, 0.0
    name = f"{type(backend).__module__}.{type(backend).__name__}"
    if priority <= 0 or "fail" in name or "null" in name.lower():
        return Finding("keyring", WARNING, _("No password store on this computer: the GigaChat key cannot be "
                                             "saved."),
                       _("The key comes from the GIGACHAT_CREDENTIALS environment variable instead; nothing "
                         "is stored. On Linux, install a Secret Service (GNOME Keyring or KWallet)."),
                       {"backend": name})
    return Finding("keyring", OK, _("The GigaChat key is kept in the system password store."), "",
                   {"backend": name})


def gigachat(key_source: str, *, online: bool = False, now: dt.datetime | None = None,
             handshake: Callable[[], str] | None = None) -> Finding:
    """The key is there and the clock is sane; with ``online``, TLS to GigaChat verifies with the
    shipped Russian root CA (one handshake, no request)."""
    now = now or dt.datetime.now(dt.UTC)
    facts: dict[str, object] = {"key": key_source or "none", "clock": now.isoformat(), "online": online}
    if now < EARLIEST_CLOCK:
        return Finding("gigachat", PROBLEM, _("The computer's clock says {date}: GigaChat's sign-in will be "
                                              "refused.").format(date=now.date().isoformat()),
                       _("Set the date and time (automatic time is best)."), facts)
    if not key_source:
        return Finding("gigachat", WARNING, _("No GigaChat key: card text can only be written by the local "
                                              "writer."), _("Add the key in Settings → Card text."), facts)
    if online:
        error = (handshake or _handshake)()
        facts["tls"] = error or "verified"
        if error:
            return Finding("gigachat", PROBLEM, _("A secure connection to GigaChat failed: {error}").format(
                error=error), _("Check the internet connection; a company proxy may need its certificate."),
                facts)
    where = {"keyring": _("from the password store"), "environment": _("from GIGACHAT_CREDENTIALS")}
    summary = _("GigaChat key present ({where}).").format(where=where.get(key_source, key_source))
    if online:
        summary += " " + _("TLS to GigaChat verifies with the Russian root CA.")
    return Finding("gigachat", OK, summary, "", facts)


def _handshake() -> str:
    from urllib.parse import urlparse

    from app.cardtext.tls import ssl_context

    host = urlparse(os.environ.get("GIGACHAT_BASE_URL") or "https://gigachat.devices.sberbank.ru").hostname
    try:
        with socket.create_connection((host or "", 443), timeout=10) as raw, \
                ssl_context().wrap_socket(raw, server_hostname=host):
            return ""
    except OSError as err:
        return str(err) or type(err).__name__


def folders(places: dict[str, Path] | None = None) -> Finding:
    places = places or {"data": Path(platformdirs.user_data_dir("vitrina", appauthor=False)),
                        "config": Path(platformdirs.user_config_dir("vitrina", appauthor=False)),
                        "cache": Path(platformdirs.user_cache_dir("vitrina", appauthor=False))}
    bad = {}
    for role, folder in places.items():
        try:
            folder.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=folder, prefix=".doctor-"):
                pass
        except OSError as err:
            bad[role] = f"{folder}: {err.strerror or err}"
    facts = {role: str(folder) for role, folder in places.items()}
    if bad:
        return Finding("folders", PROBLEM,
                       _("Vitrina cannot write to: {list}.").format(list="; ".join(bad.values())),
                       _("Give your user write access to these folders (or free the disk)."), facts)
    return Finding("folders", OK, _("The data, settings and cache folders are writable."), "", facts)
