"""Pull connectors: incremental export APIs of the ticketing sources."""
