"""The password rules: at least 12 characters, any characters, and not easy to guess."""

from __future__ import annotations

import pytest

from app.accounts.passwords import MAX_LENGTH, password_problem


@pytest.mark.parametrize(
    ("password", "why"),
    [
        ("eleven-char", "must be at least 12 characters"),
        ("aaaaaaaaaaaa", 'is too easy to guess: Repeats like "aaa" are easy to guess.'),
        ("password1234", "is too easy to guess: This is a very common password."),
        ("123456789012", "is too easy to guess: This is similar to a commonly used password."),
        ("qwertyuiopas", "is too easy to guess"),
        ("x" * (MAX_LENGTH + 1), f"must be at most {MAX_LENGTH} characters"),
    ],
)
def test_weak_passwords_are_refused_with_the_reason(password, why):
    problem = password_problem(password)
    assert problem is not None and problem.startswith(why), problem


def test_the_persons_own_email_is_a_weak_password():
    person = ("ama.owusu@ghana.example", "Ama Owusu")
    for password in ("ama.owusu@ghana.example", "AMA.OWUSU@GHANA.EXAMPLE"):
        problem = password_problem(password, personal=person)
        assert problem is not None and problem.startswith("is too easy to guess"), password


@pytest.mark.parametrize(
    "password",
    [
        "correct horse battery",  # a passphrase: no capitals, digits or symbols needed
        "la paix durable passe par nous",  # spaces and any language
        "مرحبا بالعالم الجديد ٢٠٢٦",  # any characters
        "Tr0ub4dor&3-horse",
        "y" * 40 + " a long passphrase that goes on" * 5,  # judged by its first characters
    ],
)
def test_long_passphrases_of_any_characters_are_accepted(password):
    assert len(password) <= MAX_LENGTH
    assert password_problem(password) is None
