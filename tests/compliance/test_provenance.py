"""C2PA signing of a finished recording with a test certificate chain made here.

Needs `c2pa-python` (which brings `cryptography`); imported inside the tests so that, where it is missing,
these tests fail with the reason and the rest of the suite still runs.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from compliance.metadata import aigc_label, mp4_metadata, read_mp4_label
from compliance.provenance import TRAINED_ALGORITHMIC_MEDIA, ProvenanceError, read_c2pa, sign_c2pa
from tests.compliance.test_metadata import write_mp4


def _name(cn: str) -> Any:
    from cryptography import x509
    from cryptography.x509.oid import NameOID

    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Nightshift test")])


def _usage(*, sign_certs: bool) -> Any:
    from cryptography import x509

    return x509.KeyUsage(digital_signature=not sign_certs, content_commitment=False, key_encipherment=False,
                         data_encipherment=False, key_agreement=False, key_cert_sign=sign_certs,
                         crl_sign=sign_certs, encipher_only=False, decipher_only=False)


@pytest.fixture(scope="module")
def certs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A self-signed test root and a signing certificate it issued (C2PA refuses a lone self-signed signer)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID

    d = tmp_path_factory.mktemp("pki")
    now = dt.datetime.now(dt.UTC)
    root_key, key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    root = (x509.CertificateBuilder().subject_name(_name("Nightshift Test Root")).issuer_name(_name("Nightshift Test Root"))
            .public_key(root_key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=30))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(_usage(sign_certs=True), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(root_key.public_key()), critical=False)
            .sign(root_key, hashes.SHA256()))
    leaf = (x509.CertificateBuilder().subject_name(_name("Nightshift Test Signer")).issuer_name(root.subject)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=30))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(_usage(sign_certs=False), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(root_key.public_key()), critical=False)
            .sign(root_key, hashes.SHA256()))
    pem = serialization.Encoding.PEM
    out = {"chain": d / "chain.pem", "key": d / "signer.key", "root": d / "root.pem", "other_key": d / "other.key"}
    out["chain"].write_bytes(leaf.public_bytes(pem) + root.public_bytes(pem))
    out["root"].write_bytes(root.public_bytes(pem))
    for name, k in (("key", key), ("other_key", ec.generate_private_key(ec.SECP256R1()))):
        out[name].write_bytes(k.private_bytes(pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    return out


@pytest.fixture()
def recording(tmp_path: Path) -> tuple[Path, dict[str, object]]:
    label = aigc_label("shop:nightshift-demo")
    frames = [np.full((64, 64, 3), i * 8, np.uint8) for i in range(10)]
    p = tmp_path / "show.mp4"
    write_mp4(p, frames, mp4_metadata(label))
    return p, label


def test_signed_recording_declares_trained_algorithmic_media(certs: dict[str, Path], recording) -> None:  # noqa: ANN001
    mp4, label = recording
    assert sign_c2pa(mp4, certs["chain"], certs["key"], label=label) == mp4
    report = read_c2pa(mp4)
    assert report.state == "Valid" and report.problems == []
    assert report.ai_generated and TRAINED_ALGORITHMIC_MEDIA in report.source_types
    assert report.aigc == label and report.signer == "Nightshift Test Signer"
    assert read_mp4_label(mp4) == label  # the AIGC container tag survives signing
    assert read_c2pa(mp4, trust_anchors=certs["root"]).state == "Trusted"


def test_any_change_to_the_signed_video_invalidates_it(certs: dict[str, Path], recording, tmp_path: Path) -> None:  # noqa: ANN001
    mp4, _ = recording
    signed = sign_c2pa(mp4, certs["chain"].read_text(), certs["key"].read_bytes(), out=tmp_path / "signed.mp4")
    raw = bytearray(signed.read_bytes())
    raw[raw.find(b"mdat") + 64] ^= 0xFF
    tampered = tmp_path / "tampered.mp4"
    tampered.write_bytes(bytes(raw))
    report = read_c2pa(tampered)
    assert report.state == "Invalid" and any("mismatch" in p for p in report.problems)


def test_signing_faults_are_reported(certs: dict[str, Path], recording, tmp_path: Path) -> None:  # noqa: ANN001
    mp4, _ = recording
    before = mp4.read_bytes()
    with pytest.raises(ProvenanceError):
        sign_c2pa(mp4, certs["chain"], certs["other_key"])  # a key that does not match the certificate
    assert mp4.read_bytes() == before  # the recording is untouched
    with pytest.raises(ProvenanceError, match="cannot read"):
        sign_c2pa(mp4, tmp_path / "missing.pem", certs["key"])
    with pytest.raises(ProvenanceError, match="no readable C2PA manifest"):
        read_c2pa(mp4)
    assert not list(tmp_path.glob(".c2pa-*"))


def test_a_show_signs_its_finished_recording(certs: dict[str, Path], tmp_path: Path) -> None:
    import json

    import yaml

    import assets
    from compliance.audit import verify
    from show.commands.run import run_show
    from show.config import load_show

    comments = tmp_path / "c.jsonl"
    comments.write_text(json.dumps({"id": "a", "user": "ann", "text": "how much is the mug?", "ts": 0.0}) + "\n",
                        encoding="utf-8")
    cfg = {"catalog": str(assets.path("demo_shop_en.yaml")), "clock": "fast", "model": {"kind": "none"},
           "comments": {"replay": str(comments)}, "outputs": {"mp4": str(tmp_path / "show.mp4"), "size": [180, 320]},
           "audit_log": str(tmp_path / "audit.jsonl"), "console": {"enabled": False},
           "signing": {"cert": str(certs["chain"]), "key": str(certs["key"])}}
    (tmp_path / "show.yaml").write_text(yaml.safe_dump(cfg), encoding="utf-8")
    run_show(load_show(tmp_path / "show.yaml"), out_dir=tmp_path)
    report = read_c2pa(tmp_path / "show.mp4", trust_anchors=certs["root"])
    assert report.state == "Trusted" and report.ai_generated
    assert read_mp4_label(tmp_path / "show.mp4")["Label"] == 1
    entries = [json.loads(x) for x in (tmp_path / "audit.jsonl").read_text("utf-8").splitlines()]
    assert verify(tmp_path / "audit.jsonl").ok and any(e["kind"] == "c2pa_signed" for e in entries)
