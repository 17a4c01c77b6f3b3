"""Head-and-shoulders framing of a portrait into the output canvas, and the person cut out onto the studio."""

from __future__ import annotations

import cv2
import numpy as np

MAX_UPSCALE = 4.0  # a face smaller than a quarter of its target size stays smaller rather than mush


def face_box(points: np.ndarray) -> tuple[float, float, float, float]:
    """(centre x, centre y, width, height) of the 468 mesh points."""
    p = points[:468, :2]
    x0, y0 = p.min(axis=0)
    x1, y1 = p.max(axis=0)
    return (x0 + x1) / 2, (y0 + y1) / 2, x1 - x0, y1 - y0


def target_face_width(size: tuple[int, int]) -> float:
    """Face width on the canvas: 40 % of a vertical canvas's width, less on wide canvases."""
    w, h = size
    return min(0.40 * w, 0.30 * h)


def framing_transform(points: np.ndarray, src_hw: tuple[int, int], size: tuple[int, int]) -> np.ndarray:
    """2×3 similarity (scale + shift) taking picture pixels to canvas pixels, face centred in the upper part."""
    w, h = size
    cx, cy, fw, _ = face_box(points)
    s = min(MAX_UPSCALE, target_face_width(size) / max(fw, 1.0))
    ty = (0.36 if h >= w else 0.42) * h
    ox, oy = w / 2 - s * cx, ty - s * cy
    bottom = oy + s * src_hw[0]  # where the picture's bottom edge lands
    if bottom < h:  # move the face down (a little) rather than leave the body hanging above the edge
        oy += min(h - bottom, 0.09 * h)
    return np.array([[s, 0.0, ox], [0.0, s, oy]], dtype=np.float64)


def warp_to_canvas(rgb: np.ndarray, mask: np.ndarray, m: np.ndarray, size: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
    """The picture and its person mask on the canvas; the body continues past the picture's lower and side edges."""
    w, h = size
    s = float(m[0, 0])
    src, msk, mm = rgb, mask, m.copy()
    if s < 0.75:  # shrink first with area averaging: warpAffine alone would alias
        src = cv2.resize(rgb, None, fx=s, fy=s, interpolation=cv2.INTER_AREA)
        msk = cv2.resize(mask, (src.shape[1], src.shape[0]), interpolation=cv2.INTER_AREA)
        mm[:2, :2] = np.eye(2)
        s = 1.0
    # pad sides and bottom by repeating the edge (shoulders and chest go on), the top with nothing
    inv = cv2.invertAffineTransform(mm)
    corners = np.array([[0, 0, 1], [w, 0, 1], [0, h, 1], [w, h, 1]], dtype=np.float64) @ inv.T
    pad_l = int(max(0, -corners[:, 0].min())) + 4
    pad_r = int(max(0, corners[:, 0].max() - src.shape[1])) + 4
    pad_b = int(max(0, corners[:, 1].max() - src.shape[0])) + 4
    src = cv2.copyMakeBorder(src, 0, pad_b, pad_l, pad_r, cv2.BORDER_REPLICATE)
    msk = cv2.copyMakeBorder(msk, 0, pad_b, pad_l, pad_r, cv2.BORDER_REPLICATE)
    mm[0, 2] -= pad_l * mm[0, 0]
    interp = cv2.INTER_LANCZOS4 if s > 1.0 else cv2.INTER_LINEAR
    out = cv2.warpAffine(src, mm, (w, h), flags=interp, borderMode=cv2.BORDER_REPLICATE)
    out_mask = cv2.warpAffine(msk, mm, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=0)
    if s > 1.2:  # an enlarged picture is soft: a gentle unsharp mask brings back some crispness
        sigma = 0.45 * s
        blur = cv2.GaussianBlur(out, (0, 0), sigma)
        amount = min(0.7, 0.22 * (s - 1.0))
        out = cv2.addWeighted(out, 1.0 + amount, blur, -amount, 0)
    return out, np.clip(out_mask, 0.0, 1.0)


def grabcut_mask(img: np.ndarray, mask: np.ndarray, face_w: float) -> np.ndarray:
    """Tighten the segmenter's blobby outline with GrabCut colour models (at half size), islands removed.

    Only a deep core of the person is fixed as certain, so background patches the segmenter swallowed
    (between neck and shoulder, say) can be given back when their colour says so.
    """
    h, w = mask.shape
    small = cv2.resize(img, (w // 2, h // 2), interpolation=cv2.INTER_AREA)
    ms = cv2.resize(mask, (w // 2, h // 2), interpolation=cv2.INTER_AREA)
    gc = np.full(ms.shape, cv2.GC_PR_BGD, np.uint8)
    gc[ms > 0.5] = cv2.GC_PR_FGD
    k = int(0.05 * face_w) | 1
    disk = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k))
    gc[cv2.erode((ms > 0.5).astype(np.uint8), disk) > 0] = cv2.GC_FGD
    gc[cv2.dilate((ms > 0.1).astype(np.uint8), disk) == 0] = cv2.GC_BGD
    if not ((gc == cv2.GC_FGD).any() and (gc == cv2.GC_BGD).any()):
        return mask
    try:
        bgd, fgd = np.zeros((1, 65), np.float64), np.zeros((1, 65), np.float64)
        cv2.grabCut(cv2.cvtColor(small, cv2.COLOR_RGB2BGR), gc, None, bgd, fgd, 4, cv2.GC_INIT_WITH_MASK)
    except cv2.error:
        return mask
    fg = ((gc == cv2.GC_FGD) | (gc == cv2.GC_PR_FGD)).astype(np.uint8)
    n, labels, stats, _ = cv2.connectedComponentsWithStats(fg, connectivity=8)
    if n > 2:  # drop specks: keep parts at least 2 % the size of the largest
        areas = stats[1:, cv2.CC_STAT_AREA]
        keep = np.zeros(n, bool)
        keep[1:] = areas >= 0.02 * areas.max()
        fg = keep[labels].astype(np.uint8)
    return cv2.resize(fg.astype(np.float32), (w, h), interpolation=cv2.INTER_LINEAR)


def refine_mask(guide: np.ndarray, mask: np.ndarray, face_w: float) -> np.ndarray:
    """Snap the coarse segmentation to the picture's edges (guided filter), then firm up its inside."""
    r = max(4, int(face_w * 0.03))
    try:
        from cv2 import ximgproc

        m = ximgproc.guidedFilter(guide=guide, src=mask.astype(np.float32), radius=r, eps=(0.03 * 255) ** 2)
    except (ImportError, AttributeError):  # plain OpenCV: a smooth edge instead of a snapped one
        m = cv2.GaussianBlur(mask.astype(np.float32), (0, 0), r / 2)
    m = np.clip((m - 0.38) / 0.5, 0.0, 1.0)  # the edge sits a hair inside the segmenter's 0.5 level: no halo
    m = m * m * (3.0 - 2.0 * m)
    return cv2.GaussianBlur(m, (0, 0), 0.8).astype(np.float32)


def composite(person: np.ndarray, mask: np.ndarray, backdrop: np.ndarray, face_w: float) -> np.ndarray:
    """The person over the studio backdrop with a soft contact shadow; edge pixels lose the old background colour."""
    m = mask[:, :, None].astype(np.float32)
    img = person.astype(np.float32)
    # old background colour around the edge, by normalised blur of the pixels outside the person
    k = max(9, int(face_w * 0.12)) | 1
    bg_w = cv2.blur(1.0 - mask, (k, k))[:, :, None] + 1e-4
    old_bg = cv2.blur(img * (1.0 - m), (k, k)) / bg_w
    band = (m > 0.02) & (m < 0.98)
    fg = np.where(band, np.clip((img - (1.0 - m) * old_bg) / np.maximum(m, 0.25), 0, 255), img)
    back = backdrop.astype(np.float32)
    sh = cv2.GaussianBlur(mask, (0, 0), face_w * 0.10)
    dy, dx = int(face_w * 0.05), int(face_w * 0.035)
    moved = np.zeros_like(sh)
    moved[dy:, dx:] = sh[: sh.shape[0] - dy, : sh.shape[1] - dx]  # the shadow falls down and to the right
    moved[dy:, :dx] = sh[: sh.shape[0] - dy, :1]
    sh = moved[:, :, None]
    back *= 1.0 - 0.28 * sh
    return np.clip(fg * m + back * (1.0 - m) + 0.5, 0, 255).astype(np.uint8)
