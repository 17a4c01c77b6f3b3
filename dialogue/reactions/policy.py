"""When the host reacts to room events, and what each event's outcome is.

Pure: time comes in as an argument (programme seconds in a show, the line's `ts` in `nightshift answer`).

- Events of a kind gather into a batch; one line covers the whole batch ("Welcome Mia, Dan and 3 others!").
  The first named event carries the line (`reply`); the rest are `skip` with `batched:ID`.
- Each kind waits `collect_s` after its first event (so a batch can form), then at least `gap_s` after its
  previous line; all reactions together keep `LINE_GAP_S` apart (gifts and orders `URGENT_GAP_S`).
- An event that waited past its kind's `fresh_s` is `skip` with `stale` and says how late it was.
- The same viewer joining, following or sharing again within `repeat_s` is `skip` with `rate_limited`.
- While questions wait (`busy`), only gifts, orders and batches about to go stale are due.
- Gifts are named biggest first (value × count); orders name the catalog's product and exist only for real
  order events.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from dialogue.catalog import Catalog
from dialogue.reactions.names import speakable
from dialogue.reactions.phrasing import Named, compose
from dialogue.types import Action, EventKind, RoomEvent

LINE_GAP_S = 10.0  # between any two reaction lines (the host pitches and answers in between)
URGENT_GAP_S = 6.0  # before a gift or an order line, or a batch about to go stale
MAX_NAMED = 2  # names said in one line; the rest are "N others"
NAME_TRIES = 12  # names looked at per line for one that may be said
MAX_PENDING = 100_000  # per kind; past it, new events of that kind are rate limited
URGENT = (EventKind.ORDER, EventKind.GIFT)
ORDER = (EventKind.ORDER, EventKind.GIFT, EventKind.FOLLOW, EventKind.JOIN, EventKind.SHARE, EventKind.LIKE)


@dataclass(frozen=True)
class KindRule:
    collect_s: float  # wait this long after the batch's first event, for others to join it
    gap_s: float  # at least this long between two lines of this kind
    fresh_s: float  # an event older than this is stale: not reacted to
    repeat_s: float  # the same viewer again within this long: rate limited (0: never)
    what: str  # for reasons: "a welcome"


RULES: dict[EventKind, KindRule] = {
    EventKind.JOIN: KindRule(collect_s=3.0, gap_s=12.0, fresh_s=45.0, repeat_s=600.0, what="a welcome"),
    EventKind.FOLLOW: KindRule(collect_s=3.0, gap_s=15.0, fresh_s=60.0, repeat_s=3600.0, what="a thank-you for a follow"),
    EventKind.SHARE: KindRule(collect_s=5.0, gap_s=30.0, fresh_s=60.0, repeat_s=300.0, what="a thank-you for a share"),
    EventKind.LIKE: KindRule(collect_s=10.0, gap_s=45.0, fresh_s=120.0, repeat_s=0.0, what="a thank-you for likes"),
    EventKind.GIFT: KindRule(collect_s=1.0, gap_s=8.0, fresh_s=120.0, repeat_s=0.0, what="a thank-you for a gift"),
    EventKind.ORDER: KindRule(collect_s=0.0, gap_s=4.0, fresh_s=120.0, repeat_s=0.0, what="a thank-you for an order"),
}


@dataclass(frozen=True)
class EventOutcome:
    """What became of one room event (the `nightshift answer` line for it)."""

    event: RoomEvent
    action: Action
    text: str | None = None
    flag: str = ""  # "batched:ID", "rate_limited", "stale", or why a reaction was not said
    reason: str = ""  # for people: "a welcome 85 s late (stale after 30 s)"
    sources: tuple[str, ...] = ()

    def to_json(self) -> dict[str, object]:
        flags = [f"kind:{self.event.kind.value}", *([self.flag] if self.flag else [])]
        return {"id": self.event.id, "action": self.action.value, "text": self.text, "flags": flags,
                "sources": list(self.sources)}


@dataclass(frozen=True)
class Reaction:
    """One line reacting to a batch of events of one kind."""

    kind: EventKind
    text: str
    lang: str
    lead: RoomEvent  # the event whose outcome carries the line
    covered: tuple[RoomEvent, ...]  # every event the line answers, the lead first
    sources: tuple[str, ...]  # "event:ID" for each named event; "order:ID" for each order

    def outcomes(self, said: bool, why_not: str = "not_said", *, held: bool = False) -> list[EventOutcome]:
        """Said: the lead `reply`, the others `skip` batched:LEAD. Held for an operator: the lead `hold`, the
        others batched. Not said: each `skip` with `why_not`."""
        if held:
            flag = f"batched:{self.lead.id}"
            return [EventOutcome(self.lead, Action.HOLD, self.text, flag="gate:held", sources=self.sources),
                    *(EventOutcome(e, Action.SKIP, flag=flag, reason=f"covered by the reaction to {self.lead.id}")
                      for e in self.covered[1:])]
        if not said:
            return [EventOutcome(e, Action.SKIP, flag=why_not, reason=f"the reaction was not said ({why_not})")
                    for e in self.covered]
        out = [EventOutcome(self.lead, Action.REPLY, self.text, sources=self.sources)]
        flag = f"batched:{self.lead.id}"
        out.extend(EventOutcome(e, Action.SKIP, flag=flag, reason=f"covered by the reaction to {self.lead.id}")
                   for e in self.covered[1:])
        return out

    @property
    def count(self) -> int:
        return len(self.covered)


@dataclass
class _Batch:
    events: deque[tuple[float, RoomEvent]] = field(default_factory=deque)  # (arrived, event), oldest first


@lru_cache(maxsize=4096)
def _name(user: str, lang: str) -> str | None:
    """A viewer's name as the host says it ("dan.r" → "Dan"), or None when it must not be said."""
    from dialogue.address import spoken_name  # address builds on this package's names

    return spoken_name(user, lang)


@lru_cache(maxsize=1024)
def _gift(name: str) -> str | None:
    return speakable(name)


class ReactionPolicy:
    """The waiting room events, and when and how the host reacts to them (see the module)."""

    def __init__(self, catalog: Catalog | None, lang: str, *, rules: dict[EventKind, KindRule] | None = None) -> None:
        self.catalog = catalog
        self.lang = "zh" if lang.startswith("zh") else "en"
        self.rules = rules or RULES
        self._batches: dict[EventKind, _Batch] = {k: _Batch() for k in EventKind}
        self._last_kind: dict[EventKind, float] = {}
        self._last_line = -math.inf
        self._last_said: EventKind | None = None
        self._seen: dict[tuple[EventKind, str], float] = {}  # (kind, viewer) → when last admitted

    # -- events in ------------------------------------------------------------------------------
    def admit(self, ev: RoomEvent, now: float, happened: float | None = None) -> EventOutcome | None:
        """Take an event at `now` (`happened`: when it happened, on the same clock, if known): None when it
        waits for a reaction, else its outcome (rate limited, or stale on arrival: delivered late)."""
        rule = self.rules[ev.kind]
        batch = self._batches[ev.kind]
        at = now if happened is None else min(now, happened)
        if now - at > rule.fresh_s:
            return EventOutcome(ev, Action.SKIP, flag="stale",
                                reason=f"{rule.what} {now - at:.0f} s late (stale after {rule.fresh_s:.0f} s)")
        if len(batch.events) >= MAX_PENDING:
            return EventOutcome(ev, Action.SKIP, flag="rate_limited",
                                reason=f"{len(batch.events):,} {ev.kind.value} events already wait")
        if rule.repeat_s > 0:
            key = (ev.kind, ev.who)
            last = self._seen.get(key)
            if last is not None and now - last < rule.repeat_s:
                return EventOutcome(ev, Action.SKIP, flag="rate_limited",
                                    reason=f"{ev.user} again within {rule.repeat_s:.0f} s")
            self._seen[key] = now
            if len(self._seen) > 4 * MAX_PENDING:
                self._forget(now)
        batch.events.append((at, ev))
        return None

    def _forget(self, now: float) -> None:
        longest = max(r.repeat_s for r in self.rules.values())
        self._seen = {k: t for k, t in self._seen.items() if now - t < longest}

    @property
    def pending(self) -> int:
        return sum(len(b.events) for b in self._batches.values())

    def pending_of(self, kind: EventKind) -> int:
        return len(self._batches[kind].events)

    # -- stale ----------------------------------------------------------------------------------
    def expire(self, now: float) -> list[EventOutcome]:
        """Events that waited too long for a reaction: `skip` stale, with how late they were."""
        out: list[EventOutcome] = []
        for kind, batch in self._batches.items():
            rule = self.rules[kind]
            while batch.events and now - batch.events[0][0] > rule.fresh_s:
                arrived, ev = batch.events.popleft()
                out.append(EventOutcome(ev, Action.SKIP, flag="stale",
                                        reason=f"{rule.what} {now - arrived:.0f} s late (stale after {rule.fresh_s:.0f} s)"))
        return out

    def drop(self, reason: str, flag: str = "show_ended") -> list[EventOutcome]:
        """Every waiting event, skipped (the show ended before the host reacted)."""
        out = [EventOutcome(ev, Action.SKIP, flag=flag, reason=reason)
               for batch in self._batches.values() for _, ev in batch.events]
        for batch in self._batches.values():
            batch.events.clear()
        return out

    # -- what to say ----------------------------------------------------------------------------
    def due(self, now: float, *, busy: bool = False, final: bool = False) -> EventKind | None:
        """The kind whose batch is due now, if any. `busy`: questions wait, so only gifts and orders, and a
        batch that would otherwise go stale (waited half its freshness). `final`: the input is over, so
        waiting for a batch to form or for a gap makes no sense: any batch is due. Gifts and orders go first,
        but not twice in a row past a batch about to go stale (a flood of gifts never silences the welcomes)."""
        due = [k for k in ORDER if self._due(k, now, busy=busy, final=final)]
        if not due:
            return None
        # among gifts and orders, the one thanked longest ago first: neither silences the other
        urgent = sorted((k for k in due if k in URGENT), key=lambda k: self._last_kind.get(k, -math.inf))
        due = [*urgent, *(k for k in due if k not in URGENT)]
        if due[0] in URGENT and self._last_said in URGENT:
            ripe = [k for k in due if k not in URGENT and self._ripe(k, now)]
            if ripe:
                return ripe[0]
        return due[0]

    def _ripe(self, kind: EventKind, now: float) -> bool:
        """The batch's oldest event waited half its freshness: said soon, or stale."""
        batch = self._batches[kind]
        return bool(batch.events) and now - batch.events[0][0] >= self.rules[kind].fresh_s / 2

    def _due(self, kind: EventKind, now: float, *, busy: bool, final: bool) -> bool:
        batch = self._batches[kind]
        if not batch.events:
            return False
        if final:
            return True
        rule = self.rules[kind]
        pressing = kind in URGENT or self._ripe(kind, now)
        if busy and not pressing:
            return False
        if now - self._last_line < (URGENT_GAP_S if pressing else LINE_GAP_S):
            return False
        if now - batch.events[0][0] < rule.collect_s:
            return False
        return now - self._last_kind.get(kind, -math.inf) >= rule.gap_s

    def next(self, now: float, *, busy: bool = False, final: bool = False) -> Reaction | None:
        """The reaction to say now, taking its batch (stale events are left to `expire`, called first)."""
        kind = self.due(now, busy=busy, final=final)
        if kind is None:
            return None
        batch = self._batches[kind]
        events = [ev for _, ev in batch.events]
        batch.events.clear()
        self._last_kind[kind] = self._last_line = now
        self._last_said = kind
        return self._compose(kind, events)

    def flush(self, now: float) -> list[Reaction]:
        """Every batch still waiting, one line each (the end of the input)."""
        out: list[Reaction] = []
        while (r := self.next(now, final=True)) is not None:
            out.append(r)
        return out

    # -- composing ------------------------------------------------------------------------------
    def _compose(self, kind: EventKind, events: list[RoomEvent]) -> Reaction:
        if kind is EventKind.GIFT:  # biggest first
            events = sorted(events, key=lambda e: -(e.value * e.count))
        named: list[tuple[RoomEvent, Named]] = []
        seen_names: set[str] = set()
        for ev in events[:NAME_TRIES]:
            if len(named) == MAX_NAMED:
                break
            name = _name(ev.user, self.lang)
            if name is None or name in seen_names:
                continue
            item = self._item(ev)
            if kind is EventKind.GIFT and item is None:
                continue
            seen_names.add(name)
            named.append((ev, Named(name, item, ev.qty if kind is EventKind.ORDER else ev.count)))
        named_events = [ev for ev, _ in named]
        others = len({e.who for e in events if e not in named_events and e.user not in seen_names}) \
            if kind in (EventKind.JOIN, EventKind.FOLLOW, EventKind.SHARE) else len(events) - len(named)
        likes = sum(e.count for e in events) if kind is EventKind.LIKE else 0
        text = compose(kind, self.lang, [n for _, n in named], others, likes)
        lead = named_events[0] if named_events else events[0]
        covered = (lead, *(e for e in events if e is not lead))
        sources = tuple(f"event:{e.id}" for e in named_events) or (f"event:{lead.id}",)
        if kind is EventKind.ORDER:
            sources = (*sources, *(f"order:{e.id}" for e in named_events))
        return Reaction(kind, text, self.lang, lead, covered, sources)

    def _item(self, ev: RoomEvent) -> str | None:
        """What the line names for this event: the gift, or the product an order bought (from the catalog)."""
        if ev.kind is EventKind.GIFT:
            return _gift(ev.gift or "")
        if ev.kind is EventKind.ORDER and ev.sku and self.catalog is not None:
            try:
                return self.catalog.product(ev.sku).name
            except KeyError:
                return None
        return None


def outcomes_of(reactions: Iterable[Reaction], said: bool = True) -> list[EventOutcome]:
    """Every event outcome of some reactions."""
    return [o for r in reactions for o in r.outcomes(said)]
