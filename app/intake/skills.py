"""Skills a document asks for or shows: short English phrases, best first, each with the sentence
it came from.

The phrases come from the document's own words. A sentence is cut into noun phrases at
punctuation, small words and generic verbs ("Provide technical advice on legislative drafting" →
"technical advice", "legislative drafting"); an action verb with its object becomes the skill it
names ("monitor pre-trial detention" → "pre-trial detention monitoring"). Phrases count more in
the duties, competencies, expertise and experience of a document than in its background, and more
when their words recur. French and Spanish phrases are put into English word by word
(``data/skill_words.tsv`` and the usual cognate endings, "-tion", "-ité" → "-ity", "-ción" →
"-tion") in English word order. In other languages — and to name what a phrase says in the
roster's words — the multilingual sentence encoder finds the nearest phrases of an English skill
vocabulary (``data/skill_vocabulary.txt``) and of the roster's own skills (``known``).
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

from app.intake.proposals import Proposed

LIMIT = 10

_WORD = re.compile(r"[^\W_][\w'’\-]*", re.UNICODE)
_BREAK = re.compile(r"[,;:()\[\]{}.!?•–—|/\"“”«»\t]|\s-\s|\s\u2013\s")
_ELISION = re.compile(r"^(?:l|d|qu|j|n|s|c|m|t|jusqu|lorsqu|puisqu)['’]", re.IGNORECASE)


@dataclass
class _Candidate:
    """A phrase of the document, as English words, with where it stands."""

    words: tuple[str, ...]
    score: float = 0.0
    evidence: str = ""
    best: float = 0.0
    sources: set[str] = field(default_factory=set)


# --------------------------------------------------------------------------------------------
# Words


@lru_cache(maxsize=1)
def _lexicon() -> dict[str, dict[str, set[str]]]:
    """The word lists of ``data/skill_words.tsv``: per language, per kind, the words."""
    out: dict[str, dict[str, set[str]]] = {}
    text = resources.files("app.intake").joinpath("data/skill_words.tsv").read_text("utf-8")
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) < 3 or parts[1] == "translate":
            continue
        language, kind, words = parts[0], parts[1], parts[2]
        out.setdefault(language, {}).setdefault(kind, set()).update(map(_fold, words.split()))
    return out


@lru_cache(maxsize=1)
def _translations() -> dict[str, dict[str, str]]:
    """French and Spanish words in English: ``data/skill_words.tsv`` lines "fr translate word
    english" (the English may be several words, or "-" for a word to leave out)."""
    out: dict[str, dict[str, str]] = {}
    text = resources.files("app.intake").joinpath("data/skill_words.tsv").read_text("utf-8")
    for line in text.splitlines():
        parts = line.split("\t")
        if len(parts) >= 4 and parts[1] == "translate":
            for word in parts[2].split(","):
                out.setdefault(parts[0], {})[_fold(word.strip())] = parts[3].strip()
    return out


def _words(kind: str, language: str) -> set[str]:
    return _lexicon().get(language, {}).get(kind, set())


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
    return frozenset(_singular(w.lower()) for w in words if w.lower() not in _CONNECTORS_EN)


_CONNECTORS_EN = {"of", "and", "for", "in", "on", "the", "to", "with", "a"}


def _similar(a: frozenset[str], b: frozenset[str]) -> float:
    union = a | b
    return len(a & b) / len(union) if union else 0.0


# --------------------------------------------------------------------------------------------
# Language and sections


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


_MARKED = ("en", "fr", "es")


def _lines(text: str) -> list[str]:
    """The document's sentences and lines, as the other readers quote them."""
    try:
        from app.intake.wording import sentences
    except ImportError:  # pragma: no cover - wording.py is written alongside
        sentences = None
    if sentences is not None:
        return [s for s in sentences(text) if s.strip()]
    out: list[str] = []
    for line in text.splitlines():
        line = line.strip()
        if line:
            out.extend(p.strip() for p in re.split(r"(?<=[.!?;])\s+(?=[A-ZÀ-Ý])", line) if p)
    return out


def _heading_weight(line: str, language: str) -> float | None:
    """The weight of the section a heading opens, or None when the line is not a heading."""
    bare = line.strip().rstrip(":").strip()
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


def _label_weight(line: str, language: str) -> float | None:
    """The weight a "Label: text" line gives its text ("Expérience : …", "Languages: …")."""
    head, sep, _rest = line.partition(":")
    if not sep or len(_WORD.findall(head)) > 4:
        return None
    return _heading_weight(head, language)


# --------------------------------------------------------------------------------------------
# Phrases


def _tokens(fragment: str) -> list[str]:
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


def _chunks(sentence: str, language: str) -> list[list[str]]:
    """Runs of content words of a sentence, with "of"/"de" kept between two content words."""
    stop = _words("stop", language)
    connectors = _words("connector", language)
    articles = _words("article", language)
    out: list[list[str]] = []
    for fragment in _BREAK.split(sentence):
        current: list[str] = []
        pending: list[str] = []
        for token in _tokens(fragment):
            folded = _fold(token)
            if folded in connectors and current:
                pending = [token]
                continue
            if pending and folded in articles:
                continue
            if folded in stop or _adverb(folded, language) or folded.isdigit() or len(folded) < 2:
                if current:
                    out.append(current)
                current, pending = [], []
                continue
            if pending:
                current.extend(pending)
                pending = []
            current.append(token)
        if current:
            out.append(current)
    return out


def _trim(words: list[str], language: str) -> list[str]:
    """A phrase without the generic words and connectors at its edges."""
    connectors = _words("connector", language)
    lead = _words("lead", language)
    tail = _words("tail", language)
    words = list(words)
    while words and (_fold(words[0]) in lead or _fold(words[0]) in connectors):
        words.pop(0)
    while words and (_fold(words[-1]) in tail or _fold(words[-1]) in connectors):
        words.pop()
    return words


def _adverb(folded: str, language: str) -> bool:
    """An adverb of manner ("clearly", "closely", "activement", "regularmente")."""
    ending = {"en": "ly", "fr": "ement", "es": "mente"}.get(language)
    return (
        bool(ending) and len(folded) > 5 and folded.endswith(ending) and folded not in _NOT_ADVERBS
    )


_NOT_ADVERBS = {"supply", "assembly", "family", "anomaly", "monopoly", "reply", "ally"}


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
    """One French or Spanish word in English: the word list, then the usual cognate endings;
    None when neither knows it."""
    folded = _fold(word)
    table = _translations().get(language, {})
    for form in _romance_forms(folded, language):
        if form in table:
            english = table[form]
            return "" if english == "-" else english
    for form in _romance_forms(folded, language):
        cognate = _cognate(form, language)
        if cognate is not None and (cognate.endswith(_SURE_ENDINGS) or cognate in _english()):
            return cognate
    if word.isupper() and len(word) > 1:
        return word  # an acronym: "DDR", "SIG"
    return None


def _romance_forms(folded: str, language: str) -> list[str]:
    """The word and its singular / masculine forms ("pénitentiaires" → "penitentiaire")."""
    forms = [folded]
    if folded.endswith("aux"):
        forms.append(folded[:-3] + "al")
    if folded.endswith("es") and language == "es":
        forms.append(folded[:-2])
    if folded.endswith("s") or folded.endswith("x"):
        forms.append(folded[:-1])
    for form in list(forms):
        if form.endswith("e") and language == "fr":
            forms.append(form[:-1])
        if form.endswith("a") and language == "es":
            forms.append(form[:-1] + "o")
    return list(dict.fromkeys(forms))


# Cognate endings that are English words almost always ("-tion", "-ity"); the others ("-aire" →
# "-ary", "-eur" → "-or") only when the English word is known.
_SURE_ENDINGS = ("tion", "sion", "ity", "ism", "ist", "ance", "ence", "ment")


@lru_cache(maxsize=1)
def _english() -> frozenset[str]:
    """English words the reader knows: those of the skill vocabulary and of the word lists."""
    words = {w for phrase in _vocabulary() for w in _WORD.findall(phrase.lower())}
    for table in _translations().values():
        for english in table.values():
            words.update(_WORD.findall(english.lower()))
    return frozenset(words)


def _cognate(form: str, language: str) -> str | None:
    for ending, english in _COGNATES.get(language, ()):
        if form.endswith(ending) and len(form) > len(ending) + 2:
            return form[: -len(ending)] + english
    return None


_COGNATES: dict[str, tuple[tuple[str, str], ...]] = {
    "fr": (
        ("isation", "isation"),
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
    ),
    "es": (
        ("izacion", "isation"),
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
        if not group:
            continue
        translated = [_english_word(w, language) for w in group]
        if any(t is None for t in translated):
            return None
        kept = [t for t in translated if t]
        if kept:
            head_en, *mods_en = kept
            english_groups.append([*reversed(mods_en), head_en])
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
    words_out = " ".join(out).split()
    return tuple(dict.fromkeys(words_out)) if words_out else None


# Nouns whose plural is their compound form too ("human rights monitoring", "arms control").
_PLURAL_NOUNS = {"rights", "arms", "affairs", "forces", "means", "logistics", "statistics"}


# --------------------------------------------------------------------------------------------
# Reading a document


def _phrases(sentence: str, language: str) -> list[tuple[tuple[str, ...], float]]:
    """The English phrases one sentence offers, each with its share of the sentence's weight."""
    out: list[tuple[tuple[str, ...], float]] = []
    lead = _words("lead", language)
    for chunk in _chunks(sentence, language):
        # An action verb before its object names a skill: "monitor detention" → "detention
        # monitoring".
        if len(chunk) >= 2 and language == "en":
            nominal = _nominal(chunk[0], language)
            if nominal is not None:
                obj = [w for w in chunk[1:] if _fold(w) not in lead]
                if obj and "of" not in (w.lower() for w in obj) and len(obj) <= 3:
                    out.append((tuple([*obj, nominal]), 1.1))
        for span, share in _spans(chunk, language):
            if language == "en":
                out.append((tuple(span), share))
            else:
                english = _to_english(span, language)
                if english:
                    out.append((english, share))
    return out


def _acceptable(words: tuple[str, ...], language: str, line: str) -> bool:
    """Whether a phrase can be a skill: one to five words, not a name, a place, a number or a
    generic word ("experience", "candidates", "Juba")."""
    if not words or len(words) > 5:
        return False
    generic = _words("generic", "en")
    content = [w for w in words if w.lower() not in _CONNECTORS_EN]
    if not content or any(_fold(w) in generic or _singular(_fold(w)) in generic for w in content):
        return False
    if any(_fold(w) in _places() for w in content):
        return False
    if len(content) == 1:
        word = content[0]
        if len(word) < 4 or word.isupper() or (word[:1].isupper() and not line.startswith(word)):
            return False
    names = [w for w in content if w[:1].isupper() and not w.isupper()]
    # Not a name: "Transitional National Legislative Assembly".
    return not (language == "en" and len(names) == len(content) > 1 and not line.istitle())


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
    candidates: dict[frozenset[str], _Candidate] = {}
    weight = 0.6  # the header, before any heading
    for number, line in enumerate(_lines(text)):
        heading = _heading_weight(line, language)
        if heading is not None:
            weight = heading
            if number > 0:
                continue
        label = _label_weight(line, language)
        line_weight = label if label is not None else weight
        if number == 0 or (number < 6 and heading is None and label is None and len(line) < 90):
            line_weight = max(line_weight, 0.8)
        shouting = line.isupper()
        for words, share in _phrases(line, language):
            if not _acceptable(words, language, line):
                continue
            shouting = shouting or (len(words) > 1 and all(w.isupper() for w in words))
            display = tuple(
                w if w.isupper() and len(w) > 1 and not shouting else w.lower() for w in words
            )
            key = _key(display)
            if not key:
                continue
            candidate = candidates.setdefault(key, _Candidate(display))
            candidate.score += line_weight * share
            if line_weight > candidate.best:
                candidate.best, candidate.evidence = line_weight, line
    return candidates


def _rank(candidates: dict[frozenset[str], _Candidate]) -> list[_Candidate]:
    """Best first: weight of the places a phrase stands, its words' recurrence, its length."""
    recurrence: dict[str, float] = {}
    for key, candidate in candidates.items():
        for word in key:
            recurrence[word] = recurrence.get(word, 0.0) + candidate.score / len(key)
    ranked = []
    for key, candidate in candidates.items():
        spread = sum(min(recurrence[w], 6.0) for w in key) / len(key)
        size = len(key)
        shape = {1: 0.45, 2: 1.0, 3: 1.0, 4: 0.8}.get(size, 0.55)
        candidate.score = candidate.score * shape * (1.0 + 0.35 * spread)
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
# The vocabulary and the encoder


class _Vocabulary:
    """English skill phrases and their vectors, encoded once per process."""

    _lock = threading.Lock()
    _cache: dict[tuple[str, ...], Any] = {}

    @classmethod
    def vectors(cls, phrases: tuple[str, ...]) -> Any:
        with cls._lock:
            if phrases not in cls._cache:
                cls._cache[phrases] = _encode(list(phrases))
            return cls._cache[phrases]


def _encode(texts: list[str]) -> Any:
    from matching import UniversalSentenceEncoder

    return UniversalSentenceEncoder().encode(texts)


@lru_cache(maxsize=1)
def _vocabulary() -> tuple[str, ...]:
    text = resources.files("app.intake").joinpath("data/skill_vocabulary.txt").read_text("utf-8")
    return tuple(
        line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")
    )


def _nearest(
    lines: list[str], phrases: tuple[str, ...], threshold: float
) -> list[tuple[float, str, str]]:
    """(similarity, phrase, line) for each line's nearest phrases above the threshold."""
    if not lines or not phrases:
        return []
    vocabulary = _Vocabulary.vectors(phrases)
    vectors = _encode(lines)
    similarity = vectors @ vocabulary.T
    out = []
    for row, line in enumerate(lines):
        for column in similarity[row].argsort()[::-1][:2]:
            if similarity[row, column] >= threshold:
                out.append((float(similarity[row, column]), phrases[column], line))
    return out


def _encoded(text: str, language: str, phrases: tuple[str, ...]) -> list[_Candidate]:
    """Vocabulary phrases nearest to the document's skill-bearing lines (any language)."""
    lines = []
    weight = 0.6
    for line in _lines(text):
        heading = _heading_weight(line, language)
        if heading is not None:
            weight = heading
            continue
        if (weight >= 0.8 or language == "other") and 3 <= len(_WORD.findall(line)) <= 60:
            lines.append(line)
    found: dict[str, _Candidate] = {}
    for similarity, phrase, line in _nearest(lines[:80], phrases, 0.3):
        candidate = found.setdefault(phrase, _Candidate(tuple(phrase.split())))
        candidate.score += similarity
        if similarity > candidate.best:
            candidate.best, candidate.evidence = similarity, line
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
        ranked = _rank(_read(text, language))
    if language == "other" or len(ranked) < limit:
        ranked.extend(_encoded(text, language, _vocabulary()))
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
