"""Missing-value labels for :mod:`equitystats.standards` (which re-exports
:func:`missing_code`): four distinct codes, never merged. ``ASKU`` follows 45 CFR 170.207(o)
(HL7 NullFlavor "asked but unknown" codes "Choose not to disclose" for SOGI).
"""

from __future__ import annotations

from equitystats._categories import (
    DECLINED,
    MISSING,
    MISSING_LABELS,
    SOGI_STRATIFIERS,
    UNKNOWN,
)

_MISSING_LABELS: dict[str, str] = {
    label: code for code, labels in MISSING_LABELS.items() for label in labels
}


def _clean(label: str) -> str:
    """Lower-case, trim, collapse internal white space and unify apostrophes."""
    return " ".join(label.replace("\u2019", "'").replace("_", " ").split()).lower()


def missing_code(label: str | None, stratifier: str | None = None) -> str | None:
    """The missing-value code a raw label stands for, or ``None`` when it is a real answer.

    ``None`` and blank cells are ``missing``. HL7 NullFlavor ``ASKU`` ("asked but unknown") is
    ``declined`` for sexual orientation and gender identity, because 45 CFR 170.207(o) codes
    "Choose not to disclose" as ASKU, and ``unknown`` elsewhere.

    >>> missing_code("Patient declined"), missing_code(None), missing_code("ASKU", "gender_identity")
    ('declined', 'missing', 'declined')
    >>> missing_code("White") is None
    True
    """
    if label is None:
        return MISSING
    text = _clean(str(label))
    if text == "asku":
        return DECLINED if stratifier in SOGI_STRATIFIERS else UNKNOWN
    return _MISSING_LABELS.get(text)
