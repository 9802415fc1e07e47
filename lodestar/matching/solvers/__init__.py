"""Solvers: each takes a Problem and returns a Result, honouring capacities, pins and exclusions."""
