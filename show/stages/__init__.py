"""The show's stages, each with one job: intake, the scheduler (what is said next), the speaker, the holds.

- intake: comment sources → inbox → triage → the scheduler's queue;
- scheduler: what the host says next (pure: no threads, no models, no clock of its own);
- answering: a chosen comment → the responder's sentences → the gate;
- speaker: lines the gate cleared → voice (voices: fallback and clause streaming as wrappers) → programme;
- holds: one state machine for stop, pause, presence, takeover, disk and recording;
- health: presence, outputs and disks, checked at every step and turned into events and holds.

The stages publish typed events (show.events) on the bus (show.bus); the scheduler returns the events it
produced and its callers publish them."""
