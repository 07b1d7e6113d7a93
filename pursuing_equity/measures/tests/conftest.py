import pytest
from django.core.cache import cache

from pursuing_equity.measures.tests.factories import TeamFactory, measure, member


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def _empty_cache():
    """Every test starts and ends with an empty cache (dashboards keep decoded results there)."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def team(db):
    return TeamFactory()


@pytest.fixture
def editor(team):
    return member(team)


@pytest.fixture
def bp(team, editor):
    """Blood pressure control, monthly, by race/ethnicity and language."""
    return measure(team, editor)
