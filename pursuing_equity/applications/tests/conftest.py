import pytest

from pursuing_equity.accounts.tests.factories import make_personas


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def personas(db):
    return make_personas()
