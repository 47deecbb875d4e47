"""Per-turn evidence marks for a stored QA conversation."""

from heard.web.highlight import display_name, mark_spans


def transcript_view(transcript):
    turns = []
    for turn in transcript:
        marks = [
            (f["start"], f["end"], kind, display_name(f["label"]))
            for kind, key in (("move", "moves"), ("pitfall", "pitfalls"))
            for f in turn.get(key, [])
        ]
        turns.append(
            {
                "speaker": turn.get("speaker") or turn["role"],
                "role": turn["role"],
                "html": mark_spans(turn["text"], marks),
                "labels": sorted({display_name(f["label"]) for f in turn.get("moves", [])}),
                "pitfalls": sorted({display_name(f["label"]) for f in turn.get("pitfalls", [])}),
            }
        )
    return turns
