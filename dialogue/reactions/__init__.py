"""Welcomes and thanks for room events: when (policy), which names may be said (names), what is said (phrasing)."""
