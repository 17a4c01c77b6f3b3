"""Comments in, safe grounded replies out: sources, triage, catalog, retrieval, LLM backends, grounding, moderation, rundown."""
