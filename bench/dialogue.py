"""Dialogue latency: comment arrival → first sentence ready for TTS, and → full reply, with the real model."""

from __future__ import annotations

import sys
import time

import numpy as np
from tqdm import tqdm

import assets
from dialogue.catalog import load_catalog
from dialogue.engine import DialogueEngine
from dialogue.types import Comment

QUESTIONS = [
    "how much is the hoodie?", "what colors does the hoodie come in?", "is the tote bag in stock?",
    "does the mug go in the dishwasher?", "what sizes are the socks?", "how much is the desk lamp",
    "is the jasmine tea caffeinated?", "how long does shipping take?", "what's your return policy?",
    "what is the serum made with?", "how many cups does the tea make", "is the lamp usb powered?",
    "do you have the mug in sage", "what material is the hoodie", "how much are the merino socks?",
    "can I pay with paypal", "do you ship to canada", "is the hoodie machine washable?",
    "how big is the mug", "what colours does the lamp come in",
]


def _pct(values: list[float], q: float) -> float:
    return float(np.percentile(np.array(values) * 1000.0, q)) if values else 0.0


def bench_dialogue(n: int = 3, model: str | None = None) -> dict[str, float]:
    catalog = load_catalog(assets.path("demo_shop_en.yaml"))
    t0 = time.perf_counter()
    engine = DialogueEngine.build(catalog, model=model)
    load_s = time.perf_counter() - t0
    first: list[float] = []
    full: list[float] = []
    llm_first: list[float] = []
    llm_full: list[float] = []
    phrased = 0
    total = 0
    clock = 0.0
    runs = [(i, q) for i in range(n) for q in QUESTIONS]
    for i, q in tqdm(runs, desc="dialogue", unit="comment", file=sys.stderr):
        clock += 100.0  # far apart: no dedupe or rate limit in the way
        c = Comment(id=f"b{i}-{total}", user=f"viewer{total}", text=q, ts=clock)
        start = time.perf_counter()
        reply = engine.respond(engine.triage(c))
        first_at = None
        for _ in reply:
            if first_at is None:
                first_at = time.perf_counter() - start
        end = time.perf_counter() - start
        draft = reply.draft
        assert draft is not None
        first.append(first_at if first_at is not None else end)
        full.append(end)
        phrased += draft.grounded_by == "llm"
        if reply.timing.llm_used:
            llm_first.append(first[-1])
            llm_full.append(end)
        total += 1
    return {
        "model_load_s": round(load_s, 3),
        "first_sentence_p50_ms": round(_pct(first, 50), 1),
        "first_sentence_p95_ms": round(_pct(first, 95), 1),
        "reply_p50_ms": round(_pct(full, 50), 1),
        "reply_p95_ms": round(_pct(full, 95), 1),
        "llm_first_sentence_p95_ms": round(_pct(llm_first, 95), 1),
        "llm_reply_p95_ms": round(_pct(llm_full, 95), 1),
        "llm_tried_ratio": round(len(llm_full) / max(total, 1), 3),
        "llm_phrased_ratio": round(phrased / max(total, 1), 3),
        "comments_count": float(total),
    }
