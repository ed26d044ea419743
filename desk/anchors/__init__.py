"""Keeping a claim on its words: anchoring a span, and re-anchoring when an article's text changes."""
