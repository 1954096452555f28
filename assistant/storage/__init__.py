"""What persists: the Chroma store and its registry, and the shared database (db.py) holding
feedback, Slack state, editor accounts and the change log."""
