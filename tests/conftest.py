"""Fixtures shared by the whole suite: a team with an owner and a teammate, an outsider from
another team, and clients that enforce CSRF like a real browser session does."""

from __future__ import annotations

import os
import tempfile

# Tests never touch a real data directory or a developer's settings.
if not os.environ.get("HEARD_DATA_DIR"):
    os.environ["HEARD_DATA_DIR"] = tempfile.mkdtemp(prefix="heard-test-")
# The suite uses the in-memory channel layer; Redis wiring has its own settings tests.
os.environ.pop("REDIS_URL", None)

import pytest  # noqa: E402

PASSWORD = "correct horse battery staple 42"


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _user(django_user_model, username):
    return django_user_model.objects.create_user(
        username=username, email=f"{username}@example.org", password=PASSWORD
    )


@pytest.fixture
def owner(db, django_user_model):
    return _user(django_user_model, "olivia")


@pytest.fixture
def teammate(db, django_user_model):
    return _user(django_user_model, "tariq")


@pytest.fixture
def outsider(db, django_user_model):
    return _user(django_user_model, "oscar")


@pytest.fixture
def team(owner, teammate):
    from heard.teams.models import Membership, Role
    from heard.teams.services import team_create

    team = team_create(user=owner, name="Harbour Support")
    Membership.objects.create(team=team, user=teammate, role=Role.MEMBER)
    return team


@pytest.fixture
def other_team(outsider):
    from heard.teams.services import team_create

    return team_create(user=outsider, name="Elsewhere Inc")


class CsrfClient:
    """A test client with CSRF checks on: each POST carries the token a page handed out."""

    def __init__(self, client):
        self.client = client

    def __getattr__(self, name):
        return getattr(self.client, name)

    def post(self, path, data=None, **extra):
        if "csrftoken" not in self.client.cookies:
            self.client.get("/accounts/password/reset/")
        token = self.client.cookies["csrftoken"].value
        return self.client.post(path, data or {}, HTTP_X_CSRFTOKEN=token, **extra)


def _logged_in(user):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return CsrfClient(client)


@pytest.fixture
def csrf_client():
    from django.test import Client

    return CsrfClient(Client(enforce_csrf_checks=True))


@pytest.fixture
def owner_client(owner, team):
    return _logged_in(owner)


@pytest.fixture
def teammate_client(teammate, team):
    return _logged_in(teammate)


@pytest.fixture
def outsider_client(outsider, other_team):
    return _logged_in(outsider)
