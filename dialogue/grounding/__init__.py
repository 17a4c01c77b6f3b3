"""grounding package."""
