"""The errors services raise for people to act on: which field is wrong and why, a conflict, a
refused action. Nothing is saved when one is raised."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FieldError:
    """What is wrong with one field of an input, in words a person can act on."""

    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"


class ValidationFailed(Exception):
    """Input broke a rule; nothing was saved."""

    def __init__(self, errors: list[FieldError]):
        super().__init__("; ".join(str(e) for e in errors))
        self.errors = errors


class Conflict(Exception):
    """Someone else changed the record since it was read; nothing was saved."""


class NotAllowed(Exception):
    """The action is not allowed for this record in its current state."""
