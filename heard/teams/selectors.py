"""Reads with access rules. Each lookup returns 404 both for a missing object and for one
the user may not see, so that an outsider learns nothing about another team."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404

from heard.teams.models import Invitation, Membership, Role, Team


def teams_for_user(user):
    return Team.objects.filter(memberships__user=user).order_by("name")


def get_membership(user, team: Team) -> Membership:
    membership = Membership.objects.filter(user=user, team=team).first()
    if membership is None:
        raise Http404("No such team")
    return membership


def get_team_for_user(user, pk) -> Team:
    return get_object_or_404(Team, pk=pk, memberships__user=user)


def get_member_of_team_for_manager(user, team: Team, pk) -> Membership:
    """A membership of `team` that `user` (an owner of it) may act on."""
    if get_membership(user, team).role != Role.OWNER:
        raise Http404("No such member")
    return get_object_or_404(Membership, pk=pk, team=team)


def get_invitation_for_inviter(user, team: Team, pk) -> Invitation:
    if not get_membership(user, team).can_invite:
        raise Http404("No such invitation")
    return get_object_or_404(Invitation, pk=pk, team=team)


def get_invitation_by_token(token: str) -> Invitation:
    # Tokens are long random strings; looking one up reveals only that team's name.
    return get_object_or_404(Invitation.objects.select_related("team"), token=token)
