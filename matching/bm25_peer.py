"""The keyword-search peer civcap is measured against: SQLite FTS5 BM25 (stdlib ``sqlite3`` only).

The peer indexes the same profile text the matcher reads (title, CV summary, skills) in an
in-memory FTS5 table and answers a request with the experts whose text best matches the
request's title, terms of reference and required skills, every word OR-ed, by BM25. It is a
plain ranking: it knows nothing of deployability and explains nothing.

Each query word is quoted as an FTS5 string, so punctuation and FTS5 syntax in the request
(``"``, ``AND``, ``NEAR``, ``*``, ``(``, ``-``, ``:``) are searched as text, never parsed.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable

from matching._records import ExpertProfile, RequestProfile

TOKENIZER = "unicode61 remove_diacritics 2"

# Words as unicode61 sees them: runs of letters and digits (underscore separates words there).
_WORD = re.compile(r"[^\W_]+")


class FTS5Unavailable(RuntimeError):
    """This Python's SQLite was built without FTS5."""


def check_fts5() -> None:
    """Raise ``FTS5Unavailable`` unless this Python's ``sqlite3`` has FTS5."""
    connection = sqlite3.connect(":memory:")
    try:
        connection.execute(f"CREATE VIRTUAL TABLE probe USING fts5(text, tokenize='{TOKENIZER}')")
    except sqlite3.OperationalError as exc:
        raise FTS5Unavailable(
            f"the BM25 peer needs SQLite's FTS5 extension, which this Python's SQLite "
            f"{sqlite3.sqlite_version} lacks ({exc}); use a CPython build whose SQLite has "
            "FTS5 (python.org, Debian and most distributions ship one)"
        ) from exc
    finally:
        connection.close()


def fts_query(words: Iterable[str]) -> str:
    """An FTS5 query matching any of ``words``: each quoted as a string, joined by OR."""
    unique = dict.fromkeys(w.lower() for text in words for w in _WORD.findall(text))
    return " OR ".join('"' + word.replace('"', '""') + '"' for word in unique)


def request_words(request: RequestProfile) -> list[str]:
    """The request text the peer searches with: title, terms of reference, required skills."""
    return [request.title, request.terms_of_reference, *request.required_skills]


class Bm25Peer:
    """SQLite FTS5 BM25 over the roster's profile text.

    Parameters
    ----------
    tokenizer : str
        The FTS5 tokenizer declaration (default ``unicode61 remove_diacritics 2``).

    Attributes
    ----------
    connection_ : sqlite3.Connection
        The in-memory database holding the ``profiles`` FTS5 table (rowid = expert id).
    """

    def __init__(self, tokenizer: str = TOKENIZER) -> None:
        self.tokenizer = tokenizer

    def fit(self, profiles: Iterable[ExpertProfile]) -> Bm25Peer:
        """Index every profile's title, summary and skills."""
        check_fts5()
        # check_same_thread=False: built in one thread, it may be queried from another.
        connection = sqlite3.connect(":memory:", check_same_thread=False)
        connection.execute(
            "CREATE VIRTUAL TABLE profiles USING fts5(title, summary, skills, "
            f"tokenize='{self.tokenizer}')"
        )
        connection.executemany(
            "INSERT INTO profiles (rowid, title, summary, skills) VALUES (?, ?, ?, ?)",
            ((p.expert_id, p.title, p.summary, "; ".join(p.skills)) for p in profiles),
        )
        connection.commit()
        self.connection_ = connection
        return self

    def rank(self, request: RequestProfile, k: int = 50) -> list[int]:
        """Ids of the ``k`` experts whose text best matches the request, best first."""
        if not hasattr(self, "connection_"):
            raise RuntimeError("Bm25Peer is not fitted yet; call fit(profiles) first")
        query = fts_query(request_words(request))
        if not query or k <= 0:
            return []
        rows = self.connection_.execute(
            "SELECT rowid FROM profiles WHERE profiles MATCH ? ORDER BY bm25(profiles), rowid "
            "LIMIT ?",
            (query, k),
        )
        return [int(row[0]) for row in rows]

    def close(self) -> None:
        """Free the index."""
        if hasattr(self, "connection_"):
            self.connection_.close()
            del self.connection_


__all__ = ["Bm25Peer", "FTS5Unavailable", "check_fts5", "fts_query"]
