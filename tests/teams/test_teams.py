from datetime import timedelta

import pytest
from django.utils import timezone

from heard.teams.models import Invitation, Membership, Role

pytestmark = pytest.mark.django_db


def test_create_team_makes_the_creator_owner(owner_client, owner):
    response = owner_client.post("/team/new/", {"name": "Night shift"})
    assert response.status_code == 302
    membership = Membership.objects.get(user=owner, team__name="Night shift")
    assert membership.role == Role.OWNER


def test_team_page_lists_members(owner_client, team):
    page = owner_client.get(f"/team/{team.pk}/").content.decode()
    assert "olivia" in page and "tariq" in page


def _invite(client, team, role="member"):
    client.post(f"/team/{team.pk}/invitations/", {"role": role, "note": "for Nadia"})
    return Invitation.objects.filter(team=team).latest("created_at")


def test_invitation_accept_joins_the_team(owner_client, team, django_user_model):
    invitation = _invite(owner_client, team, role="facilitator")
    newcomer = django_user_model.objects.create_user("nadia", password="x" * 20)
    from tests.conftest import _logged_in

    client = _logged_in(newcomer)
    assert b"Join Harbour Support" in client.get(f"/team/join/{invitation.token}/").content
    response = client.post(f"/team/join/{invitation.token}/")
    assert response.status_code == 302
    assert Membership.objects.get(team=team, user=newcomer).role == Role.FACILITATOR
    invitation.refresh_from_db()
    assert invitation.status == "accepted"
    # A used link does not let a third person in.
    third = django_user_model.objects.create_user("third", password="x" * 20)
    _logged_in(third).post(f"/team/join/{invitation.token}/")
    assert not Membership.objects.filter(team=team, user=third).exists()


def test_expired_invitation_is_refused_with_a_message(owner_client, team, outsider, other_team):
    invitation = _invite(owner_client, team)
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    from tests.conftest import _logged_in

    client = _logged_in(outsider)
    assert b"This invitation is expired" in client.get(f"/team/join/{invitation.token}/").content
    client.post(f"/team/join/{invitation.token}/")
    assert not Membership.objects.filter(team=team, user=outsider).exists()


def test_revoked_invitation_is_refused(owner_client, team, outsider, other_team):
    invitation = _invite(owner_client, team)
    owner_client.post(f"/team/{team.pk}/invitations/{invitation.pk}/revoke/")
    from tests.conftest import _logged_in

    _logged_in(outsider).post(f"/team/join/{invitation.token}/")
    assert not Membership.objects.filter(team=team, user=outsider).exists()


def test_members_cannot_invite(teammate_client, team):
    teammate_client.post(f"/team/{team.pk}/invitations/", {"role": "member"})
    assert not Invitation.objects.filter(team=team).exists()


def test_facilitator_cannot_invite_an_owner(teammate_client, teammate, team):
    Membership.objects.filter(user=teammate).update(role=Role.FACILITATOR)
    teammate_client.post(f"/team/{team.pk}/invitations/", {"role": "owner"})
    assert not Invitation.objects.filter(team=team).exists()
    teammate_client.post(f"/team/{team.pk}/invitations/", {"role": "member"})
    assert Invitation.objects.filter(team=team, role="member").count() == 1


def test_owner_removes_a_member(owner_client, team, teammate):
    membership = Membership.objects.get(team=team, user=teammate)
    owner_client.post(f"/team/{team.pk}/members/{membership.pk}/remove/")
    assert not Membership.objects.filter(pk=membership.pk).exists()


def test_member_cannot_remove_anyone(teammate_client, team, owner):
    membership = Membership.objects.get(team=team, user=owner)
    response = teammate_client.post(f"/team/{team.pk}/members/{membership.pk}/remove/")
    assert response.status_code == 404
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_owner_changes_a_role(owner_client, team, teammate):
    membership = Membership.objects.get(team=team, user=teammate)
    owner_client.post(f"/team/{team.pk}/members/{membership.pk}/role/", {"role": "facilitator"})
    membership.refresh_from_db()
    assert membership.role == Role.FACILITATOR


def test_member_leaves(teammate_client, team, teammate):
    teammate_client.post(f"/team/{team.pk}/leave/")
    assert not Membership.objects.filter(team=team, user=teammate).exists()


def test_last_owner_cannot_leave_a_team_with_members(owner_client, team, owner):
    response = owner_client.post(f"/team/{team.pk}/leave/", follow=True)
    assert b"only owner" in response.content
    assert Membership.objects.filter(team=team, user=owner).exists()


def test_switching_between_teams(owner_client, owner, team):
    owner_client.post("/team/new/", {"name": "Second team"})
    second = Membership.objects.get(user=owner, team__name="Second team").team
    owner_client.post(f"/team/{team.pk}/switch/")
    assert b"Harbour Support" in owner_client.get("/").content
    owner_client.post(f"/team/{second.pk}/switch/")
    assert b"<h1>Second team</h1>" in owner_client.get("/").content


def test_team_name_length_is_limited(owner_client, owner):
    response = owner_client.post("/team/new/", {"name": "x" * 500})
    assert response.status_code == 200
    assert b"at most 80 characters" in response.content
    assert not Membership.objects.filter(user=owner, team__name__startswith="xxx").exists()
