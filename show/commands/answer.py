"""`nightshift answer`: one JSONL line out per comment in, same order (the README's "Comments and answers")."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from contextlib import nullcontext
from pathlib import Path
from typing import IO

from tqdm import tqdm

from dialogue.catalog import load_catalog
from dialogue.engine import DialogueEngine
from dialogue.errors import InputError
from dialogue.sources import read_comments

log = logging.getLogger("nightshift.answer")


def _open_out(path: str) -> IO[str]:
    if path == "-":
        return sys.stdout
    try:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        return open(path, "w", encoding="utf-8")  # noqa: SIM115  (closed by the caller)
    except OSError as e:
        raise InputError(path, f"cannot write: {e.strerror or e}") from None


def run_answer(args: argparse.Namespace) -> int:
    catalog = load_catalog(args.catalog)
    items = read_comments(args.comments)
    engine = DialogueEngine.build(catalog, model=args.model, llm_kind=args.llm, llm_url=args.llm_url,
                                  no_llm=args.no_llm)
    out = _open_out(args.out)
    counts: dict[str, int] = {}
    with out if out is not sys.stdout else nullcontext(out):
        for item in tqdm(items, desc="answering", unit="comment", file=sys.stderr, disable=len(items) < 20):
            draft = engine.answer(item)
            counts[draft.action.value] = counts.get(draft.action.value, 0) + 1
            if draft.action.value != "reply":
                reason = next((f for f in draft.flags if not f.startswith(("intent:", "lang:"))), "")
                log.info("%s %s: %s", draft.action.value, draft.comment_id, reason)
            out.write(json.dumps(draft.to_json(), ensure_ascii=False) + "\n")
            out.flush()
    log.info("answered %d comments: %s", len(items), ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
    return 0
