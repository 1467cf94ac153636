"""The developer's explain view (``python -m dashboard places FILE --explain``)."""
from __future__ import annotations

from pathlib import Path

import pytest

from dashboard.__main__ import main
from dashboard.core.geoparse.explain import describe_entry, explain_text
from dashboard.core.geoparse.gazetteer import Gazetteer
from dashboard.core.geoparse.mentions import extract_mentions
from dashboard.core.geoparse.toponyms import PARTS, explain_resolution
from dashboard.services.gazetteer_file import ensure_gazetteer


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return ensure_gazetteer()


def test_resolution_lists_candidates_parts_and_the_deciding_rule(gaz: Gazetteer) -> None:
    text = "The mayor of Springfield met farmers from across Illinois."
    springfield, illinois = explain_resolution(text, extract_mentions(text, gaz), gaz)
    assert springfield.rule == "state named" and springfield.chosen is not None
    assert springfield.chosen.admin1 == "IL" and springfield.candidates[0].entry == springfield.chosen
    assert len(springfield.candidates) > 3
    scores = [c.score for c in springfield.candidates]
    assert scores == sorted(scores, reverse=True)
    for c in springfield.candidates:
        assert {name for name, _ in c.parts} <= set(PARTS)
        assert c.score == pytest.approx(sum(v for _, v in c.parts), abs=0.01)
    assert illinois.chosen is not None and illinois.chosen.feature == "admin1"


def test_unplaceable_and_single_candidates(gaz: Gazetteer) -> None:
    from dashboard.core.geoparse.mentions import Mention

    text = "They sailed to Zyxqoria and Kennebunkport."
    ms = [Mention("Zyxqoria", 15, 23), Mention("Kennebunkport", 28, 41)]
    none, only = explain_resolution(text, ms, gaz)
    assert (none.chosen, none.rule, none.confidence, none.candidates) == (None, "no candidate", 0.0, ())
    assert only.rule == "only candidate" and len(only.candidates) == 1


def test_explain_text_is_readable(gaz: Gazetteer) -> None:
    out = explain_text("President Bush met farmers in Springfield, Illinois.", gaz, candidates=2)
    assert "- 'Bush'" in out and "title before" in out
    assert "* 'Springfield'" in out and "decided by: container" in out
    assert "more" in out  # candidates beyond the two shown are counted
    assert "population +" in out


def test_describe_entry(gaz: Gazetteer) -> None:
    (e,) = [x for x in gaz.candidates("Kennebunkport")]
    assert describe_entry(e).startswith("Kennebunkport [city US/ME] pop ")


def test_places_cli_explain_flag(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DASHBOARD_OFFLINE", "1")
    article = tmp_path / "story.md"
    article.write_text("# Fire near Springfield\n\nThe mayor of Springfield met farmers from Illinois.\n",
                       encoding="utf-8")
    assert main(["places", str(article), "--offline", "--explain"]) == 0
    out = capsys.readouterr().out
    assert "resolution (per kept name" in out and "decided by:" in out
    assert main(["places", str(article), "--offline"]) == 0
    assert "decided by:" not in capsys.readouterr().out
