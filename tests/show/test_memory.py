"""What is loaded before going on air is left out of the garbage collector's scans (show/memory.py), so a full
collection during a flood stops the programme's clock for the show's own objects only. Run in a fresh process:
freezing is for the whole process."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

LOADED = f"""
import gc, sys, time
sys.path.insert(0, {str(ROOT)!r})
from show.memory import freeze_loaded
models = [[i] for i in range(400_000)]  # what a loaded model and its libraries leave as Python objects
def full_scan():
    t = time.perf_counter(); gc.collect(); return time.perf_counter() - t
before_n, before_s = len(gc.get_objects()), min(full_scan() for _ in range(3))
frozen = freeze_loaded()
comments = [[i] for i in range(1000)]  # what the show makes on air is still collected
after_n, after_s = len(gc.get_objects()), min(full_scan() for _ in range(3))
print(before_n, frozen, after_n, before_s / max(after_s, 1e-9), len(models) + len(comments))
"""


def test_objects_loaded_before_air_are_not_scanned_again() -> None:
    out = subprocess.run([sys.executable, "-c", LOADED], capture_output=True, text=True, timeout=120, check=True)
    before_n, frozen, after_n, speedup, _ = out.stdout.split()
    assert int(frozen) >= 400_000, "the loaded objects are frozen"
    assert int(after_n) < 10_000 < int(before_n), "a full collection scans only what was made after"
    assert float(speedup) > 10, "and takes a fraction of the time"
