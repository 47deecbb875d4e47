"""Attaches the user's current team to the request (`request.team`, `request.membership`).

The current team is remembered in the session; when it is missing or the user no longer
belongs to it, the first team the user belongs to is taken instead."""

from __future__ import annotations

from heard.teams.models import Membership

SESSION_KEY = "heard_team_id"


class CurrentTeamMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.team = None
        request.membership = None
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            memberships = Membership.objects.filter(user=user).select_related("team")
            wanted = request.session.get(SESSION_KEY)
            membership = (
                memberships.filter(team_id=wanted).first() if wanted else None
            ) or memberships.order_by("team__name").first()
            if membership:
                request.team = membership.team
                request.membership = membership
                if wanted != membership.team_id:
                    request.session[SESSION_KEY] = membership.team_id
        return self.get_response(request)
