"""Listening circles. Nothing said in a circle is stored unless `keep_notes` is on."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from heard.teams.models import Team

DEFAULT_TURN_SECONDS = 240


class Circle(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="circles")
    title = models.CharField(max_length=120)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    turn_seconds = models.PositiveIntegerField(default=DEFAULT_TURN_SECONDS)
    keep_notes = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title
