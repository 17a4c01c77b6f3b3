"""CommentQueue: priority order, FIFO among equals, aging against starvation, shedding, threads."""

from __future__ import annotations

import threading
import time

import pytest

from dialogue.triage.identity import IdentityQuestions
from dialogue.triage.queue import CommentQueue
from dialogue.triage.staleness import stale_reason
from dialogue.types import Comment, Intent, Triaged


def test_priority_order() -> None:
    q: CommentQueue[str] = CommentQueue(aging_per_s=0.5)
    for name, prio in [("thanks", 1), ("price", 8), ("greeting", 2), ("buy", 9), ("faq", 7)]:
        assert q.push(name, prio, now=10.0) == []
    assert len(q) == 5
    assert [q.pop(10.0) for _ in range(5)] == ["buy", "price", "faq", "greeting", "thanks"]
    assert q.pop(10.0) is None and len(q) == 0


def test_fifo_among_equals_with_and_without_aging() -> None:
    for aging in (0.0, 0.5):
        q: CommentQueue[int] = CommentQueue(aging_per_s=aging)
        for i in range(50):
            q.push(i, 5, now=3.0)  # same instant, same priority: arrival order decides
        assert [q.pop(3.0) for _ in range(50)] == list(range(50))


def test_aging_lets_an_old_item_overtake_a_higher_new_one() -> None:
    q: CommentQueue[str] = CommentQueue(aging_per_s=0.5)
    q.push("greeting", 2, now=0.0)
    q.push("fresh question", 7, now=9.0)  # greeting is worth 2 + 9 * 0.5 = 6.5 < 7: question first
    assert q.pop(9.0) == "fresh question"
    q.push("fresh question 2", 7, now=11.0)  # greeting is worth 7.5 > 7 at 11 s
    assert q.pop(11.0) == "greeting"
    assert q.effective_priority(2, pushed_at=0.0, now=11.0) == 7.5


def _serve_stream(aging: float, seconds: int) -> int | None:
    """Two high-priority questions arrive per second, one is answered per second; when is the greeting?"""
    q: CommentQueue[str] = CommentQueue(max_size=10_000, aging_per_s=aging)
    q.push("greeting", 2, now=0.0)
    for t in range(1, seconds + 1):
        q.push(f"q{t}a", 8, now=float(t))
        q.push(f"q{t}b", 8, now=float(t) + 0.5)
        if q.pop(float(t) + 0.9) == "greeting":
            return t
    return None


def test_low_priority_item_is_not_starved_by_a_stream_of_high_ones() -> None:
    served_at = _serve_stream(aging=0.5, seconds=200)
    assert served_at is not None and served_at < 60
    assert _serve_stream(aging=0.0, seconds=200) is None  # the same stream without aging starves it


def test_shedding_drops_the_lowest_and_reports_it() -> None:
    q: CommentQueue[str] = CommentQueue(max_size=3, aging_per_s=0.0)
    assert q.push("a8", 8, now=0.0) == []
    assert q.push("b2", 2, now=0.0) == []
    assert q.push("c5", 5, now=0.0) == []
    assert q.push("d9", 9, now=0.0) == ["b2"]  # the lowest leaves
    assert q.push("e1", 1, now=0.0) == ["e1"]  # the new one is the lowest: it is refused
    assert q.push("f5", 5, now=0.0) == ["f5"]  # ties: the earlier arrival keeps its place
    assert len(q) == 3
    assert q.drain() == ["d9", "a8", "c5"]
    assert len(q) == 0


def test_shedding_uses_effective_priority() -> None:
    q: CommentQueue[str] = CommentQueue(max_size=2, aging_per_s=1.0)
    q.push("old greeting", 2, now=0.0)
    q.push("question", 6, now=0.0)
    # At t=10 the greeting is worth 12 and the question 16; a new 9 is the lowest.
    assert q.push("new", 9, now=10.0) == ["new"]
    # A new 20 pushes out the lowest effective one, the greeting.
    assert q.push("urgent", 20, now=10.0) == ["old greeting"]
    assert q.drain() == ["urgent", "question"]


def test_size_stays_bounded_under_load() -> None:
    q: CommentQueue[int] = CommentQueue(max_size=200)
    shed: list[int] = []
    for i in range(5000):
        shed += q.push(i, i % 10, now=i * 0.01)
        assert len(q) <= 200
    assert len(q) == 200 and len(shed) == 4800
    assert sorted(shed + q.drain()) == list(range(5000))  # nothing vanished without being reported


def test_get_blocks_until_an_item_arrives_from_a_producer_thread() -> None:
    q: CommentQueue[str] = CommentQueue()
    t0 = time.monotonic()
    assert q.get(timeout=0.2) is None
    assert 0.15 < time.monotonic() - t0 < 2.0  # generous: 10x the 0.2 s timeout

    def later() -> None:
        time.sleep(0.2)
        q.push("late", 5, now=time.monotonic())

    threading.Thread(target=later, daemon=True).start()
    t0 = time.monotonic()
    assert q.get(timeout=5.0) == "late"
    assert 0.15 < time.monotonic() - t0 < 2.0  # generous: 10x the 0.2 s the producer waits


def test_thread_safety_with_producers_and_a_consumer() -> None:
    q: CommentQueue[tuple[int, int]] = CommentQueue(max_size=100, aging_per_s=0.5)
    n_producers, per_producer = 4, 2500
    shed: list[tuple[int, int]] = []
    shed_lock = threading.Lock()
    consumed: list[tuple[int, int]] = []
    stop = threading.Event()

    def produce(p: int) -> None:
        for i in range(per_producer):
            out = q.push((p, i), i % 10, now=time.monotonic())
            with shed_lock:
                shed.extend(out)

    def consume() -> None:
        while not stop.is_set() or len(q):
            item = q.get(timeout=0.05)
            if item is not None:
                consumed.append(item)

    consumer = threading.Thread(target=consume)
    producers = [threading.Thread(target=produce, args=(p,)) for p in range(n_producers)]
    consumer.start()
    for t in producers:
        t.start()
    for t in producers:
        t.join()
    stop.set()
    consumer.join(timeout=10)
    assert not consumer.is_alive()
    everything = consumed + shed
    assert len(everything) == n_producers * per_producer
    assert set(everything) == {(p, i) for p in range(n_producers) for i in range(per_producer)}


def test_validation() -> None:
    with pytest.raises(ValueError):
        CommentQueue(max_size=0)
    with pytest.raises(ValueError):
        CommentQueue(aging_per_s=-1)


@pytest.mark.parametrize(("intent", "waited_s", "stale"), [
    (Intent.THANKS, 31.0, True), (Intent.GREETING, 45.0, True), (Intent.OFF_TOPIC, 31.0, True),
    (Intent.THANKS, 29.0, False), (Intent.PRICE, 600.0, False), (Intent.PURCHASE, 600.0, False),
])
def test_only_small_talk_goes_stale(intent: Intent, waited_s: float, stale: bool) -> None:
    tri = Triaged(Comment(id="c", user="u", text="x"), "en", intent)
    reason = stale_reason(tri, waited_s)
    assert (reason is not None) == stale
    assert reason is None or f"{waited_s:.0f} s" in reason


def test_are_you_real_is_answered_once_for_the_room_and_at_most_every_repeat() -> None:
    q = IdentityQuestions(repeat_s=30.0)
    ask = [Triaged(Comment(id=f"c{i}", user=f"u{i}", text="are you real?"), "en", Intent.IDENTITY) for i in range(4)]
    assert q.due(0.0) is None
    for t in ask[:3]:
        q.ask(t)
    first = q.due(1.0)
    assert first is ask[0], "the oldest is answered first"
    assert [t.comment.id for t in q.said(1.5)] == ["c1", "c2"], "everyone who asked heard it"
    q.ask(ask[3])
    assert q.due(20.0) is None, "said 18.5 s ago: not again yet"
    assert q.due(31.5) is ask[3], "once the repeat time is up"
    q.ask_again(ask[3])
    assert len(q) == 1 and q.due(40.0) is ask[3]
    q.ask(ask[0])
    assert q.said(41.0, answer=False) == [ask[0]], "the disclosure answers those waiting"
    q.ask(ask[1])
    assert q.due(42.0) is ask[1], "but starts no wait: a lone viewer who just missed it is answered at once"
