"""An OpenAI-compatible chat server (llama-server, Ollama, vLLM, llama_cpp.server) over HTTP streaming."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any, ClassVar, Literal

from dialogue.errors import ModelError
from dialogue.llm.base import LLM, MODELS, LLMCapabilities, ModelSettings


class OpenAISettings(ModelSettings):
    """`model: {kind: openai, url: http://host:8080, name: model}`: a model another process serves."""

    claims: ClassVar[tuple[str, ...]] = ("url",)  # `model: {url: ...}` with no kind

    renamed: ClassVar[dict[str, str]] = {"path": "name"}

    kind: Literal["openai"] = "openai"
    url: str = "http://127.0.0.1:8080"
    name: str = "default"  # the model the server is asked for (written `path:` before)

    def options(self) -> dict[str, Any]:
        return {"base_url": self.url, "model": self.name}


class OpenAIHTTPLLM(LLM):
    name = "openai"

    def __init__(self, base_url: str, model: str = "default", *, api_key: str | None = None,
                 timeout_s: float = 10.0, languages: tuple[str, ...] | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        if not self.base_url.endswith("/v1"):
            self.base_url += "/v1"
        self.model = model
        import httpx

        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self._client = httpx.Client(timeout=httpx.Timeout(timeout_s, connect=3.0), headers=headers)
        self.capabilities = LLMCapabilities(languages=languages, keeps_prefix_cache=True)

    def stream(self, system: str, user: str, *, max_tokens: int = 64, temperature: float = 0.3,
               stop: tuple[str, ...] = ()) -> Iterator[str]:
        body = {
            "model": self.model, "stream": True, "max_tokens": max_tokens, "temperature": temperature,
            "messages": [{"role": "system", "content": system}, {"role": "user", "content": user}],
            # llama-server keeps the shared prompt prefix in its KV cache when asked to
            "cache_prompt": True,
        }
        if stop:
            body["stop"] = list(stop)
        import httpx

        try:
            with self._client.stream("POST", f"{self.base_url}/chat/completions", json=body) as r:
                if r.status_code != 200:
                    r.read()
                    raise ModelError(self.base_url, f"server answered {r.status_code}: {r.text[:200]}")
                for line in r.iter_lines():
                    if not line.startswith("data:"):
                        continue
                    data = line[5:].strip()
                    if data == "[DONE]":
                        break
                    piece = json.loads(data)["choices"][0].get("delta", {}).get("content")
                    if piece:
                        yield piece
        except httpx.HTTPError as e:
            raise ModelError(self.base_url, f"cannot reach the model server ({e})") from None

    def close(self) -> None:
        self._client.close()


MODELS.register("openai", OpenAISettings, OpenAIHTTPLLM)
