"""The `heard` command: run the studio, manage it, and use the coach from a terminal.

heard demo                      # migrate, load the demo team, serve on 127.0.0.1:8000
heard serve --port 8080         # serve the studio (ASGI: pages and live circles)
heard coach "Sorry for any inconvenience." --context "You charged me twice!"
heard score exports/*.jsonl --out qa-run/
heard manage check --deploy     # any Django management command
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000


def _setup_django() -> None:
    """Configure Django, turning a bad setting into one clear line and exit code 2."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "heard.web.settings")
    import django
    from django.core.exceptions import ImproperlyConfigured

    try:
        django.setup()
    except ImproperlyConfigured as exc:
        print(f"heard: configuration error: {exc}", file=sys.stderr)
        raise SystemExit(2) from exc


def _manage(*argv: str) -> None:
    _setup_django()
    from django.core.management import call_command

    call_command(*argv)


def cmd_migrate(args: argparse.Namespace) -> int:
    _manage("migrate", "--no-input", *(["-v", "0"] if args.quiet else []))
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    _setup_django()
    from daphne.cli import CommandLineInterface
    from django.conf import settings

    if settings.HEARD_COACH_MODEL is not None:
        from heard.web.coach_model import coach_model

        print(f"Loading the coach model from {settings.HEARD_COACH_MODEL} ...", flush=True)
        try:
            coach_model()
        except Exception as exc:  # noqa: BLE001 - any failure means the model is unusable
            print(f"heard: could not load HEARD_COACH_MODEL: {exc}", file=sys.stderr)
            return 2

    print(f"Heard is running at http://{args.host}:{args.port}/  (Ctrl+C stops it)", flush=True)
    CommandLineInterface().run(
        [
            "--bind",
            args.host,
            "--port",
            str(args.port),
            "--verbosity",
            "0",
            "heard.web.asgi:application",
        ]
    )
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    _manage("migrate", "--no-input", "-v", "0")
    from heard.teams.demo import load_demo

    login = load_demo()
    print("Demo team loaded.")
    print(f"  Log in as  {login.username}  with password  {login.password}")
    if args.no_serve:
        return 0
    return cmd_serve(args)


def cmd_createadmin(args: argparse.Namespace) -> int:
    argv = ["createsuperuser"]
    if args.username:
        argv += ["--username", args.username]
    if args.email:
        argv += ["--email", args.email]
    _manage(*argv)
    return 0


def cmd_manage(args: argparse.Namespace) -> int:
    _setup_django()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["heard manage", *args.args])
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    _setup_django()
    from django.contrib.auth import get_user_model
    from django.core.exceptions import PermissionDenied

    from heard.drills.services import qa_import
    from heard.teams.models import Team

    user = get_user_model().objects.filter(username=args.as_user).first()
    teams = Team.objects.filter(memberships__user=user)
    team = (
        teams.filter(pk=int(args.team)).first()
        if args.team.isdigit()
        else teams.filter(name=args.team).first()
    )
    if user is None or team is None:
        print(
            f"heard import: {args.as_user!r} is not a member of a team {args.team!r}",
            file=sys.stderr,
        )
        return 2
    with open(args.file, "rb") as handle:
        try:
            report = qa_import(
                user=user, team=team, lines=handle, source=os.path.basename(args.file)
            )
        except PermissionDenied as exc:
            print(f"heard import: {exc}", file=sys.stderr)
            return 2
    for number, reason in report.errors:
        print(f"{args.file}:{number}: skipped: {reason}", file=sys.stderr)
    print(f"{args.file}: {report.summary} into {team.name}")
    return 0


def _add_serve_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--host", default=DEFAULT_HOST, help="address to bind (default %(default)s)"
    )
    parser.add_argument(
        "--port", type=int, default=DEFAULT_PORT, help="port to listen on (default %(default)s)"
    )


# Subcommands that live with the code they run; each module offers register(subparsers).
PLUGGED_COMMANDS = ("heard.coach.cli", "heard.batch.cli")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="heard",
        description="Heard: an empathy practice studio for teams, with an offline language coach.",
        epilog="Settings come from the environment: HEARD_DATA_DIR, DATABASE_URL, REDIS_URL, "
        "HEARD_SECRET_KEY, HEARD_DEBUG, HEARD_ALLOWED_HOSTS, HEARD_HTTPS (see the README).",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    serve = sub.add_parser(
        "serve",
        help="serve the studio (pages and live circles)",
        description="Serve the studio over ASGI (HTTP and websockets).",
    )
    _add_serve_options(serve)
    serve.set_defaults(func=cmd_serve)

    demo = sub.add_parser(
        "demo",
        help="migrate, load a demo team and starter content, then serve",
        description="Create or refresh the demo team (its users, starter decks and example "
        "entries), print the demo login, then serve the studio.",
    )
    _add_serve_options(demo)
    demo.add_argument("--no-serve", action="store_true", help="load the demo and exit")
    demo.set_defaults(func=cmd_demo)

    migrate = sub.add_parser(
        "migrate",
        help="create or update the database tables",
        description="Apply database migrations.",
    )
    migrate.add_argument("-q", "--quiet", action="store_true", help="print nothing on success")
    migrate.set_defaults(func=cmd_migrate)

    admin = sub.add_parser(
        "createadmin",
        help="create an administrator account",
        description="Create a superuser for the /admin/ site (asks for a password).",
    )
    admin.add_argument("--username")
    admin.add_argument("--email")
    admin.set_defaults(func=cmd_createadmin)

    manage = sub.add_parser(
        "manage",
        help="run any Django management command",
        description="Run a Django management command, e.g. `heard manage check --deploy`.",
        add_help=False,
    )
    manage.add_argument("args", nargs=argparse.REMAINDER, help="the command and its options")
    manage.set_defaults(func=cmd_manage)

    importer = sub.add_parser(
        "import",
        help="import scored conversations (heard score output) into a team",
        description="Import DIR/conversations.jsonl written by `heard score` into a team, to "
        "browse it under Drills > Conversation QA. Bad lines are reported and skipped.",
    )
    importer.add_argument("file", help="a conversations.jsonl written by `heard score`")
    importer.add_argument("--team", required=True, help="the team's id or exact name")
    importer.add_argument(
        "--as",
        dest="as_user",
        required=True,
        metavar="USERNAME",
        help="an owner or facilitator of that team",
    )
    importer.set_defaults(func=cmd_import)

    for module_name in PLUGGED_COMMANDS:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name and module_name.startswith(exc.name):
                continue  # that part of Heard is not installed
            raise
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    if argv and argv[0] == "coach":
        # `heard coach` parses its own arguments: a free text or the batch/train verbs.
        from heard.coach.cli import main as coach_main

        return coach_main(argv[1:])
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 1
    if args.command == "manage" and not args.args:
        args.args = ["help"]
    return int(args.func(args) or 0)


if __name__ == "__main__":
    raise SystemExit(main())
