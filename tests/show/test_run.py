"""`nightshift run`: refusals that no setting gets around, and a short real show into a labelled MP4."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

import assets
from compliance.audit import verify
from compliance.metadata import read_label


def _show(tmp_path: Path, **over: object) -> Path:
    comments = tmp_path / "c.jsonl"
    comments.write_text("\n".join(json.dumps(c, ensure_ascii=False) for c in [
        {"id": "a", "user": "ann", "text": "how much is the hoodie?", "ts": 0.5},
        {"id": "b", "user": "bo", "text": "you idiot", "ts": 1.0},
        {"id": "c", "user": "cy", "text": "are you a real person?", "ts": 2.0},
        {"id": "d", "user": "xiao", "text": "这个卫衣多少钱？", "ts": 2.5},  # answered in the catalog's English
    ]) + "\n", encoding="utf-8")
    cfg = {"catalog": str(assets.path("demo_shop_en.yaml")), "platform": "local",
           "comments": {"replay": str(comments), "speed": 4.0},
           "outputs": {"mp4": str(tmp_path / "show.mp4"), "size": [360, 640]},
           "audit_log": str(tmp_path / "audit.jsonl"), "minutes": 1.0}
    cfg.update(over)  # type: ignore[arg-type]
    p = tmp_path / "show.yaml"
    p.write_text(yaml.safe_dump(cfg, allow_unicode=True), encoding="utf-8")
    return p


def _run(show: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "show.cli", "run", str(show)], capture_output=True, text=True,
                          timeout=600)


@pytest.mark.parametrize(
    ("over", "expected"),
    [
        ({"platform": "wechat_channels"}, "WeChat"),
        ({"platform": "douyin"}, "operator"),
        ({"platform": "douyin", "operator": {"unattended": True}}, "unattended"),
        ({"platform": "generic", "outputs": {"rtmp": "rtmp://127.0.0.1:1935/live/x"}}, "live"),
    ],
)
def test_refuses_to_start_and_says_why(tmp_path: Path, over: dict, expected: str) -> None:
    r = _run(_show(tmp_path, **over))
    assert r.returncode == 2, r.stderr[-2000:]
    assert expected.lower() in r.stderr.lower() and "Traceback" not in r.stderr
    assert not (tmp_path / "show.mp4").exists(), "nothing may go out when the show is refused"
    entries = [json.loads(x) for x in (tmp_path / "audit.jsonl").read_text("utf-8").splitlines()]
    assert entries[-1]["kind"] == "show_start_check" and entries[-1]["data"]["ok"] is False


def test_bad_show_file_names_the_field(tmp_path: Path) -> None:
    r = _run(_show(tmp_path, outputs={"fps": "fast"}))
    assert r.returncode == 2 and "outputs.fps" in r.stderr


def test_a_short_local_show_is_labelled_gated_and_audited(tmp_path: Path) -> None:
    r = _run(_show(tmp_path, minutes=0.4))
    assert r.returncode == 0, r.stderr[-3000:]
    summary = json.loads((tmp_path / "summary.json").read_text("utf-8"))
    assert summary["comments_seen"] == 4 and summary["skipped"] >= 1 and summary["answered"] >= 2
    assert read_label(tmp_path / "show.mp4")["Label"] == 1
    assert verify(tmp_path / "audit.jsonl").ok
    entries = [json.loads(x) for x in (tmp_path / "audit.jsonl").read_text("utf-8").splitlines()]
    spoken = [e["data"]["text"] for e in entries if e["kind"] == "spoken"]
    assert any("AI-generated" in t for t in spoken), "the spoken disclosure opens the show"
    assert any("$39.90" in t for t in spoken)
    gates = [e for e in entries if e["kind"] == "gate"]
    assert len(gates) >= len(spoken), "every spoken line passed the gate first"
    assert not any("idiot" in t for t in spoken)
    to_zh = [e["data"] for e in entries if e["kind"] == "spoken" and e["data"]["comment_id"] == "d"]
    assert to_zh and all(d["voice"].startswith("piper:") for d in to_zh), "English text is said in the English voice"
    traces = [json.loads(x) for x in (tmp_path / "trace.jsonl").read_text("utf-8").splitlines()]
    answer = next(t for t in traces if t["kind"] == "answer")
    assert {"received", "first_sentence", "first_audio"} <= set(answer["ms"])
