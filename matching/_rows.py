"""Float32 matrices that grow by rows without copying what they were built with."""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse as sp


class GrowingRows:
    """A float32 matrix that grows by whole rows in amortised constant time (doubling)."""

    def __init__(self, columns: int) -> None:
        self._data = np.zeros((0, columns), dtype=np.float32)
        self.rows = 0

    def append(self, block: np.ndarray) -> None:
        needed = self.rows + block.shape[0]
        if needed > self._data.shape[0]:
            capacity = max(needed, 2 * self._data.shape[0], 64)
            grown = np.zeros((capacity, self._data.shape[1]), dtype=np.float32)
            grown[: self.rows] = self._data[: self.rows]
            self._data = grown
        self._data[self.rows : needed] = block
        self.rows = needed

    def view(self) -> np.ndarray:
        return self._data[: self.rows]


class Rows:
    """A float32 matrix of rows: a base that is never written and the rows appended since.

    The base is what was built (or loaded, memory-mapped from a saved index: then every worker
    of a machine reads the same pages). Rows appended later go to a small tail of their own, so
    an upsert never copies, nor writes to, the base. Saved (pickled), base and tail become one
    base.
    """

    def __init__(self, columns: int) -> None:
        self.columns = columns
        self.base = np.zeros((0, columns), dtype=np.float32)
        self.tail = GrowingRows(columns)

    @property
    def rows(self) -> int:
        return int(self.base.shape[0]) + self.tail.rows

    def append(self, block: np.ndarray) -> None:
        block = np.asarray(block, dtype=np.float32)
        if self.rows == 0 and block.flags.c_contiguous:
            self.base = block  # adopt, do not copy
            return
        self.tail.append(block)

    def dot(self, other: np.ndarray) -> np.ndarray:
        """``matrix @ other`` (other: one vector, or one column per query)."""
        product: np.ndarray = self.base @ other
        if self.tail.rows:
            product = np.concatenate([product, self.tail.view() @ other])
        return product

    def left(self, mix: sp.spmatrix) -> np.ndarray:
        """``mix @ matrix`` for a sparse ``mix`` with one column per row of the matrix."""
        mix = sp.csr_matrix(mix)
        split = self.base.shape[0]
        product = np.asarray(mix[:, :split] @ self.base, dtype=np.float32)
        if self.tail.rows:
            product += np.asarray(mix[:, split:] @ self.tail.view(), dtype=np.float32)
        return product

    def whole(self) -> np.ndarray:
        """Every row as one matrix (a copy once rows were appended)."""
        if not self.tail.rows:
            return self.base
        return np.vstack([self.base, self.tail.view()])

    def __getstate__(self) -> dict[str, Any]:
        return {"columns": self.columns, "base": np.ascontiguousarray(self.whole())}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.columns = state["columns"]
        self.base = state["base"]
        self.tail = GrowingRows(self.columns)
