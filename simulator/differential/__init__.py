"""`billing-sim diff`: the same scenario on the reference engine and on a remote one, compared
event by event and figure by figure, each divergence charged to a rule of docs/rules.md."""
