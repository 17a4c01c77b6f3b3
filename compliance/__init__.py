"""Labels (visible, audible, metadata), consent, operator presence, the gate every line passes, the audit log."""
