"""C2PA content credentials for finished recordings (docs/compliance.md §3, the optional stronger label).

The manifest records a `c2pa.created` action with digitalSourceType `trainedAlgorithmicMedia`, and the
AIGC label as an assertion when given. Signing needs a certificate chain (PEM, end-entity first) and its
private key; `c2pa-python` is imported here only.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

TRAINED_ALGORITHMIC_MEDIA = "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia"
AIGC_ASSERTION = "cn.gb45438.aigc"  # the GB 45438 fields, carried inside the signed manifest too
_MIME = {".mp4": "video/mp4", ".m4a": "audio/mp4", ".mov": "video/quicktime", ".png": "image/png",
         ".wav": "audio/wav"}
_ALGS = {"ES256", "ES384", "ES512", "PS256", "PS384", "PS512", "ED25519"}


class ProvenanceError(RuntimeError):
    """Signing or reading content credentials failed."""


def _c2pa() -> Any:
    try:
        import c2pa
    except ImportError as e:
        raise ProvenanceError("C2PA signing needs the c2pa-python package (pip install c2pa-python)") from e
    return c2pa


def _pem(value: str | bytes | Path) -> str:
    if isinstance(value, Path) or (isinstance(value, str) and "-----BEGIN" not in value):
        try:
            return Path(value).read_text("ascii")
        except OSError as e:
            raise ProvenanceError(f"cannot read {value}: {e.strerror or e}") from None
    return value.decode("ascii") if isinstance(value, bytes) else value


@dataclass(frozen=True)
class C2paReport:
    """What a recording's content credentials say."""

    state: str  # "Trusted", "Valid" (signature good, signer not in the trust list) or "Invalid"
    source_types: list[str] = field(default_factory=list)
    signer: str = ""
    aigc: dict[str, Any] | None = None
    problems: list[str] = field(default_factory=list)  # failure codes, e.g. assertion.bmffHash.mismatch

    @property
    def ai_generated(self) -> bool:
        """The manifest declares the content made by a trained model."""
        return TRAINED_ALGORITHMIC_MEDIA in self.source_types


def manifest(title: str, *, label: dict[str, Any] | None = None, generator: str = "nightshift") -> dict[str, Any]:
    """The manifest definition: a `created` action from trained algorithmic media (+ the AIGC label)."""
    assertions: list[dict[str, Any]] = [{
        "label": "c2pa.actions",
        "data": {"actions": [{"action": "c2pa.created", "digitalSourceType": TRAINED_ALGORITHMIC_MEDIA}]},
    }]
    if label is not None:
        assertions.append({"label": AIGC_ASSERTION, "data": dict(label)})
    return {"claim_generator_info": [{"name": generator, "version": "0.1.0"}], "title": title,
            "assertions": assertions}


def sign_c2pa(media: str | Path, cert: str | bytes | Path, key: str | bytes | Path, *,
              out: str | Path | None = None, label: dict[str, Any] | None = None, alg: str = "ES256") -> Path:
    """Embed a signed C2PA manifest into a finished file (in place unless `out` is given); the signed path."""
    c2pa = _c2pa()
    src = Path(media)
    mime = _MIME.get(src.suffix.lower())
    if mime is None:
        raise ProvenanceError(f"{src}: cannot sign a {src.suffix or 'suffix-less'} file (mp4, m4a, mov, png, wav)")
    if alg.upper() not in _ALGS:
        raise ProvenanceError(f"unknown signing algorithm {alg!r} (one of {', '.join(sorted(_ALGS))})")
    dest = Path(out) if out is not None else src
    fd, tmp_name = tempfile.mkstemp(prefix=".c2pa-", suffix=src.suffix, dir=dest.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        info = c2pa.C2paSignerInfo(c2pa.C2paSigningAlg[alg.upper()], _pem(cert).encode("ascii"),
                                   _pem(key).encode("ascii"), None)
        signer = c2pa.Signer.from_info(info)
        builder = c2pa.Builder(manifest(src.name, label=label))
        with src.open("rb") as source, tmp.open("w+b") as target:
            builder.sign(signer, mime, source, target)
        os.replace(tmp, dest)
    except c2pa.C2paError as e:
        raise ProvenanceError(f"{src}: C2PA signing failed: {e}") from e
    finally:
        tmp.unlink(missing_ok=True)
    return dest


def read_c2pa(media: str | Path, *, trust_anchors: str | bytes | Path | None = None) -> C2paReport:
    """Read and validate a file's C2PA manifest; `trust_anchors` (PEM) makes a known signer "Trusted"."""
    c2pa = _c2pa()
    try:
        if trust_anchors is None:
            reader = c2pa.Reader(str(media))
        else:
            ctx = c2pa.Context.from_dict({"verify": {"verify_trust": True},
                                          "trust": {"trust_anchors": _pem(trust_anchors)}})
            reader = c2pa.Reader(str(media), context=ctx)
        report = json.loads(reader.json())
        state = reader.get_validation_state() or "Invalid"
    except c2pa.C2paError as e:
        raise ProvenanceError(f"{media}: no readable C2PA manifest ({e})") from e
    active = report.get("manifests", {}).get(report.get("active_manifest", ""), {})
    types, aigc = [], None
    for a in active.get("assertions", []):
        if a.get("label", "").startswith("c2pa.actions"):
            types += [x.get("digitalSourceType", "") for x in a.get("data", {}).get("actions", [])]
        elif a.get("label") == AIGC_ASSERTION:
            aigc = a.get("data")
    problems = [s.get("code", "") for s in report.get("validation_status", [])
                if s.get("code") not in ("signingCredential.untrusted",)]
    signer = active.get("signature_info", {}).get("common_name", "")
    return C2paReport(state, [t for t in types if t], signer, aigc, problems)
