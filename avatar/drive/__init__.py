"""Real-person driving (takeover): the operator's camera and microphone move the host's face and are its voice.

`Takeover` is what the console feeds (camera frames, mic chunks) and the programme reads (FaceParams and
audio per frame); `FaceTracker` and `MicDriver` are its two halves; `fakecam` makes test media.

    tk = Takeover.for_program(program)       # when the operator's camera opens: tracking warms up
    tk.push_video(jpeg_bytes, ts)            # each camera frame (any thread)
    tk.push_audio(pcm, sample_rate, ts)      # each microphone chunk, mono int16 or float
    tk.attach(program)                       # the takeover click: the operator is on air
    tk.detach()                              # hand back: eases to the host in 250 ms, held lines resume
    tk.close()
"""

from avatar.drive.face import FaceTracker
from avatar.drive.measure import FaceMeasure, measure
from avatar.drive.mic import MicDriver, StreamResampler
from avatar.drive.takeover import Takeover, TakeoverStats

__all__ = ["FaceMeasure", "FaceTracker", "MicDriver", "StreamResampler", "Takeover", "TakeoverStats", "measure"]
