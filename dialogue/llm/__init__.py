"""Language model backends: llama.cpp (default), an OpenAI-compatible server, transformers.

Each registers itself from its own module; `MODELS` finds them when first asked, so importing this package
(or `dialogue.llm.base`) loads no backend and none of their libraries.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from dialogue.llm.base import LLM, MODELS, LLMCapabilities, ModelSettings, build, create, register

if TYPE_CHECKING:
    from dialogue.llm.llama_cpp import bundled_gguf

__all__ = ["LLM", "MODELS", "LLMCapabilities", "ModelSettings", "build", "bundled_gguf", "create", "load_llm",
           "register"]


def load_llm(model: str | None = None, kind: str | None = None, url: str | None = None) -> LLM | None:
    """The model the command line names: `kind`, or from the arguments (a URL: openai; a directory:
    transformers; else llama.cpp). `model` is the backend's `path`, `url` its `url` where it takes one."""
    if kind is None:
        kind = "openai" if url else "transformers" if model and Path(model).is_dir() else "llama_cpp"
    takes = MODELS.get(kind).settings
    given = {"path": model, "url": url}
    fields = {k: v for k, v in given.items() if v is not None and takes is not None and k in takes.model_fields}
    return MODELS.build(MODELS.parse({"kind": kind, **fields}))


def __getattr__(name: str) -> Any:
    if name == "bundled_gguf":  # without loading the llama.cpp backend's module for it
        from dialogue.llm.llama_cpp import bundled_gguf

        return bundled_gguf
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
