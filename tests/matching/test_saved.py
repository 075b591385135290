"""A matcher saved to a file and loaded memory-mapped ranks as the one that was fitted."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from matching import Matcher, load_matcher, save_matcher
from tests.matching.test_matcher import FILLER, expert, ranked_ids, request

ROSTER = [
    expert(1),
    expert(2, title="judge", skills=("legislative drafting",), languages={"fr": "C2"}),
    expert(3, title="prison director", skills=("prison management",), areas=("corrections",)),
    *FILLER,
]


@pytest.fixture
def saved(tmp_path):
    fitted = Matcher().fit(ROSTER)
    path = save_matcher(fitted, tmp_path / "matcher.joblib")
    return fitted, path


def test_loaded_matcher_ranks_and_explains_as_the_fitted_one(saved):
    fitted, path = saved
    loaded = load_matcher(path)
    for wanted in (request(), request(title="prison director", area="corrections")):
        assert ranked_ids(loaded, wanted) == ranked_ids(fitted, wanted)
        a, b = fitted.rank(wanted), loaded.rank(wanted)
        assert [s.components for s in a.deployable] == [s.components for s in b.deployable]
        assert [s.reasons for s in a.near_misses] == [s.reasons for s in b.near_misses]


def test_loaded_arrays_are_mapped_from_the_file_not_read_into_memory(saved):
    _, path = saved
    index = load_matcher(path).index_
    assert isinstance(index.meaning.base, np.memmap)
    assert isinstance(index.text_columns.data, np.memmap)
    assert isinstance(index.profiles._packed, np.memmap)
    assert index.profiles[index.row_of[3]].title == "prison director"


def test_a_loaded_matcher_takes_upserts_and_removals_without_writing_its_file(saved):
    _, path = saved
    before = path.read_bytes()
    loaded = load_matcher(path)
    loaded.upsert(replace(expert(3), title="court administrator", areas=("justice",)))
    loaded.upsert(expert(40, title="court administrator registrar"))
    assert loaded.remove(1)
    ids = ranked_ids(loaded, request())
    assert 1 not in ids and 3 in ids and 40 in ids
    assert loaded.index_.profiles[loaded.index_.row_of[3]].title == "court administrator"
    assert path.read_bytes() == before
    assert ranked_ids(load_matcher(path), request())[0] == 1  # the file still holds the build


def test_a_loaded_matcher_saved_again_keeps_its_upserts(saved, tmp_path):
    _, path = saved
    loaded = load_matcher(path)
    loaded.upsert(expert(41, title="court administrator", skills=("manage court cases",)))
    again = load_matcher(save_matcher(loaded, tmp_path / "again.joblib"))
    assert ranked_ids(again, request()) == ranked_ids(loaded, request())
    assert again.index_.meaning.tail.rows == 0  # one base again


def test_a_file_that_is_not_a_matcher_is_refused(tmp_path):
    import joblib

    path = tmp_path / "other.joblib"
    joblib.dump({"not": "a matcher"}, path)
    with pytest.raises(TypeError, match="does not hold a civcap matcher"):
        load_matcher(path)
