"""The show's stages, each with one job: intake, the scheduler (what is said next), the speaker, the holds.

The scheduler is pure (no threads, no models, no clock of its own): it takes plain values and returns the
events it produced, and its callers publish them on the bus (show.bus)."""
