"""`nightshift bench soak`: a whole night of the real show on the programme's own clock (faster than real time),
or with `--clock realtime` on the wall clock (a shorter stretch of the night, as a live show runs it).

The traffic (bench/traffic.py) has quiet stretches, 20/s bursts, repeats, abuse, very long and multilingual
comments. Sampled over programme time: resident memory, the recording's audio/video offset, and reply
latency per hour. At the end: comments lost (each must be replied, skipped with a reason or held, and in
the audit log), and whether the audit chain verifies. A PNG plot goes beside the JSON.
"""

from __future__ import annotations

import json
import tempfile
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import yaml

import assets
from bench.traffic import write_night
from compliance.audit import verify
from show.commands.run import run_show
from show.config import load_show
from show.events import LineStarted

if TYPE_CHECKING:
    from compliance.gate import Utterance
    from show.runtime import Brain
    from voice.types import Speech

SAMPLE_S = 2.0  # wall seconds between samples


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024.0
    return float("nan")


class _Sampler:
    """Reads the running show from its own thread: programme time, memory, A/V offset, reply latency."""

    def __init__(self, hours: float) -> None:
        self.hours = hours
        self.rows: list[tuple[float, float, float]] = []  # (programme s, rss MB, A/V offset ms)
        self.latency: list[tuple[float, float]] = []  # (programme s of first audio, ms from arrival)
        self._stop = threading.Event()
        self._answered: set[str] = set()
        self.brain: Brain | None = None

    def attach(self, brain: Brain) -> None:
        self.brain = brain
        brain.bus.subscribe(LineStarted, lambda e: self._line(e.utterance, e.speech, e.at_s))
        threading.Thread(target=self._run, args=(brain,), daemon=True, name="soak-sampler").start()

    def _line(self, u: Utterance, speech: Speech | None, pts: float) -> None:
        brain, cid = self.brain, u.comment_id
        got = brain.received_at(cid) if brain is not None and cid else None
        if got is not None and cid and u.kind == "answer" and cid not in self._answered:  # a reply's first line
            self._answered.add(cid)
            self.latency.append((pts, (time.monotonic() - got) * 1000.0))

    def _offset_ms(self, brain: Brain) -> float:
        """The recording's video end − audio end. The clock writes a frame's picture just before its sound,
        so a read can fall between the two and see one frame of offset that is not there: a real offset
        persists, so the smallest of three reads a few milliseconds apart is taken."""
        for s in brain.program.sinks:
            enc = getattr(s, "_enc", None)
            if enc is not None and hasattr(enc, "video_end_s"):
                reads = []
                for _ in range(3):
                    reads.append((enc.video_end_s - enc.audio_end_s) * 1000.0)
                    time.sleep(0.007)
                return min(reads, key=abs)
        return float("nan")

    def _run(self, brain: Brain) -> None:
        from tqdm import tqdm

        with tqdm(total=round(self.hours * 3600), unit="s", desc="programme", mininterval=5) as bar:
            while not self._stop.wait(SAMPLE_S):
                now = brain.program.now_s
                self.rows.append((now, _rss_mb(), self._offset_ms(brain)))
                bar.update(max(0, round(now) - bar.n))

    def stop(self) -> None:
        self._stop.set()


def bench_soak(hours: float = 8.0, *, size: tuple[int, int] = (360, 640), out: Path | None = None,
               clock: str = "fast") -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        t = Path(out).resolve() if out else Path(tmp)
        t.mkdir(parents=True, exist_ok=True)
        for stale in ("audit.jsonl", "audit.jsonl.head"):
            (t / stale).unlink(missing_ok=True)
        n = write_night(t / "night.jsonl", hours)
        with (t / "night.jsonl").open("a", encoding="utf-8") as f:  # the replay, and so the show, lasts the night
            f.write(json.dumps({"id": "last", "user": "viewer0", "text": "thanks, good night!",
                                "ts": round(hours * 3600.0 - 5.0, 3)}) + "\n")
        n += 1
        cfg = {"catalog": str(assets.path("demo_shop_en.yaml")), "platform": "local", "clock": clock,
               "comments": {"replay": str(t / "night.jsonl")},
               "outputs": {"mp4": str(t / "night.mp4"), "size": list(size)},
               "audit_log": str(t / "audit.jsonl"), "console": {"enabled": False}, "pitch_interval_s": 60.0}
        (t / "show.yaml").write_text(yaml.safe_dump(cfg), encoding="utf-8")
        sampler = _Sampler(hours)
        started = time.monotonic()
        figures = run_show(load_show(t / "show.yaml"), out_dir=t, prepare=sampler.attach)
        sampler.stop()
        wall = time.monotonic() - started
        ids = [json.loads(x)["id"] for x in (t / "night.jsonl").read_text("utf-8").splitlines()]
        settled = {json.loads(x)["id"] for x in (t / "replies.jsonl").read_text("utf-8").splitlines()
                   if json.loads(x)["action"] in ("reply", "skip", "hold")}
        logged = {json.loads(x)["data"]["id"] for x in (t / "audit.jsonl").read_text("utf-8").splitlines()
                  if json.loads(x)["kind"] == "comment"}
        lost = sum(1 for i in ids if i not in settled or i not in logged)
        audit_ok = verify(t / "audit.jsonl").ok
        res = _figures(sampler, hours, n, lost, audit_ok, wall, figures)
        res["soak_realtime"] = float(clock == "realtime")
        res["av_offset_end_ms"] = _file_offset_ms(t / "night.mp4")
        _plot(sampler, (Path(out) if out else Path("bench/results")) / "soak.png")
    return res


def _file_offset_ms(path: Path) -> float:
    """Where the finished recording's video ends − where its audio ends, as a player presents them: the last
    packets' pts + duration (the AAC priming before 0 s, which the edit list hides, is not counted)."""
    import av

    with av.open(str(path)) as c:
        if c.duration:
            c.seek(max(0, c.duration - 10 * av.time_base))  # the last seconds are enough
        ends: dict[str, float] = {}
        for p in c.demux():
            time_base = p.stream.time_base
            if p.pts is not None and time_base is not None:
                end = float((p.pts + (p.duration or 0)) * time_base)
                ends[p.stream.type] = max(ends.get(p.stream.type, end), end)
    if "video" not in ends or "audio" not in ends:
        return float("nan")
    return round((ends["video"] - ends["audio"]) * 1000.0, 1)


def _figures(s: _Sampler, hours: float, n: int, lost: int, audit_ok: bool, wall: float,
             figures: dict[str, float]) -> dict[str, float]:
    rows = np.array(s.rows or [(0.0, 0.0, 0.0)])
    after_first = rows[rows[:, 0] >= min(3600.0, rows[-1, 0] / 2)]
    base = after_first[0, 1] if len(after_first) else rows[0, 1]
    growth = (rows[-1, 1] - base) / base * 100.0 if base else 0.0
    offsets = rows[:, 2][np.isfinite(rows[:, 2])]
    res = {"soak_programme_hours": round(float(figures["on_air_s"]) / 3600.0, 2), "soak_wall_s": round(wall, 1),
           "comments_total": float(n), "comments_lost": float(lost), "audit_chain_ok": float(audit_ok),
           "rss_start_mb": round(float(rows[0, 1]), 1), "rss_end_mb": round(float(rows[-1, 1]), 1),
           "rss_growth_after_first_hour_pct": round(float(growth), 2),
           "av_offset_max_ms": round(float(np.abs(offsets).max()) if offsets.size else 0.0, 1),
           "frames_dropped": float(figures["frames_dropped"])}
    lat = np.array(s.latency or [(0.0, 0.0)])
    for h in range(int(np.ceil(hours))):
        sel = lat[(lat[:, 0] >= h * 3600) & (lat[:, 0] < (h + 1) * 3600), 1]
        if sel.size:
            res[f"reply_p50_ms_hour{h + 1}"] = round(float(np.percentile(sel, 50)), 1)
            res[f"reply_p95_ms_hour{h + 1}"] = round(float(np.percentile(sel, 95)), 1)
    return res


def _plot(s: _Sampler, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = np.array(s.rows or [(0.0, 0.0, 0.0)])
    lat = np.array(s.latency or [(0.0, 0.0)])
    fig, ax = plt.subplots(3, 1, figsize=(8, 8), sharex=True)
    hrs = rows[:, 0] / 3600.0
    ax[0].plot(hrs, rows[:, 1])
    ax[0].set_ylabel("resident memory (MB)")
    ax[1].plot(hrs, rows[:, 2])
    ax[1].axhline(40, ls=":", c="r")
    ax[1].axhline(-40, ls=":", c="r")
    ax[1].set_ylabel("A/V offset (ms)")
    ax[2].scatter(lat[:, 0] / 3600.0, lat[:, 1], s=4)
    ax[2].set_ylabel("comment → first audio (ms)")
    ax[2].set_xlabel("programme time (hours)")
    fig.suptitle("nightshift bench soak")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=90)
    plt.close(fig)
