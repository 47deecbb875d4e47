"""Reads of the drills app, each scoped to the user's team."""

from functools import lru_cache

from django.shortcuts import get_object_or_404

from heard.drills.models import QaConversation


@lru_cache(maxsize=1)
def starter_decks():
    """The scenario decks that ship with Heard (plain files under heard/content/decks)."""
    from heard.content import load_decks

    return tuple(load_decks())


def qa_conversations_for_team(team, *, agent="", min_score=None, max_score=None, order="-score"):
    rows = QaConversation.objects.filter(team=team) if team else QaConversation.objects.none()
    if agent:
        rows = rows.filter(agent=agent)
    if min_score is not None:
        rows = rows.filter(empathy_score__gte=min_score)
    if max_score is not None:
        rows = rows.filter(empathy_score__lte=max_score)
    ordering = {
        "-score": ["-empathy_score", "conversation_id"],
        "score": ["empathy_score", "conversation_id"],
        "agent": ["agent", "conversation_id"],
        "recent": ["-imported_at", "conversation_id"],
    }.get(order, ["-empathy_score", "conversation_id"])
    return rows.order_by(*ordering).defer("result")


def qa_agents_for_team(team):
    if not team:
        return []
    return list(
        QaConversation.objects.filter(team=team)
        .order_by("agent")
        .values_list("agent", flat=True)
        .distinct()
    )


def get_qa_conversation_for_user(user, pk) -> QaConversation:
    return get_object_or_404(QaConversation, pk=pk, team__memberships__user=user)
