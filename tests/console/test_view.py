"""The console's view of a show, without a show: it learns from the bus and the audit log's hook, never the file,
and a console is sent only what changed."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from compliance.audit import AuditLog
from compliance.gate import Gate, GateDecision, Utterance, Verdict
from compliance.profiles import get_profile
from console.messages import SERVER_MESSAGE, ShowState, StateChanges, StateMsg
from console.server import _Session
from dialogue.catalog import load_catalog
from dialogue.rundown import Rundown
from dialogue.triage.identity import IdentityQuestions
from dialogue.triage.queue import CommentQueue
from dialogue.types import Action, Comment, Intent, Triaged
from show.bus import Bus
from show.events import (
    CommentSettled,
    CommentShed,
    CommentSkipped,
    CommentTriaged,
    CommentUnread,
    GateDecided,
    LineStarted,
)
from show.outcomes import Outcomes
from show.tap import PreviewTap
from show.trace import RunSummary
from show.view import ShowView

SHOP = Path(__file__).with_name("shop.yaml")


@pytest.fixture()
def audit(tmp_path: Path) -> Any:
    log = AuditLog(tmp_path / "audit.jsonl")
    yield log
    log.close()


def _brain(audit: AuditLog) -> Any:
    """What the view reads off a Brain, with a real bus, gate (answers need approval) and audit log."""
    catalog = load_catalog(SHOP)
    gate = Gate(get_profile("local", approval="answers"), audit, catalog=catalog)
    program = SimpleNamespace(now_s=12.0, speaking=False, stats=SimpleNamespace(frames=300, dropped=0))
    bus = Bus()
    gate.subscribe(lambda d: bus.publish(GateDecided(d)))  # as the Brain bridges it
    return SimpleNamespace(bus=bus, audit=audit, gate=gate, program=program, engine=SimpleNamespace(catalog=catalog),
                           rundown=Rundown(catalog), summary=RunSummary(), outcomes=Outcomes(), traces=[],
                           queue=CommentQueue(max_size=10), identity=IdentityQuestions(), holds={}, presence=None,
                           lang="en")


def _state(view: ShowView) -> ShowState:
    return view.snapshot(mode="live", on_duty=[], takeover_available=False, taking_over=False)


def _triaged(cid: str, text: str, *, skip: str | None = None) -> CommentTriaged:
    c = Comment(cid, "ann", text)
    return CommentTriaged(c, Triaged(c, "en", Intent.PRICE, flags=[], skip_reason=skip))


def test_the_feed_and_the_fates_come_from_the_bus(audit: AuditLog, tmp_path: Path) -> None:
    brain = _brain(audit)
    view = ShowView(brain, PreviewTap())
    woken: list[int] = []
    view.watch(lambda: woken.append(view.version))
    brain.bus.publish(_triaged("c1", "how much is the mug?"))
    brain.bus.publish(_triaged("c2", "FREE followers", skip="spam or advertising"))
    brain.bus.publish(_triaged("c3", "and the socks?"))
    brain.bus.publish(CommentShed("c3"))
    assert woken == [1, 2, 3, 4], "every event wakes the console"
    held = brain.gate.submit(Utterance("answer", "The Stone Mug is $14.50.", "en", comment_id="c1"))
    assert held.verdict is Verdict.HOLD
    for i in range(400):  # the feed moves on: the held line keeps its comment
        brain.bus.publish(_triaged(f"x{i}", "hi"))
    s = _state(view)
    assert [(h.id, h.comment_user, h.comment_text) for h in s.pending] == [(held.id, "ann", "how much is the mug?")]
    assert len(s.comments) == 60 and s.comments[-1].id == "x399"
    assert view.version > 400

    view2 = ShowView(brain, PreviewTap())  # a second view sees the fates from its own start
    brain.bus.publish(_triaged("m1", "how much is the mug?"))
    brain.bus.publish(_triaged("m2", "spam", skip="spam or advertising"))
    brain.bus.publish(_triaged("m3", "socks?"))
    brain.bus.publish(CommentShed("m3"))
    brain.bus.publish(_triaged("m4", "hoodie?"))
    brain.bus.publish(_triaged("m5", "lol"))
    brain.bus.publish(CommentSkipped("m5", "small talk that waited 40 s"))
    brain.bus.publish(_triaged("m6", "nice"))
    brain.bus.publish(CommentSkipped("m6", "small talk that waited 40 s", flags=("stale:small_talk",)))
    line = brain.gate.submit(Utterance("answer", "The Stone Mug is $14.50.", "en", comment_id="m1"))
    fates = {c.id: (c.outcome, c.why) for c in _state(view2).comments}
    assert fates["m1"] == ("hold", "approval required for answer lines (approval: answers)")
    assert fates["m2"] == ("skip", "spam or advertising") and fates["m3"] == ("skip", "shed:queue_full")
    assert fates["m4"] == ("waiting", "")
    assert fates["m5"] == ("skip", "small talk that waited 40 s") and fates["m6"] == ("skip", "stale:small_talk")
    passed = brain.gate.approve(line.id, "Mei")
    brain.program.speaking = True
    brain.bus.publish(LineStarted(passed.utterance, 12.5))
    s = _state(view2)
    assert {c.id: (c.outcome, c.why) for c in s.comments}["m1"] == ("reply", "The Stone Mug is $14.50.")
    assert s.on_air is not None and (s.on_air.kind, s.on_air.user, s.on_air.why) == ("answer", "ann",
                                                                                      "how much is the mug?")
    brain.bus.publish(CommentSettled("m4", Action.REPLY, flags=("answered_with:disclosure",)))
    assert {c.id: (c.outcome, c.why) for c in _state(view2).comments}["m4"] == ("reply", "answered_with:disclosure")
    brain.bus.publish(CommentUnread(Comment("u1", "bo", "still there?")))  # the show ended before reading it
    assert {c.id: (c.outcome, c.why) for c in _state(view2).comments}["u1"] == ("hold", "show_ended")


def test_the_audit_panel_is_told_by_the_log_not_read_from_the_file(audit: AuditLog) -> None:
    audit.append("before", {})  # the panel shows what is written from the console's start
    brain = _brain(audit)
    view = ShowView(brain, PreviewTap())
    v = view.version
    audit.append("operator_action", {"action": "pause", "operator": "Mei", "note": "x" * 400})
    s = _state(view)
    assert [(a.seq, a.kind) for a in s.audit] == [(2, "operator_action")] and view.version == v + 1
    assert s.audit[0].detail.startswith('{"action":"pause","operator":"Mei"') and len(s.audit[0].detail) == 220
    view.close()
    audit.append("after_close", {})
    brain.bus.publish(GateDecided(GateDecision(Verdict.PASS, Utterance("pitch", "Hi.", "en"))))
    assert view.version == v + 1


class _Socket:
    def __init__(self) -> None:
        self.sent: list[str] = []

    async def send_text(self, text: str) -> None:
        self.sent.append(text)


def test_a_console_is_sent_the_whole_state_once_then_only_what_changed(audit: AuditLog) -> None:
    view = ShowView(_brain(audit), PreviewTap())
    state = {"now": _state(view)}
    show = SimpleNamespace(snapshot=lambda: state["now"], takeover_console="", view=view)
    socket = _Socket()
    session = _Session(socket, show, "Mei", None, None, None)  # type: ignore[arg-type]

    async def pushes() -> None:
        await session.push_state()
        await session.push_state()  # nothing changed: nothing sent
        state["now"] = state["now"].model_copy(update={"on_air_s": 13.0, "mode": "paused"})
        await session.push_state()

    asyncio.run(pushes())
    first, second = (SERVER_MESSAGE.validate_json(m) for m in socket.sent)
    assert isinstance(first, StateMsg) and first.state.mode == "live" and len(first.state.products) == 4
    assert isinstance(second, StateChanges) and second.changes == {"on_air_s": 13.0, "mode": "paused"}
    with pytest.raises(ValueError, match="not fields of the state"):
        StateChanges(changes={"launch": True})
    assert json.loads(socket.sent[1]) == {"type": "changes", "changes": {"on_air_s": 13.0, "mode": "paused"}}
