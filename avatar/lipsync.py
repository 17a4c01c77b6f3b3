"""The objective lip-sync check: re-detect the mouth in rendered frames and compare it with the sound.

MediaPipe FaceMesh (tracking mode) finds the face in each frame; the mouth aperture is the inner-lip
gap |p13 − p14| over the inter-ocular distance (between the eye centres). The aperture is
cross-correlated with the audio's RMS envelope sampled at the frame times, shifted by −200…+200 ms:
the peak's height and its lag (negative = video early) measure the sync. p/b/m must show closed lips.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from avatar.sinks.base import SinkCapabilities, VideoSink
from avatar.types import VideoFrame
from voice.types import PhonemeSpan, Speech

log = logging.getLogger(__name__)

UPPER_LIP, LOWER_LIP = 13, 14  # inner lip midpoints
LEFT_EYE, RIGHT_EYE = (33, 133), (263, 362)  # outer and inner corners of each eye
CLOSED_BELOW = 0.06  # aperture (share of the inter-ocular distance) under which the lips count as closed
MAX_LAG_S = 0.2
LAG_STEP_S = 0.005
BILABIALS = frozenset({"p", "b", "m"})
_MARKS = "ˈˌːˑʰʲʷ̃"


@dataclass
class LipsyncReport:
    """The figures of one measurement; `apertures` holds NaN where no face was found."""

    corr: float
    lag_ms: float
    lips_closed_pbm_ratio: float
    pbm_count: int
    face_redetected_ratio: float
    frames: int
    apertures: np.ndarray = field(repr=False)

    def figures(self, prefix: str = "") -> dict[str, float]:
        """The bench names: lipsync_corr, lipsync_lag_ms, lips_closed_pbm_ratio, face_redetected_ratio."""
        return {
            f"{prefix}lipsync_corr": round(self.corr, 3),
            f"{prefix}lipsync_lag_ms": round(self.lag_ms, 1),
            f"{prefix}lips_closed_pbm_ratio": round(self.lips_closed_pbm_ratio, 3),
            f"{prefix}face_redetected_ratio": round(self.face_redetected_ratio, 4),
        }


class MouthTracker:
    """MediaPipe FaceMesh in tracking mode over a sequence of RGB frames: one aperture per frame."""

    def __init__(self, *, min_confidence: float = 0.5) -> None:
        os.environ.setdefault("GLOG_minloglevel", "2")
        import mediapipe as mp

        self._mesh = mp.solutions.face_mesh.FaceMesh(
            static_image_mode=False,
            max_num_faces=1,
            refine_landmarks=True,
            min_detection_confidence=min_confidence,
            min_tracking_confidence=min_confidence,
        )

    def aperture(self, image: np.ndarray) -> float:
        """|p13 − p14| / inter-ocular distance for the face in an RGB frame; NaN if no face is found."""
        height, width = image.shape[:2]
        result = self._mesh.process(np.ascontiguousarray(image))
        if not result.multi_face_landmarks:
            return float("nan")
        lm = result.multi_face_landmarks[0].landmark
        pts = np.array([(p.x * width, p.y * height) for p in lm])
        eyes = pts[list(LEFT_EYE)].mean(axis=0) - pts[list(RIGHT_EYE)].mean(axis=0)
        ocular = float(np.hypot(*eyes))
        gap = float(np.hypot(*(pts[UPPER_LIP] - pts[LOWER_LIP])))
        return gap / ocular if ocular > 0 else float("nan")

    def close(self) -> None:
        self._mesh.close()

    def __enter__(self) -> MouthTracker:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def mouth_apertures(frames: Iterable[np.ndarray]) -> np.ndarray:
    """The aperture of every frame in order (NaN where the face was not re-detected)."""
    with MouthTracker() as tracker:
        return np.array([tracker.aperture(f) for f in frames], dtype=np.float64)


def rms_envelope(pcm: np.ndarray, rate: int, times_s: np.ndarray, window_s: float) -> np.ndarray:
    """Root-mean-square level of the audio in a window centred on each time (zero outside the audio)."""
    a = np.asarray(pcm, dtype=np.float64).reshape(-1)
    csum = np.concatenate([[0.0], np.cumsum(a * a)])
    half = window_s / 2
    lo = np.clip(np.round((times_s - half) * rate).astype(np.int64), 0, len(a))
    hi = np.clip(np.round((times_s + half) * rate).astype(np.int64), 0, len(a))
    n = np.maximum(hi - lo, 1)
    return np.sqrt(np.maximum(csum[hi] - csum[lo], 0.0) / n) * (hi > lo)


def _pearson(x: np.ndarray, y: np.ndarray) -> float:
    x, y = x - x.mean(), y - y.mean()
    den = float(np.sqrt((x * x).sum() * (y * y).sum()))
    return float((x * y).sum() / den) if den > 0 else 0.0


def lag_correlation(
    apertures: np.ndarray, pcm: np.ndarray, rate: int, fps: float, *, start_s: float = 0.0,
    max_lag_s: float = MAX_LAG_S, step_s: float = LAG_STEP_S,
) -> tuple[float, float]:
    """(peak correlation, lag in ms) of aperture against loudness; negative lag = video early.

    Frame i is the picture at i/fps; the audio starts at `start_s` on the same clock. At shift L the
    aperture is compared with the loudness at i/fps + L: the best L > 0 means the sound comes after
    the picture, i.e. the video is early by L.
    """
    ok = ~np.isnan(apertures)
    if ok.sum() < 3:
        return 0.0, 0.0
    times = np.arange(len(apertures)) / fps - start_s
    shifts = np.arange(-max_lag_s, max_lag_s + step_s / 2, step_s)
    corrs = np.array([
        _pearson(apertures[ok], rms_envelope(pcm, rate, times[ok] + s, 1.0 / fps)) for s in shifts
    ])
    best = int(np.argmax(corrs))
    return float(corrs[best]), float(-1000.0 * shifts[best])


def _is_bilabial(phoneme: str) -> bool:
    return phoneme.strip(_MARKS) in BILABIALS


def pbm_closed(
    apertures: np.ndarray, phonemes: Sequence[PhonemeSpan], fps: float, *, start_s: float = 0.0,
    closed_below: float = CLOSED_BELOW,
) -> tuple[float, int]:
    """(share of p/b/m phonemes shown with closed lips, their count).

    Near the phoneme's middle means: the frames inside its middle half, or the one frame nearest
    its middle if none is. A p/b/m whose frames show no face counts as not closed.
    """
    spans = [p for p in phonemes if _is_bilabial(p.phoneme)]
    if not spans:
        return float("nan"), 0
    closed = 0
    for p in spans:
        mid, quarter = start_s + (p.start_s + p.end_s) / 2, (p.end_s - p.start_s) / 4
        idx = [i for i in range(int(np.floor((mid - quarter) * fps)), int(np.ceil((mid + quarter) * fps)) + 1)
               if abs(i / fps - mid) <= quarter]
        if not idx:
            idx = [round(mid * fps)]
        values = [apertures[i] for i in idx if 0 <= i < len(apertures) and not np.isnan(apertures[i])]
        if values and min(values) < closed_below:
            closed += 1
    return closed / len(spans), len(spans)


def measure_lipsync(
    frames: Iterable[np.ndarray] | np.ndarray, speech: Speech, fps: float = 25, *, start_s: float = 0.0,
    closed_below: float = CLOSED_BELOW,
) -> LipsyncReport:
    """Measure rendered frames (frame i at i/fps) against the speech that starts at `start_s`."""
    apertures = frames if isinstance(frames, np.ndarray) and frames.ndim == 1 else mouth_apertures(frames)
    apertures = np.asarray(apertures, dtype=np.float64)
    corr, lag_ms = lag_correlation(apertures, speech.pcm, speech.sample_rate, fps, start_s=start_s)
    ratio, count = pbm_closed(apertures, speech.phonemes, fps, start_s=start_s, closed_below=closed_below)
    found = float((~np.isnan(apertures)).mean()) if len(apertures) else 0.0
    return LipsyncReport(corr, lag_ms, ratio, count, found, len(apertures), apertures)


def measure_mp4(path: str | Path, phonemes: Sequence[PhonemeSpan] = (), *, start_s: float = 0.0,
                closed_below: float = CLOSED_BELOW) -> LipsyncReport:
    """Measure a finished MP4 file: its decoded frames against its own decoded audio track.

    `phonemes` (for the p/b/m check) are timed from `start_s`, where their utterance starts in the clip.
    """
    import av

    with av.open(str(path)) as container:
        vstream = container.streams.video[0]
        fps = float(vstream.average_rate or vstream.guessed_rate or 25)
        with MouthTracker() as tracker:
            apertures = np.array([tracker.aperture(f.to_ndarray(format="rgb24"))
                                  for f in container.decode(video=0)])
    with av.open(str(path)) as container:
        astream = container.streams.audio[0]
        rate = int(astream.rate)
        resampler = av.AudioResampler(format="s16", layout="mono", rate=rate)
        parts = [f2.to_ndarray().reshape(-1) for f in container.decode(audio=0) for f2 in resampler.resample(f)]
    pcm = np.concatenate(parts).astype(np.int16) if parts else np.zeros(0, np.int16)
    # the decoded track is the whole clip: its time zero is the first frame's, phonemes move by start_s
    spans = [PhonemeSpan(p.phoneme, p.start_s + start_s, p.end_s + start_s) for p in phonemes]
    speech = Speech(pcm=pcm, sample_rate=rate, text="", phonemes=spans)
    return measure_lipsync(apertures, speech, fps, closed_below=closed_below)


class ApertureSink(VideoSink):
    """A sink that re-detects the mouth in every frame it receives (no frames kept): measure a live run."""

    name = "aperture"
    capabilities = SinkCapabilities(video=True, audio=False, live=False)

    def __init__(self) -> None:
        self.fps = 25.0
        self.apertures: dict[int, float] = {}  # frame index → aperture
        self._tracker: MouthTracker | None = None

    def open(self, width: int, height: int, fps: float, sample_rate: int) -> None:
        self.fps = float(fps)
        self._tracker = MouthTracker()

    def write_video(self, frame: VideoFrame) -> None:
        assert self._tracker is not None, "open() the sink first"
        self.apertures[frame.index] = self._tracker.aperture(frame.image)

    def series(self, start_s: float, end_s: float) -> np.ndarray:
        """Apertures of the frame slots from start_s to end_s (NaN for a slot with no frame or no face)."""
        first, last = round(start_s * self.fps), round(end_s * self.fps)
        return np.array([self.apertures.get(i, np.nan) for i in range(first, last)], dtype=np.float64)

    def report(self, speech: Speech, start_s: float, *, margin_s: float = 0.2,
               closed_below: float = CLOSED_BELOW) -> LipsyncReport:
        """Measure one utterance that was played at `start_s`, with `margin_s` of frames either side."""
        t0 = max(0.0, round((start_s - margin_s) * self.fps) / self.fps)
        values = self.series(t0, start_s + speech.duration_s + margin_s)
        return measure_lipsync(values, speech, self.fps, start_s=start_s - t0, closed_below=closed_below)

    def close(self) -> None:
        if self._tracker is not None:
            self._tracker.close()
            self._tracker = None
