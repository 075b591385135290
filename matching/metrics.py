"""Ranking-quality metrics of the matching benchmark (graded relevance judgements per request)."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

Qrels = Mapping[str, Mapping[str, int]]  # request id -> expert id -> grade (1..3)


def dcg(gains: Sequence[float]) -> float:
    return sum(g / math.log2(i + 2) for i, g in enumerate(gains))


def ndcg_at(ranked: Sequence[str], grades: Mapping[str, int], k: int = 10) -> float:
    """nDCG@k with gain 2^grade - 1; an expert not in ``grades`` has grade 0."""
    gains = [2 ** grades.get(e, 0) - 1 for e in ranked[:k]]
    ideal = sorted((2**g - 1 for g in grades.values()), reverse=True)[:k]
    best = dcg(ideal)
    return dcg(gains) / best if best > 0 else 0.0


def recall_at(ranked: Sequence[str], grades: Mapping[str, int], k: int = 50, min_grade: int = 2
              ) -> float | None:  # fmt: skip
    """Share of the experts of grade >= ``min_grade`` found in the top ``k``; None if none."""
    wanted = {e for e, g in grades.items() if g >= min_grade}
    if not wanted:
        return None
    return len(wanted & set(ranked[:k])) / len(wanted)


def reciprocal_rank(ranked: Sequence[str], grades: Mapping[str, int], grade: int = 3
                    ) -> float | None:  # fmt: skip
    """1/rank of the first expert of ``grade``; 0 if not ranked; None if the request has none."""
    if not any(g >= grade for g in grades.values()):
        return None
    for i, expert in enumerate(ranked, start=1):
        if grades.get(expert, 0) >= grade:
            return 1.0 / i
    return 0.0


def mean(values: Sequence[float | None]) -> float:
    kept = [v for v in values if v is not None]
    return sum(kept) / len(kept) if kept else 0.0
