"""The API's reference page: drawn by civcap from its own OpenAPI document (nothing from
outside), every operation on it with the roles whose tokens may call it, in the reader's
language around the English of the document."""

from __future__ import annotations

import re


def test_the_page_lists_every_operation_and_who_may_call_it(client):
    document = client.get("/api/v1/openapi.json").get_json()
    page = client.get("/api/", headers={"Accept-Language": "fr"}).get_data(as_text=True)

    for item in document["paths"].values():
        for method, operation in item.items():
            if method != "parameters":
                assert f'id="op-{operation["operationId"]}"' in page
                assert operation["x-roles"], operation["operationId"]
    assert "Pour les jetons de : Point focal d’État Membre" in page
    assert not re.search(r'(src|href)="(https?:)?//', page)  # no CDN, no other site
