"""The Slack interface: a Bolt app over `Assistant.ask`."""
