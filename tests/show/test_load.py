"""A flood on the ingest endpoint: 200 comments/s into a running show. The queue sheds by policy and says
so, the programme keeps its clock, and no comment is lost — each one the show accepted ends replied,
skipped with a reason, or held, and is in the audit log; what it could not take, the sender was told to retry."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import yaml

import assets
from compliance.audit import verify

RATE, SECONDS, BATCH = 200, 12, 20


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_a_flood_of_comments_is_shed_by_policy_and_nothing_is_lost(tmp_path: Path) -> None:
    port = _free_port()
    cfg = {"catalog": str(assets.path("demo_shop_en.yaml")), "platform": "local", "model": {"kind": "none"},
           "comments": {"http_port": port, "token_env": "LOAD_INGEST_TOKEN"}, "console": {"enabled": False},
           "outputs": {"mp4": str(tmp_path / "show.mp4"), "size": [180, 320]},
           "audit_log": str(tmp_path / "audit.jsonl"), "minutes": 0.5}
    (tmp_path / "show.yaml").write_text(yaml.safe_dump(cfg), encoding="utf-8")
    token = "load-test-ingest-token"  # a connector's token, as a shop passes it: in the environment
    proc = subprocess.Popen([sys.executable, "-m", "show.cli", "run", str(tmp_path / "show.yaml")],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "LOAD_INGEST_TOKEN": token})
    accepted: list[str] = []
    retry = 0
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 120
        while True:
            try:
                if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline and proc.poll() is None, "the show did not start"
            time.sleep(0.2)
        questions = ["how much is the hoodie?", "is the lamp in stock?", "what sizes do the socks come in?",
                     "how long does shipping take?", "hi!", "you idiot", "what colours does the mug come in?"]
        start, n = time.monotonic(), 0
        with httpx.Client(base_url=base, timeout=5, headers={"Authorization": f"Bearer {token}"}) as client:
            while n < RATE * SECONDS:
                batch = [{"id": f"f{n + k}", "user": f"viewer{(n + k) % 500}",
                          "text": f"{questions[(n + k) % len(questions)]} ({(n + k) // 7})"} for k in range(BATCH)]
                r = client.post("/comments", json=batch)
                ack = r.json()
                accepted += ack["accepted"]
                retry += sum(1 for x in ack["rejected"] if x["flag"] == "unavailable")
                n += BATCH
                time.sleep(max(0.0, start + n / RATE - time.monotonic()))
        out, err = proc.communicate(timeout=240)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err[-3000:]
    assert len(accepted) + retry == RATE * SECONDS, "every comment was either taken or refused with a retry"
    assert verify(tmp_path / "audit.jsonl").ok
    entries = [json.loads(x) for x in (tmp_path / "audit.jsonl").read_text("utf-8").splitlines()]
    logged = {e["data"]["id"] for e in entries if e["kind"] == "comment"}
    rows = {json.loads(x)["id"]: json.loads(x) for x in (tmp_path / "replies.jsonl").read_text("utf-8").splitlines()}
    missing = [i for i in accepted if i not in logged or i not in rows]
    assert not missing, f"{len(missing)} accepted comments lost, e.g. {missing[:3]}"
    assert all(rows[i]["action"] in ("reply", "skip", "hold") for i in accepted)
    assert all(rows[i]["flags"] for i in accepted if rows[i]["action"] != "reply"), "a skip without a reason"
    shed = [e for e in entries if e["kind"] == "shed"]
    assert shed and "queue full" in err, "the flood was not shed by the queue's policy, or not said"
    summary = json.loads((tmp_path / "summary.json").read_text("utf-8"))
    assert 0 <= summary["frames_dropped"] <= summary["frames"], summary  # relative: counted; how many is bench load's
    assert summary["answered"] >= 3
