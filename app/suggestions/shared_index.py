"""The matching index saved on disk, one build for every worker of a machine.

A build is a fitted matcher saved with ``matching.save_matcher`` under
``MATCHING_INDEX_DIR/<database>/<build>/``, beside ``build.json``: the watermark it was read at
(the index generation, the latest ``experts.updated_at``, the number of experts). The newest
build is named by ``current.json``. A worker loads a build memory-mapped
(``matching.load_matcher``): its arrays are in memory once for all workers, and loading takes
a fraction of a second, where building takes many seconds at 100,000 experts.

Building happens once: the process that needs a build takes the directory's lock file
(``filelock``); one that finds the lock taken waits, then finds the build the other made and
loads it. Each build is written in a folder of its own, named only once complete, and
``current.json`` is replaced in one step, so no one ever loads half a build. The two newest
builds are kept: a worker that loaded the one before keeps reading it, since a file mapped in
memory stays readable until it is unmapped.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import shutil
import tempfile
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path

from filelock import FileLock

import matching
from matching import Matcher

MATCHER_FILE = "matcher.joblib"
BUILDS_KEPT = 2


@cache
def code_version() -> str:
    """A digest of the matching package's source: a build saved by other code is not loaded
    (its pickled classes may have other attributes), it is built again."""
    digest = hashlib.sha256()
    for source in sorted(Path(matching.__file__).parent.glob("*.py")):
        digest.update(source.name.encode() + source.read_bytes())
    return digest.hexdigest()[:16]


@dataclass(frozen=True)
class Build:
    """One saved index and the watermark (generation, latest update, last id) it was read at."""

    name: str
    path: Path
    generation: int
    latest: datetime | None
    last_id: int

    def is_as_new_as(self, generation: int, latest: datetime | None, last_id: int) -> bool:
        """Whether this build holds the roster as it was at that watermark, or later."""
        if self.generation != generation:
            return False
        if self.latest is None or latest is None:
            return self.latest == latest and self.last_id == last_id
        return self.latest > latest or (self.latest == latest and self.last_id == last_id)

    def can_catch_up_to(self, generation: int, latest: datetime | None, last_id: int) -> bool:
        """Whether upserting the experts changed since this build brings it to that watermark:
        the same generation and nothing newer than the roster (a last id above the roster's is
        a removal)."""
        if self.generation != generation or self.last_id > last_id:
            return False
        return self.latest is None or (latest is not None and self.latest <= latest)


class SharedIndexes:
    """The saved builds of one database's index, in ``root``."""

    def __init__(self, root: str | os.PathLike[str], database: str) -> None:
        key = hashlib.sha256(database.encode()).hexdigest()[:16]
        self.directory = Path(root) / key
        self.directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        self._lock: FileLock | None = None
        self._lock_pid = 0

    def lock(self) -> FileLock:
        """Held while a process builds (the others wait on it, then load). Each process has a
        lock of its own: a web worker's index is made in the master before the fork, and a lock
        made there is not the worker's (filelock refuses one inherited across a fork)."""
        if self._lock is None or self._lock_pid != os.getpid():
            self._lock, self._lock_pid = FileLock(self.directory / "build.lock"), os.getpid()
        return self._lock

    def latest(self) -> Build | None:
        """The newest complete build, if any."""
        try:
            pointer = json.loads((self.directory / "current.json").read_text())
            return self._read(pointer["build"])
        except (FileNotFoundError, KeyError, ValueError):
            return None

    def _read(self, name: str) -> Build | None:
        folder = self.directory / name
        try:
            meta = json.loads((folder / "build.json").read_text())
        except (FileNotFoundError, ValueError):
            return None
        if meta.get("code") != code_version():
            return None
        latest = meta["latest"]
        return Build(
            name=name,
            path=folder / MATCHER_FILE,
            generation=int(meta["generation"]),
            latest=datetime.fromisoformat(latest) if latest else None,
            last_id=int(meta["last_id"]),
        )

    def publish(
        self, matcher: Matcher, generation: int, latest: datetime | None, last_id: int
    ) -> Build:
        """Save ``matcher`` as the newest build, read at that watermark (hold the lock)."""
        name = f"build-{datetime.now().strftime('%Y%m%dT%H%M%S')}-{secrets.token_hex(4)}"
        staging = Path(tempfile.mkdtemp(prefix=".incomplete-", dir=self.directory))
        try:
            matching.save_matcher(matcher, staging / MATCHER_FILE)
            meta = {
                "generation": generation,
                "latest": latest.isoformat() if latest else None,
                "last_id": last_id,
                "code": code_version(),
            }
            (staging / "build.json").write_text(json.dumps(meta))
            staging.rename(self.directory / name)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        pointer = self.directory / ".current.json"
        pointer.write_text(json.dumps({"build": name}))
        os.replace(pointer, self.directory / "current.json")
        self._prune(keep=name)
        build = self._read(name)
        assert build is not None
        return build

    def _prune(self, keep: str) -> None:
        builds = sorted(
            (p for p in self.directory.iterdir() if p.is_dir() and p.name.startswith("build-")),
            key=lambda p: p.stat().st_mtime,
            reverse=True,
        )
        kept = [keep] + [p.name for p in builds if p.name != keep][: BUILDS_KEPT - 1]
        for folder in builds:
            if folder.name not in kept:
                shutil.rmtree(folder, ignore_errors=True)
        for staging in self.directory.glob(".incomplete-*"):
            shutil.rmtree(staging, ignore_errors=True)  # left by a builder that died

    @staticmethod
    def load(build: Build) -> Matcher:
        return matching.load_matcher(build.path)
