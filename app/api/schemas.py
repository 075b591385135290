"""What every API operation shares: the problem it answers with, the page of a list, and the
field kinds every schema uses.

Schemas read and check the shape of a call (types, required fields, choices from civcap's own
reference lists); the rules themselves stay in the services, which the pages call too.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import marshmallow as ma
from flask_babel import lazy_gettext as _l
from marshmallow import fields, validate

from app.common.queries import MAX_ID
from app.common.validation import holds_nul, nul_character

# marshmallow's own messages, in the caller's language: what is wrong with a field, by the
# field's kind (a problem names the field; the message says why).
KIND_MESSAGES: dict[type[fields.Field], Any] = {
    fields.String: _l("must be text"),
    fields.Integer: _l("must be a whole number"),
    fields.Boolean: _l("must be true or false"),
    fields.Date: _l("must be a date (YYYY-MM-DD)"),
    fields.DateTime: _l("must be a date and time (ISO 8601)"),
    fields.List: _l("must be a list"),
    fields.Dict: _l("must be an object"),
    fields.Nested: _l("must be an object"),
}
FIELD_MESSAGES = {
    "required": _l("is required"),
    "null": _l("may not be null"),
    "too_large": _l("is too large"),
    "validator_failed": _l("is not valid"),
}


class Schema(ma.Schema):
    """A schema that refuses fields it does not know (a misspelt field is an error, not a
    silently lost value), with its messages in the caller's language."""

    class Meta:
        unknown = ma.RAISE

    error_messages = {
        "unknown": _l("is not a field of this record"),
        "type": _l("must be an object"),
    }

    @ma.pre_load
    def refuse_nul_characters(self, data: Any, **kwargs: Any) -> Any:
        """PostgreSQL text cannot hold a NUL character, and no person means one: refused with
        the field named, in the body and in the query alike."""
        if isinstance(data, Mapping):
            found = {name: [nul_character()] for name, value in data.items() if holds_nul(value)}
            if found:
                raise ma.ValidationError(found)
        return data

    def on_bind_field(self, field_name: str, field_obj: fields.Field) -> None:
        messages = dict(FIELD_MESSAGES)
        for kind, message in KIND_MESSAGES.items():
            if isinstance(field_obj, kind):
                messages["invalid"] = message
                messages["type"] = message
                break
        for key, message in messages.items():
            if key in field_obj.error_messages:
                field_obj.error_messages[key] = message


class FieldProblemSchema(Schema):
    field = fields.String(
        required=True, metadata={"description": "The field, e.g. `languages[0].level`"}
    )
    message = fields.String(required=True, metadata={"description": "What is wrong with it"})


class ProblemSchema(Schema):
    """An error, as RFC 9457 describes it (``application/problem+json``)."""

    class Meta:
        unknown = ma.INCLUDE

    type = fields.String(metadata={"description": "A URI naming the kind of problem"})
    title = fields.String(required=True, metadata={"description": "The kind of problem"})
    status = fields.Integer(required=True, metadata={"description": "The HTTP status"})
    detail = fields.String(metadata={"description": "What happened, for a person"})
    errors = fields.List(
        fields.Nested(FieldProblemSchema),
        metadata={"description": "Each field that is wrong, and why"},
    )
    current = fields.Dict(
        metadata={"description": "On 412: the record as it is now, with its current version"}
    )


def choice(choices: Any) -> validate.OneOf:
    """One of ``choices`` (civcap's own reference list)."""
    return validate.OneOf(list(choices), error=_l("must be one of: {choices}"))


def one_of(choices: Any, **kwargs: Any) -> fields.String:
    """A string field taking one of ``choices``."""
    return fields.String(validate=choice(choices), **kwargs)


def longest(max_length: int) -> validate.Length:
    return validate.Length(max=max_length, error=_l("is too long (at most {max} characters)"))


def limited(max_length: int, **kwargs: Any) -> fields.String:
    """A text field of at most ``max_length`` characters."""
    return fields.String(validate=longest(max_length), **kwargs)


def between(low: int, high: int) -> validate.Range:
    return validate.Range(min=low, max=high, error=_l("must be between {min} and {max}"))


def at_most(count: int) -> validate.Length:
    """A list of at most ``count`` items."""
    return validate.Length(max=count, error=_l("has too many items (at most {max})"))


def record_id(**kwargs: Any) -> fields.Integer:
    """The id of a record (an expert's, a request's): a whole number the database can hold."""
    return fields.Integer(strict=True, validate=between(1, MAX_ID), **kwargs)


class VersionSchema(Schema):
    """The version an operation changes, for a client that does not send If-Match."""

    version = fields.Integer(
        load_default=None,
        allow_none=True,
        metadata={"description": "The version changed, if If-Match is not sent"},
    )


class PageArgs(Schema):
    """A list's query: where to start, how many (a list's filters extend it)."""

    after = fields.String(
        load_default=None,
        validate=longest(64),
        metadata={"description": "The `next` cursor of the previous page"},
    )
    limit = fields.Integer(
        load_default=50,
        validate=between(1, 200),
        metadata={"description": "How many items (1–200, default 50)"},
    )


def page_schema(item: type[ma.Schema], name: str) -> type[ma.Schema]:
    """The schema of one page of ``item`` s."""
    attributes: dict[str, Any] = {
        "items": fields.List(fields.Nested(item), required=True),
        "next": fields.String(
            required=True,
            allow_none=True,
            metadata={"description": "The cursor of the next page; null on the last"},
        ),
    }
    return type(name, (Schema,), attributes)
