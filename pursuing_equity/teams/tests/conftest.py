import pytest

from pursuing_equity.teams.tests.factories import make_world


@pytest.fixture
def world(db):
    return make_world()


@pytest.fixture
def login(client):
    """Sign ``user`` in on the test client (None: stay anonymous)."""

    def sign_in(user):
        client.logout()
        if user is not None:
            client.force_login(user)
        return client

    return sign_in
