"""`billing-sim sweep`: many seeds of scenarios as batched Dask tasks (plan, tasks, records),
their page (page) and the reduction of a failing run to a small scenario (shrink)."""
