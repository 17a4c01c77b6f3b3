"""The sender of `nightshift bench load`: a platform connector flooding the show's ingest endpoint.

Runs as its own process (`python -m bench.flood_sender URL RATE SECONDS OUT.json`, the ingest's token in the
environment variable NIGHTSHIFT_INGEST_TOKEN), so the flood does not share the show's interpreter. It waits for
a line on stdin (the show is on air), then posts the flood of bench/traffic.py in batches on schedule, several
requests in flight, and writes what each request was told.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import time
from pathlib import Path

import httpx

from bench.traffic import flood

BATCH = 10  # comments per request: 200/s is 20 requests a second
TOKEN_ENV = "NIGHTSHIFT_INGEST_TOKEN"  # the ingest's token (never on the command line, where `ps` shows it)
IN_FLIGHT = 8  # requests kept open at once


async def send(url: str, items: list[dict[str, object]], rate: float, token: str) -> list[dict[str, object]]:
    """POST `items` to `url`/comments at `rate` a second with the ingest's `token`; one row per request: what was
    sent, what the show said."""
    gate = asyncio.Semaphore(IN_FLIGHT)
    rows: list[dict[str, object]] = []
    start = time.time()

    async def post(client: httpx.AsyncClient, batch: list[dict[str, object]]) -> None:
        async with gate:
            sent = time.time()
            row: dict[str, object] = {"sent": sent, "ids": [str(b["id"]) for b in batch]}
            try:
                r = await client.post("/comments", json=batch)
                ack = r.json()
                row.update(status=r.status_code, accepted=ack["accepted"],
                           refused=[x["id"] for x in ack["rejected"] if x["flag"] == "unavailable"],
                           malformed=[x["id"] for x in ack["rejected"] if x["flag"] != "unavailable"])
            except (httpx.HTTPError, ValueError, KeyError) as e:
                row.update(status=0, error=f"{type(e).__name__}: {e}", accepted=[], refused=[], malformed=[])
            row["ack_ms"] = (time.time() - sent) * 1000.0
            rows.append(row)

    async with httpx.AsyncClient(base_url=url, timeout=30.0, headers={"Authorization": f"Bearer {token}"},
                                 limits=httpx.Limits(max_connections=IN_FLIGHT)) as client:
        tasks = []
        for k in range(0, len(items), BATCH):
            await asyncio.sleep(max(0.0, start + k / rate - time.time()))
            tasks.append(asyncio.create_task(post(client, items[k:k + BATCH])))
        await asyncio.gather(*tasks)
    return rows


def main(argv: list[str]) -> int:
    url, rate, seconds, out = argv[0], float(argv[1]), float(argv[2]), Path(argv[3])
    items = flood(rate, seconds)
    for item in items:
        item.pop("ts", None)  # the schedule is the sender's; the show stamps arrival itself
    if not sys.stdin.readline():  # the show ended before it asked for the flood
        return 1
    rows = asyncio.run(send(url, items, rate, os.environ.get(TOKEN_ENV, "")))
    out.write_text(json.dumps(rows), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
