"""`civcap eval-matching` on a small split written here, and the FTS5 BM25 peer."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from app.cli import cli
from app.devtools import eval_matching as evaluation
from app.extensions import db
from app.models import Expert, Organisation, OrganisationKind
from app.suggestions.worker_index import watermark
from matching import ExpertProfile, RequestProfile
from matching.bm25_peer import Bm25Peer, fts_query
from tests.conftest import count
from tests.factories import make_expert, make_organisation

KEYS = {"ndcg@10", "ndcg@10_fr", "recall@50", "mrr", "deployable@10", "requests", "experts",
        "median_ms"}  # fmt: skip
SHARES = ("ndcg@10", "ndcg@10_fr", "recall@50", "mrr", "deployable@10")
BAND_SHARES = ("strong_precision", "strong_precision_qualified", "weak_leak", "strong@10",
               "strong@10_fr")  # fmt: skip
BAND_COUNTS = ("top10_strong", "top10_possible", "top10_weak")

# Occupations of the little roster: title, area, skills, a sentence of the summary.
OCCUPATIONS = {
    "drafter": ("legislative drafter", "justice",
                ["draft legislation", "advise on legislative acts", "analyse existing legislation"],
                "Drafts bills and regulations and advises parliaments on legislative acts."),
    "police": ("police commissioner", "security",
               ["supervise police operations", "coordinate police investigations",
                "manage police personnel"],
               "Coordinates and supervises a police division, its operations and investigations."),
    "water": ("water engineer", "economic_revitalization",
              ["design water supply networks", "assess water quality", "maintain pumping stations"],
              "Designs water supply and sanitation systems for towns and camps."),
    "accountant": ("public finance accountant", "core_government",
                   ["prepare public budgets", "audit public accounts", "manage treasury payments"],
                   "Prepares budgets and audits the accounts of ministries."),
    "elections": ("electoral officer", "political_processes",
                  ["plan voter registration", "train polling staff", "manage ballot logistics"],
                  "Plans voter registration and polling operations."),
}  # fmt: skip


def expert(external_id: str, occupation: str, **overrides: object) -> dict[str, object]:
    title, area, skills, sentence = OCCUPATIONS[occupation]
    line = {
        "external_id": external_id, "full_name": f"Expert {external_id}", "gender": "female",
        "nationality": "GH", "nominated_by": "Government of GH", "title": title,
        "summary": f"{title.capitalize()} with 12 years of professional experience. {sentence}",
        "skills": skills, "areas": [area],
        "languages": [{"code": "en", "level": "C1"}, {"code": "fr", "level": "B2"}],
        "years_experience": 12, "available_from": "2027-01-01", "available_until": "2028-12-31",
        "modalities": ["government_provided", "consultant"],
    }  # fmt: skip
    line.update(overrides)
    return line


def request(external_id: str, occupation: str, **overrides: object) -> dict[str, object]:
    title, area, skills, sentence = OCCUPATIONS[occupation]
    line = {
        "external_id": external_id, "title": title, "mission_country": "SS",
        "terms_of_reference": sentence, "area": area, "required_skills": skills,
        "languages": [{"code": "en", "min_level": "B2"}], "min_years_experience": 5,
        "start_date": "2027-03-01", "duration_months": 6, "modality": "consultant",
    }  # fmt: skip
    line.update(overrides)
    return line


def write_split(directory: Path) -> Path:
    """30 experts, 4 requests: easy, French without skills, ordinary, impossible (Russian)."""
    experts = [expert("X01", "drafter", languages=[{"code": "en", "level": "C2"}])]
    others = ["police"] * 8 + ["water"] * 7 + ["accountant"] * 7 + ["elections"] * 7
    experts += [expert(f"X{n:02d}", job) for n, job in enumerate(others, start=2)]
    requests = [
        request("R-EASY", "drafter"),
        request(
            "R-FR", "police", title="commissaire de police", required_skills=[],
            terms_of_reference="Les commissaires de police coordonnent et supervisent une "
            "division de police, ses opérations et ses enquêtes (police investigations).",
            languages=[{"code": "fr", "min_level": "B2"}], modality="government_provided",
        ),
        request("R-WATER", "water"),
        request("R-IMPOSSIBLE", "accountant", languages=[{"code": "ru", "min_level": "C1"}]),
    ]  # fmt: skip
    qrels = [("R-EASY", "X01", 3)]
    qrels += [("R-FR", e["external_id"], 3) for e in experts if e["title"] == "police commissioner"]
    qrels += [("R-WATER", e["external_id"], 3) for e in experts if e["title"] == "water engineer"]
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "experts.jsonl").write_text("".join(json.dumps(e) + "\n" for e in experts))
    (directory / "requests.jsonl").write_text("".join(json.dumps(r) + "\n" for r in requests))
    tsv = "request_id\texpert_id\tgrade\n" + "".join(f"{r}\t{e}\t{g}\n" for r, e, g in qrels)
    (directory / "qrels.tsv").write_text(tsv)
    return directory


def test_eval_matching_json(runner, app, tmp_path):
    # The configured database holds a roster of its own, which the evaluation must not touch.
    ghana = make_organisation(OrganisationKind.MEMBER_STATE, name="Government of GH", country="GH")
    make_expert(ghana)
    organisations_before = count(Organisation)

    result = runner.invoke(cli, ["eval-matching", str(write_split(tmp_path / "split")), "--json"])

    assert result.exit_code == 0, result.output
    figures = json.loads(result.stdout)  # exactly one JSON object on stdout
    assert set(figures) == KEYS | set(BAND_SHARES) | set(BAND_COUNTS) | {"peer", "no_deployable"}
    assert set(figures["peer"]) == KEYS  # the peer has no bands
    for scores in (figures, figures["peer"]):
        assert scores["requests"] == 4 and scores["experts"] == 30
        assert all(0.0 <= scores[name] <= 1.0 for name in SHARES), scores
        assert scores["median_ms"] > 0
    assert figures["no_deployable"] == ["R-IMPOSSIBLE"]
    # Three of the four top tens are all deployable; the impossible request has none.
    assert figures["deployable@10"] == pytest.approx(0.75)
    assert figures["ndcg@10_fr"] > 0
    assert all(0.0 <= figures[name] <= 1.0 for name in BAND_SHARES), figures
    # Every expert of the four top tens has a band (the impossible request's: near misses).
    assert sum(figures[name] for name in BAND_COUNTS) == 40
    # The only drafter is strong for the drafting request; nobody relevant is folded away.
    assert figures["strong@10"] >= 0.25 and figures["weak_leak"] == 0.0
    assert count(Expert) == 1
    assert count(Organisation) == organisations_before


def test_eval_matching_scores_a_perfect_candidate_first(app, tmp_path):
    result = evaluation.evaluate(write_split(tmp_path / "split"))

    assert set(result.ndcg_by_request) == {"R-EASY", "R-FR", "R-WATER"}
    civcap, _peer = result.ndcg_by_request["R-EASY"]
    assert civcap == 1.0
    assert count(Expert) == 0


def test_eval_matching_text_report(runner, app, tmp_path):
    result = runner.invoke(cli, ["eval-matching", str(write_split(tmp_path / "split"))])

    assert result.exit_code == 0, result.output
    assert "civcap" in result.stdout and "FTS5 BM25" in result.stdout
    assert "ndcg@10_fr" in result.stdout
    assert "strong_precision" in result.stdout and "weak_leak" in result.stdout
    assert "Requests with no deployable expert" in result.stdout
    assert "  R-IMPOSSIBLE" in result.stdout


def test_eval_matching_needs_the_three_files(runner, app, tmp_path):
    split = write_split(tmp_path / "split")
    (split / "qrels.tsv").unlink()

    result = runner.invoke(cli, ["eval-matching", str(split), "--json"])

    assert result.exit_code == 1
    assert "lacks qrels.tsv" in result.stderr


def test_eval_matching_reports_a_file_the_import_refuses(runner, app, tmp_path):
    split = write_split(tmp_path / "split")
    with (split / "experts.jsonl").open("a") as file:
        file.write(json.dumps(expert("X99", "water", languages=[{"code": "en", "level": "D1"}])))

    result = runner.invoke(cli, ["eval-matching", str(split)])

    assert result.exit_code == 1
    assert "line 31: languages[0].level" in result.stderr
    assert "nothing was evaluated" in result.stderr


def banded_run(request_id: str, places: list[tuple[str, str, bool, bool]], fr: bool = False):
    """A civcap run from (expert, band, deployable, qualified) rank by rank."""
    return evaluation.RequestRun(
        request_id=request_id, ranked=[p[0] for p in places], deployable_top10=1.0,
        without_skills=fr, seconds=0.0, bands=[p[1] for p in places],
        deployable=[p[2] for p in places], qualified=[p[3] for p in places],
    )  # fmt: skip


def test_band_metrics_pool_the_top_tens_of_all_requests():
    qrels = {"A": {"a1": 3, "a2": 1, "a3": 2, "a12": 2}, "B": {"b1": 2}}
    a = [
        ("a1", "strong", True, True),
        ("a2", "strong", True, False),
        ("a3", "weak", True, True),
        ("a4", "possible", True, True),
    ]
    a += [(f"a{n}", "weak", True, True) for n in range(5, 11)]
    a += [("a11", "strong", True, True), ("a12", "weak", True, True)]  # ranks 11 and 12
    b = [("b1", "strong", False, True), ("b2", "strong", True, True)]
    c = [("c1", "possible", True, True)]  # unjudged: every grade 0
    runs = [banded_run("A", a), banded_run("B", b), banded_run("C", c, fr=True)]

    figures = evaluation.band_metrics(runs, qrels)

    # Strong in the top 10s: a1 (3), a2 (1), b1 (2), b2 (0); a11 is rank 11.
    assert figures["strong_precision"] == pytest.approx(2 / 4)
    # a2 is short of years or modality (its grade was lowered): left out of the variant.
    assert figures["strong_precision_qualified"] == pytest.approx(2 / 3)
    # Grade >= 2 in the top 50s: a1, a3 (weak), a12 (weak, rank 12), b1.
    assert figures["weak_leak"] == pytest.approx(2 / 4)
    # A and B hold a strong deployable suggestion (b2), C none; C is the only French one.
    assert figures["strong@10"] == pytest.approx(2 / 3)
    assert figures["strong@10_fr"] == 0.0
    assert (figures["top10_strong"], figures["top10_possible"], figures["top10_weak"]) == (
        4, 2, 7,
    )  # fmt: skip


def test_band_metrics_of_no_runs_are_zero():
    figures = evaluation.band_metrics([], {})
    assert all(value == 0 for value in figures.values())


# ---- the BM25 peer ---------------------------------------------------------------------------


def profile(expert_id: int, title: str, summary: str, skills: tuple[str, ...]) -> ExpertProfile:
    return ExpertProfile(
        expert_id=expert_id, title=title, summary=summary, skills=skills, areas=(),
        languages={"en": "C1"}, years_experience=10, available_from=date(2027, 1, 1),
        available_until=None, modalities=("consultant",),
    )  # fmt: skip


def peer_request(title: str, terms: str = "", skills: tuple[str, ...] = ()) -> RequestProfile:
    return RequestProfile(
        title=title, terms_of_reference=terms, area="justice", required_skills=skills,
        languages={"en": "B2"}, min_years_experience=0, start_date=date(2027, 3, 1),
        duration_months=6, modality="consultant",
    )  # fmt: skip


@pytest.fixture
def peer():
    fitted = Bm25Peer().fit(
        [
            profile(7, "water engineer", "Designs water networks.", ("assess water quality",)),
            profile(3, "court administrator", "Runs a court registry.", ("manage court cases",)),
            profile(9, "electoral officer", "Plans polling.", ("plan voter registration",)),
        ]
    )
    yield fitted
    fitted.close()


def test_peer_ranks_the_keyword_match_first(peer):
    ranked = peer.rank(peer_request("court administrator", skills=("manage court cases",)), k=5)
    assert ranked[0] == 3
    assert peer.rank(peer_request("water"), k=5) == [7]
    assert peer.rank(peer_request("court administrator"), k=0) == []


def test_peer_matches_across_accents(peer):
    assert peer.rank(peer_request("électoral"), k=5) == [9]


@pytest.mark.parametrize(
    "title",
    [
        'court "administrator',
        "court AND administrator",
        "court OR NOT administrator NEAR(x)",
        "court* administrat*",
        "(court) administrator)",
        "court-administrator - registry",
        "title:court ^administrator {summary}: + ",
        "court administrator's \"case\" 'files'",
    ],
)
def test_peer_query_syntax_in_the_text_is_searched_as_words(peer, title):
    assert peer.rank(peer_request(title, terms="registry; AND OR"), k=5)[0] == 3


def test_peer_with_nothing_to_search_finds_nothing(peer):
    assert peer.rank(peer_request("--- ( ) * \" ' :"), k=5) == []


def test_fts_query_quotes_every_word_once():
    assert fts_query(['say "AND" Say', "or_not*"]) == '"say" OR "and" OR "or" OR "not"'


def test_peer_must_be_fitted():
    with pytest.raises(RuntimeError, match="not fitted"):
        Bm25Peer().rank(peer_request("court"))


# ---- civcap reindex --------------------------------------------------------------------------


def test_reindex_rebuilds_and_asks_every_worker_to(runner, app):
    ghana = make_organisation(OrganisationKind.MEMBER_STATE, name="Government of GH", country="GH")
    make_expert(ghana)
    withdrawn = make_expert(ghana, full_name="Kofi Boateng")
    withdrawn.consent_given_at = None  # no consent on record: never suggested, never indexed
    db.session.commit()
    before = watermark().generation

    result = runner.invoke(cli, ["reindex"])

    assert result.exit_code == 0, result.output
    assert "Indexed 1 suggestible experts in" in result.stdout
    assert watermark().generation == before + 1
    assert f"Index generation {before + 1}" in result.stdout


def test_reindex_saves_the_new_generation_for_every_worker_where_the_index_is_shared(
    runner, app, tmp_path
):
    ghana = make_organisation(OrganisationKind.MEMBER_STATE, name="Government of GH", country="GH")
    make_expert(ghana)
    app.config["MATCHING_INDEX_DIR"] = str(tmp_path)

    result = runner.invoke(cli, ["reindex"])

    assert result.exit_code == 0, result.output
    saved = list(tmp_path.glob("*/build-*/matcher.joblib"))
    assert len(saved) == 1
    assert f"saved in {saved[0].parent}" in result.stdout
    assert "loads it at its next ranking" in result.stdout
