"""A focal point's bulk import in a real headless Chromium: an error row, fixed, then imported."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask_migrate import upgrade
from playwright.sync_api import Page, expect, sync_playwright

from app import create_app
from app.extensions import db
from app.models import OrganisationKind, Role
from app.services.import_files import COLUMNS
from tests.browser import CHROMIUM_FLAGS, require_chromium, serve
from tests.conftest import PASSWORD, empty_database
from tests.factories import make_organisation, make_user

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def live_app(tmp_path_factory: pytest.TempPathFactory):
    mp = pytest.MonkeyPatch()
    mp.setenv("CIVCAP_ENV", "testing")
    folder = tmp_path_factory.mktemp("browser-import")
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": "sqlite:///" + str(folder / "civcap.sqlite3"),
            "TESTING": True,
            "UPLOAD_DIR": str(folder / "uploads"),
        }
    )
    with app.app_context():
        upgrade()
        ghana = make_organisation(OrganisationKind.MEMBER_STATE, "Government of GH", "GH")
        make_user(Role.FOCAL_POINT, ghana, email="fp@gh.example")
    yield app
    with app.app_context():
        empty_database()
        db.engine.dispose()
    mp.undo()


@pytest.fixture(scope="module")
def base_url(live_app) -> Iterator[str]:
    with serve(live_app) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    executable = require_chromium()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_FLAGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, base_url) -> Iterator[Page]:
    context = browser.new_context(base_url=base_url, viewport={"width": 1366, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


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
    page.goto("/login")
    page.get_by_label("Email").fill("fp@gh.example")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Our experts").click()
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
