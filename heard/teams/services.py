"""Writes about teams, memberships and invitations; each runs in one transaction."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from heard.teams.models import Invitation, Membership, Role, Team
from heard.teams.selectors import get_membership


@transaction.atomic
def team_create(*, user, name: str) -> Team:
    name = name.strip()
    if not name:
        raise ValidationError("A team needs a name.")
    team = Team.objects.create(name=name[:80])
    Membership.objects.create(team=team, user=user, role=Role.OWNER)
    return team


@transaction.atomic
def invitation_create(*, user, team: Team, role: str = Role.MEMBER, note: str = "") -> Invitation:
    membership = get_membership(user, team)
    if not membership.can_invite:
        raise PermissionDenied("Only owners and facilitators can invite people.")
    if role not in Role.values:
        raise ValidationError("Unknown role.")
    if role == Role.OWNER and membership.role != Role.OWNER:
        raise PermissionDenied("Only owners can invite another owner.")
    return Invitation.objects.create(team=team, role=role, note=note[:200], created_by=user)


@transaction.atomic
def invitation_revoke(*, invitation: Invitation) -> None:
    if invitation.accepted_at is None and invitation.revoked_at is None:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])


@transaction.atomic
def invitation_accept(*, user, token: str) -> Membership:
    invitation = Invitation.objects.select_for_update().select_related("team").get(token=token)
    if not invitation.is_usable:
        raise ValidationError(f"This invitation is {invitation.status} and can no longer be used.")
    existing = Membership.objects.filter(team=invitation.team, user=user).first()
    if existing:
        return existing
    membership = Membership.objects.create(team=invitation.team, user=user, role=invitation.role)
    invitation.accepted_by = user
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_by", "accepted_at"])
    return membership


def _is_last_owner(membership: Membership) -> bool:
    return (
        membership.role == Role.OWNER
        and not Membership.objects.filter(team=membership.team, role=Role.OWNER)
        .exclude(pk=membership.pk)
        .exists()
    )


@transaction.atomic
def membership_leave(*, user, team: Team) -> None:
    membership = get_membership(user, team)
    others = Membership.objects.filter(team=team).exclude(pk=membership.pk)
    if _is_last_owner(membership) and others.exists():
        raise ValidationError(
            "You are the team's only owner: make someone else an owner before you leave."
        )
    membership.delete()
    if not others.exists():
        team.delete()


@transaction.atomic
def membership_remove(*, actor, membership: Membership) -> None:
    if get_membership(actor, membership.team).role != Role.OWNER:
        raise PermissionDenied("Only owners can remove members.")
    if membership.user_id == actor.pk:
        raise ValidationError("Use 'Leave team' to remove yourself.")
    membership.delete()


@transaction.atomic
def membership_set_role(*, actor, membership: Membership, role: str) -> Membership:
    if get_membership(actor, membership.team).role != Role.OWNER:
        raise PermissionDenied("Only owners can change roles.")
    if role not in Role.values:
        raise ValidationError("Unknown role.")
    if membership.user_id == actor.pk and _is_last_owner(membership) and role != Role.OWNER:
        raise ValidationError("A team needs at least one owner.")
    membership.role = role
    membership.save(update_fields=["role"])
    return membership
