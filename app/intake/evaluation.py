"""How well intake reads documents: the metrics of the intake benchmark (its README).

Each document's expected fields, as a careful HR assistant entered them, are compared with what
intake proposes. Both sides are plain dicts of JSON values (``proposal_as_dict`` turns a
proposal into one). Every figure is a share between 0 and 1, averaged over the documents:

- a field's accuracy: the proposed value equals the expected one; an expected null counts, and is
  right only when nothing is proposed ("not stated");
- ``*_exact`` and ``*_f1``: the proposed set of (language, level) pairs, areas or countries is
  the expected set, and the F1 of the two sets (two empty sets score 1.0);
- ``skills_recall``: the share of expected skills that one of the first ten suggestions matches,
  a match being two phrases whose word sets (case and plural folded) overlap by a Jaccard of
  at least 0.5.
"""

from __future__ import annotations

import json
import re
import statistics
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import fields, is_dataclass
from datetime import date
from pathlib import Path
from typing import Any

from app.intake.proposals import LanguageLevel, Proposed

TOR_FIELDS = (
    "area",
    "min_years_experience",
    "start_date",
    "duration_months",
    "modality",
    "mission_country",
)
CV_FIELDS = ("nationality",)
MAX_SUGGESTIONS = 10
MATCH_JACCARD = 0.5

Row = tuple[Mapping[str, Any], Mapping[str, Any]]  # (expected, proposed)


class EvaluationError(Exception):
    """The split cannot be evaluated (a file is missing or a line is malformed)."""


# --- comparing values -------------------------------------------------------------------------


def _plural_fold(word: str) -> str:
    """The singular of an English word, by the common rules ("policies" → "policy")."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith("sses"):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def skill_tokens(phrase: str) -> frozenset[str]:
    """The words of a skill phrase, lower case and singular, as a set."""
    return frozenset(_plural_fold(w) for w in re.findall(r"\w+", phrase.casefold()))


def skills_match(expected: str, suggested: str) -> bool:
    """Whether a suggested skill names the expected one: word sets with Jaccard ≥ 0.5."""
    a, b = skill_tokens(expected), skill_tokens(suggested)
    if not a or not b:
        return False
    return len(a & b) / len(a | b) >= MATCH_JACCARD


def skills_recall(expected: Sequence[str], suggested: Sequence[str]) -> float:
    """The share of expected skills matched by one of the first ten suggestions (1.0 when none
    are expected)."""
    if not expected:
        return 1.0
    top = list(suggested)[:MAX_SUGGESTIONS]
    found = sum(1 for skill in expected if any(skills_match(skill, s) for s in top))
    return found / len(expected)


def set_f1(expected: Iterable[Any], proposed: Iterable[Any]) -> float:
    """F1 of the proposed set against the expected one (1.0 when both are empty)."""
    e, p = set(expected), set(proposed)
    if not e and not p:
        return 1.0
    hits = len(e & p)
    if not hits:
        return 0.0
    precision, recall = hits / len(p), hits / len(e)
    return 2 * precision * recall / (precision + recall)


def language_pairs(items: Iterable[Mapping[str, Any]] | None, level_key: str) -> set[tuple]:
    """The (code, level) pairs of a list of language dicts."""
    return {(str(item.get("code")), item.get(level_key)) for item in items or ()}


def _mean(values: Sequence[float]) -> float:
    return sum(values) / len(values) if values else 0.0


def _within(expected: Any, proposed: Any, tolerance: int) -> bool:
    if expected is None or proposed is None:
        return expected is None and proposed is None
    return abs(int(expected) - int(proposed)) <= tolerance


# --- scoring ----------------------------------------------------------------------------------


def _language_scores(rows: Sequence[Row], key: str, level_key: str) -> dict[str, float]:
    exact, f1 = [], []
    for expected, proposed in rows:
        e = language_pairs(expected.get(key), level_key)
        p = language_pairs(proposed.get(key), level_key)
        exact.append(float(e == p))
        f1.append(set_f1(e, p))
    return {f"{key}_exact": _mean(exact), f"{key}_f1": _mean(f1)}


def _accuracy(rows: Sequence[Row], key: str) -> float:
    return _mean([float(exp.get(key) == prop.get(key)) for exp, prop in rows])


def _recall(rows: Sequence[Row]) -> float:
    return _mean([skills_recall(e.get("skills") or [], p.get("skills") or []) for e, p in rows])


def score_tors(rows: Iterable[Row]) -> dict[str, float]:
    """The ToR figures of the README over (expected, proposed) pairs of dicts."""
    rows = list(rows)
    scores = {key: _accuracy(rows, key) for key in TOR_FIELDS}
    scores |= _language_scores(rows, "languages", "min_level")
    scores |= _language_scores(rows, "preferred_languages", "min_level")
    scores["skills_recall"] = _recall(rows)
    return scores


def score_cvs(rows: Iterable[Row]) -> dict[str, float]:
    """The CV figures of the README over (expected, proposed) pairs of dicts."""
    rows = list(rows)
    scores = {key: _accuracy(rows, key) for key in CV_FIELDS}
    scores["years_experience"] = _mean(
        [float(_within(e.get("years_experience"), p.get("years_experience"), 0)) for e, p in rows]
    )
    scores["years_experience_within_1"] = _mean(
        [float(_within(e.get("years_experience"), p.get("years_experience"), 1)) for e, p in rows]
    )
    scores |= _language_scores(rows, "languages", "level")
    for key in ("areas", "countries_of_experience"):
        scores[f"{key}_f1"] = _mean([set_f1(e.get(key) or [], p.get(key) or []) for e, p in rows])
    scores["skills_recall"] = _recall(rows)
    return scores


# --- proposals as plain values ----------------------------------------------------------------


def _plain(value: Any, level_key: str) -> Any:
    if isinstance(value, Proposed):
        return _plain(value.value, level_key)
    if isinstance(value, LanguageLevel):
        return {"code": value.code, level_key: value.level}
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list):
        return [_plain(item, level_key) for item in value]
    return value


def proposal_as_dict(proposal: Any) -> dict[str, Any]:
    """A request or profile proposal as the benchmark writes expected fields: bare values (no
    evidence), dates in ISO 8601, languages as {"code", "min_level"} for a request and
    {"code", "level"} for a profile."""
    if not is_dataclass(proposal):
        raise TypeError("a proposal dataclass is expected")
    level_key = "min_level" if hasattr(proposal, "preferred_languages") else "level"
    return {f.name: _plain(getattr(proposal, f.name), level_key) for f in fields(proposal)}


# --- a whole split ----------------------------------------------------------------------------


def _lines(path: Path) -> list[dict[str, Any]]:
    if not path.is_file():
        raise EvaluationError(f"{path} is missing")
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise EvaluationError(f"{path}:{number} is not JSON: {exc.msg}") from exc
        if not isinstance(row, dict) or not isinstance(row.get("text"), str):
            raise EvaluationError(f"{path}:{number} has no document text")
        if not isinstance(row.get("expected"), dict):
            raise EvaluationError(f"{path}:{number} has no expected fields")
        rows.append(row)
    return rows


def _read_all(
    rows: Sequence[dict[str, Any]], read: Callable[[str], Any], timings: list[float]
) -> list[Row]:
    pairs: list[Row] = []
    for row in rows:
        started = time.perf_counter()
        proposal = read(row["text"])
        timings.append((time.perf_counter() - started) * 1000)
        pairs.append((row["expected"], proposal_as_dict(proposal)))
    return pairs


def evaluate(directory: Path) -> dict[str, Any]:
    """Read every ToR and CV of the split in ``directory`` (``tors.jsonl``, ``cvs.jsonl``) with
    the readers the pages use, and score them: the JSON object of the benchmark's README."""
    from app.intake import curriculum, terms_of_reference

    directory = Path(directory)
    tors, cvs = _lines(directory / "tors.jsonl"), _lines(directory / "cvs.jsonl")
    timings: list[float] = []
    tor_pairs = _read_all(tors, terms_of_reference.read, timings)
    cv_pairs = _read_all(cvs, curriculum.read, timings)
    return {
        "tors": score_tors(tor_pairs),
        "cvs": score_cvs(cv_pairs),
        "tors_n": len(tor_pairs),
        "cvs_n": len(cv_pairs),
        "median_ms": round(statistics.median(timings), 3) if timings else 0.0,
    }
