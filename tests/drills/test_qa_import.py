import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from heard.drills.models import QaConversation
from heard.drills.services import qa_import

pytestmark = pytest.mark.django_db


def scored(conversation_id="C-1", agent="maya", score=0.62, **extra):
    reply = "I'm sorry we charged you twice. I've refunded it today."
    record = {
        "id": conversation_id,
        "agent": agent,
        "empathy_score": score,
        "rubric_overall": 0.7,
        "transcript": [
            {"speaker": "customer", "role": "customer", "text": "You charged me twice!"},
            {
                "speaker": agent,
                "role": "agent",
                "text": reply,
                "moves": [{"label": "concrete_apology", "start": 0, "end": 30}],
                "pitfalls": [],
            },
        ],
        "rubric": [
            {
                "item": "concrete_apology",
                "title": "Concrete apology naming the impact",
                "score": 3,
                "scale": [0, 4],
                "level": "good",
                "evidence": [{"quote": "I'm sorry we charged you twice", "detail": "move"}],
            }
        ],
        "reasons": ["Acknowledged the customer in the first reply."],
        "metrics": {"turns_to_first_acknowledgement": 1},
    }
    record.update(extra)
    return json.dumps(record)


def upload(lines, name="conversations.jsonl"):
    return SimpleUploadedFile(name, ("\n".join(lines) + "\n").encode(), "application/jsonl")


def test_import_keeps_good_lines_and_reports_bad_ones(owner_client, team):
    bad_span = json.loads(scored("C-4"))
    bad_span["transcript"][1]["moves"][0]["end"] = 999
    lines = [
        scored("C-1"),
        "{not json",
        scored("C-2", agent="tom", score=0.2),
        json.dumps({"id": "C-3", "empathy_score": 7, "transcript": []}),
        json.dumps(bad_span),
        scored("C-5", transcript=[{"role": "customer", "text": "mail me at ann@example.com"}]),
    ]
    response = owner_client.post("/drills/qa/import/", {"file": upload(lines)}, follow=True)
    page = response.content.decode()
    assert "2 imported, 0 updated, 4 skipped" in page
    assert "Line 2: malformed JSON" in page
    assert "Line 4: &#x27;empathy_score&#x27; must be between 0.0 and 1.0" in page
    assert "Line 5: transcript[1].moves span of &#x27;concrete_apology&#x27; lies outside" in page
    assert "Line 6: transcript[0].text still contains personal data" in page
    assert set(QaConversation.objects.values_list("conversation_id", flat=True)) == {"C-1", "C-2"}
    assert "ann@example.com" not in json.dumps(list(QaConversation.objects.values("result")))


def test_reimport_updates_instead_of_duplicating(owner, team):
    qa_import(user=owner, team=team, lines=[scored("C-1", score=0.3)], source="a.jsonl")
    report = qa_import(user=owner, team=team, lines=[scored("C-1", score=0.9)], source="b.jsonl")
    assert (report.created, report.updated) == (0, 1)
    assert QaConversation.objects.get().empathy_score == 0.9


def test_members_cannot_import(teammate_client, team):
    teammate_client.post("/drills/qa/import/", {"file": upload([scored()])})
    assert not QaConversation.objects.exists()


def test_list_filters_by_agent_and_score(owner, owner_client, team):
    qa_import(
        user=owner,
        team=team,
        source="x",
        lines=[
            scored("C-1", agent="maya", score=0.8),
            scored("C-2", agent="tom", score=0.2),
            scored("C-3", agent="maya", score=0.1),
        ],
    )
    page = owner_client.get("/drills/qa/?agent=maya").content.decode()
    assert "C-1" in page and "C-3" in page and "C-2" not in page
    page = owner_client.get("/drills/qa/?min_score=0.5").content.decode()
    assert "C-1" in page and "C-2" not in page and "C-3" not in page
    page = owner_client.get("/drills/qa/?order=score").content.decode()
    assert page.index("C-3") < page.index("C-2") < page.index("C-1")
    # A bad filter value is ignored with the form's message, not a crash.
    assert owner_client.get("/drills/qa/?min_score=lots").status_code == 200


def test_detail_highlights_the_evidence(owner, teammate_client, team):
    qa_import(user=owner, team=team, lines=[scored("C-1")], source="x")
    conversation = QaConversation.objects.get()
    page = teammate_client.get(f"/drills/qa/{conversation.pk}/").content.decode()
    assert (
        '<mark class="move" title="Concrete apology">I&#x27;m sorry we charged you twice</mark>'
        in page
    )
    assert "Concrete apology naming the impact" in page


def test_outsider_sees_nothing(owner, outsider_client, team):
    qa_import(user=owner, team=team, lines=[scored("C-1")], source="x")
    conversation = QaConversation.objects.get()
    assert outsider_client.get(f"/drills/qa/{conversation.pk}/").status_code == 404
    assert "C-1" not in outsider_client.get("/drills/qa/").content.decode()
    outsider_client.post("/drills/qa/import/", {"file": upload([scored("C-9")])})
    assert not QaConversation.objects.filter(team=team, conversation_id="C-9").exists()


def test_import_command(owner, team, tmp_path, capsys):
    from heard.cli import main

    path = tmp_path / "conversations.jsonl"
    path.write_text(scored("C-1") + "\n[]\n")
    assert main(["import", str(path), "--team", team.name, "--as", owner.username]) == 0
    captured = capsys.readouterr()
    assert "1 imported, 0 updated, 1 skipped" in captured.out
    assert ":2: skipped: a line must be a JSON object" in captured.err
    assert main(["import", str(path), "--team", "Nope", "--as", owner.username]) == 2
