"""Read a terms of reference and propose the fields of the request form, each with the sentence
it came from: title, core area, required and preferred languages with levels, minimum years,
start date, duration, modality and the duty station's country.

The rules follow how UN missions write ToRs in English, French and Spanish: labelled lines
("Duty station:", "Durée :", "Fecha de inicio:"), the standard language paragraph ("fluency in
English is required; knowledge of French is desirable") and the usual experience sentence ("a
minimum of seven years …, or nine with a first-level degree").
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from app.intake import wording
from app.intake.proposals import LanguageLevel, Proposed, RequestProposal
from app.intake.wording import fold, mission_country

# --------------------------------------------------------------------------------------------
# Labelled lines
# --------------------------------------------------------------------------------------------

_LABEL_END = r"\s*(?:[:：]|\.{2,}|…+|\s[–—-]\s|\|)\s*"


def _labelled(lines: list[str], labels: str) -> list[tuple[int, str]]:
    """(index, value) of each line that starts with one of the labels ("Duty station: Juba",
    "Durée ........ 12 mois"); a label alone on its line takes the next line as its value."""
    pattern = re.compile(
        rf"^(?:\d+[.)]?\s*)?(?:[a-z]+\s+){{0,2}}?(?:{labels})\b[^:.…|–—]{{0,25}}?{_LABEL_END}(.*)$"
    )
    found = []
    for index, line in enumerate(lines):
        match = pattern.match(fold(line))
        if not match:
            continue
        value = line[match.start(1) :].strip()
        if not value and index + 1 < len(lines):
            value = lines[index + 1]
        if value:
            found.append((index, value))
    return found


# --------------------------------------------------------------------------------------------
# Title
# --------------------------------------------------------------------------------------------

_TITLE_LABELS = (
    r"job title|posting title|post title|position title|title of (?:the )?post|title|position|"
    r"functional title|intitule du poste|titre du poste|titre|poste|fonction|cargo|puesto|"
    r"titulo del puesto|titulo"
)
_GRADE = re.compile(r"[,(–-]\s*(?:P|D|FS|GS|NO[A-D]?|G|UNV)[- ]?\d\)?\s*$", re.IGNORECASE)


def _tidy_title(value: str) -> str:
    value = _GRADE.sub("", value).strip(" .,;:–-")
    if value.isupper():
        value = value.title()
    return value


def _title(lines: list[str]) -> Proposed[str] | None:
    for index, value in _labelled(lines, _TITLE_LABELS):
        return Proposed(_tidy_title(value), lines[index])
    for line in lines[:6]:
        match = re.search(
            r"(?:terms of reference|termes de reference|terminos de referencia)"
            r"\s*[:–-]\s*(.+)$",
            fold(line),
        )
        if match:
            return Proposed(_tidy_title(line[match.start(1) :]), line)
        parts = re.split(r"\s[–—-]\s", line)
        if len(parts) == 2 and len(parts[1]) < 80:
            return Proposed(_tidy_title(parts[1]), line)
    return None


# --------------------------------------------------------------------------------------------
# Area
# --------------------------------------------------------------------------------------------

_AREA_MINIMUM = 6.0  # below this the ToR is outside the five core areas


def _area(text: str, title: Proposed[str] | None) -> Proposed[str] | None:
    try:
        from app.intake import areas
    except ImportError:  # pragma: no cover - the areas module ships with intake
        return None
    scores = areas.area_scores(text)
    if title is not None:
        for area, score in areas.sentence_scores(title.value).items():
            scores[area] = scores.get(area, 0.0) + 2 * score
    if not scores:
        return None
    best = max(scores, key=lambda area: scores[area])
    if scores[best] < _AREA_MINIMUM:
        return None
    evidence = title.evidence if title and areas.sentence_scores(title.value).get(best) else ""
    return Proposed(best, evidence)


# --------------------------------------------------------------------------------------------
# Languages
# --------------------------------------------------------------------------------------------

_PREFERRED = re.compile(wording.PREFERRED_MARKERS)
_REQUIRED = re.compile(wording.REQUIRED_MARKERS)
_WORKING_LANGUAGES = re.compile(
    r"working languages|official languages|langues de travail|langues officielles|"
    r"idiomas de trabajo|idiomas oficiales|lenguas de trabajo"
)
_LANGUAGE_LABEL = re.compile(r"^(?:languages?|langues?|idiomas?|lenguas?|language skills)\s*:")
_BARE_KNOWLEDGE = re.compile(r"(?:knowledge|connaissances?|conocimientos?)\s+(?:\w+\s+){0,2}$")


def _status(folded: str, start: int) -> str | None:
    """Whether the language at `start` is required or preferred: the first marker after it in
    its clause, else the last one before it."""
    after = [
        (m.start(), kind)
        for kind, rx in (("preferred", _PREFERRED), ("required", _REQUIRED))
        for m in rx.finditer(folded)
        if m.start() >= start
    ]
    if after:
        return min(after)[1]
    before = [
        (m.start(), kind)
        for kind, rx in (("preferred", _PREFERRED), ("required", _REQUIRED))
        for m in rx.finditer(folded)
        if m.start() < start
    ]
    return max(before)[1] if before else None


def _is_heading(line: str) -> bool:
    return len(line) < 60 and not line.rstrip().endswith((".", ";")) and len(line.split()) <= 6


def _languages(
    lines: list[str],
) -> tuple[list[Proposed[LanguageLevel]], list[Proposed[LanguageLevel]]]:
    required: dict[str, Proposed[LanguageLevel]] = {}
    preferred: dict[str, Proposed[LanguageLevel]] = {}
    section: str | None = None
    for line in lines:
        folded_line = fold(line)
        if _is_heading(line) and not wording.languages_in(line):
            if _PREFERRED.search(folded_line):
                section = "preferred"
            elif _REQUIRED.search(folded_line):
                section = "required"
            else:
                section = None
            continue
        if not wording.languages_in(line) or _WORKING_LANGUAGES.search(folded_line):
            continue
        for clause in re.split(r";|\.\s", line):
            folded = fold(clause)
            levels = dict(wording.languages_with_levels(clause))
            labelled = bool(_LANGUAGE_LABEL.match(folded_line))
            for code, start, _end in wording.languages_in(clause):
                status = _status(folded, start) or section
                level = levels.get(code)
                if level is None:
                    if status is None and not labelled:
                        continue
                    bare = _BARE_KNOWLEDGE.search(folded[:start])
                    level = "B2" if status == "preferred" or bare else "C1"
                target = preferred if status == "preferred" else required
                if code not in required and code not in target:
                    target[code] = Proposed(LanguageLevel(code, level), line)
    for code in required:
        preferred.pop(code, None)
    return list(required.values()), list(preferred.values())


# --------------------------------------------------------------------------------------------
# Years of experience
# --------------------------------------------------------------------------------------------

_YEARS_AFTER = re.compile(
    r"^\s*(?:\(\s*\d+\s*\)\s*)?(?:\+|-?\s*plus\b|or more|ou plus|o mas)?\s*"
    r"(?:full\s+|complete\s+|progressive\s+)?(?:years?|yrs?|ans|annees?|anos|سنوات|سنة|عاما)\b"
)
_ADDITIONAL = re.compile(
    r"^\s*(?:\(\s*\d+\s*\)\s*)?(?:years?\s+|annees?\s+|ans\s+|anos\s+)?"
    r"(?:additional|supplementaires?|additionnel(?:le)?s?|adicionales?|more)\b"
)
_EXPERIENCE = re.compile(
    r"experien|service|practice|pratique|practica|servicio|carriere|carrera|خبرة"
)
_MINIMUM = re.compile(
    r"minimum|at least|no less than|au moins|au minimum|minimo|al menos|como minimo|"
    r"not less than|pas moins"
)
_NOT_A_REQUIREMENT = re.compile(
    r"\b(?:ago|past|last|since|over the|depuis|derniers|dernieres|ultimos|hace|age|old|"
    r"mandate|mandat|mandato|duration|duree|duracion|appointment is for)\b"
)
_SUBSET = re.compile(
    r"of which|including at least|dont au moins|dont|de los cuales|de ellos|"
    r"including|y compris|incluidos?|incluyendo"
)
_ADVANCED = re.compile(r"master|advanced|maitrise|doctora|phd|postgrad|maestria|avance|superieur")


def _years_in(sentence: str) -> list[tuple[int, int]]:
    """(value, position) of each "N years" figure of a sentence."""
    folded = fold(sentence)
    found = []
    subset = _SUBSET.search(folded)
    for value, start, end in wording.number_spans(sentence):
        if subset and start > subset.start():
            continue
        tail = folded[end:]
        if _ADDITIONAL.match(tail):
            continue
        # "seven years with a master's, or nine with a first-level degree"
        per_degree = found and re.match(r"^\s*(?:with|avec|con)\b", tail)
        if (_YEARS_AFTER.match(tail) or per_degree) and 0 < value <= 40:
            found.append((value, start))
    return found


def _min_years(lines: list[str]) -> Proposed[int] | None:
    best: tuple[int, int, int, str] | None = None
    in_experience = False
    for index, line in enumerate(lines):
        folded = fold(line)
        if _is_heading(line):
            in_experience = bool(_EXPERIENCE.search(folded))
        figures = _years_in(line)
        if not figures:
            continue
        score = 0
        if _EXPERIENCE.search(folded) or in_experience:
            score += 2
        if _MINIMUM.search(folded):
            score += 1
        if _NOT_A_REQUIREMENT.search(folded):
            score -= 3
        if _PREFERRED.search(folded):
            score -= 1
        if score < 2:
            continue
        if len(figures) > 1 and _ADVANCED.search(folded):
            value = min(v for v, _p in figures)
        else:
            value = figures[0][0]
        if best is None or score > best[0]:
            best = (score, -index, value, line)
    return Proposed(best[2], best[3]) if best else None


# --------------------------------------------------------------------------------------------
# Dates
# --------------------------------------------------------------------------------------------

_START_LABELS = (
    r"start(?:ing)? date|date of (?:deployment|start|entry on duty|commencement)|"
    r"expected (?:date of )?(?:deployment|start|entry on duty)(?: date)?|deployment date|"
    r"(?:requested |expected |proposed )?start|entry on duty|eod|commencement|timing|"
    r"availability|date prevue (?:de|du|d')\s*\w+|date de (?:debut|demarrage|deploiement|prise de "
    r"fonctions?|l'entree en fonctions?)|debut|demarrage|entree en fonctions?|prise de fonctions?|"
    r"fecha (?:prevista )?de (?:inicio|incorporacion|despliegue|comienzo)|fecha de inicio|inicio|"
    r"incorporacion"
)
_START_WORDS = re.compile(
    r"\b(?:start|starting|commenc|take up|taking up|entry on duty|deploy|from|as of|beginning|"
    r"prendre ses fonctions|prise de fonctions|entree en fonctions|demarr|debut|a compter|"
    r"a partir|des le|inicio|iniciar|incorpora|comenzar|desde)"
)
_ASAP = re.compile(
    r"as soon as possible|asap|immediate|des que possible|immediatement|au plus tot|"
    r"lo antes posible|a la mayor brevedad|inmediat|cuanto antes|to be agreed|to be confirmed|"
    r"tbc|tbd|a convenir|a confirmer|a determiner|por definir|por confirmar|a convenir"
)
_NOT_START = re.compile(
    r"posting period|deadline|closing date|date limite|fecha limite|fecha de cierre|"
    r"apply by|applications? (?:by|before)|nominations? by|cloture|publi|issued|since|depuis|"
    r"desde (?:19|20)\d\d|adopted|signed|report|rapport|informe|elections? (?:are|is) (?:scheduled|"
    r"planned)|scheduled"
)


def _range_in(sentence: str, today: date | None) -> tuple[date, date] | None:
    """The dates of "from 1 April to 31 December 2027" / "du 1er avril au 31 décembre 2027"; a
    start without a year takes the end's year (or the year before when it would fall after)."""
    folded = fold(sentence)
    match = re.search(
        r"(?:(?:from|du|de|del|desde)\s+(?:el\s+|le\s+)?|^\s*)(.{3,30}?)\s+"
        r"(?:to|until|au|a|al|hasta el|hasta|through|-|–)\s+"
        r"(?:el\s+|le\s+)?(.{3,30}?(?:19|20)\d\d)",
        folded,
    )
    if not match:
        return None
    ends = wording.dates_in(sentence[match.start(2) : match.end(2)])
    if not ends:
        return None
    end = ends[0]
    starts = wording.dates_in(sentence[match.start(1) : match.end(1)], date(end.year - 1, 12, 31))
    if not starts:
        return None
    start = starts[0]
    if start > end:
        start = start.replace(year=start.year - 1)
    return start, end


def _start_date(lines: list[str], today: date | None) -> Proposed[date] | None:
    for index, value in _labelled(lines, _START_LABELS):
        if _NOT_START.search(fold(lines[index])):
            continue
        found = wording.dates_in(value, today)
        if found:
            return Proposed(found[0], lines[index])
        if _ASAP.search(fold(value)):
            return None
    for index, value in _labelled(lines, _DURATION_LABELS):
        span = _range_in(value, today)
        if span and not _NOT_START.search(fold(lines[index])):
            return Proposed(span[0], lines[index])  # "Contract period: 1 April – 31 December"
    for line in lines:
        folded = fold(line)
        if not _START_WORDS.search(folded) or _NOT_START.search(folded):
            continue
        span = _range_in(line, today)
        if span:
            return Proposed(span[0], line)
        for start, _end, found in wording.dated_spans(line, today):
            before = folded[max(0, start - 60) : start]
            if _START_WORDS.search(before):
                return Proposed(found, line)
    return None


# --------------------------------------------------------------------------------------------
# Duration
# --------------------------------------------------------------------------------------------

_DURATION_LABELS = (
    r"duration(?: of (?:the )?(?:assignment|contract|deployment|mission|consultancy))?|"
    r"length of (?:the )?(?:assignment|deployment)|period of (?:the )?assignment|timing|"
    r"tour of duty|(?:expected )?length of service|periode de service|periodo de servicio|"
    r"duree(?: de l'affectation| du contrat| de la mission| de la consultation)?|"
    r"duracion(?: del contrato| de la asignacion| de la consultoria)?|periodo|period"
)
_MONTHS = r"months?|mois|mes|meses|أشهر|شهرا|شهر"
_YEARS = r"years?|ans?|annees?|anos?|سنة|عام"
_WEEKS = r"weeks?|semaines?|semanas?"
_DURATION_CONTEXT = re.compile(
    r"\b(?:for|pour|por|durante|period|periode|periodo|duration|duree|duracion|assignment|"
    r"affectation|contrat|contract|contrato|consultancy|consultoria|deployment|appointment|"
    r"engagement|nombramiento)\b"
)
_NOT_DURATION = re.compile(
    r"\b(?:within|every|after|last|past|first|dans les|chaque|apres|tous les|cada|despues|"
    r"dentro de|ultimos|derniers|month \d|mes \d|mois \d)\b"
)


def _months_in(text: str) -> int | None:
    """The first duration the text states, in whole months ("six (6) months" → 6, "one year"
    → 12, "un an" → 12, "18 meses" → 18)."""
    folded = fold(text)
    for value, _start, end in wording.number_spans(text):
        tail = folded[end:]
        tail = re.sub(r"^\s*\(\s*\d+\s*\)", "", tail)
        if re.match(rf"^\s*-?\s*(?:{_MONTHS})\b", tail):
            return value
        if re.match(rf"^\s*-?\s*(?:{_YEARS})\b", tail):
            return 12 * value
        if re.match(rf"^\s*-?\s*(?:{_WEEKS})\b", tail):
            return max(1, round(value / 4.345))
        if value >= 28 and re.match(r"^\s*-?\s*(?:calendar\s+)?(?:days|jours|dias)\b", tail):
            return round(value / 30)
    return None


def _months_between(start: date, end: date) -> int:
    after = end + timedelta(days=1)
    months = (after.year - start.year) * 12 + after.month - start.month
    if after.day - start.day > 15:
        months += 1
    elif start.day - after.day > 15:
        months -= 1
    return max(months, 0)


def _duration(lines: list[str], today: date | None) -> Proposed[int] | None:
    for index, value in _labelled(lines, _DURATION_LABELS):
        if _NOT_START.search(fold(lines[index])):
            continue  # "Posting period: 10 – 24 February"
        months = _months_in(value)
        if months:
            return Proposed(months, lines[index])
        span = _range_in(value, today)
        if span and _months_between(*span):
            return Proposed(_months_between(*span), lines[index])
    for line in lines:
        folded = fold(line)
        if not _DURATION_CONTEXT.search(folded):
            continue
        for piece in re.split(r"[;,]\s", line):
            folded_piece = fold(piece)
            if _NOT_DURATION.search(folded_piece) or not _DURATION_CONTEXT.search(folded_piece):
                continue
            months = _months_in(piece)
            if months:
                return Proposed(months, line)
        span = _range_in(line, today)
        if span and _months_between(*span) and not _NOT_START.search(folded):
            return Proposed(_months_between(*span), line)
    return None


# --------------------------------------------------------------------------------------------
# Modality
# --------------------------------------------------------------------------------------------

_MODALITY_TERMS = {
    "government_provided": re.compile(
        r"government[- ]provided|\bgpp\b|\bpfg\b|fourni(?:e|s)? par (?:un|le|des|leur|son) "
        r"gouvernement|proporcionad[oa]s? por (?:el|los|su) gobierno|seconded|secondment|"
        r"\bdetache|detachement|en comision de servicios?|adscrit[oa]|"
        r"made available by (?:a|the|their) (?:member state|government)|"
        r"mis(?:e|es)? a disposition par (?:leur|un|le|son) (?:gouvernement|etat)"
    ),
    "consultant": re.compile(
        r"\bconsultan(?:t|te|cy)\b(?!s)|\bconsultor(?:a|/a)?\b(?!es)|\bconsultoria\b|"
        r"individual contractor|contrat de consultant|contrato de consultoria"
    ),
    "un_volunteer": re.compile(
        r"\bun volunteer|united nations volunteer|\bunv\b|volontaires? (?:international(?:e|es)? )?"
        r"des nations unies|\bvnu\b|voluntari[oa](?:/a)? (?:internacional )?(?:de las naciones "
        r"unidas|onu)|voluntarios de las naciones unidas|volontaire onu"
    ),
    "staff": re.compile(
        r"job opening|vacancy announcement|avis de vacance|anuncio de vacante|posting title|"
        r"job code title|titre du code|codigo del empleo|fixed[- ]term appointment|"
        r"temporary appointment|the appointment is for|appointment against this post|"
        r"engagement (?:temporaire|de duree determinee)|nombramiento (?:temporal|de plazo fijo)|"
        r"staff member of the united nations|fonctionnaire de l'organisation"
    ),
}
_SALARY_KEPT = re.compile(
    r"(?:salary|salaire|traitement|remunera|remunere|salario|sueldo|paid by|employ)"
)
_SALARY_PAYER = re.compile(
    r"government|gouvernement|gobierno|member state|etat membre|estado miembro|nominating|"
    r"seconding|authority|autorite|autoridad|d'origine|presente la candidature|parliament|"
    r"police service|service de police"
)
_MODALITY_LABELS = re.compile(
    r"^(?:\w+\s+){0,2}(?:category|modality|type of (?:contract|appointment|assignment)|"
    r"contract type|categorie|modalite|type (?:de contrat|d'affectation|d'engagement)|"
    r"modalidad|tipo de (?:contrato|nombramiento|asignacion)|categoria)"
)
_GRADE_IN_TITLE = re.compile(r"(?:,|\(|–|-)\s*(?:P|D|FS|NO[A-D]?)[- ]?\d\)?\s*$")
_GRADE_LINE = re.compile(
    r"^(?:grade|level|classe|nivel|grado|categorie|category)\s*[:.]+\s*"
    r"(?:p|d|fs|no[a-d]?|gs)[- ]?\d\b"
)
_ALTERNATIVE = re.compile(r"\b(?:or|ou|o|either|soit)\b")


def _modality(lines: list[str]) -> Proposed[str] | None:
    strong: dict[str, str] = {}
    weak: dict[str, str] = {}
    for index, line in enumerate(lines):
        folded = fold(line)
        found = [kind for kind, rx in _MODALITY_TERMS.items() if rx.search(folded)]
        if (
            _SALARY_KEPT.search(folded)
            and _SALARY_PAYER.search(folded)
            and re.search(
                r"continu|keeps|remain|reste|mantiene|sigue|continua|paid by|paye par|pagado por",
                folded,
            )
        ):
            found.append("government_provided")
        if index < 6 and _GRADE_IN_TITLE.search(line) and "un_volunteer" not in found:
            found.append("staff")
        if _GRADE_LINE.match(folded):
            found.append("staff")
        if not found:
            continue
        if len(set(found)) > 1 and _ALTERNATIVE.search(folded):
            return None  # "as a GPP or as a consultant": the ToR offers two modalities
        is_strong = index < 4 or _MODALITY_LABELS.match(folded) or _is_heading(line)
        for kind in found:
            (strong if is_strong else weak).setdefault(kind, line)
    chosen = strong or weak
    if len(chosen) == 1:
        kind, evidence = next(iter(chosen.items()))
        return Proposed(kind, evidence)
    if strong and "government_provided" in strong and "government_provided" in weak:
        return Proposed("government_provided", strong["government_provided"])
    return None


# --------------------------------------------------------------------------------------------
# Duty station
# --------------------------------------------------------------------------------------------

_STATION_LABELS = (
    r"duty station|duty stations|location|place of assignment|place of work|based in|"
    r"lieu d'affectation|lieu de travail|lieu|affectation|poste d'affectation|"
    r"lugar de destino|lugar de trabajo|lugar|sede|ubicacion|destino"
)
_UNSETTLED = re.compile(
    r"\b(?:tbc|tbd|to be (?:confirmed|determined|decided|agreed)|various|several|multiple|"
    r"a confirmer|a determiner|plusieurs|divers|por confirmar|por determinar|varios|varias|"
    r"home[- ]based|remote)\b"
)


def _mission_country(lines: list[str], text: str) -> Proposed[str] | None:
    for index, value in _labelled(lines, _STATION_LABELS):
        if _UNSETTLED.search(fold(value)):
            return None
        found = wording.countries_in(value)
        if found:
            return Proposed(found[0][0], lines[index])
        break
    counts: dict[str, int] = {}
    evidence: dict[str, str] = {}
    for line in lines:
        codes = [code for code, _s, _e in wording.countries_in(line)]
        codes += [c for w in re.findall(r"[a-z]+", fold(line)) if (c := mission_country(w))]
        for code in codes:
            counts[code] = counts.get(code, 0) + 1
            evidence.setdefault(code, line)
    if not counts:
        return None
    best = max(counts, key=lambda code: counts[code])
    return Proposed(best, evidence[best])


# --------------------------------------------------------------------------------------------
# The reader
# --------------------------------------------------------------------------------------------


def _skills(text: str) -> list[Proposed[str]]:
    try:
        from app.intake import skills
    except ImportError:
        return []
    return list(skills.propose(text))[:10]


def read(text: str, today: date | None = None) -> RequestProposal:
    """The request form's fields a terms of reference gives, each with its evidence sentence;
    None or [] where the ToR is silent. `today` is used for a day and month without a year,
    unless the document states its own date."""
    lines = wording.sentences(text)
    own = wording.document_date(lines, today)
    today = own[0] if own else today
    title = _title(lines)
    required, preferred = _languages(lines)
    return RequestProposal(
        title=title,
        area=_area(text, title),
        languages=required,
        preferred_languages=preferred,
        min_years_experience=_min_years(lines),
        start_date=_start_date(lines, today),
        duration_months=_duration(lines, today),
        modality=_modality(lines),
        mission_country=_mission_country(lines, text),
        skills=_skills(text),
    )
