"""A focal point's bulk import in a real headless Chromium: an error row, fixed, then imported."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from app.imports.files import COLUMNS
from tests.browser import live_app_for, log_in, nav
from tests.cast import focal_point_of, member_state

pytestmark = pytest.mark.browser


def seed() -> None:
    focal_point_of(member_state("GH"))


@pytest.fixture(scope="module")
def live_app(tmp_path_factory: pytest.TempPathFactory):
    with live_app_for(tmp_path_factory.mktemp("browser-import"), seed) as app:
        yield app


def write_csv(path: Path, second_languages: str) -> Path:
    common = {
        "nationality": "GH",
        "title": "court administrator",
        "skills": "manage court cases; legislative drafting",
        "areas": "justice",
        "available_from": "2027-02-15",
        "modalities": "government_provided; consultant",
    }
    rows = [
        {**common, "external_id": "GH-1", "full_name": "Grace Mensah", "languages": "en:C1"},
        {**common, "external_id": "GH-2", "full_name": "Kofi Boateng",
         "languages": second_languages},
    ]  # fmt: skip
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=[c.name for c in COLUMNS])
        writer.writeheader()
        writer.writerows(rows)
    return path


def test_focal_point_fixes_an_error_row_and_imports(page: Page, tmp_path: Path):
    log_in(page, "fp@gh.example")
    nav(page, "Our experts")
    page.get_by_role("link", name="Import experts").click()
    expect(page.get_by_role("heading", name="Import experts · Government of GH")).to_be_visible()

    page.get_by_label("File of experts").set_input_files(write_csv(tmp_path / "ours.csv", "en:Z9"))
    page.get_by_role("button", name="Upload and preview").click()

    expect(page.get_by_text("Nothing was imported: 1 problem on 1 of 2 rows")).to_be_visible()
    problem = page.locator("table.problems tbody tr")
    expect(problem).to_have_count(1)
    expect(problem.locator("td").nth(0)).to_have_text("3")
    expect(problem.locator("td").nth(1)).to_have_text("languages (J)")
    expect(problem.locator("td").nth(2)).to_contain_text("'Z9' is not a CEFR level")
    expect(page.get_by_role("button", name="Import 2 experts")).to_have_count(0)

    # The person corrects the file and uploads it again from the preview.
    page.get_by_label("File of experts").set_input_files(write_csv(tmp_path / "ours.csv", "fr:B2"))
    page.get_by_role("button", name="Upload and preview").click()
    expect(page.get_by_text("2 new, 0 updated, 0 unchanged")).to_be_visible()
    page.get_by_role("button", name="Import 2 experts").click()

    expect(page.get_by_text("Imported: 2 created, 0 updated, 0 unchanged")).to_be_visible()
    expect(page.get_by_role("link", name="Grace Mensah")).to_be_visible()
    expect(page.get_by_role("link", name="Kofi Boateng")).to_be_visible()
