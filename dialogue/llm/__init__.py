"""Language model backends: llama.cpp (default), an OpenAI-compatible server, transformers."""

from __future__ import annotations

from pathlib import Path

from dialogue.llm import llama_cpp, openai_http, transformers_lm  # noqa: F401  (registers backends)
from dialogue.llm.base import LLM, LLMCapabilities, create, register
from dialogue.llm.llama_cpp import bundled_gguf

__all__ = ["LLM", "LLMCapabilities", "bundled_gguf", "create", "load_llm", "register"]


def load_llm(model: str | None = None, kind: str | None = None, url: str | None = None) -> LLM:
    """Pick a backend from the arguments: a URL → openai; a directory → transformers; else llama.cpp."""
    if kind is None:
        if url:
            kind = "openai"
        elif model and Path(model).is_dir():
            kind = "transformers"
        else:
            kind = "llama_cpp"
    if kind == "openai":
        return create("openai", base_url=url or "http://127.0.0.1:8080", model=model or "default")
    if kind == "transformers":
        return create("transformers", model_dir=model)
    return create("llama_cpp", model_path=model)
