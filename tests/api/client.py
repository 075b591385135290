"""Calling the API in tests as a program does: a bearer token per person, JSON in and out."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from app.accounts import tokens
from app.models import User


def token_of(user: User, scope: str = "write", name: str = "test sync", days: int = 30) -> str:
    return tokens.create(user, name, scope, days).secret


class Caller:
    """One program calling the API with one token."""

    def __init__(self, client: FlaskClient, secret: str):
        self.client = client
        self.secret = secret

    def call(
        self, method: str, path: str, json: Any = None, headers: dict[str, str] | None = None
    ) -> TestResponse:
        sent = {"Authorization": f"Bearer {self.secret}", **(headers or {})}
        return self.client.open(path, method=method, json=json, headers=sent)

    def get(self, path: str, **kwargs: Any) -> TestResponse:
        return self.call("GET", path, **kwargs)

    def post(self, path: str, json: Any = None, **kwargs: Any) -> TestResponse:
        return self.call("POST", path, json=json, **kwargs)

    def put(self, path: str, json: Any = None, **kwargs: Any) -> TestResponse:
        return self.call("PUT", path, json=json, **kwargs)


def caller(client: FlaskClient, user: User, scope: str = "write") -> Caller:
    return Caller(client, token_of(user, scope))


def expert_body(**overrides: Any) -> dict[str, Any]:
    """An expert as a national roster sends them."""
    body: dict[str, Any] = {
        "external_id": "GH-0001",
        "full_name": "Grace Mensah",
        "nationality": "GH",
        "title": "Court administrator",
        "summary": "Court administrator with 14 years of professional experience.",
        "gender": "female",
        "skills": ["manage court cases", "legislative drafting"],
        "areas": ["justice"],
        "languages": [{"code": "en", "level": "C1"}, {"code": "fr", "level": "B2"}],
        "years_experience": 14,
        "available_from": "2027-02-15",
        "available_until": "2028-01-31",
        "modalities": ["government_provided", "consultant"],
        "countries_of_experience": ["LR", "SS"],
        "consent": True,
    }
    body.update(overrides)
    return body
