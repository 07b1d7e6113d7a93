"""The category tables of :mod:`equitystats.standards`: codes, display names and the raw
labels each code is recognised by. Data only; the mapping logic is in ``standards``, which
re-exports the public tables (``equitystats.standards.LANGUAGES`` etc.).

Sources (see :mod:`equitystats.standards` for the full references): OMB SPD 15 (2024) and its
Figure 1 detailed categories; the 1997 SPD 15 ethnicity question; CDC Race & Ethnicity Code
Set 1.0 (PHIN VADS OID 2.16.840.1.113883.6.238); USCDI v3 / 45 CFR 170.207(o) (SNOMED CT and
HL7 NullFlavor codes); BCP 47 (RFC 5646, grandfathered tags of §2.1, ISO 639-2 → 639-1 per
§2.2.1 rule 2); ACS "language spoken at home" for the common US languages.
"""

from __future__ import annotations

# Missing values: four distinct codes, never merged.

UNKNOWN = "unknown"
DECLINED = "declined"
NOT_COLLECTED = "not_collected"
MISSING = "missing"
MISSING_CODES: tuple[str, ...] = (UNKNOWN, DECLINED, NOT_COLLECTED, MISSING)

MISSING_DISPLAY: dict[str, str] = {
    UNKNOWN: "Unknown",
    DECLINED: "Declined to answer",
    NOT_COLLECTED: "Not collected",
    MISSING: "Missing (blank)",
}

#: Raw labels (cleaned: lower case, one space) that stand for each missing-value code.
MISSING_LABELS: dict[str, tuple[str, ...]] = {
    UNKNOWN: (
        "unknown",
        "unk",
        "u",
        "don't know",
        "dont know",
        "do not know",
        "not known",
        "asked but unknown",
        "unknown / not reported",
        "unknown/not reported",
        "not sure",
    ),
    DECLINED: (
        "declined",
        "decline",
        "declined to answer",
        "declined to specify",
        "declined to state",
        "patient declined",
        "refused",
        "patient refused",
        "refused to answer",
        "choose not to disclose",
        "chose not to disclose",
        "prefer not to say",
        "prefer not to answer",
        "prefers not to answer",
    ),
    NOT_COLLECTED: (
        "not_collected",
        "not collected",
        "not asked",
        "nask",
        "not recorded",
        "not obtained",
        "not reported",
    ),
    MISSING: ("", "missing", "na", "n/a", "nan", "null", "none", "ni", "no information", "-"),
}


SOGI_STRATIFIERS = ("sexual_orientation", "gender_identity")
STRATIFIERS = ("race_ethnicity", "sexual_orientation", "gender_identity", "language")


# Race and ethnicity (OMB SPD 15, 2024; CDC Race & Ethnicity Code Set 1.0).

AIAN = "aian"
ASIAN = "asian"
BLACK = "black"
HISPANIC = "hispanic"
MENA = "mena"
NHPI = "nhpi"
WHITE = "white"
MULTIRACIAL = "multiracial"
OTHER_RACE = "other"
NOT_HISPANIC = "not_hispanic"  # answer to the 1997 ethnicity question only

MINIMUM_CATEGORIES: tuple[str, ...] = (AIAN, ASIAN, BLACK, HISPANIC, MENA, NHPI, WHITE)
RACE_ETHNICITY_CODES: tuple[str, ...] = (*MINIMUM_CATEGORIES, MULTIRACIAL, OTHER_RACE)

RACE_ETHNICITY_DISPLAY: dict[str, str] = {
    AIAN: "American Indian or Alaska Native",
    ASIAN: "Asian",
    BLACK: "Black or African American",
    HISPANIC: "Hispanic or Latino",
    MENA: "Middle Eastern or North African",
    NHPI: "Native Hawaiian or Pacific Islander",
    WHITE: "White",
    MULTIRACIAL: "Multiracial",
    OTHER_RACE: "Some other race (not an SPD 15 category)",
}

# SPD 15 (2024), Figure 1: the detailed checkboxes printed under each minimum category.
DETAILED_CATEGORIES: dict[str, tuple[str, ...]] = {
    AIAN: (
        "Navajo Nation",
        "Blackfeet Tribe of the Blackfeet Indian Reservation of Montana",
        "Native Village of Barrow Inupiat Traditional Government",
        "Nome Eskimo Community",
        "Aztec",
        "Maya",
    ),
    ASIAN: ("Chinese", "Asian Indian", "Filipino", "Vietnamese", "Korean", "Japanese"),
    BLACK: ("African American", "Jamaican", "Haitian", "Nigerian", "Ethiopian", "Somali"),
    HISPANIC: ("Mexican", "Puerto Rican", "Salvadoran", "Cuban", "Dominican", "Guatemalan"),
    MENA: ("Lebanese", "Iranian", "Egyptian", "Syrian", "Iraqi", "Israeli"),
    NHPI: ("Native Hawaiian", "Samoan", "Chamorro", "Tongan", "Fijian", "Marshallese"),
    WHITE: ("English", "German", "Irish", "Italian", "Polish", "Scottish"),
}

# CDC Race & Ethnicity Code Set 1.0: top-level concepts and the common detailed concepts.
CDC_CODES: dict[str, str] = {
    # Race (R1) top-level concepts
    "1002-5": "American Indian or Alaska Native",
    "2028-9": "Asian",
    "2054-5": "Black or African American",
    "2076-8": "Native Hawaiian or Other Pacific Islander",
    "2106-3": "White",
    "2131-1": "Other Race",
    # Ethnicity (E1)
    "2135-2": "Hispanic or Latino",
    "2186-5": "Not Hispanic or Latino",
    # American Indian or Alaska Native
    "1004-1": "American Indian",
    "1735-0": "Alaska Native",
    # Asian
    "2029-7": "Asian Indian",
    "2030-5": "Bangladeshi",
    "2031-3": "Bhutanese",
    "2032-1": "Burmese",
    "2033-9": "Cambodian",
    "2034-7": "Chinese",
    "2035-4": "Taiwanese",
    "2036-2": "Filipino",
    "2037-0": "Hmong",
    "2038-8": "Indonesian",
    "2039-6": "Japanese",
    "2040-4": "Korean",
    "2041-2": "Laotian",
    "2042-0": "Malaysian",
    "2043-8": "Okinawan",
    "2044-6": "Pakistani",
    "2045-3": "Sri Lankan",
    "2046-1": "Thai",
    "2047-9": "Vietnamese",
    "2048-7": "Iwo Jiman",
    "2049-5": "Maldivian",
    "2050-3": "Nepalese",
    "2051-1": "Singaporean",
    "2052-9": "Madagascar",
    # Black or African American
    "2056-0": "Black",
    "2058-6": "African American",
    "2060-2": "African",
    "2061-0": "Botswanan",
    "2062-8": "Ethiopian",
    "2063-6": "Liberian",
    "2064-4": "Namibian",
    "2065-1": "Nigerian",
    "2066-9": "Zairean",
    "2067-7": "Bahamian",
    "2068-5": "Barbadian",
    "2069-3": "Dominican",
    "2070-1": "Dominica Islander",
    "2071-9": "Haitian",
    "2072-7": "Jamaican",
    "2073-5": "Tobagoan",
    "2074-3": "Trinidadian",
    "2075-0": "West Indian",
    # Native Hawaiian or Other Pacific Islander
    "2078-4": "Polynesian",
    "2079-2": "Native Hawaiian",
    "2080-0": "Samoan",
    "2081-8": "Tahitian",
    "2082-6": "Tongan",
    "2083-4": "Tokelauan",
    "2085-9": "Micronesian",
    "2086-7": "Guamanian or Chamorro",
    "2087-5": "Guamanian",
    "2088-3": "Chamorro",
    "2089-1": "Mariana Islander",
    "2090-9": "Marshallese",
    "2091-7": "Palauan",
    "2092-5": "Carolinian",
    "2093-3": "Kosraean",
    "2094-1": "Pohnpeian",
    "2095-8": "Saipanese",
    "2096-6": "Kiribati",
    "2097-4": "Chuukese",
    "2098-2": "Yapese",
    "2100-6": "Melanesian",
    "2101-4": "Fijian",
    "2102-2": "Papua New Guinean",
    "2103-0": "Solomon Islander",
    "2104-8": "New Hebrides",
    "2500-7": "Other Pacific Islander",
    # White
    "2108-9": "European",
    "2109-7": "Armenian",
    "2110-5": "English",
    "2111-3": "French",
    "2112-1": "German",
    "2113-9": "Irish",
    "2114-7": "Italian",
    "2115-4": "Polish",
    "2116-2": "Scottish",
    # Middle Eastern or North African (under White in code set 1.0)
    "2118-8": "Middle Eastern or North African",
    "2119-6": "Assyrian",
    "2120-4": "Egyptian",
    "2121-2": "Iranian",
    "2122-0": "Iraqi",
    "2123-8": "Lebanese",
    "2124-6": "Palestinian",
    "2125-3": "Syrian",
    "2126-1": "Afghanistani",
    "2127-9": "Israeli",
    "2129-5": "Arab",
    # Hispanic or Latino
    "2137-8": "Spaniard",
    "2148-5": "Mexican",
    "2155-0": "Central American",
    "2156-8": "Costa Rican",
    "2157-6": "Guatemalan",
    "2158-4": "Honduran",
    "2159-2": "Nicaraguan",
    "2160-0": "Panamanian",
    "2161-8": "Salvadoran",
    "2165-9": "South American",
    "2166-7": "Argentinean",
    "2167-5": "Bolivian",
    "2168-3": "Chilean",
    "2169-1": "Colombian",
    "2170-9": "Ecuadorian",
    "2171-7": "Paraguayan",
    "2172-5": "Peruvian",
    "2173-3": "Uruguayan",
    "2174-1": "Venezuelan",
    "2178-2": "Latin American",
    "2180-8": "Puerto Rican",
    "2182-4": "Cuban",
    "2184-0": "Dominican",
}

# Code ranges of the hierarchy (first four digits of the concept code, inclusive), checked in
# order: the MENA subtree before White, so that 2118-8 … 2129-5 roll up to MENA.
CDC_RANGES: tuple[tuple[int, int, str], ...] = (
    (1002, 2027, AIAN),
    (3000, 3999, AIAN),  # tribal concepts added after code set 1.0
    (2028, 2053, ASIAN),
    (2054, 2075, BLACK),
    (2076, 2105, NHPI),
    (2500, 2500, NHPI),
    (2118, 2130, MENA),
    (2106, 2117, WHITE),
    (2131, 2131, OTHER_RACE),
    (2135, 2185, HISPANIC),
    (2186, 2186, NOT_HISPANIC),
)


#: Labels of single selections, per category (cleaned when looked up).
RACE_LABELS: dict[str, tuple[str, ...]] = {
    AIAN: (
        "american indian or alaska native",
        "american indian or alaskan native",
        "american indian",
        "alaska native",
        "alaskan native",
        "native american",
        "aian",
        "ai/an",
        "american indian/alaska native",
        "indigenous",
    ),
    ASIAN: (
        "asian",
        "asian american",
    ),
    BLACK: (
        "black or african american",
        "black",
        "african american",
        "black/african american",
    ),
    HISPANIC: (
        "hispanic or latino",
        "hispanic",
        "latino",
        "latina",
        "latinx",
        "latine",
        "hispanic/latino",
        "hispanic/latinx",
        "hispanic or latina",
        "hispanic, latino, or spanish origin",
        "hispanic, latino or spanish origin",
        "spanish origin",
    ),
    MENA: (
        "middle eastern or north african",
        "middle eastern/north african",
        "mena",
        "middle eastern",
        "north african",
    ),
    NHPI: (
        "native hawaiian or pacific islander",
        "native hawaiian or other pacific islander",
        "native hawaiian/pacific islander",
        "native hawaiian/other pacific islander",
        "nhpi",
        "nhopi",
        "pacific islander",
        "other pacific islander",
    ),
    WHITE: (
        "white",
        "caucasian",
        "european",
    ),
    MULTIRACIAL: (
        "multiracial",
        "multiracial and/or multiethnic",
        "multiethnic",
        "two or more races",
        "2 or more races",
        "more than one race",
        "multiple races",
        "mixed race",
        "mixed",
    ),
    OTHER_RACE: (
        "other",
        "other race",
        "some other race",
        "oth",
    ),
}


#: Labels of the 1997 answer "Not Hispanic or Latino".
NOT_HISPANIC_LABELS: tuple[str, ...] = (
    NOT_HISPANIC,
    "not hispanic or latino",
    "not hispanic",
    "non-hispanic",
    "non hispanic",
)


# Sexual orientation and gender identity (USCDI v3; 45 CFR 170.207(o)).

SEXUAL_ORIENTATION_DISPLAY: dict[str, str] = {
    "lesbian_gay": "Lesbian or gay",
    "straight": "Straight (not lesbian or gay)",
    "bisexual": "Bisexual",
    "something_else": "Something else",
}
GENDER_IDENTITY_DISPLAY: dict[str, str] = {
    "man": "Male / Man",
    "woman": "Female / Woman",
    "transgender_man": "Transgender man",
    "transgender_woman": "Transgender woman",
    "non_binary": "Non-binary / genderqueer",
    "something_else": "Something else",
}

# SNOMED CT concept ids and HL7 NullFlavor codes, as bound in 45 CFR 170.207(o).
SEXUAL_ORIENTATION_CODES: dict[str, str] = {
    "38628009": "lesbian_gay",  # Homosexual (finding)
    "20430005": "straight",  # Heterosexual (finding)
    "42035005": "bisexual",  # Bisexual (finding)
    "oth": "something_else",  # NullFlavor OTH: something else, please describe
    "unk": UNKNOWN,  # NullFlavor UNK: don't know
    "asku": DECLINED,  # NullFlavor ASKU: choose not to disclose
}
GENDER_IDENTITY_CODES: dict[str, str] = {
    "446151000124109": "man",  # Identifies as male gender (finding)
    "446141000124107": "woman",  # Identifies as female gender (finding)
    "407377005": "transgender_man",  # Female-to-male transsexual (finding)
    "407376001": "transgender_woman",  # Male-to-female transsexual (finding)
    "446131000124102": "non_binary",  # Identifies as non-conforming gender (finding)
    "33791000087105": "non_binary",  # Identifies as nonbinary gender (finding)
    "oth": "something_else",  # NullFlavor OTH: additional gender category
    "asku": DECLINED,  # NullFlavor ASKU: choose not to disclose
}


#: Answer labels per canonical code (cleaned when looked up).
SEXUAL_ORIENTATION_LABELS: dict[str, tuple[str, ...]] = {
    "lesbian_gay": (
        "lesbian or gay",
        "lesbian, gay or homosexual",
        "lesbian, gay, or homosexual",
        "gay or lesbian",
        "lesbian",
        "gay",
        "homosexual",
    ),
    "straight": (
        "straight",
        "straight (not lesbian or gay)",
        "straight or heterosexual",
        "straight; that is, not lesbian or gay",
        "heterosexual",
    ),
    "bisexual": ("bisexual",),
    "something_else": (
        "something else",
        "something else, please describe",
        "other",
        "queer",
        "pansexual",
        "asexual",
    ),
}


#: Answer labels per canonical code (cleaned when looked up).
GENDER_IDENTITY_LABELS: dict[str, tuple[str, ...]] = {
    "man": ("male", "man", "male/man", "male / man", "identifies as male", "m"),
    "woman": ("female", "woman", "female/woman", "female / woman", "identifies as female", "f"),
    "transgender_man": (
        "transgender man",
        "transgender male",
        "trans man",
        "transman",
        "ftm",
        "female-to-male",
        "female to male",
        "female-to-male (ftm)/transgender male/trans man",
        "transgender man/trans man/female-to-male (ftm)",
    ),
    "transgender_woman": (
        "transgender woman",
        "transgender female",
        "trans woman",
        "transwoman",
        "mtf",
        "male-to-female",
        "male to female",
        "male-to-female (mtf)/transgender female/trans woman",
        "transgender woman/trans woman/male-to-female (mtf)",
    ),
    "non_binary": (
        "non-binary",
        "nonbinary",
        "non binary",
        "non-binary / genderqueer",
        "non-binary/genderqueer",
        "genderqueer",
        "genderqueer, neither exclusively male nor female",
        "gender non-conforming",
        "non-conforming",
        "identifies as non-conforming gender",
        "identifies as nonbinary gender",
    ),
    "something_else": (
        "something else",
        "other",
        "additional gender category or other, please specify",
        "additional gender category",
    ),
}


# Preferred language: BCP 47 (RFC 5646).

# Common US preferred languages (cf. ACS "language spoken at home" detail), BCP 47 tag → name.
LANGUAGES: dict[str, str] = {
    "en": "English",
    "es": "Spanish",
    "zh": "Chinese",
    "cmn": "Chinese (Mandarin)",
    "yue": "Chinese (Cantonese)",
    "tl": "Tagalog",
    "fil": "Filipino",
    "vi": "Vietnamese",
    "ar": "Arabic",
    "fr": "French",
    "ko": "Korean",
    "ru": "Russian",
    "de": "German",
    "ht": "Haitian Creole",
    "hi": "Hindi",
    "pt": "Portuguese",
    "it": "Italian",
    "pl": "Polish",
    "ur": "Urdu",
    "ja": "Japanese",
    "fa": "Persian (Farsi)",
    "prs": "Dari",
    "ps": "Pashto",
    "gu": "Gujarati",
    "te": "Telugu",
    "ta": "Tamil",
    "bn": "Bengali",
    "pa": "Punjabi",
    "so": "Somali",
    "am": "Amharic",
    "ti": "Tigrinya",
    "sw": "Swahili",
    "nv": "Navajo",
    "hmn": "Hmong",
    "km": "Khmer",
    "lo": "Lao",
    "my": "Burmese",
    "ne": "Nepali",
    "uk": "Ukrainian",
    "el": "Greek",
    "he": "Hebrew",
    "hy": "Armenian",
    "yi": "Yiddish",
    "th": "Thai",
    "ro": "Romanian",
    "mh": "Marshallese",
    "chk": "Chuukese",
    "sm": "Samoan",
    "ase": "American Sign Language",
}


#: Names and spellings of languages not in LANGUAGES' names → BCP 47 tag.
LANGUAGE_ALIASES: dict[str, str] = {
    "mandarin": "cmn",
    "chinese mandarin": "cmn",
    "chinese - mandarin": "cmn",
    "chinese-mandarin": "cmn",
    "cantonese": "yue",
    "chinese cantonese": "yue",
    "chinese - cantonese": "yue",
    "chinese-cantonese": "yue",
    "farsi": "fa",
    "persian": "fa",
    "haitian": "ht",
    "kreyol": "ht",
    "haitian creole (kreyol)": "ht",
    "cambodian": "km",
    "laotian": "lo",
    "panjabi": "pa",
    "asl": "ase",
    "sign language": "ase",
    "american sign language (asl)": "ase",
    "hebrew (modern)": "he",
}


# ISO 639-2 (bibliographic and terminology) codes, common in EHR extracts, for languages that
# also have a 2-letter code: RFC 5646 §2.2.1 rule 2 wants the shortest code.
ISO639_2_TO_1: dict[str, str] = {
    "eng": "en",
    "spa": "es",
    "chi": "zh",
    "zho": "zh",
    "tgl": "tl",
    "vie": "vi",
    "ara": "ar",
    "fre": "fr",
    "fra": "fr",
    "kor": "ko",
    "rus": "ru",
    "ger": "de",
    "deu": "de",
    "hat": "ht",
    "hin": "hi",
    "por": "pt",
    "ita": "it",
    "pol": "pl",
    "urd": "ur",
    "jpn": "ja",
    "per": "fa",
    "fas": "fa",
    "guj": "gu",
    "tel": "te",
    "tam": "ta",
    "ben": "bn",
    "pan": "pa",
    "som": "so",
    "amh": "am",
    "tir": "ti",
    "swa": "sw",
    "nav": "nv",
    "khm": "km",
    "lao": "lo",
    "bur": "my",
    "mya": "my",
    "nep": "ne",
    "ukr": "uk",
    "gre": "el",
    "ell": "el",
    "heb": "he",
    "arm": "hy",
    "hye": "hy",
    "yid": "yi",
    "tha": "th",
    "rum": "ro",
    "ron": "ro",
    "mah": "mh",
    "smo": "sm",
    "pus": "ps",
}


#: The grandfathered tags of RFC 5646 §2.1 (irregular and regular).
GRANDFATHERED = (
    "en-GB-oed",
    "i-ami",
    "i-bnn",
    "i-default",
    "i-enochian",
    "i-hak",
    "i-klingon",
    "i-lux",
    "i-mingo",
    "i-navajo",
    "i-pwn",
    "i-tao",
    "i-tay",
    "i-tsu",
    "sgn-BE-FR",
    "sgn-BE-NL",
    "sgn-CH-DE",
    "art-lojban",
    "cel-gaulish",
    "no-bok",
    "no-nyn",
    "zh-guoyu",
    "zh-hakka",
    "zh-min",
    "zh-min-nan",
    "zh-xiang",
)
