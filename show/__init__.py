"""show package."""
