"""The validator catches each kind of mistake and says where it is: file, scenario, field."""

from __future__ import annotations

import copy

import pytest

from heard.content import (
    MAX_BYTES,
    ContentError,
    deck_to_dict,
    load_deck,
    load_decks,
    load_demo,
    load_prompts,
    parse_deck,
)
from heard.content.demo import DEMO_FILE
from heard.content.emit import dumps
from heard.content.prompts import PROMPTS_DIR


@pytest.fixture(scope="module")
def good_deck() -> dict:
    return deck_to_dict(load_decks()[0])


def write_deck(tmp_path, data, name="deck.toml"):
    path = tmp_path / name
    path.write_text(dumps(data), encoding="utf-8")
    return path


def problems_for(path) -> list[str]:
    with pytest.raises(ContentError) as caught:
        load_deck(path)
    return [str(p) for p in caught.value.problems]


def broken(good_deck, change):
    data = copy.deepcopy(good_deck)
    change(data)
    return data


def first(data):
    return data["scenarios"][0]


def test_good_deck_passes(tmp_path, good_deck):
    assert load_deck(write_deck(tmp_path, good_deck)).id == good_deck["deck"]["id"]


def test_missing_field_names_file_scenario_and_field(tmp_path, good_deck):
    data = broken(good_deck, lambda d: first(d).pop("opening"))
    path = write_deck(tmp_path, data)
    scenario_id = first(data)["id"]
    (message,) = problems_for(path)
    assert str(path) in message
    assert f"scenario '{scenario_id}'" in message
    assert "opening: missing" in message


def test_intensity_outside_zero_to_one(tmp_path, good_deck):
    data = broken(good_deck, lambda d: first(d).update(intensity=1.4))
    (message,) = problems_for(write_deck(tmp_path, data))
    assert "intensity: must be between 0 and 1 (got 1.4)" in message


def test_negative_intensity(tmp_path, good_deck):
    data = broken(good_deck, lambda d: first(d).update(intensity=-0.2))
    (message,) = problems_for(write_deck(tmp_path, data))
    assert "intensity" in message and "between 0 and 1" in message


def test_intensity_must_be_a_number(tmp_path, good_deck):
    data = broken(good_deck, lambda d: first(d).update(intensity="high"))
    (message,) = problems_for(write_deck(tmp_path, data))
    assert "intensity: must be a number" in message


def test_unknown_move_label(tmp_path, good_deck):
    data = broken(good_deck, lambda d: first(d)["success_signals"].append("empathy_bombing"))
    (message,) = problems_for(write_deck(tmp_path, data))
    assert "success_signals: unknown move label 'empathy_bombing'" in message
    assert "emotion_labelling" in message  # the message lists what is allowed


def test_unknown_pitfall_label(tmp_path, good_deck):
    data = broken(good_deck, lambda d: first(d)["pitfalls"].append("being_rude"))
    (message,) = problems_for(write_deck(tmp_path, data))
    assert "pitfalls: unknown pitfall label 'being_rude'" in message


def test_unknown_skill_focus_label(tmp_path, good_deck):
    data = broken(good_deck, lambda d: d["deck"]["skill_focus"].append("mind_reading"))
    (message,) = problems_for(write_deck(tmp_path, data))
    assert "deck: skill_focus: unknown move label 'mind_reading'" in message


def test_unknown_channel(tmp_path, good_deck):
    data = broken(good_deck, lambda d: first(d).update(channel="fax"))
    (message,) = problems_for(write_deck(tmp_path, data))
    assert "channel: unknown value 'fax'" in message
    assert "phone" in message


def test_unknown_emotion_need_and_levels(tmp_path, good_deck):
    def change(d):
        first(d).update(emotion="hangry", need="snack", stakes="enormous", ambiguity="none")

    messages = problems_for(write_deck(tmp_path, broken(good_deck, change)))
    assert len(messages) == 4
    for field in ("emotion", "need", "stakes", "ambiguity"):
        assert any(f"{field}: unknown value" in m for m in messages)


def test_duplicate_scenario_ids_in_one_deck(tmp_path, good_deck):
    data = broken(good_deck, lambda d: d["scenarios"].append(copy.deepcopy(first(d))))
    (message,) = problems_for(write_deck(tmp_path, data))
    assert f"scenario '{first(data)['id']}'" in message
    assert "duplicate scenario id" in message


def test_duplicate_ids_across_decks(tmp_path, good_deck):
    write_deck(tmp_path, good_deck, "one.toml")
    other = copy.deepcopy(good_deck)
    other["deck"]["id"] = "another-deck"
    other["deck"]["rotation_week"] = 9
    write_deck(tmp_path, other, "two.toml")
    with pytest.raises(ContentError) as caught:
        load_decks(tmp_path)
    text = str(caught.value)
    assert "scenario ids must be unique across decks" in text
    assert "two.toml" in text


def test_duplicate_deck_ids_across_files(tmp_path, good_deck):
    write_deck(tmp_path, good_deck, "one.toml")
    other = copy.deepcopy(good_deck)
    for scenario in other["scenarios"]:
        scenario["id"] = "copy-" + scenario["id"]
    write_deck(tmp_path, other, "two.toml")
    with pytest.raises(ContentError) as caught:
        load_decks(tmp_path)
    assert any(
        p.field == "id" and "one.toml" in p.message and "two.toml" in p.message
        for p in caught.value.problems
    )


def test_bad_slug(tmp_path, good_deck):
    data = broken(good_deck, lambda d: first(d).update(id="Late Fee!"))
    (message,) = problems_for(write_deck(tmp_path, data))
    assert "is not a slug" in message


def test_curveball_needs_a_trigger(tmp_path, good_deck):
    def change(d):
        cb = first(d)["curveballs"][0]
        cb.pop("after_turn", None)
        cb.pop("keywords", None)

    (message,) = problems_for(write_deck(tmp_path, broken(good_deck, change)))
    assert "curveball #1" in message and "trigger: needs after_turn" in message


def test_curveball_kind_and_shift(tmp_path, good_deck):
    def change(d):
        first(d)["curveballs"][0].update(kind="meteor", intensity_shift=2.0)

    messages = problems_for(write_deck(tmp_path, broken(good_deck, change)))
    assert any("kind: unknown value 'meteor'" in m for m in messages)
    assert any("intensity_shift: must be between -1 and 1" in m for m in messages)


def test_follow_ups_need_two_lines_each(tmp_path, good_deck):
    def change(d):
        first(d)["follow_ups"]["scripted"] = ["only one"]
        del first(d)["follow_ups"]["defensive"]

    messages = problems_for(write_deck(tmp_path, broken(good_deck, change)))
    assert any("follow_ups: scripted: needs at least 2 entries, found 1" in m for m in messages)
    assert any("follow_ups: defensive: missing" in m for m in messages)


def test_unknown_field_is_reported_not_ignored(tmp_path, good_deck):
    data = broken(good_deck, lambda d: first(d).update(intesity=0.5))
    (message,) = problems_for(write_deck(tmp_path, data))
    assert "intesity: unknown field" in message


def test_every_problem_is_reported_at_once(tmp_path, good_deck):
    def change(d):
        first(d).update(channel="fax", intensity=3)
        d["scenarios"][1].pop("title")
        d["deck"].pop("licence")

    messages = problems_for(write_deck(tmp_path, broken(good_deck, change)))
    assert len(messages) == 4


def test_missing_deck_table_and_scenarios(tmp_path):
    path = tmp_path / "empty.toml"
    path.write_text('title = "nothing here"\n', encoding="utf-8")
    messages = problems_for(path)
    assert any("title: unknown field" in m for m in messages)
    assert any("deck: missing" in m for m in messages)
    assert any("scenarios: needs at least 1 entries" in m for m in messages)


def test_invalid_toml(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text("[deck\nid = ", encoding="utf-8")
    (message,) = problems_for(path)
    assert "not valid TOML" in message and "bad.toml" in message


def test_not_utf8(tmp_path):
    path = tmp_path / "latin1.toml"
    path.write_bytes('title = "café"'.encode("latin-1"))
    (message,) = problems_for(path)
    assert "not UTF-8" in message


def test_oversized_file_is_rejected_before_parsing(tmp_path):
    path = tmp_path / "huge.toml"
    path.write_bytes(b"# " + b"x" * MAX_BYTES + b"\n")
    (message,) = problems_for(path)
    assert "limited to 1 MB" in message and "huge.toml" in message


def test_oversized_upload_is_rejected():
    with pytest.raises(ContentError, match="limited to 1 MB"):
        parse_deck("#" * (MAX_BYTES + 1), source="upload.toml")


def test_missing_file(tmp_path):
    (message,) = problems_for(tmp_path / "nope.toml")
    assert "cannot read file" in message


def test_load_decks_needs_a_folder(tmp_path):
    with pytest.raises(ContentError, match="not a folder"):
        load_decks(tmp_path / "missing")


# --- prompt libraries -----------------------------------------------------------------


def prompt_problems(tmp_path, name, edit) -> list[str]:
    text = (PROMPTS_DIR / f"{name}.toml").read_text(encoding="utf-8")
    path = tmp_path / f"{name}.toml"
    path.write_text(edit(text), encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        load_prompts(name, path)
    return [str(p) for p in caught.value.problems]


def test_scale_question_needs_its_labels(tmp_path):
    messages = prompt_problems(
        tmp_path, "pulse", lambda t: t.replace('low_label = "running on empty"\n', "")
    )
    assert messages == [
        f"{tmp_path / 'pulse.toml'}: questions 'energy-level': low_label: "
        "required for a scale question"
    ]


def test_unknown_pulse_kind_and_category(tmp_path):
    def edit(text):
        return text.replace('kind = "text"', 'kind = "emoji"', 1).replace(
            'category = "obstacles"', 'category = "vibes"'
        )

    messages = prompt_problems(tmp_path, "pulse", edit)
    assert any("questions 'obstacle-to-clear': kind: unknown value 'emoji'" in m for m in messages)
    assert any("category: unknown value 'vibes'" in m for m in messages)


def test_practice_needs_three_to_five_behaviours(tmp_path):
    def edit(text):
        return text.replace(
            '  "People pass without being questioned when they choose to.",\n', ""
        ).replace('  "Follow-ups on named obstacles happen the same day.",\n', "")

    (message,) = prompt_problems(tmp_path, "practices", edit)
    assert "practices 'check-in-round': behaviours: needs at least 3 entries, found 2" in message


def test_missing_section_and_wrong_library_id(tmp_path):
    def edit(text):
        head, _, _ = text.partition("[[tent]]")
        return head.replace('id = "circles"', 'id = "cafe"', 1)

    messages = prompt_problems(tmp_path, "circles", edit)
    assert any(
        "library: id: is 'cafe' but the file is the 'circles' library" in m for m in messages
    )
    assert any("tent: missing section" in m for m in messages)


def test_duplicate_prompt_ids(tmp_path):
    messages = prompt_problems(
        tmp_path, "meetings", lambda t: t.replace('id = "weather-report"', 'id = "arriving-from"')
    )
    assert any("prompt 'arriving-from': id: duplicate id" in m for m in messages)


def test_diagnosis_points_must_name_an_approach(tmp_path):
    messages = prompt_problems(
        tmp_path,
        "diagnosis",
        lambda t: t.replace("points = { systems_led = 3 }", "points = { vibes_led = 3 }", 1),
    )
    assert any("points: unknown approach 'vibes_led'" in m for m in messages)


def test_oversized_prompt_file(tmp_path):
    path = tmp_path / "pulse.toml"
    path.write_bytes(b"#" * (MAX_BYTES + 1))
    with pytest.raises(ContentError, match="limited to 1 MB"):
        load_prompts("pulse", path)


# --- demo -----------------------------------------------------------------------------


def demo_problems(tmp_path, edit) -> list[str]:
    path = tmp_path / "demo.toml"
    path.write_text(edit(DEMO_FILE.read_text(encoding="utf-8")), encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        load_demo(path)
    return [str(p) for p in caught.value.problems]


def test_demo_references_must_be_members(tmp_path):
    messages = demo_problems(tmp_path, lambda t: t.replace('to = "farah"', 'to = "ghost"'))
    assert any("kudos #1: to: 'ghost' is not a member key" in m for m in messages)


def test_demo_needs_exactly_one_owner(tmp_path):
    messages = demo_problems(
        tmp_path, lambda t: t.replace('role = "facilitator"', 'role = "owner"')
    )
    assert any("needs exactly one owner, found 2" in m for m in messages)


def test_demo_pulse_answers_refer_to_real_questions(tmp_path):
    messages = demo_problems(
        tmp_path, lambda t: t.replace('question = "felt-supported"', 'question = "mood-ring"')
    )
    assert any("'mood-ring' is not a question in prompts/pulse.toml" in m for m in messages)


def test_upload_with_unencodable_text():
    with pytest.raises(ContentError, match="cannot be stored as UTF-8"):
        parse_deck('title = "\ud800"', source="upload.toml")
