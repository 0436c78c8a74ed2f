"""The domain model: accounts and their ledgers, payment methods, deductions, repayments, plans,
months and fee accrual. Plain classes and values; it knows nothing of the use cases above it and
reaches the outside world only through `billing_engine.ports`' value types."""
