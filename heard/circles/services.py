from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from heard.circles.models import Circle
from heard.teams.selectors import get_membership

MIN_TURN_SECONDS, MAX_TURN_SECONDS = 30, 30 * 60


@transaction.atomic
def circle_create(*, user, team, title: str, turn_seconds: int, keep_notes: bool) -> Circle:
    if not get_membership(user, team).can_invite:
        raise PermissionDenied("Only facilitators and owners open circles.")
    if not MIN_TURN_SECONDS <= turn_seconds <= MAX_TURN_SECONDS:
        raise ValidationError("A turn lasts between 30 seconds and 30 minutes.")
    return Circle.objects.create(
        team=team,
        title=title.strip()[:120],
        created_by=user,
        turn_seconds=turn_seconds,
        keep_notes=keep_notes,
    )
