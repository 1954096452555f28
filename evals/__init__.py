"""LLM-free evaluation: a gold question set, exact metrics, an HTML report and a CI gate."""
