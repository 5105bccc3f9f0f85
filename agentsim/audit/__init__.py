"""Self-audits: agentsim measuring its own agents against the cases they serve."""
