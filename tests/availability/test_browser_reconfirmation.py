"""An expert answers a reconfirmation request through the emailed link, in a real headless
Chromium driven by Playwright: no account, a signed link that works once."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from app.extensions import db
from app.models import Expert, OutboxMessage
from tests.browser import live_app_for, log_in, nav, new_page
from tests.cast import focal_point_of, member_state
from tests.factories import make_expert

pytestmark = pytest.mark.browser


def seed() -> None:
    ghana = member_state("GH")
    focal_point_of(ghana)
    make_expert(
        ghana,
        full_name="Abena Owusu",
        email="abena.owusu@example.org",
        availability_confirmed_at=datetime.now(UTC) - timedelta(days=120),
    )


@pytest.fixture(scope="module")
def live_app(tmp_path_factory):
    with live_app_for(tmp_path_factory.mktemp("browser-confirm"), seed) as app:
        yield app


def emailed_link(live_app, recipient: str) -> str:
    with live_app.app_context():
        body = db.session.scalar(
            sa.select(OutboxMessage.body)
            .where(OutboxMessage.recipient == recipient)
            .order_by(OutboxMessage.id.desc())
            .limit(1)
        )
    assert body is not None, f"no email to {recipient}"
    match = re.search(r"https?://\S+/confirm/\S+", body)
    assert match, body
    return match.group(0)


def test_an_expert_changes_the_window_through_the_emailed_link(live_app, base_url, browser):
    # The focal point sees the stale profile and asks every stale expert to reconfirm.
    focal = new_page(browser, base_url)
    log_in(focal, "fp@gh.example")
    nav(focal, "Our experts")
    expect(focal.get_by_text("1 profile")).to_be_visible()
    focal.get_by_role("button", name="Send reconfirmation to all stale").click()
    expect(
        focal.get_by_text("Reconfirmation request sent to 1 expert: Abena Owusu.")
    ).to_be_visible()

    # The expert opens the link from the email, in a browser of their own, with no account.
    link = emailed_link(live_app, "abena.owusu@example.org")
    expert = new_page(browser, base_url)
    expert.goto(link)
    expect(
        expert.get_by_role("heading", name="Is your availability still current?")
    ).to_be_visible()
    expect(expert.get_by_text("Dear Abena")).to_be_visible()

    # A window that ends before it starts is refused, with the reason on the field.
    expert.get_by_label("Available from").fill("2027-09-01")
    expert.get_by_label("Available until").fill("2027-03-01")
    expert.get_by_role("button", name="Save my new availability").click()
    expect(expert.get_by_text("must not be before available_from")).to_be_visible()
    expect(expert.get_by_text("Nothing was saved")).to_be_visible()

    # Corrected, with one more accepted modality.
    expert.get_by_label("Available until").fill("2028-08-31")
    expert.get_by_label("Staff", exact=True).check()
    expert.get_by_role("button", name="Save my new availability").click()
    expect(expert.get_by_role("heading", name="Thank you, Abena")).to_be_visible()
    expect(expert.get_by_text("Your new availability is recorded and confirmed")).to_be_visible()

    with live_app.app_context():
        saved = db.session.scalar(sa.select(Expert).where(Expert.full_name == "Abena Owusu"))
        assert saved is not None
        assert (saved.available_from, saved.available_until) == (
            date(2027, 9, 1),
            date(2028, 8, 31),
        )
        assert "staff" in {m.modality for m in saved.modalities}

    # The link has done its work.
    expert.goto(link)
    expect(expert.get_by_role("heading", name="This link cannot be used")).to_be_visible()
    expect(expert.get_by_text("already used")).to_be_visible()
    expect(expert.get_by_role("button", name="Confirm my availability as shown")).to_have_count(0)

    # The focal point sees the answer and the profile is no longer stale.
    focal.reload()
    expect(focal.locator("#stale-profiles")).to_have_count(0)
    focal.get_by_role("link", name="Abena Owusu").click()
    expect(focal.get_by_text("answered", exact=False).first).to_be_visible()
    expect(focal.get_by_text("availability changed")).to_be_visible()
