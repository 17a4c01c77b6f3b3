"""How a real show behaves when things break: the voice crashes, the model hangs, the disk fills, the process
is stopped or killed. Each test runs `nightshift run` (real rig, renderer, Piper/espeak, PyAV) in a child."""

from __future__ import annotations

import contextlib
import json
import os
import resource
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from compliance.audit import verify
from compliance.metadata import read_label
from tests.show.showkit import (
    decode_mp4,
    entries,
    envelope,
    locate,
    of_kind,
    run_to_end,
    running,
    wait_for,
    write_show,
)

HERE = Path(__file__).parent
QUESTIONS = ["how much is the hoodie?", "is the mug in stock?", "what colours does the tote come in?",
             "how much are the socks?", "are you a real person?", "how much is the lamp?",
             "what sizes does the hoodie come in?", "how much is the tea?"]


def _comments(n: int, first_s: float, every_s: float, late_s: float | None = None) -> list[dict]:
    cs = [{"id": f"c{i}", "user": f"viewer{i}", "text": q, "ts": first_s + i * every_s}
          for i, q in enumerate(QUESTIONS[:n])]
    if late_s is not None:  # keeps the replay open, so the show is still on when it is stopped
        cs.append({"id": "late", "user": "owl", "text": "good night!", "ts": late_s})
    return cs


def _stderr(tmp: Path) -> str:
    return (tmp / "logs" / "stderr").read_text("utf-8", "replace")


def _answered(log: Path) -> bool:
    return any(s["comment_id"] for s in of_kind(log, "spoken"))


def test_voice_crash_mid_show_is_retried_with_espeak_and_piper_speaks_again(tmp_path: Path) -> None:
    show = write_show(tmp_path, _comments(3, 1.0, 4.0), clock="fast", minutes=0.3)
    # call 1 warms the voice up, 2 is the opening disclosure: the 3rd, a line mid-show, crashes
    r = subprocess.run([sys.executable, str(HERE / "flaky_voice.py"), str(show), "3"], capture_output=True,
                       text=True, timeout=240)
    assert r.returncode == 0, r.stderr[-3000:]
    log = tmp_path / "audit.jsonl"
    assert verify(log).ok
    [fallback] = of_kind(log, "voice_fallback")
    assert "injected on call 3" in fallback["error"]
    spoken = of_kind(log, "spoken")
    # the line (or the clause of it the crash hit) is said by the fallback voice
    at = next(i for i, s in enumerate(spoken) if fallback["text"] in s["text"])
    assert "espeak:" in spoken[at]["voice"], "the crashed line is said by the fallback voice"
    assert all(s["voice"].startswith("piper:") for s in spoken[:at])
    later = spoken[at + 1:]
    assert later and all(s["voice"].startswith("piper:") for s in later), "Piper speaks the lines after it"
    # the line is on the recording: espeak's rendering of it is found in the MP4's audio, and it is loud
    from voice.normalize import normalize
    from voice.resample import resample
    from voice.tts import create

    line = create("espeak").synthesize(normalize(fallback["text"], "en"), "en")
    _, audio, rate = decode_mp4(tmp_path / "show.mp4")
    needle = envelope(resample(line.pcm, line.sample_rate, rate).astype(np.float32) / 32768, rate)
    hay = envelope(audio, rate)
    offset, corr = locate(needle, hay)
    assert corr > 0.9, f"the fallback line is not in the recording (best match {corr:.2f})"
    at_line = hay[offset: offset + len(needle)]
    print(f"fallback line at {offset * 0.02:.2f} s, match {corr:.3f}, loudness {at_line.mean():.4f}")
    assert at_line.mean() > 0.5 * needle.mean(), "the recording is quiet where the line should be"


class _HangingServer:
    """A real TCP server on 127.0.0.1 that accepts every connection and never answers."""

    def __init__(self) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.held: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        with contextlib.suppress(OSError):
            while True:
                conn, _ = self.sock.accept()
                self.held.append(conn)  # read nothing, answer nothing, keep it open

    def close(self) -> None:
        for c in [*self.held, self.sock]:
            c.close()


def test_a_hung_model_server_gives_the_catalog_answer_within_the_timeout(tmp_path: Path) -> None:
    server = _HangingServer()
    try:
        # far enough apart that each is answered alone: a question answered while others wait gets the
        # catalog's short form at once, without the model
        comments = [{"id": "a", "user": "ann", "text": "how much is the hoodie?", "ts": 1.0},
                    {"id": "b", "user": "bo", "text": "how much is the mug?", "ts": 11.0},
                    {"id": "c", "user": "cy", "text": "are you a real person?", "ts": 21.0}]
        show = write_show(tmp_path, comments, minutes=0.6,
                          model={"kind": "openai", "url": f"http://127.0.0.1:{server.port}", "timeout_s": 1,
                                  "first_sentence_s": 0})  # waited on up to the timeout
        code, err = run_to_end(show)
        assert code == 0, err[-3000:]
        assert len(server.held) >= 2, "each price question asked the model; the 2nd was not stuck behind the 1st"
    finally:
        server.close()
    log = tmp_path / "audit.jsonl"
    assert verify(log).ok
    said = {c: " ".join(s["text"] for s in of_kind(log, "spoken") if s["comment_id"] == c) for c in "abc"}
    assert "$39.90" in said["a"] and "$14.50" in said["b"], said
    traces = {t["id"]: t for t in of_kind(log, "trace")}
    waited = {c: traces[c]["stages_ms"]["first_sentence"] - traces[c]["stages_ms"]["triaged"] for c in "abc"}
    for c in "ab":
        assert "llm_timeout" in traces[c]["flags"] and "grounded:template" in traces[c]["flags"], traces[c]
        assert 950 <= waited[c] < 1800, f"{c}: the model was waited on for {waited[c]} ms (timeout 1 s)"
    assert waited["c"] < 500, "a question the model is not asked waits for nothing"
    aired = {t["id"] for t in map(json.loads, (tmp_path / "trace.jsonl").open()) if "first_audio" in t["ms"]}
    assert set("abc") <= aired, "every comment was answered on air before the show ended"


TMPFS_SIZE = 300 << 20  # more than the room (256 MiB) a stopped recording waits for before it starts again
FSIZE_LIMIT = 400 << 10  # without mount: the child may not write a file larger than this (EFBIG)


@contextlib.contextmanager
def _small_disk(path: Path) -> Iterator[bool]:
    """A tmpfs at `path` (True), or, where mounting is not permitted, a plain folder (False)."""
    path.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={TMPFS_SIZE}", "tmpfs", str(path)],
                             capture_output=True).returncode == 0
    try:
        yield mounted
    finally:
        if mounted:
            subprocess.run(["umount", "-l", str(path)], check=False)


def _fill(disk: Path, leave: int) -> Path:
    """A ballast file that leaves only `leave` bytes free."""
    st = os.statvfs(disk)
    ballast = disk / "ballast"
    with ballast.open("wb") as f, contextlib.suppress(OSError):  # to the last byte, when leave is 0
        f.write(b"\0" * max(0, st.f_bavail * st.f_frsize - leave))
    return ballast


def _file_limit(size: int) -> dict[str, object]:
    """Popen arguments under which the child may write no file larger than `size` (EFBIG)."""
    return {"preexec_fn": lambda: resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))}


def test_a_disk_full_before_the_show_stops_it_with_a_message_and_nothing_goes_out(tmp_path: Path) -> None:
    disk = tmp_path / "disk"
    with _small_disk(disk) as mounted:
        if mounted:
            _fill(disk, leave=0)
        show = write_show(tmp_path, _comments(2, 0.5, 1.0), clock="fast", minutes=0.1,
                          outputs={"mp4": str(disk / "show.mp4"), "size": [360, 640]},
                          audit_log=str(disk / "audit.jsonl"))
        code, err = run_to_end(show, **({} if mounted else _file_limit(0)))
        assert code == 1 and "audit log cannot be written" in err, err[-3000:]
        assert "Traceback" not in err
        assert not (disk / "show.mp4").exists(), "nothing goes out that the log cannot record"
        assert verify(disk / "audit.jsonl").ok


def test_a_full_disk_pauses_the_show_keeps_the_log_whole_and_recording_resumes(tmp_path: Path) -> None:
    disk = tmp_path / "disk"
    with _small_disk(disk) as mounted:
        show = write_show(tmp_path, _comments(8, 1.0, 3.5), minutes=0.6,
                          outputs={"mp4": str(disk / "show.mp4"), "size": [360, 640]},
                          audit_log=str(disk / "audit.jsonl"))
        limit = {} if mounted else _file_limit(FSIZE_LIMIT)
        log = disk / "audit.jsonl"
        with running(show, tmp_path / "logs", **limit) as p:
            wait_for("the show on air", lambda: of_kind(log, "spoken"), 120, p)
            ballast = _fill(disk, leave=150 << 10) if mounted else None
            wait_for("the recording to hit the full disk", lambda: "Mp4Sink failed" in _stderr(tmp_path), 60, p)
            time.sleep(1.0)
            if ballast is not None:
                ballast.unlink()
            else:  # the second file would hit the size limit too: stop once it has started
                wait_for("the recording to resume", lambda: any(x["reason"] == "recording" for x in of_kind(log, "resumed")),
                         30, p)
                time.sleep(2.0)
                p.send_signal(signal.SIGTERM)
            assert p.wait(timeout=120) == 0, _stderr(tmp_path)[-3000:]
        err = _stderr(tmp_path)
        assert "Traceback" not in err, err[-3000:]
        result = verify(log)
        assert result.ok, result.reason
        assert not log.with_name(log.name + ".partial").exists(), "no half-written line was ever left behind"
        kinds = [e["kind"] for e in entries(log)]
        assert "output_failed" in kinds
        paused = of_kind(log, "paused")
        assert any(x["reason"] == "recording" for x in paused), paused
        resumed = of_kind(log, "resumed")
        assert any(x["reason"] == "recording" for x in resumed), resumed
        assert kinds.index("output_failed") < kinds.index("resumed") < kinds.index("show_end")
        frames, audio, _ = decode_mp4(disk / "show.mp4")
        assert frames > 25 and len(audio) > 0, "the recording cut short by the full disk still plays"
        part2 = disk / "show-2.mp4"
        frames, audio, _ = decode_mp4(part2)
        assert frames > 25 and len(audio) > 0, "the recording went on in show-2.mp4"
        assert read_label(part2)["Label"] == 1, "the continued recording carries the AIGC label"


def test_sigterm_ends_a_realtime_show_cleanly(tmp_path: Path) -> None:
    show = write_show(tmp_path, _comments(3, 1.0, 2.0, late_s=100.0), minutes=2.0)
    log = tmp_path / "audit.jsonl"
    with running(show, tmp_path / "logs") as p:
        wait_for("an answer on air", lambda: _answered(log), 120, p)
        time.sleep(1.5)
        p.send_signal(signal.SIGTERM)
        assert p.wait(timeout=60) == 0, _stderr(tmp_path)[-3000:]
    assert "Traceback" not in _stderr(tmp_path)
    frames, audio, rate = decode_mp4(tmp_path / "show.mp4")
    assert frames >= 25 and len(audio) / rate > 1.0, "the recording was finalised with both streams"
    assert abs(frames / 25 - len(audio) / rate) < 0.5, "the two streams end together"
    assert verify(log).ok
    assert entries(log)[-1]["kind"] == "show_end"


def test_sigkill_leaves_a_log_that_verifies_and_the_next_show_continues_it(tmp_path: Path) -> None:
    show = write_show(tmp_path, _comments(3, 0.5, 1.5, late_s=100.0), minutes=2.0)
    log = tmp_path / "audit.jsonl"
    with running(show, tmp_path / "logs") as p:
        wait_for("an answer on air", lambda: _answered(log), 120, p)
        time.sleep(2.5)  # at least one 2-s fragment of the recording is complete
        p.send_signal(signal.SIGKILL)
        assert p.wait(timeout=30) == -signal.SIGKILL
    first = verify(log)
    assert first.ok, first.reason
    frames, audio, _ = decode_mp4(tmp_path / "show.mp4")
    assert frames >= 50 and len(audio) > 0, "the killed show's recording plays up to its last fragment"
    assert read_label(tmp_path / "show.mp4")["Label"] == 1
    again = write_show(tmp_path / "again", _comments(2, 0.5, 1.0), clock="fast", minutes=0.1,
                       audit_log=str(log))
    code, err = run_to_end(again)
    assert code == 0, err[-3000:]
    result = verify(log)
    assert result.ok, result.reason
    seqs = [e["seq"] for e in entries(log)]
    assert seqs == list(range(1, len(seqs) + 1)) and len(seqs) > first.entries
    later = entries(log)[first.entries:]
    assert later[0]["prev"] == entries(log)[first.entries - 1]["hash"], "the second show links to the first"
    assert [e["kind"] for e in later].count("show_start") == 1 and later[-1]["kind"] == "show_end"
