"""``civcap eval-intake``: measure how well intake reads ToRs and CVs, through the readers the
pages use (``app.intake.terms_of_reference.read`` and ``app.intake.curriculum.read``)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click
from flask.cli import with_appcontext

from app.intake import evaluation


def report(result: dict[str, Any], directory: Path) -> str:
    """The figures of an evaluation as a table people can read."""
    lines = [f"Intake evaluation of {directory}"]
    for key, label in (("tors", "Terms of reference"), ("cvs", "CVs")):
        lines.append("")
        lines.append(f"{label} ({result[f'{key}_n']} documents)")
        width = max(len(name) for name in result[key])
        for name, value in result[key].items():
            lines.append(f"  {name:<{width}}  {value:6.3f}")
    lines.append("")
    lines.append(f"Median time to read one document: {result['median_ms']:.1f} ms")
    return "\n".join(lines)


@click.command("eval-intake")
@click.argument(
    "directory", type=click.Path(exists=True, file_okay=False, path_type=Path), metavar="DIR"
)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@with_appcontext
def eval_intake(directory: Path, as_json: bool) -> None:
    """Score the reading of terms of reference and CVs on an evaluation split DIR.

    DIR holds tors.jsonl and cvs.jsonl: one document a line, its text and the fields a careful
    HR assistant would enter after reading it. Each document is read by the code the request
    and expert pages use, and the proposals are scored: accuracy per field, exact set and F1 of
    the languages with their levels, F1 of areas and countries, recall of the skills, and the
    median time to read one document.
    """
    try:
        result = evaluation.evaluate(directory)
    except evaluation.EvaluationError as exc:
        click.echo(f"civcap: {exc}", err=True)
        raise SystemExit(1) from exc
    if as_json:
        click.echo(json.dumps(result))
    else:
        click.echo(report(result, directory))
