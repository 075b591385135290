"""The selection path with the keyboard alone, in a real headless Chromium.

No mouse: every step is Tab, Shift+Tab, Enter, Space and typing. On each page of the path the
skip link is the first stop and takes the focus to the content, every stop shows where the
focus is, and Tab reaches every control and goes on past the last one (no trap). A form sent
with mistakes says so where a screen reader hears it (role="alert") and ties each error to its
field (aria-invalid, aria-describedby).
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Locator, Page, expect

from app.models import OrganisationKind, RequestStatus, Role
from tests.browser import live_app_for
from tests.cast import focal_point_of, member_state
from tests.conftest import PASSWORD, totp_code
from tests.factories import make_expert, make_organisation, make_request, make_user

pytestmark = pytest.mark.browser

TITLE = "Court administration adviser"

# What Tab stops at, and whether the stop shows the focus (outline or shadow, per the CSS).
TABBABLE = """() => [...document.querySelectorAll(
    'a[href], button:not([disabled]), input:not([type=hidden]):not([disabled]), '
    + 'select:not([disabled]), textarea:not([disabled]), details > summary, '
    + '[tabindex]:not([tabindex="-1"])'
  )].filter(el => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden')
   // a closed details shows only its summary: what it folds away is no stop
   .filter(el => { const d = el.parentElement && el.parentElement.closest('details');
                   return !d || d.open || (el.matches('summary') && el.parentElement === d); })
   .length"""
FOCUS = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
  // Tab moves through a date field's day, month and year, which Chromium highlights itself.
  const dateField = el.type === 'date' && parseFloat(style.outlineWidth) > 0;
  const box = el.getBoundingClientRect();
  return {
    key: el.outerHTML.slice(0, 160),
    shown: outline || dateField || style.boxShadow !== 'none',
    on_screen: box.width > 0 && box.height > 0 && box.bottom > 0 && box.right > 0,
  };
}"""


def seed() -> None:
    ghana = member_state("GH")
    mission = make_organisation(OrganisationKind.MISSION, "UNMISS", "SS")
    un_hr = make_organisation(OrganisationKind.UN_HR, "UN HR", None)
    focal_point_of(ghana)
    requester = make_user(Role.REQUESTER, mission, email="req@unmiss.example")
    make_user(Role.HR_REVIEWER, un_hr, email="hr@un.example")
    make_request(mission, RequestStatus.OPEN, created_by=requester, title=TITLE,
                 area="justice", languages=[("en", "B2")])  # fmt: skip
    for name in ("Ama Owusu", "Kofi Mensah"):
        make_expert(ghana, full_name=name, title="court administrator",
                    areas=["justice"], languages=[("en", "C1")])  # fmt: skip


@pytest.fixture(scope="module")
def live_app(tmp_path_factory):
    with live_app_for(tmp_path_factory.mktemp("keyboard"), seed) as app:
        yield app


def tab_to(page: Page, target: Locator, limit: int = 250) -> None:
    """Press Tab until ``target`` has the focus, checking that every stop on the way shows it."""
    handle = target.element_handle()
    for _ in range(limit):
        page.keyboard.press("Tab")
        stop = page.evaluate(FOCUS)
        if stop is not None:
            assert stop["shown"], f"the focus is not visible on {stop['key']}"
        if page.evaluate("(el) => document.activeElement === el", handle):
            return
    pytest.fail(f"Tab never reached {target}")


def press(page: Page, target: Locator, key: str = "Enter") -> None:
    tab_to(page, target)
    page.keyboard.press(key)


def type_into(page: Page, target: Locator, text: str) -> None:
    tab_to(page, target)
    page.keyboard.type(text)


# Puts the keyboard at the top of the page, as a fresh visit does (a field with autofocus
# would start it further down): a stand-in at the start of the body takes the focus, then goes.
TO_THE_TOP = """() => {
  const mark = document.createElement('span');
  mark.tabIndex = -1;
  document.body.prepend(mark);
  mark.focus();
  window.__top_mark = mark;
}"""


def from_the_top(page: Page) -> None:
    page.evaluate(TO_THE_TOP)


def start_of_page(page: Page) -> None:
    """The skip link is the first stop, is seen when focused, and moves on to the content."""
    from_the_top(page)
    page.keyboard.press("Tab")
    page.evaluate("() => window.__top_mark.remove()")
    stop = page.evaluate(FOCUS)
    assert stop is not None and "skip-link" in stop["key"], stop
    assert stop["shown"] and stop["on_screen"], stop
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#content$"))
    page.keyboard.press("Tab")  # the next stop is inside the content, past the navigation
    inside = page.evaluate("() => !!document.activeElement.closest('#content')")
    assert inside, page.evaluate(FOCUS)


# Marks the control that has the focus; says whether it was marked already.
MARK = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return 'none';
  if (el === window.__last_stop) return 'same';  // the next part of a date field
  window.__last_stop = el;
  if (el.dataset.keyboardVisit) return 'again';
  el.dataset.keyboardVisit = '1';
  return 'new';
}"""


def no_trap(page: Page) -> None:
    """Tab visits every control of the page once, then goes on past the last one (out of the
    page, or round to the first again): no control keeps the focus."""
    from_the_top(page)
    count = page.evaluate(TABBABLE)
    visited = 0
    for _ in range(3 * count + 3):  # a date field takes three
        page.keyboard.press("Tab")
        if visited == 0:
            page.evaluate("() => window.__top_mark.remove()")
        seen = page.evaluate(MARK)
        if seen == "same":
            continue
        if seen != "new":  # past the last control
            break
        visited += 1
    else:
        pytest.fail(f"Tab went on past the page's {count} controls without leaving them")
    assert visited == count, f"Tab reached {visited} of the page's {count} controls"
    page.evaluate("() => document.querySelectorAll('[data-keyboard-visit]')"
                  ".forEach(el => delete el.dataset.keyboardVisit)")  # fmt: skip


def log_in_by_keyboard(page: Page, email: str, code: str | None = None) -> None:
    page.goto("/login")
    start_of_page(page)
    type_into(page, page.get_by_label("Email"), email)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    if code is not None:
        expect(page.get_by_label("Code", exact=True)).to_be_visible()
        type_into(page, page.get_by_label("Code", exact=True), code)
        page.keyboard.press("Enter")
    expect(page.get_by_role("button", name="Log out")).to_be_visible()


def test_a_form_sent_with_mistakes_announces_them_and_ties_each_to_its_field(page: Page):
    log_in_by_keyboard(page, "req@unmiss.example")
    press(page, page.get_by_role("navigation", name="Main").get_by_role("link", name="New request"))
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    start_of_page(page)
    type_into(page, page.get_by_label("Title"), "Adviser")
    press(page, page.get_by_role("button", name="Save and submit"))

    expect(page.get_by_role("alert").first).to_be_visible()
    expect(page.get_by_text("Nothing was saved")).to_be_visible()
    invalid = page.locator("[aria-invalid=true]")
    assert invalid.count() > 0
    for i in range(invalid.count()):
        field = invalid.nth(i)
        described = field.get_attribute("aria-describedby")
        assert described, field.evaluate("el => el.outerHTML")
        errors = [page.locator(f"#{name}") for name in described.split() if "-error-" in name]
        assert errors, described
        for error in errors:
            expect(error).to_have_attribute("role", "alert")
            expect(error).not_to_be_empty()
    # What was typed is kept, and the page still lets the keyboard through.
    expect(page.get_by_label("Title")).to_have_value("Adviser")
    no_trap(page)


def test_hr_walks_the_selection_path_with_the_keyboard_alone(live_app, page: Page):
    with live_app.app_context():
        code = totp_code("hr@un.example")
    log_in_by_keyboard(page, "hr@un.example", code)

    press(page, page.get_by_role("navigation", name="Main").get_by_role("link", name="Requests"))
    expect(page.get_by_role("link", name=TITLE)).to_be_visible()
    start_of_page(page)
    no_trap(page)
    press(page, page.get_by_role("link", name=TITLE))

    expect(page.get_by_role("heading", name=re.compile(TITLE))).to_be_visible()
    press(page, page.get_by_role("link", name=re.compile("Suggested candidates")))
    expect(page.get_by_role("heading", name="Suggested candidates")).to_be_visible()
    start_of_page(page)
    no_trap(page)
    press(page, page.get_by_role("button", name="Add to candidates").first)

    # On the shortlist: shortlist the candidate, then dismiss them without a reason.
    expect(page.get_by_role("heading", name="Shortlist", exact=True)).to_be_visible()
    expect(page.get_by_role("status").first).to_contain_text("is now a candidate")
    start_of_page(page)
    no_trap(page)
    press(page, page.get_by_role("button", name="Add to shortlist").first)
    expect(page.get_by_text(re.compile("is now shortlisted"))).to_be_visible()
    press(page, page.get_by_role("button", name="Dismiss").first)
    refusal = page.get_by_role("alert").first
    expect(refusal).to_be_visible()
    expect(refusal).to_contain_text("choose why the candidate is dismissed")
    no_trap(page)
