"""StdinSource: live JSONL comments from a real pipe, a real child process's stdin, or a byte buffer."""

from __future__ import annotations

import io
import json
import os
import select
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import BinaryIO

from dialogue.sources import StdinSource
from dialogue.types import BadComment, Comment

REPO = Path(__file__).resolve().parents[2]


def line(obj: object) -> bytes:
    return json.dumps(obj, ensure_ascii=False).encode() + b"\n"


def pipe() -> tuple[BinaryIO, int]:
    r, w = os.pipe()
    return os.fdopen(r, "rb"), w


def test_pipe_delivers_each_line_as_it_arrives() -> None:
    reader, w = pipe()
    src = StdinSource(reader)
    got: list[tuple[Comment | BadComment, float]] = []
    first = threading.Event()
    done = threading.Event()

    def consume() -> None:
        for item in src:
            got.append((item, time.monotonic()))
            first.set()
        done.set()

    threading.Thread(target=consume, daemon=True).start()
    os.write(w, line({"id": "1", "user": "amy", "text": "hello"}))
    assert first.wait(2.0), "the first comment was not delivered while the writer kept the pipe open"
    assert not done.is_set()
    # A line split across writes, mid multi-byte character, then a bad line and a blank one.
    second = line({"id": "2", "text": "多少钱？"})
    cut = second.index("钱".encode()) + 1
    os.write(w, second[:cut])
    time.sleep(0.15)
    assert len(got) == 1, "a partial line must not be parsed"
    os.write(w, second[cut:] + b"{oops\n\n   \n")
    os.write(w, b'{"id": "3", "text": "no newline before EOF"}')
    os.close(w)
    assert done.wait(2.0), "EOF did not end the iteration"
    items = [i for i, _ in got]
    assert items[0] == Comment("1", "amy", "hello")
    assert items[1] == Comment("2", "anonymous", "多少钱？")
    assert isinstance(items[2], BadComment) and items[2].id == "line-3"
    assert items[2].reason.startswith("<stdin> line 3: not valid JSON")
    assert items[3] == Comment("3", "anonymous", "no newline before EOF")
    assert len(items) == 4
    reader.close()


def test_close_ends_a_blocked_read() -> None:
    reader, w = pipe()
    src = StdinSource(reader, poll_s=0.05)
    done = threading.Event()
    threading.Thread(target=lambda: (list(src), done.set()), daemon=True).start()
    time.sleep(0.2)
    assert not done.is_set()
    src.close()
    assert done.wait(1.0), "close() did not end the iteration"
    os.close(w)
    reader.close()


def test_too_long_line_is_one_bad_comment_and_numbering_continues() -> None:
    payload = line({"id": "big", "text": "x" * 300}) + line({"id": "ok", "text": "fine"})
    for stream_kind in ("pipe", "bytes"):
        if stream_kind == "pipe":
            reader, w = pipe()
            threading.Thread(target=lambda: (os.write(w, payload), os.close(w)), daemon=True).start()  # noqa: B023
            stream: BinaryIO = reader
        else:
            stream = io.BytesIO(payload)
        items = list(StdinSource(stream, max_line_bytes=100))
        assert len(items) == 2, stream_kind
        assert isinstance(items[0], BadComment) and items[0].id == "line-1"
        assert items[0].reason == "<stdin> line 1: longer than 100 bytes"
        assert items[1] == Comment("ok", "anonymous", "fine")


def test_byte_buffer_stream_with_bom_and_crlf() -> None:
    data = b"\xef\xbb\xbf" + line({"id": "a", "text": "hi"}).replace(b"\n", b"\r\n") + b"\xff\xfe\n"
    items = list(StdinSource(io.BytesIO(data), source_name="feed"))
    assert items[0] == Comment("a", "anonymous", "hi")
    assert items[1] == BadComment(id="line-2", flag="bad_encoding", reason="feed line 2: not UTF-8 (byte 1)")


def test_real_process_stdin_is_live() -> None:
    code = (
        "from dialogue.sources import StdinSource\n"
        "for c in StdinSource():\n"
        "    print(type(c).__name__, c.id, flush=True)\n"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE, cwd=REPO
    )
    assert proc.stdin is not None and proc.stdout is not None
    try:
        for i, raw in enumerate([line({"id": "p1", "text": "hi"}), b"nope\n", line({"id": 3, "text": "ok"})]):
            proc.stdin.write(raw)
            proc.stdin.flush()
            ready, _, _ = select.select([proc.stdout], [], [], 30)
            assert ready, f"no answer to line {i + 1} while stdin is still open"
            answer = proc.stdout.readline().decode().strip()
            assert answer == ["Comment p1", "BadComment line-2", "Comment 3"][i]
        proc.stdin.close()
        assert proc.wait(timeout=30) == 0
    finally:
        proc.kill() if proc.poll() is None else None
