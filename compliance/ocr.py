"""Read the AI label back from a frame with tesseract, as a platform's checker would (tests and audits).

Needs the Debian packages `tesseract-ocr`, `tesseract-ocr-eng` and `tesseract-ocr-chi-sim`.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps

from compliance.labels import label_lang, label_sprite

OCR_CAP_PX = (44, 40, 36, 32, 48, 52)  # capitals this tall read best; several scales, as OCR checkers try


class OcrUnavailable(RuntimeError):
    """tesseract or its language data is not installed."""


def tesseract_text(image: Image.Image | np.ndarray, langs: str = "eng", psm: int = 6) -> str:
    """The text tesseract reads in an image, whitespace collapsed."""
    if isinstance(image, np.ndarray):
        image = Image.fromarray(image)
    exe = shutil.which("tesseract")
    if exe is None:
        raise OcrUnavailable("tesseract is not installed (Debian: tesseract-ocr tesseract-ocr-chi-sim)")
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "label.png"
        image.save(path)
        r = subprocess.run([exe, str(path), "stdout", "-l", langs, "--psm", str(psm)], capture_output=True,
                           text=True, timeout=60)
    if r.returncode != 0:
        raise OcrUnavailable(f"tesseract failed: {r.stderr.strip()[-300:]}")
    return " ".join(r.stdout.split())


def label_found(text: str, lang: str) -> bool:
    """Whether OCR text holds the label's "AI" element and its "generated" element."""
    generated = "生成" if label_lang(lang) == "zh" else "generated"
    return "AI" in text and generated in text.lower()


def read_label(frame: np.ndarray, lang: str, *, opening: bool = False) -> str:
    """OCR the label's place in a frame (light text on a dark panel); the text of the first readable scale."""
    h, w = frame.shape[:2]
    sprite = label_sprite(lang, h, w, opening)
    x, y, bw, bh = sprite.box
    inset = sprite.cap_px // 3  # keep the panel's rounded corners out of the crop
    gray = np.asarray(frame[y + inset : y + bh - inset, x + inset : x + bw - inset]).min(axis=2)
    crop = ImageOps.autocontrast(ImageOps.invert(Image.fromarray(np.ascontiguousarray(gray))), cutoff=1)
    border = int(np.median(np.asarray(crop)))  # pad with the panel's own shade: a hard edge reads as a glyph
    langs = "chi_sim+eng" if label_lang(lang) == "zh" else "eng"
    text = ""
    for cap in OCR_CAP_PX:
        scale = cap / sprite.cap_px
        img = crop.resize((max(1, round(crop.width * scale)), max(1, round(crop.height * scale))),
                          Image.Resampling.LANCZOS)
        text = tesseract_text(ImageOps.expand(img, 20, border), langs)
        if label_found(text, lang):
            return text
    return text
