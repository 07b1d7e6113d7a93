"""Small cohorts of 4–5 teams: an optimal grouping by what staff say matters (no Django).

Each team has features (region, size, organization type, populations served …). For every factor
staff give a weight ``w ≥ 0`` and say whether teams in a cohort should be *alike* or *diverse* in
it. A cohort scores the sum of the pair scores ``p(i, j)`` over its pairs, and the assignment
maximises the total over cohorts, with every cohort of ``min_size``–``max_size`` teams, a chosen
number of cohorts ``K`` (by default the fewest), pinned teams in their cohort and keep-apart pairs
in different cohorts. With ``K`` fixed, the numbers of cohorts of each size are fixed too, so
every assignment has the same number of pairs and scores compare fairly. This is the maximally
diverse grouping problem (MDGP) with a general pair weight (Gallego, Laguna, Martí & Duarte, "Tabu
search with strategic oscillation for the maximally diverse grouping problem", J. Oper. Res. Soc.
64 (2013) 724–734).

One module per job:

- :mod:`.problem` — the types, the pair scores and the checked problem in index form;
- :mod:`.local_search` — iterated local search (Lai & Hao 2016) and the star bound;
- :mod:`.columns` — the set-partitioning columns, the master LP and its subset-row cuts;
- :mod:`.exact` — column generation, then :mod:`.enumeration` of the columns the reduced costs
  leave (Baldacci, Christofides & Mingozzi 2008): a proven optimum;
- :mod:`.words` — the sentence on why a cohort's teams are together;
- :mod:`.solve` — the entry points :func:`solve`, :func:`check`, :func:`score_of`.

Everything returned is a frozen dataclass; inputs are never mutated.
"""

from pursuing_equity.teams.cohort_solver.local_search import star_bound
from pursuing_equity.teams.cohort_solver.problem import (
    CohortProblem,
    CohortProblemError,
    CohortSolution,
    Factor,
    Preference,
    SolvedCohort,
    TeamFeatures,
    cohort_counts,
    pair_scores,
    similarity,
)
from pursuing_equity.teams.cohort_solver.solve import EXACT_MAX_TEAMS, check, score_of, solve
from pursuing_equity.teams.cohort_solver.words import explain

__all__ = [
    "EXACT_MAX_TEAMS",
    "CohortProblem",
    "CohortProblemError",
    "CohortSolution",
    "Factor",
    "Preference",
    "SolvedCohort",
    "TeamFeatures",
    "check",
    "cohort_counts",
    "explain",
    "pair_scores",
    "score_of",
    "similarity",
    "solve",
    "star_bound",
]
