"""What a browser sends for complete forms, for tests to change one field at a time."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

FUTURE = date.today() + timedelta(days=90)


def expert_form(**overrides: Any) -> dict[str, Any]:
    """What a browser sends for a complete registration; ``None`` leaves a field out."""
    data: dict[str, Any] = {
        "full_name": "Amina Osei",
        "email": "amina.osei@example.org",
        "phone": "+233 20 000 0000",
        "gender": "female",
        "nationality": "GH",
        "birth_year": "1978",
        "title": "Legislative drafter",
        "summary": "Drafted electoral and judicial laws for two transitions.",
        "skills": "Legislative drafting\nConstitution-making, comparative\n\n",
        "areas": ["justice", "political_processes"],
        "languages-0-code": "en",
        "languages-0-level": "C2",
        "languages-1-code": "fr",
        "languages-1-level": "B2",
        "languages-2-code": "",
        "languages-2-level": "",
        "languages-3-code": "",
        "languages-3-level": "",
        "years_experience": "16",
        "available_from": "2027-01-15",
        "available_until": "2027-12-31",
        "modalities": ["government_provided", "consultant"],
        "countries_of_experience": ["SS", "LR"],
        "consent": "y",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def request_form(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "title": "Legislative drafter",
        "terms_of_reference": "Appuyer la rédaction des lois électorales.",
        "area": "justice",
        "required_skills": "legislative drafting\nconstitutional law, comparative",
        "languages-0-code": "en",
        "languages-0-level": "C1",
        "languages-1-code": "fr",
        "languages-1-level": "B2",
        "languages-2-code": "",
        "languages-2-level": "",
        "min_years_experience": "10",
        "start_date": FUTURE.isoformat(),
        "duration_months": "6",
        "duty_station": "Juba",
        "country": "SS",
        "modality": "government_provided",
        "positions": "2",
        "save_draft": "Save draft",
    }
    data.update(overrides)
    return data
