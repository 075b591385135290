"""Importing experts and requests from JSON Lines, civcap's interchange format.

The command line (``civcap import-experts``, ``import-requests``), the demo data and the web
bulk import all come through here.

An import is all or nothing. ``read_experts``/``read_requests`` parse and validate every line
with the rules the forms use (``roster.experts.validate``, ``requests.drafting.validate``)
and raise ``ImportFailed`` listing every problem, each with its line and field, e.g.
``line 12: languages[1].level: 'D1' is not a CEFR level (A1, ...)``. ``write_experts``/
``write_requests`` then save the whole file in one transaction, with one audit event per created
or changed record. ``import_experts``/``import_requests`` do both steps. ``check_experts`` runs
``read_experts``' checks over records already parsed (the web bulk import turns CSV and XLSX
rows into them), and ``write_experts(..., dry_run=True)`` says what an import would do without
saving it (the web preview).

A line's ``external_id`` is required: importing a file again updates those records in place
instead of duplicating them, and leaves the unchanged ones untouched. Fields the format does not
know are refused rather than ignored, so a typo such as ``"year_experience"`` cannot silently drop
data; ``null`` counts as an absent field. Blank lines are skipped.

Who may import what is the caller's decision: these functions trust the file's
``nominated_by`` and ``requesting_organisation``. A focal point's web bulk import must first
check that every line and every existing ``external_id`` belongs to their own member state.
"""

from __future__ import annotations

from app.imports.expert_lines import (
    ExpertLine,
    check_experts,
    plan_experts,
    read_experts,
    write_experts,
)
from app.imports.lines import ImportFailed, ImportSummary, LineError, Progress, Source, source_label
from app.imports.request_lines import RequestLine, RequestPlan, read_requests, write_requests
from app.models import OrganisationKind

__all__ = [
    "ExpertLine",
    "ImportFailed",
    "ImportSummary",
    "LineError",
    "Progress",
    "RequestLine",
    "RequestPlan",
    "Source",
    "check_experts",
    "import_experts",
    "import_requests",
    "plan_experts",
    "read_experts",
    "read_requests",
    "source_label",
    "write_experts",
    "write_requests",
]


def import_experts(
    source: Source,
    actor_label: str | None = None,
    consent_version: str | None = None,
    progress: Progress | None = None,
) -> ImportSummary:
    """Read, validate and save a file of experts, all or nothing (see ``write_experts``).

    ``source`` is a path or an iterable of lines. Raises ``ImportFailed`` and saves nothing
    when any line has a problem.
    """
    lines = read_experts(source)
    return write_experts(
        lines, actor_label or source_label("import-experts", source), consent_version, progress
    )


def import_requests(
    source: Source,
    organisation: str | None = None,
    kind: OrganisationKind = OrganisationKind.MISSION,
    actor_label: str | None = None,
    progress: Progress | None = None,
) -> ImportSummary:
    """Read, validate and save a file of requests, all or nothing (see ``write_requests``).

    ``organisation`` requests every line that does not name its ``requesting_organisation``.
    """
    plan = read_requests(source, organisation, kind)
    return write_requests(plan, actor_label or source_label("import-requests", source), progress)
