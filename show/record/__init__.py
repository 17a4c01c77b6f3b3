"""Subscribers that keep the show's records from its events: the audit log (show.record.audit), the outcomes
(show.outcomes), the traces and the run summary (show.trace)."""
