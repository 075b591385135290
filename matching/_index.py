"""The roster as arrays: one row per expert, so that a request is scored against everyone at once.

Rows are append-only. Updating an expert appends a new row and retires the old one; removing
retires it. The text of rows added after the last build is kept in a small side matrix, so an
update costs one profile's transform, never a rebuild; the app rebuilds the whole index when
many rows have been retired (app/services/matching.py).
"""

from __future__ import annotations

import pickle
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import numpy as np
import scipy.sparse as sp

from matching._records import ExpertProfile, RequestProfile, cefr_rank
from matching._rows import Rows
from matching._semantic import SemanticSimilarity
from matching._text import TextSimilarity, expert_text, request_text

OPEN_ENDED = np.iinfo(np.int32).max


class Codes:
    """A growing mapping of names (area codes, modalities, languages…) to small integers."""

    def __init__(self) -> None:
        self.index: dict[str, int] = {}

    def __call__(self, name: str) -> int:
        if name not in self.index:
            self.index[name] = len(self.index)
        return self.index[name]

    def get(self, name: str) -> int | None:
        return self.index.get(name)


class Profiles:
    """The index's profiles, by row.

    Built, they are a list. Saved, they are packed: one byte string of each profile's pickle and
    the offsets where each starts. A process that loads a saved index maps that string from the
    file and unpickles a profile only when asked for its row (a ranking asks for the seventy it
    explains), instead of holding 100,000 objects in every worker. Profiles added after loading
    are a list again.
    """

    def __init__(self) -> None:
        self._packed = np.zeros(0, dtype=np.uint8)
        self._offsets = np.zeros(1, dtype=np.int64)
        self._added: list[ExpertProfile] = []

    @property
    def _packed_rows(self) -> int:
        return int(self._offsets.shape[0]) - 1

    def __len__(self) -> int:
        return self._packed_rows + len(self._added)

    def __getitem__(self, row: int) -> ExpertProfile:
        if 0 <= row < self._packed_rows:
            start, end = int(self._offsets[row]), int(self._offsets[row + 1])
            profile: ExpertProfile = pickle.loads(self._packed[start:end].tobytes())  # noqa: S301 - civcap's own index file
            return profile
        return self._added[row - self._packed_rows]

    def __iter__(self) -> Iterator[ExpertProfile]:
        for row in range(len(self)):
            yield self[row]

    def extend(self, profiles: Iterable[ExpertProfile]) -> None:
        self._added.extend(profiles)

    def __getstate__(self) -> dict[str, Any]:
        pickles = [pickle.dumps(p, protocol=pickle.HIGHEST_PROTOCOL) for p in self]
        offsets = np.zeros(len(pickles) + 1, dtype=np.int64)
        np.cumsum([len(p) for p in pickles], out=offsets[1:])
        packed = np.frombuffer(b"".join(pickles), dtype=np.uint8)
        return {"_packed": packed, "_offsets": offsets, "_added": []}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)


class RosterIndex:
    def __init__(self, text: TextSimilarity, semantic: SemanticSimilarity | None = None) -> None:
        self.text = text
        self.semantic = semantic
        self.meaning = Rows(semantic.output_dimensions if semantic is not None else 0)
        self.areas = Codes()
        self.modalities = Codes()
        self.languages = Codes()
        self.nationalities = Codes()
        self.genders = Codes()
        self.skills = Codes()
        self.profiles = Profiles()
        self.row_of: dict[int, int] = {}
        self.alive = np.zeros(0, dtype=bool)
        self.years = np.zeros(0, dtype=np.int16)
        self.available_from = np.zeros(0, dtype=np.int32)
        self.available_until = np.zeros(0, dtype=np.int32)
        self.area_bits = np.zeros(0, dtype=np.int64)
        # The core areas of each row's past deployments, and whether it has any.
        self.deployed_bits = np.zeros(0, dtype=np.int64)
        self.deployed = np.zeros(0, dtype=bool)
        self.modality_bits = np.zeros(0, dtype=np.int64)
        self.nationality = np.zeros(0, dtype=np.int32)
        self.gender = np.zeros(0, dtype=np.int32)
        self.global_south = np.zeros(0, dtype=bool)
        self.levels = np.full((0, 0), -1, dtype=np.int8)
        # Text and skills of rows [0, built): term-major (postings) for fast query scoring.
        self.built = 0
        self.text_columns = sp.csc_matrix((0, 0), dtype=np.float32)
        self.skill_postings = sp.csr_matrix((0, 0), dtype=np.float32)
        # Rows [built, n): row-major side matrices.
        self.text_tail: list[sp.csr_matrix] = []
        self._tail_matrix: sp.csr_matrix | None = None
        self.skill_tail: list[set[int]] = []

    def __len__(self) -> int:
        return len(self.row_of)

    @property
    def rows(self) -> int:
        return len(self.profiles)

    def __setstate__(self, state: dict[str, Any]) -> None:
        # Loaded from a saved index, the arrays may be read-only maps of its file: ``alive`` is
        # the one written in place (retiring a row), so this process keeps its own copy. The
        # others are only ever replaced by new arrays.
        self.__dict__.update(state)
        self.alive = np.array(self.alive, dtype=bool)

    # ---- building ------------------------------------------------------------------------

    def build(
        self, profiles: Sequence[ExpertProfile], text_matrix: sp.csr_matrix | None = None
    ) -> None:
        """Index ``profiles`` from scratch (the text model must already be fitted).

        ``text_matrix`` is the profiles' text rows when the caller has them already.
        """
        self.__init__(self.text, self.semantic)  # type: ignore[misc]
        self._append_attributes(profiles)
        self._rebuild_postings(text_matrix)
        if self.semantic is not None:
            self.meaning.append(self.semantic.profile_vectors(profiles))

    def _append_attributes(self, profiles: Sequence[ExpertProfile]) -> None:
        start = self.rows
        for offset, profile in enumerate(profiles):
            old = self.row_of.get(profile.expert_id)
            if old is not None:
                self.alive[old] = False
            self.row_of[profile.expert_id] = start + offset
        self.profiles.extend(profiles)
        n = len(profiles)
        for p in profiles:  # register codes first, so the language matrix has its columns
            for code in p.languages:
                self.languages(code)
        levels = np.full((n, len(self.languages.index)), -1, dtype=np.int8)
        for i, p in enumerate(profiles):
            for code, level in p.languages.items():
                levels[i, self.languages(code)] = cefr_rank(level)
        if self.levels.shape[1] < levels.shape[1]:
            pad = np.full(
                (self.levels.shape[0], levels.shape[1] - self.levels.shape[1]), -1, dtype=np.int8
            )
            self.levels = np.hstack([self.levels, pad])
        self.levels = np.vstack([self.levels, levels])

        def bits(names: Sequence[str], codes: Codes) -> int:
            value = 0
            for name in names:
                value |= 1 << codes(name)
            return value

        # A new row is alive unless a later row of the same batch replaced it.
        fresh = np.zeros(n, dtype=bool)
        for offset, profile in enumerate(profiles):
            fresh[offset] = self.row_of[profile.expert_id] == start + offset
        self.alive = np.concatenate([self.alive, fresh])
        self.years = np.concatenate(
            [self.years, np.array([p.years_experience for p in profiles], dtype=np.int16)]
        )
        self.available_from = np.concatenate(
            [self.available_from,
             np.array([p.available_from.toordinal() for p in profiles], dtype=np.int32)]
        )  # fmt: skip
        self.available_until = np.concatenate(
            [self.available_until,
             np.array([p.available_until.toordinal() if p.available_until else OPEN_ENDED
                       for p in profiles], dtype=np.int32)]
        )  # fmt: skip
        self.area_bits = np.concatenate(
            [self.area_bits, np.array([bits(p.areas, self.areas) for p in profiles], np.int64)]
        )
        self.deployed_bits = np.concatenate(
            [self.deployed_bits,
             np.array([bits([d.area for d in p.deployments], self.areas) for p in profiles],
                      np.int64)]
        )  # fmt: skip
        self.deployed = np.concatenate(
            [self.deployed, np.array([bool(p.deployments) for p in profiles], dtype=bool)]
        )
        self.modality_bits = np.concatenate(
            [self.modality_bits,
             np.array([bits(p.modalities, self.modalities) for p in profiles], np.int64)]
        )  # fmt: skip
        self.nationality = np.concatenate(
            [self.nationality, np.array([self.nationalities(p.nationality) for p in profiles],
                                        dtype=np.int32)]
        )  # fmt: skip
        self.gender = np.concatenate(
            [self.gender, np.array([self.genders(p.gender) for p in profiles], dtype=np.int32)]
        )
        self.global_south = np.concatenate(
            [self.global_south, np.array([p.global_south for p in profiles], dtype=bool)]
        )

    def _rebuild_postings(self, matrix: sp.spmatrix | None = None) -> None:
        if matrix is None or matrix.shape[0] != self.rows:
            matrix = self.text.transform([expert_text(p) for p in self.profiles])
        # Column-major: a query reads only the columns of its own terms.
        self.text_columns = sp.csc_matrix(matrix, dtype=np.float32)
        rows, cols = [], []
        for row, profile in enumerate(self.profiles):
            for skill in set(profile.skills):
                rows.append(row)
                cols.append(self.skills(skill))
        skills = sp.csr_matrix(
            (np.ones(len(rows), dtype=np.float32), (rows, cols)),
            shape=(self.rows, max(len(self.skills.index), 1)),
        )
        self.skill_postings = sp.csr_matrix(skills.T)
        self.built = self.rows
        self.text_tail = []
        self._tail_matrix = None
        self.skill_tail = []

    # ---- changing one expert -------------------------------------------------------------

    def upsert(self, profile: ExpertProfile) -> None:
        """Add or replace one expert without rebuilding the index."""
        self._append_attributes([profile])
        self.text_tail.append(self.text.transform([expert_text(profile)]))
        self._tail_matrix = None
        self.skill_tail.append({self.skills(s) for s in profile.skills})
        if self.semantic is not None:
            self.meaning.append(self.semantic.profile_vectors([profile]))

    def remove(self, expert_id: int) -> bool:
        row = self.row_of.pop(expert_id, None)
        if row is None:
            return False
        self.alive[row] = False
        return True

    # ---- scoring -------------------------------------------------------------------------

    def text_cosines(self, request: RequestProfile) -> np.ndarray:
        """Cosine of every row with the request's words and its roster phrases.

        The roster phrases (``SemanticSimilarity.request_phrases``: the titles and skills
        nearest to the request's meaning) carry a request in any language to the roster's own
        vocabulary. Without them a request in Russian or Chinese shares no word with an English
        profile, and one in Spanish only chance words, which the division by the best on the
        roster then gives full weight.
        """
        phrases = self.semantic.request_phrases(request) if self.semantic is not None else ()
        return self.text_scores(self.text.transform([request_text(request, phrases)]))

    def text_scores(self, query: sp.csr_matrix) -> np.ndarray:
        """Cosine of ``query`` (one unit row) with every row."""
        scores = np.zeros(self.rows, dtype=np.float32)
        if self.built and query.nnz:
            known = query.indices < self.text_columns.shape[1]
            columns = self.text_columns[:, query.indices[known]]
            scores[: self.built] = columns.dot(query.data[known])
        if self.text_tail:
            if self._tail_matrix is None:
                self._tail_matrix = sp.vstack(self.text_tail).tocsr()
            scores[self.built :] = self._tail_matrix.dot(query.T).toarray().ravel()
        return scores

    def meaning_scores(self, vector: np.ndarray) -> np.ndarray:
        """Cosine of the request's vector with every row's profile vector."""
        if self.semantic is None or self.rows == 0:
            return np.zeros(self.rows, dtype=np.float32)
        return self.meaning.dot(vector)

    def skill_counts(self, skill_names: Sequence[str]) -> np.ndarray:
        """How many of ``skill_names`` each row holds."""
        counts = np.zeros(self.rows, dtype=np.float32)
        columns = [c for c in (self.skills.get(s) for s in set(skill_names)) if c is not None]
        if not columns:
            return counts
        built_cols = [c for c in columns if c < self.skill_postings.shape[0]]
        if self.built and built_cols:
            counts[: self.built] = np.asarray(self.skill_postings[built_cols].sum(axis=0)).ravel()[
                : self.built
            ]
        wanted = set(columns)
        for offset, held in enumerate(self.skill_tail):
            counts[self.built + offset] = len(held & wanted)
        return counts
