"""Shared fixtures of the review tests."""

from __future__ import annotations

import functools

import pytest
from django.conf import settings

from pursuing_equity.programs.services import program_read, to_json
from pursuing_equity.programs.tests.factories import load_cycle


@functools.cache
def _document() -> dict:
    return to_json(program_read(settings.PE_PROGRAM_FILE))


def program_document() -> dict:
    """The program file as stored in Cycle.document (read once per test run)."""
    return _document()


@pytest.fixture
def cycle(db):
    return load_cycle()


@pytest.fixture
def staff_user(db):
    from pursuing_equity.review.tests.factories import staff

    return staff()


@pytest.fixture
def personas(db):
    from pursuing_equity.accounts.tests.factories import make_personas

    return make_personas()


@pytest.fixture
def no_minimum_reviews(cycle):
    """The cycle with no minimum of reviews, for tests about what decisions do (the minimum has
    its own tests in test_decisions)."""
    cycle.document["review_rubric"]["reviewers_per_application"] = {
        key: 0 for key in cycle.document["cohorts"]
    }
    cycle.save(update_fields=["document"])
    return cycle
