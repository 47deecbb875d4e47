"""Settings read from the environment, checked once at start.

Every value is validated here so that a typo fails the start with a message that names the
variable, instead of surfacing later as an odd behaviour. Example::

    >>> cfg = load_config({"HEARD_DATA_DIR": "/tmp/heard", "HEARD_DEBUG": "no"})
    >>> cfg.debug
    False
"""

from __future__ import annotations

import importlib.util
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import platformdirs

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}
SECRET_KEY_FILE = "secret_key"
MIN_SECRET_KEY_LENGTH = 50


class ConfigError(ValueError):
    """A setting in the environment is missing or malformed."""


@dataclass(frozen=True)
class Config:
    data_dir: Path
    secret_key: str
    debug: bool
    https: bool
    allowed_hosts: tuple[str, ...]
    csrf_trusted_origins: tuple[str, ...]
    database_url: str | None
    redis_url: str | None
    email: dict[str, object]
    coach_model: Path | None = None


def parse_bool(name: str, raw: str | None, default: bool) -> bool:
    if raw is None:
        return default
    word = raw.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ConfigError(f"{name} must be one of true/false, yes/no, on/off, 1/0; got {raw!r}")


def parse_hosts(raw: str | None, *, debug: bool) -> tuple[str, ...]:
    if raw is None or not raw.strip():
        return ("127.0.0.1", "localhost", "[::1]")
    hosts = tuple(h.strip() for h in raw.split(",") if h.strip())
    for host in hosts:
        if "/" in host or " " in host:
            raise ConfigError(
                f"HEARD_ALLOWED_HOSTS takes host names separated by commas "
                f"(e.g. heard.example.org,127.0.0.1); {host!r} is not a host name"
            )
    return hosts


def parse_database_url(raw: str | None) -> str | None:
    if raw is None or not raw.strip():
        return None
    scheme = urlsplit(raw.strip()).scheme
    if scheme not in {"sqlite", "postgres", "postgresql", "pgsql"}:
        raise ConfigError(
            "DATABASE_URL must be a sqlite:/// or postgres:// URL, e.g. "
            "postgres://user:password@127.0.0.1:5432/heard; "
            f"the scheme {scheme or '(none)'!r} is not supported"
        )
    return raw.strip()


def parse_redis_url(raw: str | None) -> str | None:
    if raw is None or not raw.strip():
        return None
    parts = urlsplit(raw.strip())
    if parts.scheme not in {"redis", "rediss", "unix"} or not (parts.hostname or parts.path):
        raise ConfigError(f"REDIS_URL must look like redis://127.0.0.1:6379/0; got {raw!r}")
    return raw.strip()


def parse_coach_model(raw: str | None) -> Path | None:
    """A model directory written by ``heard coach train``, used by the Coach page."""
    if not raw:
        return None
    path = Path(raw).expanduser()
    if not (path / "meta.json").is_file():
        raise ConfigError(
            f"HEARD_COACH_MODEL must be a directory written by `heard coach train`; "
            f"{path} has no meta.json"
        )
    if importlib.util.find_spec("torch") is None:
        raise ConfigError(
            "HEARD_COACH_MODEL needs the coach's semantic extra: pip install 'heard[semantic]'"
        )
    return path


def resolve_data_dir(raw: str | None) -> Path:
    path = Path(raw).expanduser() if raw else Path(platformdirs.user_data_dir("heard", False))
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigError(f"HEARD_DATA_DIR {str(path)!r} cannot be created: {exc}") from exc
    if not os.access(path, os.W_OK):
        raise ConfigError(f"HEARD_DATA_DIR {str(path)!r} is not writable")
    return path


def resolve_secret_key(raw: str | None, data_dir: Path) -> str:
    """The key from HEARD_SECRET_KEY, else one generated on first start and kept on disk."""
    if raw:
        if len(raw) < MIN_SECRET_KEY_LENGTH:
            raise ConfigError(
                f"HEARD_SECRET_KEY must be at least {MIN_SECRET_KEY_LENGTH} characters "
                f"(it has {len(raw)}); leave it unset to have one generated"
            )
        return raw
    key_file = data_dir / SECRET_KEY_FILE
    if key_file.exists():
        key = key_file.read_text(encoding="utf-8").strip()
        if len(key) >= MIN_SECRET_KEY_LENGTH:
            return key
    key = secrets.token_urlsafe(64)
    # Created with owner-only permissions before the key is written into it.
    fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(key)
    return key


def parse_email(env: dict[str, str]) -> dict[str, object]:
    host = env.get("HEARD_SMTP_HOST", "").strip()
    sender = env.get("HEARD_FROM_EMAIL", "Heard <heard@localhost>")
    if not host:
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend",
            "DEFAULT_FROM_EMAIL": sender,
        }
    raw_port = env.get("HEARD_SMTP_PORT", "587")
    if not raw_port.isdigit() or not 0 < int(raw_port) < 65536:
        raise ConfigError(f"HEARD_SMTP_PORT must be a port number; got {raw_port!r}")
    return {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": host,
        "EMAIL_PORT": int(raw_port),
        "EMAIL_HOST_USER": env.get("HEARD_SMTP_USER", ""),
        "EMAIL_HOST_PASSWORD": env.get("HEARD_SMTP_PASSWORD", ""),
        "EMAIL_USE_TLS": parse_bool("HEARD_SMTP_TLS", env.get("HEARD_SMTP_TLS"), True),
        "DEFAULT_FROM_EMAIL": sender,
    }


def load_config(env: dict[str, str] | None = None) -> Config:
    env = dict(os.environ if env is None else env)
    debug = parse_bool("HEARD_DEBUG", env.get("HEARD_DEBUG"), False)
    https = parse_bool("HEARD_HTTPS", env.get("HEARD_HTTPS"), False)
    data_dir = resolve_data_dir(env.get("HEARD_DATA_DIR"))
    hosts = parse_hosts(env.get("HEARD_ALLOWED_HOSTS"), debug=debug)
    scheme = "https" if https else "http"
    origins = tuple(f"{scheme}://{h}" for h in hosts if not h.startswith(".") and h != "*")
    return Config(
        data_dir=data_dir,
        secret_key=resolve_secret_key(env.get("HEARD_SECRET_KEY"), data_dir),
        debug=debug,
        https=https,
        allowed_hosts=hosts,
        csrf_trusted_origins=origins,
        database_url=parse_database_url(env.get("DATABASE_URL")),
        redis_url=parse_redis_url(env.get("REDIS_URL")),
        email=parse_email(env),
        coach_model=parse_coach_model(env.get("HEARD_COACH_MODEL")),
    )
