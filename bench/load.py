"""`nightshift bench load`: a flood of 200 comments a second into the ingest endpoint of a running show, for a
minute, on the wall clock.

The show is the real one (the model, Piper, the renderer, an MP4 recording) taking comments over HTTP. A
separate process sends the flood (bench/traffic.py `flood`) in batches, as a platform connector would, once
the show has been on air a while. Measured: what the senders were told (accepted, or refused with "retry
later"), what the queue shed and whether it said so, what became of every accepted comment (replied, skipped
with a reason, or held, and in the audit log), whether the programme kept its clock (frames dropped, lag),
resident memory before, during and after, and how fast the ingest answered. A PNG plot goes beside the JSON.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import yaml

import assets
from bench.flood_sender import BATCH, TOKEN_ENV
from bench.liveshow import free_port
from bench.soak import _file_offset_ms, _rss_mb, _Sampler
from compliance.audit import verify
from dialogue.sources.credentials import new_token
from show.commands.run import run_show
from show.config import load_show

if TYPE_CHECKING:
    from show.runtime import Brain

SAMPLE_S = 0.5  # wall seconds between samples


# -- what the show is doing, sampled from its own process ---------------------------------------------------
class _LoadSampler(_Sampler):
    """The soak's sampler (memory, A/V offset, reply latency), plus the queue, the shedding, the clock."""

    def __init__(self, *, before_s: float, after_s: float, sender: subprocess.Popen[str]) -> None:
        super().__init__(hours=0.0)
        self.before_s, self.after_s, self.sender = before_s, after_s, sender
        # (wall s, programme s, monotonic s, rss MB, queue, inbox, waiting at the ingest, shed so far, dropped)
        self.load_rows: list[tuple[float, ...]] = []
        self.flood_started = self.flood_ended = float("nan")

    def go(self) -> None:
        """Tell the sender the show is on air: the flood starts."""
        if self.flood_started != self.flood_started:  # not yet (nan)
            self.flood_started = time.time()
            stdin = self.sender.stdin
            try:
                if stdin is not None:
                    stdin.write("go\n")
                    stdin.flush()
            except OSError:
                pass

    def _run(self, brain: Brain) -> None:
        program = brain.program
        ended_at: float | None = None
        while not self._stop.wait(SAMPLE_S):
            now = program.now_s
            if now <= 0:  # not on air yet: the programme's clock has not started
                continue
            sources = brain.intake.sources
            ingest = getattr(sources[0][0], "_queue", None) if sources else None
            self.load_rows.append((time.time(), now, time.monotonic(), _rss_mb(), float(len(brain.queue)),
                                   float(brain.intake.inbox.qsize()), float(ingest.qsize() if ingest else 0),
                                   float(brain.intake.shed), float(program.stats.dropped)))
            self.rows.append((now, self.load_rows[-1][3], self._offset_ms(brain)))
            if now >= self.before_s:
                self.go()
            if ended_at is None and now >= self.before_s and self.sender.poll() is not None:
                ended_at = time.monotonic()
                self.flood_ended = time.time()
            if ended_at is not None and time.monotonic() - ended_at >= self.after_s:
                brain.stop()
                return


class _ShedSaid(logging.Handler):
    """Counts the show's own word that the queue is full (what an operator reads in the log)."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.said = 0

    def emit(self, record: logging.LogRecord) -> None:
        if "queue full" in record.getMessage():
            self.said += 1


def bench_load(rate: float = 200.0, seconds: float = 60.0, *, before_s: float = 30.0, after_s: float = 60.0,
               size: tuple[int, int] = (360, 640), model: bool = True, out: Path | None = None) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        t = Path(out).resolve() if out else Path(tmp)
        t.mkdir(parents=True, exist_ok=True)
        for stale in ("audit.jsonl", "audit.jsonl.head", "sent.json"):
            (t / stale).unlink(missing_ok=True)
        port, token = free_port(), new_token()  # the sender is a connector: it holds the ingest's token
        cfg: dict[str, object] = {
            "catalog": str(assets.path("demo_shop_en.yaml")), "platform": "local", "clock": "realtime",
            "comments": {"http_port": port, "token_env": TOKEN_ENV},
            "outputs": {"mp4": str(t / "load.mp4"), "size": list(size)},
            "audit_log": str(t / "audit.jsonl"), "console": {"enabled": False},
            # a bound in case the sender never finishes; the sampler ends the show after_s after the flood
            "minutes": (before_s + 3 * seconds + after_s + 120.0) / 60.0}
        if not model:
            cfg["model"] = {"kind": "none"}
        (t / "show.yaml").write_text(yaml.safe_dump(cfg), encoding="utf-8")
        sender = subprocess.Popen([sys.executable, "-m", "bench.flood_sender", f"http://127.0.0.1:{port}",
                                   str(rate), str(seconds), str(t / "sent.json")], stdin=subprocess.PIPE, text=True,
                                  env={**os.environ, TOKEN_ENV: token})
        sampler = _LoadSampler(before_s=before_s, after_s=after_s, sender=sender)
        said = _ShedSaid()
        logging.getLogger().addHandler(said)
        os.environ[TOKEN_ENV] = token  # the show reads it as a shop's would (comments.token_env)
        try:
            figures = run_show(load_show(t / "show.yaml"), out_dir=t, prepare=sampler.attach)
        finally:
            os.environ.pop(TOKEN_ENV, None)
            logging.getLogger().removeHandler(said)
            sampler.stop()
            try:
                if sender.stdin is not None:
                    sender.stdin.close()
                sender.wait(timeout=60)
            except (OSError, subprocess.TimeoutExpired):
                sender.kill()
        sent = json.loads((t / "sent.json").read_text("utf-8")) if (t / "sent.json").is_file() else []
        res = _figures(sampler, sent, t, figures, said.said, rate, seconds)
        res["av_offset_end_ms"] = _file_offset_ms(t / "load.mp4")
        _plot(sampler, sent, (Path(out) if out else Path("bench/results")) / "load.png")
    return res


def _lag_ms(s: _LoadSampler) -> np.ndarray:
    """How far the programme's clock is behind the wall's at each sample, beyond the one frame a sample can fall
    into (the clock counts whole frames: up to 1/fps between two is not lateness)."""
    rows = np.array(s.load_rows or [(0.0,) * 9])
    behind = (rows[:, 2] - rows[:, 1]) * 1000.0
    frame_ms = 1000.0 / s.brain.program.fps if s.brain is not None else 40.0
    return np.clip(behind - behind.min() - frame_ms, 0.0, None)


def _figures(s: _LoadSampler, sent: list[dict], t: Path, figures: dict[str, float], said: int,
             rate: float, seconds: float) -> dict[str, float]:
    ids = [i for row in sent for i in row["ids"]]
    taken = [i for row in sent for i in (*row["accepted"], *row["malformed"])]  # pushed into the show
    refused = [i for row in sent for i in row["refused"]]  # told "retry later" (HTTP 503)
    failed = [i for row in sent if row["status"] == 0 for i in row["ids"]]  # no answer at all
    outcomes = {json.loads(x)["id"]: json.loads(x) for x in (t / "replies.jsonl").read_text("utf-8").splitlines()}
    entries = [json.loads(x) for x in (t / "audit.jsonl").read_text("utf-8").splitlines()]
    logged = {e["data"].get("id") for e in entries if e["kind"] == "comment"}
    settled = [i for i in taken if outcomes.get(i, {}).get("action") in ("reply", "skip", "hold")]
    lost = [i for i in taken if i not in logged or i not in settled]
    unexplained = [i for i in settled if outcomes[i]["action"] != "reply" and not outcomes[i]["flags"]]
    by = {a: sum(1 for i in taken if outcomes.get(i, {}).get("action") == a) for a in ("reply", "skip", "hold")}
    shed = sum(1 for e in entries if e["kind"] == "shed")

    rows = np.array(s.load_rows or [(0.0,) * 9])
    wall, lag_ms = rows[:, 0], _lag_ms(s)
    during = (wall >= s.flood_started) & (wall <= s.flood_ended)
    before = (wall < s.flood_started) & (wall >= s.flood_started - 10.0)
    rss_before = float(np.median(rows[before, 3])) if before.any() else float(rows[0, 3])
    flood_rss = rows[during, 3] if during.any() else rows[:, 3]
    half = flood_rss[len(flood_rss) // 2:]
    dropped = rows[during, 8] if during.any() else rows[:, 8]
    acks = np.array([row["ack_ms"] for row in sent if row["status"]] or [0.0])
    lat = np.array([ms for _, ms in s.latency] or [0.0])
    sends = [row["sent"] for row in sent]
    span = (max(sends) - min(sends)) if len(sends) > 1 else 0.0
    offsets = np.array([r[2] for r in s.rows if np.isfinite(r[2])] or [0.0])
    return {
        "flood_rate_per_s": round(len(ids) / (span + BATCH / rate), 1) if sends else 0.0,
        "flood_seconds": round(span + BATCH / rate, 1) if sends else 0.0,
        "comments_sent": float(len(ids)), "comments_taken": float(len(taken)),
        "comments_refused_retry": float(len(refused)), "comments_unanswered_requests": float(len(failed)),
        "comments_replied": float(by["reply"]), "comments_skipped": float(by["skip"]),
        "comments_held": float(by["hold"]), "comments_shed": float(shed), "shed_said_in_log": float(said > 0),
        "comments_lost": float(len(lost)), "skips_without_reason": float(len(unexplained)),
        "audit_chain_ok": float(verify(t / "audit.jsonl").ok),
        "queue_max": float(rows[:, 4].max()), "inbox_max": float(rows[:, 5].max()),
        "ingest_waiting_max": float(rows[:, 6].max()),
        "ingest_ack_p50_ms": round(float(np.percentile(acks, 50)), 1),
        "ingest_ack_p95_ms": round(float(np.percentile(acks, 95)), 1),
        "frames": float(figures["frames"]), "frames_dropped": float(figures["frames_dropped"]),
        "frames_dropped_in_flood": float(dropped.max() - dropped.min()) if dropped.size else 0.0,
        "clock_lag_beyond_frame_max_ms": round(float(lag_ms.max()), 1),
        "av_offset_max_ms": round(float(np.abs(offsets).max()), 1),
        "rss_before_mb": round(rss_before, 1), "rss_flood_max_mb": round(float(flood_rss.max()), 1),
        "rss_end_mb": round(float(rows[-1, 3]), 1),
        "rss_flood_growth_pct": round((float(flood_rss.max()) - rss_before) / rss_before * 100.0, 2),
        "rss_flood_second_half_growth_pct": round((float(half[-1]) - float(half[0])) / float(half[0]) * 100.0, 2)
        if half.size else 0.0,
        "reply_p50_ms": round(float(np.percentile(lat, 50)), 1),
        "reply_p95_ms": round(float(np.percentile(lat, 95)), 1),
        "answered": float(figures["answered"]),
        "load_target_rate_per_s": rate, "load_target_seconds": seconds,
    }


def _plot(s: _LoadSampler, sent: list[dict], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = np.array(s.load_rows or [(0.0,) * 9])
    t0 = s.flood_started if np.isfinite(s.flood_started) else rows[0, 0]
    x = rows[:, 0] - t0
    fig, ax = plt.subplots(4, 1, figsize=(8, 9), sharex=True)
    if sent:
        sec = np.floor(np.array([r["sent"] for r in sent]) - t0)
        bins = np.arange(np.floor(x.min()), np.ceil(x.max()) + 1)
        for key, label in (("ids", "sent"), ("accepted", "accepted"), ("refused", "refused (retry later)")):
            counts = np.array([len(r[key]) for r in sent], float)
            hist, _ = np.histogram(sec, bins=bins, weights=counts)
            ax[0].step(bins[:-1], hist, where="post", label=label)
    shed_rate = np.diff(rows[:, 7], prepend=rows[0, 7]) / SAMPLE_S
    ax[0].step(x, shed_rate, where="post", label="shed by the queue")
    ax[0].set_ylabel("comments / s")
    ax[0].legend(fontsize=7, loc="upper right")
    ax[1].plot(x, rows[:, 4], label="priority queue")
    ax[1].plot(x, rows[:, 5], label="read, not triaged")
    ax[1].plot(x, rows[:, 6], label="waiting at the ingest")
    ax[1].set_ylabel("comments waiting")
    ax[1].legend(fontsize=7, loc="upper right")
    ax[2].plot(x, rows[:, 3])
    ax[2].set_ylabel("resident memory (MB)")
    ax[3].plot(x, _lag_ms(s), label="programme clock behind the wall, beyond one frame (ms)")
    ax[3].plot(x, rows[:, 8], label="frames dropped (total)")
    ax[3].legend(fontsize=7, loc="upper left")
    ax[3].set_xlabel("seconds from the start of the flood")
    for a in ax:
        a.axvspan(0, (s.flood_ended - t0) if np.isfinite(s.flood_ended) else 0, color="0.9", zorder=0)
    fig.suptitle("nightshift bench load: a flood on the comment ingest")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=90)
    plt.close(fig)
