"""Platform profiles (docs/compliance.md §4): what each place a show runs on demands before and during it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from compliance.consent import ConsentDecision
from core.errors import InputError
from core.validation import describe_validation_error

Approval = Literal["none", "answers", "all"]

WECHAT_REFUSAL = ("WeChat Channels (视频号) treats AI-generated virtual hosts in live streams as violations "
                  "(its live-streaming rules, revised 2024-06): this profile does not stream a digital human")


class Profile(BaseModel):
    """What a platform requires of an AI-hosted live room."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    title: str
    streams: bool = True  # may the show go out live under this profile at all
    refusal: str = ""  # why not, when it may not run at all
    operator_required: bool = False  # a human must be present (proven by heartbeats) the whole time
    unattended_allowed: bool = True
    heartbeat_lapse_s: float = Field(default=30.0, gt=0, le=600)
    approval: Approval = "none"  # which lines wait for the operator's approval
    live_consent_required: bool = True  # a live show needs valid consent for its portrait and voice
    rule: str = ""  # where the requirement comes from

    def check_start(self, *, live: bool, unattended: bool, operator_present: bool = False,
                    consent: Sequence[ConsentDecision] = ()) -> StartDecision:
        """May a show start? Every reason it may not, in plain words."""
        reasons: list[str] = []
        if self.refusal:
            reasons.append(self.refusal)
        elif live and not self.streams:
            reasons.append(f"the {self.name} profile does not stream; choose generic (your own RTMP server) "
                           f"or a platform profile")
        if unattended and not self.unattended_allowed:
            reasons.append(f"{self.title} does not allow an unattended AI host: {self.rule}")
        if self.operator_required and not operator_present:
            reasons.append(f"{self.title} needs a human operator present (no heartbeat from the console yet)")
        for d in consent:
            if not d.ok:
                reasons.append(f"{d.kind} {d.asset}: {d.reason}")
        if live and self.live_consent_required:
            for kind in ("portrait", "voice"):
                if not any(d.kind == kind for d in consent):
                    reasons.append(f"a live show needs a consent decision for its {kind}; none was given")
                elif any(d.kind == kind and d.scope != "live" for d in consent):
                    reasons.append(f"the {kind} consent was checked for a narrower scope than live")
        return StartDecision(not reasons, reasons, self.name)


@dataclass(frozen=True)
class StartDecision:
    """The answer to "may this show start?", with every reason it may not."""

    ok: bool
    reasons: list[str] = field(default_factory=list)
    profile: str = ""

    def to_audit(self) -> dict[str, Any]:
        """The decision as an audit-log entry body."""
        return {"ok": self.ok, "reasons": list(self.reasons), "profile": self.profile}


PROFILES: dict[str, Profile] = {
    "douyin": Profile(
        name="douyin", title="Douyin (抖音)", operator_required=True, unattended_allowed=False,
        heartbeat_lapse_s=30.0, approval="none",
        rule="a registered virtual host must be driven by a real person interacting in real time; fully "
             "AI-driven interaction is not allowed (Douyin AIGC platform rules, 2023-05)"),
    "wechat_channels": Profile(
        name="wechat_channels", title="WeChat Channels (视频号)", streams=False, refusal=WECHAT_REFUSAL,
        operator_required=True, unattended_allowed=False, rule=WECHAT_REFUSAL),
    "generic": Profile(
        name="generic", title="a generic live platform", rule="labelled, with consent for face and voice"),
    "local": Profile(
        name="local", title="a local window or recording", streams=False,
        rule="no stream: a window on this machine and recordings, labelled"),
}


def get_profile(name: str, *, approval: Approval | None = None, heartbeat_lapse_s: float | None = None) -> Profile:
    """A platform profile by name, with the show's approval policy and heartbeat limit when given."""
    base = PROFILES.get(name)
    if base is None:
        raise InputError("platform", f"unknown platform profile {name!r} (one of: {', '.join(PROFILES)})")
    update: dict[str, Any] = {}
    if approval is not None:
        update["approval"] = approval
    if heartbeat_lapse_s is not None:
        update["heartbeat_lapse_s"] = heartbeat_lapse_s
    if not update:
        return base
    try:
        return Profile.model_validate({**base.model_dump(), **update})
    except ValidationError as err:
        raise InputError("operator", "; ".join(describe_validation_error(err))) from None
