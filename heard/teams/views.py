"""Team pages. Views parse the request, call one service, and render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from heard.teams import selectors, services
from heard.teams.forms import InvitationForm, RoleForm, SignUpForm, TeamForm
from heard.teams.middleware import SESSION_KEY


def _first_error(exc: ValidationError) -> str:
    return exc.messages[0] if exc.messages else "That did not work."


def signup(request):
    if request.user.is_authenticated:
        return redirect("home")
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        next_url = request.POST.get("next") or ""
        if next_url.startswith("/") and not next_url.startswith("//"):
            return redirect(next_url)
        return redirect("team-create")
    return render(
        request, "registration/signup.html", {"form": form, "next": request.GET.get("next", "")}
    )


@login_required
def team_home(request):
    if request.team is None:
        return render(request, "teams/no_team.html")
    return redirect("team-detail", pk=request.team.pk)


@login_required
def team_detail(request, pk):
    team = selectors.get_team_for_user(request.user, pk)
    membership = selectors.get_membership(request.user, team)
    context = {
        "team": team,
        "membership": membership,
        "members": team.memberships.select_related("user").order_by("user__username"),
        "invitations": team.invitations.all()[:50] if membership.can_invite else [],
        "invitation_form": InvitationForm(),
        "role_form": RoleForm(),
    }
    return render(request, "teams/team_detail.html", context)


@login_required
def team_create(request):
    form = TeamForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        team = services.team_create(user=request.user, name=form.cleaned_data["name"])
        request.session[SESSION_KEY] = team.pk
        messages.success(request, f"Team “{team.name}” created. Invite your teammates below.")
        return redirect("team-detail", pk=team.pk)
    return render(request, "teams/team_create.html", {"form": form})


@login_required
@require_POST
def team_switch(request, pk):
    team = selectors.get_team_for_user(request.user, pk)
    request.session[SESSION_KEY] = team.pk
    next_url = request.POST.get("next", "")
    if next_url.startswith("/") and not next_url.startswith("//"):
        return redirect(next_url)
    return redirect("home")


@login_required
@require_POST
def team_leave(request, pk):
    team = selectors.get_team_for_user(request.user, pk)
    try:
        services.membership_leave(user=request.user, team=team)
    except ValidationError as exc:
        messages.error(request, _first_error(exc))
        return redirect("team-detail", pk=team.pk)
    request.session.pop(SESSION_KEY, None)
    messages.success(request, f"You left “{team.name}”.")
    return redirect("home")


@login_required
@require_POST
def member_remove(request, pk, member_pk):
    team = selectors.get_team_for_user(request.user, pk)
    membership = selectors.get_member_of_team_for_manager(request.user, team, member_pk)
    try:
        services.membership_remove(actor=request.user, membership=membership)
    except ValidationError as exc:  # non-owners never get here: the lookup is a 404 for them
        messages.error(request, _first_error(exc))
    else:
        messages.success(request, f"{membership.user.username} was removed from the team.")
    return redirect("team-detail", pk=team.pk)


@login_required
@require_POST
def member_role(request, pk, member_pk):
    team = selectors.get_team_for_user(request.user, pk)
    membership = selectors.get_member_of_team_for_manager(request.user, team, member_pk)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a role: owner, facilitator or member.")
        return redirect("team-detail", pk=team.pk)
    try:
        services.membership_set_role(
            actor=request.user, membership=membership, role=form.cleaned_data["role"]
        )
    except ValidationError as exc:
        messages.error(request, _first_error(exc))
    else:
        messages.success(request, f"{membership.user.username} is now {membership.role}.")
    return redirect("team-detail", pk=team.pk)


@login_required
@require_POST
def invitation_create(request, pk):
    team = selectors.get_team_for_user(request.user, pk)
    form = InvitationForm(request.POST)
    if not form.is_valid():
        messages.error(request, "The invitation was not created: check the role and note.")
        return redirect("team-detail", pk=team.pk)
    try:
        invitation = services.invitation_create(
            user=request.user,
            team=team,
            role=form.cleaned_data["role"],
            note=form.cleaned_data["note"],
        )
    except PermissionDenied as exc:
        messages.error(request, str(exc))
        return redirect("team-detail", pk=team.pk)
    link = request.build_absolute_uri(reverse("invitation-accept", args=[invitation.token]))
    messages.success(request, f"Invitation link (valid 7 days): {link}")
    return redirect("team-detail", pk=team.pk)


@login_required
@require_POST
def invitation_revoke(request, pk, invitation_pk):
    team = selectors.get_team_for_user(request.user, pk)
    invitation = selectors.get_invitation_for_inviter(request.user, team, invitation_pk)
    services.invitation_revoke(invitation=invitation)
    messages.success(request, "Invitation revoked.")
    return redirect("team-detail", pk=team.pk)


def invitation_accept(request, token):
    invitation = selectors.get_invitation_by_token(token)
    if not request.user.is_authenticated:
        return render(request, "teams/invitation_anonymous.html", {"invitation": invitation})
    if request.method == "POST":
        try:
            membership = services.invitation_accept(user=request.user, token=token)
        except ValidationError as exc:
            messages.error(request, _first_error(exc))
            return redirect("home")
        request.session[SESSION_KEY] = membership.team_id
        messages.success(request, f"Welcome to “{membership.team.name}”.")
        return redirect("team-detail", pk=membership.team_id)
    return render(request, "teams/invitation_accept.html", {"invitation": invitation})
