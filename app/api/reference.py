"""The API's own description: the OpenAPI 3.1 document (``/api/v1/openapi.json``), made by
flask-smorest from the schemas that check each call, and a reference page drawn from it here
(``/api/``), with no script and nothing from outside civcap."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, jsonify, render_template
from werkzeug.wrappers import Response

from app.api import PREFIX
from app.models import Role

bp = Blueprint("reference", __name__)

METHODS = ("get", "put", "post", "patch", "delete")


def document() -> dict[str, Any]:
    """The OpenAPI document of this app's API."""
    api = current_app.extensions["flask-smorest"]["apis"][""]["ext_obj"]
    return dict(api.spec.to_dict())


@bp.route(f"{PREFIX}/openapi.json")
def openapi() -> Response:
    return jsonify(document())


def _operations(spec: dict[str, Any]) -> list[dict[str, Any]]:
    operations = []
    for path, item in spec.get("paths", {}).items():
        shared = item.get("parameters", [])
        for method in METHODS:
            if method in item:
                operation = item[method]
                operations.append(
                    {
                        "method": method.upper(),
                        "path": path,
                        "id": operation.get("operationId") or f"{method}-{path}",
                        "summary": operation.get("summary", ""),
                        "description": operation.get("description", ""),
                        "tag": (operation.get("tags") or [""])[0],
                        "roles": [Role(role).label for role in operation.get("x-roles", [])],
                        "parameters": shared + operation.get("parameters", []),
                        "body": _schema_name(spec, operation.get("requestBody")),
                        "responses": [
                            (code, _described(spec, answer), _schema_name(spec, answer))
                            for code, answer in operation.get("responses", {}).items()
                        ],
                    }
                )
    return operations


def _resolved(spec: dict[str, Any], part: Any) -> Any:
    """A response given by reference (``#/components/responses/…``), looked up."""
    if isinstance(part, dict) and "$ref" in part:
        found: Any = spec
        for step in str(part["$ref"]).removeprefix("#/").split("/"):
            found = found.get(step, {}) if isinstance(found, dict) else {}
        return found
    return part


def _described(spec: dict[str, Any], answer: Any) -> str:
    return str(_resolved(spec, answer).get("description", ""))


def _schema_name(spec: dict[str, Any], part: Any) -> str:
    """The name of the schema a body or a response refers to, if it names one."""
    part = _resolved(spec, part)
    if not isinstance(part, dict):
        return ""
    for media in (part.get("content") or {}).values():
        schema = media.get("schema", {})
        reference = schema.get("$ref") or schema.get("items", {}).get("$ref", "")
        return str(reference).rsplit("/", 1)[-1]
    return ""


def kind(schema: dict[str, Any]) -> str:
    """A schema's type as the reference page writes it: ``string``, ``list of Language``…"""
    if "$ref" in schema:
        return str(schema["$ref"]).rsplit("/", 1)[-1]
    if "allOf" in schema or "anyOf" in schema or "oneOf" in schema:
        parts = schema.get("allOf") or schema.get("anyOf") or schema.get("oneOf") or []
        return " | ".join(kind(part) for part in parts)
    types = schema.get("type", "object")
    types = [types] if isinstance(types, str) else list(types)
    words = []
    for name in types:
        if name == "array":
            words.append(f"list of {kind(schema.get('items', {}))}")
        elif name == "string" and schema.get("format"):
            words.append(f"string ({schema['format']})")
        else:
            words.append(str(name))
    return " | ".join(words)


def _fields(schema: dict[str, Any]) -> list[dict[str, Any]]:
    required = set(schema.get("required", []))
    return [
        {
            "name": name,
            "kind": kind(prop),
            "required": name in required,
            "read_only": prop.get("readOnly", False),
            "description": prop.get("description", ""),
            "choices": prop.get("enum") or prop.get("items", {}).get("enum") or [],
        }
        for name, prop in schema.get("properties", {}).items()
    ]


@bp.route("/api/")
def page() -> str:
    spec = document()
    operations = _operations(spec)
    tags = list(dict.fromkeys(op["tag"] for op in operations))
    schemas = {
        name: {"description": schema.get("description", ""), "fields": _fields(schema)}
        for name, schema in spec.get("components", {}).get("schemas", {}).items()
    }
    return render_template(
        "api/reference.html",
        spec=spec,
        tags=tags,
        operations=operations,
        schemas=schemas,
        kind=kind,
    )
