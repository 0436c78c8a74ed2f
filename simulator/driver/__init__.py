"""The HTTP driver protocol: how the harness drives any billing engine under test, with a test
clock. `server` serves the reference engine so, `client` is the harness's adapter for it,
`openapi` the protocol as an OpenAPI document."""
