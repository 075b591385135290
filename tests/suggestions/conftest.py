"""The police roster the suggestions page's tests and the API's rank: experts nominated by
"Ghana", of several nationalities, one withdrawn and one without consent, and a police request
they are ranked for."""

from __future__ import annotations

from datetime import date

import pytest

from app.extensions import db
from app.models import ExpertStatus, OrganisationKind, RequestStatus, Role
from app.suggestions import worker_index
from tests.factories import make_expert, make_organisation, make_request, make_user
from tests.suggestions.police_roster import police_expert


@pytest.fixture
def ghana(app):
    """Named "Ghana", not the shared cast's "Government of GH": the pages show it as nominator."""
    return make_organisation(OrganisationKind.MEMBER_STATE, "Ghana", "GH")


@pytest.fixture
def police_request(mission):
    return make_request(
        mission,
        RequestStatus.SUBMITTED,
        title="police commissioner adviser",
        area="security",
        terms_of_reference="Advise the police commissioner; supervise police officers and the "
        "handling of case evidence.",
        skills=["handle case evidence", "supervise police officers"],
        languages=[("fr", "B2")],
        min_years_experience=10,
        start_date=date(2027, 3, 4),
        duration_months=6,
        modality="government_provided",
    )


@pytest.fixture
def roster(ghana):
    """Experts nominated by Ghana, of several nationalities; the index rebuilt from them, as a
    freshly started worker would (the index outlives one test's emptied database)."""
    experts = {
        "best": police_expert(
            ghana,
            "Aminata Diallo",
            nationality="SN",
            gender="female",
            languages=[("en", "C1"), ("fr", "C1")],
        ),
        "second": police_expert(
            ghana,
            "Jean Mugabo",
            nationality="RW",
            gender="male",
            languages=[("fr", "B2")],
            years_experience=11,
            skills=["handle case evidence"],
        ),
        "no_french": police_expert(
            ghana,
            "Kwame Boateng",
            nationality="GH",
            gender="male",
            languages=[("en", "C2"), ("fr", "A2")],
        ),
        "irrelevant": make_expert(
            ghana,
            full_name="Ingrid Larsen",
            nationality="NO",
            gender="female",
            title="hydrologist",
            summary="Models groundwater and river basins for irrigation schemes.",
            skills=["model groundwater"],
            areas=["economic_revitalization"],
            languages=[("fr", "C2"), ("en", "C1")],
            years_experience=3,
            modalities=["consultant"],
        ),
        "withdrawn": police_expert(
            ghana, "Withdrawn Wiredu", nationality="GH", languages=[("fr", "C2")]
        ),
        "no_consent": police_expert(
            ghana, "Unconsented Owusu", nationality="GH", languages=[("fr", "C2")]
        ),
    }
    experts["withdrawn"].status = ExpertStatus.WITHDRAWN
    experts["no_consent"].consent_given_at = None
    db.session.commit()
    worker_index.roster_index().rebuild()
    return experts


@pytest.fixture
def two_experts(app):
    """A focal point of Ghana and two of its experts, Ama Owusu (X1) and Kofi Mensah (X2)."""
    ghana = make_organisation(OrganisationKind.MEMBER_STATE, "Government of GH", "GH")
    focal_point = make_user(Role.FOCAL_POINT, ghana)
    first = make_expert(ghana, full_name="Ama Owusu", external_id="X1")
    second = make_expert(ghana, full_name="Kofi Mensah", external_id="X2", title="chef")
    return focal_point, first, second
