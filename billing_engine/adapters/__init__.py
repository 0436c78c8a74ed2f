"""Adapters that implement the engine's gateway ports over a Transport: httpx (the `wsgi` and
`http` transports) or a handler in the same process that answers (status, body), as httpx's
MockTransport does (`direct`; the mocks' handlers are `mock_gateways/*/inprocess.py`). The
adapters know no gateway's code, only its HTTP contract."""
