"""``vitrina doctor``: what this computer has, what stops Vitrina from using it, and what to do.

Each check returns a :class:`Finding`; the CLI prints or dumps them and the studio shows the same
report. Checks never raise: a check that cannot look says so as its finding.
"""

from __future__ import annotations

import logging

from app.doctor import environment, gpu, packages, qt
from app.doctor.findings import OK, PROBLEM, VERDICTS, WARNING, Finding, exit_status
from app.i18n import _

__all__ = ["OK", "PROBLEM", "VERDICTS", "WARNING", "Finding", "exit_status", "run_checks"]
log = logging.getLogger(__name__)


def run_checks(*, online: bool = False) -> list[Finding]:
    """All checks, in the order the report shows them (imports torch: seconds, off the UI thread)."""
    from app import settings
    from app.cardtext.credentials import key_source
    from app.firstrun.plan import plan
    from app.segment.download import cache_dir

    steps = [
        ("gpu", lambda: gpu.check(gpu.probe())),
        ("packages", packages.check),
        ("models", lambda: environment.models(plan(settings.load()), cache_dir())),
        ("qt", qt.check),
        ("keyring", environment.keyring_backend),
        ("gigachat", lambda: environment.gigachat(key_source(), online=online)),
        ("folders", environment.folders),
    ]
    findings = []
    for name, step in steps:
        try:
            findings.append(step())
        except Exception as err:  # a check that breaks is a finding, never a traceback
            log.exception("doctor check %s failed", name)
            findings.append(Finding(name, WARNING, _("This check could not run: {error}").format(
                error=f"{type(err).__name__}: {err}")))
    return findings
