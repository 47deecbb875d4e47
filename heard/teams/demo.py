"""Loads the demo team (`heard demo`) from heard/content/demo.toml.

Running it again refreshes the same team instead of making a second one. Every demo
member gets one freshly generated password, printed by `heard demo`, so nobody can log
in to a demo install with a password that is written down anywhere."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction

from heard.circles.models import Circle
from heard.content import load_demo as load_demo_content
from heard.teams.models import Membership, Team


@dataclass(frozen=True)
class DemoLogin:
    username: str
    password: str
    team: Team


@transaction.atomic
def load_demo() -> DemoLogin:
    content = load_demo_content()
    password = secrets.token_urlsafe(9)
    team, _ = Team.objects.get_or_create(name=content.name)
    User = get_user_model()
    owner_username = None
    for member in content.members:
        user, _ = User.objects.get_or_create(
            username=member.key, defaults={"first_name": member.display_name}
        )
        user.first_name = member.display_name[:150]
        user.set_password(password)
        user.save()
        Membership.objects.update_or_create(team=team, user=user, defaults={"role": member.role})
        if member.role == "owner" and owner_username is None:
            owner_username = member.key
    Circle.objects.get_or_create(
        team=team,
        title="Monday listening circle",
        defaults={"turn_seconds": 240, "keep_notes": False},
    )
    return DemoLogin(
        username=owner_username or content.members[0].key, password=password, team=team
    )
