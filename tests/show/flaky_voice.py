"""`nightshift run SHOW.yaml` with a Piper voice that crashes on its Nth line (a crash that cannot be caused
for real on demand); every other call is the real bundled Piper voice.

    python tests/show/flaky_voice.py SHOW.yaml N
"""

from __future__ import annotations

import sys

from show.cli import main
from voice.tts.base import register
from voice.tts.piper import PiperTTS
from voice.types import Speech


def crashing_on(n: int) -> type[PiperTTS]:
    """The real Piper backend, raising on its nth synthesize call only."""

    class CrashingPiper(PiperTTS):
        calls = 0

        def synthesize(self, text: str, lang: str) -> Speech:
            type(self).calls += 1
            if type(self).calls == n:
                raise RuntimeError(f"onnxruntime session crashed (injected on call {n})")
            return super().synthesize(text, lang)

    return CrashingPiper


if __name__ == "__main__":
    register("piper")(crashing_on(int(sys.argv[2])))
    sys.exit(main(["run", sys.argv[1]]))
