"""Stored contract documents: fingerprints, limits, page previews."""
