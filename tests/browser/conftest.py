"""A real studio (`heard serve`: daphne, websockets, its own SQLite file) driven by Debian's
Chromium through Playwright. Nothing is mocked: the browser talks HTTP and websockets to
the same server a user would run."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("HEARD_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def studio(tmp_path_factory):
    """Migrates a fresh data directory and serves it; yields the base URL."""
    data_dir = tmp_path_factory.mktemp("studio")
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env.update(HEARD_DATA_DIR=str(data_dir), HEARD_DEBUG="false", PYTHONUNBUFFERED="1")
    heard = [sys.executable, "-m", "heard.cli"]
    subprocess.run([*heard, "migrate", "-q"], env=env, check=True, timeout=300)
    port = _free_port()
    log = open(Path(data_dir) / "server.log", "w")  # noqa: SIM115 — closed below
    server = subprocess.Popen(
        [*heard, "serve", "--port", str(port)], env=env, stdout=log, stderr=subprocess.STDOUT
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if server.poll() is not None:
                raise RuntimeError((Path(data_dir) / "server.log").read_text()) from None
            time.sleep(0.2)
    else:
        server.kill()
        raise RuntimeError("the studio did not start within 60 s")
    yield f"http://127.0.0.1:{port}"
    server.terminate()
    server.wait(timeout=20)
    log.close()


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: scripts/test installs Debian's chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser):
    """Opens pages in separate contexts, so each is a different person with its own cookies."""
    contexts = []

    def make(**options):
        context = browser.new_context(**options)
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()
