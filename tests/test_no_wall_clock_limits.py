"""No test fails because the machine is busy: wall-clock figures belong in `nightshift bench`, tests assert
behaviour. The rule is tests/wall_clock.py's docstring."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.wall_clock import scan, scan_source

TESTS = Path(__file__).resolve().parent

FLAGGED = {
    "a time per frame": """
def test_render():
    t0 = time.perf_counter()
    for p in frames:
        r.render(p)
    ms = (time.perf_counter() - t0) / len(frames) * 1000
    assert ms <= 10.0, f"{ms:.2f} ms per frame"
""",
    "a time per call, in ms": """
def test_label():
    t = time.perf_counter()
    for _ in range(n):
        draw_label(frame, "zh")
    per_frame_ms = (time.perf_counter() - t) / n * 1000
    assert per_frame_ms < 0.5, f"{per_frame_ms:.3f} ms per frame"
""",
    "a figure the product measures": """
def test_takeover():
    stats = tk.stats
    assert stats.first_face_s is not None and stats.first_face_s <= 0.5, stats
""",
    "an elapsed time in the assert": """
def test_close():
    t0 = time.monotonic()
    src.close()
    assert time.monotonic() - t0 < 0.5
""",
    "a helper that returns a duration": """
def push(sink):
    start = time.perf_counter()
    sink.write()
    return time.perf_counter() - start

def test_push():
    longest = push(sink)
    assert longest < 0.2
""",
    "a rate from the clock": """
def test_rate():
    t0 = time.monotonic()
    n = run()
    assert n / (time.monotonic() - t0) >= 10
""",
    "a bound that is not a constant": """
def test_wall():
    t = time.monotonic()
    play()
    wall = time.monotonic() - t
    assert wall < speech.duration_s + 0.3
""",
    "a comparison to pytest.approx": """
def test_approx():
    t = time.monotonic()
    play()
    assert time.monotonic() - t == pytest.approx(2.0, abs=0.05)
""",
    "a time kept in a list of tuples": """
class Recorder:
    def write_audio(self, pcm, pts_s):
        self.audio.append((pts_s, len(pcm), time.monotonic()))

def test_paced():
    origin = rec.audio[0][2]
    assert rec.audio[1][2] - origin == pytest.approx(second, abs=0.05)
""",
    "a list of times": """
def test_times():
    t0 = time.monotonic()
    times = [time.monotonic() - t0 for _ in replay]
    for i, t in enumerate(times):
        assert i * 0.1 <= t < i * 0.1 + 0.25
""",
}

ALLOWED = {
    "a lower bound on a duration (it waited)": """
def test_waits():
    t0 = time.monotonic()
    q.get(timeout=0.2)
    assert 0.15 < time.monotonic() - t0
""",
    "the same work at two sizes": """
def test_scaling():
    def cost(n):
        start = time.perf_counter()
        work(n)
        return time.perf_counter() - start
    assert cost(1000) < 4 * cost(10)
""",
    "one event before another": """
class Recording:
    def synthesize(self, text):
        self.done_at.append(time.perf_counter())

def test_order():
    received = []
    for speech in stream_speech(backend, text):
        received.append(time.perf_counter())
    assert received[0] < backend.done_at[1]
""",
    "a generous bound, said so": """
def test_generous():
    t0 = time.monotonic()
    q.get(timeout=0.2)
    assert time.monotonic() - t0 < 2.0  # generous: 10x the timeout
""",
    "a relative bound, said so on a continuation line": """
def test_relative():
    t = time.monotonic()
    play()
    assert (time.monotonic() - t
            < 1.25 * speech.duration_s)  # relative: waiting for every frame takes 1.5x
""",
    "a hang guard at the floor": """
def test_hang():
    t0 = time.monotonic()
    src.close()
    assert time.monotonic() - t0 < 5.0
    ms = (time.monotonic() - t0) * 1000
    assert ms < 5000
""",
    "never early (it shrinks under load)": """
def test_early():
    origin = time.monotonic()
    early = [pts - (time.monotonic() - origin) for pts in shown]
    assert max(early) < 0.005
""",
    "programme time, not wall clock": """
def test_programme():
    assert stop["silent_pts_s"] - stop["stop_pts_s"] <= 0.2
    assert 1.2 < speech.duration_s < 5.0
""",
}


def test_no_test_bounds_a_wall_clock_duration() -> None:
    found = scan(TESTS)
    assert not found, "wall-clock limits (move the figure to `nightshift bench`, or see tests/wall_clock.py):\n" + \
        "\n".join(map(str, found))  # fmt: skip


@pytest.mark.parametrize("name", list(FLAGGED))
def test_the_rule_flags_a_limit_a_busy_machine_breaks(name: str) -> None:
    found = scan_source(FLAGGED[name])
    assert len(found) == 1 and found[0].text.startswith("assert"), found


@pytest.mark.parametrize("name", list(ALLOWED))
def test_the_rule_leaves_behaviour_alone(name: str) -> None:
    assert scan_source(ALLOWED[name]) == []
