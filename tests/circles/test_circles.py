import pytest

from heard.circles.models import Circle
from heard.teams.models import Membership, Role

pytestmark = pytest.mark.django_db


def test_owner_opens_a_circle(owner_client, team):
    response = owner_client.post(
        "/circles/", {"title": "Listening Monday", "turn_minutes": "3", "keep_notes": ""}
    )
    circle = Circle.objects.get(team=team)
    assert response["Location"] == f"/circles/{circle.pk}/"
    assert circle.turn_seconds == 180 and circle.keep_notes is False


def test_member_cannot_open_a_circle(teammate_client, team):
    teammate_client.post("/circles/", {"title": "Mine", "turn_minutes": "4"})
    assert not Circle.objects.exists()


def test_turn_length_is_bounded(owner_client, team, teammate):
    Membership.objects.filter(user=teammate).update(role=Role.FACILITATOR)
    response = owner_client.post("/circles/", {"title": "Long", "turn_minutes": "600"})
    assert response.status_code == 200
    assert not Circle.objects.exists()


def test_circle_list_is_scoped_to_the_team(owner_client, outsider_client, team, owner):
    Circle.objects.create(team=team, title="Harbour circle", created_by=owner)
    assert b"Harbour circle" in owner_client.get("/circles/").content
    assert b"Harbour circle" not in outsider_client.get("/circles/").content
