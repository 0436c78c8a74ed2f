"""The billing engine under test: a clock-agnostic library implementing RULES.md. Callers use
`billing_engine.service.BillingEngine`, wired by `billing_engine.bootstrap.bootstrap`."""
