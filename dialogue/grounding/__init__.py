"""Grounding: the catalog's own answers, and the check every model-phrased sentence must pass."""
