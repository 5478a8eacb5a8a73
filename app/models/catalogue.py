"""Every model Vitrina knows by name, in one list across roles, as trust candidates.

The registries stay where their loaders are (``app.segment``, ``app.describe``, the local writer);
this module only reads them, so ``vitrina models`` and the studio's update check see the same list.
"""

from __future__ import annotations

from app.errors import ModelError
from app.i18n import _
from app.models.trust import Candidate

SEGMENTATION, DESCRIBER, WRITER = "segmentation", "describer", "writer"
ROLES = (SEGMENTATION, DESCRIBER, WRITER)


def candidates(role: str | None = None) -> list[Candidate]:
    from app.cardtext.local_writer import WRITER_MODELS
    from app.describe.registry import ALLOW_PATTERNS, DESCRIBERS
    from app.segment.registry import VARIANTS

    found = [Candidate(v.name, SEGMENTATION, v.repo, v.revision, v.licence, v.commercial_use, runs_code=True,
                       note=v.note)
             for v in VARIANTS.values()]
    for table, table_role in ((DESCRIBERS, DESCRIBER), (WRITER_MODELS, WRITER)):
        found += [Candidate(s.name, table_role, s.repo, s.revision, s.licence, s.commercial_use,
                            runs_code=False, allow_patterns=tuple(ALLOW_PATTERNS), note=s.note)
                  for s in table.values()]
    return [c for c in found if role is None or c.role == role]


def find(name: str, role: str | None = None) -> Candidate:
    """The entry called ``name`` (in ``role`` if given; otherwise the first role that has it)."""
    for candidate in candidates(role):
        if candidate.name == name:
            return candidate
    known = ", ".join(sorted({c.name for c in candidates(role)}))
    raise ModelError(_("Unknown model {name!r}. Known models: {known}.").format(name=name, known=known))
