import pytest

from pursuing_equity.events.tests.factories import make_program


@pytest.fixture
def program(db):
    return make_program()
