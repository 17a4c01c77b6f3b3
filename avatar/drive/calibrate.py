"""Per-operator calibration: raw measurements → FaceParams ranges, learnt from the operator's own face as it moves.

Faces differ (eye shape, lip thickness, glasses): every feature is read against this operator's own
baseline — the open eye's usual lid gap, the closed mouth's gap, the resting lip width — which the
calibration keeps up to date while tracking, so nobody has to pose before a takeover.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

import numpy as np

from avatar.drive.measure import FaceMeasure

MIN_JAW_SPAN = 0.35  # an inner-lip gap this far (in inter-ocular distances) above closed reads as wide open
JAW_PEAK_RELEASE = 0.9995  # per frame: a wide-open record fades over about a minute
CLOSED_CREEP = 0.0004  # per frame: the closed-mouth gap drifts up until the operator closes again
EYE_OPEN = 0.88  # lid gap as a share of this operator's open eye: above it the eye counts as open
# what "shut" reads as differs by face: FaceMesh sees a lid closed behind glasses at ~0.6-0.7 of the open gap,
# a bare eye at ~0.25; the calibration learns it from the operator's own blinks, within these bounds
EYE_SHUT_RANGE = (0.2, 0.7)
EYE_LINK = 0.6  # closures closer than this are one blink of both eyes; further apart, a wink
SHUT_CREEP = 0.0005  # per frame: the learnt shut share relaxes back towards the upper bound
EYE_HISTORY = 150  # frames (about 5 s) whose median is the open-eye gap
SPREAD_RANGE, PUCKER_RANGE = 0.22, 0.18  # lip width change (share of the resting width) for full spread/pucker
LIP_TOLERANCE = 0.05  # lip thickness changes within this share of the resting thickness are jitter
FULL_RANGE, PRESS_RANGE = 0.15, 0.10  # thickness change beyond the tolerance for a full pucker / press
IRIS_RANGE = 0.20  # iris offset (share of the eye's half width) the rig shows as full gaze (eyes.py: 0.20)
HEAD_GAIN = 0.5  # the avatar turns half as far as the operator: the rig looks right within ±8°
HEAD_LIMIT = 8.0
SLOW = 0.005  # per frame, for the neutral iris and head pitch (a time constant of about 8 s) ...
SETTLE = 25  # ... after a plain mean over the first frames (FaceMesh's first detection differs from tracking)


class Coupling:
    """How far one reading moves with another, as a running least-squares slope (about 4 s of memory)."""

    def __init__(self, *, rate: float = 0.01, min_spread: float = 0.03, limit: float = 30.0) -> None:
        self.rate, self.min_spread, self.limit = rate, min_spread, limit
        self._n = 0
        self._mx = self._my = self._sxx = self._sxy = 0.0

    def slope(self, x: float, y: float) -> float:
        """Add the sample (x, y) and return dy/dx so far (0 until x has varied by min_spread)."""
        self._n += 1
        a = max(self.rate, 1.0 / self._n)
        dx, dy = x - self._mx, y - self._my
        self._mx += a * dx
        self._my += a * dy
        self._sxx = (1.0 - a) * (self._sxx + a * dx * dx)
        self._sxy = (1.0 - a) * (self._sxy + a * dx * dy)
        if self._sxx < self.min_spread**2:
            return 0.0
        return float(np.clip(self._sxy / self._sxx, -self.limit, self.limit))


@dataclass
class Baselines:
    """What this operator's face looks like at rest (None until the first face is seen)."""

    closed_gap: float | None = None
    wide_gap: float | None = None
    lip_width: float | None = None
    lip_thickness: float | None = None
    iris: tuple[float, float] | None = None
    pitch: float | None = None  # the face plane's tilt when looking ahead


class Calibration:
    """Turns FaceMeasures into FaceParams values (unsmoothed), updating the operator's baselines as it goes."""

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        """Forget the operator (a new person takes over)."""
        self.base = Baselines()
        self._eyes: tuple[deque[float], deque[float]] = (deque(maxlen=EYE_HISTORY), deque(maxlen=EYE_HISTORY))
        self._samples: dict[str, int] = {}
        self._jaw_pitch = Coupling()  # degrees of apparent pitch per unit of lip gap
        self._shut = [EYE_SHUT_RANGE[1], EYE_SHUT_RANGE[1]]  # the share each eye reads when shut

    def _rate(self, name: str) -> float:
        """How far a neutral moves towards a new sample: a running mean at first, then a slow average."""
        k = self._samples[name] = self._samples.get(name, 1) + 1
        return max(SLOW, 1.0 / min(k, SETTLE))

    def recenter(self, m: FaceMeasure) -> None:
        """Take this face as the neutral gaze and head pitch (the operator looking at the camera)."""
        self._samples = {"iris": SETTLE, "pitch": SETTLE}
        self.base.iris = (m.iris_x, m.iris_y)
        self.base.pitch = m.pitch_deg

    def jaw(self, gap: float) -> float:
        """0 with the lips at this operator's closed gap, 1 at their wide-open gap (at least MIN_JAW_SPAN more)."""
        b = self.base
        b.closed_gap = gap if b.closed_gap is None else min(b.closed_gap + CLOSED_CREEP, gap)
        floor = b.closed_gap + MIN_JAW_SPAN
        b.wide_gap = max(floor, gap, (b.wide_gap or floor) * JAW_PEAK_RELEASE)
        return float(np.clip((gap - b.closed_gap) / (b.wide_gap - b.closed_gap), 0.0, 1.0))

    def lips(self, width: float, thickness: float, jaw: float) -> tuple[float, float, float]:
        """(spread, pucker, pressed) from the lips' width and thickness against their resting values.

        The resting values are learnt while the mouth is shut and at ease (not pressed, not rounded).
        """
        b = self.base
        if b.lip_width is None or b.lip_thickness is None:
            b.lip_width, b.lip_thickness = width, thickness
        change = width / max(b.lip_width, 1e-6) - 1.0
        thick = thickness / max(b.lip_thickness, 1e-6) - 1.0
        if jaw < 0.15 and abs(thick) < 0.06:
            b.lip_width += 0.02 * (width - b.lip_width)
            b.lip_thickness += 0.02 * (thickness - b.lip_thickness)
        spread = float(np.clip(change / SPREAD_RANGE, 0.0, 1.0))
        # an opening jaw narrows the lips by itself: only narrowing beyond that is a pucker; rounded lips
        # also push out and look fuller
        pucker = max(float(np.clip((-change - 0.25 * jaw) / PUCKER_RANGE, 0.0, 1.0)),
                     float(np.clip((thick - LIP_TOLERANCE) / FULL_RANGE, 0.0, 1.0)) * (1.0 - jaw))  # fmt: skip
        # pressed lips roll in: the red of the lips thins while the mouth is shut
        pressed = float(np.clip((-thick - LIP_TOLERANCE) / PRESS_RANGE, 0.0, 1.0)) * float(jaw < 0.1)
        return spread, pucker, pressed

    def blinks(self, right_gap: float, left_gap: float) -> tuple[float, float]:
        """(right, left) lid closure; two eyes closing together close as one (a wink, one eye alone, stays).

        FaceMesh often reads one eye's lid short (glasses, a turned head): eyes that move together within
        EYE_LINK of each other both take the stronger closure.
        """
        r, l_ = self.blink(right_gap, 0), self.blink(left_gap, 1)
        if abs(r - l_) < EYE_LINK:
            r = l_ = max(r, l_)
        return r, l_

    def blink(self, gap: float, side: int) -> float:
        """Lid closure 0..1 of one eye (0 = right, 1 = left): its gap against the median of its recent openings."""
        hist = self._eyes[side]
        hist.append(gap)
        open_gap = float(np.median(hist)) if len(hist) >= 5 else max(hist)
        share = gap / max(open_gap, 1e-6)
        lo, hi = EYE_SHUT_RANGE
        shut = float(np.clip(min(self._shut[side] + SHUT_CREEP, share), lo, hi))
        self._shut[side] = shut
        return float(np.clip((EYE_OPEN - share) / (EYE_OPEN - shut), 0.0, 1.0))

    def gaze(self, x: float, y: float) -> tuple[float, float]:
        """(gaze_x, gaze_y) of the rig: the iris offset from this operator's neutral, scaled to the rig's range."""
        b = self.base
        if b.iris is None:
            b.iris = (x, y)
        else:
            k = self._rate("iris")
            b.iris = (b.iris[0] + k * (x - b.iris[0]), b.iris[1] + k * (y - b.iris[1]))
        gx = (x - b.iris[0]) / IRIS_RANGE
        gy = 0.5 * (y - b.iris[1]) / IRIS_RANGE  # the vertical reading is noisier (lids cover the iris)
        return float(np.clip(gx, -1.0, 1.0)), float(np.clip(gy, -1.0, 1.0))

    def head(self, m: FaceMeasure) -> tuple[float, float, float]:
        """(yaw, pitch, roll) in the rig's degrees: scaled by HEAD_GAIN and clamped to ±HEAD_LIMIT.

        An opening jaw tilts the mesh's plane as if the head nodded (by 2-6° when wide, depending on the
        face): that share of the pitch, learnt from this operator's talking, is taken out first.
        """
        b = self.base
        level = m.pitch_deg - self._jaw_pitch.slope(m.lip_gap, m.pitch_deg) * m.lip_gap
        b.pitch = level if b.pitch is None else b.pitch + self._rate("pitch") * (level - b.pitch)
        pitch = level - b.pitch

        def rig(deg: float) -> float:
            return float(np.clip(deg * HEAD_GAIN, -HEAD_LIMIT, HEAD_LIMIT))

        return rig(m.yaw_deg), rig(pitch), rig(m.roll_deg)
