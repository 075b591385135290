"""Police experts for the ranking tests of the suggestions page and of the API (the fixtures
that use them are in this folder's conftest.py)."""

from __future__ import annotations

from datetime import date

from tests.factories import make_expert

POLICE = {
    "title": "police commissioner adviser",
    "summary": "Police commissioner adviser: supervises police officers and handles case evidence "
    "in criminal investigations.",
    "skills": ["handle case evidence", "supervise police officers"],
    "areas": ["security"],
    "years_experience": 15,
    "available_from": date(2027, 2, 1),
    "available_until": date(2028, 6, 30),
    "modalities": ["government_provided"],
}


def police_expert(organisation, name: str, **overrides):
    return make_expert(organisation, **(POLICE | {"full_name": name} | overrides))
