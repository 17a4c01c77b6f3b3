"""triage package."""
