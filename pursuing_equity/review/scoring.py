"""Rubric scores of several reviewers, summarised for program staff: mean, spread, disagreement.

Pure functions, no Django. The rubric (criteria, scale) and the two disagreement thresholds come
from the program file's ``review_rubric`` table, one rubric per cohort (see :func:`rubric_of`).

**Strong disagreement** (the flag staff see) is raised when, among the reviewers who submitted:

* on any one criterion the highest and the lowest score differ by at least
  ``disagreement_spread`` points (2 on the 1–5 scale: one reviewer finds a criterion "Evident"
  while another finds it "Not evident"), or
* the reviewers' overall scores (each reviewer's mean over the criteria) have a sample standard
  deviation of at least ``disagreement_sd`` (1.5 on the 1–5 scale: e.g. overall 2.0 against 4.2).

One review cannot disagree with itself, so fewer than two reviews never raise the flag.
"""

from __future__ import annotations

import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

# Used only when a program file has no such keys (older files); the 2023 file states them.
DEFAULT_DISAGREEMENT_SPREAD = 2
DEFAULT_DISAGREEMENT_SD = 1.5


@dataclass(frozen=True)
class Criterion:
    key: str
    name: str
    guidance: str


@dataclass(frozen=True)
class Rubric:
    criteria: tuple[Criterion, ...]
    scale_min: int
    scale_max: int
    scale_labels: tuple[str, ...]
    disagreement_spread: float
    disagreement_sd: float

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(c.key for c in self.criteria)

    @property
    def scale(self) -> list[tuple[int, str]]:
        """(score, label) from the lowest score to the highest."""
        return list(zip(range(self.scale_min, self.scale_max + 1), self.scale_labels, strict=True))


def rubric_of(document: Mapping, cohort_key: str) -> Rubric:
    """The rubric an application is scored on while it is reviewed for the cohort ``cohort_key``
    (``review_rubric.criteria.<cohort>``; the scale and thresholds are shared by the cohorts).

    Each reviewer assignment belongs to one cohort, so an Action Community application moved to
    the Learning Network keeps its Action Community reviews as they were scored, and its further
    (Learning Network) reviews use the Learning Network's criteria. KeyError if the file gives
    the cohort no rubric.
    """
    table = document["review_rubric"]
    try:
        criteria = table["criteria"][cohort_key]
    except KeyError:
        raise KeyError(
            f"the program file has no review rubric for the cohort {cohort_key!r}"
        ) from None
    return Rubric(
        criteria=tuple(Criterion(c["key"], c["name"], c.get("guidance", "")) for c in criteria),
        scale_min=int(table["scale_min"]),
        scale_max=int(table["scale_max"]),
        scale_labels=tuple(table["scale_labels"]),
        disagreement_spread=table.get("disagreement_spread", DEFAULT_DISAGREEMENT_SPREAD),
        disagreement_sd=table.get("disagreement_sd", DEFAULT_DISAGREEMENT_SD),
    )


@dataclass(frozen=True)
class CriterionSummary:
    key: str
    name: str
    scores: tuple[int, ...]
    mean: float | None
    spread: int | None  # highest − lowest
    disagreement: bool


@dataclass(frozen=True)
class ScoreSummary:
    count: int
    criteria: tuple[CriterionSummary, ...]
    overall_scores: tuple[float, ...]  # one per review: its mean over the criteria
    mean: float | None
    spread: float | None  # highest − lowest overall score
    sd: float | None  # sample standard deviation of the overall scores (two reviews or more)
    disagreement: bool
    reasons: tuple[str, ...]


def review_mean(scores: Mapping[str, int], keys: Sequence[str]) -> float:
    """One review's overall score: the mean of its criterion scores."""
    return statistics.fmean(scores[k] for k in keys)


def summarize(rubric: Rubric, reviews: Sequence[Mapping[str, int]]) -> ScoreSummary:
    """Mean, spread and disagreement of ``reviews`` (each a mapping criterion key → score).

    Every review must score every criterion of the rubric (KeyError otherwise): a half-scored
    review is not submitted, so it is not summarised. The order of the reviews does not matter.
    """
    keys = rubric.keys
    criteria = []
    reasons = []
    for criterion in rubric.criteria:
        scores = tuple(sorted(int(r[criterion.key]) for r in reviews))
        spread = scores[-1] - scores[0] if scores else None
        disagree = len(scores) >= 2 and spread >= rubric.disagreement_spread
        if disagree:
            reasons.append(f"{criterion.name}: scores from {scores[0]} to {scores[-1]}")
        criteria.append(
            CriterionSummary(
                key=criterion.key,
                name=criterion.name,
                scores=scores,
                mean=statistics.fmean(scores) if scores else None,
                spread=spread,
                disagreement=disagree,
            )
        )
    overall = tuple(sorted(review_mean(r, keys) for r in reviews))
    sd = statistics.stdev(overall) if len(overall) >= 2 else None
    if sd is not None and sd >= rubric.disagreement_sd:
        reasons.append(f"Overall scores from {overall[0]:.1f} to {overall[-1]:.1f}")
    return ScoreSummary(
        count=len(reviews),
        criteria=tuple(criteria),
        overall_scores=overall,
        mean=statistics.fmean(overall) if overall else None,
        spread=overall[-1] - overall[0] if overall else None,
        sd=sd,
        disagreement=bool(reasons),
        reasons=tuple(reasons),
    )
