"""The API keeps its own contract: Schemathesis reads the live OpenAPI document and sends every
operation generated valid and invalid input with each role's token; no answer is a server error
or breaks the document (status, content type, headers, body schema). Stateful runs follow the
document's links: a focal point's roster (register → read → update → read) and a requester's
requests (create → read → update → submit).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import hypothesis
import hypothesis.errors
import pytest
import schemathesis
from hypothesis import HealthCheck, given
from schemathesis import GenerationMode
from schemathesis.config._checks import NEGATIVE_DATA_REJECTION_EXPECTED_STATUSES
from schemathesis.specs.openapi import checks as openapi_checks

from app.candidates import workflow
from app.extensions import db
from app.models import CandidateState, RequestPublication, RequestStatus
from tests.api.client import token_of
from tests.factories import make_expert, make_request

# Invalid input that the schema cannot describe is still refused by the services (a window that
# ends before it starts, an unknown core area): such valid-looking input may be refused with 422.
EXCLUDED = [openapi_checks.positive_data_acceptance]
EXAMPLES = 25
STATEFUL_EXAMPLES = 60

PROFILE = hypothesis.settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)


UPSERT = "/api/v1/experts/by-external-id/{external_id}"
EXPERT = "/api/v1/experts/{expert_id}"


@pytest.fixture
def tokens(app, focal, focal_sn, hr, requester, ghana, senegal, mission) -> dict[str, str]:
    app.config["API_RATE_LIMIT"] = "100000 per minute"
    ama = make_expert(ghana, external_id="GH-1")
    make_expert(senegal, external_id="SN-1", nationality="SN")
    # A request published to Ghana, with Ama asked for in a release consultation: the
    # candidates' and outreach operations have something to read and to refuse.
    published = make_request(mission, status=RequestStatus.OPEN, created_by=requester)
    db.session.add(RequestPublication(request_id=published.id, organisation_id=ghana.id))
    candidate = workflow.add(published, ama, hr)
    workflow.move(candidate, CandidateState.SHORTLISTED, hr)
    workflow.move(candidate, CandidateState.CONSULTATION, hr)
    return {
        "focal point": token_of(focal),
        "focal point, read only": token_of(focal, scope="read"),
        "hr": token_of(hr),
        "requester": token_of(requester),
    }


# A change sent at a version that is not the record's is refused with 412 before its body is
# read (RFC 9110, 13.2.1: preconditions come before the content is processed): invalid data
# sent so is refused too, and nothing is saved.
REJECTED = [*NEGATIVE_DATA_REJECTION_EXPECTED_STATUSES, "412"]
CONFIG = schemathesis.Config.from_dict(
    {"checks": {"negative_data_rejection": {"expected-statuses": REJECTED}}}
)


@pytest.fixture
def api_schema(app) -> Any:
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app, config=CONFIG)


def test_every_operation_answers_every_role_within_its_contract(api_schema, tokens):
    ran: Counter[str] = Counter()
    operations = [result.ok() for result in api_schema.get_all_operations()]
    # the roster's 7 and the CV, the requests' 7, the suggestions, the candidates' 4, outreach's 3
    assert len(operations) == 23
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @PROFILE
            @given(case=operation.as_strategy(generation_mode=mode))
            def run(case: Any) -> None:
                for secret in tokens.values():
                    case.call_and_validate(
                        headers={"Authorization": f"Bearer {secret}"}, excluded_checks=EXCLUDED
                    )
                    ran["calls"] += 1

            run()
            ran[mode.value] += 1
    print(f"schemathesis: {len(operations)} operations, {dict(ran)}")  # the figures, with -s
    assert ran["calls"] > 0


# Each stateful run: the operations of a tag, as the role that makes its records; what it made,
# then read by the id the answer gave (a link followed).
STATEFUL = {
    "experts": ("focal point", [("POST", "/api/v1/experts"), ("PUT", UPSERT)], EXPERT),
    "requests": ("requester", [("POST", "/api/v1/requests")], "/api/v1/requests/{request_id}"),
}


@pytest.mark.parametrize("tag", sorted(STATEFUL))
def test_stateful_runs_follow_the_links(api_schema, tokens, tag):
    role, creations, read = STATEFUL[tag]
    secret = tokens[role]

    @api_schema.auth()
    class FocalPointToken:
        """The focal point's token, as Schemathesis sends it (and leaves out to check that
        the API then refuses)."""

        def get(self, case: Any, context: Any) -> str:
            return secret

        def set(self, case: Any, data: str, context: Any) -> None:
            case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}

    steps: Counter[tuple[str, str, int]] = Counter()

    operations = api_schema.include(tag=tag)

    class Run(operations.as_state_machine()):  # type: ignore[misc]
        def validate_response(self, response: Any, case: Any, **kwargs: Any) -> None:
            steps[(case.method, case.operation.path, response.status_code)] += 1
            case.validate_response(response, excluded_checks=EXCLUDED)

    settings = hypothesis.settings(
        max_examples=STATEFUL_EXAMPLES,
        stateful_step_count=10,
        deadline=None,
        database=None,
        # The roster a run changes is not undone between examples, so an example cannot be
        # replayed to shrink it: a failure is reported as found.
        phases=[hypothesis.Phase.explicit, hypothesis.Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    # Hypothesis may notice that the roster it generates against has changed under an example
    # it replays (FlakyStrategyDefinition: a fault of the run, not of the API); the run then
    # starts again. A failure of the API (a FailureGroup) fails at once.
    for attempt in range(5):
        try:
            Run.run(settings=settings)
            break
        except hypothesis.errors.FlakyStrategyDefinition:
            if attempt == 4:
                raise
    # Links were followed: records made, then read by the id their answer gave.
    assert sum(steps[(method, path, 201)] for method, path in creations)
    assert steps[("GET", read, 200)]


def follow(link: dict[str, Any], response: Any) -> dict[str, Any]:
    """A link's parameters, evaluated on ``response`` as the document says (the two kinds of
    expression civcap's links use)."""
    values = {}
    for name, expression in link["parameters"].items():
        if expression.startswith("$response.body#/"):
            values[name] = response.get_json()[expression.removeprefix("$response.body#/")]
        else:
            values[name] = response.headers[expression.removeprefix("$response.header.")]
    return values


def test_the_links_of_the_document_lead_from_a_registration_to_its_update(client, focal, app):
    """Register → read → update → read, each step taken from the links the document gives."""
    from tests.api.client import caller, expert_body

    document = client.get("/api/v1/openapi.json").get_json()
    links = document["paths"]["/api/v1/experts"]["post"]["responses"]["201"]["links"]
    api = caller(client, focal)
    made = api.post("/api/v1/experts", expert_body())
    assert made.status_code == 201
    read = api.get("/api/v1/experts/{expert_id}".format(**follow(links["read"], made)))
    assert read.status_code == 200 and read.get_json() == made.get_json()
    update = follow(links["update"], read)
    changed = api.put(
        f"/api/v1/experts/{update['expert_id']}",
        expert_body(title="Judge"),
        headers={"If-Match": update["header.If-Match"]},
    )
    assert changed.status_code == 200
    again = document["paths"]["/api/v1/experts/{expert_id}"]["put"]["responses"]["200"]["links"]
    reread = api.get("/api/v1/experts/{expert_id}".format(**follow(again["read"], changed)))
    assert reread.get_json()["title"] == "Judge" and reread.get_json()["version"] == 2
