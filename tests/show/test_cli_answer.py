"""`nightshift answer` as a user runs it: one line per comment, exit 2 naming what is wrong."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import assets

CATALOG = str(assets.path("demo_shop_en.yaml"))


def _run(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "show.cli", *args], input=stdin, capture_output=True, timeout=300)


def test_one_line_per_comment_in_order_with_bad_lines_skipped(tmp_path: Path) -> None:
    lines = [
        json.dumps({"id": "a", "user": "u1", "text": "how much is the hoodie?"}).encode(),
        b"{not json",
        json.dumps({"id": "b", "user": "u2", "text": "<i>are you a robot?</i> \U0001f916"}).encode(),
        b'{"id": "c", "user": "u3", "text": "caf\xe9 \xff"}',
        json.dumps({"id": "d", "user": "u4", "text": ""}).encode(),
        json.dumps({"id": "e", "user": "u5", "text": "x" * 100_000}).encode(),
        json.dumps({"user": "u6", "text": "no id here"}).encode(),
        json.dumps({"id": "f", "user": "u7", "text": "马克杯多少钱"}).encode(),
    ]
    src = tmp_path / "in.jsonl"
    src.write_bytes(b"\n".join(lines) + b"\n")
    out = tmp_path / "out.jsonl"
    r = _run("answer", "--catalog", CATALOG, "--comments", str(src), "--out", str(out))
    assert r.returncode == 0, r.stderr.decode()
    rows = [json.loads(x) for x in out.read_text("utf-8").splitlines()]
    assert len(rows) == len(lines)
    assert [row["id"] for row in rows] == ["a", "line-2", "b", "line-4", "d", "e", "line-7", "f"]
    for row in rows:
        assert set(row) == {"id", "action", "text", "flags", "sources"}
    by = {row["id"]: row for row in rows}
    assert by["a"]["action"] == "reply" and "$39.90" in by["a"]["text"]
    assert by["line-2"]["action"] == "skip" and "malformed" in by["line-2"]["flags"]
    assert by["b"]["action"] == "reply" and "AI" in by["b"]["text"]
    assert by["line-4"]["action"] == "skip" and "bad_encoding" in by["line-4"]["flags"]
    assert by["d"]["action"] == "skip" and "empty" in by["d"]["flags"]
    assert by["e"]["action"] == "skip" and "too_long" in by["e"]["flags"]
    assert by["f"]["action"] == "skip" or by["f"]["text"]
    assert b"skip line-2" in r.stderr, "every skip is logged with its reason"


def test_stdin_to_stdout() -> None:
    r = _run("answer", "--catalog", CATALOG, "--comments", "-", "--out", "-", "--no-llm",
             stdin=b'{"id": "s1", "user": "u", "text": "is the tote in stock?"}\n')
    assert r.returncode == 0
    row = json.loads(r.stdout.decode().strip())
    assert row["id"] == "s1" and "sold out" in row["text"]


def test_bad_input_exits_2_naming_the_problem(tmp_path: Path) -> None:
    bad_catalog = tmp_path / "bad.yaml"
    text = assets.path("demo_shop_en.yaml").read_text("utf-8").replace("price: 19.00", "price: nineteen")
    bad_catalog.write_text(text, encoding="utf-8")
    comments = tmp_path / "c.jsonl"
    comments.write_text('{"id": "1", "user": "u", "text": "hi"}\n', encoding="utf-8")
    cases = [
        (["--catalog", str(bad_catalog), "--comments", str(comments)], "products[2].price: not a number"),
        (["--catalog", str(tmp_path / "none.yaml"), "--comments", str(comments)], "none.yaml: cannot read"),
        (["--catalog", CATALOG, "--comments", str(tmp_path / "none.jsonl")], "none.jsonl"),
        (["--catalog", CATALOG, "--comments", str(comments), "--model", str(tmp_path / "m.gguf")], "m.gguf: model file not found"),
    ]
    png = tmp_path / "pic.jsonl"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    cases.append((["--catalog", CATALOG, "--comments", str(png)], "pic.jsonl"))
    for args, expected in cases:
        r = _run("answer", *args, "--out", str(tmp_path / "o.jsonl"))
        assert r.returncode == 2, (args, r.stderr.decode())
        err = r.stderr.decode()
        assert expected in err and "Traceback" not in err, err
