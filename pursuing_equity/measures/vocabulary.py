"""The words measures are stratified in: the total row's stratifier and group, the standard
stratifiers and the reference rules. Plain constants, imported by the models and by
``categories`` alike, so that neither needs the other at import time."""

from __future__ import annotations

from django.db import models

OVERALL = "overall"  # the stratifier of the total row; its one group is ALL
ALL = "all"


class StandardStratifier(models.TextChoices):
    """Stratifiers whose categories come from ``equitystats.standards``."""

    RACE_ETHNICITY = "race_ethnicity", "Race and ethnicity"
    LANGUAGE = "language", "Preferred language"
    SEXUAL_ORIENTATION = "sexual_orientation", "Sexual orientation"
    GENDER_IDENTITY = "gender_identity", "Gender identity"


class ReferenceChoice(models.TextChoices):
    """Reference group rules other than naming a group."""

    BEST = "best", "The group with the best rate"
    LARGEST = "largest", "The largest group"
    OVERALL = "overall", "Everyone (the overall rate)"
