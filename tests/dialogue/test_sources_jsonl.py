"""JSONL comments: line parsing, whole-file reading, and the timed replay source."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from dialogue.errors import InputError
from dialogue.sources import JsonlReplay, parse_comment_line, read_comments
from dialogue.types import BadComment, Comment

REPO = Path(__file__).resolve().parents[2]


def line(obj: object) -> bytes:
    return json.dumps(obj, ensure_ascii=False).encode() + b"\n"


# --- parse_comment_line ---------------------------------------------------------------


@pytest.mark.parametrize("raw", [b"", b"\n", b"   \t \r\n", b"\r", "\u3000 ".encode()])
def test_blank_lines_are_none(raw: bytes) -> None:
    assert parse_comment_line(raw, 4, "c.jsonl") is None


def test_full_comment() -> None:
    item = parse_comment_line(line({"id": "c1", "user": "amy", "text": "price?", "ts": 12.5}), 1, "c.jsonl")
    assert item == Comment(id="c1", user="amy", text="price?", ts=12.5)


def test_int_id_missing_user_extra_fields_and_crlf() -> None:
    raw = b'{"id": 42, "text": "hi", "ts": 3, "platform": "x", "likes": [1]}\r\n'
    assert parse_comment_line(raw, 2, "c.jsonl") == Comment(id="42", user="anonymous", text="hi", ts=3.0, platform="x")


def test_crlf_is_stripped_from_text_end() -> None:
    item = parse_comment_line(b'{"id": "a", "text": "x"}\r', 1, "c")
    assert isinstance(item, Comment) and item.text == "x"


def test_empty_and_huge_text_are_still_comments() -> None:
    assert parse_comment_line(line({"id": "e", "text": ""}), 1, "c") == Comment("e", "anonymous", "")
    big = "好" * 34_000  # > 100 kB of UTF-8
    item = parse_comment_line(line({"id": "b", "user": "u", "text": big}), 1, "c")
    assert isinstance(item, Comment) and item.text == big and len(item.text.encode()) > 100_000


def test_bom_tolerated_on_first_line_only() -> None:
    raw = b"\xef\xbb\xbf" + line({"id": "a", "text": "hi"})
    assert parse_comment_line(raw, 1, "c") == Comment("a", "anonymous", "hi")
    bad = parse_comment_line(raw, 2, "c")
    assert isinstance(bad, BadComment) and bad.flag == "malformed" and bad.id == "line-2"


def test_not_utf8_names_line_and_byte() -> None:
    raw = b'{"id": "a", "text": "caf\xe9"}\n'  # Latin-1 é
    bad = parse_comment_line(raw, 3, "in.jsonl")
    assert bad == BadComment(id="line-3", flag="bad_encoding", reason="in.jsonl line 3: not UTF-8 (byte 25)")
    assert raw[24] == 0xE9


@pytest.mark.parametrize(
    ("raw", "expect"),
    [
        (b'{"id": "a", "text": "hi"', "not valid JSON"),
        (b"hello there", "not valid JSON"),
        (b"[1, 2]", "expected a JSON object, got array"),
        (b'"just a string"', "expected a JSON object, got string"),
        (b"3", "expected a JSON object, got number"),
        (b"[" * 100_000 + b"]" * 100_000, "not valid JSON"),
        (b'{"id": "a", "text": "hi", "ts": 1' + b"0" * 5000 + b"}", "not valid JSON"),
    ],
)
def test_malformed_lines(raw: bytes, expect: str) -> None:
    bad = parse_comment_line(raw, 7, "c.jsonl")
    assert isinstance(bad, BadComment)
    assert bad.flag == "malformed" and bad.id == "line-7"
    assert bad.reason.startswith("c.jsonl line 7: ") and expect in bad.reason


@pytest.mark.parametrize(
    ("obj", "field"),
    [
        ({"text": "hi"}, "`id`"),
        ({"id": None, "text": "hi"}, "`id`"),
        ({"id": 1.5, "text": "hi"}, "`id`"),
        ({"id": True, "text": "hi"}, "`id`"),
        ({"id": "  ", "text": "hi"}, "`id`"),
        ({"id": ["a"], "text": "hi"}, "`id`"),
    ],
)
def test_missing_or_invalid_id_uses_line_id(obj: dict[str, object], field: str) -> None:
    bad = parse_comment_line(line(obj), 5, "c.jsonl")
    assert isinstance(bad, BadComment) and bad.id == "line-5" and field in bad.reason
    assert bad.reason.startswith("c.jsonl line 5: ")


@pytest.mark.parametrize("text", [None, 5, ["hi"], {"t": 1}, True])
def test_text_not_string_keeps_the_id(text: object) -> None:
    obj: dict[str, object] = {"id": "c9", "user": "bo", "text": text}
    bad = parse_comment_line(line(obj), 2, "c.jsonl")
    assert isinstance(bad, BadComment) and bad.id == "c9" and bad.user == "bo" and "`text`" in bad.reason


def test_missing_text() -> None:
    bad = parse_comment_line(line({"id": "c9"}), 2, "c.jsonl")
    assert isinstance(bad, BadComment) and bad.id == "c9" and "missing field `text`" in bad.reason


@pytest.mark.parametrize("ts", [True, "12.5", [1], {"s": 1}])
def test_bad_ts_names_the_field(ts: object) -> None:
    bad = parse_comment_line(line({"id": "t1", "text": "hi", "ts": ts}), 1, "c.jsonl")
    assert isinstance(bad, BadComment) and bad.id == "t1" and "`ts`" in bad.reason


def test_non_finite_ts_is_bad() -> None:
    for raw in (b'{"id": "n", "text": "hi", "ts": NaN}', b'{"id": "n", "text": "hi", "ts": 1e400}'):
        bad = parse_comment_line(raw, 1, "c")
        assert isinstance(bad, BadComment) and "`ts`" in bad.reason and "finite" in bad.reason


def test_null_ts_and_user_are_absent() -> None:
    raw = line({"id": "n", "user": None, "text": "hi", "ts": None})
    assert parse_comment_line(raw, 1, "c") == Comment("n", "anonymous", "hi", None)


def test_lone_surrogate_is_bad_encoding() -> None:
    bad = parse_comment_line(b'{"id": "s", "text": "a\\ud800b"}', 1, "c")
    assert isinstance(bad, BadComment) and bad.flag == "bad_encoding" and bad.id == "s"


def test_every_problem_is_named() -> None:
    bad = parse_comment_line(line({"user": {"x": 1}, "text": 3, "ts": "x"}), 9, "c")
    assert isinstance(bad, BadComment)
    for field in ("`id`", "`text`", "`user`", "`ts`"):
        assert field in bad.reason


# --- read_comments ---------------------------------------------------------------------


def test_read_every_non_blank_line_in_order(tmp_path: Path) -> None:
    f = tmp_path / "c.jsonl"
    f.write_bytes(
        b"\xef\xbb\xbf"
        + line({"id": "a", "user": "u1", "text": "hello", "ts": 1})
        + b"\n   \n"
        + b"not json\n"
        + line({"id": 7, "text": "how much?"})
        + b'{"id": "z", "text": "caf\xe9"}\r\n'
        + b'{"id": "last", "text": "no newline at end"}'
    )
    items = read_comments(f)
    assert [i.id for i in items] == ["a", "line-4", "7", "line-6", "last"]
    assert [type(i).__name__ for i in items] == ["Comment", "BadComment", "Comment", "BadComment", "Comment"]
    assert isinstance(items[1], BadComment) and f"{f} line 4: not valid JSON" in items[1].reason
    assert isinstance(items[3], BadComment) and items[3].flag == "bad_encoding"
    assert read_comments(str(f)) == items


def test_empty_file_is_empty_list(tmp_path: Path) -> None:
    f = tmp_path / "empty.jsonl"
    f.write_bytes(b"\n \n")
    assert read_comments(f) == []


def test_missing_file_and_directory(tmp_path: Path) -> None:
    with pytest.raises(InputError) as e:
        read_comments(tmp_path / "nope.jsonl")
    assert e.value.source == str(tmp_path / "nope.jsonl") and "no such file" in e.value.what
    with pytest.raises(InputError) as e:
        read_comments(tmp_path)
    assert "directory" in e.value.what


def test_unreadable_file() -> None:
    """A read error from the OS (here /proc/self/mem, which fails even for root) is a clear InputError."""
    with pytest.raises(InputError, match="cannot read"):
        read_comments("/proc/self/mem")


@pytest.mark.parametrize(
    ("content", "expect"),
    [
        (b"id,user,text\n1,amy,hello\n", "not a JSONL comments file (line 1: not valid JSON"),
        (b"\n\n[1, 2]\n[3]\n", "not a JSONL comments file (line 3: expected a JSON object, got array)"),
        (
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xd8\n",
            "not a JSONL comments file (line 1: not UTF-8 (byte 1))",
        ),
        ("id\ttext\n".encode("utf-16"), "not a JSONL comments file (line 1: not UTF-8"),
    ],
)
def test_not_a_jsonl_file(tmp_path: Path, content: bytes, expect: str) -> None:
    f = tmp_path / "wrong.jsonl"
    f.write_bytes(content)
    with pytest.raises(InputError) as e:
        read_comments(f)
    assert e.value.source == str(f) and e.value.what.startswith(expect)


def test_one_object_line_is_enough(tmp_path: Path) -> None:
    f = tmp_path / "mostly_bad.jsonl"
    f.write_bytes(b"garbage\n" + line({"text": "no id"}) + b"[1]\n")
    items = read_comments(f)
    assert [i.id for i in items] == ["line-1", "line-2", "line-3"]
    assert all(isinstance(i, BadComment) for i in items)


def test_dash_reads_stdin() -> None:
    data = line({"id": "s1", "text": "from a pipe"}) + b"oops\n"
    code = (
        "from dialogue.sources import read_comments\n"
        "for c in read_comments('-'): print(type(c).__name__, c.id, getattr(c, 'reason', ''))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], input=data, capture_output=True, cwd=REPO, timeout=60, check=True
    ).stdout.decode()
    assert out.splitlines() == [
        "Comment s1 ",
        "BadComment line-2 <stdin> line 2: not valid JSON: Expecting value (column 1)",
    ]


# --- JsonlReplay --------------------------------------------------------------------------


class FakeClock:
    """A virtual clock: sleep() advances time instead of waiting."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, s: float) -> None:
        self.sleeps.append(s)
        self.now += s


def write(tmp_path: Path, rows: list[dict[str, object] | bytes]) -> Path:
    f = tmp_path / "replay.jsonl"
    f.write_bytes(b"".join(r if isinstance(r, bytes) else line(r) for r in rows))
    return f


def test_replay_honours_ts_speed_gaps_and_backwards(tmp_path: Path) -> None:
    f = write(
        tmp_path,
        [
            {"id": "early", "text": "no ts yet"},
            {"id": "a", "text": "x", "ts": 100},
            {"id": "b", "text": "x", "ts": 101.5},
            {"id": "c", "text": "no ts: follows b"},
            b"broken line\n",
            {"id": "d", "text": "x", "ts": 104},
            {"id": "e", "text": "backwards", "ts": 103},
            {"id": "f", "text": "x", "ts": 110},
        ],
    )
    fc = FakeClock()
    replay = JsonlReplay(f, speed=2.0, clock=fc.clock, sleep=fc.sleep)
    seen = [(item.id, round(fc.now - 1000.0, 6)) for item in replay]
    assert seen == [
        ("early", 0.0),
        ("a", 0.0),
        ("b", 0.75),
        ("c", 0.75),
        ("line-5", 0.75),
        ("d", 2.0),
        ("e", 2.0),
        ("f", 5.0),
    ]
    assert max(fc.sleeps) <= 0.1 + 1e-9  # waits in short steps so close() stays responsive


def test_replay_not_realtime_never_sleeps(tmp_path: Path) -> None:
    f = write(tmp_path, [{"id": "a", "text": "x", "ts": 0}, {"id": "b", "text": "x", "ts": 5000}])
    fc = FakeClock()
    assert [i.id for i in JsonlReplay(f, realtime=False, clock=fc.clock, sleep=fc.sleep)] == ["a", "b"]
    assert fc.sleeps == []


@pytest.mark.parametrize("speed", [0, -1.0, float("nan"), float("inf")])
def test_replay_speed_must_be_positive(tmp_path: Path, speed: float) -> None:
    f = write(tmp_path, [{"id": "a", "text": "x"}])
    with pytest.raises(ValueError, match="speed"):
        JsonlReplay(f, speed=speed)


def test_replay_bad_file_fails_at_creation(tmp_path: Path) -> None:
    with pytest.raises(InputError):
        JsonlReplay(tmp_path / "missing.jsonl")


def test_replay_real_clock(tmp_path: Path) -> None:
    f = write(tmp_path, [{"id": str(i), "text": "x", "ts": 50 + i} for i in range(4)])
    t0 = time.monotonic()
    times = [time.monotonic() - t0 for _ in JsonlReplay(f, speed=10.0)]
    assert times[0] < 0.5  # generous: 10x 0.05 s; from ts 0 the first would wait 5 s
    for i, t in enumerate(times):
        assert i * 0.1 - 0.01 <= t, "never before its time"
        assert t < i * 0.1 + 0.5  # generous: at speed 1 the gaps would be 1 s


def test_replay_close_from_another_thread_ends_a_long_gap(tmp_path: Path) -> None:
    f = write(tmp_path, [{"id": "a", "text": "x", "ts": 0}, {"id": "b", "text": "x", "ts": 3600}])
    replay = JsonlReplay(f)
    got: list[str] = []
    done = threading.Event()

    def consume() -> None:
        got.extend(i.id for i in replay)
        done.set()

    threading.Thread(target=consume, daemon=True).start()
    time.sleep(0.2)
    replay.close()
    assert done.wait(2.0), "iteration did not end after close()"  # not after the hour's gap
    assert got == ["a"]


def test_other_read_errors_name_the_path(tmp_path: Path) -> None:
    f = tmp_path / "plain.txt"
    f.write_text("x")
    with pytest.raises(InputError) as e:
        read_comments(f / "inside.jsonl")  # a path through a file: "Not a directory"
    assert e.value.source == str(f / "inside.jsonl") and e.value.what.startswith("cannot read the file (")
