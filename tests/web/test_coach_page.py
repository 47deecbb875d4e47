import pytest

pytestmark = pytest.mark.django_db

CONTEXT = "You charged me twice and now my rent payment bounced. I'm furious."
REPLY = (
    "I'm so sorry we charged you twice and that it made your rent bounce. "
    "I've refunded the second charge now and it will show within 3 days."
)


def test_coach_marks_moves_with_their_evidence(teammate_client):
    response = teammate_client.post(
        "/coach/analyse/", {"reply": REPLY, "context": CONTEXT}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "<html" not in page  # an htmx fragment, not a whole page
    assert '<mark class="move"' in page
    assert "Concrete apology" in page
    assert "How they seem" in page and "lead with" in page
    assert "They seem <strong>angry</strong>" in page
    assert "NURSE" in page and "L.A.S.T." in page


def _analysed(client, reply: str, context: str) -> str:
    """The Coach page's answer to a reply and the message it answers."""
    return client.post("/coach/analyse/", {"reply": reply, "context": context}).content.decode()


def test_coach_shows_mixed_feelings_and_a_line_for_both(teammate_client):
    page = _analysed(
        teammate_client, "Ok, noted.", "I'm relieved it's fixed, but still angry it took a week."
    )
    assert "They seem <strong>angry, and relieved too</strong>" in page
    assert "it makes sense you&#x27;re still annoyed it took this long" in page


def test_coach_names_a_disclosure_with_the_response_and_referral(teammate_client):
    page = _analysed(teammate_client, "Have you tried a walk?", "Honestly I'm tired of living.")
    assert 'data-testid="disclosures"' in page
    assert "A health matter" in page and "“tired of living”" in page
    assert "safe right now" in page and "crisis line" in page
    assert 'data-testid="disclosures"' not in _analysed(teammate_client, "Sure.", "Where is it?")


def test_coach_suggests_missing_moves(teammate_client):
    response = teammate_client.post(
        "/coach/analyse/",
        {"reply": "Please restart the app.", "context": "I've tried everything and I'm stuck."},
    )
    assert b"Lines to try" in response.content


def test_user_text_is_escaped(teammate_client):
    response = teammate_client.post(
        "/coach/analyse/", {"reply": "<script>alert(1)</script> I'm sorry.", "context": ""}
    )
    assert b"<script>alert(1)" not in response.content
    assert b"&lt;script&gt;" in response.content


def test_oversized_reply_gets_a_clear_message(teammate_client):
    response = teammate_client.post("/coach/analyse/", {"reply": "a" * 5_001, "context": ""})
    assert response.status_code == 422
    assert b"at most 5000 characters" in response.content


def test_empty_reply_is_refused_with_a_message(teammate_client):
    response = teammate_client.post("/coach/analyse/", {"reply": "", "context": "hi"})
    assert response.status_code == 422
    assert b"This field is required" in response.content


def test_coach_needs_a_login(client):
    assert client.get("/coach/").status_code == 302


def test_coach_offers_lines_in_their_words_and_alternatives(teammate_client):
    page = _analysed(
        teammate_client,
        "We apologise for any inconvenience.",
        "I was charged twice and my rent is due tomorrow, this is ridiculous",
    )
    assert "with good reason after you were charged twice" in page
    assert "Other ways to say it" in page


def test_coach_shows_mechanisms_read_by_the_patterns(teammate_client):
    page = teammate_client.post("/coach/analyse/", {"reply": REPLY, "context": CONTEXT}).content
    text = page.decode()
    assert "Empathy mechanisms" in text
    assert "Emotional reactions: strong" in text  # "I'm so sorry we charged you twice"
    assert "Read by the coach's own patterns." in text


@pytest.mark.semantic
def test_coach_page_uses_the_teams_learned_model(teammate_client, settings, tmp_path):
    from heard.coach import load_model
    from heard.coach.semantic import CoachModel
    from heard.web import coach_model

    saved = CoachModel.from_base().save(tmp_path / "model")
    settings.HEARD_COACH_MODEL = saved
    coach_model._loaded.clear()
    try:
        text = teammate_client.post(
            "/coach/analyse/", {"reply": REPLY, "context": CONTEXT}
        ).content.decode()
        expected = load_model(saved).strategies([REPLY])[0]
        assert "learned coach model" in text
        assert f"Helper strategy: {expected}." in text
        assert str(saved) in coach_model._loaded  # loaded once, kept for the next request
    finally:
        coach_model._loaded.clear()
