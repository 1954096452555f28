"""Optional generative answers: a language model drafts, the support checker keeps what a passage supports."""
