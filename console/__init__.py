"""The operator's web console: live preview, approve / edit / reject, say-this, takeover, pause and stop."""
