"""Is a message answerable from the guidance: what it asks, what lies beyond the corpus, and
the calibrated outcome (answer, partial or refuse)."""
