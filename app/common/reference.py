"""Reference vocabularies: CEFR levels, modalities, genders, countries, languages.

Countries and their UN regions come from ``data/countries.csv`` (ISO 3166-1 alpha-2, UN M49
region and sub-region). ``global_south`` follows UNCTAD's grouping of developing economies:
Africa, Latin America and the Caribbean, Asia without Israel, Japan, the Republic of Korea and
Cyprus, and Oceania without Australia and New Zealand.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources

import pycountry
from babel import Locale
from flask import has_app_context
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from matching import CEFR_LEVELS

MODALITIES = {
    "government_provided": _l("Government-provided personnel"),
    "consultant": _l("Consultant"),
    "staff": _l("Staff"),
    "un_volunteer": _l("UN Volunteer"),
}
GENDERS = {
    "female": _l("Female"),
    "male": _l("Male"),
    "other": _l("Other"),
    "undisclosed": _l("Prefers not to say"),
}
# The six official UN languages come first in pickers.
UN_LANGUAGES = ("en", "fr", "es", "ar", "ru", "zh")


def cefr_rank(level: str) -> int:
    """0 for A1 … 5 for C2; raises ValueError for anything else."""
    return CEFR_LEVELS.index(level)


def levels_at_least(level: str | None) -> list[str]:
    """The CEFR levels from ``level`` up (every level when none is given)."""
    if not level:
        return list(CEFR_LEVELS)
    return list(CEFR_LEVELS[cefr_rank(level) :])


@dataclass(frozen=True)
class Country:
    code: str
    name: str
    region: str
    subregion: str
    global_south: bool


@cache
def countries() -> dict[str, Country]:
    text = resources.files("app").joinpath("data/countries.csv").read_text(encoding="utf-8")
    return {
        row["iso2"]: Country(
            row["iso2"], row["name"], row["region"], row["subregion"], row["global_south"] == "1"
        )
        for row in csv.DictReader(text.splitlines())
    }


@cache
def languages() -> dict[str, str]:
    """ISO 639-1 code → English name, UN languages first, then alphabetical by name."""
    all_langs = {
        lang.alpha_2: lang.name for lang in pycountry.languages if getattr(lang, "alpha_2", None)
    }
    first = {code: all_langs[code] for code in UN_LANGUAGES}
    rest = sorted(((c, n) for c, n in all_langs.items() if c not in first), key=lambda cn: cn[1])
    return first | dict(rest)


def _reader_locale() -> Locale | None:
    """The page's locale when it is not English (English names come from our own data)."""
    locale = get_locale() if has_app_context() else None
    return locale if locale is not None and locale.language != "en" else None


def _reader_language() -> str | None:
    locale = _reader_locale()
    return None if locale is None else str(locale)


def country_choices() -> list[tuple[str, str]]:
    """Every country, named and sorted in the reader's language."""
    return list(_country_choices(_reader_language()))


@cache
def _country_choices(language: str | None) -> tuple[tuple[str, str], ...]:
    # The same for every page in ``language`` (made once; a menu of it is on many pages).
    pairs = [(c.code, country_name(c.code)) for c in countries().values()]
    return tuple(sorted(pairs, key=lambda cn: cn[1].casefold()))


def language_choices() -> list[tuple[str, str]]:
    """The UN languages first, then the others; named in the reader's language, capitalised as
    menus are (CLDR's names are lower case in French and Spanish)."""
    return list(_language_choices(_reader_language()))


@cache
def _language_choices(language: str | None) -> tuple[tuple[str, str], ...]:
    return tuple((code, capitalised(language_name(code))) for code in languages())


def capitalised(name: str) -> str:
    """A name as it starts a sentence or a menu item (CLDR's are lower case in fr, es)."""
    return name[:1].upper() + name[1:]


def country_name(code: str | None) -> str:
    """A country's name in the reader's language (Babel's CLDR data), else in English."""
    if not code:
        return ""
    locale = _reader_locale()
    if locale is not None and code in locale.territories:
        return str(locale.territories[code])
    country = countries().get(code)
    return country.name if country else code


def language_name(code: str) -> str:
    """A language's name in the reader's language (CLDR), else its English name (ISO 639)."""
    locale = _reader_locale()
    if locale is not None and code in locale.languages:
        return str(locale.languages[code])
    return languages().get(code, code)


# The UN M49 names of our data that CLDR spells otherwise, with their M49 codes.
_M49_SPELLED_OTHERWISE = {
    "South-eastern Asia": "035",
    "Australia and New Zealand": "053",
    "Micronesia": "057",
    "America": "019",
}


@cache
def _m49_codes() -> dict[str, str]:
    english = {str(name): code for code, name in Locale("en").territories.items() if code.isdigit()}
    return english | _M49_SPELLED_OTHERWISE


def region_name(name: str | None) -> str:
    """A UN M49 region or sub-region (stored by its English name) in the reader's language."""
    if not name:
        return ""
    locale = _reader_locale()
    code = _m49_codes().get(name)
    if locale is None or code is None or code not in locale.territories:
        return name
    return str(locale.territories[code])
