"""Conversations scored for QA, imported into a team to browse, calibrate and compare.

Only redacted text is ever stored: imports go through :func:`heard.drills.services.qa_import`,
which refuses a transcript that still contains personal data."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from heard.teams.models import Team


class QaConversation(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="qa_conversations")
    conversation_id = models.CharField(max_length=200)
    agent = models.CharField(max_length=120, blank=True)
    empathy_score = models.FloatField()
    rubric_overall = models.FloatField(null=True, blank=True)
    turn_count = models.PositiveIntegerField(default=0)
    result = models.JSONField()  # the redacted result of `heard score` for this conversation
    source = models.CharField(max_length=200, blank=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    imported_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["team", "conversation_id"], name="one_qa_conversation_per_id"
            )
        ]
        indexes = [models.Index(fields=["team", "agent", "empathy_score"])]
        ordering = ["-imported_at", "conversation_id"]

    def __str__(self) -> str:
        return f"{self.conversation_id} ({self.agent})"
