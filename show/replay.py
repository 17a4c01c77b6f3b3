"""A show run on a simulated clock: a comment replay through triage, the queue, the responder, the
rundown and the voice, with every utterance written as audio. `nightshift demo` runs this."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from dialogue.engine import DialogueEngine
from dialogue.rundown import Rundown
from dialogue.triage.queue import CommentQueue
from dialogue.types import Action, BadComment, Comment, Draft, Triaged
from voice.normalize import normalize
from voice.stream import speak
from voice.tts.base import TTSBackend
from voice.types import Speech
from voice.wav import write_wav

log = logging.getLogger(__name__)

GAP_S = 0.4  # breath between utterances
DISCLOSURE = {
    "en": "Welcome! This live room is hosted by an AI-generated virtual host.",
    "zh": "欢迎来到直播间！本直播间由AI生成的虚拟主播主持。",
}


@dataclass
class Utterance:
    at_s: float
    kind: str  # "disclosure", "reply", "pitch"
    text: str
    audio: str
    duration_s: float
    comment_id: str | None = None
    sources: list[str] = field(default_factory=list)


@dataclass
class ReplayResult:
    records: list[dict[str, object]]  # one per comment, in input order
    utterances: list[Utterance]
    show_s: float
    show_wav: Path


class ReplayShow:
    """Runs one shop's replay; the show clock advances by the length of what is spoken."""

    def __init__(self, engine: DialogueEngine, voice: TTSBackend, out_dir: Path, *, pitch_interval_s: float = 25.0,
                 max_show_s: float | None = None) -> None:
        self.engine = engine
        self.voice = voice
        self.out = out_dir
        self.lang = engine.catalog.lang
        self.rundown = Rundown(engine.catalog, interval_s=pitch_interval_s)
        self.queue: CommentQueue[Triaged] = CommentQueue(max_size=50)
        self.max_show_s = max_show_s
        self._pcm: list[np.ndarray] = []
        self._rate = 0
        self.timeline: list[tuple[float, Speech]] = []  # (show time, what was said): the video follows it

    def _say(self, at: float, kind: str, text: str, lang: str, n: int, **kw: object) -> Utterance:
        speech = speak(self.voice, normalize(text, lang), lang)
        self._rate = self._rate or speech.sample_rate
        path = self.out / "audio" / f"{n:03d}-{kind}.wav"
        write_wav(path, speech.pcm, speech.sample_rate)
        pad = np.zeros(int(GAP_S * speech.sample_rate), dtype=np.int16)
        self._pcm += [speech.pcm.astype(np.int16), pad]
        self.timeline.append((at, speech))
        return Utterance(at, kind, text, str(path.relative_to(self.out)), speech.duration_s, **kw)  # type: ignore[arg-type]

    def run(self, items: list[Comment | BadComment]) -> ReplayResult:
        (self.out / "audio").mkdir(parents=True, exist_ok=True)
        order = {it.id: i for i, it in enumerate(items)}
        records: dict[str, dict[str, object]] = {}
        pending = sorted(items, key=lambda it: (it.ts if isinstance(it, Comment) and it.ts is not None else 0.0))
        utts: list[Utterance] = []
        t = 0.0
        u = self._say(t, "disclosure", DISCLOSURE.get(self.lang, DISCLOSURE["en"]), self.lang, 0)
        utts.append(u)
        t += u.duration_s + GAP_S
        while True:
            if self.max_show_s is not None and t >= self.max_show_s:
                break
            while pending and _ts(pending[0]) <= t:
                it = pending.pop(0)
                tri = self.engine.triage(it, now=_ts(it))
                if tri.skip_reason:
                    records[it.id] = self._record(self.engine.respond(tri).finish(), None)
                    continue
                for shed in self.queue.push(tri, tri.priority, now=t):
                    records[shed.comment.id] = _shed_record(shed)
            item = self.queue.pop(now=t)
            if item is not None:
                reply = self.engine.respond(item, current_sku=self.rundown.current_sku)
                draft = reply.finish()
                utt = None
                if draft.action == Action.REPLY and draft.text:
                    utt = self._say(t, "reply", draft.text, draft.lang, len(utts), comment_id=draft.comment_id,
                                    sources=draft.sources)
                    utts.append(utt)
                    t += utt.duration_s + GAP_S
                records[draft.comment_id] = self._record(draft, utt)
                continue
            nxt = self.rundown.next_sentence(t)
            if nxt is not None:
                sentence, pitch = nxt
                utt = self._say(t, "pitch", sentence, self.lang, len(utts), sources=pitch.sources)
                utts.append(utt)
                t += utt.duration_s + GAP_S
                continue
            if not pending:
                break
            t = max(t, _ts(pending[0]))
        for it in pending:  # the show ended (--minutes) before these arrived: say so, drop none
            records[it.id] = {"id": it.id, "action": "skip", "text": None, "flags": ["show_ended"], "sources": []}
        while (item := self.queue.pop(now=t)) is not None:
            records[item.comment.id] = {"id": item.comment.id, "action": "skip", "text": None,
                                        "flags": ["show_ended"], "sources": []}
        ordered = sorted(records.values(), key=lambda r: order.get(str(r["id"]), 0))
        show_wav = self.out / "show.wav"
        write_wav(show_wav, np.concatenate(self._pcm) if self._pcm else np.zeros(1, np.int16), self._rate or 22050)
        with (self.out / "replies.jsonl").open("w", encoding="utf-8") as f:
            for r in ordered:
                f.write(json.dumps(r, ensure_ascii=False) + "\n")
        with (self.out / "utterances.jsonl").open("w", encoding="utf-8") as f:
            for x in utts:
                f.write(json.dumps(x.__dict__, ensure_ascii=False) + "\n")
        return ReplayResult(ordered, utts, t, show_wav)

    @staticmethod
    def _record(draft: Draft, utt: Utterance | None) -> dict[str, object]:
        rec = draft.to_json()
        if utt is not None:
            rec["audio"] = utt.audio
            rec["at_s"] = round(utt.at_s, 2)
        return rec


def _ts(item: Comment | BadComment) -> float:
    return item.ts if isinstance(item, Comment) and item.ts is not None else 0.0


def _shed_record(t: Triaged) -> dict[str, object]:
    return {"id": t.comment.id, "action": "skip", "text": None, "flags": ["shed_by_queue"], "sources": []}


