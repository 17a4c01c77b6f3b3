"""Each command as a person types it: the installed `nightshift`, run in a new folder, with relative paths.

A relative path means the folder the command was typed in, whatever the command does with it later (the demo
writes a show.yaml whose own paths resolve against its own folder: `tests/show/test_demo.py` runs the demo so)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import wave
from pathlib import Path

import pytest
import yaml

import assets

NIGHTSHIFT = str(Path(sys.executable).with_name("nightshift"))


def _run(cwd: Path, *args: str, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    return subprocess.run([NIGHTSHIFT, *args], cwd=cwd, capture_output=True, text=True, timeout=timeout)


@pytest.fixture
def here(tmp_path: Path) -> Path:
    """A new working folder holding the user's own files, named relatively."""
    shutil.copy(assets.path("demo_shop_en.yaml"), tmp_path / "shop.yaml")
    shutil.copy(assets.path("portraits/default.png"), tmp_path / "me.png")
    (tmp_path / "in.jsonl").write_text(
        json.dumps({"id": "c1", "user": "ann", "text": "how much is the hoodie?"}) + "\n", encoding="utf-8")
    return tmp_path


def test_say_writes_the_wav_in_the_working_folder(here: Path) -> None:
    done = _run(here, "say", "Welcome to the shop.", "--out", "clips/hello.wav")
    assert done.returncode == 0, done.stderr
    with wave.open(str(here / "clips" / "hello.wav")) as w:
        assert w.getnframes() > w.getframerate() * 0.5


def test_answer_reads_and_writes_relative_files(here: Path) -> None:
    done = _run(here, "answer", "--catalog", "shop.yaml", "--comments", "in.jsonl", "--out", "answers/out.jsonl",
                "--no-llm")
    assert done.returncode == 0, done.stderr
    row = json.loads((here / "answers" / "out.jsonl").read_text("utf-8"))
    assert row["id"] == "c1" and row["action"] == "reply" and "$39.90" in row["text"]


def test_a_missing_relative_file_is_named_and_exits_2(here: Path) -> None:
    done = _run(here, "answer", "--catalog", "nope.yaml", "--comments", "in.jsonl", "--out", "out.jsonl", "--no-llm")
    assert done.returncode == 2 and "nope.yaml" in done.stderr, done.stderr


def test_rig_reads_the_portrait_and_writes_the_preview_here(here: Path) -> None:
    done = _run(here, "rig", "me.png", "--out", "preview.png", "--size", "360x640")
    assert done.returncode == 0, done.stderr
    assert (here / "preview.png").stat().st_size > 10_000


def test_run_and_audit_verify_with_a_show_beside_the_user(here: Path) -> None:
    (here / "comments.jsonl").write_text("".join(
        json.dumps({"id": f"c{i}", "user": f"u{i}", "text": text, "ts": 1.0 + 2 * i}) + "\n"
        for i, text in enumerate(["how much is the hoodie?", "hello!"])), encoding="utf-8")
    show = {"catalog": "shop.yaml", "platform": "local", "clock": "fast", "voice": {"kind": "espeak"},
            "model": {"kind": "none"}, "comments": {"replay": "comments.jsonl"},
            "outputs": {"wav": "rec/show.wav", "size": [180, 320]}, "audit_log": "rec/audit.jsonl",
            "console": {"enabled": False}, "minutes": 0.5}
    (here / "show.yaml").write_text(yaml.safe_dump(show), encoding="utf-8")
    done = _run(here, "run", "show.yaml", "--out", "records")
    assert done.returncode == 0, done.stderr
    assert (here / "rec" / "show.wav").is_file() and (here / "records" / "summary.json").is_file()
    assert (here / "records" / "run.log").is_file()
    assert "show" in done.stderr and "lines spoken" in done.stderr, "the show's progress on the terminal"
    verified = _run(here, "audit", "verify", "rec/audit.jsonl")
    assert verified.returncode == 0 and "intact" in verified.stdout, verified.stdout + verified.stderr
