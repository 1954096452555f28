"""What persists: the Chroma store and its registry, and the SQLite records (feedback, editors, audit)."""
