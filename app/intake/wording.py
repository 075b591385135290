"""Reading helpers shared by the ToR and CV readers: sentences, numbers, dates, languages with
their levels and countries, as UN documents write them in English, French and Spanish (and
Arabic where it is cheap).

Everything here is plain, offline and deterministic. Names of languages, countries and months come
from the CLDR data Babel ships, so a language or country is recognised in every language we load
without a list of our own; the few UN habits CLDR does not know (Dari, "DRC", duty-station cities)
are written out below.
"""

from __future__ import annotations

import re
import unicodedata
from calendar import monthrange
from collections.abc import Sequence
from datetime import date
from functools import lru_cache
from importlib.resources import files

import babel

__all__ = [
    "countries_in",
    "country_code",
    "dated_spans",
    "dates_in",
    "fold",
    "language_code",
    "languages_in",
    "languages_with_levels",
    "month_year_spans",
    "number_in",
    "number_spans",
    "numbers_in",
    "sentences",
]

LOCALES = ("en", "fr", "es", "ar")


def _table(entries: str, value: type = str) -> dict:
    """A table written as "key=value; key=value" (keys may hold spaces)."""
    pairs = (entry.split("=") for entry in entries.split(";") if entry.strip())
    return {key.strip(): value(val.strip()) for key, val in pairs}


@lru_cache(maxsize=1)
def _names() -> dict[str, dict[str, str]]:
    """data/names.tsv by kind (language, country, city, mission): name -> ISO code."""
    tables: dict[str, dict[str, str]] = {}
    text = files("app.intake").joinpath("data/names.tsv").read_text(encoding="utf-8")
    for line in text.splitlines():
        if line and not line.startswith("#") and not line.startswith("kind\t"):
            kind, name, code = line.split("\t")
            tables.setdefault(kind, {})[name] = code
    return tables


def missions() -> dict[str, str]:
    """UN peace operations and special political missions: acronym -> the country they serve."""
    return _names()["mission"]


# --------------------------------------------------------------------------------------------
# Folding and sentences
# --------------------------------------------------------------------------------------------

_ARABIC_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
_QUOTES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "`": "'", "\u00a0": " "})


def _fold_char(ch: str) -> str:
    lower = ch.lower()[:1] or ch
    base = unicodedata.normalize("NFD", lower)[:1]
    return base or lower


def fold(text: str) -> str:
    """The text in lower case without accents, Arabic-Indic digits as 0-9 and curly quotes as
    straight ones — character for character, so a position in the folded text is the same
    position in the original."""
    text = text.translate(_ARABIC_DIGITS).translate(_QUOTES)
    return "".join(_fold_char(ch) for ch in text)


_BULLET = re.compile(r"^\s*(?:[•·▪■□◦●○◆◇►▶✓✔➢➤*\-–—]+|\(?[0-9ivxIVX]{1,4}[.)]|\(?[a-h][.)])\s+")
_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+(?=[\"'«“(¿¡]?[A-ZÀ-ÖØ-Þ0-9\u0600-\u06ff])")
_ABBREVIATIONS = re.compile(
    r"(?:\b(?:e\.g|i\.e|etc|No|no|Nos|Dr|Mr|Mrs|Ms|St|Org|Dept|approx|incl|Art|art|cf|vs|"
    r"Sr|Jr|Av|Ave|Ltd|Inc|Co|Prof|Mme|Mlle|M|Sra|Sr|Lic|Ing|Núm|núm|pp|p|ref|Ref|Rev|UN|U\.N)"
    r"|\b[A-Z])\.$"
)


def sentences(text: str) -> list[str]:
    """The document cut into the sentences a person would quote as evidence: every line on its
    own (headings and bullets included, bullet marks removed), long lines cut after a full stop,
    question mark, exclamation mark or semicolon followed by a capital letter."""
    out: list[str] = []
    for raw_line in (text or "").replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = _BULLET.sub("", raw_line).strip()
        if not line:
            continue
        start = 0
        for match in _SENTENCE_END.finditer(line):
            head = line[start : match.start()]
            if _ABBREVIATIONS.search(head):
                continue
            if head.strip():
                out.append(head.strip())
            start = match.end()
        tail = line[start:].strip()
        if tail:
            out.append(tail)
    return out


# --------------------------------------------------------------------------------------------
# Numbers
# --------------------------------------------------------------------------------------------

_UNITS: dict[str, int] = _table(  # number words in en/fr/es/ar
    "zero=0; one=1; two=2; three=3; four=4; five=5; six=6; seven=7; eight=8; nine=9; "
    "ten=10; eleven=11; twelve=12; thirteen=13; fourteen=14; fifteen=15; sixteen=16; "
    "seventeen=17; eighteen=18; nineteen=19; twenty=20; thirty=30; forty=40; fourty=40; "
    "fifty=50; sixty=60; seventy=70; eighty=80; ninety=90; deux=2; trois=3; quatre=4; "
    "cinq=5; sept=7; huit=8; neuf=9; dix=10; onze=11; douze=12; treize=13; quatorze=14; "
    "quinze=15; seize=16; vingt=20; vingts=20; trente=30; quarante=40; cinquante=50; "
    "soixante=60; cero=0; uno=1; dos=2; tres=3; cuatro=4; cinco=5; seis=6; siete=7; "
    "ocho=8; nueve=9; diez=10; once=11; doce=12; trece=13; catorce=14; quince=15; "
    "dieciseis=16; diecisiete=17; dieciocho=18; diecinueve=19; veinte=20; veintiuno=21; "
    "veintiun=21; veintiuna=21; veintidos=22; veintitres=23; veinticuatro=24; "
    "veinticinco=25; veintiseis=26; veintisiete=27; veintiocho=28; veintinueve=29; "
    "treinta=30; cuarenta=40; cincuenta=50; sesenta=60; setenta=70; ochenta=80; "
    "noventa=90; واحد=1; واحدة=1; اثنان=2; اثنين=2; ثلاث=3; ثلاثة=3; أربع=4; اربع=4; "
    "أربعة=4; اربعة=4; خمس=5; خمسة=5; ست=6; ستة=6; سبع=7; سبعة=7; ثماني=8; ثمانية=8; "
    "ثمان=8; تسع=9; تسعة=9; عشر=10; عشرة=10; عشرون=20; عشرين=20; سنتين=2; سنتان=2; "
    "شهرين=2; عامين=2",
    int,
)
_HUNDREDS = {"hundred": 100, "cent": 100, "cents": 100, "cien": 100, "ciento": 100, "مائة": 100}
_CONNECTORS = {"and", "et", "y"}
# Articles that mean "one" only before a unit of time: "un an", "una año", "a year".
_ARTICLES = {"a", "an", "un", "une", "una"}
_TIME_UNITS = frozenset(
    str.split(
        "year years yr yrs month months week weeks day days an ans annee annees mois semaine "
        "semaines jour jours ano anos mes meses semana semanas dia dias"
    )
)
_NUMBER_TOKEN = re.compile(r"\d+(?:[.,]\d+)?|[^\W\d_]+", re.UNICODE)


def _digits_value(token: str) -> int:
    if "," in token and re.fullmatch(r"\d{1,3},\d{3}", token):
        return int(token.replace(",", ""))
    return int(re.split(r"[.,]", token)[0])


def number_spans(text: str) -> list[tuple[int, int, int]]:
    """(value, start, end) for every number in the text, written as digits or words."""
    folded = fold(text)
    tokens = [(m.group(), m.start(), m.end()) for m in _NUMBER_TOKEN.finditer(folded)]
    found: list[tuple[int, int, int]] = []
    i = 0
    while i < len(tokens):
        word, start, end = tokens[i]
        if word[0].isdigit():
            found.append((_digits_value(word), start, end))
            i += 1
            continue
        if word in _ARTICLES and word not in _UNITS:
            if i + 1 < len(tokens) and tokens[i + 1][0] in _TIME_UNITS:
                found.append((1, start, end))
            i += 1
            continue
        if word not in _UNITS and word not in _HUNDREDS:
            i += 1
            continue
        value, j, last_end = 0, i, end
        last_word = ""
        while j < len(tokens):
            w = tokens[j][0]
            if w in _CONNECTORS and value and j + 1 < len(tokens) and tokens[j + 1][0] in _UNITS:
                j += 1
                continue
            if w in _HUNDREDS:
                value = (value or 1) * 100
            elif w in ("vingt", "vingts") and last_word == "quatre":
                value = value - 4 + 80
            elif w in _UNITS:
                v = _UNITS[w]
                if value == 0 and not last_word:
                    value = v
                elif (
                    (value % 10 == 0 and v < 10 and value % 100 != 0 and value >= 20)
                    or (value in (60, 80) and 10 <= v < 20)
                    or (value % 100 == 0 and v < 100)
                    or (value == 10 and 7 <= v <= 9)
                ):
                    value += v
                else:
                    break
            else:
                break
            last_word = w
            last_end = tokens[j][2]
            j += 1
        found.append((value, start, last_end))
        i = max(j, i + 1)
    # "ten (10)" and "10 (ten)" are one number.
    merged: list[tuple[int, int, int]] = []
    for value, start, end in found:
        if merged and merged[-1][0] == value:
            between = folded[merged[-1][2] : start]
            if re.fullmatch(r"\s*\(\s*", between):
                close = re.match(r"\s*\)", folded[end:])
                merged[-1] = (value, merged[-1][1], end + (close.end() if close else 0))
                continue
        merged.append((value, start, end))
    return merged


def numbers_in(text: str) -> list[int]:
    """Every number the text states, in order, whether written in digits or in English, French
    or Spanish words ("ten (10)" → [10], "vingt-cinq" → [25], "doce" → [12], "ten-plus" → [10]).
    An article counts as one only before a unit of time ("un an", "a year")."""
    return [value for value, _start, _end in number_spans(text)]


def number_in(text: str) -> int | None:
    """The first number the text states (see numbers_in), or None."""
    values = numbers_in(text)
    return values[0] if values else None


# --------------------------------------------------------------------------------------------
# Dates
# --------------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _month_names() -> dict[str, int]:
    names: dict[str, int] = {}
    for loc in LOCALES:
        locale = babel.Locale(loc)
        for context in ("format", "stand-alone"):
            for width in ("wide", "abbreviated"):
                for number, name in locale.months[context][width].items():
                    key = fold(name).strip(".")
                    if len(key) >= 3:
                        names.setdefault(key, number)
    for extra, number in {
        "sept": 9,
        "sep": 9,
        "setiembre": 9,
        "febr": 2,
        "fevr": 2,
        "janv": 1,
        "juil": 7,
        "dic": 12,
        "ene": 1,
        "abr": 4,
        "ago": 8,
    }.items():
        names.setdefault(extra, number)
    return names


@lru_cache(maxsize=1)
def _wide_month_names() -> set[str]:
    wide = set()
    for loc in LOCALES:
        for context in ("format", "stand-alone"):
            wide.update(fold(n) for n in babel.Locale(loc).months[context]["wide"].values())
    return wide


def _month_pattern(wide: bool = False) -> str:
    names = sorted(_wide_month_names() if wide else _month_names(), key=len, reverse=True)
    return r"(?P<{g}>" + "|".join(re.escape(n) for n in names) + r")\.?"


@lru_cache(maxsize=1)
def _date_patterns() -> list[tuple[str, re.Pattern[str]]]:
    month = _month_pattern()
    wide = _month_pattern(wide=True)
    day = r"(?P<d>[0-3]?\d)(?:\.?(?:st|nd|rd|th|er|re|eme|o|º|°))?"
    year = r"(?P<y>(?:19|20)\d\d)"
    return [
        ("iso", re.compile(r"\b(?P<y>(?:19|20)\d\d)-(?P<m>[01]?\d)-(?P<d>[0-3]?\d)\b")),
        ("num", re.compile(r"\b(?P<d>[0-3]?\d)[/.](?P<m>[01]?\d)[/.](?P<y>(?:19|20)\d\d)\b")),
        (
            "dmy",
            re.compile(
                rf"\b{day}\s*(?:de\s+|of\s+)?{month.format(g='mn')}\s*,?\s*(?:de\s+|del\s+)?{year}\b"
            ),
        ),
        ("mdy", re.compile(rf"\b{month.format(g='mn')}\s+{day},?\s+{year}\b")),
        ("my", re.compile(rf"\b{month.format(g='mn')}\s*,?\s*(?:de\s+|del\s+|of\s+)?{year}\b")),
        ("dm", re.compile(rf"\b{day}\s*(?:de\s+|of\s+)?{wide.format(g='mn')}(?![\w])")),
        ("md", re.compile(rf"\b{wide.format(g='mn')}\s+{day}(?!\s*,?\s*\d)\b")),
        ("mm/yyyy", re.compile(r"\b(?P<m>[01]?\d)[/.](?P<y>(?:19|20)\d\d)\b")),
    ]


def _safe_date(year: int, month: int, day: int) -> date | None:
    if not (1 <= month <= 12) or not (1 <= day <= monthrange(year, month)[1]):
        return None
    return date(year, month, day)


def dated_spans(text: str, today: date | None = None) -> list[tuple[int, int, date]]:
    """(start, end, date) for every date of the text, in order (the dates of dates_in)."""
    folded = fold(text)
    taken: list[tuple[int, int]] = []
    found: list[tuple[int, int, date]] = []
    months = _month_names()
    for kind, pattern in _date_patterns():
        for match in pattern.finditer(folded):
            start, end = match.span()
            if any(start < e and s < end for s, e in taken):
                continue
            groups = match.groupdict()
            if kind in ("dm", "md") and groups["mn"] == "may" and "May" not in text[start:end]:
                continue  # "Article 5 may apply": the verb, not the month
            month = months[groups["mn"]] if groups.get("mn") else int(groups.get("m") or 0)
            day = int(groups.get("d") or 1)
            if kind == "num" and month > 12 and day <= 12:  # a US-style 04/30/2027
                day, month = month, day
            if groups.get("y"):
                found_date = _safe_date(int(groups["y"]), month, day)
            else:
                if today is None:
                    continue
                found_date = _safe_date(today.year, month, day)
                if found_date is not None and found_date <= today:
                    found_date = _safe_date(today.year + 1, month, day)
            if found_date is None:
                continue
            taken.append((start, end))
            found.append((start, end, found_date))
    return sorted(found)


def dates_in(text: str, today: date | None = None) -> list[date]:
    """Every date the text states, in order: "1 April 2027", "April 1, 2027", "01/04/2027" (day
    first), "2027-04-01", "1er avril 2027", "1 de abril de 2027"; a month alone means its first
    day ("April 2027", "abril de 2027", "04/2027"). A day and month without a year is the next
    such date after `today`, and is skipped when `today` is not given."""
    return [found for _s, _e, found in dated_spans(text, today)]


_PRESENT = (
    r"(?:present|presently|current|currently|now|today|to date|date|ongoing|till date|"
    r"a ce jour|ce jour|aujourd'hui|present|actuel(?:lement)?|en cours|maintenant|"
    r"la fecha|fecha|la actualidad|actualidad|actualmente|presente|hoy|la fecha actual|"
    r"الآن|حتى الآن)"
)
_RANGE_SEP = (
    r"\s*(?:-|–|—|−|/|to|until|till|through|a|au|à|jusqu'a|jusqu'au|jusqu'en|"
    r"hasta|hasta el|al|a la|-\s*>|→)\s*"
)


@lru_cache(maxsize=1)
def _span_patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    month = _month_pattern()

    def point(tag: str) -> str:
        return (
            rf"(?:{month.format(g=tag + 'mn')}\s*,?\s*(?:de\s+|del\s+)?(?P<{tag}y1>(?:19|20)\d\d)"
            rf"|(?P<{tag}m>[01]?\d)[/.-](?P<{tag}y2>(?:19|20)\d\d)"
            rf"|(?P<{tag}y3>(?:19|20)\d\d))"
        )

    lead = r"(?:(?:from|de|du|desde|del|depuis|since)\s+(?:el\s+|le\s+)?)?"
    span = re.compile(
        rf"\b{lead}{point('a')}{_RANGE_SEP}(?:(?:el\s+|le\s+)?{point('b')}|(?P<now>{_PRESENT}))"
        rf"(?![\d-])"
    )
    since = re.compile(
        rf"\b(?:since|depuis|desde)\s+(?:(?:el|le|l')\s*)?{point('a')}(?![\d/-])"
        rf"(?:\s*,?\s*(?:hasta|jusqu'a|to|until)\s+{_PRESENT})?"
    )
    return span, since


def _point(groups: dict[str, str | None], tag: str, end: bool) -> date | None:
    months = _month_names()
    if groups.get(tag + "mn"):
        return date(int(groups[tag + "y1"] or 0), months[groups[tag + "mn"] or ""], 1)
    if groups.get(tag + "y2"):
        month = int(groups[tag + "m"] or 0)
        return date(int(groups[tag + "y2"] or 0), month, 1) if 1 <= month <= 12 else None
    if groups.get(tag + "y3"):
        return date(int(groups[tag + "y3"] or 0), 12 if end else 1, 31 if end else 1)
    return None


def month_year_spans(text: str) -> list[tuple[date, date | None]]:
    """The periods a CV gives for its posts, in order, as (start, end): "Jan 2015 - Mar 2018",
    "03/2015 – 06/2018", "2010–2014", "2012 – present", "depuis 2019", "desde 2016 hasta la
    fecha". A month means its first day; a year alone starts on 1 January and ends on
    31 December; an end of None means "to this day" (the document's date)."""
    span, since = _span_patterns()
    folded = fold(text)
    found: list[tuple[int, date, date | None]] = []
    taken: list[tuple[int, int]] = []
    for match in span.finditer(folded):
        groups = match.groupdict()
        start = _point(groups, "a", end=False)
        end = None if groups.get("now") else _point(groups, "b", end=True)
        if start is None or (end is not None and end < start):
            continue
        if groups.get("now") is None and end is None:
            continue
        taken.append(match.span())
        found.append((match.start(), start, end))
    for match in since.finditer(folded):
        if any(match.start() < e and s < match.end() for s, e in taken):
            continue
        start = _point(match.groupdict(), "a", end=False)
        if start is not None:
            found.append((match.start(), start, None))
    return [(start, end) for _pos, start, end in sorted(found, key=lambda item: item[0])]


# --------------------------------------------------------------------------------------------
# Languages
# --------------------------------------------------------------------------------------------

# Language names that are ordinary words in a language we read ("ido", "cree").
_LANGUAGE_STOP = {"ido", "cree", "cri", "a", "an", "un", "lao", "tonga", "twi", "komi", "avar"}


def _feminine_forms(name: str, loc: str) -> list[str]:
    """The adjective forms French and Spanish use after langue / lengua ("langue anglaise")."""
    forms = []
    if loc == "fr":
        for tail, new in (
            ("ais", "aise"),
            ("ois", "oise"),
            ("ol", "ole"),
            ("ien", "ienne"),
            ("and", "ande"),
            ("ain", "aine"),
            ("in", "ine"),
        ):
            if name.endswith(tail):
                forms.append(name[: -len(tail)] + new)
    elif loc == "es":
        for tail, new in (("es", "esa"), ("ol", "ola"), ("ano", "ana"), ("uso", "usa")):
            if name.endswith(tail):
                forms.append(name[: -len(tail)] + new)
    return forms


@lru_cache(maxsize=1)
def _language_names() -> dict[str, str]:
    names: dict[str, str] = {}
    for loc in LOCALES:
        for code, name in babel.Locale(loc).languages.items():
            if len(code) != 2 or not code.isalpha():
                continue
            key = fold(name)
            if key in _LANGUAGE_STOP or len(key) < 3:
                continue
            names.setdefault(key, code)
            if loc == "ar" and not key.startswith("ال"):
                names.setdefault("ال" + key, code)
            for form in _feminine_forms(key, loc):
                names.setdefault(form, code)
    for name, code in _names()["language"].items():
        names[fold(name)] = code
    return names


@lru_cache(maxsize=1)
def _language_regex() -> re.Pattern[str]:
    names = sorted(_language_names(), key=len, reverse=True)
    return re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(n) for n in names) + r")(?![\w-])")


def language_code(name: str) -> str | None:
    """The ISO 639-1 code of a language named in English, French, Spanish or Arabic
    ("anglais" → "en", "Dari" → "fa", "Norwegian" → "no"), or None when it is not a language."""
    key = fold(name).strip(" .,:;()")
    for prefix in ("langue ", "lengua ", "idioma ", "language ", "the "):
        if key.startswith(prefix):
            key = key[len(prefix) :]
    return _language_names().get(key)


def languages_in(text: str) -> list[tuple[str, int, int]]:
    """Every language the text names, in order, as (ISO 639-1 code, start, end)."""
    names = _language_names()
    return [(names[m.group()], m.start(), m.end()) for m in _language_regex().finditer(fold(text))]


# Level words by the UN convention (README of the intake benchmark), accent-folded, lower case.
_GAP = r"(?:\s+(?:and|or|et|ou|y|o|oral|orale|written|ecrite|ecrit|spoken|parlee|parle|escrito|"
_GAP += r"hablado|verbal|professional|professionnelle|profesional|fluent|good|strong)\b[,]?){0,4}"
_LEVEL_WORDS: list[tuple[str, str]] = [
    # C2
    (
        r"mother[- ]tongues?|native(?: speaker| language| tongue| proficiency| level)?|"
        r"first language|langues? maternelles?|langue natale|lenguas? maternas?|idioma materno|"
        r"lengua nativa|nativo|nativa|اللغة الأم|لغة الأم",
        "C2",
    ),
    # C1
    (
        r"fluen(?:t|cy|tly)|proficien(?:t|cy)|excellent"
        + _GAP
        + r"\s+(?:command|knowledge|skills?)"
        r"|full"
        + _GAP
        + r"\s+(?:command|proficiency)|very good"
        + _GAP
        + r"\s+(?:command|knowledge)"
        r"|advanced|excellent|expert|perfect|bilingual|"
        r"tres bonne (?:maitrise|connaissance)|maitrise (?:courante|parfaite|excellente)|"
        r"(?:parfaite|excellente) (?:maitrise|connaissance)|maitrisee?|maitriser|maitrise|"
        r"couramment|"
        r"courante?|parfaite?|excellente|avance|bilingue|"
        r"muy buen (?:dominio|conocimiento|nivel)|(?:pleno |excelente |perfecto |total )?dominio|"
        r"fluidez|fluid[oa]|excelentes?|avanzad[oa]|perfect[oa]|"
        r"بطلاقة|إجادة تامة|إتقان",
        "C1",
    ),
    # B2
    (
        r"working knowledge|good" + _GAP + r"\s+(?:command|knowledge|level|skills?)|good|confident|"
        r"upper[- ]intermediate|professional working proficiency|"
        r"bonnes? (?:maitrise|connaissances?|niveau|capacite)|connaissances? pratiques?|"
        r"connaissances? de travail|niveau de travail|bon niveau|bonne|bon|"
        r"buen (?:dominio|conocimiento|nivel|manejo)|buenos conocimientos|buena|bueno|"
        r"conocimientos? practicos?|conocimientos? de trabajo|"
        r"معرفة عملية|إجادة جيدة|جيد",
        "B2",
    ),
    # B1
    (r"intermediate|intermediaire|intermedio|moyen|moyenne|متوسط", "B1"),
    # A2
    (
        r"basic|elementary|limited|notions?|connaissances? (?:elementaires|de base)|elementaire|"
        r"basique|de base|conocimientos? basicos?|basico|basica|elemental|nociones|"
        r"معرفة أساسية|أساسي",
        "A2",
    ),
    # A1
    (r"beginner|debutant|debutante|principiante|مبتدئ", "A1"),
]


@lru_cache(maxsize=1)
def _level_regex() -> re.Pattern[str]:
    parts = []
    for index, (words, _level) in enumerate(_LEVEL_WORDS):
        parts.append(rf"(?P<l{index}>{words})")
    return re.compile(r"(?<![\w])(?:" + "|".join(parts) + r")(?![\w])")


_CEFR = re.compile(r"(?<![\w])([ABC][12])(?:\+|/[ABC][12])?(?![\w])")
# The words that make something required, or only desirable, in en/fr/es (folded: no accents).
# One list for the whole of intake: the language pairs below, the ToR's sentences and headings.
REQUIRED_MARKERS = (
    r"required|requirement|must|mandatory|essential|indispensable|necessary|"
    r"exigee?s?|exige|obligatoire|requise?s?|requis|necessaire|imperati|"
    r"requerid[oa]s?|se requiere|requisit|obligatori[oa]|imprescindible|necesari[oa]|exigid[oa]"
)
PREFERRED_MARKERS = (
    r"desirable|an advantage|advantageous|an asset|asset|a plus|preferred|preferably|"
    r"preferable|would be (?:an? )?(?:asset|advantage|plus)|welcome|"
    r"souhaitable|souhaitee?s?|un atout|atout|un avantage|un plus|apprecie|de preference|"
    r"deseable|se valorara|valorar|valorable|valorad[oa]|una ventaja|preferible|"
    r"preferentemente|se considerara"
)
# What may stand between a language and its level: "English (fluent)", "French – mother
# tongue", "anglais : courant", "inglés (hablado y escrito): fluido", "English (required): C1".
_FILLER = re.compile(
    r"^(?:[\s:;,()\[\]|/–—\-=>.*]|level|niveau|nivel|language|langue|lengua|idioma|"
    r"oral|orale|written|ecrit|ecrite|spoken|parle|parlee|escrito|hablado|lu|read|reading|"
    r"writing|speaking|and|et|y|cefr|cecrl|mcer|cecr|is|est|es|"
    rf"{REQUIRED_MARKERS}|{PREFERRED_MARKERS}|minimum|minimo|at least|au moins)*$"
)
# A marker then a comma ("English required, working knowledge of French") ends the pair.
_MARKER_THEN_COMMA = re.compile(rf"(?:{REQUIRED_MARKERS}|{PREFERRED_MARKERS})\s*,")
# "Fluent in English and working knowledge of French": a level after "and" starts a new pair.
_ENDS_WITH_JOIN = re.compile(r"(?<![\w])(?:and|et|y|or|ou|o)\s*$")
_LIST_JOIN = re.compile(r"^(?:[\s,/()]|and|or|et|ou|y|o|as well as|ainsi que|asi como)*$")


def _level_items(folded: str, original: str) -> list[tuple[int, int, str, bool]]:
    """(start, end, CEFR level, stated as a CEFR code) for every level the sentence names."""
    items = []
    for match in _level_regex().finditer(folded):
        level = next(
            _LEVEL_WORDS[int(name[1:])][1] for name, value in match.groupdict().items() if value
        )
        items.append((match.start(), match.end(), level, False))
    for match in _CEFR.finditer(original.translate(_ARABIC_DIGITS)):
        items.append((match.start(), match.end(), match.group(1), True))
    return sorted(items)


def languages_with_levels(sentence: str) -> list[tuple[str, str]]:
    """The (ISO 639-1, CEFR level) pairs a sentence states, by the UN convention: fluent →
    C1, working knowledge → B2, basic → A2, mother tongue → C2 (and the same words in French and
    Spanish); a stated CEFR level wins over any word. A level before a list of languages applies
    to each ("Fluency in English and French" → both C1); a level right after a language is its
    own ("English (fluent), French (basic)"). A language named with no level is left out."""
    pairs: list[tuple[str, str]] = []
    for clause in re.split(r";|\.\s|\n|•", sentence):
        folded = fold(clause)
        langs = languages_in(clause)
        if not langs:
            continue
        levels = _level_items(folded, clause)
        # Levels that sit right after a language belong to it.
        attached: dict[int, list[tuple[int, int, str, bool]]] = {}
        owner: set[int] = set()
        for li, (_code, _ls, lend) in enumerate(langs):
            next_lang = langs[li + 1][1] if li + 1 < len(langs) else len(folded)
            cursor = lend
            for k, item in enumerate(levels):
                if item[0] < lend or item[0] >= next_lang:
                    continue
                gap = folded[cursor : item[0]]
                if (
                    not _FILLER.match(gap)
                    or _ENDS_WITH_JOIN.search(gap)
                    or _MARKER_THEN_COMMA.search(gap)
                ):
                    break
                attached.setdefault(li, []).append(item)
                owner.add(k)
                cursor = item[1]
        # Levels that sit right before a language ("C1 English", "mother tongue: French").
        for li, (_code, lstart, _le) in enumerate(langs):
            if li in attached:
                continue
            for k in range(len(levels) - 1, -1, -1):
                item = levels[k]
                if item[1] <= lstart and k not in owner:
                    between = folded[item[1] : lstart]
                    if item[3] and _FILLER.match(between):
                        attached[li] = [item]
                    break
        for li, (code, lstart, _lend) in enumerate(langs):
            items = attached.get(li)
            if not items:
                # The nearest level before it that belongs to no language of its own.
                before = [
                    (k, it) for k, it in enumerate(levels) if it[1] <= lstart and k not in owner
                ]
                if before:
                    items = [before[-1][1]]
            if not items:
                # "English and French: fluent": languages joined by and/or share the level after.
                for lj in range(li + 1, len(langs)):
                    gap = folded[langs[lj - 1][2] : langs[lj][1]]
                    if not _LIST_JOIN.match(gap):
                        break
                    if lj in attached:
                        items = attached[lj]
                        break
            if not items:
                continue
            cefr = [it for it in items if it[3]]
            level = (cefr or items)[0][2]
            if all(c != code for c, _l in pairs):
                pairs.append((code, level))
    return pairs


# --------------------------------------------------------------------------------------------
# Countries
# --------------------------------------------------------------------------------------------

_NOT_COUNTRIES = {"EU", "EZ", "UN", "ZZ", "QO", "EA", "IC", "DG", "AC", "CP", "TA", "XA", "XB"}


@lru_cache(maxsize=1)
def _country_names() -> dict[str, str]:
    names: dict[str, str] = {}
    for loc in LOCALES:
        for code, name in babel.Locale(loc).territories.items():
            if len(code) != 2 or not code.isalpha() or code in _NOT_COUNTRIES:
                continue
            key = fold(name)
            names.setdefault(key, code)
            short = re.sub(r"\s*\(.*\)$", "", key)
            if short != key and short not in ("congo", "macau", "hong kong"):
                names.setdefault(short, code)
            for article in ("the ", "le ", "la ", "les ", "l'", "el ", "los ", "las "):
                names.setdefault(article + key, code)
    try:
        import pycountry

        for country in pycountry.countries:
            for attribute in ("name", "official_name", "common_name"):
                value = getattr(country, attribute, None)
                if value:
                    names.setdefault(fold(value), country.alpha_2)
    except ImportError:  # pragma: no cover - pycountry is a dependency
        pass
    for name, code in _names()["country"].items():
        names[fold(name)] = code
    for name, code in _names()["city"].items():
        names.setdefault(name, code)
    return names


@lru_cache(maxsize=1)
def _country_regex() -> re.Pattern[str]:
    names = sorted((n for n in _country_names() if len(n) >= 3), key=len, reverse=True)
    return re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(n) for n in names) + r")(?![\w-])")


def country_code(name: str) -> str | None:
    """The ISO 3166-1 alpha-2 code of a country named in English, French or Spanish, or of a
    capital or duty-station city UN missions commonly name ("Juba" → "SS", "Goma" → "CD"), or
    None."""
    key = fold(name).strip(" .,:;()")
    found = _country_names().get(key)
    if found:
        return found
    head = re.split(r"\s*[,(/]\s*", key)
    for part in reversed(head):
        if part in _country_names():
            return _country_names()[part]
    return None


def countries_in(text: str) -> list[tuple[str, int, int]]:
    """Every country (or known duty-station city) the text names, in order, as (ISO alpha-2,
    start, end). Acronyms such as DRC and CAR count only in capitals."""
    names = _country_names()
    found = []
    for match in _country_regex().finditer(fold(text)):
        word = match.group()
        acronym = word in ("car", "drc", "rdc", "rca", "uk", "usa", "bcs")
        if acronym and text[match.start() : match.end()] != word.upper():
            continue
        found.append((names[word], match.start(), match.end()))
    return found


def mission_country(acronym: str) -> str | None:
    """The country a UN mission serves, from its acronym in any case ("UNMISS" → "SS")."""
    return missions().get(acronym.upper())


# --- the document's own date -------------------------------------------------------------------

# A line that labels the document's date: "Date of issue:", "Posting date:", "Sent:" (an e-mail).
_DATE_LABEL = re.compile(
    r"^(?:date(?: of issue)?|issued(?: on)?|posting date|date de publication|publie le|"
    r"fecha(?: de publicacion)?|sent|envoye|enviado|posting period|periode d'affichage|"
    r"periodo de publicacion|date of (?:the )?cv|cv date|(?:last )?updated(?: on)?|"
    r"mise? a jour(?: le)?|actualizado(?: el)?)\b\s*[:.]"
)
# What may come before the date of a line that is only a date: "Updated on", "Fait à Dakar, le".
_DATE_CUE = re.compile(
    r"^(?:date of (?:the )?cv|cv date|cv as of|as of|updated(?: on)?|last updated|date|"
    r"fait a [^,]+,?|mis a jour(?: le)?|mise a jour(?: le)?|fecha|actualizado(?: el)?|"
    r"actualizacion)\s*:?\s*",
)
_BIRTH = re.compile(r"\b(?:born|birth|ne le|nee le|ne en|nee en|naissance|nacid[oa]|nacimiento)\b")
_NOT_A_DATE_WORD = ("de", "del", "of", "er")


def document_date(lines: Sequence[str], today: date | None) -> tuple[date, str] | None:
    """The document's own date and its line, not after ``today`` when it is given; None when
    the document states none.

    A line that labels it wins ("Date of issue: 3 November 2026", "Sent: 2 Nov 2026"), with
    the first date it states. Otherwise, when ``today`` is known, the latest line (or part
    of one between | or dashes) that is only a place and a date — a CV's "Accra, 1 October
    2026", "Fait à Dakar, le 1er septembre 2026". Without ``today`` such a line could as well be
    a date in the future (a start date in a table), so it is not taken. Birth dates and the
    spans of a career ("2012 – 2016") are never the document's date.
    """
    for line in lines:
        folded = fold(line)
        if _DATE_LABEL.match(folded) and not _BIRTH.search(folded):
            found = dates_in(line)
            if found and (today is None or found[0] <= today):
                return found[0], line
    if today is None:
        return None
    best: tuple[date, str] | None = None
    for line in lines:
        for segment in re.split(r"\s+[|·]\s+|\s+[–—-]\s+(?=\D)", line):
            found_date = _dated_segment(segment)
            if found_date and found_date <= today and (best is None or found_date > best[0]):
                best = (found_date, line)
    return best


def _dated_segment(segment: str) -> date | None:
    """The date of a segment that is nothing but a date, with a place or cue before it."""
    folded = fold(segment).strip(" .")
    if len(folded) > 70 or _BIRTH.search(folded) or month_year_spans(segment):
        return None
    rest = _DATE_CUE.sub("", folded)
    if rest == folded and "," in rest:
        rest = rest.rsplit(",", 1)[1]
    elif rest == folded and not re.match(r"^[\d\s/.-]+$|^\d{1,2}\s", rest):
        # a bare "November 2026" at the end of a note, or a place then a date without a comma
        rest = re.sub(r"^[^\d]*?(?=\b(?:\d|[a-z]+\s+(?:de\s+)?\d{4}))", "", rest, count=1)
    rest = re.sub(r"^(?:le|el|the|on)\s+", "", rest.strip())
    if not re.search(r"\b(?:19|20)\d\d\b", rest) or len(rest.split()) > 5:
        return None
    words = re.findall(r"[^\W\d_]+", rest)
    if any(w not in _NOT_A_DATE_WORD and not dates_in(f"1 {w} 2000") for w in words):
        return None  # more than a date: "2005 MSc Political Science"
    dates = dates_in(rest)
    return dates[0] if len(dates) == 1 else None
