"""``bidboard draft PATH... [--json] [--questions FILE]``: the drafts for alert files, offline,
writing nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bidboard import cli
from tests.support.paths import MAILBOX


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    for name in ("BIDBOARD_OPENAI_API_KEY", "OPENAI_API_KEY", "BIDBOARD_SEARCHES_FILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("BIDBOARD_DATA_DIR", str(tmp_path / "data"))
    return tmp_path


def test_draft_json_prints_every_job_with_answers_and_findings(
    isolated: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    questions = isolated / "questions.txt"
    questions.write_text(
        "1. Describe your recent experience with similar projects\n\nCan you start this week?\n"
    )
    paths = [str(MAILBOX / "04-digest-five-jobs.eml"), str(MAILBOX / "05-saved-search-alert.eml")]
    assert cli.main(["draft", "--json", "--questions", str(questions), *paths]) == 0
    drafts = json.loads(capsys.readouterr().out)
    assert len(drafts) == 5  # the second file's two jobs are in the first: drafted once
    for draft in drafts:
        assert set(draft) == {
            "job_key",
            "title",
            "draft",
            "answers",
            "findings",
            "drafted_by",
            "words",
        }
        assert draft["drafted_by"] == "template" and 120 <= draft["words"] <= 350
        assert [a["question"] for a in draft["answers"]] == [
            "Describe your recent experience with similar projects",
            "Can you start this week?",
        ]
        assert all(set(f) == {"code", "message"} for f in draft["findings"])
        assert draft["findings"] == []
    assert len({d["draft"] for d in drafts}) == 5
    assert list(isolated.iterdir()) == [questions]  # nothing written, not even the data dir


def test_draft_prints_drafts_for_a_person(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["draft", str(MAILBOX / "01-single-alert-qp.eml")]) == 0
    out, err = capsys.readouterr()
    assert out.startswith("== ~01a1b2c3d4e5f60001  FastAPI backend for a logistics dashboard")
    assert "words, drafted by template" in out and "Upwork Messages" in out
    assert "1 drafts, 0 with findings" in err


def test_draft_names_a_missing_file(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["draft", "nowhere.eml"]) != 0
    assert "nowhere.eml: no such file" in capsys.readouterr().err
