"""The show's stages without models: the gate's Cleared lines, the fallback voice, the audit recorder, holds."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from compliance.audit import AuditLog, AuditWriteError
from compliance.gate import Cleared, Gate, Utterance
from compliance.profiles import get_profile
from show.bus import Bus
from show.events import CommentShed, HoldChanged, LineCommitted, VoiceFellBack
from show.record.audit import AuditRecorder
from show.stages.holds import Holds
from show.stages.voices import ClauseStream, FallbackVoice
from voice.tts.base import TTSBackend, TTSCapabilities
from voice.types import Speech


def _entries(path: Path) -> list[dict]:
    return [json.loads(x) for x in path.read_text("utf-8").splitlines()]


def test_only_the_gate_clears_a_line(tmp_path: Path) -> None:
    u = Utterance("pitch", "The mug holds 350 ml.", "en")
    with pytest.raises(TypeError):
        Cleared(u)
    audit = AuditLog(tmp_path / "audit.jsonl")
    gate = Gate(get_profile("generic"), audit)
    d = gate.submit(u)
    assert d.passed and isinstance(d.cleared, Cleared) and d.cleared.utterance == u
    assert gate.submit(Utterance("pitch", "", "en")).cleared is None
    audit.close()


class _Voice(TTSBackend):
    def __init__(self, name: str, langs: tuple[str, ...], fail: bool = False) -> None:
        self.name, self.fail, self.said = name, fail, []
        self.capabilities = TTSCapabilities(languages=langs, timeline=False, sample_rate=16000)

    def synthesize(self, text: str, lang: str) -> Speech:
        if self.fail:
            raise RuntimeError("crashed")
        self.said.append(text)
        return Speech(np.zeros(160, np.int16), 16000, text, voice=f"{self.name}:x")


def test_the_fallback_voice_takes_a_failed_line_and_a_language_the_main_voice_lacks() -> None:
    main, fb = _Voice("piper", ("en",)), _Voice("espeak", ("en", "zh"))
    told: list[tuple[str, str]] = []
    v = FallbackVoice(main, fb, lambda e, text: told.append((str(e), text)))
    assert set(v.capabilities.languages) == {"en", "zh"}
    assert v.synthesize("Hello.", "en").voice == "piper:x" and v.synthesize("你好。", "zh").voice == "espeak:x"
    assert told == []
    main.fail = True
    assert v.synthesize("Hello again.", "en").voice == "espeak:x"
    assert told == [("crashed", "Hello again.")]


def test_a_line_is_voiced_first_clause_first() -> None:
    voice = _Voice("piper", ("en",))
    parts = list(ClauseStream(voice).stream("The hoodie comes in grey and navy, and both are in stock today.", "en"))
    assert [p.text for p in parts] == ["The hoodie comes in grey and navy,", "and both are in stock today."]


def test_the_audit_recorder_keeps_what_a_full_disk_refused_and_raises_for_what_must_be_on_record(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    audit, bus = AuditLog(tmp_path / "audit.jsonl"), Bus()
    rec = AuditRecorder(audit, bus)
    real = audit.append

    def full(kind: str, data: dict | None = None) -> dict:
        raise AuditWriteError("no space left on device")

    monkeypatch.setattr(audit, "append", full)
    bus.publish(CommentShed("c1"))  # deferrable: kept
    assert rec.pending == 1
    with pytest.raises(AuditWriteError):  # must be on record before the line goes on air
        bus.publish(LineCommitted(Utterance("pitch", "Hi.", "en"), "piper:x"))
    with pytest.raises(AuditWriteError):
        bus.publish(VoiceFellBack("crashed", "Hi."))
    monkeypatch.setattr(audit, "append", real)
    rec.flush()
    audit.close()
    [shed] = _entries(tmp_path / "audit.jsonl")
    assert shed["kind"] == "shed" and shed["data"]["id"] == "c1" and shed["data"]["reason"] == "queue full"
    assert "happened_at" in shed["data"]


class _Program:
    now_s, queued_s, slate, cuts = 1.0, 0.0, False, 0

    def cut(self) -> None:
        self.cuts += 1


def test_holds_are_one_state_machine(tmp_path: Path) -> None:
    bus, seen = Bus(), []
    bus.subscribe(HoldChanged, seen.append)
    program = _Program()
    holds = Holds(program=program, bus=bus, lang="en")  # type: ignore[arg-type]
    said: list[Utterance] = []
    holds.say = said.append
    holds.hold("operator", "paused by Mei")
    holds.hold("presence", "no operator on duty")
    assert holds.mode() == "paused" and holds.held and program.slate and program.cuts == 1
    assert [u.kind for u in said] == ["holding"]
    holds.release("operator")
    assert holds.paused and program.slate
    holds.release("presence")
    assert not holds.held and not program.slate and holds.mode() == "live"
    assert [(e.reason, e.on, e.holds) for e in seen] == [
        ("operator", True, ("operator",)), ("presence", True, ("operator", "presence")),
        ("operator", False, ("presence",)), ("presence", False, ())]
    holds.take_over(2.0)
    assert holds.held and not holds.paused and holds.mode() == "live"
    holds.hand_back(3.0)
    assert not holds.held


def test_lines_cleared_during_a_stop_wait_for_the_resume(tmp_path: Path) -> None:
    audit = AuditLog(tmp_path / "audit.jsonl")
    gate = Gate(get_profile("generic"), audit)
    holds = Holds(program=_Program(), bus=Bus(), lang="en")  # type: ignore[arg-type]
    first = gate.submit(Utterance("operator", "Welcome back.", "en", operator="Mei")).cleared
    second = gate.submit(Utterance("operator", "One moment.", "en", operator="Mei")).cleared
    assert first is not None and second is not None
    holds.put_line(first)
    assert holds.halt() and not holds.halt() and holds.mode() == "stopped"
    holds.put_line(second)
    assert holds.lines.empty()
    holds.unhalt()
    assert [holds.lines.get_nowait(), holds.lines.get_nowait()] == [first, second]
    audit.close()
