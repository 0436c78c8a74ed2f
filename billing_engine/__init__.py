"""The billing engine under test: a clock-agnostic library implementing docs/rules.md.

Callers use `billing_engine.service.BillingEngine`, wired by `billing_engine.bootstrap.bootstrap`
(the one place its context is built). The top level holds what callers import: the facade, the
composition root, the ports, the `Event` dataclass, money, policy and errors. Inside,
`domain/` is the model (accounts, ledgers, payment methods, deductions, repayments, plans),
`use_cases/` the service layer (deductions, repayments, plan orders, linking, lifecycle) and
`adapters/` the gateway adapters over a Transport; import-linter keeps each layer from importing
the ones above it."""
