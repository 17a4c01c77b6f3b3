"""`nightshift answer`: one JSONL line out per line in, same order (the README's "Comments and answers").

Comments get the host's answer. Room events (joins, likes, gifts …) get the reaction the host would say, on the
lines' own clock (`ts`, else a second after the line before): the line whose reaction covers it gets `reply`,
the others in its batch `skip` with `batched:ID`, and those too late or too many `skip` with `stale` or
`rate_limited`. A line waits in memory until every line before it is settled, so the order is kept.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from contextlib import nullcontext
from pathlib import Path
from typing import IO

from tqdm import tqdm

from dialogue.catalog import load_catalog
from dialogue.engine import DialogueEngine
from dialogue.errors import InputError
from dialogue.moderation import check_output
from dialogue.reactions.policy import RULES, EventOutcome, Reaction, ReactionPolicy
from dialogue.sources import read_comments
from dialogue.types import BadComment, RoomEvent

log = logging.getLogger("nightshift.answer")
MAX_FRESH_S = max(r.fresh_s for r in RULES.values())


def _open_out(path: str) -> IO[str]:
    if path == "-":
        return sys.stdout
    try:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        return open(path, "w", encoding="utf-8")  # noqa: SIM115  (closed by the caller)
    except OSError as e:
        raise InputError(path, f"cannot write: {e.strerror or e}") from None


class InOrder:
    """Writes each line's answer once every line before it is written."""

    def __init__(self, out: IO[str], n: int) -> None:
        self.out = out
        self.slots: list[dict[str, object] | None] = [None] * n
        self.next = 0
        self.counts: dict[str, int] = {}

    def put(self, index: int, record: dict[str, object]) -> None:
        self.slots[index] = record
        self.counts[str(record["action"])] = self.counts.get(str(record["action"]), 0) + 1
        while self.next < len(self.slots) and (ready := self.slots[self.next]) is not None:
            self.out.write(json.dumps(ready, ensure_ascii=False) + "\n")
            self.slots[self.next] = None
            self.next += 1
        self.out.flush()


def _said(r: Reaction) -> list[EventOutcome]:
    """A reaction's outcomes, had it been said: moderated like any host line (a purchase may be reported: it
    comes from a real order line of this file)."""
    bad = [v for v in check_output(r.text, r.lang) if v.rule != "order_report"]
    if bad:
        log.info("reaction to %s not said: %s", r.lead.id, "; ".join(f"{v.rule}: {v.span!r}" for v in bad))
        return r.outcomes(False, "gate:blocked")
    return r.outcomes(True)


def run_answer(args: argparse.Namespace) -> int:
    catalog = load_catalog(args.catalog)
    items = read_comments(args.comments)
    engine = DialogueEngine.build(catalog, model=args.model, llm_kind=args.llm, llm_url=args.llm_url,
                                  no_llm=args.no_llm)
    reactions = ReactionPolicy(catalog, catalog.lang)
    where: dict[int, int] = {}  # id(event) → its line's index
    skipped: dict[str, int] = {}
    out = _open_out(args.out)
    with out if out is not sys.stdout else nullcontext(out):
        lines = InOrder(out, len(items))

        def settle(outcomes: list[EventOutcome]) -> None:
            for o in outcomes:
                lines.put(where.pop(id(o.event)), o.to_json())
                if o.action.value == "skip" and not o.flag.startswith("batched:"):
                    skipped[o.flag] = skipped.get(o.flag, 0) + 1

        def until(t: float, now: float) -> float:
            """The host's reactions between two lines, second by second (past the longest freshness,
            everything still waiting is stale)."""
            end = min(t, now + MAX_FRESH_S + 1.0)
            while now < t:
                now = min(t, now + 1.0) if now < end else t
                settle(reactions.expire(now))
                if (r := reactions.next(now)) is not None:
                    settle(_said(r))
            return now

        now: float | None = None
        for i, item in enumerate(tqdm(items, desc="answering", unit="line", file=sys.stderr, disable=len(items) < 20)):
            ts = None if isinstance(item, BadComment) else item.ts
            if now is None:
                now = ts if ts is not None else 0.0
            now = until(max(now, ts) if ts is not None else now + 1.0, now)
            if isinstance(item, RoomEvent):
                where[id(item)] = i
                if (o := reactions.admit(item, now, item.ts)) is not None:
                    settle([o])
                continue
            draft = engine.answer(item)
            if draft.action.value != "reply":
                reason = next((f for f in draft.flags if not f.startswith(("intent:", "lang:"))), "")
                log.info("%s %s: %s", draft.action.value, draft.comment_id, reason)
            lines.put(i, draft.to_json())
        now = 0.0 if now is None else now
        settle(reactions.expire(now))
        for r in reactions.flush(now):
            settle(_said(r))
    summary = ", ".join(f"{k} {v}" for k, v in sorted(lines.counts.items()))
    if skipped:
        summary += " (events skipped: " + ", ".join(f"{k} {v}" for k, v in sorted(skipped.items())) + ")"
    log.info("answered %d lines: %s", len(items), summary)
    return 0
