"""What the CV tests share: a folder of their own for uploads, and an expert to send a CV for."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.factories import make_expert


@pytest.fixture
def uploads(app, tmp_path: Path) -> Path:
    app.config["UPLOAD_DIR"] = str(tmp_path / "uploads")
    return tmp_path / "uploads"


@pytest.fixture
def expert(ghana):
    return make_expert(ghana, summary="The summary typed by hand.")
