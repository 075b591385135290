"""WCAG 2.1 AA, measured: axe-core checks every page each role can reach, in a real headless
Chromium, logged out too, and the forms in their error state.

axe-core comes inside axe-playwright-python (its ``axe.min.js``): nothing is fetched at run time.
The pages come from the app's URL map: every person below tries every GET route, with the ids of
the records seeded here; a person reaches a page when it is served to them as HTML (200) at its
own address, and axe checks it. A GET route nobody reached, and that ``SKIPPED`` does not name
with the reason, fails ``test_every_get_route_is_checked_or_skipped_with_a_reason``: a new page
is checked from the day it is added. Every violation of every page is collected, and asserted
once, at the end.
"""

from __future__ import annotations

import io
import itertools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import docx
import pyotp
import pytest
import sqlalchemy as sa
from axe_playwright_python.sync_playwright import Axe
from flask import Flask
from flask_babel import force_locale, gettext
from playwright.sync_api import Browser, Page, expect
from werkzeug.exceptions import HTTPException
from werkzeug.routing import MapAdapter, Rule

from app.accounts import links as account_links
from app.availability import links as reconfirmation
from app.candidates import workflow
from app.cv import files as cv_files
from app.extensions import db
from app.models import (
    CandidateState,
    ImportJob,
    ImportJobStatus,
    LoginThrottle,
    OrganisationKind,
    OutboxMessage,
    RecoveryCode,
    RequestStatus,
    Role,
    User,
)
from app.outreach import nominations, publication
from app.readiness import links as readiness_links
from app.requests import drafting, lifecycle
from app.suggestions import ranking
from tests.browser import live_app_for, new_page
from tests.cast import focal_point_of, member_state
from tests.conftest import PASSWORD, totp_code
from tests.factories import make_expert, make_organisation, make_ready, make_request, make_user

pytestmark = pytest.mark.browser

S = CandidateState
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}
AXE = Axe()  # reads the axe.min.js the package ships
# English, and Arabic: the right-to-left pages (each browser asks for it by Accept-Language).
CHECKED_LANGUAGES = ("en", "ar")

# GET routes that are not pages, or not pages of their own: endpoint -> why axe does not visit.
CSV = "a CSV download, not a page"
API = "JSON for programs calling the API with a token; its reference page is checked"
SKIPPED = {
    "static": "stylesheets, scripts and icons, not pages",
    "serving.health.healthz": "a health check for programs (JSON)",
    "serving.health.readyz": "a readiness check for programs (JSON)",
    "api.reference.openapi": "the API's OpenAPI document (JSON); its reference page is checked",
    "roster.api.list_experts": API,
    "roster.api.read_expert": API,
    "roster.api.read_expert_by_external_id": API,
    "requests.api.list_requests": API,
    "requests.api.read_request": API,
    "suggestions.api.read_suggestions": API,
    "candidates.api.list_candidates": API,
    "candidates.api.read_candidate": API,
    "outreach.api.list_consultations": API,
    "accounts.session.home": "redirects to the role's home page, which is checked",
    "skills.autocomplete.suggest": "JSON for skills.js; its list is checked open on the forms",
    "dashboards.hr.overview_csv": CSV,
    "dashboards.hr.gap_csv": CSV,
    "dashboards.focal_point.overview_csv": CSV,
    "dashboards.requester.overview_csv": CSV,
    "candidates.hr.shortlist_csv": CSV,
    "accounts.admin.security_events_csv": CSV,
    "imports.focal_point.import_template": "a CSV, XLSX or JSONL template to download",
    "imports.focal_point.import_job_progress": "JSON for import_progress.js; its page is checked",
    "personal_data.focal_point.export_json": "a JSON download of an expert's data",
    "personal_data.admin.export_expert": "a JSON download of an expert's data",
    "cv.focal_point.download": "the CV file itself (PDF or Word)",
    "cv.hr.download": "the CV file itself (PDF or Word)",
    "readiness.hr.document": "a readiness item's document itself (PDF, Word or an image)",
    "readiness.focal_point.document": "a readiness item's document itself (PDF, Word or an image)",
    "readiness.expert.document": "a readiness item's document itself (PDF, Word or an image)",
}

# Who visits the pages: a label for the report, the login (None: logged out), and the
# endpoints they visit (None: every GET route).
PEOPLE: list[tuple[str, str | None, set[str] | None]] = [
    ("logged out", None, None),
    ("focal point (Ghana)", "fp@gh.example", None),
    ("focal point (Senegal)", "fp@sn.example", None),
    ("requester", "req@unmiss.example", None),
    ("HR reviewer", "hr1@un.example", None),
    # The four-eyes step: the other reviewer's shortlist offers to select the recommended one.
    ("second HR reviewer", "hr2@un.example", {"candidates.hr.shortlist", "requests.hr.show"}),
    ("admin", "admin@un.example", None),
]
ENROLLING = "new-hr@un.example"  # an HR reviewer whose first login sets up the second factor

# What seed() made: ids to put in the routes' arguments, tokens of the links emailed.
SEEDED: dict[str, Any] = {}


# ---- the data: every page has something to show --------------------------------------------


def cv_docx() -> bytes:
    document = docx.Document()
    document.add_heading("Ama Owusu", level=1)
    document.add_paragraph("Court administrator, fourteen years in West African court registries.")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def seed() -> None:
    ghana, senegal = member_state("GH"), member_state("SN")
    mission = make_organisation(OrganisationKind.MISSION, "UNMISS", "SS")
    un_hr = make_organisation(OrganisationKind.UN_HR, "UN HR", None)
    fp_gh, fp_sn = focal_point_of(ghana), focal_point_of(senegal)
    requester = make_user(Role.REQUESTER, mission, email="req@unmiss.example")
    hr1 = make_user(Role.HR_REVIEWER, un_hr, email="hr1@un.example")
    hr2 = make_user(Role.HR_REVIEWER, un_hr, email="hr2@un.example")
    make_user(Role.ADMIN, un_hr, email="admin@un.example")
    enrolling = make_user(Role.HR_REVIEWER, un_hr, email=ENROLLING)
    enrolling.totp_secret = enrolling.totp_enrolled_at = None
    _, invitation = account_links.invite_new_user(
        "invited@unmiss.example", "Ana Invited", Role.REQUESTER, mission, None, send=False
    )
    # An account locked after failed logins: the admin's page lists it with its button.
    now = datetime.now(UTC)
    db.session.add(LoginThrottle(key="account:gone@unmiss.example", failures=10,
                                 last_failure_at=now, blocked_until=now + timedelta(hours=24),
                                 locked=True))  # fmt: skip
    db.session.commit()

    ama = make_expert(ghana, full_name="Ama Owusu", email="ama@example.org", birth_year=1980,
                      phone="+233 20 000 0000")  # fmt: skip
    kwame = make_expert(ghana, full_name="Kwame Asante", gender="male", birth_year=1975,
                        title="legislative drafter", skills=["legislative drafting"])  # fmt: skip
    # Kwame once more, by another hand: a likely duplicate, and stale availability.
    twice = make_expert(ghana, full_name="Kwame Asante", gender="male", birth_year=1975,
                        title="legal drafter", email="kwame@example.org")  # fmt: skip
    twice.availability_confirmed_at = now - timedelta(days=400)
    efua = make_expert(ghana, full_name="Efua Boateng", birth_year=1985, email="efua@example.org")
    aminata = make_expert(senegal, full_name="Aminata Diallo", nationality="SN",
                          languages=[("fr", "C2"), ("en", "B2")])  # fmt: skip
    fatou = make_expert(senegal, full_name="Fatou Sow", nationality="SN")
    moussa = make_expert(senegal, full_name="Moussa Ndiaye", gender="male", nationality="SN",
                         skills=["legislative drafting"])  # fmt: skip
    db.session.commit()
    cv_files.upload(ama, io.BytesIO(cv_docx()), "Ama Owusu CV.docx", fp_gh)
    reconfirmation.send_reconfirmation([ama], fp_gh)

    def request(title: str, area: str, submitted: bool = True):
        r = make_request(mission, RequestStatus.DRAFT, created_by=requester, title=title,
                         area=area, languages=[("en", "B2")])  # fmt: skip
        if submitted:
            drafting.submit(r, requester)
        return r

    draft = request("Corrections adviser", "justice", submitted=False)
    submitted = request("Electoral adviser", "political_processes")

    # Open, published to both member states, candidates at every step up to a recommendation.
    court = request("Court administration adviser", "justice")
    lifecycle.accept(court, hr1)
    both = publication.Audience(organisation_ids={ghana.id, senegal.id})
    publication.publish(court, both, hr1)
    (nominated,) = nominations.nominate(court, [ama], fp_gh)
    workflow.move(nominated, S.SHORTLISTED, hr1)
    asked = workflow.add(court, kwame, hr1)
    for to in (S.SHORTLISTED, S.CONSULTATION):
        workflow.move(asked, to, hr1)
    asked_sn = workflow.add(court, fatou, hr1)
    for to in (S.SHORTLISTED, S.CONSULTATION):
        workflow.move(asked_sn, to, hr1)
    workflow.move(workflow.add(court, aminata, hr1), S.DISMISSED, hr1, reason="language")
    recommended = workflow.add(court, efua, hr1)
    for to, who in [(S.SHORTLISTED, hr1), (S.CONSULTATION, hr1), (S.RELEASED, fp_gh),
                    (S.INTERVIEW, hr1), (S.RECOMMENDED, hr1)]:  # fmt: skip
        workflow.move(recommended, to, who)

    # Filled: one position, selected by the second reviewer.
    drafting_ = request("Legislative drafting adviser", "justice")
    lifecycle.accept(drafting_, hr1)
    publication.publish(drafting_, publication.Audience(organisation_ids={senegal.id}), hr1)
    selected = workflow.add(drafting_, moussa, hr1)
    for to, who in [(S.SHORTLISTED, hr1), (S.CONSULTATION, hr1), (S.RELEASED, fp_sn),
                    (S.INTERVIEW, hr1), (S.RECOMMENDED, hr1), (S.SELECTED, hr2)]:  # fmt: skip
        if to is S.SELECTED:
            make_ready(selected)
        workflow.move(selected, to, who)
    workflow.move(selected, S.DEPLOYED, hr1)  # deployed: the requester evaluates it

    run = ranking.run_suggestions(court, hr1)  # a saved ranking, for a suggestion's reasons
    # Web imports as jobs: one under way, one done, one stopped with the file's problems.
    import_jobs = [
        ImportJob(user_id=fp_gh.id, organisation_id=ghana.id, token=f"axe-{status.value}",
                  filename="experts.csv", format="csv", status=status, rows_total=2000,
                  rows_done=done, created=done, **extra)
        for status, done, extra in [
            (ImportJobStatus.RUNNING, 500, {}),
            (ImportJobStatus.DONE, 2000, {}),
            (ImportJobStatus.FAILED, 0, {"error": "problems", "problems": [
                {"line": 2, "column": "languages (J)", "reason": "'Z9' is not a CEFR level"}]}),
        ]
    ]  # fmt: skip
    db.session.add_all(import_jobs)
    db.session.commit()
    messages = db.session.scalars(sa.select(OutboxMessage.id).order_by(OutboxMessage.id)).all()
    SEEDED.clear()
    SEEDED.update(
        ids={
            "request_id": [draft.id, submitted.id, court.id, drafting_.id],
            # With a CV and a reconfirmation asked; stale, with a likely duplicate; Senegal's.
            "expert_id": [ama.id, twice.id, aminata.id],
            "message_id": messages[:2],
            "user_id": [hr1.id],
            "run_id": [run.id],
            "import_job_id": [job.id for job in import_jobs],
            "candidate_id": [selected.id],
        },
        tokens={
            "availability.expert.answer": reconfirmation.token_for(ama),
            # Efua is recommended: her readiness link was emailed to her.
            "readiness.expert.page": readiness_links.token_for(recommended),
            "accounts.account.set_password": invitation.rsplit("/", 1)[1],
        },
        open_request=court.id,
        ama=ama.id,
    )


@pytest.fixture(scope="module")
def live_app(tmp_path_factory) -> Iterator[Flask]:
    # Three rows a page, so that the lists show their pager too.
    with live_app_for(tmp_path_factory.mktemp("axe"), seed, PAGE_SIZE=3) as app:
        yield app


# ---- checking a page -----------------------------------------------------------------------


@dataclass(frozen=True)
class Visit:
    who: str
    url: str
    endpoint: str
    state: str = ""  # what the page shows besides itself ("the form sent empty")

    def __str__(self) -> str:
        return f"{self.url} as {self.who}" + (f" ({self.state})" if self.state else "")


@dataclass
class Audit:
    routes: MapAdapter
    app: Flask
    language: str = "en"
    visits: list[Visit] = field(default_factory=list)
    violations: list[tuple[Visit, dict[str, Any]]] = field(default_factory=list)

    def endpoint_of(self, url: str) -> str:
        """The route of a page: a GET route, or the POST route a form was sent to."""
        for method in ("GET", "POST"):
            try:
                endpoint, _ = self.routes.match(urlsplit(url).path, method=method)
            except HTTPException:  # not this method; or no route at all: an error page
                continue
            return str(endpoint)
        return "(no route)"

    def say(self, text: str) -> str:
        """``text`` as the pages say it in the audit's language (the app's own catalogues)."""
        with self.app.app_context(), force_locale(self.language):
            return gettext(text)

    def public(self) -> set[str]:
        """The routes checked logged out: the people who log in do not check them again."""
        return {visit.endpoint for visit in self.visits if visit.who == PEOPLE[0][0]}

    def check(self, page: Page, who: str, state: str = "", error_page: bool = False) -> None:
        """Run axe over the page as it is now; keep every violation for the end."""
        parts = urlsplit(page.url)
        url = parts.path + (f"?{parts.query}" if parts.query else "")
        endpoint = "(error page)" if error_page else self.endpoint_of(url)
        visit = Visit(who, url, endpoint, state)
        self.visits.append(visit)
        results = AXE.run(page, options=AXE_OPTIONS)
        self.violations += [(visit, v) for v in results.response["violations"]]

    def report(self) -> str:
        lines = [
            f"{len(self.violations)} axe-core violation(s) of WCAG 2.0/2.1 A and AA, "
            f"in the {self.language} pages:"
        ]
        for visit, violation in self.violations:
            lines.append(
                f"- {visit}: {violation['id']} ({violation['impact']}): {violation['help']}"
            )
            for node in violation["nodes"]:
                lines.append("    " + " ".join(str(t) for t in node["target"]))
        return "\n".join(lines)


def get_rules(routes: MapAdapter) -> list[Rule]:
    rules = [r for r in routes.map.iter_rules() if "GET" in (r.methods or ())]
    return sorted(rules, key=lambda r: r.rule)


def argument_values(rule: Rule) -> list[dict[str, Any]]:
    """Every way to fill the rule's arguments with what seed() made (none: not visited)."""
    if rule.endpoint in SEEDED["tokens"]:
        return [{"token": SEEDED["tokens"][rule.endpoint]}]
    names = sorted(rule.arguments)
    pools = [SEEDED["ids"].get(name, []) for name in names]
    return [dict(zip(names, values, strict=True)) for values in itertools.product(*pools)]


def served(page: Page, url: str) -> bool:
    """Whether a page is served to this person at this address (not refused, missing,
    redirected, nor a download): asked without the browser drawing it, which is quick for
    the many refusals."""
    response = page.request.get(url, max_redirects=0)
    try:
        html = response.headers.get("content-type", "").startswith("text/html")
        return response.status == 200 and html
    finally:
        response.dispose()


def visit_every_page(audit: Audit, page: Page, who: str, only: set[str] | None) -> None:
    done = audit.public()
    for rule in get_rules(audit.routes):
        if rule.endpoint in SKIPPED or rule.endpoint in done:
            continue
        if only is not None and rule.endpoint not in only:
            continue
        for values in argument_values(rule):
            url = audit.routes.build(rule.endpoint, values)
            if served(page, url):
                response = page.goto(url)
                assert response is not None and response.status == 200, url
                assert urlsplit(page.url).path == url, (url, page.url)
                audit.check(page, who)


def log_in(audit: Audit, page: Page, email: str, who: str) -> None:
    """tests.browser.log_in, with axe on the code step of HR reviewers and admins."""
    say = audit.say
    page.goto("/login")
    page.get_by_label(say("Email")).fill(email)
    page.get_by_label(say("Password")).fill(PASSWORD)
    page.get_by_role("button", name=say("Log in")).click()
    log_out = page.get_by_role("button", name=say("Log out"))
    expect(log_out.or_(page.get_by_label(say("Code"), exact=True))).to_be_visible()
    if page.url.endswith("/login/code"):
        audit.check(page, who, "the login's second step")
        with audit.app.app_context():
            code = totp_code(email)
        page.get_by_label(say("Code"), exact=True).fill(code)
        page.get_by_role("button", name=say("Log in")).click()
    expect(log_out).to_be_visible()


# ---- pages in another state than as first served -------------------------------------------


# A step takes the page and ``say`` (a text of the pages in the audit's language).
Step = Callable[[Page, Callable[[str], str]], None]


def send_empty(button: str) -> Step:
    def step(page: Page, say: Callable[[str], str]) -> None:
        page.get_by_role("button", name=say(button)).click()
        expect(page.get_by_role("alert").first).to_be_visible()

    return step


def wrong_password(page: Page, say: Callable[[str], str]) -> None:
    page.get_by_label(say("Email")).fill("nobody@example.org")
    page.get_by_label(say("Password")).fill("not the password at all")
    send_empty("Log in")(page, say)


def as_served(page: Page, say: Callable[[str], str]) -> None:
    """The page as its address (with a query string) gives it."""


def import_preview(page: Page, say: Callable[[str], str]) -> None:
    template = page.request.get("/roster/import/template.csv")
    page.locator("input[type=file]").set_input_files(
        files=[{"name": "experts.csv", "mimeType": "text/csv", "buffer": template.body()}]
    )
    template.dispose()
    page.get_by_role("button", name=say("Upload and preview")).click()
    expect(page.get_by_role("button", name=say("Discard"))).to_be_visible()


def terms_read(page: Page, say: Callable[[str], str]) -> None:
    """The new-request form filled from pasted terms of reference, with the sentences."""
    page.locator("textarea[name=document]").fill(
        "Job Title: Corrections Adviser\nDuty Station: Bangui, Central African Republic\n"
        "Fluency in French is required. Working knowledge of English is desirable."
    )
    page.get_by_role("button", name=say("Read the terms of reference")).click()
    expect(page.locator(".evidence q").first).to_be_visible()


def token_made(page: Page, say: Callable[[str], str]) -> None:
    """A new API token, shown once."""
    page.get_by_label(say("Name")).fill("Roster sync")
    page.get_by_role("button", name=say("Make the token")).click()
    expect(page.locator("#new-token")).to_be_visible()


def cv_read(page: Page, say: Callable[[str], str]) -> None:
    """The new-expert form filled from an uploaded CV, with the sentences."""
    page.locator("input[name=cv]").set_input_files(
        files=[{"name": "cv.docx", "mimeType": "application/octet-stream", "buffer": cv_docx()}]
    )
    page.get_by_role("button", name=say("Read the CV")).click()
    expect(page.locator(".evidence q").first).to_be_visible()


def skills_completions(page: Page, say: Callable[[str], str]) -> None:
    """skills.js offers known skills under the textarea; the first one is highlighted."""
    skills = page.locator("textarea[data-skill-suggest]")
    skills.press_sequentially("legi")
    options = page.locator("ul.skill-suggestions[role=listbox] [role=option]")
    expect(options.first).to_be_visible()
    skills.press("ArrowDown")
    expect(options.first).to_have_attribute("aria-selected", "true")


# who -> (page, what the step shows, the step)
STATES: dict[str, list[tuple[str, str, Step]]] = {
    "logged out": [
        ("/login", "a wrong password", wrong_password),
        ("/login/forgot", "the form sent empty", send_empty("Email me a link")),
        (
            "/confirm/{availability.expert.answer}",
            "withdrawing without the tick",
            send_empty("Withdraw from the roster"),
        ),
    ],
    "focal point (Ghana)": [
        ("/roster/new", "the expert form sent empty", send_empty("Register the expert")),
        ("/roster/new", "skill completions open", skills_completions),
        ("/roster/new", "a CV read", cv_read),
        ("/roster/{ama}/cv/upload", "the form sent empty", send_empty("Upload the CV")),
        ("/roster/import", "the form sent empty", send_empty("Upload and preview")),
        ("/roster/import", "a file previewed", import_preview),
        ("/roster/?q=Kwame", "a search", as_served),
        (
            "/outreach/requests/{open_request}",
            "nominating nobody",
            send_empty("Nominate the chosen experts"),
        ),
        ("/account/password", "the form sent empty", send_empty("Change password")),
        ("/account/tokens", "a token made", token_made),
    ],
    "requester": [
        ("/requests/new", "the request form sent empty", send_empty("Save draft")),
        ("/requests/new", "skill completions open", skills_completions),
        ("/requests/new", "terms of reference read", terms_read),
    ],
    "HR reviewer": [
        ("/review/requests/{open_request}", "publishing to nobody", send_empty("Publish")),
        ("/review/experts?text=Kwame&area=justice", "a search", as_served),
    ],
    "admin": [
        ("/admin/experts?q=Kwame", "a search", as_served),
        ("/admin/outbox?status=pending", "a filter", as_served),
    ],
}


def url_of(template: str) -> str:
    values = {**SEEDED["tokens"], **{k: v for k, v in SEEDED.items() if isinstance(v, int)}}
    return re.sub(r"\{([^}]+)\}", lambda m: str(values[m.group(1)]), template)


def visit_states(audit: Audit, page: Page, who: str) -> None:
    for url, state, step in STATES.get(who, []):
        page.goto(url_of(url))
        step(page, audit.say)
        audit.check(page, who, state)


def enrol_second_factor(audit: Audit, page: Page) -> None:
    """An HR reviewer's first login: set up the authenticator app, then the recovery codes."""
    who, say = "HR reviewer enrolling", audit.say
    with audit.app.app_context():  # not enrolled yet, in whichever language the audit runs
        user = db.session.scalars(sa.select(User).filter_by(email=ENROLLING)).one()
        user.totp_secret = user.totp_enrolled_at = user.totp_last_step = None
        db.session.execute(sa.delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
        db.session.commit()
    page.goto("/login")
    page.get_by_label(say("Email")).fill(ENROLLING)
    page.get_by_label(say("Password")).fill(PASSWORD)
    page.get_by_role("button", name=say("Log in")).click()
    expect(page.get_by_role("heading", name=say("Set up your authenticator app"))).to_be_visible()
    audit.check(page, who, "the login's second-factor set-up")
    secret = page.locator(".secret").inner_text().replace(" ", "")
    page.get_by_label(say("Code from the app")).fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name=say("Turn on the second factor")).click()
    expect(page.get_by_role("heading", name=say("Your recovery codes"))).to_be_visible()
    audit.check(page, who, "the recovery codes, shown once")


@pytest.fixture(scope="module", params=CHECKED_LANGUAGES)
def audit(request, live_app: Flask, browser: Browser, base_url: str) -> Audit:
    """Every page of every person, checked once for the tests below, in each language."""
    done = Audit(live_app.url_map.bind("127.0.0.1"), live_app, request.param)
    for who, email, only in PEOPLE:
        page = new_page(browser, base_url, locale=done.language)
        try:
            if email is not None:
                log_in(done, page, email, who)
            visit_every_page(done, page, who, only)
            visit_states(done, page, who)
            # The error pages: a page that is not there, one the role may not see.
            response = page.goto("/no-such-page")
            assert response is not None and response.status == 404
            done.check(page, who, "not found", error_page=True)
            if who == "focal point (Ghana)":
                response = page.goto("/dashboard")
                assert response is not None and response.status == 403
                done.check(page, who, "refused", error_page=True)
        finally:
            page.context.close()
    page = new_page(browser, base_url, locale=done.language)
    try:
        enrol_second_factor(done, page)
    finally:
        page.context.close()
    return done


# ---- the tests -----------------------------------------------------------------------------


def test_no_page_of_any_role_has_an_axe_violation(audit: Audit):
    if audit.violations:
        pytest.fail(audit.report(), pytrace=False)


def test_every_get_route_is_checked_or_skipped_with_a_reason(audit: Audit):
    checked = {visit.endpoint for visit in audit.visits}
    missing = [
        f"  {rule.rule} ({rule.endpoint})"
        for rule in get_rules(audit.routes)
        if rule.endpoint not in checked and rule.endpoint not in SKIPPED
    ]
    if missing:
        pytest.fail(
            "GET routes that served no page (HTML, 200) to anyone, so axe checked none:\n"
            + "\n".join(missing)
            + "\nSeed a record the route can show (its ids go in SEEDED['ids']), or name the "
            "route in SKIPPED with the reason it is not a page.",
            pytrace=False,
        )


def test_skipped_routes_are_get_routes_of_the_app(live_app: Flask):
    endpoints = {rule.endpoint for rule in get_rules(live_app.url_map.bind("127.0.0.1"))}
    assert sorted(set(SKIPPED) - endpoints) == [], "SKIPPED names routes the app no longer has"


def test_every_role_reached_its_own_pages(audit: Audit):
    """Guard against a quiet run: each person got past the login and saw their pages."""
    prefixes = {
        "logged out": "accounts.session.",
        "focal point (Ghana)": "roster.focal_point.",
        "focal point (Senegal)": "outreach.focal_point.",
        "requester": "requests.requester.",
        "HR reviewer": "candidates.hr.",
        "second HR reviewer": "candidates.hr.",
        "admin": "accounts.admin.",
    }
    for who, prefix in prefixes.items():
        endpoints = {v.endpoint for v in audit.visits if v.who == who}
        assert any(e.startswith(prefix) for e in endpoints), (who, sorted(endpoints))
