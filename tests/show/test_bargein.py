"""Barge-in: a comment ends a pitch at a word gap (never mid-word) and the pitch resumes afterwards;
answers and disclosures are never cut by a comment; an operator's stop silences at once."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import yaml

import assets
from avatar.animate import Animator
from avatar.program import Program
from avatar.render import Renderer
from avatar.rig import build_rig
from avatar.sinks.wavfile import WavFileSink
from voice.boundaries import word_boundaries
from voice.tts import create
from voice.types import Speech
from voice.wav import read_wav

PITCH = "Let's look at the Cloud Fleece Hoodie, in grey, navy and cream, at thirty nine dollars and ninety cents."
ANSWER = "The mug holds three hundred and fifty millilitres."


@pytest.fixture(scope="module")
def piper():  # type: ignore[no-untyped-def]
    return create("piper")


@pytest.fixture(scope="module")
def renderer() -> Renderer:
    return Renderer(build_rig(assets.path("portraits/default.png"), size=(180, 320)))


class _Show:
    """An offline programme whose sound goes to a real WAV file, read back as it was written."""

    def __init__(self, renderer: Renderer, rate: int, path: Path) -> None:
        self.path = path
        self.program = Program(render=renderer.render, animator=Animator(fps=25),
                               sinks=[WavFileSink(path)], fps=25, sample_rate=rate, realtime=False)
        self.program.start()

    def audio(self) -> np.ndarray:
        self.program.stop()
        return read_wav(self.path)[0]


def test_word_gaps_from_piper_fall_between_words(piper) -> None:  # type: ignore[no-untyped-def]
    s = piper.synthesize(PITCH, "en")
    b = word_boundaries(s)
    gaps = [(p.start_s, p.end_s) for p in s.phonemes if p.phoneme.strip() == "" or p.phoneme in ",."]
    assert len(b) >= 10, "one gap per word, about"
    assert b[-1] == len(s.pcm)
    for pos in b[:-1]:
        t = pos / s.sample_rate
        assert any(a - 1e-3 <= t <= z + 1e-3 for a, z in gaps), f"a cut at {t:.3f}s is inside a word"


def test_without_word_marks_the_quiet_stretches_are_the_gaps() -> None:
    s = create("espeak").synthesize("We have twenty four in stock. Ask me anything, I am happy to help.", "en")
    b = word_boundaries(s)[:-1]
    assert len(b) >= 1
    level = np.sqrt(np.mean(s.pcm.astype(np.float32) ** 2))
    for pos in b:
        around = s.pcm[max(0, pos - 220): pos + 220].astype(np.float32)
        assert np.sqrt(np.mean(around ** 2)) < 0.2 * level, "a cut where the voice is loud"


def test_a_comment_ends_a_pitch_at_its_next_word_gap(piper, renderer, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    pitch = piper.synthesize(PITCH, "en")
    answer = piper.synthesize(ANSWER, "en")
    show = _Show(renderer, pitch.sample_rate, tmp_path / "out.wav")
    prog = show.program
    events: list[str] = []
    prog.enqueue(pitch, kind="pitch", interruptible=True, on_event=lambda k, _t: events.append(f"pitch:{k}"))
    prog.enqueue(pitch, kind="pitch", interruptible=True, on_event=lambda k, _t: events.append(f"next:{k}"))
    prog.run_for(1.0)
    wait = prog.barge_in()
    assert 0 <= wait < 0.6, "the host is free at the next word gap, not at the end of the sentence"
    prog.enqueue(answer, kind="answer", on_event=lambda k, _t: events.append(f"answer:{k}"))
    prog.run_for(wait + answer.duration_s + 0.5)
    out = show.audio()
    boundaries = word_boundaries(Speech(pitch.pcm, pitch.sample_rate, PITCH, pitch.phonemes))
    # the pitch played unchanged up to the cut, then faded out at a word gap
    cut = next(i for i in range(len(out)) if i >= len(pitch.pcm) or out[i] != pitch.pcm[i])
    fade = int(0.012 * pitch.sample_rate)
    assert any(abs(cut + fade - b) <= fade + 2 for b in boundaries), f"cut at sample {cut} is not at a gap"
    start = _find(out, answer.pcm[:2000])
    assert start is not None, "the answer was not played"
    assert 0 <= (start - cut) / pitch.sample_rate <= 0.1, "the answer follows the cut within a frame or two"
    assert "pitch:interrupted" in events and "next:dropped" in events and "answer:done" in events
    assert "pitch:done" not in events


def test_an_answer_is_never_cut_by_a_comment(piper, renderer, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    answer = piper.synthesize(ANSWER, "en")
    show = _Show(renderer, answer.sample_rate, tmp_path / "out.wav")
    prog = show.program
    events: list[str] = []
    prog.enqueue(answer, kind="answer", on_event=lambda k, _t: events.append(k))
    prog.run_for(0.5)
    assert prog.barge_in() == pytest.approx(answer.duration_s - 0.5, abs=0.05)
    prog.run_for(answer.duration_s)
    out = show.audio()
    assert _find(out, answer.pcm[-2000:]) is not None, "the answer was played to its end"
    assert "done" in events and "interrupted" not in events


def test_the_operator_stop_silences_within_a_frame(piper, renderer, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    answer = piper.synthesize(ANSWER, "en")
    show = _Show(renderer, answer.sample_rate, tmp_path / "out.wav")
    prog = show.program
    prog.enqueue(answer, kind="answer")
    prog.run_for(0.6)
    prog.cut()
    prog.run_for(1.0)
    assert not prog.speaking
    out = show.audio()
    stop = int(0.6 * answer.sample_rate)
    assert out[:stop].any(), "it spoke before the stop"
    assert not out[stop + answer.sample_rate // 25:].any(), "sound more than one frame after the stop"


def _find(haystack: np.ndarray, needle: np.ndarray) -> int | None:
    """Where `needle` occurs in `haystack` (exactly, as the programme copies samples)."""
    first = np.flatnonzero(haystack == needle[0])
    for i in first:
        if np.array_equal(haystack[i: i + len(needle)], needle):
            return int(i)
    return None


def test_in_a_show_the_interrupted_pitch_sentence_is_said_again(tmp_path: Path) -> None:
    from compliance.audit import verify
    from show.commands.run import run_show
    from show.config import load_show

    comments = tmp_path / "c.jsonl"
    qs = ["how much is the mug?", "what colours does the hoodie come in?", "is the lamp in stock?",
          "how much are the socks?"]  # 12.7 s apart: each lands in the pitch between answers
    comments.write_text("".join(json.dumps({"id": f"q{i}", "user": f"u{i}", "text": q, "ts": 12.7 * i}) + "\n"
                                for i, q in enumerate(qs)), encoding="utf-8")
    cfg = {"catalog": str(assets.path("demo_shop_en.yaml")), "platform": "local", "clock": "fast",
           "model": {"kind": "none"}, "comments": {"replay": str(comments)},
           "outputs": {"mp4": str(tmp_path / "show.mp4"), "size": [180, 320]},
           "audit_log": str(tmp_path / "audit.jsonl"), "pitch_interval_s": 1.0, "console": {"enabled": False}}
    (tmp_path / "show.yaml").write_text(yaml.safe_dump(cfg), encoding="utf-8")
    run_show(load_show(tmp_path / "show.yaml"), out_dir=tmp_path)
    assert verify(tmp_path / "audit.jsonl").ok
    entries = [json.loads(x) for x in (tmp_path / "audit.jsonl").read_text("utf-8").splitlines()]
    cut = [e for e in entries if e["kind"] == "line_interrupted"]
    assert cut and all(e["data"]["kind"] == "pitch" for e in cut), "only pitches are cut by comments"
    spoken = [(e["seq"], e["data"]) for e in entries if e["kind"] == "spoken"]
    assert len(cut) >= 2
    for e in cut[:-1]:  # (after the last comment the replay is over and no pitch starts again)
        again = [d for seq, d in spoken if seq > e["seq"] and d["text"] == e["data"]["text"]]
        assert again, f"the interrupted pitch sentence {e['data']['text']!r} was not said again"
    rows = [json.loads(x) for x in (tmp_path / "replies.jsonl").read_text("utf-8").splitlines()]
    assert [r["action"] for r in rows] == ["reply"] * 4
