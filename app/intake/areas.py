"""Which core area a document is about, from the words UN ToRs and CVs use for each area in
English, French and Spanish.

``area_scores`` counts the area's terms in the text (a term counts once per sentence it is in,
with a weight: a term that names the area outright weighs more than one that only leans
towards it) and gives each area its score; callers decide what score is enough.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

# (weight, terms): terms are lower case, accents removed, matched at word starts ("polic" also
# finds "police", "policing", "policía"). Weight 3: names the area outright; 1: leans towards it.
TERMS: dict[str, list[tuple[int, tuple[str, ...]]]] = {
    "security": [
        (
            3,
            (
                "police",
                "policing",
                "policia",
                "policier",
                "gendarmer",
                "disarmament",
                "demobiliz",
                "demobilis",
                "desarme",
                "desarmement",
                "ddr",
                "security sector",
                "secteur de la securite",
                "sector de seguridad",
                "border management",
                "gestion des frontieres",
                "gestion integree des frontieres",
                "gestion de fronteras",
                "gestion integrada de fronteras",
                "mine action",
                "lutte antimines",
                "accion contra las minas",
                "unpol",
                "ex-combatants",
                "former combatants",
                "excombatientes",
                "ex-combattants",
                "armed groups",
                "groupes armes",
                "grupos armados",
                "counter-terrorism",
                "antiterror",
                "contraterror",
                "community violence reduction",
                "reduction de la violence communautaire",
                "reincorporacion",
                "reintegration of combatants",
            ),
        ),
        (
            1,
            (
                "security",
                "securite",
                "seguridad",
                "border",
                "frontiere",
                "frontera",
                "customs",
                "douane",
                "aduana",
                "military",
                "militaire",
                "militar",
                "defence",
                "defense",
                "defensa",
                "weapons",
                "armes",
                "armas",
                "crime prevention",
                "prevention du crime",
                "prevencion del delito",
                "investigat",
                "enquet",
                "reintegrat",
                "reinsertion",
                "smuggling",
                "contrebande",
                "contrabando",
                "trafficking",
                "trafic",
                "trata",
            ),
        ),
    ],
    "justice": [
        (
            3,
            (
                "judicial",
                "judiciaire",
                "judicial",
                "justice",
                "justicia",
                "rule of law",
                "etat de droit",
                "estado de derecho",
                "prison",
                "penitentia",
                "penitentiaire",
                "penitenciari",
                "corrections",
                "correctional",
                "court",
                "tribunal",
                "juge",
                "judge",
                "juez",
                "magistrat",
                "magistrad",
                "prosecut",
                "procureur",
                "parquet",
                "fiscalia",
                "human rights",
                "droits de l'homme",
                "droits humains",
                "derechos humanos",
                "legislative drafting",
                "legistique",
                "redaction legislative",
                "redaccion legislativa",
                "legal aid",
                "aide juridictionnelle",
                "asistencia juridica",
                "detention",
                "detenus",
                "detainee",
                "law reform",
                "reforme du droit",
                "transitional justice",
                "justice transitionnelle",
                "justicia transicional",
                "anti-corruption",
                "anticorruption",
                "anticorrupcion",
                "land restitution",
                "property disputes",
                "restitution des terres",
                "restitucion de tierras",
                "draftsperson",
                "drafter",
            ),
        ),
        (
            1,
            (
                "legal",
                "juridique",
                "juridic",
                "law",
                "droit",
                "derecho",
                "legislation",
                "legislacion",
                "criminal",
                "penal",
                "witness",
                "temoin",
                "testigo",
            ),
        ),
    ],
    "core_government": [
        (
            3,
            (
                "public financial management",
                "public finance",
                "finances publiques",
                "finanzas publicas",
                "gestion des finances",
                "budget",
                "presupuest",
                "treasury",
                "tresor",
                "tesoreria",
                "civil service",
                "fonction publique",
                "funcion publica",
                "servicio civil",
                "public administration",
                "administration publique",
                "administracion publica",
                "tax administration",
                "revenue administration",
                "administration fiscale",
                "impots",
                "administracion tributaria",
                "tributari",
                "aid coordination",
                "coordination de l'aide",
                "coordinacion de la ayuda",
                "aid management",
                "development effectiveness",
                "decentraliz",
                "decentralis",
                "descentraliz",
                "local governance",
                "gouvernance locale",
                "gobernanza local",
                "census",
                "recensement",
                "censo",
                "national statistics",
                "statistique",
                "estadistica",
                "public sector reform",
                "reforme administrative",
                "pefa",
                "ifmis",
                "procurement",
                "marches publics",
                "contratacion publica",
            ),
        ),
        (
            1,
            (
                "tax",
                "fiscal",
                "revenue",
                "recettes",
                "audit",
                "accounting",
                "comptab",
                "contabilidad",
                "ministry of finance",
                "ministere des finances",
                "ministerio de hacienda",
                "donor",
                "bailleur",
                "donante",
                "governance",
                "gouvernance",
                "gobernanza",
                "institutional",
                "institutionnel",
            ),
        ),
    ],
    "political_processes": [
        (
            3,
            (
                "electoral",
                "election",
                "eleccion",
                "elections",
                "voter",
                "electeur",
                "votant",
                "votacion",
                "polling",
                "scrutin",
                "parliament",
                "parlement",
                "parlamento",
                "parlementaire",
                "parlamentari",
                "legislative assembly",
                "assemblee nationale",
                "constituent",
                "constituante",
                "constituyente",
                "constitution-making",
                "mediation",
                "mediacion",
                "peace process",
                "processus de paix",
                "proceso de paz",
                "ceasefire",
                "cessez-le-feu",
                "alto el fuego",
                "political affairs",
                "affaires politiques",
                "asuntos politicos",
                "national dialogue",
                "dialogue national",
                "dialogo nacional",
            ),
        ),
        (
            1,
            (
                "dialogue",
                "dialogo",
                "negotiat",
                "negocia",
                "political",
                "politique",
                "politic",
                "constitution",
                "constitucion",
                "reconciliation",
                "reconciliacion",
            ),
        ),
    ],
    "economic_revitalization": [
        (
            3,
            (
                "livelihood",
                "moyens de subsistance",
                "medios de vida",
                "employment",
                "emploi",
                "empleo",
                "natural resource",
                "ressources naturelles",
                "recursos naturales",
                "mining",
                "minier",
                "miniere",
                "mineria",
                "extractive",
                "extractiv",
                "eiti",
                "itie",
                "economic recovery",
                "relance economique",
                "recuperacion economica",
                "reactivacion economica",
                "economic revitali",
                "private sector development",
                "developpement du secteur prive",
                "value chain",
                "chaine de valeur",
                "cadena de valor",
                "land tenure",
                "foncier",
                "tenencia de la tierra",
                "microfinance",
                "microfinanz",
                "job creation",
                "creation d'emplois",
                "creacion de empleo",
                "cash for work",
                "cash-for-work",
                "vocational training",
                "formation professionnelle",
                "formacion profesional",
                "infrastructure rehabilitation",
            ),
        ),
        (
            1,
            (
                "economic",
                "economique",
                "economic",
                "economica",
                "economico",
                "enterprise",
                "entreprise",
                "empresa",
                "agricultur",
                "agricol",
                "market",
                "marche",
                "mercado",
                "business",
                "small business",
                "youth employment",
                "mines",
                "minas",
            ),
        ),
    ],
}


def fold(text: str) -> str:
    """Lower case without accents, for matching terms."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).replace("’", "'")


@cache
def _patterns() -> dict[str, list[tuple[int, re.Pattern[str]]]]:
    return {
        area: [
            (weight, re.compile(r"(?<![\w])(?:" + "|".join(map(re.escape, terms)) + ")"))
            for weight, terms in groups
        ]
        for area, groups in TERMS.items()
    }


# Phrases whose words would point to the wrong area: judicial police are police; a
# parliamentary counsel or draftsperson drafts laws (justice) without working in a parliament.
REWRITES = (
    (
        re.compile(r"\b(?:police judiciaire|judicial police|policia judicial|police criminelle)"),
        "police",
    ),
    (re.compile(r"\bparliamentary (?=draft|counsel)"), "legislative "),
    (
        re.compile(r"\b(?:redacteur|redactrice|conseiller|conseillere) parlementaire"),
        "redaction legislative",
    ),
)


def rewritten(folded: str) -> str:
    """Folded text with the phrases that would mislead the area terms rewritten."""
    for pattern, replacement in REWRITES:
        folded = pattern.sub(replacement, folded)
    return folded


def sentence_scores(sentence: str) -> dict[str, float]:
    """Each area's weight in one sentence: the weight of its strongest term found there."""
    folded = rewritten(fold(sentence))
    scores: dict[str, float] = {}
    for area, groups in _patterns().items():
        best = max((weight for weight, pattern in groups if pattern.search(folded)), default=0)
        if best:
            scores[area] = float(best)
    return scores


def area_scores(text: str) -> dict[str, float]:
    """Each core area's score in a text: the sum over its sentences (lines) of the area's
    strongest term there. Areas the text never mentions score 0."""
    totals = {area: 0.0 for area in TERMS}
    for line in re.split(r"[\n.;•▪]+", text):
        for area, score in sentence_scores(line).items():
            totals[area] += score
    return totals
