import pytest

from pursuing_equity.accounts.tests.factories import make_personas


@pytest.fixture
def personas(db):
    return make_personas()


@pytest.fixture
def staff_client(client, personas):
    client.force_login(personas.people["staff"])
    return client
