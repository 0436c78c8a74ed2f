"""Adapters that implement the engine's gateway ports: over httpx (the `wsgi` and `http`
transports) or by calling the mock gateway cores in process (`direct`)."""
