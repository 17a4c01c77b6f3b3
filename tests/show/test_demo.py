"""`nightshift demo` end to end with the real model and voices, and the rundown it relies on."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import wave
from pathlib import Path

import pytest

import assets
from dialogue.rundown import Rundown
from dialogue.sources import read_comments
from dialogue.types import EventKind, RoomEvent

NOISE = ("W0000", "I0000", "inference_feedback_manager", "XNNPACK", "GetPrototype", "UserWarning",
         "Matplotlib is building the font cache", "absl::")


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, subprocess.CompletedProcess[str]]:
    """The README's command as a newcomer types it: the installed `nightshift`, in a new folder, default --out."""
    here = tmp_path_factory.mktemp("newcomer")
    nightshift = Path(sys.executable).with_name("nightshift")
    done = subprocess.run([str(nightshift), "demo", "--minutes", "2"], cwd=here, capture_output=True, text=True,
                          timeout=900)
    assert done.returncode == 0, done.stderr
    return here / "out" / "demo", done


@pytest.fixture(scope="module")
def demo_out(demo_run: tuple[Path, subprocess.CompletedProcess[str]]) -> Path:
    return demo_run[0]


def test_the_demo_writes_where_it_says_from_any_working_directory(demo_run) -> None:
    out, done = demo_run
    for code in ("en", "zh"):
        for name in ("show.mp4", "show.wav", "audit.jsonl", "replies.jsonl", "utterances.jsonl"):
            assert (out / code / name).is_file(), f"{code}/{name} not in {out}"
        assert not (out / code / "out").exists(), "an output path resolved against the generated show.yaml"
    assert (out / "summary.md").is_file()
    assert f"demo written to {out}/" in done.stdout + done.stderr


def test_the_terminal_shows_the_demos_progress_not_the_libraries_chatter(demo_run) -> None:
    out, done = demo_run
    terminal = done.stdout + done.stderr
    for word in NOISE:
        assert word not in terminal, f"third-party noise on the terminal: {word}"
    for shop in ("en Lantern & Loom", "zh 晚风小铺"):
        progress = [line for line in terminal.splitlines() if line.startswith(shop + ":")]
        assert len(progress) >= 2, f"no progress for {shop}: {terminal}"
        assert re.search(r"\d+ s of show, \d+ lines spoken", progress[-1]), progress[-1]
    run_log = (out / "run.log").read_text("utf-8")
    assert "nightshift.run" in run_log or "show." in run_log, "the run log keeps the show's own records"
    assert "GetPrototype" in run_log and "inference_feedback_manager" in run_log, \
        "the libraries' warnings and native log lines are kept in the run log, not lost"


@pytest.mark.parametrize(("code", "comments"), [("en", "demo_comments_en.jsonl"), ("zh", "demo_comments_zh.jsonl")])
def test_every_comment_has_a_record_and_every_reply_is_spoken(demo_out: Path, code: str, comments: str) -> None:
    # likes are recorded by count, as they are thanked (hundreds a second in a real room): not in input order
    items = [c for c in read_comments(assets.path(comments)) if getattr(c, "kind", None) != EventKind.LIKE]
    on_air = json.loads((demo_out / code / "summary.json").read_text("utf-8"))["on_air_s"]
    first = next(c.ts for c in items if getattr(c, "ts", None) is not None)
    surely = [c.id for c in items if (getattr(c, "ts", None) or first) - first < on_air - 5]  # arrived in time
    rows = [json.loads(x) for x in (demo_out / code / "replies.jsonl").read_text("utf-8").splitlines()]
    got = [r["id"] for r in rows if "kind:like" not in r["flags"]]
    assert sorted(got) == sorted(c.id for c in items if c.id in got) and len(got) >= len(surely), \
        "one record per comment and room event that arrived"
    # comments in input order, and room events in theirs (events are taken from an inbox of their own)
    for is_event in (False, True):
        mine = [c.id for c in items if isinstance(c, RoomEvent) is is_event]
        seen = [i for i in got if i in mine]
        assert seen == mine[: len(seen)], "in input order"
    utts = [json.loads(x) for x in (demo_out / code / "utterances.jsonl").read_text("utf-8").splitlines()]
    by_comment: dict[str, list[dict]] = {}
    for u in utts:
        by_comment.setdefault(u["comment_id"], []).append(u)
    for r in rows:
        assert r["action"] in ("reply", "skip", "hold")
        if r["action"] == "reply":
            spoken = by_comment.get(r["id"], [])
            assert spoken and "".join(u["text"] for u in spoken).replace(" ", "") == r["text"].replace(" ", "")
            for u in spoken:
                with wave.open(str(demo_out / code / u["audio"])) as w:
                    assert w.getnframes() > w.getframerate() * 0.5, f"{r['id']}: audio too short"
        else:
            assert r["flags"], f"{r['id']}: a skip without a reason"
    with wave.open(str(demo_out / code / "show.wav")) as w:
        assert w.getnframes() / w.getframerate() > 30


@pytest.mark.parametrize(("code", "comments"), [("en", "demo_comments_en.jsonl"), ("zh", "demo_comments_zh.jsonl")])
def test_the_host_greets_and_thanks_the_room_and_every_event_is_on_record(demo_out: Path, code: str,
                                                                          comments: str) -> None:
    utts = [json.loads(x) for x in (demo_out / code / "utterances.jsonl").read_text("utf-8").splitlines()]
    reactions = [u["text"] for u in utts if u["kind"] == "reaction"]
    assert len(reactions) >= 3, reactions
    welcome, thanks = ("Welcome", "Thank") if code == "en" else ("欢迎", "感谢")
    assert any(r.startswith(welcome) for r in reactions) and any(r.startswith(thanks) for r in reactions), reactions
    entries = [json.loads(x) for x in (demo_out / code / "audit.jsonl").read_text("utf-8").splitlines()]
    received: set[str] = set()
    for e in entries:
        if e["kind"] == "room_events":
            d = e["data"]
            received |= {x["id"] for x in d["events"]} if "events" in d else {d["first"], d["last"]}
    events = [c for c in read_comments(assets.path(comments)) if isinstance(c, RoomEvent)]
    rows = {json.loads(x)["id"] for x in (demo_out / code / "replies.jsonl").read_text("utf-8").splitlines()}
    for ev in events:
        if ev.id in received and ev.kind is not EventKind.LIKE:
            assert ev.id in rows, f"{ev.id}: an event on record without its outcome"
    settles = [e["data"] for e in entries if e["kind"] in ("reaction", "events_skipped")]
    settled = {i for d in settles for i in d.get("ids", ())}
    likes = [i for i in received if i not in {ev.id for ev in events if ev.kind is not EventKind.LIKE}]
    assert received - set(likes) <= settled, "every event received is settled in the audit log"
    # a like read only as the show ended is settled (show_ended) without a `room_events` entry of its own
    assert sum(d["events"] for d in settles if d["kind"] == "like") >= len(likes), "every like is settled, by count"


@pytest.mark.parametrize("code", ["en", "zh"])
def test_the_audit_log_verifies_and_holds_every_line(demo_out: Path, code: str) -> None:
    from compliance.audit import verify

    log = demo_out / code / "audit.jsonl"
    assert verify(log).ok
    entries = [json.loads(x) for x in log.read_text("utf-8").splitlines()]
    spoken = {e["data"]["text"] for e in entries if e["kind"] == "spoken"}
    passed = {e["data"]["text"] for e in entries if e["kind"] == "gate" and e["data"]["verdict"] == "pass"}
    utts = [json.loads(x) for x in (demo_out / code / "utterances.jsonl").read_text("utf-8").splitlines()]
    assert utts and all(u["text"] in spoken and u["text"] in passed for u in utts), "a line spoken without the gate"
    assert entries[0]["kind"] == "show_start_check" and entries[-1]["kind"] == "show_end"


@pytest.mark.parametrize("code", ["en", "zh"])
def test_the_recording_is_labelled_in_its_pixels_and_its_metadata(demo_out: Path, code: str) -> None:
    import av

    from compliance.metadata import read_label
    from compliance.ocr import label_found
    from compliance.ocr import read_label as ocr_label

    mp4 = demo_out / code / "show.mp4"
    assert read_label(mp4)["Label"] == 1
    with av.open(str(mp4)) as c:
        assert c.streams.video and c.streams.audio
        frames = [f.to_ndarray(format="rgb24") for i, f in zip(range(300), c.decode(video=0), strict=False)
                  if i in (10, 150, 299)]
    lang = "zh" if code == "zh" else "en"
    for i, frame in enumerate(frames):
        assert label_found(ocr_label(frame, lang, opening=i == 0), lang), f"no readable AI label in frame {i}"


def test_show_opens_with_the_disclosure_and_pitches_between_comments(demo_out: Path) -> None:
    utts = [json.loads(x) for x in (demo_out / "en" / "utterances.jsonl").read_text("utf-8").splitlines()]
    assert utts[0]["kind"] == "disclosure" and "AI-generated" in utts[0]["text"]
    zh = [json.loads(x) for x in (demo_out / "zh" / "utterances.jsonl").read_text("utf-8").splitlines()]
    kinds = [u["kind"] for u in utts + zh]
    assert "pitch" in kinds and "answer" in kinds
    for a, b in zip(utts, utts[1:], strict=False):  # one line at a time; only a pitch is ever cut short
        assert b["at_s"] >= a["at_s"] + (0.0 if a["kind"] == "pitch" else a["duration_s"]) - 0.05
    summary = (demo_out / "summary.md").read_text("utf-8")
    assert "Lantern & Loom" in summary and "晚风小铺" in summary and "$39.90" in summary


def test_rundown_cycles_in_stock_products_and_resumes_after_interruption(shop_en) -> None:
    r = Rundown(shop_en, interval_s=10)
    first = r.next_sentence(0.0)
    assert first is not None
    sentence, pitch = first
    assert pitch.sku == "HD-102" and "$39.90" in sentence
    # a comment is answered here; the pitch then resumes at its next sentence, not from the start
    second = r.next_sentence(5.0)
    assert second is not None and second[0] == pitch.sentences[1]
    while not pitch.done:
        r.next_sentence(6.0)
    assert r.next_sentence(7.0) is None, "no new pitch before the interval"
    nxt = r.next_sentence(11.0)
    assert nxt is not None and nxt[1].sku != "HD-102"
    skus = set()
    for t in range(100):
        got = r.next_sentence(100.0 + t * 20)
        if got:
            skus.add(got[1].sku)
    assert "TB-330" not in skus, "a sold-out product is not pitched"
    assert len(skus) >= 5
