"""``vitrina doctor [--json] [--online]``: check this computer; exit 0 (all ok), 1 (warnings),
2 (a problem)."""

from __future__ import annotations

import argparse
import json
import sys

from app.doctor import PROBLEM, WARNING, exit_status, run_checks
from app.i18n import _

MARKS = {WARNING: "!", PROBLEM: "✗"}


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "doctor", help=_("check this computer: GPU, libraries, models, Qt, keyring, folders"),
        description=_("Checks what Vitrina needs on this computer and says what to do about each "
                      "problem. Exit status: 0 all ok, 1 warnings, 2 a problem."))
    p.add_argument("--json", action="store_true", help=_("print the findings as JSON"))
    p.add_argument("--online", action="store_true",
                   help=_("also open a TLS connection to GigaChat (no request is sent)"))
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    findings = run_checks(online=args.online)
    status = exit_status(findings)
    if args.json:
        json.dump({"status": status, "findings": [f.to_json() for f in findings]}, sys.stdout,
                  ensure_ascii=False, indent=2, default=str)
        print()
        return status
    for finding in findings:
        print(f"{MARKS.get(finding.verdict, '✓')} {finding.summary}")
        if finding.advice:
            print(f"    {finding.advice}")
    return status
