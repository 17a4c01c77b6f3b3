"""A transformers causal LM loaded from a local directory (never from a hub)."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal

from core.registry import SettingsPath
from dialogue.errors import ModelError
from dialogue.llm.base import LLM, MODELS, LLMCapabilities, ModelSettings


class TransformersSettings(ModelSettings):
    """`model: {kind: transformers, path: folder}`: a local model folder with its config.json."""

    kind: Literal["transformers"] = "transformers"
    path: SettingsPath | None = None

    def options(self) -> dict[str, Any]:
        return {"model_dir": self.path}


class TransformersLLM(LLM):
    name = "transformers"

    def __init__(self, model_dir: str | Path | None = None, *, languages: tuple[str, ...] | None = None,
                 seed: int = 7) -> None:
        if model_dir is None or not Path(model_dir).is_dir():
            raise ModelError(str(model_dir), "a transformers model needs a local directory with config.json")
        if not (Path(model_dir) / "config.json").exists():
            raise ModelError(str(model_dir), "no config.json in the model directory")
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        try:
            import torch
            from transformers import AutoModelForCausalLM, AutoTokenizer
        except ImportError:
            raise ModelError(str(model_dir), "torch/transformers not installed (run scripts/setup.sh --full)") from None
        try:
            self.tokenizer = AutoTokenizer.from_pretrained(str(model_dir), local_files_only=True)
            self.model: Any = AutoModelForCausalLM.from_pretrained(str(model_dir), local_files_only=True)
        except (OSError, ValueError) as e:
            raise ModelError(str(model_dir), f"transformers could not load it ({e})") from None
        self.model.eval()
        self._torch = torch
        torch.manual_seed(seed)
        self.capabilities = LLMCapabilities(languages=languages, keeps_prefix_cache=False)
        self._lock = threading.Lock()

    def _prompt_ids(self, system: str, user: str) -> Any:
        tok = self.tokenizer
        if getattr(tok, "chat_template", None):
            msgs = [{"role": "system", "content": system}, {"role": "user", "content": user}]
            return tok.apply_chat_template(msgs, add_generation_prompt=True, return_tensors="pt",
                                           return_dict=True)
        return tok(f"{system}\n\n{user}\n", return_tensors="pt")

    def stream(self, system: str, user: str, *, max_tokens: int = 64, temperature: float = 0.3,
               stop: tuple[str, ...] = ()) -> Iterator[str]:
        from transformers import TextIteratorStreamer

        with self._lock:
            inputs = self._prompt_ids(system, user)
            streamer = TextIteratorStreamer(self.tokenizer, skip_prompt=True, skip_special_tokens=True)
            kwargs = dict(**inputs, max_new_tokens=max_tokens, streamer=streamer,
                          do_sample=temperature > 0, temperature=max(temperature, 1e-3),
                          pad_token_id=self.tokenizer.pad_token_id or self.tokenizer.eos_token_id or 0)
            worker = threading.Thread(target=self.model.generate, kwargs=kwargs, daemon=True)
            worker.start()
            text = ""
            for piece in streamer:
                text += piece
                if piece:
                    yield piece
                if any(s in text for s in stop):
                    break
            worker.join()


MODELS.register("transformers", TransformersSettings, TransformersLLM)
