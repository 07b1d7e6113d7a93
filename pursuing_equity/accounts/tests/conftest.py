import pytest

from pursuing_equity.accounts.tests.factories import make_personas


@pytest.fixture
def personas(db):
    return make_personas()
