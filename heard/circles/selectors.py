from django.shortcuts import get_object_or_404

from heard.circles.models import Circle


def circles_for_team(team):
    return Circle.objects.filter(team=team) if team else Circle.objects.none()


def get_circle_for_user(user, pk) -> Circle:
    """The circle, when the user belongs to its team; 404 otherwise."""
    return get_object_or_404(Circle, pk=pk, team__memberships__user=user)
