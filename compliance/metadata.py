"""The machine-readable AI label (docs/compliance.md §3, GB 45438 Annex E†) in every PNG, WAV and MP4.

The label is a JSON object under the key `AIGC`: a PNG iTXt chunk, a WAV RIFF INFO sub-chunk (via
`voice.wav`), an MP4 container metadata tag (ffmpeg/PyAV `movflags=use_metadata_tags`).
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import numpy as np

AIGC_KEY = "AIGC"
FIELDS = ("Label", "ContentProducer", "ProduceID", "ReservedCode1", "ContentPropagator", "PropagateID",
          "ReservedCode2")
MP4_OPTIONS = {"movflags": "use_metadata_tags"}  # PyAV/ffmpeg mov muxer: write custom keys such as AIGC


class LabelMissing(ValueError):
    """A file carries no (or no valid) AIGC label."""


def aigc_label(producer: str, *, propagator: str = "", produce_id: str | None = None,
               propagate_id: str | None = None, reserved1: str = "", reserved2: str = "") -> dict[str, Any]:
    """The AIGC label fields: Label 1 (AI-generated), who produced it, a unique content id, who propagates it."""
    if not producer.strip():
        raise ValueError("ContentProducer must name the provider or shop")
    return {
        "Label": 1,
        "ContentProducer": producer,
        "ProduceID": produce_id or uuid.uuid4().hex,
        "ReservedCode1": reserved1,
        "ContentPropagator": propagator,
        "PropagateID": propagate_id if propagate_id is not None else (uuid.uuid4().hex if propagator else ""),
        "ReservedCode2": reserved2,
    }


def aigc_json(label: dict[str, Any]) -> str:
    """The label as compact JSON, fields in the standard's order."""
    missing = [f for f in FIELDS if f not in label]
    if missing:
        raise ValueError(f"AIGC label lacks {', '.join(missing)}")
    return json.dumps({f: label[f] for f in FIELDS}, ensure_ascii=False, separators=(",", ":"))


def parse_aigc(text: str | None, source: str = "file") -> dict[str, Any]:
    """Parse and check an AIGC value; LabelMissing says what is wrong."""
    if text is None or not str(text).strip():
        raise LabelMissing(f"{source}: no {AIGC_KEY} metadata")
    try:
        label = json.loads(text)
    except json.JSONDecodeError as e:
        raise LabelMissing(f"{source}: {AIGC_KEY} metadata is not JSON ({e.msg})") from None
    if not isinstance(label, dict):
        raise LabelMissing(f"{source}: {AIGC_KEY} metadata is not a JSON object")
    missing = [f for f in FIELDS if f not in label]
    if missing:
        raise LabelMissing(f"{source}: {AIGC_KEY} metadata lacks {', '.join(missing)}")
    if str(label["Label"]) != "1":
        raise LabelMissing(f"{source}: {AIGC_KEY} Label is {label['Label']!r}, not 1 (AI-generated)")
    return label


def wav_info(label: dict[str, Any]) -> dict[str, str]:
    """The `info` argument for voice.wav.write_wav / WavWriter."""
    return {AIGC_KEY: aigc_json(label)}


def mp4_metadata(label: dict[str, Any]) -> dict[str, str]:
    """Container metadata for an MP4 writer; open it with `options=MP4_OPTIONS`."""
    return {AIGC_KEY: aigc_json(label)}


def write_png(path: str | Path, rgb: np.ndarray, label: dict[str, Any]) -> Path:
    """Save an RGB uint8 image as PNG with the label in an iTXt chunk."""
    from PIL import Image
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_itxt(AIGC_KEY, aigc_json(label))
    p = Path(path)
    Image.fromarray(np.asarray(rgb, dtype=np.uint8)).save(p, format="PNG", pnginfo=info)
    return p


def read_png_label(path: str | Path) -> dict[str, Any]:
    """The AIGC label of a PNG file."""
    from PIL import Image
    from PIL.PngImagePlugin import PngImageFile

    with Image.open(path) as im:
        text = im.text.get(AIGC_KEY) if isinstance(im, PngImageFile) else None
    return parse_aigc(text, str(path))


def read_wav_label(path: str | Path) -> dict[str, Any]:
    """The AIGC label of a WAV file written through voice.wav."""
    from voice.wav import read_wav_info

    return parse_aigc(read_wav_info(path).get(AIGC_KEY), str(path))


def read_mp4_label(path: str | Path) -> dict[str, Any]:
    """The AIGC label from an MP4's container metadata."""
    import av

    with av.open(str(path)) as container:
        meta = dict(container.metadata)
    text = meta.get(AIGC_KEY) or next((v for k, v in meta.items() if k.lower() == "aigc"), None)
    return parse_aigc(text, str(path))


def sniff(path: str | Path) -> str:
    """The file type from its first bytes: "png", "wav" or "mp4" (LabelMissing otherwise)."""
    with open(path, "rb") as f:
        head = f.read(12)
    if head[:8] == b"\x89PNG\r\n\x1a\n":
        return "png"
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return "wav"
    if head[4:8] == b"ftyp":
        return "mp4"
    raise LabelMissing(f"{path}: not a PNG, WAV or MP4 file")


def read_label(path: str | Path) -> dict[str, Any]:
    """The AIGC label of any file the engine writes; LabelMissing when there is none."""
    kind = sniff(path)
    reader = {"png": read_png_label, "wav": read_wav_label, "mp4": read_mp4_label}[kind]
    return reader(path)
