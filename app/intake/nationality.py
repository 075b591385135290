"""Nationality adjectives ("Kenyan", "sénégalaise", "colombiana") → ISO 3166-1 alpha-2.

CLDR, which gives civcap country names in every language, has no nationality adjectives, so
the usual adjectives of the UN member states and observers are listed here, in English, French
and Spanish (masculine; the feminine and plural are derived by the languages' rules).
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

# code: (English, French, Spanish); alternatives separated by "/".
ADJECTIVES: dict[str, tuple[str, str, str]] = {
    "AF": ("Afghan/Afghani", "afghan", "afgano"),
    "AL": ("Albanian", "albanais", "albanés"),
    "DZ": ("Algerian", "algérien", "argelino"),
    "AD": ("Andorran", "andorran", "andorrano"),
    "AO": ("Angolan", "angolais", "angoleño"),
    "AG": ("Antiguan", "antiguais", "antiguano"),
    "AR": ("Argentine/Argentinian", "argentin", "argentino"),
    "AM": ("Armenian", "arménien", "armenio"),
    "AU": ("Australian", "australien", "australiano"),
    "AT": ("Austrian", "autrichien", "austriaco/austríaco"),
    "AZ": ("Azerbaijani/Azeri", "azerbaïdjanais", "azerbaiyano"),
    "BS": ("Bahamian", "bahaméen", "bahameño"),
    "BH": ("Bahraini", "bahreïnien", "bareiní/bahreiní"),
    "BD": ("Bangladeshi", "bangladais", "bangladesí"),
    "BB": ("Barbadian", "barbadien", "barbadense"),
    "BY": ("Belarusian", "biélorusse/bélarussien", "bielorruso"),
    "BE": ("Belgian", "belge", "belga"),
    "BZ": ("Belizean", "bélizien", "beliceño"),
    "BJ": ("Beninese", "béninois", "beninés"),
    "BT": ("Bhutanese", "bhoutanais", "butanés"),
    "BO": ("Bolivian", "bolivien", "boliviano"),
    "BA": ("Bosnian", "bosnien", "bosnio"),
    "BW": ("Botswanan/Motswana", "botswanais", "botsuano"),
    "BR": ("Brazilian", "brésilien", "brasileño"),
    "BN": ("Bruneian", "brunéien", "bruneano"),
    "BG": ("Bulgarian", "bulgare", "búlgaro"),
    "BF": ("Burkinabe/Burkinabè", "burkinabè/burkinabé", "burkinés"),
    "BI": ("Burundian", "burundais", "burundés"),
    "CV": ("Cabo Verdean/Cape Verdean", "cap-verdien", "caboverdiano"),
    "KH": ("Cambodian", "cambodgien", "camboyano"),
    "CM": ("Cameroonian", "camerounais", "camerunés"),
    "CA": ("Canadian", "canadien", "canadiense"),
    "CF": ("Central African", "centrafricain", "centroafricano"),
    "TD": ("Chadian", "tchadien", "chadiano"),
    "CL": ("Chilean", "chilien", "chileno"),
    "CN": ("Chinese", "chinois", "chino"),
    "CO": ("Colombian", "colombien", "colombiano"),
    "KM": ("Comorian", "comorien", "comorense"),
    "CG": ("Congolese (Congo)", "congolais (Congo)", "congoleño (Congo)"),
    "CD": ("Congolese", "congolais", "congoleño"),
    "CR": ("Costa Rican", "costaricien/costaricain", "costarricense"),
    "CI": ("Ivorian", "ivoirien", "marfileño"),
    "HR": ("Croatian/Croat", "croate", "croata"),
    "CU": ("Cuban", "cubain", "cubano"),
    "CY": ("Cypriot", "chypriote", "chipriota"),
    "CZ": ("Czech", "tchèque", "checo"),
    "DK": ("Danish/Dane", "danois", "danés"),
    "DJ": ("Djiboutian", "djiboutien", "yibutiano"),
    "DM": ("Dominican (Dominica)", "dominiquais", "dominiqués"),
    "DO": ("Dominican", "dominicain", "dominicano"),
    "EC": ("Ecuadorian/Ecuadorean", "équatorien", "ecuatoriano"),
    "EG": ("Egyptian", "égyptien", "egipcio"),
    "SV": ("Salvadoran/Salvadorian", "salvadorien", "salvadoreño"),
    "GQ": ("Equatorial Guinean/Equatoguinean", "équato-guinéen", "ecuatoguineano"),
    "ER": ("Eritrean", "érythréen", "eritreo"),
    "EE": ("Estonian", "estonien", "estonio"),
    "SZ": ("Swazi/Eswatini", "swazi/eswatinien", "suazi"),
    "ET": ("Ethiopian", "éthiopien", "etíope"),
    "FJ": ("Fijian", "fidjien", "fiyiano"),
    "FI": ("Finnish/Finn", "finlandais", "finlandés"),
    "FR": ("French", "français", "francés"),
    "GA": ("Gabonese", "gabonais", "gabonés"),
    "GM": ("Gambian", "gambien", "gambiano"),
    "GE": ("Georgian", "géorgien", "georgiano"),
    "DE": ("German", "allemand", "alemán"),
    "GH": ("Ghanaian", "ghanéen", "ghanés"),
    "GR": ("Greek", "grec", "griego"),
    "GD": ("Grenadian", "grenadien", "granadino"),
    "GT": ("Guatemalan", "guatémaltèque", "guatemalteco"),
    "GN": ("Guinean", "guinéen", "guineano"),
    "GW": ("Bissau-Guinean", "bissau-guinéen", "guineano (Guinea-Bisáu)"),
    "GY": ("Guyanese", "guyanien", "guyanés"),
    "HT": ("Haitian", "haïtien", "haitiano"),
    "HN": ("Honduran", "hondurien", "hondureño"),
    "HU": ("Hungarian", "hongrois", "húngaro"),
    "IS": ("Icelandic/Icelander", "islandais", "islandés"),
    "IN": ("Indian", "indien", "indio/hindú"),
    "ID": ("Indonesian", "indonésien", "indonesio"),
    "IR": ("Iranian", "iranien", "iraní"),
    "IQ": ("Iraqi", "irakien/iraquien", "iraquí"),
    "IE": ("Irish", "irlandais", "irlandés"),
    "IL": ("Israeli", "israélien", "israelí"),
    "IT": ("Italian", "italien", "italiano"),
    "JM": ("Jamaican", "jamaïcain", "jamaiquino"),
    "JP": ("Japanese", "japonais", "japonés"),
    "JO": ("Jordanian", "jordanien", "jordano"),
    "KZ": ("Kazakh/Kazakhstani", "kazakh/kazakhstanais", "kazajo"),
    "KE": ("Kenyan", "kényan/kenyan", "keniano/keniata"),
    "KI": ("I-Kiribati", "kiribatien", "kiribatiano"),
    "KW": ("Kuwaiti", "koweïtien", "kuwaití"),
    "KG": ("Kyrgyz/Kyrgyzstani", "kirghize", "kirguís"),
    "LA": ("Lao/Laotian", "laotien", "laosiano"),
    "LV": ("Latvian", "letton", "letón"),
    "LB": ("Lebanese", "libanais", "libanés"),
    "LS": ("Basotho/Mosotho/Lesothan", "lesothan", "lesotense"),
    "LR": ("Liberian", "libérien", "liberiano"),
    "LY": ("Libyan", "libyen", "libio"),
    "LI": ("Liechtensteiner", "liechtensteinois", "liechtensteiniano"),
    "LT": ("Lithuanian", "lituanien", "lituano"),
    "LU": ("Luxembourgish/Luxembourger", "luxembourgeois", "luxemburgués"),
    "MG": ("Malagasy", "malgache", "malgache"),
    "MW": ("Malawian", "malawien", "malauí/malawiano"),
    "MY": ("Malaysian", "malaisien", "malasio"),
    "MV": ("Maldivian", "maldivien", "maldivo"),
    "ML": ("Malian", "malien", "maliense"),
    "MT": ("Maltese", "maltais", "maltés"),
    "MH": ("Marshallese", "marshallais", "marshalés"),
    "MR": ("Mauritanian", "mauritanien", "mauritano"),
    "MU": ("Mauritian", "mauricien", "mauriciano"),
    "MX": ("Mexican", "mexicain", "mexicano"),
    "FM": ("Micronesian", "micronésien", "micronesio"),
    "MD": ("Moldovan", "moldave", "moldavo"),
    "MC": ("Monegasque/Monacan", "monégasque", "monegasco"),
    "MN": ("Mongolian", "mongol", "mongol"),
    "ME": ("Montenegrin", "monténégrin", "montenegrino"),
    "MA": ("Moroccan", "marocain", "marroquí"),
    "MZ": ("Mozambican", "mozambicain", "mozambiqueño"),
    "MM": ("Myanmar/Burmese", "birman/myanmarais", "birmano"),
    "NA": ("Namibian", "namibien", "namibio"),
    "NR": ("Nauruan", "nauruan", "nauruano"),
    "NP": ("Nepali/Nepalese", "népalais", "nepalí/nepalés"),
    "NL": ("Dutch/Netherlander", "néerlandais", "neerlandés/holandés"),
    "NZ": ("New Zealander/New Zealand", "néo-zélandais", "neozelandés"),
    "NI": ("Nicaraguan", "nicaraguayen", "nicaragüense"),
    "NE": ("Nigerien", "nigérien", "nigerino"),
    "NG": ("Nigerian", "nigérian", "nigeriano"),
    "KP": ("North Korean", "nord-coréen", "norcoreano"),
    "MK": ("North Macedonian/Macedonian", "macédonien", "macedonio"),
    "NO": ("Norwegian", "norvégien", "noruego"),
    "OM": ("Omani", "omanais", "omaní"),
    "PK": ("Pakistani", "pakistanais", "pakistaní"),
    "PW": ("Palauan", "palaosien", "palauano"),
    "PS": ("Palestinian", "palestinien", "palestino"),
    "PA": ("Panamanian", "panaméen", "panameño"),
    "PG": ("Papua New Guinean", "papouan-néo-guinéen", "papú"),
    "PY": ("Paraguayan", "paraguayen", "paraguayo"),
    "PE": ("Peruvian", "péruvien", "peruano"),
    "PH": ("Filipino/Filipina/Philippine", "philippin", "filipino"),
    "PL": ("Polish/Pole", "polonais", "polaco"),
    "PT": ("Portuguese", "portugais", "portugués"),
    "QA": ("Qatari", "qatarien", "catarí/qatarí"),
    "KR": ("South Korean/Korean", "sud-coréen/coréen", "surcoreano/coreano"),
    "RO": ("Romanian", "roumain", "rumano"),
    "RU": ("Russian", "russe", "ruso"),
    "RW": ("Rwandan/Rwandese", "rwandais", "ruandés"),
    "KN": ("Kittitian/Nevisian", "kittitien", "sancristobaleño"),
    "LC": ("Saint Lucian", "saint-lucien", "santalucense"),
    "VC": ("Vincentian", "saint-vincentais", "sanvicentino"),
    "WS": ("Samoan", "samoan", "samoano"),
    "SM": ("Sammarinese", "saint-marinais", "sanmarinense"),
    "ST": ("Santomean/São Toméan", "santoméen", "santotomense"),
    "SA": ("Saudi/Saudi Arabian", "saoudien", "saudí/saudita"),
    "SN": ("Senegalese", "sénégalais", "senegalés"),
    "RS": ("Serbian/Serb", "serbe", "serbio"),
    "SC": ("Seychellois", "seychellois", "seychellense"),
    "SL": ("Sierra Leonean", "sierra-léonais", "sierraleonés"),
    "SG": ("Singaporean", "singapourien", "singapurense"),
    "SK": ("Slovak", "slovaque", "eslovaco"),
    "SI": ("Slovenian/Slovene", "slovène", "esloveno"),
    "SB": ("Solomon Islander", "salomonais", "salomonense"),
    "SO": ("Somali", "somalien", "somalí"),
    "ZA": ("South African", "sud-africain", "sudafricano"),
    "SS": ("South Sudanese", "sud-soudanais", "sursudanés"),
    "ES": ("Spanish/Spaniard", "espagnol", "español"),
    "LK": ("Sri Lankan", "sri-lankais", "esrilanqués/ceilanés"),
    "SD": ("Sudanese", "soudanais", "sudanés"),
    "SR": ("Surinamese", "surinamais", "surinamés"),
    "SE": ("Swedish/Swede", "suédois", "sueco"),
    "CH": ("Swiss", "suisse", "suizo"),
    "SY": ("Syrian", "syrien", "sirio"),
    "TJ": ("Tajik/Tajikistani", "tadjik", "tayiko"),
    "TZ": ("Tanzanian", "tanzanien", "tanzano"),
    "TH": ("Thai", "thaïlandais", "tailandés"),
    "TL": ("Timorese", "timorais", "timorense"),
    "TG": ("Togolese", "togolais", "togolés"),
    "TO": ("Tongan", "tongien", "tongano"),
    "TT": ("Trinidadian/Tobagonian", "trinidadien", "trinitense"),
    "TN": ("Tunisian", "tunisien", "tunecino"),
    "TR": ("Turkish", "turc", "turco"),
    "TM": ("Turkmen", "turkmène", "turcomano"),
    "TV": ("Tuvaluan", "tuvaluan", "tuvaluano"),
    "UG": ("Ugandan", "ougandais", "ugandés"),
    "UA": ("Ukrainian", "ukrainien", "ucraniano"),
    "AE": ("Emirati", "émirien", "emiratí"),
    "GB": ("British", "britannique", "británico"),
    "US": ("American", "américain", "estadounidense"),
    "UY": ("Uruguayan", "uruguayen", "uruguayo"),
    "UZ": ("Uzbek/Uzbekistani", "ouzbek", "uzbeko"),
    "VU": ("Ni-Vanuatu", "vanuatuan", "vanuatuense"),
    "VE": ("Venezuelan", "vénézuélien", "venezolano"),
    "VN": ("Vietnamese", "vietnamien", "vietnamita"),
    "YE": ("Yemeni", "yéménite", "yemení"),
    "ZM": ("Zambian", "zambien", "zambiano"),
    "ZW": ("Zimbabwean", "zimbabwéen", "zimbabuense"),
}


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _french_forms(word: str) -> set[str]:
    """ "sénégalais" → sénégalaise(s); "ivoirien" → ivoirienne(s); "belge" stays."""
    forms = {word}
    if word.endswith(("ien", "een")):
        forms.add(word + "ne")
    elif not word.endswith("e"):
        forms.add(word + "e")
    return forms | {f + "s" for f in forms}


def _spanish_forms(word: str) -> set[str]:
    """ "peruano" → peruana(s); "senegalés" → senegalesa; "alemán" → alemana; "-ense" stays."""
    forms = {word}
    if word.endswith("o"):
        forms.add(word[:-1] + "a")
    elif word.endswith(("es", "n", "l")) and not word.endswith("ense"):
        forms.add(word + "a")
    return forms | {f + ("es" if f.endswith(("n", "l", "s", "i")) else "s") for f in forms}


@cache
def _table() -> dict[str, str]:
    table: dict[str, str] = {}
    for code, (english, french, spanish) in ADJECTIVES.items():
        for lang, names in (("en", english), ("fr", french), ("es", spanish)):
            for name in names.split("/"):
                if "(" in name:  # "congolais (Congo)": only with its qualifier
                    continue
                base = _fold(name)
                forms = {base}
                if lang == "fr":
                    forms = _french_forms(base)
                elif lang == "es":
                    forms = _spanish_forms(base)
                for form in forms:
                    table.setdefault(form, code)
    return table


@cache
def _pattern() -> re.Pattern[str]:
    names = sorted(_table(), key=len, reverse=True)
    return re.compile(r"(?<![\w-])(" + "|".join(map(re.escape, names)) + r")(?![\w-])")


def nationalities_in(text: str) -> list[tuple[str, int]]:
    """The nationality adjectives of a text, as (ISO alpha-2, position), in order."""
    folded = _fold(text)
    found = []
    for match in _pattern().finditer(folded):
        code = _table()[match.group(1)]
        if code == "CD":
            # "congolais" alone: the DRC unless the text points to the Republic of the Congo.
            tail = folded[match.end() : match.end() + 40]
            if re.match(
                r"\W*\(?\s*(?:brazzaville|republique du congo|republic of (the )?congo)", tail
            ):
                code = "CG"
        found.append((code, match.start()))
    return found
