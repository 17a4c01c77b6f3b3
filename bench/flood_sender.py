"""The sender of `nightshift bench load`: a platform connector flooding the show's ingest endpoint.

Runs as its own process (`python -m bench.flood_sender URL RATE SECONDS OUT.json [--events …]`, the ingest's
token in the environment variable NIGHTSHIFT_INGEST_TOKEN), so the flood does not share the show's interpreter.
It waits for a line on stdin (the show is on air: `go`, or `go T0` with the wall time to count from), then
posts the flood of bench/traffic.py in batches on schedule, several requests in flight, and writes what each
request was told.

With `--events` the room around the flood is sent too (bench/traffic.py `room_events`), the way a connector
reports it: every EVENTS_EVERY_S one request with the events of that slice, in order, one request at a time.
The timeline from T0 is then: `--quiet-s` of nothing (the host pitches to an empty room), `--events-s` of
events alone, then the comment flood with the events going on beside it for its SECONDS. Each row says which
stream it belongs to (`comments` or `events`) and in which phase it was sent (`events_only` or `flood`).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import time
from pathlib import Path

import httpx

from bench.traffic import flood, room_events

BATCH = 10  # comments per request: 200/s is 20 requests a second
TOKEN_ENV = "NIGHTSHIFT_INGEST_TOKEN"  # the ingest's token (never on the command line, where `ps` shows it)
IN_FLIGHT = 8  # requests kept open at once
EVENTS_EVERY_S = 0.1  # a connector's batch of room events: what happened in the last 100 ms
ONLY_PREFIX, FLOOD_PREFIX = "a-", "b-"  # event ids of the events-only phase and of the flood
ONLY_SEED, FLOOD_SEED = 13, 17


async def _post(client: httpx.AsyncClient, batch: list[dict[str, object]], **extra: object) -> dict[str, object]:
    """POST one batch; the row says what was sent and what the show said."""
    sent = time.time()
    row: dict[str, object] = {"sent": sent, "ids": [str(b["id"]) for b in batch], **extra}
    try:
        r = await client.post("/comments", json=batch)
        ack = r.json()
        row.update(status=r.status_code, accepted=ack["accepted"],
                   refused=[x["id"] for x in ack["rejected"] if x["flag"] == "unavailable"],
                   malformed=[x["id"] for x in ack["rejected"] if x["flag"] != "unavailable"])
    except (httpx.HTTPError, ValueError, KeyError) as e:
        row.update(status=0, error=f"{type(e).__name__}: {e}", accepted=[], refused=[], malformed=[])
    row["ack_ms"] = (time.time() - sent) * 1000.0
    return row


def _client(url: str, token: str) -> httpx.AsyncClient:
    return httpx.AsyncClient(base_url=url, timeout=30.0, headers={"Authorization": f"Bearer {token}"},
                             limits=httpx.Limits(max_connections=IN_FLIGHT))


async def send(url: str, items: list[dict[str, object]], rate: float, token: str, *,
               start: float | None = None) -> list[dict[str, object]]:
    """POST `items` to `url`/comments at `rate` a second with the ingest's `token`, from wall time `start` (now
    when None); one row per request: what was sent, what the show said."""
    gate = asyncio.Semaphore(IN_FLIGHT)
    rows: list[dict[str, object]] = []
    start = time.time() if start is None else start

    async def post(client: httpx.AsyncClient, batch: list[dict[str, object]]) -> None:
        async with gate:
            rows.append(await _post(client, batch, stream="comments"))

    async with _client(url, token) as client:
        tasks = []
        for k in range(0, len(items), BATCH):
            await asyncio.sleep(max(0.0, start + k / rate - time.time()))
            tasks.append(asyncio.create_task(post(client, items[k:k + BATCH])))
        await asyncio.gather(*tasks)
    return rows


async def send_events(url: str, events: list[dict[str, object]], token: str, *, start: float,
                      phase: str) -> list[dict[str, object]]:
    """POST room `events` (each with its `ts`, seconds from `start`) as a connector does: every EVENTS_EVERY_S the
    slice that happened in it, one request at a time, so the show gets them in order (a late answer delays the
    next slice, which then goes at once)."""
    slices: dict[int, list[dict[str, object]]] = {}
    for ev in events:
        slices.setdefault(int(float(ev["ts"]) / EVENTS_EVERY_S), []).append(  # type: ignore[arg-type]
            {k: v for k, v in ev.items() if k != "ts"})  # the show stamps arrival itself
    rows: list[dict[str, object]] = []
    async with _client(url, token) as client:
        for k in sorted(slices):
            await asyncio.sleep(max(0.0, start + (k + 1) * EVENTS_EVERY_S - time.time()))
            rows.append(await _post(client, slices[k], stream="events", phase=phase))
    return rows


async def timeline(url: str, rate: float, seconds: float, token: str, *, t0: float, events: bool, quiet_s: float,
                   events_s: float, likes_per_s: float, joins_per_s: float,
                   gifts_per_s: float) -> list[dict[str, object]]:
    """Everything the sender does from `t0` (see the module): the rows of every request, in the order sent."""
    items = flood(rate, seconds)
    for item in items:
        item.pop("ts", None)  # the schedule is the sender's; the show stamps arrival itself
    if not events:
        return await send(url, items, rate, token, start=t0)
    alone, beside = (room_events(span, seed=seed, prefix=prefix, likes_per_s=likes_per_s, joins_per_s=joins_per_s,
                                 gifts_per_s=gifts_per_s)
                     for span, seed, prefix in ((events_s, ONLY_SEED, ONLY_PREFIX), (seconds, FLOOD_SEED, FLOOD_PREFIX)))
    only = await send_events(url, alone, token, start=t0 + quiet_s, phase="events_only")
    flood_at = t0 + quiet_s + events_s
    comments, more = await asyncio.gather(send(url, items, rate, token, start=flood_at),
                                          send_events(url, beside, token, start=flood_at, phase="flood"))
    return sorted([*only, *comments, *more], key=lambda r: float(r["sent"]))  # type: ignore[arg-type]


def _args(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="bench.flood_sender")
    p.add_argument("url")
    p.add_argument("rate", type=float)
    p.add_argument("seconds", type=float)
    p.add_argument("out", type=Path)
    p.add_argument("--events", action="store_true", help="the room's events too (see the module)")
    p.add_argument("--quiet-s", type=float, default=30.0)
    p.add_argument("--events-s", type=float, default=30.0)
    p.add_argument("--likes-per-s", type=float, default=500.0)
    p.add_argument("--joins-per-s", type=float, default=50.0)
    p.add_argument("--gifts-per-s", type=float, default=2.0)
    return p.parse_args(argv)


def main(argv: list[str]) -> int:
    a = _args(argv)
    line = sys.stdin.readline()
    if not line:  # the show ended before it asked for the flood
        return 1
    words = line.split()
    t0 = float(words[1]) if len(words) > 1 else time.time()
    rows = asyncio.run(timeline(a.url, a.rate, a.seconds, os.environ.get(TOKEN_ENV, ""), t0=t0, events=a.events,
                                quiet_s=a.quiet_s, events_s=a.events_s, likes_per_s=a.likes_per_s,
                                joins_per_s=a.joins_per_s, gifts_per_s=a.gifts_per_s))
    a.out.write_text(json.dumps(rows), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
