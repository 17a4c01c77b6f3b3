"""Text in, speech and its phoneme/viseme timeline out: normalisation, TTS backends, streaming (its outputs are avatar.sinks)."""
