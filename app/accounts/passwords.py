"""The password rules (OWASP ASVS 2.1): long enough, any characters, hard to guess.

No composition rules (capitals, digits, symbols): length and guessability decide, and long
passphrases of any characters, spaces included, are welcome. Guessability is zxcvbn's offline
estimate, which knows the most common passwords of public breaches, common words and names,
keyboard patterns, repeats and dates, and the person's own email and name.
"""

from __future__ import annotations

from collections.abc import Iterable

from flask_babel import gettext as _
from zxcvbn import zxcvbn

from app.accounts.password_feedback import translated

MIN_LENGTH = 12
MAX_LENGTH = 200
# zxcvbn scores 0 to 4; 3 is "safely unguessable": about 10^10 guesses or more.
MIN_SCORE = 3
# zxcvbn estimates at most 72 characters (its work grows with the length); a longer password is
# judged by its first 72.
ESTIMATED_LENGTH = 72


def password_problem(password: str, personal: Iterable[str] = ()) -> str | None:
    """Why ``password`` may not be used, in words the person can act on; None when it may.

    ``personal`` are the person's own words (email, name): a password made of them is weak.
    """
    if len(password) < MIN_LENGTH:
        return _(
            "must be at least %(least)s characters (a few words together make a good one)",
            least=MIN_LENGTH,
        )
    if len(password) > MAX_LENGTH:
        return _("must be at most %(most)s characters", most=MAX_LENGTH)
    texts = [text.strip().lower() for text in personal if text.strip()]
    words = [w for text in texts for w in text.replace("@", " ").replace(".", " ").split()]
    estimate = zxcvbn(password[:ESTIMATED_LENGTH], user_inputs=[*texts, *words, "civcap"])
    if estimate["score"] >= MIN_SCORE:
        return None
    feedback = estimate["feedback"]
    warning = feedback.get("warning")
    why = translated(warning) if warning else _("It is too easy to guess.")
    tips = " ".join(translated(tip) for tip in feedback.get("suggestions") or [])
    return _("is too easy to guess: %(why)s", why=why) + (f" {tips}" if tips else "")
