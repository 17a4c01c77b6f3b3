"""Real-person driving (takeover): the operator's camera and microphone move the host's face and are its voice.

`Takeover` is what the console feeds (camera frames, mic chunks) and the programme reads (FaceParams and
audio per frame); `FaceTracker` and `MicDriver` are its two halves; `fakecam` makes test media.
"""

from avatar.drive.face import FaceTracker
from avatar.drive.measure import FaceMeasure, measure
from avatar.drive.mic import MicDriver, StreamResampler
from avatar.drive.takeover import Takeover, TakeoverStats

__all__ = ["FaceMeasure", "FaceTracker", "MicDriver", "StreamResampler", "Takeover", "TakeoverStats", "measure"]
