"""Writes of the drills app."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import transaction

from heard.drills.models import QaConversation
from heard.drills.qa_records import RecordError, check_scored_line
from heard.teams.selectors import get_membership

MAX_IMPORT_ERRORS_SHOWN = 50


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)

    @property
    def summary(self) -> str:
        parts = [f"{self.created} imported", f"{self.updated} updated"]
        if self.errors:
            parts.append(f"{len(self.errors)} skipped")
        return ", ".join(parts)


def qa_import(*, user, team, lines: Iterable[bytes | str], source: str) -> ImportReport:
    """Import the lines of a `heard score` conversations.jsonl into `team`.

    Each good line is stored (re-importing a conversation id updates it); each bad line is
    reported with its number and skipped, and never stops the good ones."""
    if not get_membership(user, team).can_invite:
        raise PermissionDenied("Only owners and facilitators import conversations.")
    report = ImportReport()
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = check_scored_line(line)
        except RecordError as exc:
            report.errors.append((number, str(exc)))
            continue
        with transaction.atomic():
            _, created = QaConversation.objects.update_or_create(
                team=team,
                conversation_id=record["id"],
                defaults={
                    "agent": record["agent"],
                    "empathy_score": record["empathy_score"],
                    "rubric_overall": record["rubric_overall"],
                    "turn_count": len(record["transcript"]),
                    "result": record,
                    "source": source[:200],
                    "imported_by": user,
                },
            )
        if created:
            report.created += 1
        else:
            report.updated += 1
    return report
