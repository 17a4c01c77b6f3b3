"""The console's view of a show, without a show: it learns from the bus and the audit log's hook, never the file,
and a console is sent only what changed."""

from __future__ import annotations

import asyncio
import json
import threading
import time
import tracemalloc
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
from dialogue.reactions.policy import EventOutcome, ReactionPolicy
from dialogue.rundown import Rundown
from dialogue.triage.identity import IdentityQuestions
from dialogue.triage.queue import CommentQueue
from dialogue.types import Action, Comment, EventKind, Intent, RoomEvent, Triaged
from show.bus import Bus
from show.events import (
    CommentSettled,
    CommentShed,
    CommentSkipped,
    CommentTriaged,
    CommentUnread,
    EventsSettled,
    GateDecided,
    LineStarted,
    RoomEventsReceived,
)
from show.outcomes import Outcomes
from show.tap import PreviewTap
from show.trace import RunSummary
from show.view import EVENTS_KEPT, EVENTS_SHOWN, ShowView

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


def _ev(eid: str, user: str, kind: EventKind, **kw: Any) -> RoomEvent:
    return RoomEvent(eid, user, kind, **kw)


def _received(kind: EventKind, *events: RoomEvent, at: float) -> RoomEventsReceived:
    return RoomEventsReceived(kind, tuple(events), at)


def test_the_room_feed_counts_likes_groups_joins_and_shows_sales_and_reactions(audit: AuditLog) -> None:
    brain = _brain(audit)
    view = ShowView(brain, PreviewTap())
    policy = ReactionPolicy(brain.engine.catalog, "en")
    bus = brain.bus
    bus.publish(_received(EventKind.LIKE, _ev("l1", "ann", EventKind.LIKE, count=3),
                          _ev("l2", "bo", EventKind.LIKE), at=100.0))
    bus.publish(_received(EventKind.LIKE, *(_ev(f"l{i}", "cy", EventKind.LIKE, count=10) for i in range(3, 123)),
                          at=100.5))
    s = _state(view)
    assert s.room.likes == 1204 and s.room.received == {"like": 122} and s.room_events == [], "likes: a count, no rows"

    joins = [_ev("j1", "Mia", EventKind.JOIN), _ev("j2", "Dan", EventKind.JOIN)]
    bus.publish(_received(EventKind.JOIN, *joins, at=101.0))
    more = [_ev(f"j{i}", name, EventKind.JOIN) for i, name in enumerate(["Sofia", "Tom", "Lee", "Dan"], start=3)]
    bus.publish(_received(EventKind.JOIN, *more, at=103.0))  # the same burst
    bus.publish(_received(EventKind.JOIN, _ev("j9", "Kai", EventKind.JOIN), at=110.0))  # quiet for 7 s: a new one
    bus.publish(_received(EventKind.FOLLOW, _ev("f1", "Mia", EventKind.FOLLOW), at=110.0))
    bus.publish(_received(EventKind.GIFT, _ev("g1", "Bo", EventKind.GIFT, gift="Rose", count=3, value=10.0), at=111.0))
    bus.publish(_received(EventKind.ORDER, _ev("o1", "Ann", EventKind.ORDER, sku="MG-2", qty=2), at=111.0))
    rows = _state(view).room_events
    assert [(r.kind, r.users, r.count) for r in rows] == [
        ("join", ["Mia", "Dan", "Sofia"], 6), ("join", ["Kai"], 1), ("follow", ["Mia"], 1),
        ("gift", ["Bo"], 3), ("order", ["Ann"], 2)]
    assert (rows[3].item, rows[3].value) == ("Rose", "30")
    assert (rows[4].item, rows[4].value, rows[4].outcome) == ("Stone Mug", "$29", None)

    # the host welcomes the first burst: one line, the lead replied, the rest batched
    repeats = [o for ev in [*joins, *more] if (o := policy.admit(ev, 1.0)) is not None]
    assert [o.event.id for o in repeats] == ["j6"], "Dan again: rate limited"
    bus.publish(EventsSettled(EventKind.JOIN, tuple(repeats)))
    r = policy.next(10.0)
    assert r is not None and r.kind is EventKind.JOIN
    bus.publish(EventsSettled(EventKind.JOIN, tuple(r.outcomes(True)), reaction=r, said=True))
    # a gift and an order thanked; a gift that waited too long; viewers joining again
    gift = _ev("g2", "Zoe", EventKind.GIFT, gift="Star", value=5.0)
    order = _ev("o1", "Ann", EventKind.ORDER, sku="MG-2", qty=2)
    bus.publish(_received(EventKind.GIFT, gift, at=112.0))
    policy.admit(gift, 11.0)
    policy.admit(_ev("g1", "Bo", EventKind.GIFT, gift="Rose", count=3, value=10.0), 11.0)
    policy.admit(order, 11.0)
    thanks = policy.next(20.0)
    assert thanks is not None and thanks.kind is EventKind.ORDER
    bus.publish(EventsSettled(EventKind.ORDER, tuple(thanks.outcomes(True)), reaction=thanks, said=True))
    stale = policy.expire(20.0 + 121.0)
    assert {o.event.id for o in stale} == {"g1", "g2"}
    bus.publish(EventsSettled(EventKind.GIFT, tuple(stale)))
    again = [policy.admit(_ev(f"k{i}", "Mia", EventKind.JOIN), 200.0) for i in range(3)]
    bus.publish(EventsSettled(EventKind.JOIN, tuple(o for o in again if o is not None)))
    blocked = ReactionPolicy(None, "en")
    blocked.admit(_ev("s1", "Kai", EventKind.SHARE), 0.0)
    no = blocked.next(10.0)
    assert no is not None
    bus.publish(EventsSettled(EventKind.SHARE, tuple(no.outcomes(False, "gate:blocked")), reaction=no, said=False))

    s = _state(view)
    said = [x for x in s.room_events if x.kind == "reaction"]
    assert [(x.covers, x.text, x.count, x.batched, x.outcome) for x in said] == [
        ("join", r.text, 5, 4, "said"), ("order", thanks.text, 1, 0, "said")], "a line blocked is no row"
    assert r.text.startswith("Welcome Mia") and said[0].users == ["Mia"]
    assert s.room.reactions == 2 and s.room.covered == 6
    assert s.room.skipped == {"rate_limited": 4, "stale": 2, "gate:blocked": 1}, "skipped events: counts by reason"
    sales = {x.id: (x.outcome, x.why) for x in s.room_events if x.kind in ("gift", "order")}
    assert sales == {"e:g1": ("skip", "stale"), "e:o1": ("thanked", ""), "e:g2": ("skip", "stale")}

    # a reaction held for the operator is shown held, then said once approved
    fan = _ev("f2", "Lee", EventKind.FOLLOW)
    policy.admit(fan, 300.0)
    follow = policy.next(320.0)
    assert follow is not None
    bus.publish(EventsSettled(EventKind.FOLLOW, tuple(follow.outcomes(False, held=True)), reaction=follow))
    assert [x.outcome for x in _state(view).room_events if x.id == "r:f2"] == ["held"]
    line = Utterance("reaction", follow.text, "en", comment_id="f2")
    bus.publish(GateDecided(GateDecision(Verdict.PASS, line, by="Mei")))
    brain.program.speaking = True
    view._line = line
    s = _state(view)
    assert [x.outcome for x in s.room_events if x.id == "r:f2"] == ["said"] and s.room.reactions == 3
    assert s.on_air is not None and (s.on_air.kind, s.on_air.user, s.on_air.why) == ("reaction", "Lee", "follow")


def test_the_room_feed_stays_small_whatever_the_rate(audit: AuditLog) -> None:
    """500 likes and 50 joins a second, with gifts and the outcomes of them all, for 200 s of show: the view's
    memory and the state it pushes stop growing once the feed is full."""
    brain = _brain(audit)
    view = ShowView(brain, PreviewTap())
    bus = brain.bus

    likes = tuple(_ev(f"l{i}", f"u{i % 97}", EventKind.LIKE) for i in range(500))  # a count: the same ones will do
    stale = tuple(EventOutcome(ev, Action.SKIP, flag="stale") for ev in likes)

    def second(t: int) -> int:
        joins = tuple(_ev(f"j{t}.{i}", f"viewer{t}_{i}", EventKind.JOIN) for i in range(50))
        for step in range(10):  # an intake step every 100 ms
            bus.publish(RoomEventsReceived(EventKind.LIKE, likes[step * 50:(step + 1) * 50], t + step / 10))
            bus.publish(RoomEventsReceived(EventKind.JOIN, joins[step * 5:(step + 1) * 5], t + step / 10))
        gift = _ev(f"g{t}", "bo", EventKind.GIFT, gift="Rose", value=1.0)
        bus.publish(RoomEventsReceived(EventKind.GIFT, (gift,), float(t)))
        bus.publish(EventsSettled(EventKind.LIKE, stale))
        bus.publish(EventsSettled(EventKind.JOIN, tuple(EventOutcome(ev, Action.SKIP, flag="rate_limited")
                                                        for ev in joins)))
        return len(likes) + len(joins) + 1

    def size() -> int:
        s = _state(view)
        return len(s.room.model_dump_json()) + len(json.dumps([e.model_dump(mode="json") for e in s.room_events]))

    n = sum(second(t) for t in range(60))  # the feed is full
    tracemalloc.start()
    try:
        warm, before = size(), tracemalloc.get_traced_memory()[0]
        n += sum(second(t) for t in range(60, 200))
        grown = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    s = _state(view)
    assert n >= 100_000
    assert s.room.likes == 100_000 and s.room.received["join"] == 10_000
    assert s.room.skipped == {"stale": 100_000, "rate_limited": 10_000}
    assert len(s.room_events) == EVENTS_SHOWN and len(view._rows) == EVENTS_KEPT
    assert {x.kind for x in s.room_events} == {"join", "gift"}
    assert all(len(x.users) <= 3 for x in s.room_events)
    joins = [x for x in s.room_events if x.kind == "join"]
    assert joins and all(x.count <= 50 * 31 for x in joins), "a steady stream of joins: a row per 30 s at most"
    assert size() <= warm * 1.1 and size() < 12_000, (warm, size())
    assert grown < 200_000, f"the view grew by {grown} bytes"


def test_a_flood_of_room_events_is_pushed_at_the_console_s_pace(audit: AuditLog) -> None:
    """However fast the events come, a console gets at most one `changes` every `state_gap_s`."""
    brain = _brain(audit)
    view = ShowView(brain, PreviewTap())
    show = SimpleNamespace(snapshot=lambda: _state(view), takeover_console="", view=view)
    socket = _Socket()
    session = _Session(socket, show, "Mei", None, None, None)  # type: ignore[arg-type]
    stop = threading.Event()
    published = [0]

    def flood() -> None:
        t = 0
        while not stop.is_set():
            t += 1
            brain.bus.publish(RoomEventsReceived(EventKind.LIKE, tuple(
                _ev(f"l{t}.{i}", "ann", EventKind.LIKE) for i in range(20)), time.monotonic()))
            brain.bus.publish(RoomEventsReceived(EventKind.JOIN, (_ev(f"j{t}", f"v{t}", EventKind.JOIN),),
                                                 time.monotonic()))
            published[0] += 2

    async def watch(seconds: float) -> None:
        task = asyncio.create_task(session._states(1.0, 0.2))
        await asyncio.sleep(seconds)
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)

    thread = threading.Thread(target=flood, daemon=True)
    thread.start()
    try:
        asyncio.run(watch(2.0))
    finally:
        stop.set()
        thread.join()
    assert published[0] > 500, "a flood: hundreds of events a second"
    msgs = [SERVER_MESSAGE.validate_json(m) for m in socket.sent]
    assert isinstance(msgs[0], StateMsg) and all(isinstance(m, StateChanges) for m in msgs[1:])
    assert 3 <= len(msgs) <= 2.0 / 0.2 + 2, len(msgs)
    assert all(len(m) < 30_000 for m in socket.sent[1:]), [len(m) for m in socket.sent]
    likes = [m.changes["room"]["likes"] for m in msgs[1:] if isinstance(m, StateChanges) and "room" in m.changes]
    assert likes == sorted(likes) and likes[-1] > 0, "the like counter only goes up"
