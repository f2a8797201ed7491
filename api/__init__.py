"""The HTTP service (FastAPI): tokens, ticketing webhooks, entitlement answers."""
