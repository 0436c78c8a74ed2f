"""Infrastructure shared by the three mock gateways: clock, errors, faults, idempotency, request
fields, the Flask app shell with its admin API, OpenAPI helpers and the waitress runner."""
