"""Preferred language as BCP 47 tags (RFC 5646, September 2009) for
:mod:`equitystats.standards`, which re-exports :func:`is_well_formed_language_tag`,
:func:`canonical_case` and :func:`language_name`: well-formedness is the Language-Tag ABNF of
RFC 5646 §2.1, letter case is §2.1.1, and ISO 639-2 codes are shortened to ISO 639-1 per
§2.2.1 rule 2.
"""

from __future__ import annotations

import re

from equitystats._categories import (
    GRANDFATHERED,
    ISO639_2_TO_1,
    LANGUAGE_ALIASES,
    LANGUAGES,
    MISSING_DISPLAY,
    UNKNOWN,
)
from equitystats._missing import _clean, missing_code

_LANGUAGE_ALIASES: dict[str, str] = {_clean(name): tag for tag, name in LANGUAGES.items()}
_LANGUAGE_ALIASES.update(LANGUAGE_ALIASES)
# RFC 5646 §2.1 ABNF as a regular expression (case-insensitive).
_ALNUM = "[a-z0-9]"
_LANGTAG = (
    r"(?:[a-z]{2,3}(?:-[a-z]{3}){0,3}|[a-z]{4}|[a-z]{5,8})"  # language ["-" extlang]
    r"(?:-[a-z]{4})?"  # script
    r"(?:-(?:[a-z]{2}|[0-9]{3}))?"  # region
    rf"(?:-(?:{_ALNUM}{{5,8}}|[0-9]{_ALNUM}{{3}}))*"  # variant
    rf"(?:-[0-9a-wyz](?:-{_ALNUM}{{2,8}})+)*"  # extension
    rf"(?:-x(?:-{_ALNUM}{{1,8}})+)?"  # privateuse
)
_PRIVATEUSE = rf"x(?:-{_ALNUM}{{1,8}})+"
_GRANDFATHERED_LOWER = frozenset(g.lower() for g in GRANDFATHERED)
_BCP47 = re.compile(
    rf"^(?:{_LANGTAG}|{_PRIVATEUSE}|{'|'.join(re.escape(g) for g in GRANDFATHERED)})$",
    re.IGNORECASE,
)


def is_well_formed_language_tag(tag: str) -> bool:
    """True when ``tag`` matches the Language-Tag ABNF of RFC 5646 §2.1 (well-formed, §2.2.9).

    Well-formedness is syntax only: it does not look subtags up in the IANA registry, so
    ``"xx-YY"`` is well-formed although ``xx`` is not a registered language.

    >>> is_well_formed_language_tag("zh-Hant-TW"), is_well_formed_language_tag("en--us")
    (True, False)
    """
    return bool(_BCP47.match(tag)) and "--" not in tag


def canonical_case(tag: str) -> str:
    """RFC 5646 §2.1.1 letter case: language lower, script title case, region upper.

    Subtags after a singleton (extensions, private use) are lower case.

    >>> canonical_case("ZH-hant-tw")
    'zh-Hant-TW'
    """
    parts = tag.split("-")
    out = [parts[0].lower()]
    after_singleton = len(parts[0]) == 1
    for part in parts[1:]:
        if after_singleton or len(part) == 1:
            after_singleton = True
            out.append(part.lower())
        elif len(part) == 4 and part.isalpha():
            out.append(part.title())
        elif len(part) == 2 and part.isalpha():
            out.append(part.upper())
        else:
            out.append(part.lower())
    return "-".join(out)


def _language_value(raw: str) -> str | None:
    text = _clean(raw)
    if text in _LANGUAGE_ALIASES:
        return _LANGUAGE_ALIASES[text]
    if text == "und":  # ISO 639-2 "undetermined"
        return UNKNOWN
    missing = missing_code(text, "language")
    if missing is not None:
        return missing
    tag = raw.strip().replace("_", "-")
    if not is_well_formed_language_tag(tag):
        return None
    primary = tag.split("-")[0].lower()
    # Primary subtags of 4 letters are reserved and 5-8 letters are registered-only (none are
    # registered, RFC 5646 §2.2.1): treat them as misspelled names, not languages.
    if len(primary) > 3 and tag.lower() not in _GRANDFATHERED_LOWER:
        return None
    canonical = canonical_case(tag)
    head, _, rest = canonical.partition("-")
    if head in ISO639_2_TO_1:
        canonical = ISO639_2_TO_1[head] + ("-" + rest if rest else "")
    return canonical


def language_name(tag: str) -> str:
    """Display name of a tag from :data:`LANGUAGES` (by primary language), else the tag.

    >>> language_name("es-MX"), language_name("declined"), language_name("xx")
    ('Spanish', 'Declined to answer', 'xx')
    """
    if tag in LANGUAGES:
        return LANGUAGES[tag]
    if tag in MISSING_DISPLAY:
        return MISSING_DISPLAY[tag]
    return LANGUAGES.get(tag.split("-")[0].lower(), tag)
