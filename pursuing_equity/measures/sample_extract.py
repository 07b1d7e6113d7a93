"""A de-identified patient-level extract with ages, as a team's EHR report would give it: the demo's
extract-fed measure and the tests use it (not a test helper: the demo needs it too).

The groups differ in age (Hispanic and Black patients are younger here, as in many U.S. clinic
panels) and the measure depends on age (control falls with age), so crude rates by race and
ethnicity mix the two; the age-adjusted rates (:mod:`.adjusted`) show the gap that remains at
equal ages (:data:`GAPS`). Deterministic for a seed; vectorised (numpy), no loop over patients.
"""

from __future__ import annotations

import datetime

import numpy as np

#: Race/ethnicity → share of the panel and how its patients spread over the age bands
#: 18-44, 45-64, 65-74, 75-85.
GROUPS: dict[str, tuple[float, tuple[float, float, float, float]]] = {
    "white": (0.50, (0.25, 0.38, 0.22, 0.15)),
    "hispanic": (0.22, (0.50, 0.35, 0.10, 0.05)),
    "black": (0.18, (0.42, 0.38, 0.13, 0.07)),
    "asian": (0.08, (0.40, 0.38, 0.14, 0.08)),
    "aian": (0.02, (0.45, 0.35, 0.12, 0.08)),
}
AGE_RANGES = ((18, 44), (45, 64), (65, 74), (75, 85))
#: Probability of the numerator by age band (the reference group's).
AGE_RATES = (0.72, 0.62, 0.54, 0.46)
#: Difference in that probability from White patients of the same age.
GAPS = {"black": -0.08, "hispanic": -0.04, "asian": 0.0, "aian": -0.05}
HEADER = "month,race_ethnicity,language,age,numerator,denominator"


def age_extract_csv(
    *, start: datetime.date, months: int, patients: int, seed: int, eligibility: float = 0.9
) -> bytes:
    """CSV bytes: one row per patient and month (``patients`` × ``months`` rows at most)."""
    rng = np.random.default_rng(seed)
    names = list(GROUPS)
    shares = np.array([GROUPS[g][0] for g in names])
    race = rng.choice(len(names), size=patients, p=shares / shares.sum())
    band = np.empty(patients, dtype=int)
    for i, name in enumerate(names):
        mine = race == i
        spread = np.array(GROUPS[name][1])
        band[mine] = rng.choice(len(AGE_RANGES), size=int(mine.sum()), p=spread / spread.sum())
    low = np.array([lo for lo, _ in AGE_RANGES])[band]
    high = np.array([hi for _, hi in AGE_RANGES])[band]
    age0 = rng.integers(low, high + 1)
    spanish = (np.array(names)[race] == "hispanic") & (rng.random(patients) < 0.45)
    language = np.where(spanish, "es", "en")
    gap = np.array([GAPS.get(n, 0.0) for n in names])[race]
    p = np.clip(np.array(AGE_RATES)[band] + gap, 0.01, 0.99)
    lines = [HEADER]
    month = start
    for k in range(months):
        eligible = rng.random(patients) < eligibility
        hit = eligible & (rng.random(patients) < p)
        age = np.minimum(age0 + k // 12, 85)
        rows = np.flatnonzero(eligible)
        race_text = np.array(names)[race[rows]]
        lines += [
            f"{month.isoformat()},{r},{lang},{a},{int(h)},1"
            for r, lang, a, h in zip(race_text, language[rows], age[rows], hit[rows], strict=True)
        ]
        month = (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return ("\n".join(lines) + "\n").encode()
