"""`nightshift bench load`: a flood of 200 comments a second into the ingest endpoint of a running show, for a
minute, on the wall clock.

The show is the real one (the model, Piper, the renderer, an MP4 recording) taking comments over HTTP. A
separate process sends the flood (bench/traffic.py `flood`) in batches, as a platform connector would, once
the show has been on air a while. Measured: what the senders were told (accepted, or refused with "retry
later"), what the queue shed and whether it said so, what became of every accepted comment (replied, skipped
with a reason, or held, and in the audit log), whether the programme kept its clock (frames dropped, lag),
resident memory before, during and after, and how fast the ingest answered. A PNG plot goes beside the JSON.

With events (the default; `--no-events` gives the flood alone, as before), the room around the flood is sent
too: 500 likes, 50 joins and 2 gifts a second, every 100 ms a batch, as a connector reports them. Before the
comment flood come two windows of equal length while the host pitches: one with nothing sent, then one with
the events alone. The show's CPU time over each (time.process_time at the windows' edges, in the show's own
process; per thread from /proc) gives what the events cost: the same show, the same state, only the events
differ. Besides: the CPU the show's loop spends on the events' own code path (timed on that thread), the
reactions said a minute, every event accepted accounted for (in the audit log when taken, by id or, for
likes, by range and count; then settled: reacted to, batched, or skipped with a reason), and how much longer
an answered question waited because of reactions (lines started while it waited, and their time on air).
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import yaml

import assets
from bench.flood_sender import BATCH, FLOOD_PREFIX, FLOOD_SEED, ONLY_PREFIX, ONLY_SEED, TOKEN_ENV
from bench.liveshow import free_port
from bench.soak import _file_offset_ms, _rss_mb, _Sampler
from bench.traffic import room_events
from compliance.audit import verify
from dialogue.sources.credentials import new_token
from show.commands.run import run_show
from show.config import load_show
from show.events import EventsSettled, LineCut, LineStarted, RoomEventsReceived

if TYPE_CHECKING:
    from show.runtime import Brain

SAMPLE_S = 0.5  # wall seconds between samples


# -- what the show is doing, sampled from its own process ---------------------------------------------------
def _thread_cpu() -> dict[str, float]:
    """CPU seconds of each of this process's threads so far, summed by the Python thread's name ("MainThread"
    runs the show's loop; threads Python did not start, the codecs' and the voice model's, are "native")."""
    names = {t.native_id: t.name for t in threading.enumerate()}
    tick = float(os.sysconf("SC_CLK_TCK"))
    out: dict[str, float] = {}
    for tid in os.listdir("/proc/self/task"):
        try:
            stat = Path(f"/proc/self/task/{tid}/stat").read_text()
        except OSError:  # the thread ended meanwhile
            continue
        fields = stat.rsplit(")", 1)[1].split()  # after the command name: state is field 3, utime 14, stime 15
        name = names.get(int(tid), "native")
        out[name] = out.get(name, 0.0) + (int(fields[11]) + int(fields[12])) / tick
    return out


class _EventPath:
    """CPU time the show's loop spends on room events' own code (taking them, recording them, the reaction
    policy, settling them), timed on the thread that runs it (time.thread_time); nested calls count once."""

    def __init__(self) -> None:
        self.cpu_s = self.wall_s = 0.0
        self._depth = threading.local()

    def wrap(self, fn: Callable[..., Any], when: Callable[..., bool] | None = None) -> Callable[..., Any]:
        def timed(*args: Any, **kw: Any) -> Any:
            depth = getattr(self._depth, "n", 0)
            if depth or (when is not None and not when(*args)):
                return fn(*args, **kw)
            self._depth.n = 1
            t, w = time.thread_time(), time.perf_counter()
            try:
                return fn(*args, **kw)
            finally:
                self.cpu_s += time.thread_time() - t
                self.wall_s += time.perf_counter() - w  # besides CPU: waiting for the disk (the audit log's fsync)
                self._depth.n = 0

        return timed

    def attach(self, brain: Brain) -> None:
        intake, policy, bus = brain.intake, brain.scheduler.reactions, brain.bus
        intake._events = self.wrap(intake._events)  # type: ignore[method-assign]
        policy.expire = self.wrap(policy.expire)  # type: ignore[method-assign]
        policy.next = self.wrap(policy.next)  # type: ignore[method-assign]
        bus.publish = self.wrap(bus.publish,  # type: ignore[method-assign]
                                lambda e: isinstance(e, RoomEventsReceived | EventsSettled))


class _LoadSampler(_Sampler):
    """The soak's sampler (memory, A/V offset, reply latency), plus the queue, the shedding, the clock; with
    events, the CPU time at the edges of the quiet and the events-only windows, and every line on air."""

    def __init__(self, *, before_s: float, after_s: float, sender: subprocess.Popen[str], window_s: float = 0.0,
                 events: bool = False) -> None:
        super().__init__(hours=0.0)
        self.before_s, self.after_s, self.sender = before_s, after_s, sender
        self.window_s, self.events = window_s, events
        # (wall s, programme s, monotonic s, rss MB, queue, inbox, waiting at the ingest, shed so far, dropped)
        self.load_rows: list[tuple[float, ...]] = []
        self.go_at = self.flood_started = self.flood_ended = float("nan")
        # window edge → (wall s, process CPU s, CPU s by thread, CPU s and wall s on the events' path)
        self.marks: dict[str, tuple[float, float, dict[str, float], float, float]] = {}
        self.path = _EventPath()
        self.lines: dict[str, dict[str, Any]] = {}  # utterance id → kind, comment id, start and end (monotonic)
        self.events_taken = 0

    def attach(self, brain: Brain) -> None:
        super().attach(brain)
        brain.bus.subscribe(LineStarted, self._started)
        brain.bus.subscribe(LineCut, self._ended)
        if self.events:
            self.path.attach(brain)

    def _started(self, e: LineStarted) -> None:
        """A line on air: it ends when its speech has played (the show publishes no end of a line), or when cut."""
        u, now = e.utterance, time.monotonic()
        self.lines[u.id] = {"kind": u.kind, "comment_id": u.comment_id, "start": now,
                            "end": now + (e.speech.duration_s if e.speech is not None else 0.0)}

    def _ended(self, e: LineCut) -> None:
        line = self.lines.get(e.utterance.id)
        if line is not None:
            line["end"] = min(line["end"], time.monotonic())

    def go(self) -> None:
        """Tell the sender the show is on air: its timeline starts at a wall time just ahead (the same edge for
        both processes), and the CPU time is read at the windows' edges."""
        if self.go_at == self.go_at:  # already (not nan)
            return
        self.go_at = time.time() + 0.2
        self.flood_started = self.go_at + (2 * self.window_s if self.events else 0.0)
        stdin = self.sender.stdin
        try:
            if stdin is not None:
                stdin.write(f"go {self.go_at!r}\n")
                stdin.flush()
        except OSError:
            pass
        if self.events:
            threading.Thread(target=self._edges, daemon=True, name="load-cpu").start()

    def _edges(self) -> None:
        for name, at in (("quiet", self.go_at), ("events", self.go_at + self.window_s),
                         ("flood", self.go_at + 2 * self.window_s)):
            while (left := at - time.time()) > 0:
                if self._stop.wait(min(left, 0.5)):
                    return
            self.marks[name] = (time.time(), time.process_time(), _thread_cpu(), self.path.cpu_s, self.path.wall_s)

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
                                   float(brain.intake.inbox.qsize() + brain.intake.event_inbox.qsize()), float(ingest.qsize() if ingest else 0),
                                   float(brain.intake.shed), float(program.stats.dropped)))
            self.rows.append((now, self.load_rows[-1][3], self._offset_ms(brain)))
            self.events_taken = brain.intake.events_seen
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
               size: tuple[int, int] = (360, 640), model: bool = True, out: Path | None = None, events: bool = True,
               window_s: float = 60.0, likes_per_s: float = 500.0, joins_per_s: float = 50.0,
               gifts_per_s: float = 2.0) -> dict[str, float]:
    """The flood (and with `events` the room's events: `window_s` quiet, `window_s` events alone, then both)."""
    with tempfile.TemporaryDirectory() as tmp:
        t = Path(out).resolve() if out else Path(tmp)
        t.mkdir(parents=True, exist_ok=True)
        for stale in ("audit.jsonl", "audit.jsonl.head", "sent.json"):
            (t / stale).unlink(missing_ok=True)
        port, token = free_port(), new_token()  # the sender is a connector: it holds the ingest's token
        lead_s = 2 * window_s if events else 0.0
        cfg: dict[str, object] = {
            "catalog": str(assets.path("demo_shop_en.yaml")), "platform": "local", "clock": "realtime",
            "comments": {"http_port": port, "token_env": TOKEN_ENV},
            "outputs": {"mp4": str(t / "load.mp4"), "size": list(size)},
            "audit_log": str(t / "audit.jsonl"), "console": {"enabled": False},
            # a bound in case the sender never finishes; the sampler ends the show after_s after the flood
            "minutes": (before_s + lead_s + 3 * seconds + after_s + 120.0) / 60.0}
        if not model:
            cfg["model"] = {"kind": "none"}
        (t / "show.yaml").write_text(yaml.safe_dump(cfg), encoding="utf-8")
        room = {"likes_per_s": likes_per_s, "joins_per_s": joins_per_s, "gifts_per_s": gifts_per_s}
        argv = [sys.executable, "-m", "bench.flood_sender", f"http://127.0.0.1:{port}", str(rate), str(seconds),
                str(t / "sent.json")]
        if events:
            argv += ["--events", "--quiet-s", str(window_s), "--events-s", str(window_s),
                     *(x for k, v in room.items() for x in (f"--{k.replace('_', '-')}", str(v)))]
        sender = subprocess.Popen(argv, stdin=subprocess.PIPE, text=True, env={**os.environ, TOKEN_ENV: token})
        sampler = _LoadSampler(before_s=before_s, after_s=after_s, sender=sender, window_s=window_s, events=events)
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
        rows = json.loads((t / "sent.json").read_text("utf-8")) if (t / "sent.json").is_file() else []
        sent = [r for r in rows if r.get("stream", "comments") == "comments"]
        res = _figures(sampler, sent, t, figures, said.said, rate, seconds)
        res["av_offset_end_ms"] = _file_offset_ms(t / "load.mp4")
        if events:
            plan = {str(e["id"]): e for span, seed, prefix in ((window_s, ONLY_SEED, ONLY_PREFIX),
                                                               (seconds, FLOOD_SEED, FLOOD_PREFIX))
                    for e in room_events(span, seed=seed, prefix=prefix, likes_per_s=likes_per_s,
                                         joins_per_s=joins_per_s, gifts_per_s=gifts_per_s)}
            ev_rows = [r for r in rows if r.get("stream") == "events"]
            res.update(_event_figures(sampler, ev_rows, plan, t))
            res.update(_cpu_figures(sampler))
            res.update(_wait_figures(sampler))
            res.update(load_target_likes_per_s=likes_per_s, load_target_joins_per_s=joins_per_s,
                       load_target_gifts_per_s=gifts_per_s, load_cpu_window_s=window_s)
        _plot(sampler, rows, (Path(out) if out else Path("bench/results")) / "load.png")
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
    first = s.go_at if np.isfinite(s.go_at) else s.flood_started  # before anything was sent
    before = (wall < first) & (wall >= first - 10.0)
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


OUTCOMES = ("reply", "batched", "rate_limited", "stale", "show_ended")  # what became of a room event


def _event_figures(s: _LoadSampler, rows: list[dict], plan: dict[str, dict[str, Any]], t: Path) -> dict[str, float]:
    """Every room event accepted, accounted for: in the audit log's `room_events` when taken (by id, or likes by
    first..last in the order sent and by count), and once in a `reaction` or `events_skipped` entry (by id, or
    likes by count), with its outcome in replies.jsonl (a skip with its reason). Lost: accepted, not all of it."""
    accepted = [i for r in rows for i in r["accepted"]]  # in the order sent: one request at a time
    refused = [i for r in rows for i in r["refused"]]
    failed = [i for r in rows if r["status"] == 0 for i in r["ids"]]
    malformed = [i for r in rows for i in r["malformed"]]
    entries = [json.loads(x) for x in (t / "audit.jsonl").read_text("utf-8").splitlines()]
    taken = [e["data"] for e in entries if e["kind"] == "room_events"]
    settled = [e["data"] for e in entries if e["kind"] in ("reaction", "events_skipped")]
    outcomes = {o["id"]: o for o in map(json.loads, (t / "replies.jsonl").read_text("utf-8").splitlines())}

    # likes: the taken entries, in the log's order, must tile the likes accepted, in the order sent
    likes = [i for i in accepted if plan[i]["kind"] == "like"]
    pos = 0
    for d in (d for d in taken if d["kind"] == "like"):
        n = int(d["lines"])
        span = likes[pos:pos + n]
        if len(span) != n or span[0] != d["first"] or span[-1] != d["last"] \
                or int(d["likes"]) != sum(int(plan[i]["count"]) for i in span):
            break
        pos += n
    # read from the source but not yet taken when the show ended: never in `room_events`, settled as show_ended
    # by the intake's close (its reason: "… before it was read"), after everything taken
    unread = [d for d in settled if d["kind"] == "like" and any("before it was read" in r for r in d.get("reasons", ()))]
    rest = likes[pos:]
    if rest and unread and sum(int(d["events"]) for d in unread) == len(rest) and unread[0]["first"] in rest \
            and unread[-1]["last"] in rest:
        pos += len(rest)
    likes_settled = sum(int(d["events"]) for d in settled if d["kind"] == "like")
    taps_settled = sum(int(d.get("likes", 0)) for d in settled if d["kind"] == "like")
    taps = sum(int(plan[i]["count"]) for i in likes)
    like_records = [o for i, o in outcomes.items() if "kind:like" in o["flags"]]
    like_records_events = sum(int(f.split(":")[1]) for o in like_records for f in o["flags"] if f.startswith("events:"))
    likes_lost = len(likes) - min(pos, likes_settled, like_records_events)

    # every other kind: by id
    others = [i for i in accepted if plan[i]["kind"] != "like"]
    logged = {ev["id"] for d in taken if d["kind"] != "like" for ev in d["events"]}
    times: dict[str, int] = {}
    for d in settled:
        for i in d.get("ids", []):
            times[i] = times.get(i, 0) + 1
    ok = [i for i in others if times.get(i) == 1 and i in outcomes and outcomes[i]["action"] in ("reply", "skip", "hold")
          and (i in logged or "show_ended" in outcomes[i]["flags"])]  # taken, or never taken: the show ended
    no_reason = [i for i in ok if outcomes[i]["action"] != "reply"
                 and not [f for f in outcomes[i]["flags"] if not f.startswith("kind:")]]
    by: dict[str, int] = {}
    for d in settled:
        for flag, n in d["outcomes"].items():
            key = flag if flag in OUTCOMES else "other"  # e.g. gate:held, not_said
            by[key] = by.get(key, 0) + int(n)
    kinds = {k: sum(1 for i in accepted if plan[i]["kind"] == k) for k in ("like", "join", "gift")}
    return {
        "events_sent": float(sum(len(r["ids"]) for r in rows)), "events_accepted": float(len(accepted)),
        "events_refused_retry": float(len(refused)), "events_unanswered_requests": float(len(failed)),
        "events_malformed": float(len(malformed)), "events_taken_by_intake": float(s.events_taken),
        "like_events_accepted": float(kinds["like"]), "likes_accepted": float(taps),
        "join_events_accepted": float(kinds["join"]), "gift_events_accepted": float(kinds["gift"]),
        "events_lost": float(likes_lost + len(others) - len(ok)),
        "like_events_lost": float(likes_lost), "likes_unaccounted": float(abs(taps - taps_settled)),
        "events_settled_twice": float(sum(1 for n in times.values() if n > 1)),
        "events_skipped_without_reason": float(len(no_reason)),
        **{f"events_{k}": float(by.get(k, 0)) for k in (*OUTCOMES, "other")},
        "event_requests": float(len(rows)),
        "event_ack_p50_ms": round(float(np.percentile([r["ack_ms"] for r in rows] or [0.0], 50)), 1),
        "event_ack_p95_ms": round(float(np.percentile([r["ack_ms"] for r in rows] or [0.0], 95)), 1),
    }


def _cpu_figures(s: _LoadSampler) -> dict[str, float]:
    """The show's CPU over the events-only window less that over the quiet one before it, in % of one core:
    the whole process, its threads (the ingest's web server, the source reader, the show's loop), and the time
    its loop spent on the events' own code. NaN when a window did not close (the show ended first)."""
    if not {"quiet", "events", "flood"} <= s.marks.keys():
        return {"events_cpu_pct_of_core": float("nan")}
    (w0, p0, th0, e0, _), (w1, p1, th1, e1, v1), (w2, p2, th2, e2, v2) = (
        s.marks[k] for k in ("quiet", "events", "flood"))
    quiet_s, events_s = w1 - w0, w2 - w1

    def pct(a: float, b: float, over: float) -> float:
        return round((b - a) / over * 100.0, 2)

    def thread(name: str, a: dict[str, float], b: dict[str, float]) -> float:
        return b.get(name, 0.0) - a.get(name, 0.0)

    out = {
        "quiet_cpu_pct_of_core": pct(p0, p1, quiet_s), "events_window_cpu_pct_of_core": pct(p1, p2, events_s),
        "events_cpu_pct_of_core": round((p2 - p1) / events_s * 100.0 - (p1 - p0) / quiet_s * 100.0, 2),
        "events_loop_path_cpu_pct_of_core": pct(e1, e2, events_s),
        "events_loop_path_quiet_cpu_pct_of_core": pct(e0, e1, quiet_s),
        "events_loop_path_wall_pct_of_time": pct(v1, v2, events_s),  # the loop's time on them, disk waits too
    }
    for name, label in (("nightshift-ingest", "ingest"), ("comments", "reader"), ("MainThread", "loop"),
                        ("program", "clock"), ("native", "native")):
        out[f"events_cpu_{label}_thread_pct_of_core"] = round(
            thread(name, th1, th2) / events_s * 100.0 - thread(name, th0, th1) / quiet_s * 100.0, 2)
    return out


def _wait_figures(s: _LoadSampler) -> dict[str, float]:
    """Reactions said a minute, and how much longer questions waited because of them: for each answered comment,
    the reaction lines that started between its arrival and its answer's first line (and their time on air
    within that wait, a reaction on air when it arrived included); and between two answers in a row to comments
    that were both waiting, the reaction lines that started (the scheduler's rule: at most one)."""
    lines = sorted(s.lines.values(), key=lambda x: x["start"])
    reactions = [x for x in lines if x["kind"] == "reaction"]
    mono_of = _wall_to_mono(s)
    events_from, flood_from = mono_of(s.go_at + s.window_s), mono_of(s.flood_started)
    flood_to = mono_of(s.flood_ended)

    def per_min(a: float, b: float) -> float:
        n = sum(1 for x in reactions if a <= x["start"] < b)
        return round(n / (b - a) * 60.0, 2) if b > a else float("nan")

    def airtime_pct(a: float, b: float, of: list[dict[str, Any]] = reactions) -> float:  # share of [a, b) on air
        on = sum(max(0.0, min(x["end"], b) - max(x["start"], a)) for x in of)
        return round(on / (b - a) * 100.0, 1) if b > a else float("nan")

    brain = s.brain
    first: dict[str, float] = {}
    for x in lines:
        if x["kind"] == "answer" and x["comment_id"] and x["comment_id"] not in first:
            first[x["comment_id"]] = x["start"]
    waits: list[tuple[float, float]] = []
    for cid, start in first.items():
        got = brain.received_at(cid) if brain is not None else None
        if got is not None and got < start:
            waits.append((got, start))
    n_lines, overlap_ms = [0], [0.0]
    for got, start in waits:
        n_lines.append(sum(1 for x in reactions if got < x["start"] < start))
        overlap_ms.append(sum(max(0.0, min(x["end"], start) - max(x["start"], got)) for x in reactions) * 1e3)
    gaps = [0]
    ordered = sorted(waits, key=lambda w: w[1])
    for (_, a), (got, b) in zip(ordered, ordered[1:], strict=False):
        if got < a:  # the second was waiting while the first was answered
            gaps.append(sum(1 for x in reactions if a < x["start"] < b))
    return {
        "reactions_spoken": float(len(reactions)),
        "reactions_per_min": per_min(events_from, flood_to),
        "reactions_events_only_per_min": per_min(events_from, flood_from),
        "reactions_in_flood_per_min": per_min(flood_from, flood_to),
        "reactions_airtime_events_only_pct": airtime_pct(events_from, flood_from),
        # the host talking at all, in the quiet window and in the events-only one (speech costs CPU: voice, mouth)
        "speech_airtime_quiet_pct": airtime_pct(mono_of(s.go_at), events_from, lines),
        "speech_airtime_events_only_pct": airtime_pct(events_from, flood_from, lines),
        "reactions_airtime_in_flood_pct": airtime_pct(flood_from, flood_to),
        "questions_answered_timed": float(len(waits)),
        "question_wait_extra_lines_max": float(max(n_lines)),
        "question_wait_because_of_events_max_ms": round(max(overlap_ms), 1),
        "question_wait_because_of_events_p95_ms": round(float(np.percentile(overlap_ms[1:] or [0.0], 95)), 1),
        "reaction_lines_between_two_answers_max": float(max(gaps)),
    }


def _wall_to_mono(s: _LoadSampler) -> Callable[[float], float]:
    """Wall time to time.monotonic(), from the samples (both read together)."""
    rows = np.array(s.load_rows or [(0.0,) * 9])
    offset = float(np.median(rows[:, 2] - rows[:, 0]))
    return lambda wall: wall + offset


def _plot(s: _LoadSampler, sent_rows: list[dict], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = np.array(s.load_rows or [(0.0,) * 9])
    t0 = s.flood_started if np.isfinite(s.flood_started) else rows[0, 0]
    x = rows[:, 0] - t0
    fig, ax = plt.subplots(4, 1, figsize=(8, 9), sharex=True)
    bins = np.arange(np.floor(x.min()), np.ceil(x.max()) + 1)
    sent = [r for r in sent_rows if r.get("stream", "comments") == "comments"]
    if sent:
        sec = np.floor(np.array([r["sent"] for r in sent]) - t0)
        for key, label in (("ids", "sent"), ("accepted", "accepted"), ("refused", "refused (retry later)")):
            counts = np.array([len(r[key]) for r in sent], float)
            hist, _ = np.histogram(sec, bins=bins, weights=counts)
            ax[0].step(bins[:-1], hist, where="post", label=label)
    room = [r for r in sent_rows if r.get("stream") == "events"]
    if room:
        hist, _ = np.histogram(np.floor(np.array([r["sent"] for r in room]) - t0), bins=bins,
                               weights=np.array([len(r["accepted"]) for r in room], float))
        ax[0].step(bins[:-1], hist, where="post", label="room events accepted", color="0.5", lw=0.8)
        offset = _wall_to_mono(s)(0.0)  # monotonic − wall
        said = [x["start"] - offset - t0 for x in s.lines.values() if x["kind"] == "reaction"]
        ax[0].plot(said, [0] * len(said), "v", ms=4, label="reaction said")
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
        if room:
            a.axvspan(-s.window_s, 0, color="#fde9d9", zorder=0)  # the events alone
            a.axvline(-2 * s.window_s, color="0.6", lw=0.6)  # the quiet window's start
    fig.suptitle("nightshift bench load: a flood on the comment ingest"
                 + ("\nbefore it: a quiet window, then the room's events alone (shaded)" if room else ""))
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=90)
    plt.close(fig)
