import os
import subprocess
import sys

import pytest

from heard.cli import build_parser


def run_heard(*args, data_dir, timeout=120, extra_env=None):
    env = {**os.environ, "HEARD_DATA_DIR": str(data_dir), **(extra_env or {})}
    env.pop("DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "-m", "heard.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def test_every_subcommand_has_help():
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    for name in ("serve", "demo", "migrate", "createadmin", "manage", "coach", "score"):
        assert name in sub.choices
        assert sub.choices[name].description or sub.choices[name].format_help()


def test_serve_help_names_host_and_port(tmp_path):
    result = run_heard("serve", "--help", data_dir=tmp_path)
    assert result.returncode == 0
    assert "--host" in result.stdout and "--port" in result.stdout


def test_serve_refuses_to_start_with_a_coach_model_it_cannot_load(tmp_path):
    model = tmp_path / "model"
    model.mkdir()
    (model / "meta.json").write_text('{"format_version": 999}', encoding="utf-8")
    result = run_heard(
        "serve", "--port", "0", data_dir=tmp_path, extra_env={"HEARD_COACH_MODEL": str(model)}
    )
    assert result.returncode == 2
    assert "could not load HEARD_COACH_MODEL" in result.stderr
    assert "Heard is running" not in result.stdout


def test_manage_runs_django_commands(tmp_path):
    result = run_heard("manage", "check", data_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_demo_loads_a_team_and_prints_a_working_login(tmp_path):
    result = run_heard("demo", "--no-serve", data_dir=tmp_path, timeout=300)
    assert result.returncode == 0, result.stderr
    line = next(line for line in result.stdout.splitlines() if "Log in as" in line)
    words = line.split()
    username, password = words[words.index("as") + 1], words[words.index("password") + 1]
    check = (
        "import django, os, sys; os.environ['DJANGO_SETTINGS_MODULE']='heard.web.settings'; "
        "django.setup(); from django.contrib.auth import get_user_model; "
        "from heard.teams.models import Membership; "
        f"u=get_user_model().objects.get(username={username!r}); "
        f"assert u.check_password({password!r}); "
        "m=Membership.objects.get(user=u); print(m.role, m.team.memberships.count())"
    )
    env = {**os.environ, "HEARD_DATA_DIR": str(tmp_path)}
    env.pop("DATABASE_URL", None)
    out = subprocess.run([sys.executable, "-c", check], env=env, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    role, members = out.stdout.split()
    assert role == "owner" and int(members) >= 5
    # Running it again refreshes the same team rather than adding a second.
    again = run_heard("demo", "--no-serve", data_dir=tmp_path, timeout=300)
    assert again.returncode == 0
    assert password not in again.stdout


@pytest.mark.django_db
def test_demo_loader_is_idempotent():
    from heard.teams.demo import load_demo
    from heard.teams.models import Team

    first = load_demo()
    second = load_demo()
    assert first.team.pk == second.team.pk
    assert Team.objects.count() == 1
