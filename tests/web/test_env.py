"""Settings come from the environment and fail loudly on bad values."""

import stat

import pytest

from heard.web.env import ConfigError, load_config


def _env(tmp_path, **extra):
    return {"HEARD_DATA_DIR": str(tmp_path), **extra}


def test_defaults_are_safe(tmp_path):
    cfg = load_config(_env(tmp_path))
    assert cfg.debug is False
    assert cfg.database_url is None and cfg.redis_url is None
    assert cfg.allowed_hosts == ("127.0.0.1", "localhost", "[::1]")
    assert cfg.email["EMAIL_BACKEND"].endswith("console.EmailBackend")


def test_secret_key_is_generated_once_and_kept_private(tmp_path):
    first = load_config(_env(tmp_path)).secret_key
    assert len(first) >= 50
    assert load_config(_env(tmp_path)).secret_key == first
    mode = stat.S_IMODE((tmp_path / "secret_key").stat().st_mode)
    assert mode == 0o600


def test_secret_key_from_the_environment(tmp_path):
    key = "k" * 60
    assert load_config(_env(tmp_path, HEARD_SECRET_KEY=key)).secret_key == key
    assert not (tmp_path / "secret_key").exists()


@pytest.mark.parametrize(
    "name,value,message",
    [
        ("HEARD_DEBUG", "maybe", "HEARD_DEBUG must be one of"),
        ("HEARD_HTTPS", "2", "HEARD_HTTPS must be one of"),
        ("HEARD_SECRET_KEY", "short", "at least 50 characters"),
        ("DATABASE_URL", "mysql://db/heard", "DATABASE_URL must be a sqlite"),
        ("REDIS_URL", "http://127.0.0.1:6379", "REDIS_URL must look like"),
        ("HEARD_ALLOWED_HOSTS", "https://heard.example.org/", "not a host name"),
        ("HEARD_SMTP_PORT", "smtp", "HEARD_SMTP_PORT must be a port"),
        ("HEARD_COACH_MODEL", "/nonexistent/model", "HEARD_COACH_MODEL must be a directory"),
    ],
)
def test_bad_values_fail_with_a_clear_message(tmp_path, name, value, message):
    env = _env(tmp_path, **{name: value})
    if name == "HEARD_SMTP_PORT":
        env["HEARD_SMTP_HOST"] = "smtp.example.org"
    with pytest.raises(ConfigError, match=message):
        load_config(env)


def test_unwritable_data_dir_fails(tmp_path):
    with pytest.raises(ConfigError, match="HEARD_DATA_DIR"):
        load_config({"HEARD_DATA_DIR": "/proc/heard"})


def test_postgres_redis_and_smtp(tmp_path):
    cfg = load_config(
        _env(
            tmp_path,
            DATABASE_URL="postgres://u@127.0.0.1:5432/heard",
            REDIS_URL="redis://127.0.0.1:6379/1",
            HEARD_SMTP_HOST="smtp.example.org",
            HEARD_ALLOWED_HOSTS="heard.example.org, 10.0.0.5",
            HEARD_HTTPS="yes",
        )
    )
    assert cfg.database_url.startswith("postgres://")
    assert cfg.redis_url == "redis://127.0.0.1:6379/1"
    assert cfg.email["EMAIL_PORT"] == 587 and cfg.email["EMAIL_USE_TLS"] is True
    assert cfg.allowed_hosts == ("heard.example.org", "10.0.0.5")
    assert cfg.csrf_trusted_origins == ("https://heard.example.org", "https://10.0.0.5")


def test_bad_setting_stops_the_cli_with_one_line(tmp_path):
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-m", "heard.cli", "migrate"],
        env={"HEARD_DATA_DIR": str(tmp_path), "HEARD_DEBUG": "perhaps", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "configuration error: HEARD_DEBUG must be one of" in result.stderr
    assert "Traceback" not in result.stderr


def test_redis_url_selects_the_redis_channel_layer(tmp_path):
    import subprocess
    import sys

    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='heard.web.settings'; "
        "django.setup(); from django.conf import settings; "
        "print(settings.CHANNEL_LAYERS['default']['BACKEND'])"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={
            "HEARD_DATA_DIR": str(tmp_path),
            "REDIS_URL": "redis://127.0.0.1:6379/3",
            "PATH": "/usr/bin:/bin",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.strip() == "channels_redis.core.RedisChannelLayer", result.stderr


def test_coach_model_is_a_trained_model_directory(tmp_path):
    assert load_config(_env(tmp_path)).coach_model is None
    model = tmp_path / "model"
    model.mkdir()
    with pytest.raises(ConfigError, match="has no meta.json"):
        load_config(_env(tmp_path, HEARD_COACH_MODEL=str(model)))
    (model / "meta.json").write_text("{}", encoding="utf-8")
    assert load_config(_env(tmp_path, HEARD_COACH_MODEL=str(model))).coach_model == model
