"""The show's numeric work runs without thread pools spinning on the cores (show/cores.py).

A fresh process does what a show does 25 times a second, a small matrix product and an OpenCV warp and
blur, then sleeps until the next frame. With the pools' own threads waiting on every job (OpenBLAS and
OpenCV defaults), 2 s of this took ~0.7 s of system time spinning on this 2-core machine; with the show's
setting it must take next to none.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

FRAMES = f"""
import os, sys, time
sys.path.insert(0, {str(ROOT)!r})
import cv2
import numpy as np
from show.cores import one_thread_pools
print(one_thread_pools())
a = np.random.rand(128, 128).astype(np.float32)
img = np.random.randint(0, 255, (640, 360, 3), np.uint8)
m = np.float32([[1, 0.1, 3], [0.05, 1, 2]])
t0, end = os.times(), time.monotonic() + 2.0
while time.monotonic() < end:
    a @ a
    cv2.warpAffine(img, m, (360, 640))
    cv2.GaussianBlur(img, (9, 9), 0)
    time.sleep(0.04)
print(os.times().system - t0.system)
"""


def test_frame_work_leaves_no_thread_spinning() -> None:
    out = subprocess.run([sys.executable, "-c", FRAMES], capture_output=True, text=True, timeout=120, check=True)
    counts, system_s = out.stdout.splitlines()
    assert counts == "{'opencv': 1, 'blas': 1}"
    assert float(system_s) <= 0.15, f"{system_s} s of system time in 2 s of frames: a pool is spinning"
