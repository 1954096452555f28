"""Thin adapters over `Assistant.ask`: the command line, the Streamlit helpers and the Slack app."""
