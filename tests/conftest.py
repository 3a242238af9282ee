import pytest

from .factories import make_user


@pytest.fixture
def superuser(db):
    return make_user("chief", superuser=True)


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client
