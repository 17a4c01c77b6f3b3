"""The ingest's token in SHOW.yaml: its own (never the console's), given or named by an environment variable,
and a clear error when it cannot be used."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

import assets
from dialogue.errors import InputError
from show.config import load_show


def _write(tmp_path: Path, comments: dict[str, Any], console: dict[str, Any] | None = None) -> Path:
    cfg = {"catalog": str(assets.path("demo_shop_en.yaml")), "platform": "local", "model": {"kind": "none"},
           "comments": comments, "console": console or {"port": 0},
           "outputs": {"mp4": str(tmp_path / "show.mp4"), "size": [180, 320]},
           "audit_log": str(tmp_path / "audit.jsonl"), "minutes": 0.2}
    path = tmp_path / "show.yaml"
    path.write_text(yaml.safe_dump(cfg), encoding="utf-8")
    return path


@pytest.mark.parametrize(("comments", "console", "field"), [
    ({"http_port": 0, "token": "same-token-for-both"}, {"token": "same-token-for-both"}, "console's token"),
    ({"http_port": 0, "token": "short"}, None, "comments.token"),
    ({"http_port": 0, "token": "an-ingest-token", "token_env": "X"}, None, "not both"),
    ({"http_port": 0, "token_env": "not a name"}, None, "comments.token_env"),
    ({"http_port": 0, "allowed_origins": ["evil.example"]}, None, "comments.allowed_origins"),
])
def test_bad_ingest_settings_name_the_field(tmp_path: Path, comments: dict[str, Any], console: dict[str, Any] | None,
                                            field: str) -> None:
    with pytest.raises(InputError) as e:
        load_show(_write(tmp_path, comments, console))
    assert field in str(e.value)


def test_an_unset_token_variable_stops_the_show_with_a_clear_message(tmp_path: Path) -> None:
    path = _write(tmp_path, {"http_port": 0, "token_env": "NIGHTSHIFT_TEST_UNSET_TOKEN"})
    env = {k: v for k, v in os.environ.items() if k != "NIGHTSHIFT_TEST_UNSET_TOKEN"}
    r = subprocess.run([sys.executable, "-m", "show.cli", "run", str(path)], capture_output=True, text=True,
                       timeout=300, env=env)
    assert r.returncode == 2, r.stderr[-2000:]
    assert "comments.token_env" in r.stderr and "$NIGHTSHIFT_TEST_UNSET_TOKEN" in r.stderr
    assert "Traceback" not in r.stderr and "comment ingest:" not in r.stdout
