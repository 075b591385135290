"""Read a CV and propose the fields of the expert form, each with the sentence it came from.

A CV is read as its sections (experience, education, languages …, recognised by their headings
in English, French and Spanish) or, for a biographical note without headings, as its sentences:

- the CV's date: a dated line such as "Nairobi, November 2026", "Fait à Dakar, le 12 octobre
  2026", "Updated: 15 January 2026" (else the given day);
- years of experience: whole years from the first professional post to the CV's date, posts
  being the periods of the experience section (or the periods and "joined … in 2004" of a
  note); internships, traineeships, recruit or cadet academies and study never count; a CV with
  no dates falls back on the years it states ("fifteen years of experience");
- languages: every language with its level by the UN convention (``wording``);
- countries of experience: the countries (or duty stations, or UN missions) its posts name,
  other than the expert's own; study and training abroad do not count.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from app.intake import areas as area_words
from app.intake import skills, wording
from app.intake.nationality import nationalities_in
from app.intake.proposals import LanguageLevel, ProfileProposal, Proposed

# --- sections ---------------------------------------------------------------------------------

_HEADINGS: dict[str, tuple[str, ...]] = {
    "experience": (
        "experience",
        "professional experience",
        "work experience",
        "employment",
        "employment history",
        "employment record",
        "career",
        "career history",
        "professional history",
        "work history",
        "positions held",
        "experience professionnelle",
        "parcours professionnel",
        "parcours",
        "carriere",
        "emplois occupes",
        "experiencia",
        "experiencia profesional",
        "experiencia laboral",
        "trayectoria",
        "trayectoria profesional",
        "historial laboral",
        "cargos desempenados",
    ),
    "education": (
        "education",
        "education and training",
        "training",
        "academic qualifications",
        "qualifications",
        "studies",
        "formation",
        "formations",
        "formation academique",
        "etudes",
        "diplomes",
        "education et formation",
        "formacion",
        "formacion academica",
        "estudios",
        "educacion",
        "certifications",
        "courses",
        "trainings",
    ),
    "languages": (
        "languages",
        "language skills",
        "language proficiency",
        "langues",
        "competences linguistiques",
        "connaissances linguistiques",
        "idiomas",
        "lenguas",
        "conocimientos linguisticos",
        "personal skills",
    ),
    "other": (
        "references",
        "referees",
        "publications",
        "memberships",
        "skills",
        "key skills",
        "job-related skills",
        "technical skills",
        "software",
        "competences",
        "domaines de competence",
        "competencias",
        "habilidades",
        "referencias",
        "personal information",
        "informations personnelles",
        "datos personales",
        "profile",
        "profil",
        "perfil",
        "summary",
        "professional summary",
        "resume",
        "resumen",
        "resena",
        "about me",
        "note biographique",
        "key qualifications",
        "presentation",
        "technical summary",
        "biographical note",
    ),
}
_HEADING_KIND = {words: kind for kind, names in _HEADINGS.items() for words in names}
_HEADING_LEAD = re.compile(
    r"^(?P<head>[^\W\d][^\d:]{1,40}?)\s*(?:\([^)]*\))?\s*(?::\s*$|\s{2,}(?P<rest>\S.*)$|$)"
)


@dataclass
class _Line:
    text: str
    section: str  # "header", "experience", "education", "languages", "other", "body"


@dataclass
class _Cv:
    lines: list[_Line] = field(default_factory=list)

    def having(self, *sections: str) -> list[str]:
        return [line.text for line in self.lines if line.section in sections]

    def has(self, section: str) -> bool:
        return any(line.section == section for line in self.lines)


def _heading(line: str) -> tuple[str, str] | None:
    """(kind, rest of the line) when the line is a section heading, else None."""
    match = _HEADING_LEAD.match(line.strip())
    if not match:
        return None
    head = wording.fold(match.group("head")).strip(" -–:")
    head = re.sub(r"\s*\(.*$", "", head)
    head = re.sub(r"\s+", " ", head)
    for candidate in (head, head.split(" (")[0]):
        kind = _HEADING_KIND.get(candidate)
        if kind:
            return kind, (match.group("rest") or "").strip()
    return None


def _sections(text: str) -> _Cv:
    cv = _Cv()
    section = "header"
    for raw in text.replace("\r\n", "\n").split("\n"):
        if not raw.strip():
            continue
        found = _heading(raw)
        if found:
            section, rest = found
            if (
                section == "other"
                and cv.lines
                and all(line.section == "header" for line in cv.lines)
            ):
                section = "body"  # a note's profile: its sentences are the CV
            if rest:
                cv.lines.append(_Line(rest, section))
            continue
        for sentence in wording.sentences(raw):
            cv.lines.append(_Line(sentence, section))
    return cv


# --- words that mark study, internships and academies -----------------------------------------

_STUDY = re.compile(
    r"\b(?:intern|interns|internship|trainee|traineeship|stage|stagiaire|pasantia|pasante|"
    r"practica profesional|practicas|practicum|apprentice|cadet|cadete|recruit|recrue|"
    r"academy|academie|academia|student|etudiant|estudiante|auditeur de justice|"
    r"auditrice de justice|on-the-job training|formation initiale|basic course|curso basico|"
    r"bachelor|master|masters|licence|licenciatura|maitrise en|maestria|doctorate|doctorat|"
    r"doctorado|phd|diploma|diplome|degree|graduated|graduating|qualifying|studied|etudes|"
    r"university|universite|universidad|school|ecole|escuela|college)\b"
)
_STUDY_STRICT = re.compile(
    r"\b(?:intern|interns|internship|trainee|traineeship|stage|stagiaire|pasantia|pasante|"
    r"practica profesional|practicas|practicum|cadet|cadete|recruit|academy|academie|academia|"
    r"student|etudiant|estudiante|auditeur de justice|auditrice de justice|on-the-job training|"
    r"formation initiale|curso basico)\b"
)
_JOINED = re.compile(
    r"\b(?:joined|began|started|start(?:ed)? (?:his|her|my) career|entered|recruited|"
    r"a debute|debute|commence|entre|entree|integre|rejoint|ingrese|ingreso|comenzo|comence|"
    r"inicio|empezo|se incorporo|me incorpore)\b"
)


def _is_study(sentence: str, strict: bool = False) -> bool:
    return bool((_STUDY_STRICT if strict else _STUDY).search(wording.fold(sentence)))


# --- the CV's date ----------------------------------------------------------------------------

# --- years of experience ----------------------------------------------------------------------


def _post_starts(cv: _Cv) -> list[tuple[date, str]]:
    """The start of every post the CV lists, with its sentence."""
    if cv.has("experience"):
        listed = cv.having("experience")
    else:
        listed = cv.having("header", "body", "other")
    starts: list[tuple[date, str]] = []
    for sentence in listed:
        if _is_study(sentence, strict=cv.has("experience")):
            continue
        starts += [(start, sentence) for start, _end in wording.month_year_spans(sentence)]
    for line in cv.lines:
        if line.section in ("education", "languages"):
            continue
        folded = wording.fold(line.text)
        for match in _JOINED.finditer(folded):
            tail = line.text[match.end() :]
            cut = re.split(r"[;.]\s", tail, maxsplit=1)[0]
            dates = wording.dates_in(cut)
            if not dates:
                continue
            before = cut[: cut.find(str(dates[0].year))] if str(dates[0].year) in cut else cut
            if _is_study(before, strict=True):
                continue
            starts.append((dates[0], line.text))
    return starts


def _whole_years(start: date, end: date) -> int:
    years = end.year - start.year - ((end.month, end.day) < (start.month, start.day))
    return max(years, 0)


_STATED_YEARS = re.compile(
    r"(years?|ans|annees|anos|decades?)\b.{0,40}?\b(experience|career|carriere|experiencia|"
    r"carrera|trayectoria|service)|\b(experience|experiencia)\b.{0,20}?\b(years?|ans|anos)\b"
)


def _stated_years(cv: _Cv) -> Proposed[int] | None:
    for line in cv.lines:
        if line.section in ("education", "languages"):
            continue
        folded = wording.fold(line.text)
        if not _STATED_YEARS.search(folded):
            continue
        numbers = [n for n in wording.numbers_in(line.text) if 1 <= n <= 60]
        if numbers:
            return Proposed(numbers[0], line.text)
    return None


def _years(cv: _Cv, on: date) -> Proposed[int] | None:
    starts = [(start, s) for start, s in _post_starts(cv) if start <= on]
    if not starts:
        return _stated_years(cv)
    first, sentence = min(starts, key=lambda item: item[0])
    if (first.month, first.day) == (1, 1):
        # "2003–2009" inside a post that began "08/2003": the month is the more precise start.
        same_year = [item for item in starts if item[0].year == first.year and item[0] != first]
        if same_year:
            first, sentence = min(same_year, key=lambda item: item[0])
    return Proposed(_whole_years(first, on), sentence)


# --- name, nationality, title -----------------------------------------------------------------

_NATIONALITY_CUE = re.compile(
    r"\b(?:nationality|nationalite|nacionalidad|citizenship|citoyennete|ciudadania|"
    r"nationalites|nationalities)\b\s*:?\s*"
)
_NOT_NAME = re.compile(
    r"\b(?:curriculum|vitae|resume|cv|hoja de vida|europass|biograph|profile|note|format|"
    r"professional|personal|information|biographie)\b"
)


def _nationality(cv: _Cv) -> Proposed[str] | None:
    for line in cv.lines:
        folded = wording.fold(line.text)
        match = _NATIONALITY_CUE.search(folded)
        if not match:
            continue
        value = line.text[match.end() :]
        found = nationalities_in(value)
        if found:
            return Proposed(found[0][0], line.text)
        countries = wording.countries_in(value)
        if countries:
            return Proposed(countries[0][0], line.text)
    for line in cv.lines:
        if line.section not in ("header", "body"):
            continue
        folded = wording.fold(line.text)
        for code, position in nationalities_in(line.text):
            after = folded[position:]
            before = folded[:position]
            segment_alone = re.match(r"[\w-]+(?:\s+national|\s+citizen)?\s*(?:[|–—,]|$)", after)
            if (
                (line.section == "header" and segment_alone and re.search(r"(^|[|–—]\s*)$", before))
                or re.search(r"^[\w-]+\s+(?:national|citizen)\b", after)
                or re.search(r"\b(?:is|am|was|est|es|soy)\s+(?:a|an|un|une|una)\s+$", before)
                or re.search(r"\b(?:ressortissante?|nacional)\s+$", before)
            ):
                return Proposed(code, line.text)
    return None


def _full_name(cv: _Cv) -> Proposed[str] | None:
    for line in cv.lines:
        if line.section not in ("header", "body"):
            break
        text = line.text
        labelled = re.match(
            r"^(?:name|nom|nombre|full name|nom et prenoms?)\s*:\s*(.+)$", text, re.I
        )
        if labelled:
            return Proposed(labelled.group(1).strip(), text)
        for part in re.split(r"\s+[|–—-]\s+", text):
            words = part.split()
            if not 2 <= len(words) <= 6 or re.search(r"[\d@:,]", part):
                continue
            if _NOT_NAME.search(wording.fold(part)):
                continue
            if all(w[:1].isupper() or w.lower() in ("de", "da", "del", "van", "von", "bin")
                   for w in words):  # fmt: skip
                return Proposed(_name_order(part), text)
        if len(cv.lines) and line is cv.lines[3 if len(cv.lines) > 3 else -1]:
            break
    return None


def _name_order(name: str) -> str:
    """A name in the usual order and case: given names first, surnames as written."""
    words = name.split()
    upper = [w for w in words if w.isupper() and len(w) > 1]
    if upper and len(upper) < len(words) and words[0].isupper():  # "MBARGA ESSOMBA Jean-Pierre"
        words = [w for w in words if w not in upper] + upper
    return " ".join(w.title() if w.isupper() and len(w) > 1 else w for w in words)


def _title(cv: _Cv, name: Proposed[str] | None) -> Proposed[str] | None:
    for line in cv.lines:
        labelled = re.match(
            r"^(?:profession|title|current position|position|poste actuel|fonction|"
            r"cargo actual|cargo)\s*:\s*(.+)$",
            line.text,
            re.I,
        )
        if labelled:
            return Proposed(labelled.group(1).strip(), line.text)
    for line in cv.lines:
        if line.section != "experience":
            continue
        spans = wording.month_year_spans(line.text)
        if spans and spans[0][1] is None:
            post = re.sub(r"^.*?\b(?:present|to date|actualidad|a la fecha|a ce jour|present|"
                          r"presente|aujourd'hui|now)\b\s*[:|–—-]*\s*", "",
                          line.text, flags=re.I)  # fmt: skip
            post = re.sub(r"^[^A-Za-zÀ-ÿ]*", "", post)
            if post:
                return Proposed(post.split(",")[0].strip(" –—-:|"), line.text)
    header = [line.text for line in cv.lines if line.section == "header"]
    if name and name.evidence in header:
        index = header.index(name.evidence)
        if index + 1 < len(header) and not re.search(r"\d|:", header[index + 1]):
            return Proposed(header[index + 1], header[index + 1])
    return None


# --- languages --------------------------------------------------------------------------------

_LEVEL_ORDER = ("A1", "A2", "B1", "B2", "C1", "C2")


# Bantu languages are often written with their noun-class prefix (isiZulu, Luganda, Chinyanja).
_PREFIXED = re.compile(r"\b(?:isi|chi|ki|lu|se|si|tshi|xi|oshi|otji|ru|e)([A-Za-z]{3,})\b", re.I)
# Names wording leaves out as ordinary words; in a CV's languages they are languages.
_SHORT_NAMES = {"twi": "tw", "lao": "lo"}
_STAND_IN = ("Akan", "ak")
_IS_MOTHER_TONGUE = re.compile(
    r"\b([A-Z][\w-]+) is (?:his|her|my|their|the) (mother tongue|native language|first language)"
)


def _language_sentence(sentence: str) -> tuple[str, dict[str, str]]:
    """The sentence with language names wording would miss written plainly, and the codes to
    put back: "isiZulu" → "Zulu", "Norwegian is her mother tongue" → "Norwegian (mother
    tongue)", "Twi" (an ordinary word to wording) through a stand-in."""
    back: dict[str, str] = {}

    def plain(match: re.Match[str]) -> str:
        word = match.group(0)
        if wording.language_code(word) is None and wording.language_code(match.group(1)):
            return match.group(1)
        return word

    text = _PREFIXED.sub(plain, sentence)
    text = _IS_MOTHER_TONGUE.sub(r"\1 (\2)", text)
    for name, code in _SHORT_NAMES.items():
        pattern = re.compile(rf"\b{name}\b", re.I)
        if pattern.search(text) and not back:
            text = pattern.sub(_STAND_IN[0], text)
            back[_STAND_IN[1]] = code
    return text, back


def _languages(cv: _Cv) -> list[Proposed[LanguageLevel]]:
    listed = cv.having("languages")
    sentences = listed if listed else [line.text for line in cv.lines]
    found: dict[str, Proposed[LanguageLevel]] = {}
    for sentence in sentences:
        plain, back = _language_sentence(sentence)
        pairs = _europass_row(plain)
        if pairs is None:
            pairs = wording.languages_with_levels(plain)
        for code, level in pairs:
            code = back.get(code, code)
            if code not in found:
                found[code] = Proposed(LanguageLevel(code, level), sentence)
    return list(found.values())


def _europass_row(sentence: str) -> list[tuple[str, str]] | None:
    """A row of a Europass grid: "Mother tongue  Swedish", or "English  C2  C2  C2" (one level
    per skill: the lowest is the one the person can be relied on for); None for other lines."""
    folded = wording.fold(sentence)
    mother = re.match(r"^(?:mother tongues?|langues? maternelles?|lenguas? maternas?)\s*:?\s+"
                      r"(.+)$", folded)  # fmt: skip
    if mother:
        return [(code, "C2") for code, _s, _e in wording.languages_in(mother.group(1))]
    levels = re.findall(r"\b([abc][12])\b", folded)
    languages = wording.languages_in(sentence)
    if len(levels) >= 2 and len(languages) == 1 and languages[0][1] < 3:
        return [(languages[0][0], min((lv.upper() for lv in levels), key=_LEVEL_ORDER.index))]
    return None


# --- countries --------------------------------------------------------------------------------

# UN peace operations and special political missions → the country they serve.
_BORDER = re.compile(r"(?:border with|frontiere avec|frontera con|limitrophe de)\s*$")


def _countries(cv: _Cv, own: str | None) -> list[Proposed[str]]:
    found: dict[str, Proposed[str]] = {}
    for line in cv.lines:
        if line.section in ("education", "languages"):
            continue
        if _is_study(line.text) and not wording.month_year_spans(line.text):
            continue
        folded = wording.fold(line.text)
        codes = [
            code
            for code, start, _end in wording.countries_in(line.text)
            if not _BORDER.search(folded[:start])
        ]
        codes += [code for acronym, code in wording.missions().items()
                  if re.search(rf"\b{acronym}\b", line.text)]  # fmt: skip
        for code in codes:
            if code != own and code not in found:
                found[code] = Proposed(code, line.text)
    return list(found.values())


# --- areas ------------------------------------------------------------------------------------

MIN_AREA_SCORE = 6.0
SECOND_AREA_SHARE = 0.5


def _areas(cv: _Cv, title: Proposed[str] | None) -> list[Proposed[str]]:
    text = "\n".join(cv.having("header", "body", "experience", "other"))
    if title:
        text += "\n" + title.value
    scores = area_words.area_scores(text)
    best = max(scores.values(), default=0.0)
    if best < MIN_AREA_SCORE:
        return []
    chosen = sorted(
        (area for area, score in scores.items() if score >= SECOND_AREA_SHARE * best),
        key=lambda area: -scores[area],
    )
    inside = _political_body_post(cv)
    if inside and "political_processes" not in chosen:
        chosen.append("political_processes")
    elif not inside and "political_processes" in chosen and chosen[0] != "political_processes":
        chosen.remove("political_processes")
    return [Proposed(area, _area_evidence(cv, area)) for area in chosen]


# A CV adds political processes only for work inside a constitution-making, electoral or
# parliamentary process or body (the benchmark's convention).
_POLITICAL_BODY = re.compile(
    r"\b(?:parliament|parlement|parlamento|national assembly|assemblee nationale|"
    r"asamblea nacional|constituent|constituante|constituyente|constitution-making|"
    r"legislative assembly|assemblee legislative|asamblea legislativa|house of representatives|"
    r"house of the people|chambre des (?:representants|deputes)|camara de (?:diputados|"
    r"representantes)|senate|senat|senado|assemblee des representants|congreso|"
    r"electoral (?:commission|authority|body|council|tribunal|management)|election authority|"
    r"election commission|commission electorale|consejo electoral|organo electoral|"
    r"tribunal electoral|jurado nacional de elecciones)"
)


def _political_body_post(cv: _Cv) -> bool:
    """Whether one of the posts is inside a parliament, constituent assembly or electoral
    body (the post's own line names it)."""
    for line in cv.lines:
        if line.section == "education" or not wording.month_year_spans(line.text):
            continue
        if _POLITICAL_BODY.search(area_words.rewritten(wording.fold(line.text))):
            return True
    return False


def _area_evidence(cv: _Cv, area: str) -> str:
    best, evidence = 0.0, ""
    for line in cv.lines:
        score = area_words.sentence_scores(line.text).get(area, 0.0)
        if score > best:
            best, evidence = score, line.text
    return evidence


# --- the whole CV -----------------------------------------------------------------------------


def read(text: str, today: date | None = None) -> ProfileProposal:
    """Propose the expert form's fields from a CV's text: name, nationality, current post,
    languages with levels, years of experience, core areas, countries of experience and
    skills, each with the sentence it came from."""
    cv = _sections(text or "")
    today = today or date.today()
    own = wording.document_date([line.text for line in cv.lines], today)
    on = own[0] if own else today
    name = _full_name(cv)
    nationality = _nationality(cv)
    title = _title(cv, name)
    proposal = ProfileProposal(
        full_name=name,
        nationality=nationality,
        title=title,
        languages=_languages(cv),
        years_experience=_years(cv, on),
        areas=_areas(cv, title),
        countries_of_experience=_countries(cv, nationality.value if nationality else None),
    )
    proposal.skills = list(skills.propose(text))[:10]
    return proposal
