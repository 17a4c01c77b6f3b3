"""A live `douyin` show, end to end: pushed to a real RTMP server (nginx on loopback) and recorded, with its
operator in a real browser. Mid-show the server restarts (the push reconnects, the outage is audited) and the
operator's console connection drops (heartbeats lapse → the host says it will be right back and shows the
holding slate → the operator signs in again → the host resumes and answers what came in meanwhile).

A live show needs consented assets of the shop's own, and the bundled demo host may never go live: the
portrait and the voice here are altered copies of the demo ones (other files, other hashes), recorded in the
test's consent file as a consenting person's.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import av
import numpy as np
import pytest
import yaml
from PIL import Image

import assets
from bench.liveshow import LiveShow, launch_browser, sign_in
from compliance.audit import verify
from compliance.consent import ConsentRecord
from compliance.metadata import read_label
from compliance.ocr import tesseract_text
from tests.avatar.nginx_rtmp import NginxRtmp, find_rtmp_module
from tests.show.showkit import entries, of_kind, wait_for

LAPSE_S = 8.0  # the console beats every 5 s


@pytest.fixture
def nginx(tmp_path: Path) -> Iterator[NginxRtmp]:
    assert find_rtmp_module(), "nginx's RTMP module is installed by scripts/setup.sh"
    with NginxRtmp(tmp_path / "nginx") as server:
        yield server


def _own_host(folder: Path) -> Path:
    """The shop's own consented host: a mirrored copy of the demo portrait, a copy of the Piper voice carrying
    its own metadata (so its own hash), and a consenting person's record for each."""
    import onnx

    from voice.tts.piper import bundled_voice

    portrait = folder / "host.png"
    Image.open(assets.path("portraits/default.png")).transpose(Image.Transpose.FLIP_LEFT_RIGHT).save(portrait)
    model_path, config_path = bundled_voice()
    model = onnx.load(str(model_path))
    onnx.helper.set_model_props(model, {"voice_of": "Test Host"})
    voice = folder / "host-voice.onnx"
    onnx.save(model, str(voice))
    Path(f"{voice}.json").write_bytes(config_path.read_bytes())
    until = dt.date.today() + dt.timedelta(days=30)
    records = [ConsentRecord.for_file(p, person="Test Host", kind=k, scope="live", expires=until)
               for p, k in ((portrait, "portrait"), (voice, "voice"))]
    consent = folder / "consent.yaml"
    consent.write_text(yaml.safe_dump({"records": [r.model_dump(mode="json") for r in records]}), encoding="utf-8")
    return consent


def _frame_at(mp4: Path, at_s: float) -> np.ndarray:
    with av.open(str(mp4)) as c:
        for f in c.decode(video=0):
            if f.time is not None and f.time >= at_s:
                return f.to_ndarray(format="rgb24")
    raise AssertionError(f"{mp4} has no frame at {at_s:.1f} s")


class _Since:
    """Audit entries of one kind that come after the last one waited for (a show pauses and resumes often)."""

    def __init__(self, show: LiveShow) -> None:
        self.show, self.seq = show, -1

    def wait(self, kind: str, **match: Any) -> dict[str, Any]:
        e = self.show.wait_audit(lambda e: e["seq"] > self.seq and e["kind"] == kind
                                 and all(e["data"].get(k) == v for k, v in match.items()), timeout=60)
        self.seq = e["seq"]
        return dict(e["data"])


def test_a_live_show_survives_a_server_restart_and_its_operator_dropping_out(tmp_path: Path,
                                                                            nginx: NginxRtmp) -> None:
    from playwright.sync_api import sync_playwright

    consent = _own_host(tmp_path)
    show = LiveShow(tmp_path / "show", platform="douyin", consent=str(consent),
                    portrait=str(tmp_path / "host.png"), voice={"kind": "piper", "model": str(tmp_path / "host-voice.onnx")},
                    outputs={"rtmp": nginx.url("night")}, operator={"approval": "none", "heartbeat_lapse_s": LAPSE_S},
                    console={"takeover": False}, minutes=10.0).start()
    try:
        with sync_playwright() as pw:
            browser = launch_browser(pw)
            log = _Since(show)
            first = browser.new_context()
            sign_in(first.new_page(), show, "Lin")
            log.wait("resumed", reason="presence")  # on air once an operator is on duty
            show.post({"id": "q1", "user": "ann", "text": "how much is the hoodie?"})
            wait_for("the first answer", lambda: any(s["comment_id"] == "q1" for s in of_kind(show.audit_path,
                                                                                             "spoken")), 60)
            # the RTMP server goes away for 2 s and comes back: the push reconnects by itself
            nginx.stop()
            down = log.wait("output_down", output="RtmpSink")
            time.sleep(2.0)
            nginx.start()
            back = log.wait("output_back", output="RtmpSink")
            assert 1.5 <= back["gap_s"] < 10.0, back
            # the operator's laptop drops off: its connection closes and the heartbeats stop
            first.close()
            paused = log.wait("paused", reason="presence")
            show.post({"id": "q2", "user": "bo", "text": "is the mug in stock?"})
            time.sleep(3.0)
            assert not any(s["comment_id"] == "q2" for s in of_kind(show.audit_path, "spoken")), \
                "nothing is answered while no operator is on duty"
            second = browser.new_context()
            sign_in(second.new_page(), show, "Lin")
            resumed = log.wait("resumed", reason="presence")
            wait_for("the answer to the comment that came while away",
                     lambda: any(s["comment_id"] == "q2" for s in of_kind(show.audit_path, "spoken")), 60)
            time.sleep(3.0)  # the host on screen again for a while before the show ends
            second.close()
            browser.close()
    finally:
        code = show.finish()
    assert code == 0, show.stderr()[-3000:]
    assert verify(show.audit_path).ok
    assert down["error"], "the outage is audited with its cause"
    assert "reconnected after a" in show.stderr(), "the gap is in the run log too"
    spoken = of_kind(show.audit_path, "spoken")
    holding = [s for s in spoken if s["kind"] == "holding"]
    assert holding and "right back" in holding[-1]["text"]
    # the server recorded the stream twice: before the restart, and after it until the end
    first_push, second_push = nginx.recordings()[:2]
    log_entries = entries(show.audit_path)
    back_ts = next(e["ts"] for e in log_entries if e["kind"] == "output_back")
    after_s = log_entries[-1]["ts"] - back_ts  # from the reconnect to show_end, as the show saw it
    with av.open(str(second_push)) as c:
        assert {s.type for s in c.streams} >= {"video", "audio"}
        pushed = sum(1 for _ in c.decode(video=0))
    # the slate while no one was on duty, then the host: every second after the reconnect went out (a busy
    # machine drops some frames, so half of them is the floor)
    assert pushed > 25 * 0.5 * after_s and after_s > 3.0, (pushed, after_s)
    # the recording shows the slate while the operator was away, and the host again after
    assert read_label(show.mp4)["Label"] == 1
    away = _frame_at(show.mp4, paused["at_s"] + 1.0)
    assert "right back" in tesseract_text(away, "eng", psm=11).replace("\n", " ")
    again = _frame_at(show.mp4, resumed["at_s"] + 1.0)
    assert np.abs(again.astype(int) - away.astype(int)).mean() > 10, "the host is back on screen after the slate"
    assert first_push.stat().st_size > 0
