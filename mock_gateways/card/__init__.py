"""The mock card processor: tokenize, authorize (hold), void, capture, charge, refund and look-up
by idempotency key, with issuer behaviour chosen by magic test card numbers."""
