"""16-bit mono WAV files with a RIFF LIST/INFO chunk, so every file carries its AI label.

Metadata mapping (read back exactly by `read_wav_info`):
- a key of exactly four characters A-Z / 0-9 (e.g. `AIGC`, `ICMT`, `ISFT`) is its own INFO
  sub-chunk with that id;
- any other key goes, with the others like it, into one JSON object in the private sub-chunk
  `IXKV` ("extra key-values"), which other readers skip as an unknown id.
Values are UTF-8 text, NUL-terminated and padded to an even length, as RIFF asks. The INFO list is
written after the audio data, so a recording can be streamed to disk and labelled when it closes.
"""

from __future__ import annotations

import json
import re
import struct
from pathlib import Path
from typing import BinaryIO

import numpy as np

EXTRA_CHUNK = "IXKV"
_FOURCC = re.compile(r"[A-Z0-9]{4}")


def _as_int16(pcm: np.ndarray) -> np.ndarray:
    pcm = np.asarray(pcm)
    if pcm.ndim != 1:
        raise ValueError(f"mono PCM expected, got shape {pcm.shape}")
    if np.issubdtype(pcm.dtype, np.floating):
        return (np.clip(pcm, -1.0, 1.0) * 32767.0).astype("<i2")
    return pcm.astype("<i2", copy=False)


def _info_chunk(info: dict[str, str]) -> bytes:
    subchunks = b""
    extra: dict[str, str] = {}
    for key, value in info.items():
        if _FOURCC.fullmatch(key) and key != EXTRA_CHUNK:
            subchunks += _subchunk(key, str(value))
        else:
            extra[key] = str(value)
    if extra:
        subchunks += _subchunk(EXTRA_CHUNK, json.dumps(extra, ensure_ascii=False, sort_keys=True))
    body = b"INFO" + subchunks
    return b"LIST" + struct.pack("<I", len(body)) + body


def _subchunk(fourcc: str, text: str) -> bytes:
    data = text.encode("utf-8") + b"\0"
    size = len(data)
    if size % 2:
        data += b"\0"
    return fourcc.encode("ascii") + struct.pack("<I", size) + data


class WavWriter:
    """Streams int16 mono PCM to a WAV file; `info` (editable until close) is written on close."""

    def __init__(self, path: str | Path, sample_rate: int, info: dict[str, str] | None = None) -> None:
        self.path = Path(path)
        self.sample_rate = int(sample_rate)
        self.info: dict[str, str] = dict(info or {})
        self.frames = 0
        self._fh: BinaryIO | None = open(self.path, "wb")  # noqa: SIM115 (closed in close())
        self._fh.write(self._header(0))

    def _header(self, data_bytes: int) -> bytes:
        fmt = struct.pack("<HHIIHH", 1, 1, self.sample_rate, self.sample_rate * 2, 2, 16)
        riff_size = 4 + (8 + len(fmt)) + (8 + data_bytes)
        return (
            b"RIFF" + struct.pack("<I", riff_size) + b"WAVE"
            + b"fmt " + struct.pack("<I", len(fmt)) + fmt
            + b"data" + struct.pack("<I", data_bytes)
        )  # fmt: skip

    def write(self, pcm: np.ndarray) -> None:
        """Append samples (int16, or float in [-1, 1])."""
        if self._fh is None:
            raise ValueError(f"{self.path}: WAV file already closed")
        samples = _as_int16(pcm)
        self._fh.write(samples.tobytes())
        self.frames += len(samples)

    def close(self) -> None:
        """Write the INFO list and the final sizes. Safe to call twice."""
        if self._fh is None:
            return
        fh, self._fh = self._fh, None
        try:
            data_bytes = self.frames * 2
            tail = b"\0" if data_bytes % 2 else b""
            if self.info:
                tail += _info_chunk(self.info)
            fh.write(tail)
            header = self._header(data_bytes)
            riff_size = struct.unpack_from("<I", header, 4)[0] + len(tail)
            fh.seek(0)
            fh.write(header[:4] + struct.pack("<I", riff_size) + header[8:])
        finally:
            fh.close()

    def __enter__(self) -> WavWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def write_wav(path: str | Path, pcm: np.ndarray, rate: int, info: dict[str, str] | None = None) -> None:
    """Write a whole 16-bit mono WAV file, with a LIST/INFO chunk when `info` is given."""
    with WavWriter(path, rate, info) as w:
        w.write(pcm)


def _chunks(data: bytes, start: int, end: int) -> list[tuple[str, bytes]]:
    out = []
    pos = start
    while pos + 8 <= end:
        cid = data[pos : pos + 4].decode("latin-1")
        size = struct.unpack_from("<I", data, pos + 4)[0]
        out.append((cid, data[pos + 8 : min(pos + 8 + size, end)]))
        pos += 8 + size + (size % 2)
    return out


def read_wav_info(path: str | Path) -> dict[str, str]:
    """The LIST/INFO metadata of a WAV file as written by `write_wav` (empty if it has none)."""
    data = Path(path).read_bytes()
    if data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        raise ValueError(f"{path}: not a RIFF/WAVE file")
    info: dict[str, str] = {}
    for cid, body in _chunks(data, 12, len(data)):
        if cid != "LIST" or body[:4] != b"INFO":
            continue
        for sub_id, value in _chunks(body, 4, len(body)):
            text = value.split(b"\0", 1)[0].decode("utf-8", errors="replace")
            if sub_id == EXTRA_CHUNK:
                info.update(json.loads(text))
            else:
                info[sub_id] = text
    return info


def read_wav(path: str | Path) -> tuple[np.ndarray, int]:
    """Read a 16-bit mono WAV file: (int16 samples, sample rate)."""
    import wave

    with wave.open(str(path), "rb") as w:
        if w.getsampwidth() != 2 or w.getnchannels() != 1:
            raise ValueError(f"{path}: 16-bit mono WAV expected")
        return np.frombuffer(w.readframes(w.getnframes()), dtype="<i2").copy(), w.getframerate()
