"""The use cases (the service layer): automatic deductions, manual repayments, plan orders,
linking and verifying payment methods, the account lifecycle, and what they share (charging,
3D Secure challenges, reconciliation of unknown outcomes, the engine context). Each works on the
domain model and reaches the gateways, the clock and the event sink through the ports."""
