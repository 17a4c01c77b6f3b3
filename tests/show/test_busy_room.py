"""A busy room in a real show (the real llama.cpp model, Piper, the gate and the audit log, on the fast clock):
several viewers asking at once are answered in one turn, each by name and short, "are you real?" first; the
same question from two viewers is answered once, to both; every comment keeps its own outcome, audit entries
and trace (its first audio is the start of its own part); a name that must not be spoken is not; a question
asked into a quiet room gets the long form. The scheduler's side is in tests/stages/test_busy_room.py."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import assets
from compliance.audit import verify
from tests.show.showkit import entries, of_kind, run_to_end, write_show

MODEL = {"kind": "llama_cpp"}  # the bundled SmolLM2 through llama.cpp


def _run(tmp: Path, comments: list[dict[str, Any]], **over: Any) -> tuple[dict[str, dict], list[dict], dict[str, dict]]:
    over = {"minutes": 2.5, **over}
    code, err = run_to_end(write_show(tmp, comments, clock="fast", model=MODEL, **over), timeout=600)
    assert code == 0, err[-3000:]
    replies = {r["id"]: r for r in map(json.loads, (tmp / "replies.jsonl").read_text("utf-8").splitlines())}
    spoken = [d for d in of_kind(tmp / "audit.jsonl", "spoken") if d.get("comment_id")]
    traces = {t["id"]: t for t in map(json.loads, (tmp / "trace.jsonl").read_text("utf-8").splitlines())
              if t["kind"] == "answer"}
    assert verify(tmp / "audit.jsonl").ok
    return replies, spoken, traces


def test_a_busy_room_is_answered_in_one_turn_by_name_shortest_first(tmp_path: Path) -> None:
    burst = [("dan", "dan.r", "how much is the hoodie?"), ("ana", "ana", "what's the price of the hoodie"),
             ("sofia", "sofia", "what colours does the mug come in?"), ("lee", "lee", "are you a real person??"),
             ("kim", "kim_", "are you real?"), ("link", "www.cheap-deals.biz", "is the tote bag in stock?"),
             ("rude", "idiot_42", "is the lamp in stock?"), ("tom", "tom88", "do you sell rice cookers?")]
    comments = [{"id": "hello", "user": "early", "text": "hi!", "ts": 0.0}]  # after it, the opening disclosure
    comments += [{"id": i, "user": u, "text": t, "ts": 20.0} for i, u, t in burst]
    comments.append({"id": "zoe", "user": "zoe", "text": "what's your return policy", "ts": 90.0})  # a quiet room
    comments.append({"id": "ivy", "user": "ivy", "text": "is this a bot?", "ts": 120.0})  # quiet: said whole
    comments.append({"id": "max", "user": "max", "text": "do you sell rice cookers?", "ts": 150.0})
    comments.append({"id": "sam", "user": "sam", "text": "sizes for the socks?", "ts": 151.0})  # asked meanwhile
    replies, spoken, traces = _run(tmp_path, comments, minutes=4.0)

    assert all(replies[i]["action"] == "reply" for i, _, _ in burst), {i: replies[i] for i, _, _ in burst}
    order = [d["comment_id"] for d in spoken]
    assert [o for o in order if o != "hello"][0] == "lee", "are you real? is answered first"
    lee = replies["lee"]["text"]
    assert "AI" in lee and "not a real person" in lee and "short" in replies["lee"]["flags"]
    assert replies["kim"]["flags"].count("answered_with:lee") == 1 and "not a real person" in replies["kim"]["text"]
    assert "kim" not in order, "the other viewer who asked heard it in lee's answer"
    # grouped, short, by name; the same question from two viewers answered once, to both
    assert all("grouped" in replies[i]["flags"] for i in ("lee", "dan", "sofia"))
    assert "folded_with:dan" in replies["ana"]["flags"] and "ana" not in order
    said = {d["comment_id"]: d["text"] for d in reversed(spoken)}  # each comment's first line
    assert said["dan"].startswith("Dan and Ana, ") and "$39.90" in said["dan"], said["dan"]
    assert said["sofia"].startswith("Sofia, ") and said["lee"].startswith("Lee, ")
    assert "rice cookers" in said["tom"], "four parts in a turn at most: the fifth is answered next"
    for i in ("link", "rude"):  # answered without their names
        assert replies[i]["action"] == "reply" and "addressed" not in replies[i]["flags"]
    every_line = " ".join(d["text"] for d in of_kind(tmp_path / "audit.jsonl", "spoken")).lower()
    assert "cheap" not in every_line and "www" not in every_line and "idiot" not in every_line
    # a part's first audio is its own: later parts of a turn start later
    turn = list(dict.fromkeys(o for o in order if o in {i for i, _, _ in burst} - {"tom"}))
    firsts = [traces[i]["ms"]["first_audio"] for i in turn]
    assert firsts == sorted(firsts) and len(set(firsts)) == len(firsts), list(zip(turn, firsts, strict=True))
    assert traces["ana"]["ms"]["first_audio"] is not None, "a folded viewer hears the answer when it starts"
    # every comment has its own trace entry in the audit log
    logged = {e["data"]["id"] for e in entries(tmp_path / "audit.jsonl") if e["kind"] == "trace"}
    assert {i for i, _, _ in burst} - {"kim"} <= logged
    # a quiet room: the long form, no name
    assert "short" not in replies["zoe"]["flags"] and "grouped" not in replies["zoe"]["flags"]
    assert replies["zoe"]["text"].startswith("You can return unused items within 30 days")
    # a fixed line's long form: said whole while the room stays quiet; its rest is dropped when someone asks
    assert replies["ivy"]["text"].startswith("I'm Nova, an AI-generated virtual host for Lantern & Loom, not a real person.")
    assert "supervises" in replies["ivy"]["text"] and len(replies["ivy"]["lines"]) == 2
    assert replies["max"]["text"] == "Sorry, we don't carry rice cookers.", "sam was waiting: the list of products went"
    assert replies["sam"]["action"] == "reply" and "S/M" in replies["sam"]["text"]


def test_a_busy_chinese_room_is_answered_by_name_with_chinese_joins(tmp_path: Path) -> None:
    burst = [("jie", "阿杰", "马克杯多少钱？"), ("lily", "lily", "马克杯什么价格"), ("wang", "老王", "你是真人吗"),
             ("li", "小李", "围巾还有货吗"), ("ad", "加微信abc12345", "茉莉花茶有货吗")]
    comments = [{"id": "hello", "user": "早到", "text": "大家好", "ts": 0.0}]
    comments += [{"id": i, "user": u, "text": t, "ts": 20.0} for i, u, t in burst]
    replies, spoken, _ = _run(tmp_path, comments, catalog=str(assets.path("demo_shop_zh.yaml")),
                              voice={"kind": "espeak"})
    assert all(replies[i]["action"] == "reply" for i, _, _ in burst), {i: replies[i] for i, _, _ in burst}
    said = {d["comment_id"]: d["text"] for d in reversed(spoken)}
    assert [d["comment_id"] for d in spoken if d["comment_id"] != "hello"][0] == "wang"
    assert said["wang"].startswith("老王，") and "AI" in said["wang"] and "不是真人" in said["wang"]
    assert said["jie"].startswith("阿杰、Lily，") and "45" in said["jie"], said["jie"]
    assert "folded_with:jie" in replies["lily"]["flags"]
    assert said["li"].startswith("小李，")
    every_line = "".join(d["text"] for d in of_kind(tmp_path / "audit.jsonl", "spoken"))
    assert "微信" not in every_line and "abc" not in every_line
