"""Headless Chromium with a fake camera and microphone from files: what a page's getUserMedia receives.

The system chromium, driven by Playwright (never `playwright install`), with the flags it needs headless as root.
The page is served on http://localhost (a secure context, so getUserMedia is allowed) from a route.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from pathlib import Path

import numpy as np

PAGE = """<html><body><video id=v autoplay muted playsinline></video><canvas id=c width=640 height=480></canvas>
<script>
window.result = null;
(async () => {
  const s = await navigator.mediaDevices.getUserMedia({video: {width: 640, height: 480}, audio: true});
  const v = document.getElementById('v'); v.srcObject = s; await v.play();
  const ctx = new AudioContext(), an = ctx.createAnalyser(); an.fftSize = 1024;
  ctx.createMediaStreamSource(s).connect(an);
  const c = document.getElementById('c'), g = c.getContext('2d'), buf = new Float32Array(an.fftSize);
  c.width = v.videoWidth; c.height = v.videoHeight;
  const frames = [], levels = [];
  for (let i = 0; i < N_FRAMES; i++) {
    await new Promise(r => setTimeout(r, 40));
    g.drawImage(v, 0, 0, c.width, c.height); frames.push(c.toDataURL('image/jpeg', 0.85));
    an.getFloatTimeDomainData(buf); levels.push(Math.sqrt(buf.reduce((a, x) => a + x * x, 0) / buf.length));
  }
  window.result = {frames, levels, w: v.videoWidth, h: v.videoHeight, labels: s.getTracks().map(t => t.label)};
})().catch(e => { window.result = {error: String(e)}; });
</script></body></html>"""

FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", "--no-first-run", "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
         "--autoplay-policy=no-user-gesture-required"]  # fmt: skip


@dataclass
class Captured:
    """What the page got: the video size, the track labels, JPEG frames and the microphone's RMS every 40 ms."""

    width: int
    height: int
    labels: list[str]
    jpegs: list[bytes]
    levels: np.ndarray


def capture(y4m: Path, wav: Path, *, frames: int = 30, timeout_s: float = 20.0) -> Captured:
    """Open the files as Chromium's camera and microphone and sample `frames` frames and levels, 40 ms apart."""
    from playwright.sync_api import sync_playwright

    args = [*FLAGS, f"--use-file-for-fake-video-capture={y4m}", f"--use-file-for-fake-audio-capture={wav}"]
    html = PAGE.replace("N_FRAMES", str(int(frames)))
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=args)
        try:
            page = browser.new_page()
            page.route("http://localhost/capture", lambda r: r.fulfill(body=html, content_type="text/html"))
            page.goto("http://localhost/capture")
            page.wait_for_function("window.result !== null", timeout=timeout_s * 1000)
            got = page.evaluate("window.result")
        finally:
            browser.close()
    if "error" in got:
        raise RuntimeError(f"the page could not open the camera and microphone: {got['error']}")
    jpegs = [base64.b64decode(url.split(",", 1)[1]) for url in got["frames"]]
    return Captured(got["w"], got["h"], list(got["labels"]), jpegs, np.asarray(got["levels"], np.float64))
