"""Skills a document asks for or shows: short English phrases, best first, each with the sentence
it came from.

A person reading a terms of reference or a CV types the expertise it names, in the words of the
field: "criminal investigation", "prison management", "voter registration". The reader does the
same in four steps.

1. *Where*: the document is cut into lines; a heading sets the weight of the lines under it
   (duties, competencies, experience count; background, languages and conditions barely do) and
   the post's title (a "Job Title:" line, or a short line naming a role near the top) counts most:
   "Corrections Adviser (Prison Management)" names the skill the post is about. Phrases that
   describe the document itself ("terms of reference", "lieu d'affectation", "duty station") and
   lines of personal or practical data ("Name:", "Duration:") are passed over
   (``data/skills_structure.tsv``).
2. *What*: a line is cut into noun phrases at punctuation, small words and generic verbs
   ("Provide technical advice on legislative drafting" → "technical advice", "legislative
   drafting"); an action verb with its object names the skill it does ("monitor pre-trial
   detention" → "pre-trial detention monitoring"); "budget preparation and execution" also gives
   "budget execution"; a phrase after "experience in", "knowledge of", "expérience en" counts more.
3. *In English*: a French or Spanish phrase is put into English with a bilingual table of the
   fields' vocabulary (``data/skills_bilingual.tsv``, ``data/skill_words.tsv``), its expressions
   first ("droits de l'homme" → "human rights"), then word by word in English order, then by the
   usual cognate endings ("-tion", "-ité" → "-ity") when the English word exists.
4. *Named as the field names it*: a phrase that holds a name of expertise of
   ``data/skills_domain.txt`` ("complex investigations of serious crimes" holds "serious crime
   investigations") proposes that name too, as does an acronym ("DDR" → "DDR programming"); the
   multilingual sentence encoder maps a phrase to the nearest such name above a similarity floor
   when the name says no more than the phrase ("tenue du registre des détenus", "community-
   oriented policing work"), and reads a document in another script line by line.

Phrases are ranked by the weight of the places they stand, how often their words recur, their
length and whether the field knows them by that name; a phrase that says what a better one
already says is skipped. Everything is offline and deterministic.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from app.intake.proposals import Proposed

LIMIT = 10

_WORD = re.compile(r"[^\W_][\w'’\-]*", re.UNICODE)
_BREAK = re.compile(r"[,;:()\[\]{}.!?•▪–—|/\"“”«»\t]|\s-\s|\s\u2013\s")
_ELISION = re.compile(r"^(?:l|d|qu|j|n|s|c|m|t|jusqu|lorsqu|puisqu)['’]", re.IGNORECASE)
_GRADE = re.compile(r"\b(?:[PDG]|FS|GS|NO|SB|SC|NOA|NOB|NOC|NOD)-?\d\b|\b(?:P|D)\s?\d\b")
# A token already put into English by an expression of the bilingual table.
_ENGLISH_MARK = "\x00"

_MARKED = ("en", "fr", "es")
_CONNECTORS_EN = {"of", "and", "for", "in", "on", "the", "to", "with", "a"}
_COORDINATORS = {"and", "or", "et", "ou", "y", "e", "o", "u"}

# Weights of the places a phrase stands (a section's own weight comes from its heading).
_TITLE_WEIGHT = 3.0
_EARLY_WEIGHT = 1.2
_HEADER_WEIGHT = 0.6
_TRIGGER_BOOST = 1.5
_DEGREE_WEIGHT = 0.3  # a line naming a degree names fields of study
# How much more a phrase counts when the field names it so (``skills_domain.txt``). Kept
# moderate: on documents whose expertise the list does not know, a stronger boost lets the
# list's broad names push the document's own specific phrases out.
_KNOWN = 1.6


@dataclass
class _Candidate:
    """A phrase of the document, as English words, with where it stands."""

    words: tuple[str, ...]
    score: float = 0.0
    evidence: str = ""
    best: float = 0.0
    known: bool = False


# --------------------------------------------------------------------------------------------
# Data files


def _data(name: str) -> str:
    return resources.files("app.intake").joinpath(f"data/{name}").read_text("utf-8")


def _rows(name: str) -> Iterable[list[str]]:
    for line in _data(name).splitlines():
        if line.strip() and not line.startswith("#"):
            yield line.split("\t")


@lru_cache(maxsize=1)
def _lexicon() -> dict[str, dict[str, set[str]]]:
    """The word lists of ``data/skill_words.tsv``: per language, per kind, the words."""
    out: dict[str, dict[str, set[str]]] = {}
    for parts in _rows("skill_words.tsv"):
        if len(parts) < 3 or parts[1] == "translate":
            continue
        language, kind, words = parts[0], parts[1], parts[2]
        out.setdefault(language, {}).setdefault(kind, set()).update(map(_fold, words.split()))
    return out


def _words(kind: str, language: str) -> set[str]:
    return _lexicon().get(language, {}).get(kind, set())


@lru_cache(maxsize=1)
def _structure() -> dict[str, dict[str, list[tuple[str, ...]]]]:
    """The phrases of ``data/skills_structure.tsv``: per language, per kind, as folded words
    (a role "administrator=administration" keeps its skill after a tab-free "=")."""
    out: dict[str, dict[str, list[tuple[str, ...]]]] = {}
    for parts in _rows("skills_structure.tsv"):
        if len(parts) < 3:
            continue
        kind = out.setdefault(parts[0], {}).setdefault(parts[1], [])
        for phrase in parts[2].split("|"):
            words = tuple(_fold(w.replace("’", "'")) for w in _WORD.findall(phrase.split("=")[0]))
            if words:
                kind.append(words)
    return out


def _phrases_of(kind: str, language: str) -> list[tuple[str, ...]]:
    return _structure().get(language, {}).get(kind, [])


@lru_cache(maxsize=8)
def _phrase_index(kind: str, language: str) -> dict[str, list[tuple[str, ...]]]:
    """The phrases of a kind by their first word, longest first (for matching in a line)."""
    index: dict[str, list[tuple[str, ...]]] = {}
    for words in _phrases_of(kind, language):
        index.setdefault(words[0], []).append(words)
    for phrases in index.values():
        phrases.sort(key=len, reverse=True)
    return index


@lru_cache(maxsize=4)
def _roles(language: str) -> dict[str, str]:
    """The role nouns of a title ("adviser", "conseiller") in a language and in English, each
    with the skill it does ("administrator" → "administration", "" when none)."""
    out: dict[str, str] = {}
    for parts in _rows("skills_structure.tsv"):
        if len(parts) >= 3 and parts[1] == "role" and parts[0] in ("en", language):
            for entry in parts[2].split("|"):
                word, _, skill = entry.strip().partition("=")
                if word:
                    out.setdefault(_fold(word), skill.strip())
    return out


def _ranks(language: str) -> set[str]:
    """Words of grade or reach cut from a title ("senior", "international")."""
    return {p[0] for lang in ("en", language) for p in _phrases_of("rank", lang) if len(p) == 1}


@lru_cache(maxsize=1)
def _translations() -> dict[str, dict[str, str]]:
    """French and Spanish words in English: the "translate" lines of ``skill_words.tsv``, then
    ``skills_bilingual.tsv`` (which wins); "-" marks a word to leave out. "en-verb" maps an
    English action verb to the skill it does ("monitor" → "monitoring")."""
    out: dict[str, dict[str, str]] = {}
    entries = [
        (p[0], p[2], p[3]) for p in _rows("skill_words.tsv") if len(p) >= 4 and p[1] == "translate"
    ]
    entries += [(p[0], p[1], p[2]) for p in _rows("skills_bilingual.tsv") if len(p) >= 3]
    for language, sources, english in entries:
        for source in sources.split(","):
            out.setdefault(language, {})[_fold(source.strip())] = english.strip()
    return out


@lru_cache(maxsize=4)
def _expressions(language: str) -> dict[str, list[tuple[tuple[str, ...], str]]]:
    """The bilingual table's expressions of several words, by first word, longest first."""
    index: dict[str, list[tuple[tuple[str, ...], str]]] = {}
    for source, english in _translations().get(language, {}).items():
        words = tuple(_fold(w) for w in _tokens(source))
        if len(words) > 1:
            index.setdefault(words[0], []).append((words, english))
    for entries in index.values():
        entries.sort(key=lambda entry: len(entry[0]), reverse=True)
    return index


@lru_cache(maxsize=1)
def _domain() -> tuple[str, ...]:
    """The names of expertise of ``data/skills_domain.txt``."""
    lines = (line.strip() for line in _data("skills_domain.txt").splitlines())
    return tuple(dict.fromkeys(line for line in lines if line and not line.startswith("#")))


@lru_cache(maxsize=1)
def _domain_index() -> tuple[dict[frozenset[str], str], dict[str, list[frozenset[str]]]]:
    """Each name of expertise by its stems, and the names by each of their stems."""
    names: dict[frozenset[str], str] = {}
    by_stem: dict[str, list[frozenset[str]]] = {}
    for phrase in _domain():
        key = _stems(phrase.split())
        if key and key not in names:
            names[key] = phrase
            for stem in key:
                by_stem.setdefault(stem, []).append(key)
    return names, by_stem


@lru_cache(maxsize=1)
def _vocabulary() -> tuple[str, ...]:
    """The roster's English skill phrases (``data/skill_vocabulary.txt``)."""
    lines = (line.strip() for line in _data("skill_vocabulary.txt").splitlines())
    return tuple(line for line in lines if line and not line.startswith("#"))


@lru_cache(maxsize=1)
def _english() -> frozenset[str]:
    """English words the reader knows: the common words of English that zxcvbn ships (Wikipedia
    and film frequency lists), the names of expertise and the English of the tables."""
    words: set[str] = set()
    for name in ("english_wikipedia", "us_tv_and_film"):
        words.update(_frequency_list(name))
    for phrase in _domain():
        words.update(_fold(w) for w in _WORD.findall(phrase))
    for table in _translations().values():
        for english in table.values():
            words.update(_fold(w) for w in _WORD.findall(english))
    return frozenset(words)


@lru_cache(maxsize=1)
def _person_names() -> frozenset[str]:
    """Given names and surnames (zxcvbn's lists), to tell a person's name from a skill."""
    names: set[str] = set()
    for name in ("female_names", "male_names", "surnames"):
        names.update(_frequency_list(name))
    return frozenset(names)


def _frequency_list(name: str) -> list[str]:
    """One of the word lists zxcvbn (a dependency, for passwords) ships, lower case."""
    try:
        from zxcvbn.frequency_lists import FREQUENCY_LISTS  # type: ignore[import-untyped]
    except ImportError:  # pragma: no cover - zxcvbn is a dependency
        return []
    return [str(word) for word in FREQUENCY_LISTS.get(name, ())]


# --------------------------------------------------------------------------------------------
# Words


def _fold(word: str) -> str:
    """A word without accents, in lower case."""
    decomposed = unicodedata.normalize("NFKD", word.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _singular(word: str) -> str:
    """The English singular as the metric and the roster fold plurals ("policies" → "policy")."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith(("sses", "ches", "shes", "xes")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def _key(words: Iterable[str]) -> frozenset[str]:
    """A phrase's words as the metric compares them: lower case, singular, no small words."""
    return frozenset(_singular(w.lower()) for w in words if w.lower() not in _CONNECTORS_EN)


def _stem(word: str) -> str:
    """A word's stem for finding a name of expertise inside a phrase: singular, and without
    "-ing" / "-ion" ("investigating", "investigations" → "investigat")."""
    stem = _singular(_fold(word))
    for ending in ("ing", "ion"):
        if len(stem) > len(ending) + 4 and stem.endswith(ending):
            return stem[: -len(ending)]
    return stem


def _stems(words: Iterable[str]) -> frozenset[str]:
    return frozenset(_stem(w) for w in words if w.lower() not in _CONNECTORS_EN)


def _similar(a: frozenset[str], b: frozenset[str]) -> float:
    union = a | b
    return len(a & b) / len(union) if union else 0.0


def _tokens(fragment: str) -> list[str]:
    """The words of a fragment, an elided article split off ("l'administration" → "le",
    "administration")."""
    out = []
    for raw in _WORD.findall(fragment):
        word = raw.replace("’", "'")
        stripped = _ELISION.sub("", word)
        if stripped != word:
            prefix = word[: len(word) - len(stripped)].lower()
            out.append("de" if prefix.startswith("d") else "le")
            word = stripped
        if word:
            out.append(word)
    return out


def _numeric(folded: str) -> bool:
    """A number, a date or a code ("2019-2024", "4x4", "PK5"): no word of a skill."""
    return any(c.isdigit() for c in folded)


def _adverb(folded: str, language: str) -> bool:
    """An adverb of manner ("clearly", "closely", "activement", "regularmente")."""
    ending = {"en": "ly", "fr": "ement", "es": "mente"}.get(language)
    if ending is None:
        return False
    return len(folded) > 5 and folded.endswith(ending) and folded not in _NOT_ADVERBS


_NOT_ADVERBS = {"supply", "assembly", "family", "anomaly", "monopoly", "reply", "ally"}


# --------------------------------------------------------------------------------------------
# Language, lines and sections


def _language(text: str) -> str:
    """ "en", "fr" or "es" by their commonest small words (English when none), "other" for a
    document not in Latin script (Arabic, Russian, Chinese …)."""
    sample = text[:6000]
    letters = [c for c in sample if c.isalpha()]
    latin = sum(1 for c in letters if "LATIN" in unicodedata.name(c, ""))
    if not letters or latin < len(letters) / 2:
        return "other"
    tokens = [_fold(t) for t in _WORD.findall(sample)]
    counts = {lang: sum(1 for t in tokens if t in _words("marker", lang)) for lang in _MARKED}
    language, best = max(counts.items(), key=lambda item: (item[1], item[0] == "en"))
    return language if best > 0 else "en"


def _lines(text: str) -> list[str]:
    """The document's sentences and lines, as the other readers quote them."""
    from app.intake.wording import sentences

    return [s for s in sentences(text) if s.strip()]


def _heading_weight(line: str, language: str) -> float | None:
    """The weight of the section a heading opens, or None when the line is not a heading."""
    bare = re.sub(r"^(?:\d+|[A-Za-z]|[IVX]+)[.)]\s+", "", line.strip()).rstrip(":").strip()
    words = _WORD.findall(bare)
    if not words or len(words) > 7 or bare.endswith((".", ";", ",")):
        return None
    if ":" in line.strip().rstrip(":"):
        return None
    folded = {_fold(w) for w in words}
    for kind, weight in (("low", 0.25), ("high", 2.0), ("middle", 0.8)):
        for lang in (language, "en"):
            if folded & _words(f"section_{kind}", lang):
                return weight
    return None


def _label(line: str) -> tuple[tuple[str, ...], str] | None:
    """A "Label: value" line's label (folded words) and value."""
    head, sep, rest = line.partition(":")
    words = tuple(_fold(w.replace("’", "'")) for w in _WORD.findall(head))
    if not sep or not words or len(words) > 5:
        return None
    return words, rest.strip()


def _is_label(words: tuple[str, ...], kind: str) -> bool:
    """Whether a label is of a kind in any language (a French CV may have English labels)."""
    return any(words == phrase for lang in _MARKED for phrase in _phrases_of(kind, lang))


def _label_weight(line: str, language: str) -> float | None:
    """The weight a "Label: text" line gives its text ("Expérience : …", "Languages: …")."""
    head, sep, _rest = line.partition(":")
    if not sep or len(_WORD.findall(head)) > 4:
        return None
    return _heading_weight(head, language)


@dataclass
class _Line:
    """A line of the document to read, with the weight of the place it stands."""

    text: str
    weight: float
    title: bool = False


def _document(text: str, language: str) -> list[_Line]:
    """The lines that can name skills, each weighed by its section; titles marked."""
    out: list[_Line] = []
    weight = _HEADER_WEIGHT
    titled = False
    for number, line in enumerate(_lines(text)):
        heading = _heading_weight(line, language)
        if heading is not None:
            weight = heading
            continue
        label = _label(line)
        if label is not None and _is_label(label[0], "skip_label"):
            continue
        if label is not None and _is_label(label[0], "title_label"):
            out.append(_Line(label[1], _TITLE_WEIGHT, title=True))
            titled = True
            continue
        line_weight = _label_weight(line, language)
        if line_weight is None:
            line_weight = weight
        if number < 6 and label is None and _names_role(line, language):
            out.append(_Line(line, _TITLE_WEIGHT if not titled else _EARLY_WEIGHT, title=True))
            titled = True
            continue
        if number == 0 or (number < 6 and label is None and len(line) < 90):
            line_weight = max(line_weight, 0.8)  # the header: what the document is about
        if _studies(line, language):
            line_weight = min(line_weight, _DEGREE_WEIGHT)
        out.append(_Line(line, line_weight))
    return out


def _studies(line: str, language: str) -> bool:
    """Whether a line is about studies: it names a degree and no experience ("Master's degree
    in public finance"; not "seven years of experience with a Master's degree, in …")."""
    if not _matches(line, "degree", language):
        return False
    return not any(_fold(w).startswith(_EXPERIENCE) for w in _WORD.findall(line))


_EXPERIENCE = ("experience", "experiencia")


def _names_role(line: str, language: str) -> bool:
    """Whether a short line near the top names a post ("Natural Resources Governance Adviser",
    "Conseiller en gestion pénitentiaire")."""
    words = [_fold(w) for w in _tokens(line)]
    if not words or len(words) > 10 or ":" in line or not line[:1].isupper():
        return False
    return any(w in _roles(language) for w in words)


# --------------------------------------------------------------------------------------------
# Cutting a line into phrases


def _cut_structure(line: str, language: str) -> str:
    """The line with the document's structure phrases ("Duty station" …) and the countries and
    duty-station cities it names ("Juba", "Bangui") replaced by a break."""
    from app.intake.wording import countries_in

    spans = _matches(line, "structure", language)
    spans += [(start, end) for _code, start, end in countries_in(line)]
    spans = [span for span in spans if not any(_inside(span, other) for other in spans)]
    for start, end in sorted(spans, reverse=True):
        line = line[:start] + " | " + line[end:]
    return line


def _inside(span: tuple[int, int], other: tuple[int, int]) -> bool:
    return span != other and other[0] <= span[0] and span[1] <= other[1]


def _matches(line: str, kind: str, language: str) -> list[tuple[int, int]]:
    """Where phrases of a kind stand in a line (character spans, leftmost longest)."""
    tokens = [
        (m.start(), m.end(), _fold(m.group().replace("’", "'"))) for m in _WORD.finditer(line)
    ]
    folded = [t[2] for t in tokens]
    indexes = [_phrase_index(kind, lang) for lang in dict.fromkeys((language, "en"))]
    spans: list[tuple[int, int]] = []
    i = 0
    while i < len(tokens):
        found = 0
        for index in indexes:
            for phrase in index.get(folded[i], ()):
                if tuple(folded[i : i + len(phrase)]) == phrase and len(phrase) > found:
                    found = len(phrase)
        if found:
            spans.append((tokens[i][0], tokens[i + found - 1][1]))
            i += found
        else:
            i += 1
    return spans


def _segments(line: str, language: str) -> list[tuple[str, float]]:
    """The line in parts, each with its boost: the words after "experience in", "knowledge of",
    "expérience en" … name expertise more surely than the rest."""
    spans = _matches(line, "trigger", language)
    if not spans:
        return [(line, 1.0)]
    out = [(line[: spans[0][0]], 1.0)]
    for number, (_start, end) in enumerate(spans):
        stop = spans[number + 1][0] if number + 1 < len(spans) else len(line)
        out.append((line[end:stop], _TRIGGER_BOOST))
    return out


def _expressed(tokens: list[str], language: str) -> list[str]:
    """Tokens with the bilingual table's expressions replaced by their English, marked."""
    table = _expressions(language)
    if not table:
        return tokens
    folded = [_fold(t) for t in tokens]
    out: list[str] = []
    i = 0
    while i < len(tokens):
        for words, english in table.get(folded[i], ()):
            if tuple(folded[i : i + len(words)]) == words:
                out.append(_ENGLISH_MARK + english)
                i += len(words)
                break
        else:
            out.append(tokens[i])
            i += 1
    return out


def _chunks(sentence: str, language: str) -> list[tuple[list[str], float]]:
    """Runs of content words of a sentence ("of"/"de" kept between two content words), each
    with its share; two short runs joined by "and" also give their shared phrases."""
    stop = _words("stop", language)
    connectors = _words("connector", language)
    articles = _words("article", language)
    out: list[tuple[list[str], float]] = []
    for fragment in _BREAK.split(sentence):
        runs: list[tuple[list[str], str]] = []  # (run, the word that ended it)
        current: list[str] = []
        pending: list[str] = []
        for token in _expressed(_tokens(fragment), language):
            folded = _fold(token)
            if folded in connectors and current:
                pending = [token]
                continue
            if pending and folded in articles:
                continue
            if folded in stop or _adverb(folded, language) or _numeric(folded) or len(folded) < 2:
                if current:
                    runs.append((current, folded))
                current, pending = [], []
                continue
            if pending:
                current.extend(pending)
                pending = []
            current.append(token)
        if current:
            runs.append((current, ""))
        out.extend((run, 1.0) for run, _end in runs)
        out.extend(_coordinated(runs, language))
    return out


def _coordinated(runs: list[tuple[list[str], str]], language: str) -> list[tuple[list[str], float]]:
    """Phrases that two runs joined by "and"/"or" share: "budget preparation and execution" →
    "budget execution"; "polling and counting procedures" → "polling procedures"; "la
    préparation et l'exécution du budget" → "préparation du budget"; and "verification and
    monitoring" itself when both sides are one word."""
    out: list[tuple[list[str], float]] = []
    connectors = _words("connector", language)
    lead = _words("lead", language)
    for (left, end), (right, _next) in zip(runs, runs[1:], strict=False):
        if end not in _COORDINATORS or len(left) > 3 or len(right) > 4:
            continue
        if _fold(left[0]) in lead or (language == "en" and _fold(right[0]) in lead):
            continue
        if len(left) == 1 and len(right) == 1:
            out.append(([left[0], "and" if language == "en" else end, right[0]], 0.6))
        if language == "en":
            if len(left) == 2 and len(right) == 1:
                out.append(([left[0], right[0]], 0.6))
            elif len(left) == 1 and len(right) == 2:
                out.append(([left[0], right[1]], 0.6))
        else:
            cut = [i for i, w in enumerate(right) if _fold(w) in connectors]
            if len(left) == 1 and cut:
                out.append(([left[0], *right[cut[0] :]], 0.6))
            # "la protection des victimes et des témoins" → "protection des témoins"
            joint = [i for i, w in enumerate(left) if _fold(w) in connectors]
            if joint and len(right) == 1:
                out.append(([*left[: joint[0] + 1], right[0]], 0.6))
    return out


def _trim(words: list[str], language: str) -> list[str]:
    """A phrase without the generic words and connectors at its edges."""
    connectors = _words("connector", language)
    roles = {w for w, skill in _roles(language).items() if not skill}
    lead = _words("lead", language) | _ranks(language) | roles
    tail = _words("tail", language) | roles
    words = list(words)
    while words and (_fold(words[0]) in lead or _fold(words[0]) in connectors):
        words.pop(0)
    while words and (_fold(words[-1]) in tail or _fold(words[-1]) in connectors):
        words.pop()
    return words


def _spans(chunk: list[str], language: str) -> list[tuple[list[str], float]]:
    """The phrases a chunk offers, each with its share: the chunk itself (1.0) and its shorter
    head-keeping parts (less), trimmed of generic words at their edges."""
    connectors = _words("connector", language)
    words = _trim(chunk, language)
    if not words:
        return []
    spans = [(words, 1.0)]
    folded = [_fold(w) for w in words]
    if language == "en":
        # English puts the head last: "national legislative drafters" → "legislative drafters".
        for size in (3, 2):
            if len(words) > size:
                spans.append((words[-size:], 0.5))
        if "of" in folded:
            at = folded.index("of")
            spans.append((words[:at], 0.5))
            spans.append((words[at + 1 :], 0.5))
    else:
        # French and Spanish put it first: "gestion des dossiers judiciaires" → "gestion des
        # dossiers"; a complement alone is a phrase too.
        cut = [i for i, w in enumerate(folded) if w in connectors]
        if cut:
            spans.append((words[: cut[-1]], 0.5))
            spans.append((words[cut[0] + 1 :], 0.5))
        elif len(words) > 3:
            spans.append((words[:2], 0.5))
    out = []
    for span, share in spans:
        trimmed = _trim(span, language)
        if trimmed:
            out.append((trimmed, share))
    return out


def _nominal(verb: str, language: str) -> str | None:
    """The noun an action verb names ("monitor" → "monitoring"), for verb-object phrases."""
    table = _translations().get(f"{language}-verb", {})
    folded = _fold(verb)
    for form in (folded, folded.rstrip("s"), re.sub(r"(ed|ing|es)$", "", folded)):
        if form in table:
            return table[form]
    return None


# --------------------------------------------------------------------------------------------
# French and Spanish into English


def _english_word(word: str, language: str) -> str | None:
    """One French or Spanish word in English: an expression already put into English, the
    bilingual table, an acronym as it is, then the usual cognate endings when English has the
    word; None when nothing knows it."""
    if word.startswith(_ENGLISH_MARK):
        return word[1:]
    folded = _fold(word)
    table = _translations().get(language, {})
    for form in _romance_forms(folded, language):
        if form in table:
            english = table[form]
            return "" if english == "-" else english
    if word.isupper() and len(word) > 1:
        return word  # an acronym: "DDR", "SIG"
    # A word in capitals inside a French or Spanish sentence is mostly a name ("Bangui",
    # "Cotonou"): only an ending that English words have ("-tion", "-ité") makes it English.
    named = word[:1].isupper()
    for form in _romance_forms(folded, language)[:2]:
        for cognate in _cognates(form, language, sure=named):
            if _english_noun(cognate):
                return cognate
    return None


def _english_noun(word: str) -> bool:
    """Whether a cognate is an English word a skill may hold (not a small word or a name)."""
    return (
        word in _english()
        and word not in _words("stop", "en")
        and word not in _person_names()
        and word not in _places()
    )


def _romance_forms(folded: str, language: str) -> list[str]:
    """The word and its singular / masculine forms ("pénitentiaires" → "penitentiaire")."""
    forms = [folded]
    if folded.endswith("s") or folded.endswith("x"):
        forms.append(folded[:-1])
    if folded.endswith("aux"):
        forms.append(folded[:-3] + "al")
    if folded.endswith("es") and language == "es":
        forms.append(folded[:-2])
    for form in list(forms):
        if form.endswith("e") and language == "fr":
            forms.append(form[:-1])
        if form.endswith("a") and language == "es":
            forms.append(form[:-1] + "o")
    return list(dict.fromkeys(forms))


def _cognates(form: str, language: str, sure: bool = False) -> Iterable[str]:
    """The English words a French or Spanish word may be by its ending, surest first (only
    those of a suffix when ``sure``: no word taken as it is)."""
    for ending, english in _COGNATES.get(language, ()):
        if form.endswith(ending) and len(form) > len(ending) + 2:
            if ending in ("", "e", "o") and (sure or len(form) < 7):
                continue
            yield form[: len(form) - len(ending)] + english


_COGNATES: dict[str, tuple[tuple[str, str], ...]] = {
    "fr": (
        ("isation", "ization"),
        ("ication", "ication"),
        ("tion", "tion"),
        ("sion", "sion"),
        ("ite", "ity"),
        ("ique", "ic"),
        ("iste", "ist"),
        ("isme", "ism"),
        ("ance", "ance"),
        ("ence", "ence"),
        ("aire", "ary"),
        ("oire", "ory"),
        ("eur", "or"),
        ("el", "al"),
        ("elle", "al"),
        ("if", "ive"),
        ("ive", "ive"),
        ("ment", "ment"),
        ("al", "al"),
        ("ale", "al"),
        ("ie", "y"),
        ("e", ""),
        ("", ""),
    ),
    "es": (
        ("izacion", "ization"),
        ("cion", "tion"),
        ("sion", "sion"),
        ("dad", "ty"),
        ("ico", "ic"),
        ("ica", "ic"),
        ("ista", "ist"),
        ("ismo", "ism"),
        ("ancia", "ance"),
        ("encia", "ence"),
        ("ario", "ary"),
        ("aria", "ary"),
        ("orio", "ory"),
        ("ivo", "ive"),
        ("iva", "ive"),
        ("al", "al"),
        ("ia", "y"),
        ("ador", "ator"),
        ("o", ""),
        ("e", ""),
        ("", ""),
    ),
}


def _to_english(words: Sequence[str], language: str) -> tuple[str, ...] | None:
    """A French or Spanish noun phrase in English words and order: "gestion des dossiers
    judiciaires" → ("judicial", "case", "management"); None when a word is unknown."""
    connectors = _words("connector", language)
    groups: list[list[str]] = [[]]
    for word in words:
        if _fold(word) in connectors:
            groups.append([])
        else:
            groups[-1].append(word)
    english_groups: list[list[str]] = []
    for group in groups:
        translated = _group_in_english(group, language)
        if translated is None:
            return None
        if translated:
            english_groups.append(translated)
    if not english_groups:
        return None
    # "formation des agents" → "training of officers"; with a short complement the English
    # compound reads better: "gestion des prisons" → "prison management".
    out: list[str] = english_groups[0]
    for complement in english_groups[1:]:
        if len(complement) == 1 and len(out) <= 2:
            noun = complement[0]
            out = [noun if noun in _PLURAL_NOUNS else _singular(noun), *out]
        else:
            out = [*out, "of", *complement]
    return _distinct(" ".join(out).split())


def _distinct(words: list[str]) -> tuple[str, ...] | None:
    """The words without a repeated stem ("criminal investigation investigations" → "criminal
    investigation"); small words may repeat ("training of staff of prisons")."""
    seen: set[str] = set()
    out: list[str] = []
    for word in words:
        if word in _CONNECTORS_EN:
            out.append(word)
        elif _stem(word) not in seen:
            seen.add(_stem(word))
            out.append(word)
    return tuple(out) or None


def _group_in_english(group: list[str], language: str) -> list[str] | None:
    """One noun group ("dossiers judiciaires") in English order ("judicial cases"): the head
    first in French and Spanish, last in English."""
    units: list[str] = []
    for word in group:
        english = _english_word(word, language)
        if english is None:
            return None
        if english:
            units.append(english)
    if not units:
        return []
    # "haut risque" → "high risk": the few French and Spanish adjectives that come first.
    before = 0
    while before < len(group) - 1 and _fold(group[before]) in _words("prenominal", language):
        before += 1
    first, rest = units[:before], units[before:]
    if not rest:
        return first
    head, *modifiers = rest
    return [*first, *reversed(modifiers), head]


# Nouns whose plural is their compound form too ("human rights monitoring", "arms control").
_PLURAL_NOUNS = {"rights", "arms", "affairs", "forces", "means", "logistics", "statistics"}


# --------------------------------------------------------------------------------------------
# Reading a document


def _phrases(sentence: str, language: str) -> list[tuple[tuple[str, ...], float]]:
    """The English phrases one sentence offers, each with its share of the sentence's weight."""
    out: list[tuple[tuple[str, ...], float]] = []
    lead = _words("lead", language)
    for chunk, chunk_share in _chunks(sentence, language):
        # An action verb before its object names a skill: "monitor detention" → "detention
        # monitoring".
        if len(chunk) >= 2 and language == "en" and chunk_share == 1.0:
            nominal = _nominal(chunk[0], language)
            if nominal is not None:
                obj = [w for w in chunk[1:] if _fold(w) not in lead]
                if obj and "of" not in (w.lower() for w in obj) and len(obj) <= 3:
                    out.append((tuple([*obj, nominal]), 1.1 * chunk_share))
        for span, share in _spans(chunk, language):
            if language == "en":
                out.append((tuple(span), share * chunk_share))
            else:
                english = _to_english(span, language)
                english = tuple(_trim(list(english), "en")) if english else None
                if english:
                    out.append((english, share * chunk_share))
    return out


def _title_phrases(title: str, language: str) -> list[tuple[tuple[str, ...], float]]:
    """The skills a post's title names: its parts without grades, ranks and role nouns, a role
    noun that does a skill turned into it ("Systems Administrator" → "systems administration",
    "Médecin" → "medicine")."""
    roles, ranks = _roles(language), _ranks(language)
    out: list[tuple[tuple[str, ...], float]] = []
    for part in re.split(r"[()\[\],;:/–—]|\s-\s", _GRADE.sub(" ", title)):
        words = _tokens(part)
        while words and (_fold(words[0]) in ranks or roles.get(_fold(words[0])) == ""):
            words.pop(0)
        skill = ""
        while words and (_fold(words[-1]) in roles or _fold(words[-1]) in ranks):
            skill = skill or roles.get(_fold(words[-1]), "")
            words.pop()
        if skill:
            english = _title_words(words, language)
            if english is not None:
                out.append(((*english, *skill.split()), 1.0 if english else 0.5))
        if words:
            out.extend(_phrases(" ".join(words), language))
    return out


def _title_words(words: list[str], language: str) -> tuple[str, ...] | None:
    """The words before a role noun that does a skill, in English ("Systems" → ("systems",))."""
    words = _trim(words, language)
    if not words or language == "en":
        return tuple(words)
    return _to_english(words, language)


def _acceptable(words: tuple[str, ...], language: str, line: str) -> bool:
    """Whether a phrase can be a skill: one to five words, not a name, a place, a date, a
    number or a generic word ("experience", "candidates", "Juba", "June")."""
    if not words or len(words) > 5:
        return False
    generic = _words("generic", "en")
    content = [w for w in words if w.lower() not in _CONNECTORS_EN]
    if not content or any(_fold(w) in generic or _singular(_fold(w)) in generic for w in content):
        return False
    folded = [_fold(re.sub(r"'s$", "", w)) for w in content]
    if any(w in _places() or w in _months() for w in folded):
        return False
    if " ".join(words).lower() in _domain_names():
        return True
    if len(content) == 1:
        word = content[0]
        if len(word) < 4 or word.isupper() or (word[:1].isupper() and not line.startswith(word)):
            return False
        if _singular(folded[0]) in _words("vague", "en") or folded[0] in _words("vague", "en"):
            return False
    return not _proper_name(content, line)


def _proper_name(content: list[str], line: str) -> bool:
    """A name of a person, a place or an institution rather than a skill: every word in
    capitals and one of them no English word ("Maria Lopes", "Bole Sub-City"), or the last
    an institution ("Swedish Election Authority"). Acronyms alone are no name."""
    capitalised = [w for w in content if w[:1].isupper()]
    if len(capitalised) < len(content):
        return False
    words = content if line.isupper() else [w for w in content if not w.isupper()]
    if not words:
        return False
    folded = [_fold(w) for w in words]
    bodies = {p[0] for lang in ("en", "fr", "es") for p in _phrases_of("body", lang)}
    if len(content) > 1 and folded[-1] in bodies:
        return True
    english, people = _english(), _person_names()
    return any(w not in english or (w in people and w not in _domain_words()) for w in folded)


@lru_cache(maxsize=1)
def _domain_names() -> frozenset[str]:
    return frozenset(p.lower() for p in _domain())


@lru_cache(maxsize=1)
def _domain_words() -> frozenset[str]:
    return frozenset(_fold(w) for p in _domain() for w in _WORD.findall(p))


@lru_cache(maxsize=1)
def _months() -> frozenset[str]:
    return frozenset(
        p[0] for lang in ("en", "fr", "es") for p in _phrases_of("month", lang) if len(p) == 1
    )


@lru_cache(maxsize=1)
def _places() -> frozenset[str]:
    """Country names in English, French and Spanish (CLDR), lower case, single words."""
    from babel import Locale

    names: set[str] = set()
    for code in ("en", "fr", "es"):
        for name in Locale.parse(code).territories.values():
            names.update(_fold(w) for w in _WORD.findall(name) if len(w) > 3)
    return frozenset(names - _KEEP_PLACE_WORDS)


# Words of country names that are also words of skills ("Republic", "United", "Islands", …).
_KEEP_PLACE_WORDS = {
    "republic",
    "republique",
    "republica",
    "united",
    "unidos",
    "unis",
    "islands",
    "island",
    "iles",
    "islas",
    "democratic",
    "democratique",
    "democratica",
    "central",
    "centrale",
    "south",
    "north",
    "east",
    "west",
    "new",
    "saint",
    "sint",
    "great",
    "kingdom",
    "states",
    "territory",
    "territories",
    "federation",
    "union",
    "european",
    "guinea",
    "world",
    "outlying",
}


def _read(text: str, language: str) -> dict[frozenset[str], _Candidate]:
    """Every acceptable phrase of the document with the summed weight of where it stands, and
    the names of expertise its acronyms and its phrases' meaning give."""
    candidates: dict[frozenset[str], _Candidate] = {}
    lines = _document(text, language)
    for line in lines:
        _read_line(candidates, line, language)
    for name, score, evidence in _meant(lines, language):
        _add(candidates, tuple(name.split()), score, evidence, known=True)
    return candidates


def _read_line(candidates: dict[frozenset[str], _Candidate], line: _Line, language: str) -> None:
    """Add the phrases of one line, and the names of expertise its acronyms stand for ("DDR"
    → "DDR programming")."""
    for acronym in sorted({w for w in _WORD.findall(line.text) if w.isupper() and len(w) > 1}):
        for name in _acronym_names().get(acronym, ()):
            _add(candidates, tuple(name.split()), line.weight * 0.5, line.text, known=True)
    cut = _cut_structure(line.text, language)
    if line.title:
        found = _title_phrases(cut, language)
    else:
        found = [
            (words, share * boost)
            for segment, boost in _segments(cut, language)
            for words, share in _phrases(segment, language)
        ]
    shouting = line.text.isupper()
    for words, share in found:
        if not _acceptable(words, language, line.text):
            continue
        _add(candidates, _display(words, shouting), line.weight * share, line.text)


@lru_cache(maxsize=1)
def _acronym_names() -> dict[str, tuple[str, ...]]:
    """The names of expertise of two words that start with an acronym, by the acronym."""
    out: dict[str, list[str]] = {}
    for name in _domain():
        words = name.split()
        if len(words) == 2 and words[0].isupper():
            out.setdefault(words[0], []).append(name)
    return {acronym: tuple(names) for acronym, names in out.items()}


_MEANT_FLOOR = 0.78
_MEANT_TEXTS = 200
# A whole line is further from a short name than a phrase is: the floor for a document in
# another script, read line by line.
_OTHER_FLOOR = 0.3


def _meant(lines: list[_Line], language: str) -> list[tuple[str, float, str]]:
    """(name of expertise, score, evidence) for the document's phrases of two words or more
    whose meaning the encoder finds nearest a name of ``skills_domain.txt`` above a floor: a
    phrase the tables could not put into English, or put in other words ("tenue du registre
    des détenus", "community-oriented policing work")."""
    sources: dict[str, tuple[float, str]] = {}
    for line in lines:
        if line.weight < 0.8:
            continue
        cut = _cut_structure(line.text, language)
        for segment, boost in _segments(cut, language):
            for chunk, chunk_share in _chunks(segment, language):
                for span, share in _spans(chunk, language):
                    if len(span) < 2:
                        continue
                    source = " ".join(w.lstrip(_ENGLISH_MARK) for w in span)
                    score = line.weight * share * chunk_share * boost
                    if score > sources.get(source, (0.0, ""))[0]:
                        sources[source] = (score, line.text)
    texts = sorted(sources, key=lambda t: (-sources[t][0], t))[:_MEANT_TEXTS]
    return [
        (name, sources[texts[row]][0] * similarity, sources[texts[row]][1])
        for similarity, name, row in _nearest(texts, _domain(), _MEANT_FLOOR, top=1)
        if _says_no_more(name, texts[row])
    ]


def _says_no_more(name: str, phrase: str) -> bool:
    """Whether a name of expertise says a phrase in other words and no more than it: "human
    rights" is not "human rights law"; the one thing a name may add is the activity a phrase
    implies ("Windows Server" → "Windows Server administration")."""
    name_key, phrase_key = _key(name.split()), _key(_WORD.findall(phrase))
    if len(name_key) <= len(phrase_key):
        return True
    added = {_stem(w) for w in name_key} - {_stem(w) for w in phrase_key}
    return len(name_key) == len(phrase_key) + 1 and added <= _activities()


@lru_cache(maxsize=1)
def _activities() -> frozenset[str]:
    """The stems of the nouns that name an activity ("administration", "monitoring"): those the
    action verbs of ``skill_words.tsv`` name."""
    return frozenset(_stem(noun) for noun in _translations().get("en-verb", {}).values())


def _display(words: tuple[str, ...], shouting: bool) -> tuple[str, ...]:
    """A phrase as it is proposed: lower case but for acronyms and names of a rule."""
    shouting = shouting or (len(words) > 1 and all(w.isupper() for w in words))
    return tuple(w if w.isupper() and len(w) > 1 and not shouting else w.lower() for w in words)


def _add(
    candidates: dict[frozenset[str], _Candidate],
    words: tuple[str, ...],
    score: float,
    evidence: str,
    known: bool = False,
) -> None:
    key = _key(words)
    if not key:
        return
    candidate = candidates.setdefault(key, _Candidate(words))
    candidate.score += score
    candidate.known = candidate.known or known
    if score > candidate.best:
        candidate.best, candidate.evidence, candidate.words = score, evidence, words


def _name_known(candidates: dict[frozenset[str], _Candidate]) -> None:
    """Add the names of expertise the document's phrases hold, with their phrases' weight: a
    phrase "investigations of serious crimes" holds "serious crime investigations"."""
    names, by_stem = _domain_index()
    found: list[tuple[str, float, str]] = []
    for candidate in candidates.values():
        stems = _stems(candidate.words)
        if stems in names:
            candidate.known = True  # a name already: its parts are not the skill it names
            continue
        keys = {key for stem in stems for key in by_stem.get(stem, ())}
        for key in sorted(keys, key=sorted):  # sorted: the same sums in every process
            if key <= stems and (len(key) > 1 or len(stems) == 1):
                share = (len(key) / len(stems)) ** 0.5
                found.append((names[key], candidate.score * share, candidate.evidence))
    for name, score, evidence in found:
        _add(candidates, tuple(name.split()), score, evidence, known=True)


def _rank(candidates: dict[frozenset[str], _Candidate]) -> list[_Candidate]:
    """Best first: weight of the places a phrase stands, its words' recurrence, its length, and
    whether the field names it so."""
    recurrence: dict[str, float] = {}
    for key, candidate in candidates.items():
        for word in key:
            recurrence[word] = recurrence.get(word, 0.0) + candidate.score / len(key)
    ranked = []
    for key, candidate in candidates.items():
        spread = sum(min(recurrence[w], 6.0) for w in sorted(key)) / len(key)
        shape = {1: 0.45, 2: 1.0, 3: 1.0, 4: 0.8}.get(len(key), 0.55)
        known = _KNOWN if candidate.known else 1.0
        candidate.score = candidate.score * shape * known * (1.0 + 0.35 * spread)
        ranked.append(candidate)
    ranked.sort(key=lambda c: (-c.score, " ".join(c.words)))
    return ranked


def _select(ranked: list[_Candidate], limit: int) -> list[_Candidate]:
    """The best phrases, skipping one that says what a better one already says."""
    chosen: list[_Candidate] = []
    for candidate in ranked:
        key = _key(candidate.words)
        if any(_similar(key, _key(c.words)) >= 0.5 for c in chosen):
            continue
        chosen.append(candidate)
        if len(chosen) >= limit:
            break
    return chosen


# --------------------------------------------------------------------------------------------
# The encoder


class _Vectors:
    """Vectors of a fixed list of English phrases, encoded once per process."""

    _lock = threading.Lock()
    _cache: dict[tuple[str, ...], Any] = {}

    @classmethod
    def of(cls, phrases: tuple[str, ...]) -> Any:
        with cls._lock:
            if phrases not in cls._cache:
                cls._cache[phrases] = _encode(list(phrases))
            return cls._cache[phrases]


def _encode(texts: list[str]) -> Any:
    from matching import UniversalSentenceEncoder

    return UniversalSentenceEncoder().encode(texts)


def _nearest(
    texts: list[str], phrases: tuple[str, ...], threshold: float, top: int = 2
) -> list[tuple[float, str, int]]:
    """(similarity, phrase, text's index) for each text's nearest phrases above the threshold."""
    if not texts or not phrases:
        return []
    similarity = _encode(texts) @ _Vectors.of(phrases).T
    out = []
    for row in range(len(texts)):
        for column in similarity[row].argsort()[::-1][:top]:
            if similarity[row, column] >= threshold:
                out.append((float(similarity[row, column]), phrases[column], row))
    return out


def _encoded(text: str, language: str, phrases: tuple[str, ...], floor: float) -> list[_Candidate]:
    """Phrases nearest to the document's skill-bearing lines (a document in any language): what
    a document in another script is read with, and what fills up a short one."""
    lines = [
        line
        for line in _document(text, language)
        if (line.weight >= 0.8 or language == "other") and 3 <= len(_WORD.findall(line.text)) <= 60
    ]
    found: dict[str, _Candidate] = {}
    for similarity, phrase, row in _nearest([line.text for line in lines[:80]], phrases, floor):
        candidate = found.setdefault(phrase, _Candidate(tuple(phrase.split())))
        candidate.score += similarity * lines[row].weight
        if similarity > candidate.best:
            candidate.best, candidate.evidence = similarity, lines[row].text
    return sorted(found.values(), key=lambda c: (-c.score, " ".join(c.words)))


# --------------------------------------------------------------------------------------------


def propose(text: str, known: Iterable[str] = (), limit: int = LIMIT) -> list[Proposed[str]]:
    """Short English skill phrases for a terms of reference or a CV in any language, best first
    (at most ``limit``), each with the sentence it came from. A phrase the roster already knows
    (``known``, lower case) is given in the roster's words."""
    if limit <= 0 or not text.strip():
        return []
    language = _language(text)
    known_names = tuple(sorted({k.strip().lower() for k in known if k.strip()}))
    ranked: list[_Candidate] = []
    if language != "other":
        candidates = _read(text, language)
        _name_known(candidates)
        ranked = _rank(candidates)
    if language == "other" or len(ranked) < limit:
        floor = _OTHER_FLOOR if language == "other" else _MEANT_FLOOR
        ranked.extend(_encoded(text, language, _domain() + _vocabulary(), floor))
    chosen = _select(ranked, limit)
    return [Proposed(_roster_name(c.words, known_names), c.evidence) for c in chosen]


def _roster_name(words: tuple[str, ...], known: tuple[str, ...]) -> str:
    """The roster's name for a phrase when it has one that says the same, else the phrase."""
    phrase = " ".join(words)
    if not known:
        return phrase
    key = _key(words)
    best, name = 0.0, phrase
    for candidate in known:
        similarity = _similar(key, _key(candidate.split()))
        if similarity > best:
            best, name = similarity, candidate
    return name if best >= 0.75 else phrase
