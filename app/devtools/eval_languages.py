"""``civcap eval-languages``: does a request rank as well in every UN language as in English?

The check ranks the same requests written in English and in Spanish, Arabic, Chinese, Russian
and French (``eval_data/translated_requests.jsonl``: terms of reference translated by hand) and
compares their nDCG@10. Each translation keeps everything of its English original but the title
and terms of reference, so the original's relevance judgements hold for it unchanged.

Each request is also ranked a second time with its required skills removed: a mission writing
in another language may type none (the skill vocabulary is English), and then the title and
terms of reference are all the matcher has.

It goes through the same product path as ``civcap eval-matching``, by calling it: the originals
and their variants are written as a split of their own (the roster file is the given split's,
the judgements are the originals' copied to each variant) and handed to
``eval_matching.evaluate``, which imports them into a temporary database and ranks each request
as the suggestions page does.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click
from flask.cli import with_appcontext

from app.devtools import eval_matching
from app.devtools.commands import DEV_SPLIT, failures_said
from matching import metrics

TRANSLATIONS = Path(__file__).resolve().parent / "eval_data" / "translated_requests.jsonl"
ENGLISH = "en"
# The order of the report: English first, then the other UN languages.
LANGUAGES = ("en", "es", "ar", "zh", "ru", "fr")
# Variant name -> whether the request keeps its required skills.
VARIANTS = {"skills": True, "no_skills": False}
SEPARATOR = "~"


class LanguageCheckError(eval_matching.EvaluationError):
    """The translations cannot be checked (a file is malformed or names an unknown request)."""


@dataclass(frozen=True)
class Translation:
    """One request's title and terms of reference in another language."""

    external_id: str
    lang: str
    title: str
    terms_of_reference: str


@dataclass(frozen=True)
class Variant:
    """Where a ranked request of the derived split comes from."""

    original: str
    lang: str
    variant: str


def read_translations(path: Path) -> list[Translation]:
    """The translations of ``path`` (JSON Lines), refusing a line that lacks a field."""
    translations = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            translation = Translation(
                external_id=str(record["external_id"]),
                lang=str(record["lang"]),
                title=str(record["title"]),
                terms_of_reference=str(record["terms_of_reference"]),
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise LanguageCheckError(
                f"{path}: line {number}: expected a JSON object with external_id, lang, "
                "title and terms_of_reference"
            ) from exc
        if translation.lang == ENGLISH:
            raise LanguageCheckError(f"{path}: line {number}: the originals are the English")
        translations.append(translation)
    return translations


def variant_id(original: str, lang: str, variant: str) -> str:
    """The external id of one variant in the derived split (unique, and readable)."""
    return SEPARATOR.join((original, lang, variant))


def derived_requests(
    originals: dict[str, dict[str, Any]], translations: Sequence[Translation]
) -> tuple[list[dict[str, Any]], dict[str, Variant]]:
    """Request lines for every translated original, in English and in each translation, with
    and without required skills; and where each came from, by its external id."""
    lines: list[dict[str, Any]] = []
    origin: dict[str, Variant] = {}
    texts: list[tuple[str, str, Translation | None]] = [
        (original_id, ENGLISH, None)
        for original_id in dict.fromkeys(t.external_id for t in translations)
    ]
    texts += [(t.external_id, t.lang, t) for t in translations]
    for original_id, lang, translation in texts:
        original = originals.get(original_id)
        if original is None:
            raise LanguageCheckError(f"a translation names {original_id}, not a request of DIR")
        for variant, keeps_skills in VARIANTS.items():
            line = dict(original)
            line["external_id"] = variant_id(original_id, lang, variant)
            if translation is not None:
                line["title"] = translation.title
                line["terms_of_reference"] = translation.terms_of_reference
            if not keeps_skills:
                line["required_skills"] = []
            if line["external_id"] in origin:
                raise LanguageCheckError(f"{original_id} is translated into {lang} twice")
            origin[line["external_id"]] = Variant(original_id, lang, variant)
            lines.append(line)
    return lines, origin


def write_split(
    directory: Path, translations: Sequence[Translation], into: Path
) -> dict[str, Variant]:
    """Write the derived split into ``into`` (roster of ``directory``, the variants as requests,
    each variant judged as its original) and return where each request came from."""
    missing = [name for name in eval_matching.FILES if not (directory / name).is_file()]
    if missing:
        raise LanguageCheckError(f"{directory} lacks {', '.join(missing)}")
    originals = {}
    for line in (directory / "requests.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            record = json.loads(line)
            originals[str(record.get("external_id"))] = record
    lines, origin = derived_requests(originals, translations)
    qrels = eval_matching.read_qrels(directory / "qrels.tsv")
    into.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(directory / "experts.jsonl", into / "experts.jsonl")
    (into / "requests.jsonl").write_text(
        "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines), encoding="utf-8"
    )
    rows = ["request_id\texpert_id\tgrade"]
    for request_id, source in origin.items():
        for expert_id, grade in sorted(qrels.get(source.original, {}).items()):
            rows.append(f"{request_id}\t{expert_id}\t{grade}")
    (into / "qrels.tsv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return origin


@dataclass
class LanguageCheck:
    """nDCG@10 by variant and language over the translated requests, and the gap to English.

    ``ndcg[variant][lang]`` is the mean over the originals translated into ``lang`` (and judged);
    ``gap[variant][lang]`` is that mean minus the English originals' over the same requests, so
    a language with fewer translations is compared on its own requests.
    """

    ndcg: dict[str, dict[str, float]]
    gap: dict[str, dict[str, float]]
    requests: dict[str, int]
    experts: int

    def as_json(self) -> dict[str, Any]:
        variants = {
            variant: {
                lang: {"ndcg@10": self.ndcg[variant][lang], "gap": self.gap[variant][lang]}
                for lang in self.ndcg[variant]
            }
            for variant in self.ndcg
        }
        return {
            **variants,
            "mean_gap": self.mean_gap(),
            "requests": self.requests,
            "experts": self.experts,
        }

    def mean_gap(self) -> dict[str, float]:
        """By variant, the mean gap of the languages other than English."""
        return {
            variant: metrics.mean([g for lang, g in gaps.items() if lang != ENGLISH])
            for variant, gaps in self.gap.items()
        }


def evaluate(directory: Path, translations_path: Path = TRANSLATIONS) -> LanguageCheck:
    """Rank every variant through ``eval_matching.evaluate`` and compare the languages."""
    translations = read_translations(translations_path)
    if not translations:
        raise LanguageCheckError(f"{translations_path} holds no translation")
    with tempfile.TemporaryDirectory(prefix="civcap-languages-") as tmp:
        origin = write_split(directory, translations, Path(tmp))
        evaluation = eval_matching.evaluate(Path(tmp))
    scores = {rid: ours for rid, (ours, _peer) in evaluation.ndcg_by_request.items()}
    return compare(scores, origin, int(evaluation.civcap["experts"]))


def compare(scores: dict[str, float], origin: dict[str, Variant], experts: int) -> LanguageCheck:
    """Group per-request nDCG@10 (judged requests only) by variant and language."""
    by: dict[tuple[str, str], dict[str, float]] = {}
    for request_id, score in scores.items():
        source = origin[request_id]
        by.setdefault((source.variant, source.lang), {})[source.original] = score
    ndcg: dict[str, dict[str, float]] = {}
    gap: dict[str, dict[str, float]] = {}
    for variant in VARIANTS:
        english = by.get((variant, ENGLISH), {})
        ndcg[variant], gap[variant] = {}, {}
        for lang in _languages(origin):
            own = by.get((variant, lang), {})
            if not own:
                continue
            ndcg[variant][lang] = metrics.mean(list(own.values()))
            gap[variant][lang] = metrics.mean([own[r] - english[r] for r in own if r in english])
    requests = {lang: len(by.get(("skills", lang), {})) for lang in ndcg["skills"]}
    return LanguageCheck(ndcg=ndcg, gap=gap, requests=requests, experts=experts)


def _languages(origin: dict[str, Variant]) -> list[str]:
    present = {source.lang for source in origin.values()}
    return [lang for lang in LANGUAGES if lang in present] + sorted(present - set(LANGUAGES))


def report(check: LanguageCheck, directory: Path) -> str:
    """The check as a table for people: one row per language, both variants side by side."""
    lines = [
        f"Language check on {directory}: the same requests in each language, ranked against "
        f"{check.experts:,} experts (temporary database; the configured one is untouched)",
        "",
        f"{'language':<10}{'requests':>9}{'with skills':>13}{'gap':>8}{'no skills':>12}{'gap':>8}",
    ]
    for lang, count in check.requests.items():
        cells = [f"{lang:<10}{count:>9}"]
        for variant, width in (("skills", 13), ("no_skills", 12)):
            cells.append(f"{check.ndcg[variant][lang]:>{width}.3f}")
            cells.append(f"{check.gap[variant][lang]:>+8.3f}")
        lines.append("".join(cells))
    means = check.mean_gap()
    lines.append(
        f"{'mean gap':<19}{'':>13}{means['skills']:>+8.3f}{'':>12}{means['no_skills']:>+8.3f}"
    )
    lines += ["", "nDCG@10 over the judged requests; gap: that language minus English."]
    return "\n".join(lines)


@click.command("eval-languages")
@click.argument(
    "directory",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    metavar="[DIR]",
    required=False,
    default=DEV_SPLIT,
)
@click.option(
    "--translations", "translations_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path), default=TRANSLATIONS,
    show_default="the translated dev requests shipped with civcap",
    help="JSON Lines of translations: external_id, lang, title, terms_of_reference.",
)  # fmt: skip
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@with_appcontext
def eval_languages(directory: Path, translations_path: Path, as_json: bool) -> None:
    """Compare how requests rank in each UN language against their English originals.

    DIR (default: the development split, ../shared/eval/dev) holds experts.jsonl,
    requests.jsonl and qrels.tsv. Each request named in the translations is ranked in English
    and in each of its translations, with its required skills and without, through the code
    eval-matching uses; prints nDCG@10 per language and its gap to English for both.
    """
    with failures_said(directory):
        check = evaluate(directory, translations_path)
    if as_json:
        click.echo(json.dumps(check.as_json()))
    else:
        click.echo(report(check, directory))
