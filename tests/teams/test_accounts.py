import pytest
from django.contrib.auth import get_user_model
from django.core import mail

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_signup_logs_in_and_asks_for_a_team(csrf_client):
    response = csrf_client.post(
        "/accounts/signup/",
        {
            "username": "nadia",
            "email": "nadia@example.org",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    assert response.status_code == 302
    assert response["Location"] == "/team/new/"
    assert get_user_model().objects.filter(username="nadia").exists()
    assert csrf_client.get("/").status_code == 200
    assert b"You are not in a team yet" in csrf_client.get("/").content


def test_signup_rejects_a_duplicate_email(csrf_client, owner):
    response = csrf_client.post(
        "/accounts/signup/",
        {
            "username": "other",
            "email": owner.email.upper(),
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    assert response.status_code == 200
    assert b"already exists" in response.content
    assert not get_user_model().objects.filter(username="other").exists()


def test_post_without_csrf_token_is_refused(owner):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"username": owner.username, "password": PASSWORD})
    assert response.status_code == 403


def test_login_rotates_the_session_and_logout_ends_it(csrf_client, owner):
    csrf_client.get("/accounts/login/")
    before = csrf_client.cookies.get("sessionid")
    response = csrf_client.post(
        "/accounts/login/", {"username": owner.username, "password": PASSWORD}
    )
    assert response.status_code == 302
    after = csrf_client.cookies["sessionid"].value
    assert before is None or before.value != after
    assert csrf_client.get("/team/").status_code in (200, 302)
    response = csrf_client.post("/accounts/logout/")
    assert response.status_code == 302
    assert csrf_client.get("/team/").status_code == 302  # back to the login page
    from django.contrib.sessions.models import Session

    assert not Session.objects.filter(session_key=after).exists()


def test_brute_force_locks_the_account(csrf_client, owner):
    for _ in range(5):
        response = csrf_client.post(
            "/accounts/login/", {"username": owner.username, "password": "wrong password"}
        )
    assert response.status_code == 429
    # Even the right password is refused while the lock lasts.
    response = csrf_client.post(
        "/accounts/login/", {"username": owner.username, "password": PASSWORD}
    )
    assert response.status_code == 429
    assert b"Too many failed log-ins" in response.content


def test_password_change(owner_client, owner):
    response = owner_client.post(
        "/accounts/password/change/",
        {
            "old_password": PASSWORD,
            "new_password1": "a new and long passphrase 7",
            "new_password2": "a new and long passphrase 7",
        },
    )
    assert response.status_code == 302
    owner.refresh_from_db()
    assert owner.check_password("a new and long passphrase 7")


def test_password_reset_sends_a_working_link(csrf_client, owner):
    response = csrf_client.post("/accounts/password/reset/", {"email": owner.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = next(line for line in mail.outbox[0].body.splitlines() if "/password/reset/" in line)
    path = link[link.index("/accounts/") :].strip()
    response = csrf_client.get(path, follow=True)
    assert response.status_code == 200
    set_url = response.redirect_chain[-1][0]
    response = csrf_client.post(
        set_url,
        {"new_password1": "reset passphrase 99 ok", "new_password2": "reset passphrase 99 ok"},
    )
    assert response.status_code == 302
    owner.refresh_from_db()
    assert owner.check_password("reset passphrase 99 ok")


def test_password_reset_for_unknown_email_reveals_nothing(csrf_client):
    response = csrf_client.post("/accounts/password/reset/", {"email": "nobody@example.org"})
    assert response.status_code == 302
    assert mail.outbox == []
