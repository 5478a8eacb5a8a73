"""What one check of ``vitrina doctor`` found: a verdict, a line for the user and what to do about it."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

OK, WARNING, PROBLEM = "ok", "warning", "problem"
VERDICTS = (OK, WARNING, PROBLEM)


@dataclass(frozen=True)
class Finding:
    check: str  # a stable id: "gpu", "packages", "models", "qt", "keyring", "gigachat", "folders"
    verdict: str  # OK | WARNING | PROBLEM
    summary: str  # one line, in the user's language
    advice: str = ""  # what to do ("" when nothing)
    details: dict[str, Any] = field(default_factory=dict)  # the measured facts, for --json and bug reports

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def exit_status(findings: list[Finding]) -> int:
    """0 all ok, 1 warnings, 2 a problem that stops the main job."""
    verdicts = {f.verdict for f in findings}
    return 2 if PROBLEM in verdicts else 1 if WARNING in verdicts else 0
