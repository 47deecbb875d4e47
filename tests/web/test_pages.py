import pytest

pytestmark = pytest.mark.django_db

SECTIONS = {
    "/coach/": b"Your reply",
    "/drills/": b"scenario decks",
    "/circles/": b"Listening circles",
    "/journal/": b"Private by default",
    "/pulse/": b"Anonymous answers stay anonymous",
}


@pytest.mark.parametrize("url,marker", SECTIONS.items())
def test_every_section_renders_for_a_member(teammate_client, url, marker):
    response = teammate_client.get(url)
    assert response.status_code == 200
    assert marker in response.content
    # The navigation marks where we are, for screen readers too.
    assert b'aria-current="page"' in response.content


def test_home_shows_every_section(teammate_client):
    page = teammate_client.get("/").content.decode()
    for name in ("Coach", "Drills", "Circles", "Journal", "Pulse", "Team"):
        assert f">{name}</a>" in page


def test_welcome_page_for_visitors(client):
    page = client.get("/").content.decode()
    assert "Create an account" in page


def test_security_headers(teammate_client):
    response = teammate_client.get("/")
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_htmx_is_vendored_with_its_licence():
    from pathlib import Path

    import heard.web

    vendor = Path(heard.web.__file__).parent / "static" / "vendor" / "htmx"
    assert (vendor / "LICENSE").read_text().startswith("Zero-Clause BSD")
    assert (vendor / "htmx-2.0.11.min.js").stat().st_size > 10_000


def test_static_files_are_served(client):
    response = client.get("/static/heard/heard.css")
    assert response.status_code == 200


def test_oversized_request_body_is_refused(owner_client):
    response = owner_client.post("/team/new/", {"name": "x" * 1_100_000})
    assert response.status_code == 400
