"""Each LLM backend against the real thing: llama.cpp with the bundled GGUF, a real OpenAI-compatible
server (llama_cpp.server) on loopback, and a transformers model built and saved to a local folder."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from dialogue.errors import ModelError
from dialogue.llm import bundled_gguf, create, load_llm

SYSTEM = "You are a shop host. Answer in one short sentence."


def test_bundled_model_is_found_and_generates(smollm) -> None:
    assert bundled_gguf() is not None and bundled_gguf().suffix == ".gguf"
    text = "".join(smollm.stream(SYSTEM, "Say hello to Anna.", max_tokens=16))
    assert text.strip(), "the model produced no text"


def test_system_prompt_stays_in_kv_cache(smollm) -> None:
    """After the first call only the comment's own tokens are evaluated, not the system prompt again."""
    llama = smollm._llm
    evaluated: list[int] = []
    real_eval = llama.eval

    def counting_eval(tokens):  # a spy around the real evaluation, not a stand-in
        evaluated.append(len(tokens))
        return real_eval(tokens)

    llama.eval = counting_eval
    try:
        long_system = SYSTEM + " " + "Be kind and brief. " * 40
        system_tokens = len(llama.tokenize(long_system.encode()))
        list(smollm.stream(long_system, "Hi!", max_tokens=2))
        evaluated.clear()
        list(smollm.stream(long_system, "How much is the mug?", max_tokens=2))
        prompt_eval = evaluated[0]
    finally:
        del llama.eval
    assert system_tokens > 150
    assert prompt_eval < 40, f"second call evaluated {prompt_eval} prompt tokens; the system prompt was not cached"


def test_missing_and_corrupt_model_files(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="not found"):
        load_llm(str(tmp_path / "nope.gguf"))
    junk = tmp_path / "junk.gguf"
    junk.write_bytes(b"not a model at all" * 100)
    with pytest.raises(ModelError, match="not a GGUF"):
        load_llm(str(junk))
    truncated = tmp_path / "truncated.gguf"
    truncated.write_bytes(bundled_gguf().read_bytes()[:4096])
    with pytest.raises(ModelError, match="could not load"):
        load_llm(str(truncated))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_openai_compatible_server(tmp_path: Path) -> None:
    port = _free_port()
    log = (tmp_path / "server.log").open("w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "llama_cpp.server", "--model", str(bundled_gguf()), "--host", "127.0.0.1",
         "--port", str(port), "--n_ctx", "1024", "--n_threads", "2"],
        stdout=log, stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/v1/models", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.3)
        else:
            pytest.fail("llama_cpp.server did not start: " + (tmp_path / "server.log").read_text()[-2000:])
        llm = load_llm(url=f"http://127.0.0.1:{port}")
        pieces = list(llm.stream(SYSTEM, "Say hello to Anna.", max_tokens=12))
        assert len(pieces) > 1, "expected a streamed reply in several pieces"
        assert "".join(pieces).strip()
    finally:
        proc.terminate()
        proc.wait(timeout=20)
    dead = create("openai", base_url=f"http://127.0.0.1:{port}", timeout_s=2)
    with pytest.raises(ModelError, match="cannot reach"):
        list(dead.stream(SYSTEM, "hi"))


@pytest.fixture(scope="module")
def tiny_transformers_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small random GPT-2 with the MiniLM tokenizer, saved as a local model folder."""
    import torch
    from transformers import AutoTokenizer, GPT2Config, GPT2LMHeadModel

    from dialogue.embeddings import bundled_minilm_dir

    folder = tmp_path_factory.mktemp("tiny-lm")
    tok = AutoTokenizer.from_pretrained(str(bundled_minilm_dir()), local_files_only=True)
    cfg = GPT2Config(vocab_size=len(tok), n_embd=32, n_layer=2, n_head=2, n_positions=512)
    torch.manual_seed(1234)  # fixed random weights: the same tokens every run
    model = GPT2LMHeadModel(cfg)
    with torch.no_grad():  # never favour the special tokens, which decode to nothing
        model.lm_head.weight[tok.all_special_ids] = 0.0
        model.transformer.wte.weight[tok.all_special_ids] = 0.0
    model.save_pretrained(folder)
    tok.save_pretrained(folder)
    return folder


def test_transformers_backend_from_local_folder(tiny_transformers_model: Path, shop_en) -> None:
    llm = load_llm(str(tiny_transformers_model))
    assert llm.name == "transformers"
    text = "".join(llm.stream(SYSTEM, "Say hello.", max_tokens=8, temperature=0.0))
    assert text.strip()
    # Its random output can never reach a viewer: grounding replaces it with the catalog's answer.
    from dialogue.engine import DialogueEngine
    from dialogue.retrieval import Retriever
    from dialogue.types import Comment

    engine = DialogueEngine(shop_en, llm, Retriever(shop_en))
    draft = engine.answer(Comment("t1", "ann", "how much is the hoodie?"))
    assert draft.text and "$39.90" in draft.text and draft.grounded_by == "template"


def test_transformers_backend_refuses_bad_folders(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="config.json"):
        create("transformers", model_dir=tmp_path)
