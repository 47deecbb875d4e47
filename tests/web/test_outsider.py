"""An outsider (a member of another team) gets 404 on every object URL and changes nothing."""

import pytest

from heard.circles.models import Circle
from heard.teams.models import Invitation, Membership

pytestmark = pytest.mark.django_db


@pytest.fixture
def objects(team, owner, teammate):
    invitation = Invitation.objects.create(team=team, created_by=owner)
    circle = Circle.objects.create(team=team, title="Tuesday circle", created_by=owner)
    membership = Membership.objects.get(team=team, user=teammate)
    return {"team": team, "invitation": invitation, "circle": circle, "member": membership}


GETS = ["/team/{team}/", "/circles/{circle}/"]
POSTS = [
    "/team/{team}/switch/",
    "/team/{team}/leave/",
    "/team/{team}/members/{member}/remove/",
    "/team/{team}/members/{member}/role/",
    "/team/{team}/invitations/",
    "/team/{team}/invitations/{invitation}/revoke/",
]


def _fill(url, objects):
    return url.format(**{name: obj.pk for name, obj in objects.items()})


@pytest.mark.parametrize("url", GETS)
def test_outsider_gets_404(outsider_client, objects, url):
    response = outsider_client.get(_fill(url, objects))
    assert response.status_code == 404
    assert b"Harbour" not in response.content and b"Tuesday" not in response.content


@pytest.mark.parametrize("url", POSTS)
def test_outsider_post_gets_404_and_changes_nothing(outsider_client, objects, url):
    before = (
        Membership.objects.count(),
        Invitation.objects.count(),
        list(Membership.objects.values_list("role", flat=True)),
    )
    response = outsider_client.post(_fill(url, objects), {"role": "owner"})
    assert response.status_code == 404
    assert (
        Membership.objects.count(),
        Invitation.objects.count(),
        list(Membership.objects.values_list("role", flat=True)),
    ) == before
    objects["invitation"].refresh_from_db()
    assert objects["invitation"].revoked_at is None


@pytest.mark.parametrize("url", GETS)
def test_teammate_sees_the_same_urls(teammate_client, objects, url):
    assert teammate_client.get(_fill(url, objects)).status_code == 200


@pytest.mark.parametrize("url", GETS)
def test_anonymous_is_sent_to_login(client, objects, url):
    response = client.get(_fill(url, objects))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_missing_object_is_404_too(owner_client, objects):
    assert owner_client.get("/team/999999/").status_code == 404
    assert owner_client.get("/circles/999999/").status_code == 404
