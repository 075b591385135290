"""A focal point's bulk import in a real headless Chromium: an error row, fixed, then imported;
a file of thousands of experts imported by the job queue's threads while the job's page shows
the progress bar until the summary."""

from __future__ import annotations

import csv
import re
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
    # The jobs run in worker threads of the server's process, as with `make run`: the job's
    # page is served while the import goes on.
    folder = tmp_path_factory.mktemp("browser-import")
    with live_app_for(folder, seed, JOBS_EMBEDDED_RUN="thread") as app:
        yield app


def write_csv(path: Path, second_languages: str, more: int = 0) -> Path:
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
    rows += [
        {**common, "external_id": f"GH-B{i}", "full_name": f"Expert {i}", "languages": "en:B2"}
        for i in range(more)
    ]
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
    expect(page.locator("#import-progress")).to_have_attribute("value", "2")
    expect(page.get_by_role("link", name="Grace Mensah")).to_be_visible()
    expect(page.get_by_role("link", name="Kofi Boateng")).to_be_visible()


def test_the_progress_bar_of_a_large_import_reaches_done(page: Page, tmp_path: Path):
    rows = 3_000
    log_in(page, "fp@gh.example")
    page.goto("/roster/import")
    page.get_by_label("File of experts").set_input_files(
        write_csv(tmp_path / "large.csv", "fr:B2", more=rows - 2)
    )
    page.get_by_role("button", name="Upload and preview").click()
    expect(page.get_by_text(f"{rows} experts, no problems")).to_be_visible()
    page.get_by_role("button", name=f"Import {rows} experts").click()

    # The job's page, served while the workers import: the bar, its text and the status line.
    expect(page.get_by_role("heading", name="Import of large.csv")).to_be_visible()
    bar = page.get_by_role("progressbar", name="Progress")
    expect(bar).to_be_visible()
    expect(page.get_by_role("link", name="Refresh")).to_be_visible()  # not finished on arrival
    expect(page.get_by_role("status").first).not_to_have_text("")

    # The page's script follows the job and shows the summary once it is done; nobody reloads.
    # (The first two rows are the other test's experts when it ran first: then unchanged.)
    done = re.compile(r"Imported: 299[80] created, 0 updated, [02] unchanged\.")
    expect(page.get_by_text(done)).to_be_visible(timeout=120_000)
    expect(bar).to_have_attribute("value", str(rows))
    expect(bar).to_have_attribute("max", str(rows))
    expect(page.locator("#import-progress-text")).to_have_text(
        f"{rows:,} of {rows:,} rows imported (100%)"
    )
    expect(page.get_by_role("link", name="Refresh")).to_have_count(0)
    expect(page.get_by_role("link", name="All your experts")).to_be_visible()
