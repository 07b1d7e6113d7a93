"""Hypothesis settings the fuzz tests share (the counts parser, the program loader)."""

from hypothesis import HealthCheck, settings


def fuzz(examples: int) -> settings:
    """``examples`` examples, no deadline; the large runs (``-m slow``, 100,000) are derandomized so
    that CI replays exactly the examples checked before landing."""
    return settings(
        max_examples=examples,
        derandomize=examples > 10_000,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
