"""zxcvbn's feedback in the reader's language.

zxcvbn (the guessability estimate of ``passwords``) words its warnings and tips in English and
ships no translations; civcap's catalogues hold them. ``FEEDBACK`` marks each of its sentences
for extraction (zxcvbn 4.5's ``feedback.py``), and ``translated`` looks a sentence up when the
feedback is shown. A sentence a later zxcvbn adds stays English until the catalogues have it.
"""

from __future__ import annotations

from flask_babel import gettext
from flask_babel import lazy_gettext as _l

FEEDBACK = (
    _l("Capitalization doesn't help very much."),
    _l("Dates are often easy to guess."),
    _l("No need for symbols, digits, or uppercase letters."),
    _l("Recent years are easy to guess."),
    _l("Reversed words aren't much harder to guess."),
    _l("Use a few words, avoid common phrases."),
    _l("A word by itself is easy to guess."),
    _l("Add another word or two. Uncommon words are better."),
    _l("Avoid dates and years that are associated with you."),
    _l("Avoid recent years."),
    _l("Avoid repeated words and characters."),
    _l("Avoid sequences."),
    _l("Avoid years that are associated with you."),
    _l("Common names and surnames are easy to guess."),
    _l("Names and surnames by themselves are easy to guess."),
    _l('Repeats like "aaa" are easy to guess.'),
    _l('Sequences like "abc" or "6543" are easy to guess.'),
    _l("Short keyboard patterns are easy to guess."),
    _l("Straight rows of keys are easy to guess."),
    _l("This is a top-10 common password."),
    _l("This is a top-100 common password."),
    _l("This is a very common password."),
    _l("This is similar to a commonly used password."),
    _l("Use a longer keyboard pattern with more turns."),
    _l('Repeats like "abcabcabc" are only slightly harder to guess than "abc".'),
    _l("Predictable substitutions like '@' instead of 'a' don't help very much."),
    _l("All-uppercase is almost as easy to guess as all-lowercase."),
)


def translated(sentence: str) -> str:
    """One of zxcvbn's sentences in the reader's language."""
    return gettext(sentence)
