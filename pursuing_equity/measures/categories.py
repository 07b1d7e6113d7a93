"""The groups of each stratifier a measure reports, and how a typed label maps to a group code.

Standard stratifiers take their categories and their label mapping from
``equitystats.standards`` (so "Black or African American", "black" and the CDC code all become
``black``); a team's own stratifiers (payer, neighbourhood …) use the categories the team listed.
Every stratifier also has the missing-value groups (unknown, declined, not collected, missing), kept
apart so that data completeness can be shown.
"""

from __future__ import annotations

from equitystats import standards
from pursuing_equity.measures.vocabulary import ALL, OVERALL, ReferenceChoice, StandardStratifier

MISSING_GROUPS: tuple[str, ...] = standards.MISSING_CODES

STANDARD_CATEGORIES: dict[str, tuple[str, ...]] = {
    "race_ethnicity": standards.RACE_ETHNICITY_CODES,
    "language": tuple(standards.LANGUAGES),
    "sexual_orientation": tuple(standards.SEXUAL_ORIENTATION_DISPLAY),
    "gender_identity": tuple(standards.GENDER_IDENTITY_DISPLAY),
}


def is_standard(stratifier: str) -> bool:
    return stratifier in StandardStratifier.values


def categories(measure, stratifier: str) -> tuple[str, ...]:
    """Group codes of a stratifier in the order the template lists them, missing codes last."""
    if stratifier == OVERALL:
        return (ALL,)
    if is_standard(stratifier):
        known = STANDARD_CATEGORIES[stratifier]
    else:
        known = tuple(measure.custom_stratifiers.get(stratifier, {}).get("categories", ()))
    return (*known, *MISSING_GROUPS)


def group_code(measure, stratifier: str, raw: str) -> str | None:
    """The group code a typed label stands for, or None when the stratifier has no such group."""
    text = raw.strip()
    if stratifier == OVERALL:
        return ALL if text.lower() in (ALL, "", "overall", "total") else None
    missing = standards.missing_code(text, stratifier if is_standard(stratifier) else None)
    if not text:
        return None
    if missing in MISSING_GROUPS:
        return missing
    if is_standard(stratifier):
        code = standards.code_for(stratifier, text)
        if code is None or code == standards.MISSING:
            return None
        if stratifier == "language":
            return code
        return code if code in STANDARD_CATEGORIES[stratifier] else None
    wanted = text.lower()
    for category in categories(measure, stratifier):
        if category.lower() == wanted:
            return category
    return None


def group_label(measure, stratifier: str, code: str) -> str:
    """A group's name as people read it (reference rules included)."""
    if code == ALL:
        return "everyone"
    if code in ReferenceChoice.values:
        return {
            ReferenceChoice.BEST: "the best-performing group",
            ReferenceChoice.LARGEST: "the largest group",
            ReferenceChoice.OVERALL: "everyone",
        }[ReferenceChoice(code)]
    if is_standard(stratifier) or code in standards.MISSING_DISPLAY:
        return standards.display_name(stratifier if is_standard(stratifier) else "", code)
    return code


def allowed_text(measure, stratifier: str, limit: int = 12) -> str:
    """The groups of a stratifier for an error message, shortened when there are many."""
    codes = categories(measure, stratifier)
    shown = ", ".join(codes[:limit])
    return shown + (f" … ({len(codes)} in all, see the template)" if len(codes) > limit else "")


def is_missing_group(stratifier: str, group: str) -> bool:
    """Unknown, declined, not collected: not a population group, but a data-quality figure."""
    return standards.missing_code(group, stratifier) is not None
