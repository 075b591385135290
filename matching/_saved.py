"""A fitted matcher saved to one file, and loaded back memory-mapped.

``save`` writes the matcher with joblib, which stores each numpy array of it (the meaning
vectors, the text postings, the packed profiles: ``Rows``, ``Profiles``) as raw bytes in the
file. ``load`` maps those arrays from the file instead of reading them into memory: every
process that loads the same file shares one copy of them in the page cache, so four or eight
web workers hold one index between them, and loading takes a fraction of a second. Only the
small parts (the term codes, the row of each expert) are each process's own.

The file is a pickle: it is code as much as data, to be kept where only civcap writes (the
app's instance folder), never taken from anyone else.
"""

from __future__ import annotations

import os
import pickle
from pathlib import Path

import joblib

from matching._matcher import Matcher


def save(matcher: Matcher, path: str | os.PathLike[str]) -> Path:
    """Write ``matcher`` (fitted) to ``path``; returns the path."""
    path = Path(path)
    joblib.dump(matcher, path, protocol=pickle.HIGHEST_PROTOCOL)
    return path


def load(path: str | os.PathLike[str]) -> Matcher:
    """The matcher saved at ``path``, its arrays mapped read-only from the file."""
    matcher = joblib.load(Path(path), mmap_mode="r")
    if not isinstance(matcher, Matcher):
        raise TypeError(f"{path} does not hold a civcap matcher")
    return matcher
