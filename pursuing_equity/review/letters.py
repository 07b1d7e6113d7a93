"""Decision letters from the templates of the program file (``decision_letters``). Pure, no Django.

A template's ``{format:key.path}`` placeholders refer to the program file (rendered by
:mod:`pursuing_equity.programs.text`); its ``${name}`` fields are filled for each application with
the values in :data:`FIELDS`. An empty ``${feedback}`` leaves no empty paragraph behind.
"""

from __future__ import annotations

import re
import string
from collections.abc import Mapping
from dataclasses import dataclass

from pursuing_equity.programs import text as program_text

# Letters by decision: "<cohort key>_accept" (accepted to that cohort), "<cohort key>_not_selected"
# (not selected for a cohort with a fallback: feedback and the offer of the fallback), "decline".
DECLINE = "decline"


def accept_key(cohort_key: str) -> str:
    return f"{cohort_key}_accept"


def not_selected_key(cohort_key: str) -> str:
    return f"{cohort_key}_not_selected"


def required_letters(document: Mapping) -> list[str]:
    """The letters a program document must have: one per decision its cohorts allow."""
    keys = []
    for key, cohort in document["cohorts"].items():
        keys.append(accept_key(key))
        if cohort["application"].get("fallback_cohort"):
            keys.append(not_selected_key(key))
    return [*keys, DECLINE]


FIELDS = ("recipient", "organization", "cohort", "feedback", "status_url")


@dataclass(frozen=True)
class Letter:
    subject: str
    body: str


def render_letter(document: Mapping, key: str, values: Mapping[str, str]) -> Letter:
    """The letter ``key`` of the program document with ``values`` filled in.

    KeyError when the document has no such letter or a template uses a field not in ``values``.
    """
    template = document["decision_letters"][key]
    filled = {name: str(values.get(name, "")).strip() for name in FIELDS}

    def fill(text: str) -> str:
        return string.Template(program_text.render(text, document)).substitute(filled)

    body = fill(template["body"])
    body = re.sub(r"\n{3,}", "\n\n", body).strip() + "\n"
    return Letter(subject=fill(template["subject"]).strip(), body=body)


def letter_problems(document: Mapping) -> list[str]:
    """What is wrong with the letters of a document (missing letter, unknown field): for tests."""
    problems = []
    letters = document.get("decision_letters", {})
    for key in required_letters(document):
        if key not in letters:
            problems.append(f"decision_letters.{key} is missing")
            continue
        try:
            render_letter(document, key, dict.fromkeys(FIELDS, "x"))
        except (KeyError, ValueError) as error:
            problems.append(f"decision_letters.{key}: {error}")
    return problems
