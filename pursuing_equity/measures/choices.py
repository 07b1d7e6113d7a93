"""The program's choices for charts, suppression and age adjustment: ``[measures]`` of a program
file, with the defaults used where the file says nothing.

Chart rules are the program's choice: the run chart with the IHI rules by default, and Shewhart
limits (a p chart, read with the same IHI rules plus points outside the limits) once a series
has at least :data:`CONTROL_LIMITS_MIN_POINTS` points: with fewer, limits estimated from a
handful of points move too much to judge against (Provost & Murray, *The Health Care Data
Guide*, 2011, recommend 20–25 subgroups to establish limits). A program file may set both under
``[measures]`` (``chart_rules``, ``control_limits_min_points``).
"""

from __future__ import annotations

from dataclasses import dataclass

from equitystats import spc, suppress

#: Rule set of the run and control charts unless the program file chooses another.
DEFAULT_CHART_RULES = "ihi"
#: Points needed before Shewhart limits are drawn (see the module docstring).
CONTROL_LIMITS_MIN_POINTS = 20
#: Rates are shown in percent, gaps in percentage points.
MULTIPLIER = 100.0
#: Fewest patients a group needs in a period to enter the summary disparity measures (see
#: :func:`disparity_view`); a program file may set ``[measures] min_group_denominator``.
MIN_GROUP_DENOMINATOR = 20
#: Stratifiers whose groups are ordered unless the program file lists others
#: (``[measures] ordered_stratifiers``).
ORDERED_STRATIFIERS = ("age_group",)

US2000, TEAM_TOTAL = "us2000", "team_total"
#: Age bands of an extract's ages unless the program file lists others (``age_bands``).
DEFAULT_BANDS: tuple[str, ...] = ("0-14", "15-44", "45-64", "65-74", "75+")
STANDARD_LABELS = {
    US2000: "Age-adjusted (2000 U.S. standard)",
    TEAM_TOTAL: "Age-adjusted (the team's own patients as the standard)",
}


def age_settings(cycle) -> tuple[str, tuple[str, ...]]:
    """The standard population and the age bands of a program cycle's ``[measures]``."""
    facts = ((getattr(cycle, "document", None) or {}).get("measures")) or {}
    standard = facts.get("age_standard", US2000)
    return (
        standard if standard in STANDARD_LABELS else US2000,
        tuple(facts.get("age_bands", DEFAULT_BANDS)),
    )


@dataclass(frozen=True)
class ChartSettings:
    """The program's choices for charts and suppression."""

    rules: str = DEFAULT_CHART_RULES
    control_min_points: int = CONTROL_LIMITS_MIN_POINTS
    threshold: int = suppress.DEFAULT_THRESHOLD
    min_group_denominator: int = MIN_GROUP_DENOMINATOR
    ordered_stratifiers: tuple[str, ...] = ORDERED_STRATIFIERS
    zero_beside: bool = True  # suppress_zero_beside_suppressed
    age_standard: str = US2000  # and the bands of ages: measures.adjusted
    age_bands: tuple[str, ...] = DEFAULT_BANDS


def chart_settings(cycle) -> ChartSettings:
    """The chart settings of a program cycle (``[measures]`` of its file), or the defaults."""
    facts = ((getattr(cycle, "document", None) or {}).get("measures")) or {}
    rules = facts.get("chart_rules", DEFAULT_CHART_RULES)
    return ChartSettings(
        rules=rules if rules in spc.RULES else DEFAULT_CHART_RULES,
        control_min_points=int(facts.get("control_limits_min_points", CONTROL_LIMITS_MIN_POINTS)),
        threshold=int(facts.get("suppression_threshold", suppress.DEFAULT_THRESHOLD)),
        min_group_denominator=int(facts.get("min_group_denominator", MIN_GROUP_DENOMINATOR)),
        ordered_stratifiers=tuple(facts.get("ordered_stratifiers", ORDERED_STRATIFIERS)),
        age_standard=age_settings(cycle)[0],
        age_bands=age_settings(cycle)[1],
        zero_beside=bool(facts.get("suppress_zero_beside_suppressed", True)),
    )
