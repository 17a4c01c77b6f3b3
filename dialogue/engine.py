"""The dialogue stage in one object: triage then respond, with the shop's retriever and model."""

from __future__ import annotations

import logging
import time

from dialogue.catalog import Catalog
from dialogue.llm import LLM, load_llm
from dialogue.responder import Reply, Responder
from dialogue.retrieval import Retriever
from dialogue.triage.triager import Triager
from dialogue.types import BadComment, Comment, Draft, Triaged

log = logging.getLogger(__name__)


class DialogueEngine:
    """Comments in, grounded drafts out. Time comes from the comment's `ts` when it has one."""

    def __init__(self, catalog: Catalog, llm: LLM | None, retriever: Retriever, *, timeout_s: float = 3.0,
                 first_sentence_s: float | None = None) -> None:
        self.catalog = catalog
        self.triager = Triager(catalog, retriever)
        self.responder = Responder(catalog, llm, timeout_s=timeout_s, first_sentence_s=first_sentence_s)
        self._clock = 0.0

    @classmethod
    def build(cls, catalog: Catalog, *, model: str | None = None, llm_kind: str | None = None,
              llm_url: str | None = None, no_llm: bool = False, embeddings: bool = True) -> DialogueEngine:
        llm = None if no_llm else load_llm(model, llm_kind, llm_url)
        retriever = Retriever.with_default_embedder(catalog) if embeddings else Retriever(catalog)
        return cls(catalog, llm, retriever)

    def _now(self, item: Comment | BadComment) -> float:
        ts = item.ts if isinstance(item, Comment) else None
        self._clock = ts if ts is not None else self._clock + 1.0
        return self._clock

    def triage(self, item: Comment | BadComment, now: float | None = None) -> Triaged:
        return self.triager.triage(item, self._now(item) if now is None else now)

    def respond(self, t: Triaged, current_sku: str | None = None, *, short: bool = False,
                to: tuple[str, ...] = ()) -> Reply:
        """The reply to `t` (`short`, `to`: a busy room's short form, by name; see Responder.respond)."""
        return self.responder.respond(t, current_sku, short=short, to=to)

    def answer(self, item: Comment | BadComment, current_sku: str | None = None) -> Draft:
        start = time.perf_counter()
        draft = self.responder.answer(self.triage(item), current_sku)
        log.debug("%s → %s in %.0f ms", item.id, draft.action.value, (time.perf_counter() - start) * 1000)
        return draft
