"""Demographic categories for equity stratification: race and ethnicity, SOGI, preferred language.

Sources
-------
* Race and ethnicity: OMB Statistical Policy Directive No. 15, 2024 revision, "Standards for
  Maintaining, Collecting, and Presenting Federal Data on Race and Ethnicity", Federal Register
  89 FR 22182 (March 29, 2024). Seven minimum categories asked as ONE combined question with
  "select all that apply"; respondents selecting more than one minimum category are tabulated
  together (the directive's "Multiracial and/or Multiethnic"; here code ``multiracial``). The
  detailed categories are the six printed under each minimum category in the directive's
  Figure 1 (combined question with detailed checkboxes).
* The 1997 format (OMB SPD 15, 62 FR 58782, October 30, 1997): a separate ethnicity question
  (Hispanic or Latino / Not Hispanic or Latino) and a race question with five minimum races.
  :func:`from_1997` maps it onto the 2024 combined question.
* CDC Race & Ethnicity Code Set Version 1.0 (PHIN VADS OID 2.16.840.1.113883.6.238, March
  2000). Concept codes are numbered in hierarchical order, so a detailed code rolls up to its
  top-level concept by code range (:func:`cdc_rollup`). In that code set the Middle Eastern or
  North African concepts (2118-8 and its children 2119-6 … 2129-5) sit under White (2106-3);
  under SPD 15 (2024) they roll up to the new MENA minimum category instead.
* Sexual orientation and gender identity: USCDI v3 (ONC, July 2022), which adopts the value
  sets of 45 CFR 170.207(o)(1)–(2): SNOMED CT concepts plus HL7 v3 NullFlavor codes
  (OTH = something else, UNK = don't know, ASKU = choose not to disclose).
* Preferred language: BCP 47 language tags (RFC 5646, September 2009), whose well-formedness
  is the ABNF of RFC 5646 §2.1 and whose canonical letter case is §2.1.1.

Missing values are kept DISTINCT and never merged: ``unknown`` (recorded as unknown / don't
know), ``declined`` (the person chose not to answer), ``not_collected`` (recorded as not asked
or not collected) and ``missing`` (the cell is blank or holds no value at all). Completeness
reports (:mod:`equitystats.quality`) count each separately.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from equitystats._categories import (
    AIAN,
    ASIAN,
    BLACK,
    CDC_CODES,
    CDC_RANGES,
    DECLINED,
    DETAILED_CATEGORIES,
    GENDER_IDENTITY_CODES,
    GENDER_IDENTITY_DISPLAY,
    GENDER_IDENTITY_LABELS,
    HISPANIC,
    LANGUAGES,
    MENA,
    MINIMUM_CATEGORIES,
    MISSING,
    MISSING_CODES,
    MISSING_DISPLAY,
    MULTIRACIAL,
    NHPI,
    NOT_COLLECTED,
    NOT_HISPANIC,
    NOT_HISPANIC_LABELS,
    OTHER_RACE,
    RACE_ETHNICITY_CODES,
    RACE_ETHNICITY_DISPLAY,
    RACE_LABELS,
    SEXUAL_ORIENTATION_CODES,
    SEXUAL_ORIENTATION_DISPLAY,
    SEXUAL_ORIENTATION_LABELS,
    SOGI_STRATIFIERS,
    STRATIFIERS,
    UNKNOWN,
    WHITE,
)
from equitystats._language import (
    _language_value,
    canonical_case,
    is_well_formed_language_tag,
    language_name,
)
from equitystats._missing import _clean, missing_code
from equitystats.errors import InputError

#: The public names; the category tables are defined in ``equitystats._categories``.
__all__ = [
    "AIAN",
    "ASIAN",
    "BLACK",
    "CDC_CODES",
    "DECLINED",
    "DETAILED_CATEGORIES",
    "GENDER_IDENTITY_CODES",
    "GENDER_IDENTITY_DISPLAY",
    "HISPANIC",
    "HispanicRule",
    "LANGUAGES",
    "MENA",
    "MINIMUM_CATEGORIES",
    "MISSING",
    "MISSING_CODES",
    "MISSING_DISPLAY",
    "MULTIRACIAL",
    "NHPI",
    "NOT_COLLECTED",
    "NOT_HISPANIC",
    "NormalizedColumn",
    "OTHER_RACE",
    "RACE_ETHNICITY_CODES",
    "RACE_ETHNICITY_DISPLAY",
    "SEXUAL_ORIENTATION_CODES",
    "SEXUAL_ORIENTATION_DISPLAY",
    "SOGI_STRATIFIERS",
    "STRATIFIERS",
    "UNKNOWN",
    "USCDI_CODES",
    "WHITE",
    "canonical_case",
    "cdc_rollup",
    "code_for",
    "display_name",
    "from_1997",
    "is_well_formed_language_tag",
    "language_name",
    "missing_code",
    "normalize",
    "to_arrow_text",
    "uscdi_code",
]

_Mapper = Callable[[str], "str | None"]

# --------------------------------------------------------------------------------------------
# Race and ethnicity (OMB SPD 15, 2024).
# --------------------------------------------------------------------------------------------

_CDC_PATTERN = re.compile(r"^(\d{4})-(\d)$")


def _luhn_mod10_ok(code: str) -> bool:
    """CDC concept codes end in a mod-10 check digit (the same scheme as LOINC)."""
    digits = code.replace("-", "")
    body, check = digits[:-1], int(digits[-1])
    total = 0
    for i, ch in enumerate(reversed(body)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return (10 - total % 10) % 10 == check


def cdc_rollup(code: str) -> str | None:
    """The SPD 15 (2024) category of a CDC Race & Ethnicity code, by the code hierarchy.

    Returns one of the minimum-category codes, ``other`` (2131-1 Other Race), ``not_hispanic``
    (2186-5), or ``None`` when ``code`` is not a well-formed concept code of the code set
    (wrong shape, failed check digit, or outside the race/ethnicity ranges).

    >>> cdc_rollup("2054-5"), cdc_rollup("2118-8"), cdc_rollup("2054-4")
    ('black', 'mena', None)
    """
    text = str(code).strip()
    match = _CDC_PATTERN.match(text)
    if not match or not _luhn_mod10_ok(text):
        return None
    number = int(match.group(1))
    for low, high, category in CDC_RANGES:
        if low <= number <= high:
            return category
    return None


# Label → category for single selections (lower-cased, white space collapsed).
_RACE_LABELS: dict[str, str] = {}


def _add(category: str, *labels: str) -> None:
    for label in labels:
        _RACE_LABELS[_clean(label)] = category


for _category, _names in RACE_LABELS.items():
    _add(_category, *_names)
for _category, _names in DETAILED_CATEGORIES.items():
    _add(_category, *_names)
for _code, _name in CDC_CODES.items():
    # CDC displays as labels too ("Taiwanese", "Hmong" …), except the ambiguous "Dominican",
    # which SPD 15 (2024) lists under Hispanic or Latino (code 2184-0).
    _category = cdc_rollup(_code)
    if _category is not None and _clean(_name) not in _RACE_LABELS:
        _add(_category, _name)
for _category in RACE_ETHNICITY_CODES:
    _add(_category, _category)
_add(NOT_HISPANIC, *NOT_HISPANIC_LABELS)

_RACE_PREFIX = re.compile(r"^(?:non[- ]?hispanic|not hispanic(?: or latino)?|nh)[ ,:-]+")
_RACE_SUFFIX = re.compile(r"(?:,|\s)+(?:non[- ]?hispanic|not hispanic(?: or latino)?)$")
_RACE_TRAILERS = re.compile(r"\s*\((?:of )?any race\)$|\s+alone$")
_SEPARATORS = re.compile(r"[;|]")


def _race_token(token: str) -> str | None:
    """Category for one selection: a label, a detailed group, a CDC code, or a missing label."""
    text = _clean(token)
    category = _RACE_LABELS.get(text)
    if category is not None:
        return category
    rolled = cdc_rollup(text)
    if rolled is not None:
        return rolled
    missing = missing_code(text, "race_ethnicity")
    if missing is not None:
        return missing
    stripped = _RACE_TRAILERS.sub("", _RACE_SUFFIX.sub("", _RACE_PREFIX.sub("", text))).strip()
    if stripped != text:
        return _RACE_LABELS.get(stripped) or cdc_rollup(stripped)
    return None


HispanicRule = Literal["combine", "any_race"]


def _combine(categories: Sequence[str], hispanic: HispanicRule) -> str:
    """One SPD 15 (2024) category from the selections of one person.

    ``combine`` (the 2024 combined question): every minimum category selected counts, so
    Hispanic or Latino plus White is ``multiracial``. ``any_race`` (the 1997 tabulation
    "Hispanic or Latino, of any race"): any Hispanic selection wins. A lone "Some other race"
    adds no minimum category when a minimum category is also selected (SPD 15 has none).
    Missing-value selections are ignored unless nothing else was selected; then the first one
    is kept, so ``declined`` is never turned into ``unknown``.
    """
    chosen = [c for c in categories if c not in MISSING_CODES and c != NOT_HISPANIC]
    if not chosen:
        missing = [c for c in categories if c in MISSING_CODES]
        return missing[0] if missing else MISSING
    if hispanic == "any_race" and HISPANIC in chosen:
        return HISPANIC
    if MULTIRACIAL in chosen:
        return MULTIRACIAL
    minimum = sorted({c for c in chosen if c in MINIMUM_CATEGORIES})
    if len(minimum) > 1:
        return MULTIRACIAL
    if len(minimum) == 1:
        return minimum[0]
    return OTHER_RACE


def _race_value(raw: str, hispanic: HispanicRule) -> str | None:
    tokens = [t for t in _SEPARATORS.split(raw)]
    if len(tokens) > 1:
        tokens = [t for t in tokens if t.strip()] or [""]
    categories = []
    for token in tokens:
        category = _race_token(token)
        if category is None:
            return None
        categories.append(category)
    if set(categories) == {NOT_HISPANIC}:
        return UNKNOWN  # an ethnicity answer alone says nothing about race
    return _combine(categories, hispanic)


# --------------------------------------------------------------------------------------------
# Sexual orientation and gender identity (USCDI v3; 45 CFR 170.207(o)).
# --------------------------------------------------------------------------------------------

# Canonical code → the code to send in USCDI v3 / C-CDA / FHIR (first listed wins).
USCDI_CODES: dict[str, dict[str, str]] = {
    name: {code: value.upper() if value.isalpha() else value for value, code in table.items()}
    for name, table in (
        ("sexual_orientation", dict(reversed(list(SEXUAL_ORIENTATION_CODES.items())))),
        ("gender_identity", dict(reversed(list(GENDER_IDENTITY_CODES.items())))),
    )
}


def uscdi_code(stratifier: str, code: str) -> str | None:
    """The SNOMED CT concept id or HL7 NullFlavor (OTH, UNK, ASKU) for a canonical SOGI code,
    as bound by 45 CFR 170.207(o); ``None`` when there is none (e.g. ``not_collected``).

    >>> uscdi_code("sexual_orientation", "bisexual"), uscdi_code("gender_identity", "declined")
    ('42035005', 'ASKU')
    """
    return USCDI_CODES.get(stratifier, {}).get(code)


_SO_LABELS: dict[str, str] = dict(SEXUAL_ORIENTATION_CODES)
for _code, _labels in SEXUAL_ORIENTATION_LABELS.items():
    for _label in _labels:
        _SO_LABELS[_clean(_label)] = _code

for _code in SEXUAL_ORIENTATION_DISPLAY:
    _SO_LABELS[_clean(_code)] = _code

_GI_LABELS: dict[str, str] = dict(GENDER_IDENTITY_CODES)
for _code, _labels in GENDER_IDENTITY_LABELS.items():
    for _label in _labels:
        _GI_LABELS[_clean(_label)] = _code


for _code in GENDER_IDENTITY_DISPLAY:
    _GI_LABELS[_clean(_code)] = _code


def _table_value(table: Mapping[str, str], stratifier: str) -> _Mapper:
    def mapper(raw: str) -> str | None:
        text = _clean(raw)
        if text in table:
            return table[text]
        return missing_code(text, stratifier)

    return mapper


# --------------------------------------------------------------------------------------------
# Column normalisation.
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class NormalizedColumn:
    """A demographic column mapped to canonical codes.

    ``codes`` holds one canonical code per input row (object array of ``str``), including the
    four missing-value codes. ``unrecognised_rows`` (1-based) and ``unrecognised_values`` list
    the raw values no table recognised; with ``strict=False`` those rows are coded ``missing``.

    >>> col = normalize("language", ["Spanish", "en", "", "Mandarin"])
    >>> col.codes.tolist()
    ['es', 'en', 'missing', 'cmn']
    >>> col.counts()
    {'cmn': 1, 'en': 1, 'es': 1, 'missing': 1}
    >>> col.display().tolist()
    ['Spanish', 'English', 'Missing (blank)', 'Chinese (Mandarin)']
    """

    stratifier: str
    codes: np.ndarray
    unrecognised_rows: np.ndarray
    unrecognised_values: tuple[str, ...]

    def __len__(self) -> int:
        return len(self.codes)

    def counts(self) -> dict[str, int]:
        """Rows per code, codes sorted."""
        values, counts = np.unique(self.codes.astype(str), return_counts=True)
        return {str(v): int(c) for v, c in zip(values, counts, strict=True)}

    def display(self) -> np.ndarray:
        """Human-readable names for ``codes``."""
        names = dict(MISSING_DISPLAY)
        names.update(
            {
                "race_ethnicity": RACE_ETHNICITY_DISPLAY,
                "sexual_orientation": SEXUAL_ORIENTATION_DISPLAY,
                "gender_identity": GENDER_IDENTITY_DISPLAY,
                "language": {},
            }[self.stratifier]
        )
        uniques, inverse = np.unique(self.codes.astype(str), return_inverse=True)
        shown = np.array(
            [
                names.get(u, language_name(u) if self.stratifier == "language" else u)
                for u in map(str, uniques)
            ],
            dtype=object,
        )
        return shown[inverse]


def _factorize(
    values: Iterable[object] | np.ndarray | pa.Array,
) -> tuple[list[str | None], np.ndarray]:
    """Distinct values (as ``str`` or ``None``) and, per row, the index of its value.

    Uses Arrow's dictionary encoding, so the work per row is in C; NaN counts as missing.
    """
    array = to_arrow_text(values)
    encoded = pc.dictionary_encode(array)
    if isinstance(encoded, pa.ChunkedArray):
        encoded = encoded.combine_chunks()
    dictionary = encoded.dictionary.to_pylist()
    indices = encoded.indices.fill_null(len(dictionary)).to_numpy(zero_copy_only=False)
    return [*dictionary, None], indices.astype(np.int64, copy=False)


def to_arrow_text(values: Iterable[object] | np.ndarray | pa.Array) -> pa.Array:
    """A column as an Arrow string array, with ``None`` and NaN as null (no row loop in Python
    unless the column mixes Python types).

    >>> to_arrow_text(["a", None, float("nan"), 3]).to_pylist()
    ['a', None, None, '3']
    """
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    if isinstance(values, pa.Array):
        array = values
    else:
        if not isinstance(values, np.ndarray):
            values = np.asarray(
                list(values) if not isinstance(values, Sequence) else values, dtype=object
            )
        if values.ndim != 1:
            values = values.ravel()
        try:
            array = pa.array(values, from_pandas=True)
        except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError):
            array = pa.array(
                [
                    None if v is None or (isinstance(v, float) and v != v) else str(v)
                    for v in values
                ],
                type=pa.string(),
            )
    if pa.types.is_dictionary(array.type):
        array = array.cast(array.type.value_type)
    if not (pa.types.is_string(array.type) or pa.types.is_large_string(array.type)):
        if pa.types.is_null(array.type):
            return pa.array([None] * len(array), type=pa.string())
        array = pc.cast(array, pa.string())
    return array


def _mapper_for(stratifier: str, hispanic: HispanicRule):
    if stratifier == "race_ethnicity":
        return lambda raw: _race_value(raw, hispanic)
    if stratifier == "sexual_orientation":
        return _table_value(_SO_LABELS, stratifier)
    if stratifier == "gender_identity":
        return _table_value(_GI_LABELS, stratifier)
    if stratifier == "language":
        return _language_value
    raise InputError(f"unknown stratifier {stratifier!r}; expected one of {', '.join(STRATIFIERS)}")


def code_for(stratifier: str, raw: str | None, *, hispanic: HispanicRule = "combine") -> str | None:
    """The canonical code of one raw value, or ``None`` when it is not recognised.

    >>> code_for("race_ethnicity", "Black; White"), code_for("gender_identity", "trans woman")
    ('multiracial', 'transgender_woman')
    >>> code_for("race_ethnicity", "Hispanic; White", hispanic="any_race")
    'hispanic'
    """
    if raw is None:
        return MISSING
    return _mapper_for(stratifier, hispanic)(str(raw))


def _build(
    stratifier: str,
    uniques: list[str | None],
    inverse: np.ndarray,
    mapped: list[str | None],
    *,
    strict: bool,
    column: str | None,
) -> NormalizedColumn:
    bad = np.array([m is None for m in mapped], dtype=bool)
    table = np.array([MISSING if m is None else m for m in mapped], dtype=object)
    codes = table[inverse]
    bad_rows = np.flatnonzero(bad[inverse]) + 1
    bad_values = tuple(str(uniques[i]) for i in inverse[bad_rows - 1]) if bad_rows.size else ()
    if strict and bad_rows.size:
        others = len(bad_rows) - 1
        more = (
            f" ({others} more row{'s' if others != 1 else ''} with unrecognised values)"
            if others
            else ""
        )
        raise InputError(
            f"unrecognised {stratifier} value {bad_values[0]!r}{more}",
            row=int(bad_rows[0]),
            column=column or stratifier,
        )
    codes.setflags(write=False)
    bad_rows.setflags(write=False)
    return NormalizedColumn(stratifier, codes, bad_rows.astype(np.int64), bad_values)


def normalize(
    stratifier: str,
    values: Iterable[object] | np.ndarray,
    *,
    strict: bool = True,
    column: str | None = None,
    hispanic: HispanicRule = "combine",
) -> NormalizedColumn:
    """Map a raw demographic column to canonical codes, vectorised over distinct values.

    ``stratifier`` is one of ``race_ethnicity``, ``sexual_orientation``, ``gender_identity``,
    ``language``. Accepted raw values:

    * race_ethnicity — SPD 15 (2024) minimum-category names and common aliases, the detailed
      categories of the directive's Figure 1, CDC Race & Ethnicity codes (rolled up by the
      code hierarchy), "Multiracial", and several selections separated by ``;`` or ``|``
      (combined per ``hispanic``, see :func:`from_1997` for the two-question format);
    * sexual_orientation / gender_identity — USCDI v3 answer labels, SNOMED CT ids, NullFlavor
      codes;
    * language — names from :data:`LANGUAGES` (e.g. "Spanish" → ``es``, "Chinese (Mandarin)"
      → ``cmn``), or any well-formed BCP 47 tag (returned in canonical case, ISO 639-2 codes
      shortened per RFC 5646 §2.2.1);
    * in every column, missing-value labels map to ``unknown``, ``declined``,
      ``not_collected`` or ``missing`` (blank/None/NaN), kept distinct.

    Unrecognised values raise :class:`InputError` naming the first such row (1-based) and
    ``column`` (default: the stratifier), unless ``strict=False``, when they are coded
    ``missing`` and reported in ``unrecognised_rows`` / ``unrecognised_values``.

    >>> normalize("race_ethnicity", ["Asian", "2106-3", "declined", None]).codes.tolist()
    ['asian', 'white', 'declined', 'missing']
    >>> col = normalize("sexual_orientation", ["gay", "purple"], strict=False)
    >>> col.codes.tolist(), col.unrecognised_rows.tolist(), col.unrecognised_values
    (['lesbian_gay', 'missing'], [2], ('purple',))
    >>> normalize("sexual_orientation", ["gay", "purple"])
    Traceback (most recent call last):
        ...
    equitystats.errors.InputError: row 2, column "sexual_orientation": unrecognised
    sexual_orientation value 'purple'
    """
    mapper = _mapper_for(stratifier, hispanic)
    uniques, inverse = _factorize(values)
    mapped = [MISSING if u is None else mapper(u) for u in uniques]
    return _build(stratifier, uniques, inverse, mapped, strict=strict, column=column)


def from_1997(
    ethnicity: Iterable[object] | np.ndarray,
    race: Iterable[object] | np.ndarray,
    *,
    hispanic: HispanicRule = "any_race",
    unknown_ethnicity: Literal["race", "unknown"] = "race",
    strict: bool = True,
    columns: tuple[str, str] = ("ethnicity", "race"),
) -> NormalizedColumn:
    """Map the 1997 two-question format onto the SPD 15 (2024) combined categories.

    ``ethnicity``: Hispanic or Latino / Not Hispanic or Latino (labels, Y/N, CDC 2135-2 and
    2186-5, detailed Hispanic origins or codes) or a missing label. ``race``: one or more 1997
    races (``;`` or ``|`` separated), detailed groups, or CDC codes.

    ``hispanic="any_race"`` (default) codes every Hispanic respondent ``hispanic`` — the 1997
    tabulation "Hispanic or Latino, of any race" — because the 1997 form made Hispanic
    respondents also pick a race, and counting that forced second answer as a second
    selection would inflate ``multiracial``. ``hispanic="combine"`` treats the ethnicity
    answer as one more selection of the combined question (Hispanic + White → multiracial).
    Non-Hispanic respondents get their race (several races → ``multiracial``). When the
    ethnicity answer is missing, ``unknown_ethnicity="race"`` uses the race answer and
    ``"unknown"`` keeps the ethnicity's missing-value code.

    Note: a 1997 "White" answer cannot be split into White and MENA without a detailed origin.

    >>> from_1997(["Hispanic or Latino", "N", "unknown"], ["White", "Black; White", "Asian"]).codes.tolist()
    ['hispanic', 'multiracial', 'asian']
    """
    eth_uniques, eth_inverse = _factorize(ethnicity)
    race_uniques, race_inverse = _factorize(race)
    if len(eth_inverse) != len(race_inverse):
        raise InputError(f"ethnicity has {len(eth_inverse)} rows but race has {len(race_inverse)}")
    eth_col, race_col = columns
    eth_codes: list[str | None] = []
    for raw in eth_uniques:
        if raw is None:
            eth_codes.append(MISSING)
            continue
        text = _clean(raw)
        if text in ("y", "yes"):
            eth_codes.append(HISPANIC)
        elif text in ("n", "no"):
            eth_codes.append(NOT_HISPANIC)
        else:
            code = _race_token(raw)
            eth_codes.append(code if code in (HISPANIC, NOT_HISPANIC, *MISSING_CODES) else None)
    race_sets: list[list[str] | None] = []
    for raw in race_uniques:
        if raw is None:
            race_sets.append([MISSING])
            continue
        tokens = [t for t in _SEPARATORS.split(raw) if t.strip()] or [raw]
        cats = [_race_token(t) for t in tokens]
        race_sets.append(None if any(c is None for c in cats) else cats)  # type: ignore[misc]

    bad_eth = np.array([c is None for c in eth_codes])[eth_inverse]
    bad_race = np.array([s is None for s in race_sets])[race_inverse]
    if strict and (bad_eth.any() or bad_race.any()):
        first_eth = int(np.argmax(bad_eth)) if bad_eth.any() else len(bad_eth)
        first_race = int(np.argmax(bad_race)) if bad_race.any() else len(bad_race)
        if first_eth <= first_race:
            raw = eth_uniques[eth_inverse[first_eth]]
            raise InputError(
                f"unrecognised ethnicity value {raw!r}", row=first_eth + 1, column=eth_col
            )
        raw = race_uniques[race_inverse[first_race]]
        raise InputError(f"unrecognised race value {raw!r}", row=first_race + 1, column=race_col)

    n_race = len(race_uniques)
    pair = eth_inverse * n_race + race_inverse
    pairs, inverse = np.unique(pair, return_inverse=True)
    mapped: list[str | None] = []
    labels: list[str | None] = []
    for key in pairs:
        e, r = divmod(int(key), n_race)
        eth, cats = eth_codes[e], race_sets[r]
        labels.append(f"{eth_uniques[e]} / {race_uniques[r]}")
        if eth is None or cats is None:
            mapped.append(None)
            continue
        if eth == HISPANIC or (HISPANIC in cats and eth != NOT_HISPANIC):
            selections = [HISPANIC, *cats] if hispanic == "combine" else [HISPANIC]
            mapped.append(_combine(selections, hispanic))
        elif eth == NOT_HISPANIC:
            mapped.append(_combine([c for c in cats if c != HISPANIC] or [MISSING], "combine"))
        elif unknown_ethnicity == "race":
            mapped.append(_combine(cats, "combine"))
        else:
            mapped.append(eth)
    return _build(
        "race_ethnicity", labels, np.asarray(inverse), mapped, strict=False, column=race_col
    )


def display_name(stratifier: str, code: str) -> str:
    """Human-readable name of one canonical code.

    >>> display_name("race_ethnicity", "nhpi"), display_name("language", "es"), display_name("gender_identity", "missing")
    ('Native Hawaiian or Pacific Islander', 'Spanish', 'Missing (blank)')
    """
    if code in MISSING_DISPLAY:
        return MISSING_DISPLAY[code]
    if stratifier == "language":
        return language_name(code)
    table = {
        "race_ethnicity": RACE_ETHNICITY_DISPLAY,
        "sexual_orientation": SEXUAL_ORIENTATION_DISPLAY,
        "gender_identity": GENDER_IDENTITY_DISPLAY,
    }.get(stratifier, {})
    return table.get(code, code)
