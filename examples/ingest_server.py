"""Run the comment ingest endpoint a platform connector pushes to, and answer what arrives.

    .venv/bin/python examples/ingest_server.py      # prints the token senders must present
    curl -X POST http://127.0.0.1:8765/comments -H 'content-type: application/json' \
         -H "Authorization: Bearer $TOKEN" -d '{"id": "c1", "user": "ann", "text": "how much is the mug?"}'
"""

from __future__ import annotations

import assets
from dialogue.catalog import load_catalog
from dialogue.engine import DialogueEngine
from dialogue.sources import HttpIngestSource


def main() -> None:
    catalog = load_catalog(assets.path("demo_shop_en.yaml"))
    engine = DialogueEngine.build(catalog)
    with HttpIngestSource(host="127.0.0.1", port=8765) as source:
        print(f"POST comments to {source.url}/comments or send them over {source.ws_url} with the header "
              f"'Authorization: Bearer {source.token}'; Ctrl-C stops")
        for item in source:
            draft = engine.answer(item)
            print(f"{draft.comment_id}: {draft.action.value}: {draft.text or ''} {draft.flags}")


if __name__ == "__main__":
    main()
